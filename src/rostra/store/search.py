"""Text search in comment bodies through an index on both databases, so the moderation queue's search
costs what it returns rather than a scan of every comment.

Both indexes hold the text's trigrams (three-character pieces), and both find the comments that
contain the moderator's words anywhere, whatever their case, exactly as `ILIKE '%words%'` would:

- SQLite: `comments_search`, an FTS5 table with the trigram tokenizer over `comments.body_markdown`
  (external content: it stores only the index), kept in step by triggers on insert, delete and an
  update of the text. The words are searched as one quoted phrase, so FTS5's query syntax does
  not apply to them. The query walks the FTS5 table in rowid (= comment id) order and looks each
  match up in `comments`: the newest page of a phrase that half the comments hold stops after a
  page's worth, and a rare name costs its few matches.
- PostgreSQL: a GIN index with pg_trgm's `gin_trgm_ops` on `comments.body_markdown`, which serves
  `ILIKE` directly; the planner chooses between it and walking the id index.

A trigram index cannot look up fewer than three characters, so shorter searches are refused
(`MIN_SEARCH_CHARS`). The migration `0005_search` creates both; neither is in `tables.metadata`
(SQLAlchemy has no virtual tables, and the GIN index exists on one database only), so the schema
test leaves out `SEARCH_OBJECTS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, FromClause, Integer, column, table

from rostra.store.tables import comments

SEARCH_TABLE = "comments_search"
TRIGRAM_INDEX = "ix_comments_body_markdown_trgm"
SEARCH_OBJECTS = (SEARCH_TABLE, TRIGRAM_INDEX)  # FTS5 also makes shadow tables named comments_search_*
MIN_SEARCH_CHARS = 3
LIKE_ESCAPE = "\\"

_fts = table(SEARCH_TABLE, column("rowid", Integer), column(SEARCH_TABLE))


@dataclass(frozen=True)
class CommentSource:
    """Where a query over comments reads from: `source` to select from, `conditions` to add, and
    `order_key`, the comment id as the database can walk it in order (to sort and page by)."""

    source: FromClause
    conditions: tuple[ColumnElement[bool], ...]
    order_key: ColumnElement[int]


ALL_COMMENTS = CommentSource(comments, (), comments.c.id)


def containing(dialect: str, words: str | None) -> CommentSource:
    """The comments whose text contains `words` (case-insensitive, at least MIN_SEARCH_CHARS
    characters), read through the index of the database (`dialect`: sqlite or postgresql); all
    comments when there are no words."""
    if not words:
        return ALL_COMMENTS
    if dialect == "sqlite":
        phrase = '"' + words.replace('"', '""') + '"'
        return CommentSource(_fts.join(comments, comments.c.id == _fts.c.rowid),
                             (_fts.c[SEARCH_TABLE].match(phrase),), _fts.c.rowid)
    escaped = "".join(LIKE_ESCAPE + character if character in "%_" + LIKE_ESCAPE else character
                      for character in words)
    return CommentSource(comments, (comments.c.body_markdown.ilike(f"%{escaped}%", escape=LIKE_ESCAPE),),
                         comments.c.id)
