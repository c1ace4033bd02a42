"""What each request needs: the runtime, the reader's identity, and the write guards."""

from __future__ import annotations

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from rostra.actions.accounts import account_summary
from rostra.actions.errors import Forbidden, NotSignedIn, OriginNotAllowed
from rostra.actions.identity import Viewer, WriteOrigin, restore_guest
from rostra.api.problems import RateLimited
from rostra.guards.addresses import reader_address, stored_address
from rostra.guards.ratelimit import MemoryRateLimiter, RateLimiter
from rostra.runtime import Runtime

SESSION_COOKIE = "rostra_session"
SESSION_MAX_AGE = 400 * 24 * 3600
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
BROWSER_KEY_HEADER = "X-Rostra-Browser-Key"
MAX_BROWSER_KEY_CHARS = 64


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


def _read_session(request: Request, runtime: Runtime) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        data = runtime.signer.loads(token, max_age=SESSION_MAX_AGE)
        return Viewer(guest_key=str(data["g"]), account_id=data.get("a"))
    except (BadSignature, KeyError, TypeError):
        return None


def set_session(response: Response, runtime: Runtime, viewer: Viewer) -> None:
    """Hand the reader a signed cookie naming them (guest key, and account once signed in); it
    replaces a cookie set earlier in the same answer (a newcomer's guest cookie, on sign-in)."""
    earlier = f"{SESSION_COOKIE}=".encode("latin-1")
    response.raw_headers[:] = [(name, value) for name, value in response.raw_headers
                               if not (name == b"set-cookie" and value.startswith(earlier))]
    response.set_cookie(
        SESSION_COOKIE,
        runtime.signer.dumps({"g": viewer.guest_key, "a": viewer.account_id}),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        secure=runtime.settings.cookie_secure,
        samesite=runtime.settings.cookie_samesite,
    )


def _viewer(request: Request, response: Response, runtime: Runtime) -> Viewer:
    known = _read_session(request, runtime)
    if known is not None:
        return known
    guest = Viewer.new_guest()
    if request.method not in SAFE_METHODS:
        set_session(response, runtime, guest)
    return guest


async def viewer(request: Request, response: Response) -> Viewer:
    """The reader; a newcomer who writes gets a guest cookie so they can edit what they wrote.

    Takes no sub-dependencies: each one costs FastAPI more to resolve than the work it does."""
    return _viewer(request, response, request.app.state.runtime)


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


def _write_origin(request: Request, runtime: Runtime) -> WriteOrigin:
    """The reader's address (behind trusted proxies only) and the browser key header, if sent."""
    defences = runtime.defences
    address = reader_address(request.client.host if request.client else None,
                             request.headers.get("x-forwarded-for"), defences.trusted_proxies)
    stored = stored_address(address, defences.address_key)
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
    reader = _viewer(request, response, runtime)
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


def moderator(reader: Viewer = Depends(viewer), runtime: Runtime = Depends(runtime)) -> Viewer:
    if reader.account_id is None:
        raise NotSignedIn("sign in as a moderator", field=None)
    account = account_summary(runtime.store, reader.account_id)
    if account is None or account["role"] != "moderator":
        raise Forbidden("moderators only", field=None)
    return reader
