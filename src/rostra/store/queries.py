"""Queries shared by the actions; each takes an open connection so the caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    and_,
    any_,
    bindparam,
    exists,
    func,
    insert,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from rostra.store.tables import authors, comments, stories

from rostra.vocabulary import HELD_STATUSES
RECENT_TEXTS = 5


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@cache
def _insert_unless_present(dialect_name: str, table, keys: tuple[str, ...]):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return (
        dialect.insert(table).on_conflict_do_nothing(index_elements=list(keys)).returning(*table.primary_key.columns)
    )


def insert_ignoring_duplicates(connection: Connection, table, values: dict, keys: Sequence[str]) -> bool:
    """INSERT unless a row with the same unique `keys` exists (race-free get-or-create); True if it did."""
    statement = _insert_unless_present(connection.dialect.name, table, tuple(keys))
    return connection.execute(statement, values).first() is not None


# Comments a reader may see in a thread: approved ones, plus deleted ones that still carry replies.
_children = comments.alias("children")
VISIBLE = or_(
    comments.c.status == "approved",
    and_(
        comments.c.status == "deleted",
        exists().where(
            _children.c.parent_id == comments.c.id, _children.c.status.in_(("approved", "deleted"))
        ),
    ),
)

# Imported comments the engine would have decided otherwise than the status they kept (the
# dashboard's "imported, engine disagrees" filter; deleted ones were never scored).
IMPORTED_ENGINE_DISAGREES = and_(
    comments.c.import_engine_status.is_not(None), comments.c.import_engine_status != comments.c.status
)

COMMENT_COLUMNS = (
    comments.c.id,
    comments.c.story_id,
    comments.c.parent_id,
    comments.c.depth,
    comments.c.author_id,
    comments.c.body_markdown,
    comments.c.body_html,
    comments.c.status,
    comments.c.reaction_count,
    comments.c.created_at,
    comments.c.edited_at,
    authors.c.display_name.label("author_name"),
    (authors.c.account_id.is_not(None)).label("author_registered"),
)


def _comment_select():
    return select(*COMMENT_COLUMNS).join_from(comments, authors, comments.c.author_id == authors.c.id)


# The hot statements are built once with bound parameters: building a statement costs more than
# running it on a warm connection.
_COMMENT_BY_ID = _comment_select().add_columns(comments.c.moderation_reasons).where(
    comments.c.id == bindparam("comment_id")
)
_OWN_HELD = (
    _comment_select()
    .add_columns(comments.c.moderation_reasons)
    .where(
        comments.c.story_id == bindparam("story_id"),
        comments.c.author_id == bindparam("author_id"),
        comments.c.status.in_(HELD_STATUSES),
    )
    .order_by(comments.c.id)
    .limit(bindparam("limit"))
)
_STORY_BY_ID = select(stories).where(stories.c.id == bindparam("story_id"))


def _among_parents(dialect_name: str):
    """`parent_id` in the bound list `parent_ids`. PostgreSQL gets one array parameter, so the SQL
    text never changes and psycopg can prepare it; SQLite gets an IN list rendered per call."""
    if dialect_name == "postgresql":
        return comments.c.parent_id == any_(bindparam("parent_ids", type_=postgresql.ARRAY(Integer)))
    return comments.c.parent_id.in_(bindparam("parent_ids", expanding=True))


@cache
def _reply_counts_statement(dialect_name: str):
    return (
        select(comments.c.parent_id, func.count())
        .where(_among_parents(dialect_name), VISIBLE)
        .group_by(comments.c.parent_id)
    )


@cache
def _first_replies_statement(dialect_name: str):
    position = func.row_number().over(partition_by=comments.c.parent_id, order_by=comments.c.id).label("position")
    total = func.count().over(partition_by=comments.c.parent_id).label("total")
    ranked = (
        _comment_select().add_columns(position, total).where(_among_parents(dialect_name), VISIBLE).subquery()
    )
    return select(ranked).where(ranked.c.position <= bindparam("limit")).order_by(ranked.c.id)


_STORY_AND_PARENT = (
    select(
        stories,
        comments.c.id.label("parent_id"),
        comments.c.story_id.label("parent_story_id"),
        comments.c.depth.label("parent_depth"),
        comments.c.status.label("parent_status"),
        comments.c.body_markdown.label("parent_text"),
    )
    .select_from(stories.outerjoin(comments, comments.c.id == bindparam("parent_id")))
    .where(stories.c.id == bindparam("story_id"))
)


def get_story_and_parent(connection: Connection, story_id: int, parent_id: int | None) -> Row | None:
    """A story and the comment a reply is meant for (its `parent_*` columns, all None when there is no
    such comment), in one round trip; None when the story does not exist."""
    return connection.execute(_STORY_AND_PARENT, {"story_id": story_id, "parent_id": parent_id}).first()


def get_comment(connection: Connection, comment_id: int) -> Row | None:
    return connection.execute(_COMMENT_BY_ID, {"comment_id": comment_id}).first()


def own_held_comments(connection: Connection, story_id: int, author_id: int, limit: int) -> list[Row]:
    """The author's comments in this story that wait for a moderator, oldest first, with the reasons."""
    return list(connection.execute(_OWN_HELD, {"story_id": story_id, "author_id": author_id, "limit": limit}))


