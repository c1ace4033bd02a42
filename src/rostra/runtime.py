"""`Runtime`: the one object a Rostra process runs on, shared by the web app, the CLI and workers.

It owns the store, the rate limiter, the event bus, the cookie signer, and per site the effective
settings and the moderation engine under that site's policy. Handlers and commands get everything
from here, so the app is assembled in one place and the moderation model is loaded once per process
however many sites it serves.

Per-site settings are cached and dropped when a `site.settings` event arrives (from this process at
once, from another worker within the event bus's poll interval), so a change made in the dashboard
applies everywhere without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from itsdangerous import URLSafeTimedSerializer

from rostra.actions.moderation import ModerationEngine
from rostra.actions.screening import Defences
from rostra.config import Settings, ensure_secret_key
from rostra.events import Event, EventBus
from rostra.guards.ratelimit import RateLimiter, limiter_for
from rostra.moderation import Policy
from rostra.sites import SiteConfig
from rostra.store import Store

COOKIE_SALT = "rostra-session"

EngineFactory = Callable[[Policy], ModerationEngine]


def shipped_engine(policy: Policy, neural: bool = True) -> ModerationEngine:
    """The moderation engine with the models shipped in the package (without `neural`, setting
    `neural_tier` off: the n-gram model and rules only); loaded models are shared."""
    from rostra.moderation import Engine

    return Engine.default(policy, neural=neural)


class Runtime:
    """Everything a Rostra process shares; build it with `Runtime.from_settings`."""

    def __init__(self, settings: Settings, store: Store, limiter: RateLimiter, engine_factory: EngineFactory):
        self.settings = settings
        self.store = store
        self.limiter = limiter
        self.events = EventBus(store, settings.redis_url, poll_seconds=settings.event_poll_seconds)
        secret_key = ensure_secret_key(settings)
        self.signer = URLSafeTimedSerializer(secret_key, salt=COOKIE_SALT)
        self.defences = Defences(store, settings, secret_key)
        self._engine_factory = engine_factory
        self._sites: dict[int, tuple[SiteConfig, ModerationEngine]] = {}
        self._origins: dict[str, int] = {}
        self._lock = threading.Lock()
        self._perspective_engine: ModerationEngine | None = None
        self.default_site_id: int | None = None
        self._worker = None
        self.events.add_listener(self._on_event)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        engine: ModerationEngine | None = None,
        limiter: RateLimiter | None = None,
        migrate: bool = True,
    ) -> Runtime:
        """The runtime for these settings; `engine` replaces the shipped one for every site (tests),
        `migrate=False` skips schema and default-site setup (worker processes of a started server)."""
        from rostra.actions.setup import prepare

        store = Store(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous)
        factory: EngineFactory = ((lambda policy: engine) if engine is not None
                                  else partial(shipped_engine, neural=settings.neural_tier))
        runtime = cls(settings, store, limiter or limiter_for(settings.redis_url), factory)
        if migrate:
            runtime.default_site_id = prepare(store, settings)
        return runtime

    # -- sites ---------------------------------------------------------------------------------
    def site(self, site_id: int) -> SiteConfig:
        """The site's effective settings (NotFound for an unknown site)."""
        return self._site_entry(site_id)[0]

    def engine_for(self, site_id: int) -> ModerationEngine:
        """The moderation engine under this site's policy."""
        return self._site_entry(site_id)[1]

    def site_for_origin(self, origin: str) -> int | None:
        """The site whose pages are served from `origin` (scheme://host[:port]), if any. Only known
        origins are cached: a request may send any Origin header."""
        site_id = self._origins.get(origin)
        if site_id is None:
            from rostra.actions.sites import site_of_origin

            site_id = site_of_origin(self.store, origin)
            if site_id is not None:
                self._origins[origin] = site_id
        return site_id

    def forget_site(self, site_id: int) -> None:
        """Drop what is cached of a site; the next use reads it again."""
        with self._lock:
            self._sites.pop(site_id, None)
            self._origins.clear()

    def _site_entry(self, site_id: int) -> tuple[SiteConfig, ModerationEngine]:
        entry = self._sites.get(site_id)
        if entry is None:
            from rostra.actions.sites import load_site_config

            config = load_site_config(self.store, self.settings, site_id)
            entry = (config, self._engine_factory(config.policy))
            with self._lock:
                self._sites[site_id] = entry
        return entry

    def _on_event(self, event: Event) -> None:
        if event.kind == "site.settings":
            self.forget_site(event.site_id)

    # -- engines -------------------------------------------------------------------------------
    @property
    def default_engine(self) -> ModerationEngine:
        """The engine under the process's own policy (for callers with no site: `rostra score`)."""
        return self._engine_factory(Policy.from_mapping(self.settings.moderation))

    @property
    def perspective_engine(self) -> ModerationEngine:
        """The process policy with Perspective's comment size, batching concurrent requests."""
        if self._perspective_engine is None:
            from rostra.perspective.analyze import MAX_COMMENT_BYTES
            from rostra.perspective.batching import BatchingEngine

            with self._lock:
                if self._perspective_engine is None:
                    policy = Policy.from_mapping(self.settings.moderation)
                    # Any comment Perspective took (20 KB) is read, whatever the policy's max_length.
                    policy = replace(policy, max_length=max(policy.max_length, MAX_COMMENT_BYTES))
                    self._perspective_engine = BatchingEngine(self._engine_factory(policy))
        return self._perspective_engine

    def warm_up(self) -> None:
        """Load the models before the first comment arrives, not during it."""
        if self.default_site_id is not None:
            self.engine_for(self.default_site_id)
        else:
            self.default_engine  # noqa: B018 - loading is the point

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start delivering events and, unless `run_jobs` is off, the background jobs (the server's
        lifespan); CLI commands need neither."""
        self.events.start()
        if self.settings.run_jobs and self._worker is None:
            from rostra.workers import Worker

            self._worker = Worker(self)
            self._worker.start()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        self.events.stop()
        self.store.close()
