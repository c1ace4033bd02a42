"""Rostra's own JSON Lines format: what `rostra export` writes and `rostra import rostra` reads, so a
site can move between Rostra instances and an export imported into an empty database exports the
same bytes again. docs/import-export.md describes it; in short, one JSON object a line:

    {"format": "rostra-comments", "version": 1}
    {"type": "story", "url": ..., "title": ..., "text": ..., "closed": false, "created_at": ...}
    {"type": "comment", "id": "SOURCE:ID", "parent": "SOURCE:ID" | null, "author": {"id": "SOURCE:ID",
     "name": ..., "email": ... | null}, "body": Markdown, "status": ..., "created_at": ...,
     "edited_at": ... | null, "deleted_at": ... | null}

Each comment belongs to the story line above it and follows its parent. Ids name where a comment
or author came from: `disqus:123` for one imported from Disqus, `rostra-<instance>:17` for one
written on the Rostra instance `<instance>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO

from sqlalchemy import select

from rostra.importers.core import instance_origin
from rostra.importers.fields import FieldError, parse_date
from rostra.importers.records import Author, BadFile, BadRecord, Comment, Story
from rostra.importers.source import SourceFile
from rostra.store import Store
from rostra.store.queries import as_utc
from rostra.store.tables import COMMENT_STATUSES, authors, comments, sites, stories

NAME = "rostra"
HEADER = {"format": "rostra-comments", "version": 1}
EXPORT_ROWS_PER_FETCH = 1000
STORY_FIELDS = {"type": str, "url": str, "title": str, "text": str, "closed": bool, "created_at": str}
COMMENT_FIELDS = {"type": str, "id": str, "parent": (str, type(None)), "author": dict, "body": str, "status": str,
                  "created_at": str, "edited_at": (str, type(None)), "deleted_at": (str, type(None))}
AUTHOR_FIELDS = {"id": str, "name": str, "email": (str, type(None))}
MAX_NAME_CHARS = 200
MAX_TITLE_CHARS = 500


# -- reading --------------------------------------------------------------------------------------

def read(source: SourceFile, base_url: str | None = None) -> Iterator[Comment | Story | BadRecord]:
    story: Story | BadRecord | None = None
    with source.open_text() as lines:
        header_seen = False
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                if not header_seen:
                    raise BadFile(f"{where}: not a Rostra export (not JSON: {error.msg})") from None
                yield BadRecord(where, None, f"not valid JSON ({error.msg} at column {error.colno})")
                continue
            except UnicodeDecodeError:
                raise BadFile(f"{where}: not UTF-8 text") from None
            if not header_seen:
                if record != HEADER:
                    raise BadFile(f"{where}: not a Rostra export: the first line must be {json.dumps(HEADER)}")
                header_seen = True
                continue
            kind = record.get("type") if isinstance(record, dict) else None
            if kind == "story":
                story = _story(record, where)
                yield story
            elif kind == "comment":
                yield _comment(record, where, story)
            else:
                yield BadRecord(where, "type", "must be \"story\" or \"comment\"")
        if not header_seen:
            raise BadFile("not a Rostra export: the file is empty")


def _typed(record: dict, where: str, fields: dict, prefix: str = "") -> BadRecord | None:
    for name in record:
        if name not in fields:
            return BadRecord(where, prefix + name, f"unknown field; allowed: {', '.join(fields)}")
    for name, kind in fields.items():
        if name not in record:
            return BadRecord(where, prefix + name, "is missing")
        if not isinstance(record[name], kind):
            return BadRecord(where, prefix + name, "has the wrong type")
    return None


def _story(record: dict, where: str) -> Story | BadRecord:
    problem = _typed(record, where, STORY_FIELDS)
    if problem:
        return problem
    if len(record["title"]) > MAX_TITLE_CHARS:
        return BadRecord(where, "title", f"longer than {MAX_TITLE_CHARS} characters")
    try:
        created = parse_date(record["created_at"])
    except FieldError as error:
        return BadRecord(where, "created_at", str(error))
    return Story(url=record["url"], title=record["title"], text=record["text"], closed=record["closed"],
                 created_at=created)


def _split(reference: str) -> tuple[str, str] | None:
    source, _, key = reference.partition(":")  # sources never hold a colon; ids may
    return (source, key) if source and key else None


def _comment(record: dict, where: str, story: Story | BadRecord | None) -> Comment | BadRecord:
    problem = _typed(record, where, COMMENT_FIELDS) or _typed(record["author"], where, AUTHOR_FIELDS, "author.")
    reference = _split(record["id"]) if not problem else None
    if problem:
        return problem
    if reference is None:
        return BadRecord(where, "id", "must be SOURCE:ID")
    key = reference[1]
    if story is None:
        return BadRecord(where, None, "no story line above this comment", key=key, source=reference[0])
    if isinstance(story, BadRecord):
        return BadRecord(where, None, f"its story was skipped ({story})", key=key, source=reference[0])
    parent = _split(record["parent"]) if record["parent"] is not None else None
    author_ref = _split(record["author"]["id"])
    if record["parent"] is not None and parent is None:
        return BadRecord(where, "parent", "must be SOURCE:ID or null", key=key, source=reference[0])
    if author_ref is None:
        return BadRecord(where, "author.id", "must be SOURCE:ID", key=key, source=reference[0])
    if len(record["author"]["name"]) > MAX_NAME_CHARS:
        return BadRecord(where, "author.name", f"longer than {MAX_NAME_CHARS} characters", key=key,
                         source=reference[0])
    if record["status"] not in COMMENT_STATUSES:
        return BadRecord(where, "status", f"unknown status {record['status']!r}; known: {', '.join(COMMENT_STATUSES)}",
                         key=key, source=reference[0])
    dates = {}
    for name in ("created_at", "edited_at", "deleted_at"):
        try:
            dates[name] = parse_date(record[name]) if record[name] is not None else None
        except FieldError as error:
            return BadRecord(where, name, str(error), key=key, source=reference[0])
    author = Author(name=record["author"]["name"], email=record["author"]["email"], key=author_ref[1],
                    source=author_ref[0])
    return Comment(where=where, key=key, source=reference[0], story=story,
                   parent_key=parent[1] if parent else None, parent_source=parent[0] if parent else None,
                   author=author, body=record["body"], status=record["status"], **dates)


# -- writing --------------------------------------------------------------------------------------

def _when(moment: datetime | None) -> str | None:
    return as_utc(moment).astimezone(UTC).isoformat() if moment is not None else None


def _line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(", ", ": ")) + "\n"


def export(store: Store, output: IO[str], site: str | None = None, story_url: str | None = None,
           author_ids: list[int] | None = None) -> dict[str, int]:
    """Write the stories and comments (of one site, one story, or some authors) in this format, in
    story then comment order; returns how many of each were written. Rows stream from the database,
    so the export's size is not held in memory."""
    parent = comments.alias("parent")
    query = (
        select(stories, comments.c.id.label("comment_id"), comments.c.source, comments.c.external_id,
               comments.c.body_markdown, comments.c.status, comments.c.created_at.label("comment_created_at"),
               comments.c.edited_at, comments.c.deleted_at, parent.c.id.label("parent_id"),
               parent.c.source.label("parent_source"), parent.c.external_id.label("parent_external_id"),
               authors.c.id.label("author_id"), authors.c.source.label("author_source"),
               authors.c.external_id.label("author_external_id"), authors.c.display_name, authors.c.email)
        .select_from(stories.outerjoin(comments, comments.c.story_id == stories.c.id)
                     .outerjoin(parent, parent.c.id == comments.c.parent_id)
                     .outerjoin(authors, authors.c.id == comments.c.author_id))
        .order_by(stories.c.id, comments.c.id)
    )
    if site is not None:
        query = query.join(sites, sites.c.id == stories.c.site_id).where(sites.c.name == site)
    if story_url is not None:
        query = query.where(stories.c.url == story_url)
    if author_ids is not None:
        query = query.where(comments.c.author_id.in_(author_ids))
    counts = {"stories": 0, "comments": 0}
    with store.write() as connection:
        origin = instance_origin(connection)
    output.write(_line(HEADER))
    with store.read() as connection:

        def reference(source, external_id, row_id) -> str:
            return f"{source}:{external_id}" if source is not None else f"{origin}:{row_id}"

        current_story = None
        rows = connection.execution_options(yield_per=EXPORT_ROWS_PER_FETCH).execute(query)
        for row in rows:
            if row.id != current_story:
                current_story = row.id
                counts["stories"] += 1
                output.write(_line({"type": "story", "url": row.url, "title": row.title, "text": row.text,
                                    "closed": bool(row.closed), "created_at": _when(row.created_at)}))
            if row.comment_id is None:
                continue
            counts["comments"] += 1
            output.write(_line({
                "type": "comment",
                "id": reference(row.source, row.external_id, row.comment_id),
                "parent": reference(row.parent_source, row.parent_external_id, row.parent_id)
                if row.parent_id is not None else None,
                "author": {"id": reference(row.author_source, row.author_external_id, row.author_id),
                           "name": row.display_name, "email": row.email},
                "body": row.body_markdown,
                "status": row.status,
                "created_at": _when(row.comment_created_at),
                "edited_at": _when(row.edited_at),
                "deleted_at": _when(row.deleted_at),
            }))
    return counts

