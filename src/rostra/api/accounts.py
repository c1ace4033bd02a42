"""Account and session routes: sign up, sign in, who am I, sign out; and the moderators' actions."""

from fastapi import APIRouter, Depends, Response

from rostra.actions import accounts as account_actions
from rostra.actions import moderation as moderation_actions
from rostra.actions import sso as sso_actions
from rostra.actions.errors import NotFound
from rostra.actions.identity import Viewer, WriteOrigin
from rostra.api.deps import (
    SESSION_COOKIE,
    Runtime,
    guard_write,
    moderator,
    runtime,
    set_session,
    viewer,
    write_origin,
)
from rostra.api.routing import JSONRoute
from rostra.api.schemas import (
    PROBLEM_RESPONSES,
    AccountRequest,
    CommentId,
    LogEntry,
    ModerationRequest,
    Session,
    SignInRequest,
    SingleSignOnRequest,
)

router = APIRouter(prefix="/api/v1", route_class=JSONRoute, tags=["accounts"], responses=PROBLEM_RESPONSES)


def _session(runtime: Runtime, reader: Viewer) -> dict:
    account = account_actions.account_summary(runtime.store, reader.account_id) if reader.account_id else None
    return {"account": account}


@router.post("/accounts", response_model=Session, status_code=201)
def sign_up(request: AccountRequest, response: Response, reader: Viewer = Depends(guard_write),
            origin: WriteOrigin = Depends(write_origin), runtime: Runtime = Depends(runtime)):
    """Register a reader account (argon2-hashed password) and sign in."""
    runtime.defences.sanctions.enforce(reader, origin, request.email)
    account_id = account_actions.register(
        runtime.store, request.username, request.password, request.display_name or request.username, request.email
    )
    signed_in = Viewer(guest_key=reader.guest_key, account_id=account_id)
    set_session(response, runtime, signed_in)
    return _session(runtime, signed_in)


@router.post("/session", response_model=Session)
def sign_in(request: SignInRequest, response: Response, reader: Viewer = Depends(guard_write),
            runtime: Runtime = Depends(runtime)):
    account_id = account_actions.sign_in(runtime.store, request.username, request.password)
    signed_in = Viewer(guest_key=reader.guest_key, account_id=account_id)
    runtime.defences.sanctions.enforce(signed_in)
    set_session(response, runtime, signed_in)
    return _session(runtime, signed_in)


@router.post("/sso", response_model=Session)
def sign_in_with_site(request: SingleSignOnRequest, response: Response, reader: Viewer = Depends(guard_write),
                      runtime: Runtime = Depends(runtime)):
    """Sign in with the site's own login: a JWT (HS256) the site signed with its `sso_secret`, naming
    the reader (`sub`, `name`, optional `email`, `exp`). Forged or expired tokens answer 401."""
    signed_in = sso_actions.sign_in_with_site_token(runtime, reader, request.story_id, request.token)
    set_session(response, runtime, signed_in)
    return _session(runtime, signed_in)


@router.get("/session", response_model=Session)
def who_am_i(reader: Viewer = Depends(viewer), runtime: Runtime = Depends(runtime)):
    return _session(runtime, reader)


@router.delete("/session", status_code=204)
def sign_out(response: Response):
    response.delete_cookie(SESSION_COOKIE)


@router.post("/comments/{comment_id}/moderation", response_model=list[LogEntry], tags=["moderation"])
def moderate(comment_id: CommentId, request: ModerationRequest, reader: Viewer = Depends(moderator),
             runtime: Runtime = Depends(runtime)):
    """Set a comment's status (moderators); answers the comment's whole moderation log."""
    account = account_actions.account_summary(runtime.store, reader.account_id)
    moderation_actions.set_status(
        runtime.store, comment_id, request.status, f"moderator:{account['username']}", request.note
    )
    return moderation_actions.moderation_history(runtime.store, comment_id)


@router.get("/comments/{comment_id}/moderation", response_model=list[LogEntry], tags=["moderation"],
            dependencies=[Depends(moderator)])
def moderation_log(comment_id: CommentId, runtime: Runtime = Depends(runtime)):
    """Every status change of a comment with who, when and why (moderators)."""
    history = moderation_actions.moderation_history(runtime.store, comment_id)
    if not history:
        raise NotFound(f"no comment {comment_id}", field="comment_id")
    return history
