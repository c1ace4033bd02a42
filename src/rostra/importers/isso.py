"""Isso's SQLite database: `threads` (id, uri, title) and `comments` (tid, id, parent, created,
modified, mode, author, email, website, text). Isso keeps only each page's path (`uri`), so
`--base-url` names the site; `mode` is 1 accepted, 2 waiting for moderation, 4 deleted; `text` is
Markdown and the dates are seconds since 1970. Rows stream from the database in id order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from rostra.importers.fields import (
    FieldError,
    absolute_url,
    clean_email,
    clean_name,
    clean_title,
    parse_timestamp,
)
from rostra.importers.records import Author, BadFile, BadRecord, Comment, Story
from rostra.importers.source import SourceFile

NAME = "isso"
MODE_STATUS = {1: "approved", 2: "pending", 4: "deleted"}
REQUIRED_TABLES = {"threads", "comments"}
ROWS = (
    "SELECT c.id, c.parent, c.created, c.modified, c.mode, c.author, c.email, c.text, t.uri, t.title "
    "FROM comments c LEFT JOIN threads t ON t.id = c.tid ORDER BY c.id"
)


def read(source: SourceFile, base_url: str | None = None) -> Iterator[Comment | BadRecord]:
    try:
        database = sqlite3.connect(f"file:{source.path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BadFile(f"cannot open as an Isso database: {error}") from None
    try:
        try:
            tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not REQUIRED_TABLES <= tables:
                raise BadFile("not an Isso database: it has no threads and comments tables")
            total = database.execute("SELECT count(*) FROM comments").fetchone()[0] or 1
            rows = database.execute(ROWS)
        except sqlite3.DatabaseError as error:
            raise BadFile(f"not an Isso database: {error}") from None
        threads: dict[str, Story] = {}
        for number, row in enumerate(rows, start=1):
            source.bytes_read = source.size * number // total
            yield _comment(row, threads, base_url)
    finally:
        database.close()


def _comment(row, threads: dict[str, Story], base_url: str | None) -> Comment | BadRecord:
    comment_id, parent, created, modified, mode, author, email, text, uri, title = row
    key = str(comment_id)
    where = f"comment id {comment_id}"
    if uri is None:
        return BadRecord(where, "tid", "no thread with this id", key=key)
    if mode not in MODE_STATUS:
        return BadRecord(where, "mode", f"unknown status {mode!r}; known: 1 (accepted), 2 (waiting), 4 (deleted)",
                         key=key)
    field = "uri"
    try:
        story = threads.get(uri)
        if story is None:
            story = threads[uri] = Story(url=absolute_url(uri, base_url), title=clean_title(title), url_field="uri")
        field = "created"
        created_at = parse_timestamp(created)
        field = "modified"
        edited_at = parse_timestamp(modified) if modified is not None else None
    except FieldError as error:
        if field == "uri" and "--base-url" in str(error):
            raise BadFile(f"{where}, field 'uri': {error}") from None
        return BadRecord(where, field, str(error), key=key)
    return Comment(where=where, key=key, story=story, parent_key=str(parent) if parent is not None else None,
                   author=Author(name=clean_name(author, "Anonymous"), email=clean_email(email)),
                   body=(text or "").strip(), status=MODE_STATUS[mode], created_at=created_at,
                   edited_at=edited_at, body_field="text")
