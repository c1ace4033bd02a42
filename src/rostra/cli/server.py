"""`rostra serve`, `rostra migrate` and `rostra set-role`: run the comment server and look after its database."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

from rostra.config import CONFIG_ENV, DATABASE_FILE, ENV_PREFIX, SECRET_KEY_FILE, ConfigError, Settings


def register(subcommands) -> None:
    """Add this module's subcommands to the `rostra` parser."""
    serve = subcommands.add_parser(
        "serve",
        help="run the comment server",
        description="Run the comment server. On first start it creates the data folder, the SQLite "
        "database (WAL mode), applies migrations, and adds the default site and a demo story. Every "
        f"setting below can also come from a TOML file (--config or {CONFIG_ENV}) or an environment "
        f"variable {ENV_PREFIX}NAME; flags win over variables, variables over the file.",
    )
    add_settings_arguments(serve)
    serve.set_defaults(handler=_serve)

    migrate = subcommands.add_parser(
        "migrate", help="apply database migrations and exit",
        description="Bring the database schema to the newest revision, then exit.",
    )
    add_settings_arguments(migrate)
    migrate.set_defaults(handler=_migrate)

    set_role = subcommands.add_parser(
        "set-role", help="make an account an admin, a moderator or a reader",
        description="Give a registered account the moderator or admin role (or take it back); its "
        "sessions end, so it signs in again with the new role.",
    )
    set_role.add_argument("username")
    set_role.add_argument("role", choices=("admin", "moderator", "reader"))
    add_settings_arguments(set_role)
    set_role.set_defaults(handler=_set_role)


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help=f"TOML settings file (env {CONFIG_ENV})")
    group = parser.add_argument_group("settings")
    for name, field in Settings.model_fields.items():
        flag = "--" + name.replace("_", "-")
        default = field.get_default(call_default_factory=True)
        shown = ",".join(default) if isinstance(default, list) else default
        help_text = f"{field.description} (env {ENV_PREFIX}{name.upper()}; default: {shown})"
        help_text = help_text.replace("%", "%%")
        if field.annotation is bool:
            group.add_argument(flag, dest=name, action=argparse.BooleanOptionalAction, default=None,
                               help=help_text)
        else:
            group.add_argument(flag, dest=name, metavar=name.upper(), default=None, help=help_text)


def load_settings(args: argparse.Namespace) -> Settings:
    """Settings from the file, the environment and this command's flags."""
    overrides = {}
    for name, field in Settings.model_fields.items():
        value = getattr(args, name, None)
        if value is None:
            continue
        shape = str(field.annotation)
        if shape.startswith("list"):
            value = [item.strip() for item in value.split(",") if item.strip()]
        elif shape.startswith("dict"):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as error:
                raise ConfigError(f"option --{name.replace('_', '-')}: not a JSON object: {error}") from None
        overrides[name] = value
    return Settings.load(args.config, overrides=overrides)


