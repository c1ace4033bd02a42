"""What a reader's open page may learn, live, of the events the domain actions publish after commit.

Every comment event carries the comment's public form whatever its status; a reader's page is told
only of approved comments (new, edited, approved by a moderator), of comments it may be showing that
are no longer approved (so it removes them), of deletions and of reaction counts. Held comments stay
with their author's own page, which has them from the post's answer."""

from __future__ import annotations

from rostra.events import Event

READER_EVENTS = ("comment.created", "comment.edited", "comment.deleted", "comment.status", "reaction.changed")


def reader_message(event: Event) -> dict | None:
    """The payload to send a story's readers for `event`, or None when they must not see it."""
    if event.kind not in READER_EVENTS:
        return None
    payload = event.payload
    if event.kind == "reaction.changed":
        return {"comment_id": payload["comment_id"], "reaction_count": payload["reaction_count"]}
    if event.kind == "comment.deleted":
        return {"comment_id": payload["comment_id"]} if payload.get("previous_status") == "approved" else None
    comment = payload["comment"]
    if comment["status"] == "approved":
        return comment
    if payload.get("previous_status") == "approved":
        return {"id": comment["id"], "status": comment["status"]}
    return None
