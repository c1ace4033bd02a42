"""One event mechanism for live pages, the dashboard and workers: an outbox table read after commit.

A domain action calls `publish_on_commit(connection, kind, ...)` inside its write transaction: the
event row is written in that same transaction, so an event exists exactly when the change it
describes was committed (a rolled-back comment announces nothing). After the commit the store wakes
this process's `EventBus`, which reads the new rows and hands them to its subscribers at once; other
worker processes, and other machines on the same database, find them by polling the table every
`poll_seconds` (the `event_poll_seconds` setting, a second by default). Because events are
rows with increasing ids, a page that reconnects with the last id it saw (SSE's `Last-Event-ID`)
gets what it missed from the table itself.

Other processes are nudged so they need not wait for the poll: on PostgreSQL the publishing
transaction sends a NOTIFY, which PostgreSQL delivers only if and when it commits, and every bus
LISTENs; with `redis_url` set, the store's commit hook publishes on a Redis channel every bus
subscribes to (SQLite with several workers). A lost nudge costs at most one poll interval.

The same code works on SQLite and PostgreSQL. On PostgreSQL, ids are handed out before commit, so a
transaction that commits late can land an id below one already read: each poll looks back
`LOOKBACK_IDS` ids and skips those already delivered.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from select import select as wait_until_readable  # `select` is SQLAlchemy's here

from pydantic_core import to_jsonable_python
from sqlalchemy import Connection, delete, func, insert, select

from rostra.store import Store
from rostra.store.database import notify_after_commit
from rostra.store.queries import as_utc, utcnow
from rostra.store.tables import events
from rostra.vocabulary import EVENT_KINDS

log = logging.getLogger("rostra.events")

LOOKBACK_IDS = 200  # ids below the highest read that may still commit (PostgreSQL)
BATCH = 500  # rows read per poll
REPLAY_LIMIT = 500  # at most this many missed events are replayed to a reconnecting subscriber
RETENTION = timedelta(days=1)  # older events are pruned (rostra.workers): a page away longer reloads
SUBSCRIBER_QUEUE = 1000  # a subscriber this far behind is dropped (it reconnects and replays)
NUDGE_CHANNEL = "rostra_events"  # PostgreSQL NOTIFY channel and Redis pub/sub channel
STOP_JOIN_SECONDS = 5  # how long stop() waits for a thread it has woken (one stuck in a dead connection)


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    site_id: int
    story_id: int | None
    payload: dict
    created_at: datetime

    @classmethod
    def from_row(cls, row) -> Event:
        return cls(row.id, row.kind, row.site_id, row.story_id, row.payload or {}, as_utc(row.created_at))

    def matches(self, site_id: int | None, story_id: int | None) -> bool:
        return (site_id is None or self.site_id == site_id) and (story_id is None or self.story_id == story_id)


_INSERT = insert(events)


def publish_on_commit(
    connection: Connection, kind: str, *, site_id: int, story_id: int | None = None, payload: dict | None = None
) -> None:
    """Record an event in the caller's transaction; subscribers see it once that transaction commits."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    connection.execute(
        _INSERT,
        {"kind": kind, "site_id": site_id, "story_id": story_id, "payload": to_jsonable_python(payload or {}),
         "created_at": utcnow()},
    )
    notify_after_commit(connection)
    if connection.dialect.name == "postgresql":
        # Delivered to listeners at commit only; repeats within one transaction arrive once.
        connection.exec_driver_sql(f"NOTIFY {NUDGE_CHANNEL}")


def prune_events(store: Store, retention: timedelta) -> int:
    """Delete events older than `retention`; returns how many went."""
    with store.write() as connection:
        return connection.execute(delete(events).where(events.c.created_at < utcnow() - retention)).rowcount


class _Subscriber:
    def __init__(self, loop: asyncio.AbstractEventLoop, site_id: int | None, story_id: int | None):
        self.loop = loop
        self.site_id = site_id
        self.story_id = story_id
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(SUBSCRIBER_QUEUE)

    def offer(self, event: Event) -> None:
        """Called on the event loop's thread."""
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.queue = asyncio.Queue(1)
            self.queue.put_nowait(None)  # ends the subscription; the client reconnects and replays


