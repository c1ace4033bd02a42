"""`create_app(settings)` builds the whole server: API, offline docs, guards, Perspective and Coral routes."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from itsdangerous import URLSafeTimedSerializer

from rostra import __version__
from rostra.actions.moderation import ModerationEngine
from rostra.actions.setup import prepare
from rostra.api import accounts, comments, coral, docs, perspective, problems, stories
from rostra.api.deps import Services
from rostra.config import Settings, ensure_secret_key
from rostra.guards.body_limit import BodyLimitMiddleware
from rostra.guards.ratelimit import RateLimiter, limiter_for
from rostra.store import Store

log = logging.getLogger("rostra")


def default_engine_loader(settings: Settings):
    """Loads the shipped moderation model with the configured policy (validated right away)."""
    from rostra.moderation import Engine, Policy

    policy = Policy.from_mapping(settings.moderation)
    return lambda: Engine.default(policy)


def create_app(
    settings: Settings | None = None,
    *,
    engine: ModerationEngine | None = None,
    limiter: RateLimiter | None = None,
    migrate: bool = True,
) -> FastAPI:
    """The server; `engine` and `limiter` replace the real ones (tests), `migrate=False` skips setup."""
    settings = settings or Settings.load()
    store = Store(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous)
    if migrate:
        prepare(store, settings)
    load_engine = (lambda: engine) if engine is not None else default_engine_loader(settings)
    services = Services(
        settings=settings,
        store=store,
        limiter=limiter or limiter_for(settings.redis_url),
        sessions=URLSafeTimedSerializer(ensure_secret_key(settings), salt="rostra-session"),
        load_engine=load_engine,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        services.engine  # load the model before the first comment arrives, not during it
        yield
        store.close()

    app = FastAPI(
        title="Rostra",
        version=__version__,
        description="Self-hosted comments for news sites. Errors are `application/problem+json`: "
        "`{type, title, status, detail, field}`.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.services = services
    problems.install(app)
    for router in (stories.router, comments.router, accounts.router, docs.router, perspective.router, coral.router):
        app.include_router(router)

    @app.get("/api/v1/health", tags=["service"])
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Content-Type"],
        max_age=600,
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    return app


def app_from_environment() -> FastAPI:
    """Factory for uvicorn workers: settings come from `ROSTRA_*` variables set by `rostra serve`."""
    return create_app(Settings.load(), migrate=False)