def settings_or_exit(args: argparse.Namespace) -> Settings:
    try:
        return load_settings(args)
    except ConfigError as error:
        print(f"rostra: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def require_database(settings: Settings) -> None:
    """A command that must find the server's data, not make new data: with the default SQLite
    database, it must already exist where these settings point (a command run from another folder
    would otherwise start an empty database of its own)."""
    folder = Path(settings.data_dir).resolve()
    if settings.database_url is None and not (folder / DATABASE_FILE).exists():
        print(f"rostra: data_dir: there is no Rostra database in {folder} (data_dir {settings.data_dir!r}); "
              f"run this command where `rostra serve` runs, or point it at the server's data with "
              f"--config, {ENV_PREFIX}DATA_DIR or {ENV_PREFIX}DATABASE_URL. `rostra serve` or "
              f"`rostra migrate` would create {folder}.", file=sys.stderr)
        raise SystemExit(1)


def without_new_secret(settings: Settings) -> Settings:
    """A command that signs no cookie does not write a secret key into the data folder: without the
    folder's key it uses one of its own for this run."""
    if settings.secret_key is None and not (Path(settings.data_dir) / SECRET_KEY_FILE).exists():
        return settings.model_copy(update={"secret_key": secrets.token_urlsafe(32)})
    return settings


def prepared_runtime(settings: Settings, creates_database: bool = False, signs_cookies: bool = False):
    """The runtime over the migrated database with the default site; a clear message instead of a
    traceback when the database cannot be reached. Every command that uses the database starts here;
    only the server creates the data folder's secret key, and only it and `migrate` its database."""
    from sqlalchemy.exc import OperationalError

    from rostra.runtime import Runtime

    if not creates_database:
        require_database(settings)
    if not signs_cookies:
        settings = without_new_secret(settings)
    try:
        return Runtime.from_settings(settings)
    except (OperationalError, OSError) as error:
        reason = getattr(error, "orig", None) or error
        print(f"rostra: database_url: cannot use {_shown(settings.resolved_database_url)}: {reason}",
              file=sys.stderr)
        raise SystemExit(1) from None


def add_store_command(subcommands, name: str, *, help: str, description: str | None):
    """Add command `name`, whose actions run on the server's database through `run_store_action`:
    the two options that reads, `--config` and `--database-url`; returns its ACTION subcommands."""
    parser = subcommands.add_parser(name, help=help, description=description)
    parser.add_argument("--config", help="TOML settings file (default: ROSTRA_CONFIG)")
    parser.add_argument("--database-url", help="database URL (default: the configured one)")
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="ACTION")


def run_store_action(args: argparse.Namespace, action, command: str) -> int:
    """Settings from `--config` and `--database-url`, the server's database (never a new one), then
    `action(store)`; a refusal becomes one line naming its field, never a traceback."""
    from rostra.actions.errors import ActionError

    try:
        settings = Settings.load(args.config, overrides={"database_url": args.database_url})
    except ConfigError as error:
        print(f"rostra {command}: {error}", file=sys.stderr)
        return 2
    runtime = prepared_runtime(settings)
    try:
        action(runtime.store)
    except ActionError as error:
        where = f"{error.field}: " if error.field else ""
        print(f"rostra {command}: {where}{error.detail}", file=sys.stderr)
        return 1
    finally:
        runtime.close()
    return 0


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from rostra.actions.setup import DEMO_PATH, create_demo, listen_origin

    settings = settings_or_exit(args)
    runtime = prepared_runtime(settings, creates_database=True, signs_cookies=True)
    if settings.demo:
        story_id = create_demo(runtime)
        if story_id is not None:
            print(f"rostra: created the demo story {story_id}")
    origin = listen_origin(settings)
    print(f"rostra: serving on {origin}/ (demo article at {origin}{DEMO_PATH}, API documentation at {origin}/docs)")
    if settings.workers == 1:
        from rostra.app import create_app

        uvicorn.run(create_app(runtime), host=settings.host, port=settings.port, log_level=settings.log_level,
                    proxy_headers=False)  # Rostra reads X-Forwarded-For itself, from `trusted_proxies` only
        return 0
    runtime.close()
    os.environ.update(settings.environment())
    uvicorn.run(
        "rostra.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        proxy_headers=False,
    )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    runtime = prepared_runtime(settings_or_exit(args), creates_database=True)
    runtime.close()
    print(f"rostra: database at {_shown(runtime.store.url)} is up to date")
    return 0


def _set_role(args: argparse.Namespace) -> int:
    from rostra.actions.accounts import set_role
    from rostra.actions.errors import ActionError

    runtime = prepared_runtime(settings_or_exit(args))
    try:
        set_role(runtime.store, args.username, args.role)
    except ActionError as error:
        print(f"rostra: {error.field}: {error.detail}", file=sys.stderr)
        return 1
    finally:
        runtime.close()
    print(f"rostra: {args.username} is now a {args.role}")
    return 0
