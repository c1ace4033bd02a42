"""Every Rostra setting in one place, read from defaults, an optional TOML file and `ROSTRA_*` variables.

Precedence, lowest first: built-in defaults, the TOML file (`--config` or `ROSTRA_CONFIG`), environment
variables, command-line flags. Each setting `name` has the environment variable `ROSTRA_NAME`.
"""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ENV_PREFIX = "ROSTRA_"
CONFIG_ENV = "ROSTRA_CONFIG"
SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "rostra.db"


class ConfigError(ValueError):
    """A setting could not be read; the message names the source (file line or variable) and field."""


class Settings(BaseModel):
    """The server's settings; the field descriptions are what `rostra serve --help` prints."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    data_dir: str = Field("data", description="folder for the SQLite database and the generated secret key")
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; default SQLite in the data folder, "
        "or postgresql+psycopg://user@host/db",
    )
    host: str = Field("127.0.0.1", description="address to listen on")
    port: int = Field(8000, ge=0, le=65535, description="TCP port to listen on")
    workers: int = Field(1, ge=1, le=64, description="uvicorn worker processes")
    secret_key: str | None = Field(
        None, description="key signing session cookies; generated into the data folder when unset"
    )
    allowed_origins: list[str] = Field(
        ["http://127.0.0.1:8000", "http://localhost:8000"],
        description="origins (scheme://host[:port]) of the default site whose pages may embed comments",
    )
    max_comment_chars: int = Field(5000, ge=1, description="longest comment body, in characters")
    max_author_name_chars: int = Field(64, ge=1, le=200, description="longest guest display name, in characters")
    max_request_bytes: int = Field(65536, ge=1024, description="largest request body accepted, in bytes")
    edit_window_seconds: int = Field(900, ge=0, description="how long an author may edit a comment")
    page_size: int = Field(20, ge=1, le=200, description="default number of top-level comments per page")
    max_page_size: int = Field(100, ge=1, le=1000, description="largest page a client may ask for")
    rate_limit_ip_per_minute: int = Field(
        60, ge=0, description="writes allowed per client IP per minute (0: no limit)"
    )
    rate_limit_author_per_minute: int = Field(
        20, ge=0, description="writes allowed per author (guest or account) per minute (0: no limit)"
    )
    redis_url: str | None = Field(
        None, description="Redis URL for rate limits shared by all workers; in memory when unset"
    )
    event_poll_seconds: float = Field(
        1.0, gt=0, le=3600, description="how often each process reads the events other processes published, "
        "as a fallback for the nudges of PostgreSQL and Redis (without Redis on SQLite, their only way in)"
    )
    cookie_secure: bool = Field(False, description="mark the session cookie Secure (needs HTTPS)")
    cookie_samesite: str = Field("lax", description="SameSite of the session cookie: lax, strict or none")
    sqlite_synchronous: str = Field(
        "full", description="SQLite synchronous pragma: full (no acknowledged write lost) or normal"
    )
    neural_tier: bool = Field(True, description="score comments with the neural tier (the fine-tuned encoder); "
                              "off: the n-gram model and rules only, for a machine too small for it")
    run_jobs: bool = Field(True, description="run background jobs (pruning, retention) in each server "
                           "process; turn off when `rostra worker` runs them")
    demo: bool = Field(True, description="create a demo story with a few comments on first start")
    log_level: str = Field("info", description="uvicorn log level")
    perspective_requests_per_minute: int = Field(
        60, ge=0, description="default Perspective API requests per key per minute"
    )
    coral_secret: str | None = Field(None, description="shared secret for Coral's external moderation")
    trusted_proxies: list[str] = Field(
        [],
        description="addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is believed; "
        "empty: the connecting address is the reader's",
    )
    address_retention_days: int = Field(
        30, ge=0, description="days a comment's hashed and truncated address is kept (0: not stored)"
    )
    premoderate_new_authors: int = Field(
        0, ge=0, description="hold each new author's first N comments for a moderator until they are trusted (0: off)"
    )
    report_hide_threshold: float = Field(
        3.0, gt=0, description="weighted reader reports that hide a comment pending review"
    )
    wave_min_copies: int = Field(
        3, ge=1, description="near-copies of one text by other readers let through before the rest are held as a wave"
    )
    wave_window_minutes: int = Field(60, ge=1, description="how far back a new comment is compared for near-copies")
    moderation: dict[str, Any] = Field(
        default_factory=dict, description="moderation policy (JSON object in the environment)"
    )

    @field_validator("allowed_origins")
    @classmethod
    def _origins_are_bare(cls, origins: list[str]) -> list[str]:
        from rostra.store.urls import normalize_origin

        return [normalize_origin(origin) for origin in origins]

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, proxies: list[str]) -> list[str]:
        import ipaddress

        for proxy in proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an IP address or CIDR network") from None
        return proxies

    @field_validator("moderation")
    @classmethod
    def _policy_is_usable(cls, mapping: dict[str, Any]) -> dict[str, Any]:
        return usable_policy(mapping)

    @field_validator("cookie_samesite", "sqlite_synchronous", "log_level")
    @classmethod
    def _lowercase(cls, value: str) -> str:
        return value.lower()

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{Path(self.data_dir) / DATABASE_FILE}"

    @classmethod
    def load(
        cls,
        config_path: str | None = None,
        environ: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Settings:
        """Merge defaults, the TOML file, `ROSTRA_*` variables and explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        config_path = config_path or environ.get(CONFIG_ENV)
        if config_path:
            for name, value in _read_toml(config_path).items():
                values[name] = value
                sources[name] = f"{config_path}: key {name!r}"
        for name, field in cls.model_fields.items():
            variable = ENV_PREFIX + name.upper()
            if variable in environ:
                values[name] = _parse_env(variable, environ[variable], field.annotation)
                sources[name] = f"environment variable {variable}"
        for name, value in (overrides or {}).items():
            if value is not None:
                values[name] = value
                sources[name] = f"option --{name.replace('_', '-')}"
        try:
            return cls(**values)
        except ValidationError as error:
            problems = []
            for item in error.errors():
                name = str(item["loc"][0]) if item["loc"] else "?"
                where = sources.get(name, "settings")
                problems.append(f"{where}: {name}: {item['msg']}")
            raise ConfigError("; ".join(problems)) from None

    def environment(self) -> dict[str, str]:
        """These settings as `ROSTRA_*` variables, so worker processes load exactly the same."""
        variables = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            if isinstance(value, (list, dict)):
                text = json.dumps(value)
            elif isinstance(value, bool):
                text = "true" if value else "false"
            else:
                text = str(value)
            variables[ENV_PREFIX + name.upper()] = text
        return variables


