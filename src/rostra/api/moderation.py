"""Moderator routes: the queues, one comment in any state, actions (bulk and undo), author drawers and
notes, the moderation log, the engine's test box, and ending an account's sessions (admins).

Every route needs a moderator (or admin) signed in by session cookie or by `Authorization: Bearer`
token; cookie-authenticated changes also need the session's `X-CSRF-Token`.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Response

from rostra.actions import accounts as account_actions
from rostra.actions import moderation as moderation_actions
from rostra.actions import queue as queue_actions
from rostra.actions import sites as sites_actions
from rostra.actions.errors import NotFound
from rostra.actions.identity import Viewer
from rostra.api.deps import Runtime, admin, answer, moderator, runtime
from rostra.api.routing import JSONRoute
from rostra.moderation import CommentInput, StoryContext
from rostra.api.schemas import (
    PROBLEM_RESPONSES,
    ActionOutcome,
    ActionRequest,
    AuthorNoteRequest,
    CommentId,
    LogEntry,
    LogPage,
    ModerationRequest,
    QueuePage,
    RowId,
    TestRequest,
)
from rostra.store.tables import MAX_ID

router = APIRouter(prefix="/api/v1", route_class=JSONRoute, tags=["moderation"], responses=PROBLEM_RESPONSES)
QueueName = Literal["pending", "reported", "approved", "rejected", "all"]
QueueSort = Literal["newest", "oldest", "highest_score"]


@router.get("/moderation/queue", response_model=QueuePage)
def queue(
    response: Response,
    queue: QueueName = "pending",
    sort: QueueSort = "newest",
    story_id: int | None = Query(None, ge=1, le=MAX_ID),
    attribute: str | None = Query(None, max_length=40, description="an attribute or rule: insult, banned_word, ..."),
    author_id: int | None = Query(None, ge=1, le=MAX_ID),
    q: str | None = Query(None, max_length=queue_actions.MAX_SEARCH_CHARS,
                          description="text search: 3 characters or more anywhere in the comment, any case"),
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(queue_actions.DEFAULT_PAGE, ge=1, le=queue_actions.MAX_PAGE),
    counts: bool | None = Query(None, description="include the count of every queue (up to 1000, then capped); "
                                "by default on the first page only"),
    disagreements: bool = Query(False, description="only imported comments the engine would have decided otherwise"),
    reader: Viewer = Depends(moderator),
    runtime: Runtime = Depends(runtime),
):
    """A page of a moderation queue with each comment's text, rendered HTML, scores, reasons with
    spans and their words, the phase and rule that acted, story, parent, reports and author history."""
    page = queue_actions.list_queue(runtime.store, queue, sort, story_id, attribute, author_id, q, cursor, limit,
                                    with_counts=counts if counts is not None else cursor is None,
                                    disagreements=disagreements)
    return answer(QueuePage, page, response)


@router.get("/moderation/comments/{comment_id}", dependencies=[Depends(moderator)])
def held_comment(comment_id: CommentId, runtime: Runtime = Depends(runtime)) -> dict:
    """One comment in any state, as a queue item (moderators)."""
    return queue_actions.read_for_moderator(runtime.store, comment_id)


@router.post("/moderation/actions", response_model=list[ActionOutcome])
def act(request: ActionRequest, reader: Viewer = Depends(moderator), runtime: Runtime = Depends(runtime)):
    """Approve, reject (with a reason), withhold, restore to Pending, feature, unfeature or edit one
    or many comments; every change lands in the moderation log."""
    outcomes = moderation_actions.moderate(
        runtime.store, reader.signed_in, request.action, request.comment_ids, request.reason, request.text,
        max_comment_chars=runtime.settings.max_comment_chars,
    )
    return [outcome.to_json() for outcome in outcomes]


@router.post("/moderation/undo", response_model=list[ActionOutcome])
def undo(reader: Viewer = Depends(moderator), runtime: Runtime = Depends(runtime)):
    """Undo your latest action (every comment of a bulk action) not undone yet."""
    return [outcome.to_json() for outcome in moderation_actions.undo_last(runtime.store, reader.signed_in)]


@router.get("/moderation/authors/{author_id}/profile", dependencies=[Depends(moderator)])
def author(author_id: RowId, cursor: str | None = Query(None, max_length=200),
           runtime: Runtime = Depends(runtime)) -> dict:
    """An author's history, moderators' notes and comments (newest first, paged)."""
    return queue_actions.author_profile(runtime.store, author_id, cursor)


@router.post("/moderation/authors/{author_id}/notes", status_code=201)
def note(author_id: RowId, request: AuthorNoteRequest, reader: Viewer = Depends(moderator),
         runtime: Runtime = Depends(runtime)) -> dict:
    """Add a note on an author for the other moderators."""
    return {"id": moderation_actions.add_author_note(runtime.store, reader.signed_in, author_id, request.body)}


@router.get("/moderation/log", response_model=LogPage, dependencies=[Depends(moderator)])
def log(
    actor: str | None = Query(None, max_length=200, description="e.g. moderator:ada, or rostra-engine"),
    action: str | None = Query(None, max_length=32),
    comment_id: int | None = Query(None, ge=1, le=MAX_ID),
    author_id: int | None = Query(None, ge=1, le=MAX_ID),
    story_id: int | None = Query(None, ge=1, le=MAX_ID),
    before: int | None = Query(None, ge=1, le=MAX_ID, description="next_before of the previous page"),
    runtime: Runtime = Depends(runtime),
):
    """The append-only moderation log, newest first: who, what, when, why, before and after."""
    filters = {"actor": actor, "action": action, "comment_id": comment_id, "author_id": author_id,
               "story_id": story_id}
    return moderation_actions.browse_log(runtime.store, filters, before)


@router.post("/moderation/test", dependencies=[Depends(moderator)])
def test_comment(request: TestRequest, runtime: Runtime = Depends(runtime)) -> dict:
    """What the engine decides for any text under a site's policy (the first site's by default), with
    scores and the characters responsible."""
    site_id = request.site_id or sites_actions.list_sites(runtime.store)[0]["id"]
    story = StoryContext(request.story_title or "", request.story_text or "") if request.story_title else None
    verdict = runtime.engine_for(site_id).moderate(CommentInput(request.text, story=story)).to_json()
    return {**verdict, "reasons": queue_actions.explain(request.text, verdict["reasons"]),
            "highlighted": queue_actions.highlight(request.text, verdict["reasons"])}


@router.delete("/admin/accounts/{account_id}/sessions", dependencies=[Depends(admin)])
def sign_out_everywhere(account_id: RowId, runtime: Runtime = Depends(runtime)) -> dict:
    """End every session of an account (admins): lost laptop, departing moderator."""
    if account_actions.account_summary(runtime.store, account_id) is None:
        raise NotFound(f"no account {account_id}", field="account_id")
    return {"ended": account_actions.sign_out_everywhere(runtime.store, account_id)}


@router.post("/comments/{comment_id}/moderation", response_model=list[LogEntry])
def moderate(comment_id: CommentId, request: ModerationRequest, reader: Viewer = Depends(moderator),
             runtime: Runtime = Depends(runtime)):
    """Set a comment's status (moderators); answers the comment's whole moderation log."""
    moderation_actions.set_status(runtime.store, comment_id, request.status, reader.signed_in, request.note)
    return moderation_actions.moderation_history(runtime.store, comment_id)


@router.get("/comments/{comment_id}/moderation", response_model=list[LogEntry], dependencies=[Depends(moderator)])
def moderation_log(comment_id: CommentId, runtime: Runtime = Depends(runtime)):
    """Every status change of a comment with who, when and why (moderators)."""
    history = moderation_actions.moderation_history(runtime.store, comment_id)
    if not history:
        raise NotFound(f"no comment {comment_id}", field="comment_id")
    return history
