"""What each request needs: the runtime, the reader's identity (session, API token or guest), the write
guards, and the staff roles with their CSRF check."""

from __future__ import annotations

import hmac

from fastapi import Request, Response
from itsdangerous import BadSignature
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from rostra.actions.errors import Forbidden, NotSignedIn, OriginNotAllowed
from rostra.actions.identity import Viewer, WriteOrigin, restore_guest
from rostra.actions.sessions import resolve_api_token, resolve_session, role_allows
from rostra.api.problems import RateLimited
from rostra.guards.addresses import reader_address, stored_address
from rostra.guards.ratelimit import MemoryRateLimiter, RateLimiter
from rostra.runtime import Runtime

SESSION_COOKIE = "rostra_session"
SESSION_MAX_AGE = 400 * 24 * 3600
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
BROWSER_KEY_HEADER = "X-Rostra-Browser-Key"
MAX_BROWSER_KEY_CHARS = 64
CSRF_HEADER = "X-CSRF-Token"
# Bulk actions count once, so this bounds a runaway script, not a busy moderator.
STAFF_WRITES_PER_MINUTE = 600
LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 20
LOGIN_ATTEMPTS_PER_NAME_PER_MINUTE = 6


async def runtime(request: Request) -> Runtime:
    """The process's Runtime (store, limiter, events, sites and their engines)."""
    return request.app.state.runtime


def answer(model: type[BaseModel], data: dict, response: Response, status_code: int = 200) -> Response:
    """`data` checked against `model` and encoded as JSON, with the cookies the dependencies set.

    Handlers run in the threadpool; building the answer there spares FastAPI a second trip to the
    threadpool to validate a `response_model` (the route still declares it for the documentation)."""
    encoded = Response(model.model_validate(data).model_dump_json(), status_code=status_code,
                       media_type="application/json")
    encoded.headers.raw.extend(response.headers.raw)
    return encoded


def _cookie(request: Request, runtime: Runtime) -> dict | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        data = runtime.signer.loads(token, max_age=SESSION_MAX_AGE)
    except BadSignature:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("g"), str) else None


def set_session(response: Response, runtime: Runtime, viewer: Viewer, session_token: str | None = None) -> None:
    """Hand the reader a signed cookie with their guest key and, once signed in, the random token of
    their server-side session (never an account number: ending the session signs the cookie out);
    it replaces a cookie set earlier in the same answer (a newcomer's guest cookie, on sign-in)."""
    earlier = f"{SESSION_COOKIE}=".encode("latin-1")
    response.raw_headers[:] = [(name, value) for name, value in response.raw_headers
                               if not (name == b"set-cookie" and value.startswith(earlier))]
    data = {"g": viewer.guest_key, "s": session_token} if session_token else {"g": viewer.guest_key}
    response.set_cookie(
        SESSION_COOKIE,
        runtime.signer.dumps(data),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        secure=runtime.settings.cookie_secure,
        samesite=runtime.settings.cookie_samesite,
    )


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise NotSignedIn("use 'Authorization: Bearer <token>' with a token from rostra admin token", field=None)
    return credentials.strip()


async def resolve_viewer(request: Request, response: Response, runtime: Runtime) -> Viewer:
    """Who is asking, resolved once per request: an API token, a session, or a guest. Only signed-in
    requests cost a database lookup; a guest's cookie is checked by its signature alone."""
    known = getattr(request.state, "viewer", None)
    if known is not None:
        return known
    bearer = _bearer(request)
    if bearer is not None:
        signed_in = await run_in_threadpool(resolve_api_token, runtime.store, bearer)
        if signed_in is None:
            raise NotSignedIn("this API token is unknown or revoked", field=None)
        found = Viewer(guest_key=f"token-account:{signed_in.account_id}", account_id=signed_in.account_id,
                       signed_in=signed_in, by_token=True)
    else:
        data = _cookie(request, runtime)
        if data is None:
            found = Viewer.new_guest()
            if request.method not in SAFE_METHODS:
                set_session(response, runtime, found)
        elif isinstance(data.get("s"), str):
            signed_in = await run_in_threadpool(resolve_session, runtime.store, data["s"])
            found = Viewer(guest_key=data["g"], account_id=signed_in and signed_in.account_id, signed_in=signed_in)
        else:
            found = Viewer(guest_key=data["g"])
    request.state.viewer = found
    return found


async def viewer(request: Request, response: Response) -> Viewer:
    """The reader; a newcomer who writes gets a guest cookie so they can edit what they wrote.

    Takes no sub-dependencies: each one costs FastAPI more to resolve than the work it does."""
    return await resolve_viewer(request, response, request.app.state.runtime)


def _writing_site(request: Request, runtime: Runtime) -> int | None:
    """The site whose page sends this write (by its Origin); None for a request with no Origin (a
    script or server) or one from Rostra's own pages. Writes from any other origin are refused."""
    origin = request.headers.get("origin")
    if origin is None:
        return None
    site_id = runtime.site_for_origin(origin)
    if site_id is not None:
        return site_id
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin != own:
        raise OriginNotAllowed(f"{origin} may not write here", field=None)
    return None