def usable_policy(mapping: dict[str, Any]) -> dict[str, Any]:
    """`mapping` if it makes a moderation Policy, else ValueError saying why (pydantic validators
    of the process settings and of each site's settings)."""
    from rostra.moderation.policy import Policy, PolicyError

    try:
        Policy.from_mapping(mapping)
    except PolicyError as error:
        raise ValueError(str(error)) from None
    return mapping


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    data = data.get("rostra", data)
    unknown = sorted(set(data) - set(Settings.model_fields))
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s): {', '.join(unknown)}")
    return data


def _parse_env(variable: str, text: str, annotation: Any) -> Any:
    """Turn a variable's text into the field's shape: JSON for mappings, comma lists for lists."""
    shape = str(annotation)
    if shape.startswith("dict"):
        try:
            return json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as error:
            raise ConfigError(f"environment variable {variable}: not a JSON object: {error}") from None
    if shape.startswith("list"):
        if text.strip().startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError as error:
                raise ConfigError(f"environment variable {variable}: not a JSON list: {error}") from None
        return [item.strip() for item in text.split(",") if item.strip()]
    if "None" in shape and text == "":
        return None
    return text


def ensure_secret_key(settings: Settings) -> str:
    """The configured key, or the one kept in the data folder, created there on first start."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / SECRET_KEY_FILE
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()
