"""Importer fixtures: the real `rostra` command run in this process against the test's database,
the fixture files (written for Rostra's tests, one or more per format), and a look at what landed."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from rostra.cli import main
from rostra.store.tables import authors, comments, stories

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str


@pytest.fixture
def rostra(database, tmp_path):
    """Runs `rostra ARGS... --database-url <this test's database>` and returns what it printed."""

    def run(*arguments: str, database_url: str | None = None) -> Outcome:
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), contextlib.chdir(tmp_path):
            status = main([*arguments, "--database-url", database_url or database.url])
        return Outcome(status, stdout.getvalue(), stderr.getvalue())

    return run


@pytest.fixture
def isso_database(tmp_path) -> Path:
    """An Isso database built from fixtures/isso.sql (Isso's tables, Rostra's own rows)."""
    path = tmp_path / "comments.db"
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.executescript((FIXTURES / "isso.sql").read_text())
        connection.commit()
    return path


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def stored(database) -> dict[str, dict]:
    """Every comment by its source id ("disqus:81"), with its story URL, author and parent's id."""
    store = database.store()
    parent = comments.alias("parent")
    query = (
        select(comments, stories.c.url, stories.c.closed, authors.c.display_name, authors.c.email,
               parent.c.source.label("parent_source"), parent.c.external_id.label("parent_key"))
        .join_from(comments, stories, stories.c.id == comments.c.story_id)
        .join(authors, authors.c.id == comments.c.author_id)
        .outerjoin(parent, parent.c.id == comments.c.parent_id)
    )
    try:
        with store.read() as connection:
            rows = connection.execute(query).mappings().all()
    finally:
        store.close()
    return {f"{row['source']}:{row['external_id']}": dict(row) for row in rows}
