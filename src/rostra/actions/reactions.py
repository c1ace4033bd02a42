"""Reactions: at most one per reader per comment, and a few per address (a reader who drops the
cookie is a new guest, but writes from the same address); the comment keeps a running count."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, func, select, update

from rostra.actions.errors import Conflict, InvalidInput, NotFound
from rostra.actions.identity import Viewer, WriteOrigin, ensure_author, find_author_id
from rostra.events import publish_on_commit
from rostra.store import Store
from rostra.store.queries import insert_ignoring_duplicates, utcnow
from rostra.store.tables import comments, reactions, stories
from rostra.vocabulary import REACTION_KINDS

_APPROVED_COMMENT = (
    select(comments.c.story_id, stories.c.site_id)
    .join_from(comments, stories, comments.c.story_id == stories.c.id)
    .where(comments.c.id == bindparam("comment_id"), comments.c.status == "approved")
)


def _approved_comment(connection, comment_id: int):
    """The comment's story and site; NotFound unless readers can see it."""
    found = connection.execute(_APPROVED_COMMENT, {"comment_id": comment_id}).first()
    if found is None:
        raise NotFound(f"no comment {comment_id}", field="comment_id")
    return found


def _counted(connection, comment_id: int, kind: str | None, found) -> dict:
    """The answer, and the new count announced to open pages after commit."""
    count = connection.execute(select(comments.c.reaction_count).where(comments.c.id == comment_id)).scalar_one()
    publish_on_commit(connection, "reaction.changed", site_id=found.site_id, story_id=found.story_id,
                      payload={"comment_id": comment_id, "reaction_count": count})
    return {"comment_id": comment_id, "kind": kind, "reaction_count": count}


MAX_REACTIONS_PER_ADDRESS = 3  # a household or office may share an address; a script's identities do too
_REACTIONS_FROM_ADDRESS = select(func.count()).select_from(reactions).where(
    reactions.c.comment_id == bindparam("comment_id"), reactions.c.address_hash == bindparam("address_hash"))


def react(store: Store, viewer: Viewer, comment_id: int, kind: str, origin: WriteOrigin | None = None) -> dict:
    """Set the reader's reaction on a comment (replacing an earlier one of another kind). A new
    reaction from an address that already gave MAX_REACTIONS_PER_ADDRESS to this comment is refused."""
    if kind not in REACTION_KINDS:
        raise InvalidInput(f"must be one of {', '.join(REACTION_KINDS)}", field="kind")

    def set_reaction(connection) -> dict:
        found = _approved_comment(connection, comment_id)
        author_id = ensure_author(connection, viewer, browser_key=origin.browser_key if origin else None)
        address_hash = origin.address_hash if origin else None
        if address_hash is not None and find_reaction(connection, comment_id, author_id) is None:
            given = connection.execute(_REACTIONS_FROM_ADDRESS,
                                       {"comment_id": comment_id, "address_hash": address_hash}).scalar_one()
            if given >= MAX_REACTIONS_PER_ADDRESS:
                raise Conflict(f"{given} readers at this address already reacted to this comment", field="comment_id")
        added = insert_ignoring_duplicates(
            connection,
            reactions,
            {"comment_id": comment_id, "author_id": author_id, "kind": kind, "created_at": utcnow(),
             "address_hash": address_hash},
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
        return _counted(connection, comment_id, kind, found)

    return store.run_write(set_reaction)


def find_reaction(connection, comment_id: int, author_id: int) -> str | None:
    return connection.execute(select(reactions.c.kind).where(
        reactions.c.comment_id == comment_id, reactions.c.author_id == author_id)).scalar_one_or_none()


def unreact(store: Store, viewer: Viewer, comment_id: int) -> dict:
    """Take the reader's reaction back; doing it twice is harmless."""

    def remove_reaction(connection) -> dict:
        found = _approved_comment(connection, comment_id)
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
        return _counted(connection, comment_id, None, found)

    return store.run_write(remove_reaction)
