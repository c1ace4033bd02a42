"""Helpers for the importer tests: the fixture files (written for Rostra's tests, one or more per
format), the real `rostra` command run in this process, and a look at what landed."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from rostra.cli import main
from rostra.store.tables import authors, comments, stories

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str


def run_rostra(arguments, database_url: str, folder) -> Outcome:
    """`rostra ARGS... --database-url URL` in this process, from `folder`, and what it printed."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), contextlib.chdir(folder):
        status = main([*arguments, "--database-url", database_url])
    return Outcome(status, stdout.getvalue(), stderr.getvalue())


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
