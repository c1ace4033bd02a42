"""`create_app(runtime)` builds the whole server over one Runtime: API, pages, guards, Perspective
and Coral routes. `build_app(settings)` makes the runtime too; both servers and the tests use them."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from rostra import __version__
from rostra.actions.moderation import ModerationEngine
from rostra.api import abuse, accounts, comments, coral, docs, live, moderation, perspective, problems, reader_data, stories
from rostra.api.deps import BROWSER_KEY_HEADER, check_origin
from rostra.config import Settings
from rostra.guards.addresses import install_access_log_address_redaction
from rostra.guards.body_limit import BodyLimit, BodyLimitMiddleware
from rostra.guards.headers import SecurityHeadersMiddleware
from rostra.guards.ratelimit import RateLimiter
from rostra.runtime import Runtime
from rostra.web import pages
from rostra.web.dashboard import pages as dashboard_pages

log = logging.getLogger("rostra")


def _lifespan(runtime: Runtime):
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime.warm_up()
        runtime.start()
        yield
        runtime.close()

    return lifespan


def create_app(runtime: Runtime) -> FastAPI:
    """The comment server over `runtime`; the app closes the runtime when it shuts down."""
    settings = runtime.settings
    install_access_log_address_redaction()
    app = FastAPI(
        title="Rostra",
        version=__version__,
        description="Self-hosted comments for news sites. Errors are `application/problem+json`: "
        "`{type, title, status, detail, field}`.",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(runtime),
        dependencies=[Depends(check_origin)],
    )
    app.state.runtime = runtime
    problems.install(app)
    dashboard_pages.install(app)
    for router in (stories.router, comments.router, live.router, accounts.router, moderation.router,
                   reader_data.router, abuse.router, docs.router, perspective.router, coral.router, pages.router,
                   dashboard_pages.router):
        app.include_router(router)

    @app.get("/api/v1/health", tags=["service"])
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Content-Type", BROWSER_KEY_HEADER, "Idempotency-Key"],
        max_age=600,
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes, limits=(
        BodyLimit("/v1alpha1/", perspective.MAX_BODY_BYTES, perspective.refuse_large_body),
        BodyLimit("/coral/", coral.MAX_BODY_BYTES, coral.refuse_large_body),
    ))
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: refusals get the headers too
    return app


def build_app(
    settings: Settings | None = None,
    *,
    engine: ModerationEngine | None = None,
    limiter: RateLimiter | None = None,
    migrate: bool = True,
) -> FastAPI:
    """The server with a runtime of its own; `engine` and `limiter` replace the real ones (tests),
    `migrate=False` skips setup (worker processes of a server that already migrated)."""
    return create_app(Runtime.from_settings(settings or Settings.load(), engine=engine, limiter=limiter,
                                            migrate=migrate))


def app_from_environment() -> FastAPI:
    """Factory for uvicorn workers: settings come from `ROSTRA_*` variables set by `rostra serve`."""
    return build_app(Settings.load(), migrate=False)
