"""Connections to SQLite (WAL mode) or PostgreSQL, transactions, and the packaged Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 15000
MIGRATION_LOCK_ID = 0x526F73747261  # "Rostra": serializes migrations from several processes


class Store:
    """One database: `read()` and `write()` hand out a connection inside a transaction."""

    def __init__(self, url: str, sqlite_synchronous: str = "full", connect_args: dict | None = None):
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            self.engine = _sqlite_engine(url, sqlite_synchronous)
        else:
            self.engine = create_engine(
                url,
                pool_size=10,
                max_overflow=30,
                pool_pre_ping=True,
                connect_args=connect_args or {},
            )
        self._writer = self.engine.execution_options(rostra_write=True)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only snapshot of the database."""
        with self.engine.connect() as connection:
            with connection.begin():
                yield connection

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed when the block ends without an exception."""
        with self._writer.connect() as connection:
            with connection.begin():
                yield connection

    def migrate(self) -> None:
        """Bring the schema to the newest revision; safe to call from several processes at once."""
        with self.engine.connect() as connection:
            if not self.is_sqlite:
                connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK_ID})")
            try:
                if _current_revision(connection) != _head_revision():
                    config = _alembic_config()
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                connection.commit()
            finally:
                if not self.is_sqlite:
                    connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_ID})")
                    connection.commit()

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_engine(url: str, synchronous: str) -> Engine:
    """SQLite in WAL mode; writers take the lock up front (BEGIN IMMEDIATE) so they queue, not fail."""
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {'NORMAL' if synchronous == 'normal' else 'FULL'}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("rostra_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("rostra.store") / "migrations"))
    return config


def _head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
