"""`rostra analyze-server`: only the Perspective-compatible API and Coral's moderation phase.

For a site that keeps its comment system (Coral, Comentario, a forum) and replaces only Perspective:
no comment tables are used, only `api_keys` (the database is migrated like `rostra serve`'s, so both
can share one). Keys are made with `rostra apikey create --name NAME`.
"""

from __future__ import annotations

import argparse
import os
import sys

import uvicorn
from fastapi import FastAPI

from rostra import __version__
from rostra.api import coral, perspective
from rostra.config import Settings
from rostra.guards.addresses import install_access_log_address_redaction
from rostra.perspective.coral import parse_secrets
from rostra.runtime import Runtime

APP_FACTORY = "rostra.cli.analyze:app_from_environment"


def create_analyze_app(settings: Settings, migrate: bool = True) -> FastAPI:
    """The light server: analyze, suggestscore and the Coral phase over a runtime of its own."""
    runtime = Runtime.from_settings(settings, migrate=migrate)
    install_access_log_address_redaction()  # as the full server does: its log names networks only
    app = FastAPI(title="Rostra analyze server", version=__version__,
                  description="Perspective API drop-in and Coral external moderation phase.")
    app.state.runtime = runtime
    app.state.perspective = perspective.PerspectiveService.from_runtime(runtime)
    app.include_router(perspective.router)
    app.include_router(coral.router)
    app.router.on_shutdown.append(runtime.close)
    return app


def app_from_environment() -> FastAPI:
    """Factory for uvicorn worker processes, which receive the settings as ROSTRA_* variables."""
    return create_analyze_app(Settings.load(), migrate=False)


def register(subcommands) -> None:
    """Add `analyze-server` to the `rostra` parser."""
    parser = subcommands.add_parser("analyze-server", help="serve only the Perspective API and Coral phase",
                                    description=__doc__)
    parser.add_argument("--config", help="TOML settings file (default: ROSTRA_CONFIG)")
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="TCP port (default 8000)")
    parser.add_argument("--workers", type=int, help="worker processes (default 1)")
    parser.add_argument("--database-url", help="database holding api_keys (default SQLite in data_dir)")
    parser.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    overrides = {"host": args.host, "port": args.port, "workers": args.workers,
                 "database_url": args.database_url}
    try:
        settings = Settings.load(args.config, overrides=overrides)
        if settings.coral_secret:
            parse_secrets(settings.coral_secret)
    except ValueError as error:  # ConfigError (the policy included) or a malformed coral_secret
        print(f"rostra analyze-server: {error}", file=sys.stderr)
        return 2
    options = {"host": settings.host, "port": settings.port, "log_level": settings.log_level}
    if settings.workers > 1:
        os.environ.update(settings.environment())
        Runtime.from_settings(settings).close()  # migrate once, before the workers start
        uvicorn.run(APP_FACTORY, factory=True, workers=settings.workers, **options)
    else:
        uvicorn.run(create_analyze_app(settings), **options)
    return 0
