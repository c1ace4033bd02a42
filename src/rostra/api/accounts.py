"""Account and session routes: sign up, sign in (rate-limited), who am I, sign out, change password."""

from fastapi import APIRouter, Depends, Request, Response

from rostra.actions import accounts as account_actions
from rostra.actions import sessions as session_actions
from rostra.actions import sso as sso_actions
from rostra.actions.errors import NotSignedIn
from rostra.actions.identity import Viewer, WriteOrigin
from rostra.api.deps import (
    Runtime,
    guard_write,
    login_allowed,
    request_address,
    runtime,
    set_session,
    viewer,
    write_origin,
)
from rostra.api.routing import JSONRoute
from rostra.api.schemas import (
    PROBLEM_RESPONSES,
    AccountRequest,
    PasswordChange,
    Session,
    SignInRequest,
    SingleSignOnRequest,
)

router = APIRouter(prefix="/api/v1", route_class=JSONRoute, tags=["accounts"], responses=PROBLEM_RESPONSES)


def _session(signed_in: session_actions.SignedIn | None) -> dict:
    if signed_in is None:
        return {"account": None, "csrf_token": None}
    account = {"id": signed_in.account_id, "username": signed_in.username,
               "display_name": signed_in.display_name, "role": signed_in.role}
    return {"account": account, "csrf_token": signed_in.csrf_token}


def start_session(response: Response, runtime: Runtime, reader: Viewer, account_id: int) -> dict:
    """Open a server-side session for the account and put its token in the reader's cookie."""
    new = session_actions.start_session(runtime.store, account_id)
    set_session(response, runtime, reader, new.token)
    return _session(new.signed_in)


@router.post("/accounts", response_model=Session, status_code=201)
def sign_up(request: AccountRequest, response: Response, reader: Viewer = Depends(guard_write),
            origin: WriteOrigin = Depends(write_origin), runtime: Runtime = Depends(runtime)):
    """Register a reader account (argon2-hashed password) and sign in."""
    runtime.defences.sanctions.enforce(reader, origin, request.email)
    account_id = account_actions.register(
        runtime.store, request.username, request.password, request.display_name or request.username, request.email
    )
    return start_session(response, runtime, reader, account_id)


@router.post("/session", response_model=Session)
def sign_in(request: SignInRequest, http: Request, response: Response, reader: Viewer = Depends(guard_write),
            runtime: Runtime = Depends(runtime)):
    """Sign in with a username (staff: or e-mail address) and password; attempts are rate-limited per
    address and per account name."""
    login_allowed(runtime, request_address(http), request.username)
    account_id = account_actions.sign_in(runtime.store, request.username, request.password)
    runtime.defences.sanctions.enforce(Viewer(guest_key=reader.guest_key, account_id=account_id))
    return start_session(response, runtime, reader, account_id)


@router.post("/sso", response_model=Session)
def sign_in_with_site(request: SingleSignOnRequest, response: Response, reader: Viewer = Depends(guard_write),
                      runtime: Runtime = Depends(runtime)):
    """Sign in with the site's own login: a JWT (HS256) the site signed with its `sso_secret`, naming
    the reader (`sub`, `name`, optional `email`, `exp`). Forged or expired tokens answer 401."""
    signed_in = sso_actions.sign_in_with_site_token(runtime, reader, request.story_id, request.token)
    return start_session(response, runtime, reader, signed_in.account_id)


@router.get("/session", response_model=Session)
def who_am_i(reader: Viewer = Depends(viewer)):
    """The signed-in account (null for guests) and the CSRF token its cookie-authenticated changes to
    moderator routes must carry in `X-CSRF-Token`."""
    return _session(reader.signed_in)


@router.delete("/session", status_code=204)
def sign_out(response: Response, reader: Viewer = Depends(guard_write), runtime: Runtime = Depends(runtime)):
    """End this session on the server; the cookie keeps only the guest key."""
    if reader.signed_in is not None and reader.signed_in.token_hash:
        session_actions.end_session(runtime.store, reader.signed_in.token_hash)
    if reader.by_token:
        return
    set_session(response, runtime, reader)


@router.post("/session/password", response_model=Session)
def change_password(request: PasswordChange, response: Response, reader: Viewer = Depends(guard_write),
                    runtime: Runtime = Depends(runtime)):
    """Change the signed-in account's password: every session ends, this browser gets a new one."""
    if reader.signed_in is None or reader.by_token:
        raise NotSignedIn("sign in to change your password", field=None)
    account_actions.change_password(runtime.store, reader.account_id, request.current_password,
                                    request.new_password)
    return start_session(response, runtime, reader, reader.account_id)
