"""Remark42's backup file (plain or gzipped JSON Lines): a first line with the format's `version`,
then one comment per line: id, pid (the parent, empty for none), orig (the Markdown typed) and text
(its HTML), user {id, name}, locator {url}, title, time, edit {time}, delete. Remark42 has no
moderation queue, so a comment is approved or deleted. Lines stream through one at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from rostra.importers.fields import FieldError, clean_name, clean_title, html_to_markdown, parse_date
from rostra.importers.records import Author, BadFile, BadRecord, Comment, Story
from rostra.importers.source import SourceFile

NAME = "remark42"


def read(source: SourceFile, base_url: str | None = None) -> Iterator[Comment | BadRecord]:
    stories: dict[str, Story] = {}
    with source.open_text() as lines:
        try:
            header = json.loads(next(lines, "") or "null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            header = None
        if not isinstance(header, dict) or "version" not in header:
            raise BadFile("not a Remark42 backup: line 1 must be its header, a JSON object with \"version\"")
        for number, line in enumerate(lines, start=2):
            if line.strip():
                yield _comment(line, f"line {number}", stories)


def _comment(line: str, where: str, stories: dict[str, Story]) -> Comment | BadRecord:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return BadRecord(where, None, f"not valid JSON ({error.msg} at column {error.colno})")
    if not isinstance(record, dict):
        return BadRecord(where, None, "must be a JSON object")
    key = record.get("id")
    if not isinstance(key, str) or not key:
        return BadRecord(where, "id", "is missing or not a string")
    locator, user = record.get("locator"), record.get("user")
    url = locator.get("url") if isinstance(locator, dict) else None
    if not isinstance(url, str) or not url:
        return BadRecord(where, "locator.url", "is missing", key=key)
    if not isinstance(user, dict):
        return BadRecord(where, "user", "is missing", key=key)
    field = "time"
    try:
        created = parse_date(record.get("time"))
        edit = record.get("edit")
        field = "edit.time"
        edited = parse_date(edit["time"]) if isinstance(edit, dict) and edit.get("time") else None
    except FieldError as error:
        return BadRecord(where, field, str(error), key=key)
    deleted = record.get("delete")
    if not isinstance(deleted, bool | None):
        return BadRecord(where, "delete", "must be true or false", key=key)
    story = stories.get(url)
    if story is None:
        story = stories[url] = Story(url=url, title=clean_title(record.get("title")), url_field="locator.url")
    original = record.get("orig")
    body = original.strip() if isinstance(original, str) and original.strip() else html_to_markdown(
        record.get("text") if isinstance(record.get("text"), str) else "")
    user_id = user.get("id")
    parent = record.get("pid")
    return Comment(where=where, key=key, story=story, parent_key=parent if isinstance(parent, str) and parent else None,
                   author=Author(name=clean_name(user.get("name"), "Guest"),
                                 key=user_id if isinstance(user_id, str) and user_id else None),
                   body=body, status="deleted" if deleted else "approved", created_at=created, edited_at=edited,
                   body_field="orig")
