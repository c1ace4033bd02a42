"""Comment routes: the threaded listing, post, read, edit, delete, react and report."""

from typing import Literal

from fastapi import APIRouter, Depends, Header, Query, Response

from rostra.actions import comments as comment_actions
from rostra.actions import idempotency
from rostra.actions import reactions as reaction_actions
from rostra.actions import reports as report_actions
from rostra.actions.identity import Viewer, WriteOrigin
from rostra.actions.screening import Screening, WriteSignals, burst_detected
from rostra.store.tables import MAX_ID
from rostra.vocabulary import MAX_DEPTH, MAX_REPLIES_PER_COMMENT
from rostra.api.deps import (
    Runtime,
    answer,
    guard_write,
    restore_session,
    runtime,
    set_session,
    viewer,
    write_origin,
)
from rostra.api.routing import JSONRoute
from rostra.api.schemas import (
    PROBLEM_RESPONSES,
    CommentId,
    StoryId,
    Comment,
    CommentEdit,
    CommentPage,
    CommentRequest,
    Preview,
    PreviewRequest,
    Reaction,
    ReactionRequest,
    Report,
    ReportRequest,
)

router = APIRouter(prefix="/api/v1", route_class=JSONRoute, tags=["comments"], responses=PROBLEM_RESPONSES)


@router.get("/stories/{story_id}/comments", response_model=CommentPage)
def list_comments(
    story_id: StoryId,
    response: Response,
    sort: Literal["newest", "oldest", "most_reacted"] = "newest",
    cursor: str | None = Query(None, max_length=500, description="next_cursor or replies_cursor of a listing"),
    parent_id: int | None = Query(
        None, ge=1, le=MAX_ID, description="list the replies of this comment instead of the top level"
    ),
    limit: int | None = Query(None, ge=1, description="comments per page (default and maximum are settings)"),
    replies: int = Query(3, ge=0, le=MAX_REPLIES_PER_COMMENT, description="replies nested under each comment"),
    depth: int = Query(2, ge=0, le=MAX_DEPTH, description="levels of nested replies"),
    reader: Viewer = Depends(viewer),
    runtime: Runtime = Depends(runtime),
):
    """A page of the story's approved comments, threaded; a cursor carries its own sort and parent."""
    settings = runtime.settings
    page = comment_actions.list_comments(
        runtime,
        reader,
        story_id,
        sort=sort,
        parent_id=parent_id,
        cursor=cursor,
        limit=min(limit or settings.page_size, settings.max_page_size),
        replies=replies,
        depth=depth,
    )
    return answer(CommentPage, page, response)


@router.post("/stories/{story_id}/comments", response_model=Comment, status_code=201)
def post_comment(
    story_id: StoryId,
    request: CommentRequest,
    response: Response,
    reader: Viewer = Depends(guard_write),
    origin: WriteOrigin = Depends(write_origin),
    runtime: Runtime = Depends(runtime),
    idempotency_key: str | None = Header(
        None, alias=idempotency.HEADER, description="a random key (a UUID) per comment: a retry with the same "
        "key within a day answers with the comment it created instead of posting it twice"),
):
    """Post a comment or a reply. Answered once committed; `status` says whether it is visible yet
    (approved) or waits for a moderator (pending)."""
    origin = origin.with_browser_key(request.browser_key)
    reader = restore_session(response, runtime, reader, request.browser_key)
    sanction = runtime.defences.sanctions.enforce(reader, origin, request.author_email)
    signals = WriteSignals(
        origin,
        honeypot=bool(request.hp),
        typing_ms=request.elapsed_ms,
        burst=burst_detected(runtime.limiter, origin, reader.rate_limit_key),
        sanction=sanction,
    )
    key = idempotency.checked_key(idempotency_key)
    if key is not None and reader.is_new:
        reader = idempotency.viewer_for_key(reader, key, runtime.signer.secret_key)
        set_session(response, runtime, reader)
    comment = comment_actions.post_comment(
        runtime,
        reader,
        story_id,
        request.body,
        parent_id=request.parent_id,
        author_name=request.author_name,
        author_email=request.author_email,
        screening=Screening(signals, runtime.defences),
        idempotency_key=key,
    )
    return answer(Comment, comment, response, status_code=201)


@router.post("/stories/{story_id}/comments/preview", response_model=Preview)
def preview_comment(
    story_id: StoryId,
    request: PreviewRequest,
    reader: Viewer = Depends(guard_write),
    runtime: Runtime = Depends(runtime),
):
    """The engine's decision on a text before it is posted, stored nowhere: when it would be held for
    toxicity, insult, threat or identity attack, `nudge` is true and the spans name the words."""
    return comment_actions.preview_comment(runtime, reader, story_id, request.body, parent_id=request.parent_id)


@router.get("/comments/{comment_id}", response_model=Comment)
def read_comment(
    comment_id: CommentId, reader: Viewer = Depends(viewer), runtime: Runtime = Depends(runtime)
):
    return comment_actions.read_comment(runtime, reader, comment_id)


@router.patch("/comments/{comment_id}", response_model=Comment)
def edit_comment(
    comment_id: CommentId, request: CommentEdit, reader: Viewer = Depends(guard_write),
    origin: WriteOrigin = Depends(write_origin), runtime: Runtime = Depends(runtime),
):
    """Edit your own comment within the edit window; it is moderated and screened again."""
    signals = WriteSignals(origin, sanction=runtime.defences.sanctions.enforce(reader, origin))
    return comment_actions.edit_comment(runtime, reader, comment_id, request.body,
                                        screening=Screening(signals, runtime.defences))


@router.delete("/comments/{comment_id}", status_code=204)
def delete_comment(
    comment_id: CommentId, reader: Viewer = Depends(guard_write), runtime: Runtime = Depends(runtime)
):
    """Delete your own comment; its replies stay readable under a placeholder."""
    comment_actions.delete_comment(runtime, reader, comment_id)


@router.put("/comments/{comment_id}/reaction", response_model=Reaction)
def react(
    comment_id: CommentId, request: ReactionRequest, reader: Viewer = Depends(guard_write),
    origin: WriteOrigin = Depends(write_origin), runtime: Runtime = Depends(runtime),
):
    """Set your reaction (one per reader per comment, a few per address)."""
    return reaction_actions.react(runtime.store, reader, comment_id, request.kind, origin=origin)


@router.delete("/comments/{comment_id}/reaction", response_model=Reaction)
def unreact(
    comment_id: CommentId, reader: Viewer = Depends(guard_write), runtime: Runtime = Depends(runtime)
):
    return reaction_actions.unreact(runtime.store, reader, comment_id)


@router.post("/comments/{comment_id}/reports", response_model=Report, status_code=201)
def report(
    comment_id: CommentId, request: ReportRequest, reader: Viewer = Depends(guard_write),
    origin: WriteOrigin = Depends(write_origin), runtime: Runtime = Depends(runtime),
):
    """Report a comment to the moderators, with a reason. Reports weigh by the reporter's trust and
    record; over the site's `report_hide_threshold` the comment is hidden until a moderator decides."""
    return report_actions.report(runtime, reader, comment_id, request.reason, request.note, origin=origin)
