"""Background jobs: old events pruned by `rostra worker --once` and by the server's own job thread."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from server_support import ORIGIN, post
from sqlalchemy import select, update

from rostra.store.queries import utcnow
from rostra.store.tables import events
from rostra.workers import jobs, run_job


def _age_every_event(store, by: timedelta) -> None:
    with store.write() as connection:
        connection.execute(update(events).values(created_at=utcnow() - by))


def _event_count(store) -> int:
    with store.read() as connection:
        return len(connection.execute(select(events.c.id)).all())


def test_events_past_their_retention_are_pruned_and_recent_ones_kept(server, client, story):
    post(client, story["id"], "An old comment")
    _age_every_event(server.store, timedelta(days=2))
    post(client, story["id"], "A new comment")
    prune = next(job for job in jobs() if job.name == "prune_old_events")
    assert run_job(server.runtime, prune)
    remaining = server.runtime.events.missed(0, None, story["id"])
    assert [event.payload["comment"]["body_html"] for event in remaining] == ["<p>A new comment</p>"]


def test_rostra_worker_once_runs_every_job_against_the_configured_database(server, client, story, database,
                                                                          tmp_path):
    post(client, story["id"], "An old comment")
    _age_every_event(server.store, timedelta(days=2))
    result = subprocess.run(
        [str(Path(sys.executable).with_name("rostra")), "worker", "--once", "--database-url", database.url,
         "--data-dir", str(tmp_path / "data"), "--allowed-origins", ORIGIN],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "prune_old_events: done" in result.stdout
    assert _event_count(server.store) == 0
