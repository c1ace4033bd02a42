"""The runtime: events published after commit (never for a rolled-back change), replayed to a page
that reconnects, delivered across processes; per-site settings effective at once without a restart."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from server_support import ORIGIN, make_settings, post
from sqlalchemy import select

from rostra.actions.errors import InvalidInput
from rostra.actions.sites import update_site_settings
from rostra.events import publish_on_commit
from rostra.runtime import Runtime
from rostra.store.tables import audit_log, events

WAIT_SECONDS = 5
SLOW_POLL_SECONDS = 60.0  # a poll so slow that only a nudge explains an event arriving within a second
BUS_THREADS = ("rostra-events", "rostra-nudges")


def _bus_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name in BUS_THREADS}


def _kinds(runtime: Runtime, story_id: int | None = None) -> list[str]:
    return [event.kind for event in runtime.events.missed(0, None, story_id)]


def test_each_write_announces_itself_once_committed(server, client, story):
    comment = post(client, story["id"], "Where does the money go?").json()
    client.put(f"/api/v1/comments/{comment['id']}/reaction", json={"kind": "like"})
    client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "Where does the money go, exactly?"})
    client.delete(f"/api/v1/comments/{comment['id']}")
    assert _kinds(server.runtime, story["id"]) == [
        "comment.created", "reaction.changed", "comment.edited", "comment.deleted"]
    created = server.runtime.events.missed(0, None, story["id"])[0]
    assert created.payload["comment"]["body_html"] == "<p>Where does the money go?</p>"
    assert created.site_id == server.runtime.site_for_origin(ORIGIN)


def _run_on_own_loop(coroutine_function):
    """Run a coroutine on a fresh event loop in a thread of its own: the SSE streams' situation (the
    server's loop), and independent of any loop the test process already runs (Playwright's)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = asyncio.run(coroutine_function())
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=WAIT_SECONDS * 4)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_a_rolled_back_write_announces_nothing(server, story):
    woken = []
    server.runtime.store.commit_listeners.append(lambda: woken.append(True))
    site_id = server.runtime.site_for_origin(ORIGIN)

    def publish_then_fail(connection):
        publish_on_commit(connection, "comment.created", site_id=site_id, story_id=story["id"], payload={})
        raise InvalidInput("refused", field="body")

    with pytest.raises(InvalidInput):
        server.runtime.store.run_write(publish_then_fail)
    assert _kinds(server.runtime) == []
    assert woken == []


def test_a_subscriber_gets_new_events_live_and_a_reconnecting_one_what_it_missed(server, client, story):
    runtime = server.runtime
    site_id = runtime.site_for_origin(ORIGIN)
    first = post(client, story["id"], "First comment").json()
    missed_after = runtime.events.missed(0, site_id, story["id"])[-1].id
    runtime.events.poll_once()  # the first comment is delivered before anyone subscribes

    async def receive(after_id, count):
        received = []
        async for event in runtime.events.subscribe(site_id=site_id, story_id=story["id"], after_id=after_id):
            received.append(event)
            if len(received) == count:
                return received

    async def scenario():
        live = asyncio.create_task(receive(None, 1))
        await asyncio.sleep(0.2)  # subscribed before the write
        await asyncio.to_thread(post, client, story["id"], "Second comment")
        live_events = await asyncio.wait_for(live, WAIT_SECONDS)
        replayed = await asyncio.wait_for(receive(missed_after - 1, 2), WAIT_SECONDS)
        return live_events, replayed

    live_events, replayed = _run_on_own_loop(scenario)
    assert live_events[0].payload["comment"]["body_html"] == "<p>Second comment</p>"
    assert [event.payload["comment"]["id"] for event in replayed] == [first["id"], first["id"] + 1]


