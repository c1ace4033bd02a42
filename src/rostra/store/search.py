"""Text search in comment bodies through an index on both databases, so the moderation queue's search
costs what it finds rather than a scan of every comment.

Both indexes hold the text's trigrams (three-character pieces), and both find the comments that
contain the moderator's words anywhere, whatever their case, exactly as `ILIKE '%words%'` would:

- SQLite: `comments_search`, an FTS5 table with the trigram tokenizer over `comments.body_markdown`
  (external content: it stores only the index), kept in step by triggers on insert, delete and an
  update of the text. The words are searched as one quoted phrase, so FTS5's query syntax does
  not apply to them.
- PostgreSQL: a GIN index with pg_trgm's `gin_trgm_ops` on `comments.body_markdown`, which serves
  `ILIKE` directly.

A trigram index cannot look up fewer than three characters, so shorter searches are refused
(`MIN_SEARCH_CHARS`). The migration `0005_search` creates both; neither is in `tables.metadata`
(SQLAlchemy has no virtual tables, and the GIN index exists on one database only), so the schema
test leaves out `SEARCH_OBJECTS`.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ColumnElement, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from rostra.store.tables import comments

SEARCH_TABLE = "comments_search"
TRIGRAM_INDEX = "ix_comments_body_markdown_trgm"
SEARCH_OBJECTS = (SEARCH_TABLE, TRIGRAM_INDEX)  # FTS5 also makes shadow tables named comments_search_*
MIN_SEARCH_CHARS = 3
LIKE_ESCAPE = "\\"


class _BodyContains(FunctionElement):
    """True for comments whose text contains the phrase (arguments: comment id, body, FTS5 phrase,
    ILIKE pattern); each database compiles it to the form its index serves."""

    type = Boolean()
    inherit_cache = True
    name = "body_contains"


@compiles(_BodyContains, "sqlite")
def _sqlite_contains(element, compiler, **options) -> str:
    comment_id, _, phrase, _ = (compiler.process(clause, **options) for clause in element.clauses)
    return f"{comment_id} IN (SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH {phrase})"


@compiles(_BodyContains, "postgresql")
def _postgresql_contains(element, compiler, **options) -> str:
    _, body, _, pattern = (compiler.process(clause, **options) for clause in element.clauses)
    return f"{body} ILIKE {pattern} ESCAPE '{LIKE_ESCAPE}'"


def body_contains(words: str) -> ColumnElement[bool]:
    """The condition "the comment's text contains `words`" (case-insensitive, at least
    MIN_SEARCH_CHARS characters)."""
    phrase = '"' + words.replace('"', '""') + '"'
    escaped = "".join(LIKE_ESCAPE + character if character in "%_" + LIKE_ESCAPE else character
                      for character in words)
    return _BodyContains(comments.c.id, comments.c.body_markdown, bindparam("search_phrase", phrase, unique=True),
                         bindparam("search_pattern", f"%{escaped}%", unique=True))
