"""Reader reports: one per reader per comment, with a reason, for the moderators' queue.

Each report weighs what its reporter has earned (trust level, and how often moderators upheld their
earlier reports); once the weighted reports on a comment reach the site's threshold, the comment is
hidden pending review. Reports from one address count once, at the weight of the heaviest, so one
reader's many identities do not add up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import String, cast, func, select, update

from rostra.actions.errors import InvalidInput, NotFound
from rostra.actions.identity import Viewer, WriteOrigin, ensure_author
from rostra.actions.moderation import log_status, publish_status_change
from rostra.actions.trust import report_weight, standing_of
from rostra.events import publish_on_commit
from rostra.store.queries import insert_ignoring_duplicates, utcnow
from rostra.store.tables import comments, reports, stories
from rostra.vocabulary import REPORT_REASONS

if TYPE_CHECKING:
    from rostra.runtime import Runtime

MAX_NOTE_CHARS = 1000
REPORTS_ACTOR = "rostra-reports"


def weighted_reports(connection, comment_id: int) -> float:
    """The open reports' weight on a comment: per reporting address (or author, once the address is
    forgotten) the heaviest report counts."""
    reporter = func.coalesce(reports.c.reporter_address, cast(reports.c.author_id, String))
    per_reader = (
        select(func.max(func.coalesce(reports.c.weight, 1.0)).label("weight"))
        .where(reports.c.comment_id == comment_id, reports.c.outcome.is_(None))
        .group_by(reporter)
        .subquery()
    )
    return float(connection.execute(select(func.coalesce(func.sum(per_reader.c.weight), 0.0))).scalar_one())


def report(
    runtime: Runtime, viewer: Viewer, comment_id: int, reason: str, note: str | None,
    origin: WriteOrigin | None = None,
) -> dict:
    """Record the reader's report; reporting the same comment again keeps the first report. Over
    the site's `report_hide_threshold` of weighted reports, the comment is hidden (pending) for a
    moderator."""
    if reason not in REPORT_REASONS:
        raise InvalidInput(f"must be one of {', '.join(REPORT_REASONS)}", field="reason")
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"at most {MAX_NOTE_CHARS} characters", field="note")

    sanctioned = runtime.defences.sanctions.strongest(viewer, origin) is not None

    def record(connection) -> dict:
        target = connection.execute(
            select(comments.c.status, stories.c.site_id, stories.c.id.label("story_id"))
            .join_from(comments, stories, comments.c.story_id == stories.c.id)
            .where(comments.c.id == comment_id)
        ).first()
        if target is None or target.status != "approved":
            raise NotFound(f"no comment {comment_id}", field="comment_id")
        author_id = ensure_author(connection, viewer, browser_key=origin.browser_key if origin else None)
        weight = report_weight(standing_of(connection, author_id), sanctioned)
        created = insert_ignoring_duplicates(
            connection,
            reports,
            {"comment_id": comment_id, "author_id": author_id, "reason": reason, "note": note,
             "created_at": utcnow(), "reporter_address": origin.address_hash if origin else None,
             "weight": weight},
            keys=["comment_id", "author_id"],
        )
        if created:  # the moderators' Reported queue shows it live; readers are never told who reported
            publish_on_commit(connection, "report.created", site_id=target.site_id, story_id=target.story_id,
                              payload={"comment_id": comment_id, "reason": reason})
            hide_threshold = runtime.site(target.site_id).report_hide_threshold
            total = weighted_reports(connection, comment_id)
            if total >= hide_threshold:
                connection.execute(update(comments).where(comments.c.id == comment_id).values(status="pending"))
                log_status(connection, comment_id, REPORTS_ACTOR, "approved", "pending",
                           note=f"hidden pending review: weighted reports {total:.2f} reached {hide_threshold:g}")
                publish_status_change(connection, comment_id, "approved")
        row = connection.execute(
            select(reports.c.id, reports.c.reason).where(
                reports.c.comment_id == comment_id, reports.c.author_id == author_id
            )
        ).one()
        return {"id": row.id, "comment_id": comment_id, "reason": row.reason, "created": created}

    return runtime.store.run_write(record)