def test_a_site_setting_changed_in_one_process_applies_in_another_without_restart(database, tmp_path, server,
                                                                                  client, story):
    other = Runtime.from_settings(make_settings(database, tmp_path), migrate=False)
    other.start()
    try:
        site_id = server.runtime.site_for_origin(ORIGIN)
        assert other.site(site_id).edit_window_seconds == 900
        update_site_settings(server.runtime, site_id, {"edit_window_seconds": 60}, actor="moderator:ada")
        assert server.runtime.site(site_id).edit_window_seconds == 60
        deadline = time.monotonic() + WAIT_SECONDS
        while other.site(site_id).edit_window_seconds != 60 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert other.site(site_id).edit_window_seconds == 60
    finally:
        other.close()
    with server.store.read() as connection:
        entry = connection.execute(select(audit_log)).one()
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        "moderator:ada", "site.settings", {"edit_window_seconds": 900}, {"edit_window_seconds": 60})


def test_a_site_policy_applies_to_the_next_comment(make_server):
    server = make_server(real_engine=True)
    client = server.reader()
    story = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/2", "title": "Budget"}).json()
    assert post(client, story["id"], "I doubt the council has costed this.").json()["status"] == "approved"
    site_id = server.runtime.site_for_origin(ORIGIN)
    update_site_settings(server.runtime, site_id, {"moderation": {"premoderation": "all"}}, actor="admin")
    assert post(client, story["id"], "I doubt the council has costed this, twice.").json()["status"] == "pending"


def test_bad_site_settings_are_refused_by_name_and_change_nothing(server):
    site_id = server.runtime.site_for_origin(ORIGIN)
    for changes, field in (({"edit_window_seconds": -1}, "edit_window_seconds"),
                           ({"moderation": {"thresholds": {"toxicity": 7}}}, "moderation"),
                           ({"colour": "red"}, "colour"),
                           ({"allowed_origins": ["not an origin"]}, "allowed_origins")):
        with pytest.raises(InvalidInput) as refused:
            update_site_settings(server.runtime, site_id, changes, actor="admin")
        assert refused.value.field == field
    assert server.runtime.site(site_id).edit_window_seconds == 900
    with server.store.read() as connection:
        assert connection.execute(select(events)).all() == []


@pytest.mark.parametrize("with_redis", [False, True], ids=["database", "redis"])
def test_another_process_is_nudged_at_once_not_at_the_next_poll(database, tmp_path, server, client, story,
                                                               with_redis, request):
    """PostgreSQL's NOTIFY (and Redis pub/sub when configured) wake other processes' buses: with
    polling slowed to a minute, an event still arrives within a second. SQLite without Redis has no
    nudge and waits for the poll (which the earlier test shows delivering). Closing the two
    runtimes ends their threads at once, the minute-long poll notwithstanding."""
    redis_url = request.getfixturevalue("redis_url") if with_redis else None
    nudged = with_redis or database.backend == "postgresql"
    slow = make_settings(database, tmp_path, redis_url=redis_url, event_poll_seconds=SLOW_POLL_SECONDS)
    writer = Runtime.from_settings(slow, migrate=False)
    reader = Runtime.from_settings(slow, migrate=False)
    threads_before = _bus_threads()
    seen = []
    reader.events.add_listener(seen.append)
    reader.start()
    writer.start()
    started = _bus_threads() - threads_before
    try:
        time.sleep(0.5)  # listeners connected
        site_id = writer.site_for_origin(ORIGIN)
        update_site_settings(writer, site_id, {"edit_window_seconds": 30}, actor="admin")
        deadline = time.monotonic() + 1.5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        if nudged:
            assert [event.kind for event in seen] == ["site.settings"]
            assert reader.site(site_id).edit_window_seconds == 30
        else:
            assert seen == []  # nothing but the (slowed) poll would have told it
    finally:
        writer.close()
        reader.close()
    assert started and not any(thread.is_alive() for thread in started)


def test_without_the_neural_tier_a_site_still_moderates_with_the_first_engine(make_server):
    server = make_server(real_engine=True, neural_tier=False)
    site_id = server.runtime.site_for_origin(ORIGIN)
    engine = server.runtime.engine_for(site_id)
    assert "minilm" not in engine.model and "ngram" in engine.model
    client = server.reader()
    story = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/3", "title": "Budget"}).json()
    assert post(client, story["id"], "Go for it, you worthless fuckwad.").json()["status"] == "pending"
    assert post(client, story["id"], "I doubt the council has costed this.").json()["status"] == "approved"
