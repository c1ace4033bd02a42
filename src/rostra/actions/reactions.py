"""Reactions: at most one per reader per comment; the comment keeps a running count for sorting."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from rostra.actions.errors import InvalidInput, NotFound
from rostra.actions.identity import Viewer, ensure_author, find_author_id
from rostra.store import Store
from rostra.store.queries import insert_ignoring_duplicates, utcnow
from rostra.store.tables import comments, reactions

REACTION_KINDS = ("like", "insightful", "funny", "agree", "disagree")


def _approved_comment(connection, comment_id: int) -> None:
    status = connection.execute(select(comments.c.status).where(comments.c.id == comment_id)).scalar_one_or_none()
    if status != "approved":
        raise NotFound(f"no comment {comment_id}", field="comment_id")


def _count(connection, comment_id: int) -> int:
    return connection.execute(select(comments.c.reaction_count).where(comments.c.id == comment_id)).scalar_one()


def react(store: Store, viewer: Viewer, comment_id: int, kind: str) -> dict:
    """Set the reader's reaction on a comment (replacing an earlier one of another kind)."""
    if kind not in REACTION_KINDS:
        raise InvalidInput(f"must be one of {', '.join(REACTION_KINDS)}", field="kind")

    def set_reaction(connection) -> dict:
        _approved_comment(connection, comment_id)
        author_id = ensure_author(connection, viewer)
        added = insert_ignoring_duplicates(
            connection,
            reactions,
            {"comment_id": comment_id, "author_id": author_id, "kind": kind, "created_at": utcnow()},
            keys=["comment_id", "author_id"],
        )
        if added:
            connection.execute(
                update(comments)
                .where(comments.c.id == comment_id)
                .values(reaction_count=comments.c.reaction_count + 1)
            )
        else:
            connection.execute(
                update(reactions)
                .where(reactions.c.comment_id == comment_id, reactions.c.author_id == author_id)
                .values(kind=kind)
            )
        return {"comment_id": comment_id, "kind": kind, "reaction_count": _count(connection, comment_id)}

    return store.run_write(set_reaction)


def unreact(store: Store, viewer: Viewer, comment_id: int) -> dict:
    """Take the reader's reaction back; doing it twice is harmless."""

    def remove_reaction(connection) -> dict:
        _approved_comment(connection, comment_id)
        author_id = find_author_id(connection, viewer)
        removed = author_id is not None and connection.execute(
            delete(reactions).where(reactions.c.comment_id == comment_id, reactions.c.author_id == author_id)
        ).rowcount
        if removed:
            connection.execute(
                update(comments)
                .where(comments.c.id == comment_id)
                .values(reaction_count=comments.c.reaction_count - 1)
            )
        return {"comment_id": comment_id, "kind": None, "reaction_count": _count(connection, comment_id)}

    return store.run_write(remove_reaction)
