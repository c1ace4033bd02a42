"""Importer fixtures: the real `rostra` command against the test's database, and an Isso database."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from import_support import FIXTURES, Outcome, run_rostra


@pytest.fixture
def rostra(database, tmp_path):
    """Runs `rostra ARGS... --database-url <this test's database>` and returns what it printed."""

    def run(*arguments: str, database_url: str | None = None) -> Outcome:
        return run_rostra(arguments, database_url or database.url, tmp_path)

    return run


@pytest.fixture
def isso_database(tmp_path) -> Path:
    """An Isso database built from fixtures/isso.sql (Isso's tables, Rostra's own rows)."""
    path = tmp_path / "comments.db"
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.executescript((FIXTURES / "isso.sql").read_text())
        connection.commit()
    return path
