"""What each request needs: the shared services, the reader's identity, and the write guards."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from rostra.actions.accounts import account_summary
from rostra.actions.comments import Limits
from rostra.actions.errors import Forbidden, NotSignedIn, OriginNotAllowed
from rostra.actions.identity import Viewer
from rostra.actions.moderation import ModerationEngine
from rostra.api.problems import RateLimited
from rostra.config import Settings
from rostra.guards.ratelimit import MemoryRateLimiter, RateLimiter
from rostra.store import Store

SESSION_COOKIE = "rostra_session"
SESSION_MAX_AGE = 400 * 24 * 3600
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class Services:
    """Everything the handlers share; the engine loads on first use, once."""

    settings: Settings
    store: Store
    limiter: RateLimiter
    sessions: URLSafeTimedSerializer
    load_engine: Callable[[], ModerationEngine]
    _engine: ModerationEngine | None = None
    _engine_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def engine(self) -> ModerationEngine:
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = self.load_engine()
        return self._engine

    @property
    def limits(self) -> Limits:
        return Limits(
            self.settings.max_comment_chars,
            self.settings.max_author_name_chars,
            self.settings.edit_window_seconds,
        )


async def services(request: Request) -> Services:
    return request.app.state.services


def answer(model: type[BaseModel], data: dict, response: Response, status_code: int = 200) -> Response:
    """`data` checked against `model` and encoded as JSON, with the cookies the dependencies set.

    Handlers run in the threadpool; building the answer there spares FastAPI a second trip to the
    threadpool to validate a `response_model` (the route still declares it for the documentation)."""
    encoded = Response(model.model_validate(data).model_dump_json(), status_code=status_code,
                       media_type="application/json")
    encoded.headers.raw.extend(response.headers.raw)
    return encoded


def _read_session(request: Request, services: Services) -> Viewer | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        data = services.sessions.loads(token, max_age=SESSION_MAX_AGE)
        return Viewer(guest_key=str(data["g"]), account_id=data.get("a"))
    except (BadSignature, KeyError, TypeError):
        return None


def set_session(response: Response, services: Services, viewer: Viewer) -> None:
    """Hand the reader a signed cookie naming them (guest key, and account once signed in)."""
    response.set_cookie(
        SESSION_COOKIE,
        services.sessions.dumps({"g": viewer.guest_key, "a": viewer.account_id}),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        secure=services.settings.cookie_secure,
        samesite=services.settings.cookie_samesite,
    )


def _viewer(request: Request, response: Response, services: Services) -> Viewer:
    known = _read_session(request, services)
    if known is not None:
        return known
    guest = Viewer.new_guest()
    if request.method not in SAFE_METHODS:
        set_session(response, services, guest)
    return guest


async def viewer(request: Request, response: Response) -> Viewer:
    """The reader; a newcomer who writes gets a guest cookie so they can edit what they wrote.

    Takes no sub-dependencies: each one costs FastAPI more to resolve than the work it does."""
    return _viewer(request, response, request.app.state.services)


def _check_origin(request: Request, services: Services) -> None:
    """Writes from a browser page must come from one of the site's allowed origins (or from here)."""
    origin = request.headers.get("origin")
    if origin is None or origin in services.settings.allowed_origins:
        return
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin != own:
        raise OriginNotAllowed(f"{origin} may not write here", field=None)


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
    """Every write passes the origin check, the per-IP, then the per-author rate limit; the reader
    comes back."""
    services: Services = request.app.state.services
    reader = _viewer(request, response, services)
    _check_origin(request, services)
    settings = services.settings
    wait = await _hit(services.limiter, f"write:ip:{client_ip(request)}", settings.rate_limit_ip_per_minute)
    if wait is not None:
        raise RateLimited(wait, "address")
    wait = await _hit(
        services.limiter, f"write:author:{reader.rate_limit_key}", settings.rate_limit_author_per_minute
    )
    if wait is not None:
        raise RateLimited(wait, "author")
    return reader


def moderator(reader: Viewer = Depends(viewer), services: Services = Depends(services)) -> Viewer:
    if reader.account_id is None:
        raise NotSignedIn("sign in as a moderator", field=None)
    account = account_summary(services.store, reader.account_id)
    if account is None or account["role"] != "moderator":
        raise Forbidden("moderators only", field=None)
    return reader