def get_story(connection: Connection, story_id: int) -> Row | None:
    return connection.execute(_STORY_BY_ID, {"story_id": story_id}).first()


def sort_key(row: Row, sort: str) -> list[int]:
    """The values a cursor stores to resume after `row` in `sort` order."""
    return [row.reaction_count, row.id] if sort == "most_reacted" else [row.id]


@cache
def _page_statement(sort: str, top_level: bool, resumed: bool):
    """The page query for one sort order, level kind and cursor presence (twelve in all)."""
    if sort == "oldest":
        order = (comments.c.id.asc(),)
        after = comments.c.id > bindparam("after_id")
    elif sort == "newest":
        order = (comments.c.id.desc(),)
        after = comments.c.id < bindparam("after_id")
    else:
        order = (comments.c.reaction_count.desc(), comments.c.id.desc())
        after = or_(
            comments.c.reaction_count < bindparam("after_reactions"),
            and_(comments.c.reaction_count == bindparam("after_reactions"), comments.c.id < bindparam("after_id")),
        )
    parent = comments.c.parent_id.is_(None) if top_level else comments.c.parent_id == bindparam("parent_id")
    query = _comment_select().where(comments.c.story_id == bindparam("story_id"), parent, VISIBLE)
    if resumed:
        query = query.where(after)
    return query.order_by(*order).limit(bindparam("limit"))


def page_of_children(
    connection: Connection,
    story_id: int,
    parent_id: int | None,
    sort: str,
    after: Sequence[int] | None,
    limit: int,
) -> list[Row]:
    """Up to `limit` visible comments under `parent_id` (top level when None), after the cursor."""
    parameters = {"story_id": story_id, "parent_id": parent_id, "limit": limit}
    if after:
        parameters["after_id"] = after[-1]
        if sort == "most_reacted":
            parameters["after_reactions"] = after[0]
    statement = _page_statement(sort, parent_id is None, bool(after))
    return list(connection.execute(statement, parameters))


def first_replies(
    connection: Connection, parent_ids: Sequence[int], limit: int
) -> tuple[dict[int, list[Row]], dict[int, int]]:
    """The oldest `limit` visible replies of each parent, and how many visible replies each has,
    in one query."""
    if not parent_ids or limit <= 0:
        return {}, visible_reply_counts(connection, parent_ids)
    statement = _first_replies_statement(connection.dialect.name)
    rows = connection.execute(statement, {"parent_ids": list(parent_ids), "limit": limit})
    replies: dict[int, list[Row]] = {}
    totals: dict[int, int] = {}
    for row in rows:
        replies.setdefault(row.parent_id, []).append(row)
        totals[row.parent_id] = row.total
    return replies, totals


def visible_reply_counts(connection: Connection, parent_ids: Sequence[int]) -> dict[int, int]:
    if not parent_ids:
        return {}
    statement = _reply_counts_statement(connection.dialect.name)
    return dict(connection.execute(statement, {"parent_ids": list(parent_ids)}).all())


def approved_counts(connection: Connection, story_ids: Iterable[int]) -> dict[int, int]:
    story_ids = list(story_ids)
    if not story_ids:
        return {}
    query = (
        select(comments.c.story_id, func.count())
        .where(comments.c.story_id.in_(story_ids), comments.c.status == "approved")
        .group_by(comments.c.story_id)
    )
    return dict(connection.execute(query).all())


@cache
def _author_history_statement(author_key: str):
    """The author's comment counts by status and latest texts in one round trip: rows with a status
    carry its count, rows without one carry a recent text and its id. `author_key` names how the
    bound `key` finds the author: "id", or the authors column "account_id" or "guest_key"."""
    if author_key == "id":
        author_id = bindparam("key")
    else:
        author_id = select(authors.c.id).where(authors.c[author_key] == bindparam("key")).scalar_subquery()
    counts = (
        select(comments.c.status, func.count().label("count"), null().label("text"), null().label("id"))
        .where(comments.c.author_id == author_id)
        .group_by(comments.c.status)
    )
    recent = (
        select(comments.c.body_markdown, comments.c.id)
        .where(comments.c.author_id == author_id, comments.c.status != "deleted")
        .order_by(comments.c.id.desc())
        .limit(RECENT_TEXTS)
        .subquery()
    )
    return union_all(counts, select(null(), null(), recent.c.body_markdown, recent.c.id))


def author_history(
    connection: Connection, key: int | str, author_key: str = "id"
) -> tuple[dict[str, int], tuple[str, ...]]:
    """How the author's earlier comments fared, and their latest texts, newest first (for repeat-spam
    checks); nothing for an author not yet in the database."""
    by_status: dict[str, int] = {}
    recent: list[tuple[int, str]] = []
    for status, count, text, comment_id in connection.execute(_author_history_statement(author_key), {"key": key}):
        if status is not None:
            by_status[status] = count
        else:
            recent.append((comment_id, text))
    recent.sort(reverse=True)
    return by_status, tuple(text for _, text in recent)


@cache
def _insert_returning_id(table):
    return insert(table).returning(table.c.id)


def insert_returning_id(connection: Connection, table, values: dict) -> int:
    return connection.execute(_insert_returning_id(table), values).scalar_one()