def request_address(request: Request) -> str:
    """The reader's address as the write guards see it (X-Forwarded-For from trusted proxies only)."""
    return reader_address(request.client.host if request.client else None,
                          request.headers.get("x-forwarded-for"), request.app.state.runtime.defences.trusted_proxies)


def _write_origin(request: Request, runtime: Runtime) -> WriteOrigin:
    """The reader's address (behind trusted proxies only) and the browser key header, if sent."""
    address = request_address(request)
    stored = stored_address(address, runtime.defences.address_key)
    browser_key = request.headers.get(BROWSER_KEY_HEADER, "")[:MAX_BROWSER_KEY_CHARS] or None
    return WriteOrigin(address, stored.hash, stored.network, browser_key)


async def write_origin(request: Request) -> WriteOrigin:
    """Where the current write comes from, as `guard_write` found it."""
    return request.state.write_origin


def restore_session(response: Response, runtime: Runtime, reader: Viewer, browser_key: str | None) -> Viewer:
    """The reader, given back their guest identity when they lost the cookie but the browser key is
    known; the cookie is handed out again."""
    if not reader.is_new or not browser_key:
        return reader
    with runtime.store.read() as connection:
        restored = restore_guest(connection, reader, browser_key)
    if restored is not reader:
        set_session(response, runtime, restored)
    return restored


async def check_origin(request: Request) -> None:
    """On every route of the app: a state-changing request carrying an Origin must come from an
    allowed origin of a site, matched exactly, or from Rostra's own pages. Moderator, account and
    session routes included; a request without Origin (a server or a script) is not a browser's."""
    if request.method not in SAFE_METHODS:
        _writing_site(request, request.app.state.runtime)


async def _hit(limiter: RateLimiter, bucket: str, per_minute: int) -> float | None:
    """Count one request; the in-memory limiter answers on the event loop, others (Redis) in a thread."""
    if per_minute <= 0:
        return None
    if isinstance(limiter, MemoryRateLimiter):
        return limiter.hit(bucket, per_minute)
    return await run_in_threadpool(limiter.hit, bucket, per_minute)


async def guard_write(request: Request, response: Response) -> Viewer:
    """Every write passes the origin check, the per-address and per-author rate limits (the writing
    site's, or the process defaults) and the sanctions check; the reader comes back (with their
    guest identity restored from the browser key when the cookie was lost), and `write_origin`
    tells where the write comes from."""
    runtime: Runtime = request.app.state.runtime
    reader = await resolve_viewer(request, response, runtime)
    site_id = _writing_site(request, runtime)
    origin = _write_origin(request, runtime)
    request.state.write_origin = origin
    if reader.is_new and origin.browser_key:
        reader = await run_in_threadpool(restore_session, response, runtime, reader, origin.browser_key)
    runtime.defences.sanctions.enforce(reader, origin)
    limits = runtime.site(site_id) if site_id is not None else runtime.settings
    wait = await _hit(runtime.limiter, f"write:ip:{origin.address}", limits.rate_limit_ip_per_minute)
    if wait is not None:
        raise RateLimited(wait, "address")
    wait = await _hit(
        runtime.limiter, f"write:author:{reader.rate_limit_key}", limits.rate_limit_author_per_minute
    )
    if wait is not None:
        raise RateLimited(wait, "author")
    return reader


def login_allowed(runtime: Runtime, ip: str, username: str) -> None:
    """Sign-in attempts are limited per address and per account name, so a password cannot be guessed
    from one machine, nor one account's from many."""
    for bucket, per_minute, scope in ((f"login:ip:{ip}", LOGIN_ATTEMPTS_PER_IP_PER_MINUTE, "address"),
                                      (f"login:name:{username.strip().lower()}", LOGIN_ATTEMPTS_PER_NAME_PER_MINUTE,
                                       "account")):
        wait = runtime.limiter.hit(bucket, per_minute)
        if wait is not None:
            raise RateLimited(wait, scope)


def check_csrf(reader: Viewer, supplied: str | None) -> None:
    """A cookie-authenticated change must carry the session's CSRF token (header or form field): a page
    on another site can make the browser send the cookie, never read the token."""
    if reader.by_token or reader.signed_in is None:
        return
    expected = reader.signed_in.csrf_token or ""
    if not supplied or not hmac.compare_digest(supplied, expected):
        raise Forbidden("missing or wrong CSRF token; reload the page", field="csrf_token")


def require_role(role: str):
    """A dependency admitting signed-in accounts with at least `role` (moderator or admin); their
    changes need the CSRF token in `X-CSRF-Token` unless they come with an API token, and count
    against the staff write limit."""

    async def staff(request: Request, response: Response) -> Viewer:
        runtime: Runtime = request.app.state.runtime
        reader = await resolve_viewer(request, response, runtime)
        if reader.signed_in is None:
            raise NotSignedIn(f"sign in as a {role}", field=None)
        if not role_allows(reader.signed_in.role, role):
            raise Forbidden(f"{role}s only", field=None)
        if request.method not in SAFE_METHODS:
            check_csrf(reader, request.headers.get(CSRF_HEADER))
            wait = await _hit(runtime.limiter, f"staff:{reader.account_id}", STAFF_WRITES_PER_MINUTE)
            if wait is not None:
                raise RateLimited(wait, "account")
        return reader

    return staff


moderator = require_role("moderator")
admin = require_role("admin")
