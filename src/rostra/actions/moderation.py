"""Status changes of comments: the engine's verdicts and moderators' decisions, each written to the
append-only moderation log in the same transaction as the change itself."""

from __future__ import annotations

import logging
from typing import Protocol

from sqlalchemy import Connection, bindparam, insert, select, update

from rostra.actions.errors import DecisionFinal, InvalidInput, NotFound
from rostra.events import publish_on_commit
from rostra.moderation import CommentInput, Verdict
from rostra.store import Store
from rostra.store.queries import get_comment, get_story, utcnow
from rostra.store.tables import comments, moderation_log, reports
from rostra.vocabulary import DECISION_STATUS, FINAL_MODERATOR_STATUSES, MODERATOR_STATUSES

log = logging.getLogger("rostra.moderation")

ENGINE_ACTOR = "rostra-engine"
MAX_NOTE_CHARS = 1000
_LOG_ENTRY = insert(moderation_log)


class ModerationEngine(Protocol):
    """What the server needs from `rostra.moderation.Engine`; tests may pass a stand-in."""

    def moderate(self, comment: CommentInput) -> Verdict: ...


def log_status(
    connection: Connection,
    comment_id: int,
    actor: str,
    from_status: str | None,
    to_status: str,
    reasons: list | None = None,
    model: str | None = None,
    note: str | None = None,
) -> None:
    connection.execute(
        _LOG_ENTRY,
        {
            "comment_id": comment_id,
            "actor": actor,
            "from_status": from_status,
            "to_status": to_status,
            "reasons": reasons,
            "model": model,
            "note": note,
            "created_at": utcnow(),
        },
    )


_LATEST_ACTOR = (
    select(moderation_log.c.actor)
    .where(moderation_log.c.comment_id == bindparam("comment_id"))
    .order_by(moderation_log.c.id.desc())
    .limit(1)
)


def check_author_may_edit(connection: Connection, comment_id: int, status: str) -> None:
    """Refuse an author's edit that would overturn a decision: a rejected or withheld comment stays
    so, and so does one a moderator (not the engine) put on hold. An engine hold may still be fixed
    by the author, and any comment may still be deleted by its author."""
    if status in FINAL_MODERATOR_STATUSES:
        raise DecisionFinal(f"this comment was {status}; it can no longer be edited", field="comment_id")
    if status == "pending" and connection.execute(_LATEST_ACTOR, {"comment_id": comment_id}).scalar() != ENGINE_ACTOR:
        raise DecisionFinal("a moderator is reviewing this comment; it can no longer be edited", field="comment_id")


def moderated_columns(engine: ModerationEngine, comment: CommentInput) -> dict:
    """What a comment row keeps of the engine's verdict, so a moderator can later see why.

    An engine failure must not lose the reader's comment or answer 500: the comment is held for a
    moderator with the reason `engine_error`, and the error is logged without the comment's text.
    """
    try:
        verdict = engine.moderate(comment)
    except Exception as error:
        log.error("moderation engine failed (%s); comment held for a moderator", type(error).__name__)
        return {
            "status": "pending",
            "moderation_scores": {},
            "moderation_reasons": [{"attribute": "engine_error", "score": 1.0, "spans": [], "phase": "engine"}],
            "moderation_model": None,
        }
    summary = verdict.to_json()
    return {
        "status": DECISION_STATUS[verdict.decision],
        "moderation_scores": summary["scores"],
        "moderation_reasons": summary["reasons"],
        "moderation_model": verdict.model,
    }


def set_status(store: Store, comment_id: int, status: str, actor: str, note: str | None = None) -> str:
    """A moderator's decision on a comment; returns the previous status."""
    if status not in MODERATOR_STATUSES:
        raise InvalidInput(f"must be one of {', '.join(MODERATOR_STATUSES)}", field="status")
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"at most {MAX_NOTE_CHARS} characters", field="note")
    with store.write() as connection:
        previous = connection.execute(
            select(comments.c.status).where(comments.c.id == comment_id)
        ).scalar_one_or_none()
        if previous is None or previous == "deleted":
            raise NotFound(f"no comment {comment_id}", field="comment_id")
        connection.execute(update(comments).where(comments.c.id == comment_id).values(status=status))
        log_status(connection, comment_id, actor, previous, status, note=note)
        settle_reports(connection, comment_id, status)
        publish_status_change(connection, comment_id, previous)
    return previous


REPORT_OUTCOMES = {"approved": "dismissed", "rejected": "upheld", "withheld": "upheld"}


def settle_reports(connection: Connection, comment_id: int, status: str) -> None:
    """A moderator's decision settles the open reports on the comment: removing it upholds them,
    approving it dismisses them. Reporters' later reports weigh by this record."""
    outcome = REPORT_OUTCOMES.get(status)
    if outcome is not None:
        connection.execute(update(reports).where(reports.c.comment_id == comment_id, reports.c.outcome.is_(None))
                           .values(outcome=outcome))


def publish_status_change(connection: Connection, comment_id: int, previous: str) -> None:
    """Announce a comment's new status after commit, with the comment as readers would see it (so a
    page can add a newly approved comment or take away a rejected one)."""
    from rostra.actions.comments import comment_json

    row = get_comment(connection, comment_id)
    publish_on_commit(connection, "comment.status", site_id=get_story(connection, row.story_id).site_id,
                      story_id=row.story_id,
                      payload={"comment": comment_json(row, None, 0), "previous_status": previous})


def moderation_history(store: Store, comment_id: int) -> list[dict]:
    """Every status change of a comment, oldest first."""
    with store.read() as connection:
        rows = connection.execute(
            select(moderation_log).where(moderation_log.c.comment_id == comment_id).order_by(moderation_log.c.id)
        )
        return [dict(row._mapping) for row in rows]
