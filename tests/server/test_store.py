"""Storage: the migrated schema on both databases, SQLite's WAL mode, and shared commits."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from sqlalchemy import inspect, insert, select, text

from rostra.actions.errors import Conflict
from alembic.script import ScriptDirectory

from rostra.store import Store
from rostra.store.database import _alembic_config
from rostra.store.queries import utcnow
from rostra.store.tables import metadata, sites


def test_migrations_create_every_table_and_the_api_keys_contract(database):
    store = database.store()
    try:
        with store.read() as connection:
            inspector = inspect(connection)
            assert set(metadata.tables) <= set(inspector.get_table_names())
            columns = {column["name"]: column for column in inspector.get_columns("api_keys")}
            unique = {tuple(constraint["column_names"]) for constraint in inspector.get_unique_constraints("api_keys")}
            comment_columns = {column["name"] for column in inspector.get_columns("comments")}
            migrated = {name: {column["name"] for column in inspector.get_columns(name)} for name in metadata.tables}
    finally:
        store.close()
    assert list(columns) == ["id", "name", "key_prefix", "key_hash", "created_at", "revoked_at",
                             "requests_per_minute"]
    assert [name for name, column in columns.items() if column["nullable"]] == ["revoked_at", "requests_per_minute"]
    assert {("name",), ("key_hash",)} <= unique
    assert {"status", "moderation_reasons", "moderation_scores", "moderation_model"} <= comment_columns
    # store/tables.py describes exactly what the migrations create
    assert migrated == {name: set(table.columns.keys()) for name, table in metadata.tables.items()}


def _assert_migrated_to_the_one_head(store: Store) -> None:
    with store.read() as connection:
        applied = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    assert len(heads) == 1, f"the migrations must form one chain, found heads {heads}"
    assert applied == heads


def test_migrating_twice_changes_nothing(database):
    store = database.store()
    try:
        store.migrate()
        store.migrate()
        _assert_migrated_to_the_one_head(store)
    finally:
        store.close()


def test_sqlite_runs_in_wal_mode(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'folder' / 'rostra.db'}")
    try:
        store.migrate()
        with store.read() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        store.close()


def test_concurrent_writes_share_commits_and_a_failing_one_fails_alone(database):
    store = database.store()
    results: dict[int, object] = {}

    def write(number: int) -> None:
        def job(connection):
            if number % 5 == 0:
                connection.execute(insert(sites).values(name=f"site {number}", created_at=utcnow()))
                raise Conflict(f"job {number} refuses", field=None)
            return connection.execute(
                insert(sites).values(name=f"site {number}", created_at=utcnow()).returning(sites.c.id)
            ).scalar_one()

        try:
            results[number] = store.run_write(job)
        except Conflict as error:
            results[number] = error

    try:
        threads = [threading.Thread(target=write, args=(number,)) for number in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with store.read() as connection:
            stored = dict(connection.execute(select(sites.c.name, sites.c.id)).all())
    finally:
        store.close()
    for number, result in results.items():
        if number % 5 == 0:
            assert isinstance(result, Conflict) and f"site {number}" not in stored
        else:
            assert stored[f"site {number}"] == result
    assert len(stored) == 32


def test_a_write_that_breaks_a_constraint_reports_it(database):
    store = database.store()
    try:
        store.run_write(lambda connection: connection.execute(insert(sites).values(name="dup", created_at=utcnow())))
        with pytest.raises(Exception, match="(?i)unique"):
            store.run_write(
                lambda connection: connection.execute(insert(sites).values(name="dup", created_at=utcnow()))
            )
        assert store.run_write(lambda connection: 42) == 42
    finally:
        store.close()


def test_several_processes_may_migrate_one_sqlite_file_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    script = f"from rostra.store import Store; Store({url!r}).migrate()"
    processes = [subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read()
    store = Store(url)
    try:
        _assert_migrated_to_the_one_head(store)
    finally:
        store.close()
