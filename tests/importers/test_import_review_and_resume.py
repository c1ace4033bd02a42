"""The engine's second opinion on imported comments (--report, the stored would-be status, the
dashboard filter), dry runs that write nothing, and an interrupted import run again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from import_support import fixture, stored
from rostra.actions.sites import ensure_site
from rostra.actions.stories import DEFAULT_SITE
from rostra.importers import FORMATS, core
from rostra.importers.core import Importer
from rostra.importers.source import SourceFile
from rostra.moderation import Engine
from rostra.store.queries import IMPORTED_ENGINE_DISAGREES
from rostra.store.tables import comments, import_runs, moderation_log


def test_report_lists_what_the_engine_would_have_decided_and_the_status_stays(rostra, database):
    outcome = rostra("import", "disqus", fixture("disqus.xml"), "--report")
    assert outcome.status == 0, outcome.stderr
    line = next(line for line in outcome.stdout.splitlines() if line.startswith("disqus:86\t"))
    assert "kept approved, the engine would have: pending (" in line and "insult" in line
    assert line.endswith("https://news.example.com/2024/old-bridge")
    rows = stored(database)
    assert rows["disqus:86"]["status"] == "approved" and rows["disqus:86"]["import_engine_status"] == "pending"
    assert rows["disqus:86"]["moderation_scores"]["insult"] > 0.5
    assert rows["disqus:85"]["import_engine_status"] is None  # deleted: nothing to score
    store = database.store()
    try:
        with store.read() as connection:
            disagreeing = set(connection.execute(
                select(comments.c.external_id).where(IMPORTED_ENGINE_DISAGREES)).scalars())
            log = connection.execute(select(moderation_log.c.actor, moderation_log.c.to_status, moderation_log.c.note)
                                     .where(moderation_log.c.comment_id == rows["disqus:86"]["id"])).one()
    finally:
        store.close()
    assert "86" in disagreeing and "81" not in disagreeing
    assert f"{len(disagreeing)} imported comments" in outcome.stdout
    assert log.actor == "rostra-import" and log.to_status == "approved"
    assert "the engine would have: pending" in log.note


def test_dry_run_checks_and_scores_but_writes_nothing(rostra, database):
    outcome = rostra("import", "disqus", fixture("disqus_bad_records.xml"), "--dry-run", "--report")
    assert outcome.status == 1
    assert "would import 2 comments" in outcome.stdout and "6 skipped" in outcome.stdout
    assert "field 'parent': no comment 9999" in outcome.stderr
    assert stored(database) == {}


class _Interrupted(Exception):
    pass


def _stop_after(items, count: int):
    for number, item in enumerate(items, start=1):
        if number > count:
            raise _Interrupted  # as if the process were killed here
        yield item


@pytest.mark.parametrize("stop_after", [1, 3, 5])
def test_an_interrupted_import_run_again_completes_without_duplicates(rostra, database, monkeypatch, stop_after):
    monkeypatch.setattr(core, "BATCH_SIZE", 2)
    store = database.store()
    try:
        site_id = ensure_site(store, DEFAULT_SITE, ["https://news.example.com"])
        source = SourceFile(fixture("disqus.xml"))
        importer = Importer(store, Engine.default(), "disqus", site_id)
        with pytest.raises(_Interrupted):
            importer.run(_stop_after(FORMATS["disqus"].read(source, None), stop_after),
                         str(source.path.resolve()), source.size)
    finally:
        store.close()
    partial = stored(database)
    assert len(partial) < 6
    # every reply written has its parent: no half-written threads
    assert all(row["parent_id"] is None or row["parent_key"] is not None for row in partial.values())
    outcome = rostra("import", "disqus", fixture("disqus.xml"))
    assert outcome.status == 0, outcome.stderr
    assert f"{len(partial)} already present" in outcome.stdout
    assert set(stored(database)) == {f"disqus:{n}" for n in range(81, 87)}
    store = database.store()
    try:
        with store.read() as connection:
            states = connection.execute(select(import_runs.c.state).order_by(import_runs.c.id)).scalars().all()
    finally:
        store.close()
    assert states == ["failed", "finished"]
    if partial:
        assert "continued after earlier unfinished run(s) 1 of this file" in outcome.stdout
