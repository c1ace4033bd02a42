"""Commento's JSON export (Comentario comes from Commento; a file of its in this shape reads the
same): {"version": 1, "comments": [...], "commenters": [...]}. A comment has commentHex, domain and url (the page's path), commenterHex,
markdown, parentHex ("root" for none), state (approved, unapproved, flagged), creationDate and
deleted; a commenter has commenterHex, name and email ("anonymous" is nobody in particular).

The export is one JSON document, so it is read whole; its comments then stream through the core.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from rostra.importers.fields import FieldError, absolute_url, clean_email, clean_name, parse_date
from rostra.importers.records import Author, BadFile, BadRecord, Comment, Story
from rostra.importers.source import SourceFile

NAME = "commento"
STATE_STATUS = {"approved": "approved", "unapproved": "pending", "flagged": "pending"}
TOP_LEVEL = "root"
ANONYMOUS = "anonymous"


def read(source: SourceFile, base_url: str | None = None) -> Iterator[Comment | BadRecord]:
    with source.open_text() as text:
        try:
            document = json.load(text)
        except json.JSONDecodeError as error:
            raise BadFile(f"line {error.lineno}, column {error.colno}: not a Commento export "
                          f"(not valid JSON: {error.msg})") from None
        except UnicodeDecodeError:
            raise BadFile("not a Commento export: not UTF-8 text") from None
    if not isinstance(document, dict) or not isinstance(document.get("comments"), list):
        raise BadFile("not a Commento export: expected a JSON object with a \"comments\" list")
    people = {}
    for commenter in document.get("commenters") or []:
        if isinstance(commenter, dict) and isinstance(commenter.get("commenterHex"), str):
            people[commenter["commenterHex"]] = commenter
    stories: dict[str, Story] = {}
    for number, record in enumerate(document["comments"], start=1):
        yield _comment(record, number, people, stories, base_url)


def _comment(record, number: int, people: dict, stories: dict[str, Story], base_url: str | None):
    where = f"comment {number}"
    if not isinstance(record, dict):
        return BadRecord(where, None, "must be a JSON object")
    key = record.get("commentHex")
    if not isinstance(key, str) or not key:
        return BadRecord(where, "commentHex", "is missing")
    where = f"comment {number} (commentHex {key})"
    state = record.get("state", "approved")
    if state not in STATE_STATUS:
        return BadRecord(where, "state", f"unknown status {state!r}; known: {', '.join(STATE_STATUS)}", key=key)
    field = "url"
    try:
        path, domain = record.get("url") or "/", record.get("domain")
        site = base_url or (f"https://{domain}" if isinstance(domain, str) and domain else None)
        url = absolute_url(path if isinstance(path, str) else "", site)
        field = "creationDate"
        created = parse_date(record.get("creationDate"))
    except FieldError as error:
        return BadRecord(where, field, str(error), key=key)
    story = stories.get(url)
    if story is None:
        story = stories[url] = Story(url=url, url_field="url")
    commenter_hex = record.get("commenterHex")
    person = people.get(commenter_hex, {}) if commenter_hex != ANONYMOUS else {}
    author = Author(name=clean_name(person.get("name"), "Anonymous"), email=clean_email(person.get("email")),
                    key=commenter_hex if person and isinstance(commenter_hex, str) else None)
    parent = record.get("parentHex")
    markdown = record.get("markdown")
    return Comment(where=where, key=key, story=story,
                   parent_key=parent if isinstance(parent, str) and parent != TOP_LEVEL and parent else None,
                   author=author, body=markdown.strip() if isinstance(markdown, str) else "",
                   status="deleted" if record.get("deleted") is True else STATE_STATUS[state],
                   created_at=created, body_field="markdown", key_field="commentHex")
