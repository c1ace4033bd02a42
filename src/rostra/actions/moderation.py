"""Status changes of comments: the engine's verdicts and moderators' actions (approve, reject, feature,
restore, edit, in bulk, and undo), each written to the append-only moderation log in the same
transaction as the change itself, with who, what, when, why and the state before and after."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Connection, bindparam, insert, select, update

from rostra.actions.errors import DecisionFinal, InvalidInput, NotFound
from rostra.actions.sessions import SignedIn
from rostra.actions.sites import audit
from rostra.events import publish_on_commit
from rostra.moderation import CommentInput, Verdict
from rostra.render import render_comment
from rostra.store import Store
from rostra.store.queries import get_comment, get_story, utcnow
from rostra.store.tables import audit_log, authors, comments, moderation_log, reports
from rostra.vocabulary import AUTHOR_SUBJECT, DECISION_STATUS, FINAL_MODERATOR_STATUSES, MODERATOR_STATUSES

log = logging.getLogger("rostra.moderation")

ENGINE_ACTOR = "rostra-engine"
MAX_NOTE_CHARS = 1000
_LOG_ENTRY = insert(moderation_log)
_LOG_COLUMNS = tuple(column.name for column in moderation_log.columns if column.name != "id")


class ModerationEngine(Protocol):
    """What the server needs from `rostra.moderation.Engine`; tests may pass a stand-in."""

    def moderate(self, comment: CommentInput) -> Verdict: ...


def write_log(connection: Connection, actor: str, action: str, **fields) -> int:
    """Append one entry to the moderation log: who (`actor`, and `account_id` for staff), what
    (`action` on which comment), why (`note`, `reasons`) and the comment's state before and after.
    The table refuses UPDATE and DELETE, so entries are never rewritten."""
    values = {column: None for column in _LOG_COLUMNS}
    values.update(fields, actor=actor, action=action, created_at=utcnow())
    return connection.execute(_LOG_ENTRY.returning(moderation_log.c.id), values).scalar_one()


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
    """Log a status change made by the engine or an author (post, edit, delete)."""
    write_log(connection, actor, "status", comment_id=comment_id, from_status=from_status, to_status=to_status,
              reasons=reasons, model=model, note=note)


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
            "top_score": 1.0,
            "reason_attributes": " engine_error ",
        }
    summary = verdict.to_json()
    attributes = [reason["attribute"] for reason in summary["reasons"]]
    return {
        "status": DECISION_STATUS[verdict.decision],
        "moderation_scores": summary["scores"],
        "moderation_reasons": summary["reasons"],
        "moderation_model": verdict.model,
        "top_score": max(summary["scores"].values(), default=0.0),
        "reason_attributes": f" {' '.join(attributes)} " if attributes else None,
    }


STORY_PREMODERATION = {"attribute": "premoderation", "score": 1.0, "spans": [], "phase": "story"}


def held_if_premoderated(moderated: dict, premoderated: bool) -> dict:
    """A comment the engine approved waits for a moderator all the same under a story a moderator
    put under pre-moderation (a heated story, a court case)."""
    if not premoderated or moderated["status"] != "approved":
        return moderated
    reasons = [*(moderated["moderation_reasons"] or []), STORY_PREMODERATION]
    attributes = (moderated["reason_attributes"] or " ") + "premoderation "
    return {**moderated, "status": "pending", "moderation_reasons": reasons, "reason_attributes": attributes}


# What each moderator action changes on a comment; `None` marks the value the action supplies
# (edit: the new text). Featuring approves the comment too: a featured comment must be visible.
COMMENT_ACTIONS = {
    "approve": {"status": "approved"},
    "reject": {"status": "rejected"},
    "withhold": {"status": "withheld"},
    "restore": {"status": "pending"},  # back to the Pending queue, undecided
    "feature": {"status": "approved", "featured": True},
    "unfeature": {"featured": False},
    "edit": {"body_markdown": None},
}
# Decisions settle the comment's open reports; undoing the decision opens them again.
SETTLING_ACTIONS = ("approve", "reject", "withhold", "feature")
MAX_BULK = 200
MAX_UNDO_LOOKBACK = 500
UNDO_ACTION = "undo"
_STATUS_OF = {"approved": "approve", "rejected": "reject", "withheld": "withhold", "pending": "restore"}


@dataclass(frozen=True)
class Outcome:
    """What happened to one comment of a (bulk) action."""

    comment_id: int
    done: bool
    status: str | None = None
    featured: bool | None = None
    detail: str | None = None

    def to_json(self) -> dict:
        return {"comment_id": self.comment_id, "done": self.done, "status": self.status,
                "featured": self.featured, "detail": self.detail}


_COMMENT_STATE = select(
    comments.c.id, comments.c.status, comments.c.featured, comments.c.body_markdown, comments.c.story_id,
    comments.c.author_id,
).where(comments.c.id == bindparam("comment_id"))
_OPEN_REPORTS = select(reports.c.id).where(
    reports.c.comment_id == bindparam("comment_id"), reports.c.outcome.is_(None)
).order_by(reports.c.id)
# A decision settles the comment's open reports: removing it upholds them, approving it dismisses
# them (reporters' later reports weigh by this record, see rostra.actions.trust).
REPORT_OUTCOMES = {"approved": "dismissed", "rejected": "upheld", "withheld": "upheld"}


def settle_reports(connection: Connection, comment_id: int, status: str) -> list[int]:
    """Settle the comment's open reports as the decision `status` says; the ids settled (undo opens
    them again)."""
    outcome = REPORT_OUTCOMES.get(status)
    if outcome is None:
        return []
    settled = list(connection.execute(_OPEN_REPORTS, {"comment_id": comment_id}).scalars())
    if settled:
        connection.execute(update(reports).where(reports.c.id.in_(settled)).values(outcome=outcome))
    return settled


def _apply(connection: Connection, staff: SignedIn, comment_id: int, action: str, changes: dict,
           note: str | None, batch: str, undoes: str | None = None) -> Outcome:
    """Change one comment as `changes` says, logged with the state before and after."""
    row = connection.execute(_COMMENT_STATE, {"comment_id": comment_id}).first()
    if row is None or row.status == "deleted":
        return Outcome(comment_id, False, detail=f"no comment {comment_id}")
    changes = dict(changes)
    reopen = changes.pop("reopen_reports", None)
    before = {field: getattr(row, field) for field in changes}
    after = dict(changes)
    values = dict(changes)
    if "body_markdown" in changes:
        values["body_html"] = render_comment(changes["body_markdown"])
    if reopen:
        connection.execute(update(reports).where(reports.c.id.in_(reopen)).values(outcome=None))
    if action in SETTLING_ACTIONS:
        settled = settle_reports(connection, comment_id, changes.get("status", row.status))
        if settled:
            after["settled_reports"] = settled
    if values:
        connection.execute(update(comments).where(comments.c.id == comment_id).values(**values))
    status_after = changes.get("status", row.status)
    if status_after != row.status or "featured" in changes:
        publish_status_change(connection, comment_id, row.status)
    elif "body_markdown" in changes:
        publish_edit(connection, comment_id, row.status)
    write_log(
        connection, staff.actor, action, comment_id=comment_id, account_id=staff.account_id, from_status=row.status, to_status=status_after, note=note,
        before=before, after={**after, "batch": batch, **({"undoes": undoes} if undoes else {})},
    )
    return Outcome(comment_id, True, status_after, changes.get("featured", row.featured))


def _check_note(note: str | None, field: str = "reason") -> str | None:
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"at most {MAX_NOTE_CHARS} characters", field=field)
    return note


def moderate(store: Store, staff: SignedIn, action: str, comment_ids: list[int], reason: str | None = None,
             text: str | None = None, max_comment_chars: int | None = None) -> list[Outcome]:
    """One moderator action on one or more comments (bulk), in one transaction; comments that are
    gone are reported as not done, the rest go ahead. `reason` is logged (a rejection's why);
    `text` is the new body of an edit, which keeps the old text in the log."""
    if action not in COMMENT_ACTIONS:
        raise InvalidInput(f"must be one of {', '.join(COMMENT_ACTIONS)}", field="action")
    if not comment_ids or len(comment_ids) > MAX_BULK:
        raise InvalidInput(f"1 to {MAX_BULK} comments", field="comment_ids")
    note = _check_note(reason)
    changes = dict(COMMENT_ACTIONS[action])
    if action == "edit":
        text = (text or "").strip()
        if not text:
            raise InvalidInput("the new text is empty", field="text")
        if max_comment_chars is not None and len(text) > max_comment_chars:
            raise InvalidInput(f"at most {max_comment_chars} characters", field="text")
        if len(comment_ids) != 1:
            raise InvalidInput("edit one comment at a time", field="comment_ids")
        changes["body_markdown"] = text
    batch = uuid.uuid4().hex
    with store.write() as connection:
        outcomes = [_apply(connection, staff, comment_id, action, changes, note, batch)
                    for comment_id in dict.fromkeys(comment_ids)]
    return outcomes


def set_status(store: Store, comment_id: int, status: str, staff: SignedIn, note: str | None = None) -> str:
    """A moderator's decision given as the status to set; returns the previous status."""
    if status not in MODERATOR_STATUSES:
        raise InvalidInput(f"must be one of {', '.join(MODERATOR_STATUSES)}", field="status")
    with store.read() as connection:
        previous = connection.execute(_COMMENT_STATE, {"comment_id": comment_id}).first()
    if previous is None or previous.status == "deleted":
        raise NotFound(f"no comment {comment_id}", field="comment_id")
    moderate(store, staff, _STATUS_OF[status], [comment_id], reason=note)
    return previous.status


def undo_last(store: Store, staff: SignedIn) -> list[Outcome]:
    """Reverse this moderator's latest action not yet undone (all comments of a bulk action): each
    comment gets back the values it had before, unless someone changed it since. Notes are kept."""
    with store.write() as connection:
        entries = list(connection.execute(
            select(moderation_log.c.id, moderation_log.c.action, moderation_log.c.comment_id,
                   moderation_log.c.before, moderation_log.c.after)
            .where(moderation_log.c.account_id == staff.account_id, moderation_log.c.comment_id.is_not(None))
            .order_by(moderation_log.c.id.desc())
            .limit(MAX_UNDO_LOOKBACK)
        ))
        undone = {(entry.after or {}).get("undoes") for entry in entries if entry.action == UNDO_ACTION}
        target = next((entry for entry in entries if entry.action != UNDO_ACTION
                       and (entry.after or {}).get("batch") not in undone), None)
        if target is None:
            raise NotFound("nothing to undo", field=None)
        batch = target.after["batch"]
        new_batch = uuid.uuid4().hex
        outcomes = []
        for entry in reversed([entry for entry in entries if (entry.after or {}).get("batch") == batch]):
            current = connection.execute(_COMMENT_STATE, {"comment_id": entry.comment_id}).first()
            after = {field: value for field, value in entry.after.items() if field in _UNDOABLE_FIELDS}
            if current is None or any(getattr(current, field) != value for field, value in after.items()):
                outcomes.append(Outcome(entry.comment_id, False, detail="changed since; left as it is"))
                continue
            changes = dict(entry.before)
            changes["reopen_reports"] = entry.after.get("settled_reports", [])
            outcomes.append(_apply(connection, staff, entry.comment_id, UNDO_ACTION, changes,
                                   f"undo of {entry.action}", new_batch, undoes=batch))
    return outcomes


_UNDOABLE_FIELDS = ("status", "featured", "body_markdown")
AUTHOR_NOTE_ACTION = "author.note"


def add_author_note(store: Store, staff: SignedIn, author_id: int, body: str) -> int:
    """A moderator's note on an author, shown in their drawer to every moderator. Notes are entries
    of the append-only audit log (subject "author"), so they are logged by being written."""
    body = (body or "").strip()
    if not body or len(body) > MAX_NOTE_CHARS:
        raise InvalidInput(f"1 to {MAX_NOTE_CHARS} characters", field="body")
    with store.write() as connection:
        if connection.execute(select(authors.c.id).where(authors.c.id == author_id)).first() is None:
            raise NotFound(f"no author {author_id}", field="author_id")
        return audit(connection, actor=staff.actor, action=AUTHOR_NOTE_ACTION, subject_type=AUTHOR_SUBJECT,
                     subject_id=author_id, note=body)


def publish_edit(connection: Connection, comment_id: int, previous: str) -> None:
    """Announce a moderator's edit after commit, as an author's edit is announced."""
    from rostra.actions.comments import comment_json

    row = get_comment(connection, comment_id)
    publish_on_commit(connection, "comment.edited", site_id=get_story(connection, row.story_id).site_id,
                      story_id=row.story_id,
                      payload={"comment": comment_json(row, None, 0), "previous_status": previous})


def publish_status_change(connection: Connection, comment_id: int, previous: str) -> None:
    """Announce a comment's new status after commit, with the comment as readers would see it (so a
    page can add a newly approved comment or take away a rejected one)."""
    from rostra.actions.comments import comment_json

    row = get_comment(connection, comment_id)
    publish_on_commit(connection, "comment.status", site_id=get_story(connection, row.story_id).site_id,
                      story_id=row.story_id,
                      payload={"comment": comment_json(row, None, 0), "previous_status": previous})


LOG_PAGE = 50
LOG_FILTERS = ("actor", "action", "comment_id", "author_id", "story_id")


def _newest_first(store: Store, query, table, limit: int) -> dict:
    """A page of log entries newest first, and the id to page on from (None on the last page)."""
    with store.read() as connection:
        rows = list(connection.execute(query.order_by(table.c.id.desc()).limit(limit + 1)))
    entries = [dict(row._mapping) for row in rows[:limit]]
    return {"entries": entries, "next_before": entries[-1]["id"] if len(rows) > limit else None}


def browse_log(store: Store, filters: dict, before_id: int | None = None, limit: int = LOG_PAGE) -> dict:
    """The moderation log newest first, filtered by any of LOG_FILTERS (actor matches a prefix:
    "moderator:" or "moderator:ada"; author and story are the comment's); `next_before` pages on."""
    query = select(moderation_log).join_from(moderation_log, comments, moderation_log.c.comment_id == comments.c.id)
    for name, value in filters.items():
        if value in (None, ""):
            continue
        if name not in LOG_FILTERS:
            raise InvalidInput(f"filter by one of {', '.join(LOG_FILTERS)}", field=name)
        if name == "actor":
            query = query.where(moderation_log.c.actor.startswith(value, autoescape=True))
        elif name in ("author_id", "story_id"):
            query = query.where(comments.c[name] == value)
        else:
            query = query.where(moderation_log.c[name] == value)
    if before_id is not None:
        query = query.where(moderation_log.c.id < before_id)
    return _newest_first(store, query, moderation_log, limit)


def browse_audit(store: Store, action: str | None = None, before_id: int | None = None,
                 limit: int = LOG_PAGE) -> dict:
    """The audit log (site settings, notes on authors, sanctions) newest first, by action prefix."""
    query = select(audit_log)
    if action:
        query = query.where(audit_log.c.action.startswith(action, autoescape=True))
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    return _newest_first(store, query, audit_log, limit)


def moderation_history(store: Store, comment_id: int) -> list[dict]:
    """Every status change of a comment, oldest first."""
    with store.read() as connection:
        rows = connection.execute(
            select(moderation_log).where(moderation_log.c.comment_id == comment_id).order_by(moderation_log.c.id)
        )
        return [dict(row._mapping) for row in rows]
