"""What each request needs: the runtime, the reader's identity, and the write guards."""

from __future__ import annotations

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from rostra.actions.accounts import account_summary
from rostra.actions.errors import Forbidden, NotSignedIn, OriginNotAllowed
from rostra.actions.identity import Viewer
from rostra.api.problems import RateLimited
from rostra.guards.ratelimit import MemoryRateLimiter, RateLimiter
from rostra.runtime import Runtime

SESSION_COOKIE = "rostra_session"
SESSION_MAX_AGE = 400 * 24 * 3600
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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
    """Hand the reader a signed cookie naming them (guest key, and account once signed in)."""
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


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _hit(limiter: RateLimiter, bucket: str, per_minute: int) -> float | None:
    """Count one request; the in-memory limiter answers on the event loop, others (Redis) in a thread."""
    if per_minute <= 0:
        return None
    if isinstance(limiter, MemoryRateLimiter):
        return limiter.hit(bucket, per_minute)
    return await run_in_threadpool(limiter.hit, bucket, per_minute)


async def guard_write(request: Request, response: Response) -> Viewer:
    """Every write passes the origin check, the per-IP, then the per-author rate limit (the writing
    site's, or the process defaults); the reader comes back."""
    runtime: Runtime = request.app.state.runtime
    reader = _viewer(request, response, runtime)
    site_id = _writing_site(request, runtime)
    limits = runtime.site(site_id) if site_id is not None else runtime.settings
    wait = await _hit(runtime.limiter, f"write:ip:{client_ip(request)}", limits.rate_limit_ip_per_minute)
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
