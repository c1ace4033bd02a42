"""Shared fixtures: real SQLite and PostgreSQL databases, the real app behind a real HTTP client.

`database_url` is parametrized over both databases. PostgreSQL comes from ROSTRA_TEST_POSTGRES_URL
(scripts/test sets it); when it is unset or unreachable its variants skip locally and FAIL under CI.
Each backend is migrated once per session; each test then starts from empty tables (a fresh copy of
the migrated SQLite file, or TRUNCATE on a PostgreSQL schema of this session's own).
"""

from __future__ import annotations

import os
import shutil
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

with warnings.catch_warnings():  # Starlette nudges towards httpx2; httpx is what the project installs
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from rostra.config import Settings
from rostra.moderation.verdict import CommentInput, Reason, Verdict
from rostra.store import Store
from rostra.store.tables import metadata

POSTGRES_URL = os.environ.get("ROSTRA_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("ROSTRA_TEST_REDIS_URL")
TEST_SECRET = "test-secret-key-not-for-production"


def unavailable(what: str) -> None:
    """A missing service skips a test on a developer machine and fails it in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available")


@dataclass
class FakeEngine:
    """A stand-in for the moderation engine: '[hold]' in a text holds it, '[reject]' rejects it."""

    seen: list[CommentInput] = field(default_factory=list)

    def moderate(self, comment: CommentInput) -> Verdict:
        self.seen.append(comment)
        for marker, decision, score in (("[reject]", "reject", 0.97), ("[hold]", "hold", 0.7)):
            start = comment.text.find(marker)
            if start >= 0:
                reason = Reason("toxicity", score, ((start, start + len(marker)),), "fake")
                return Verdict(decision, {"toxicity": score}, (reason,), "fake-engine-1")
        return Verdict("approve", {"toxicity": 0.01}, (), "fake-engine-1")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sqlite-template") / "rostra.db"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    store.close()
    return str(path)


def postgres_url_for(schema: str) -> str:
    """The test PostgreSQL URL with its search_path set to `schema` (psycopg's `options`)."""
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def _postgres_schema() -> Iterator[str]:
    """A schema of this session's own, migrated once."""
    if not POSTGRES_URL:
        unavailable("PostgreSQL (ROSTRA_TEST_POSTGRES_URL)")
    schema = f"rostra_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        unavailable(f"PostgreSQL at ROSTRA_TEST_POSTGRES_URL ({error.orig})")
    store = Store(postgres_url_for(schema))
    store.migrate()
    store.close()
    try:
        yield schema
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass(frozen=True)
class Database:
    """One test's empty, migrated database."""

    backend: str
    url: str

    def store(self) -> Store:
        return Store(self.url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> Database:
    """An empty migrated database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "rostra.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return Database("sqlite", f"sqlite:///{path}")
    url = postgres_url_for(request.getfixturevalue("_postgres_schema"))
    store = Store(url)
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with store.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    store.close()
    return Database("postgresql", url)


def make_settings(database: Database, tmp_path, **values) -> Settings:
    """Test settings: no demo, no rate limits unless a test asks for them."""
    defaults = {
        "data_dir": str(tmp_path / "data"),
        "database_url": database.url,
        "secret_key": TEST_SECRET,
        "demo": False,
        "rate_limit_ip_per_minute": 0,
        "rate_limit_author_per_minute": 0,
    }
    return Settings(**{**defaults, **values})


@dataclass
class Server:
    """The real app with a real HTTP client; `reader()` opens a client with its own cookie jar."""

    app: object
    engine: FakeEngine
    clients: list[TestClient]

    @property
    def store(self) -> Store:
        return self.app.state.services.store

    def reader(self, **headers) -> TestClient:
        client = TestClient(self.app, headers=headers)
        client.__enter__()
        self.clients.append(client)
        return client


@pytest.fixture
def make_server(database: Database, tmp_path) -> Iterator[Callable[..., Server]]:
    """Builds the app over this test's database; keyword arguments override settings."""
    from rostra.app import create_app

    servers: list[Server] = []

    def build(engine=None, limiter=None, **values) -> Server:
        settings = make_settings(database, tmp_path, **values)
        engine = engine or FakeEngine()
        app = create_app(settings, engine=engine, limiter=limiter)
        server = Server(app, engine, [])
        servers.append(server)
        return server

    yield build
    for server in servers:
        for client in server.clients:
            client.__exit__(None, None, None)
        server.store.close()


@pytest.fixture
def server(make_server) -> Server:
    return make_server()


@pytest.fixture
def client(server: Server) -> TestClient:
    return server.reader()
