"""Reader reports: one per reader per comment, with a reason, for the moderators' queue."""

from __future__ import annotations

from sqlalchemy import select

from rostra.actions.errors import InvalidInput, NotFound
from rostra.actions.identity import Viewer, ensure_author
from rostra.store import Store
from rostra.store.queries import insert_ignoring_duplicates, utcnow
from rostra.store.tables import comments, reports
from rostra.vocabulary import REPORT_REASONS

MAX_NOTE_CHARS = 1000


def report(store: Store, viewer: Viewer, comment_id: int, reason: str, note: str | None) -> dict:
    """Record the reader's report; reporting the same comment again keeps the first report."""
    if reason not in REPORT_REASONS:
        raise InvalidInput(f"must be one of {', '.join(REPORT_REASONS)}", field="reason")
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"at most {MAX_NOTE_CHARS} characters", field="note")

    def record(connection) -> dict:
        status = connection.execute(
            select(comments.c.status).where(comments.c.id == comment_id)
        ).scalar_one_or_none()
        if status != "approved":
            raise NotFound(f"no comment {comment_id}", field="comment_id")
        author_id = ensure_author(connection, viewer)
        created = insert_ignoring_duplicates(
            connection,
            reports,
            {"comment_id": comment_id, "author_id": author_id, "reason": reason, "note": note,
             "created_at": utcnow()},
            keys=["comment_id", "author_id"],
        )
        row = connection.execute(
            select(reports.c.id, reports.c.reason).where(
                reports.c.comment_id == comment_id, reports.c.author_id == author_id
            )
        ).one()
        return {"id": row.id, "comment_id": comment_id, "reason": row.reason, "created": created}

    return store.run_write(record)
