"""What every format reader yields: stories, authors and comments in one shape, or a named fault.

A reader turns its format into `Comment` records (each pointing at its `Story` and `Author`) and
`BadRecord`s for records it cannot read; the streaming core (`rostra.importers.core`) does the rest
the same way for every format. `BadFile` ends the import: the file is not of the format, or it breaks
off (XML that stops parsing cannot be read past the break).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Story:
    """The article a thread belongs to; `url` as the source wrote it, canonicalised by the core."""

    url: str
    title: str = ""
    text: str = ""
    closed: bool = False
    created_at: datetime | None = None
    url_field: str = "url"  # the source's name for the URL, for messages


@dataclass(frozen=True)
class Author:
    """A comment's author. `key` is the source's own id for the person (None: merged by e-mail,
    or, with neither, an author of this one comment); `source` overrides the format's name (the
    Rostra format carries each author's origin)."""

    name: str
    email: str | None = None
    key: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Comment:
    """One comment as the source has it: `key` is the source's id, unique within the source;
    `body` is Markdown (readers convert HTML); `status` one of the comment statuses."""

    where: str  # names the record in messages: "line 12", "post 3 (dsq:id 345)"
    key: str
    story: Story
    parent_key: str | None
    author: Author
    body: str
    status: str
    created_at: datetime
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    source: str | None = None  # None: the format's name
    parent_source: str | None = None  # None: the comment's own source
    body_field: str = "body"  # the source's names for the text and the id, for messages
    key_field: str = "id"


class BadRecord(Exception):
    """A record that cannot be imported: where it is, which field, and what is wrong with it."""

    def __init__(self, where: str, field: str | None, message: str, key: str | None = None,
                 source: str | None = None):
        super().__init__(message)
        self.where, self.field, self.message = where, field, message
        self.key, self.source = key, source  # the record's id, when readable: its replies are skipped too

    def __str__(self) -> str:
        field = f", field '{self.field}'" if self.field else ""
        return f"{self.where}{field}: {self.message}"


class BadFile(Exception):
    """The file cannot be read (further) as this format; the message says where and why."""