class EventBus:
    """Delivers committed events to this process's subscribers (SSE streams) and listeners (caches).

    A poller thread starts with `start()` (the server's lifespan) and reads the outbox when woken
    by a local commit or every `poll_seconds`; without it, `poll_once()` delivers by hand (the CLI,
    tests). `stop()` wakes every thread it started at once, however long the poll interval, so a
    closing process does not wait out a poll."""

    def __init__(self, store: Store, redis_url: str | None = None, *, poll_seconds: float):
        self.store = store
        self.redis_url = redis_url
        self.poll_seconds = poll_seconds
        self._nudge_threads: list[threading.Thread] = []
        self._redis = None  # the client publishing nudges, made on first use
        self._subscribers: set[_Subscriber] = set()
        self._listeners: list[Callable[[Event], None]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        # The PostgreSQL listener waits on its socket, not on `_stop`: `stop()` writes to this pair
        # so that wait ends at once (made in `start()`).
        self._stop_signal: tuple[socket.socket, socket.socket] | None = None
        self._thread: threading.Thread | None = None
        self._recent: deque[int] = deque(maxlen=LOOKBACK_IDS * 4)
        self._recent_set: set[int] = set()
        self._high_water: int | None = None
        store.commit_listeners.append(self.wake)

    # -- producing side ------------------------------------------------------------------------
    def wake(self) -> None:
        """A local transaction published events: read them now rather than at the next poll."""
        if self._thread is None:
            self.poll_once()
        else:
            self._wake.set()

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        """`listener(event)` runs on the poller's thread for every event (keep it quick)."""
        self._listeners.append(listener)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._high_water = self._current_high_water()
        self._stop.clear()
        self._stop_signal = socket.socketpair()
        self._thread = threading.Thread(target=self._run, name="rostra-events", daemon=True)
        self._thread.start()
        listeners = []
        if not self.store.is_sqlite:
            listeners.append(self._listen_postgres)
        if self.redis_url:
            self.store.commit_listeners.append(self._publish_redis_nudge)
            listeners.append(self._listen_redis)
        for listen in listeners:
            thread = threading.Thread(target=self._keep_listening, args=(listen,), name="rostra-nudges",
                                      daemon=True)
            thread.start()
            self._nudge_threads.append(thread)

    def stop(self) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._wake.set()
        self._stop_signal[1].send(b"\0")
        if self.redis_url:
            # The Redis listener waits inside the client for a message: a nudge of our own ends
            # that wait (other processes' buses poll once more for it, which is harmless).
            self._publish_redis_nudge()
        self._thread.join(timeout=STOP_JOIN_SECONDS)
        self._thread = None
        for thread in self._nudge_threads:
            thread.join(timeout=STOP_JOIN_SECONDS)
        self._nudge_threads = []
        for end in self._stop_signal:
            end.close()
        self._stop_signal = None
        if self._publish_redis_nudge in self.store.commit_listeners:
            self.store.commit_listeners.remove(self._publish_redis_nudge)

    # -- nudges from other processes -------------------------------------------------------------
    def _keep_listening(self, listen: Callable[[], None]) -> None:
        """Run a listener until stopped, reconnecting after failures (polling covers the gap)."""
        while not self._stop.is_set():
            try:
                listen()
            except Exception as error:  # noqa: BLE001 - nudges are an optimisation over polling
                log.warning("event nudges interrupted (%s); polling meanwhile", type(error).__name__)
                self._stop.wait(self.poll_seconds)

    def _listen_postgres(self) -> None:
        import psycopg

        url = self.store.url.set(drivername="postgresql")
        options = url.query.get("options")
        conninfo = url.set(query={}).render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True, **({"options": options} if options else {})) as connection:
            connection.execute(f"LISTEN {NUDGE_CHANNEL}")
            stop_signal = self._stop_signal[0]
            while not self._stop.is_set():
                # Take what has arrived without waiting, then wait for the socket or for stop().
                if list(connection.notifies(timeout=0)):
                    self._wake.set()
                wait_until_readable([connection.fileno(), stop_signal], [], [], self.poll_seconds)

    def _listen_redis(self) -> None:
        import redis

        pubsub = redis.Redis.from_url(self.redis_url).pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(NUDGE_CHANNEL)
            while not self._stop.is_set():
                if pubsub.get_message(timeout=self.poll_seconds) is not None:
                    self._wake.set()
        finally:
            pubsub.close()

    def _publish_redis_nudge(self) -> None:
        import redis

        if self._redis is None:
            self._redis = redis.Redis.from_url(self.redis_url)
        try:
            self._redis.publish(NUDGE_CHANNEL, b"")
        except redis.RedisError as error:
            log.warning("could not nudge other processes (%s)", type(error).__name__)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self.poll_once()
            except Exception as error:  # noqa: BLE001 - a database hiccup must not end live updates
                log.warning("reading events failed (%s); retrying", type(error).__name__)

    def latest_id(self) -> int:
        """The newest event's id (0 for none): a page rendered now subscribes after it and so misses
        nothing that happens between rendering and connecting."""
        return self._current_high_water()

    def _current_high_water(self) -> int:
        with self.store.read() as connection:
            return connection.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one()

    def poll_once(self) -> list[Event]:
        """Read events committed since the last poll and deliver each once."""
        with self._lock:
            if self._high_water is None:
                self._high_water = self._current_high_water()
                return []
            floor = max(self._high_water - LOOKBACK_IDS, 0)
            with self.store.read() as connection:
                rows = connection.execute(
                    select(events).where(events.c.id > floor).order_by(events.c.id).limit(BATCH + LOOKBACK_IDS)
                ).all()
            fresh = [Event.from_row(row) for row in rows if row.id not in self._recent_set]
            for event in fresh:
                if len(self._recent) == self._recent.maxlen:
                    self._recent_set.discard(self._recent[0])
                self._recent.append(event.id)
                self._recent_set.add(event.id)
                self._high_water = max(self._high_water, event.id)
            subscribers = list(self._subscribers)
        for event in fresh:
            for listener in self._listeners:
                try:
                    listener(event)
                except Exception as error:  # noqa: BLE001
                    log.warning("event listener failed (%s)", type(error).__name__)
            for subscriber in subscribers:
                if event.matches(subscriber.site_id, subscriber.story_id):
                    subscriber.loop.call_soon_threadsafe(subscriber.offer, event)
        return fresh

    # -- consuming side ------------------------------------------------------------------------
    def missed(self, after_id: int, site_id: int | None, story_id: int | None) -> list[Event]:
        """Events after `after_id` for this site (and story), oldest first, at most REPLAY_LIMIT."""
        query = select(events).where(events.c.id > after_id)
        if site_id is not None:
            query = query.where(events.c.site_id == site_id)
        if story_id is not None:
            query = query.where(events.c.story_id == story_id)
        with self.store.read() as connection:
            rows = connection.execute(query.order_by(events.c.id).limit(REPLAY_LIMIT)).all()
        return [Event.from_row(row) for row in rows]

    async def subscribe(
        self, *, site_id: int | None, story_id: int | None = None, after_id: int | None = None
    ) -> AsyncIterator[Event]:
        """Committed events for a site (and story), live; first those after `after_id` if given.

        Ends when the subscriber falls SUBSCRIBER_QUEUE events behind (the client reconnects)."""
        subscriber = _Subscriber(asyncio.get_running_loop(), site_id, story_id)
        with self._lock:
            self._subscribers.add(subscriber)
        try:
            replayed: set[int] = set()
            if after_id is not None:
                for event in await asyncio.to_thread(self.missed, after_id, site_id, story_id):
                    replayed.add(event.id)
                    yield event
            while True:
                event = await subscriber.queue.get()
                if event is None:
                    return
                if event.id in replayed or (after_id is not None and event.id <= after_id):
                    continue
                yield event
        finally:
            with self._lock:
                self._subscribers.discard(subscriber)
