"""Shared fixtures: real SQLite and PostgreSQL databases, and the test Redis.

`database` is parametrized over both databases. PostgreSQL comes from ROSTRA_TEST_POSTGRES_URL
(scripts/test sets it); when it is unset or unreachable its variants skip locally and FAIL under CI.
Each backend is migrated once per session; each test then starts from empty tables (a fresh copy of
the migrated SQLite file, or TRUNCATE on a PostgreSQL schema of this session's own).
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from rostra.store import Store
from rostra.store.tables import metadata

POSTGRES_URL = os.environ.get("ROSTRA_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("ROSTRA_TEST_REDIS_URL")


def unavailable(what: str) -> None:
    """A missing service skips a test on a developer machine and fails it in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis (database 15 by default), checked to answer."""
    import redis

    if not REDIS_URL:
        unavailable("Redis (ROSTRA_TEST_REDIS_URL)")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError as error:
        unavailable(f"Redis at ROSTRA_TEST_REDIS_URL ({error})")
    return REDIS_URL


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now, for a server process the test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A PostgreSQL URL on a new, empty schema (nothing migrated), dropped after the test."""
    if not POSTGRES_URL:
        unavailable("PostgreSQL (ROSTRA_TEST_POSTGRES_URL)")
    schema = f"rostra_empty_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield postgres_url_for(schema)
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
