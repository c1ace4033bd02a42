"""Perspective API's HTTP surface: `POST /v1alpha1/comments:analyze` (and `:suggestscore`).

A client moves to Rostra by changing its base URL and key. The key comes as `?key=` or in the
`X-Goog-Api-Key` header, as with Google; every failure answers in Google's error shape. Rostra keeps
nothing of an analyze request: no table holds it and no log line prints its text or key, which is
what `doNotStore: true` asks for (and Rostra does the same when it is false).
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from rostra.actions.apikeys import ApiKey, verify_key
from rostra.actions.moderation import ModerationEngine
from rostra.config import Settings
from rostra.guards.body_limit import BodyTooLarge
from rostra.guards.json_input import BadJSON, parse_json
from rostra.guards.ratelimit import RateLimiter
from rostra.perspective.analyze import analyze
from rostra.perspective.coral import SigningSecret, parse_secrets
from rostra.perspective.discovery import discovery_document
from rostra.perspective.errors import (
    PerspectiveError,
    analyzer_error,
    invalid_field,
    invalid_key,
    missing_key,
    quota_exceeded,
)
from rostra.perspective.redaction import install_access_log_redaction
from rostra.runtime import Runtime
from rostra.store import Store

# Comment text is capped at 20 KB and each context entry at 1 MB: this leaves room for both.
MAX_BODY_BYTES = 4 * 1024 * 1024
KEY_HEADER = "X-Goog-Api-Key"

log = logging.getLogger("rostra.perspective")
# On import, so that every process serving these routes (either server, any worker) redacts keys.
install_access_log_redaction()
router = APIRouter(tags=["Perspective API"])
_building = threading.Lock()


@dataclass
class PerspectiveService:
    """What the Perspective and Coral routes share: settings, key store, rate limiter, engine."""

    settings: Settings
    store: Store
    limiter: RateLimiter
    engine: ModerationEngine
    coral_secrets: tuple[SigningSecret, ...] | None

    @classmethod
    def from_runtime(cls, runtime: Runtime) -> PerspectiveService:
        """The runtime's store, limiter and Perspective engine, with the Coral signing secrets."""
        settings = runtime.settings
        secrets = parse_secrets(settings.coral_secret) if settings.coral_secret else None
        return cls(settings, runtime.store, runtime.limiter, runtime.perspective_engine, secrets)

    def authorize(self, secret: str | None) -> ApiKey:
        """The caller's active key, within its quota; raises the error Google would have sent."""
        if not secret:
            raise missing_key()
        key = verify_key(self.store, secret)
        if key is None:
            raise invalid_key()
        per_minute = (key.requests_per_minute if key.requests_per_minute is not None
                      else self.settings.perspective_requests_per_minute)
        if per_minute:
            wait = self.limiter.hit(f"perspective:key:{key.id}", per_minute)
            if wait is not None:
                raise quota_exceeded(key.prefix, per_minute, wait)
        return key


def service_for(request: Request) -> PerspectiveService:
    """The app's PerspectiveService, built from its runtime on first use (the engine loads then)."""
    state = request.app.state
    service = getattr(state, "perspective", None)
    if service is None:
        with _building:
            service = getattr(state, "perspective", None)
            if service is None:
                service = PerspectiveService.from_runtime(state.runtime)
                state.perspective = service
    return service


@router.post("/v1alpha1/comments:analyze", summary="Perspective AnalyzeComment")
async def analyze_comment(request: Request) -> JSONResponse:
    """Scores a comment for the requested attributes, exactly in Perspective's request/response shape."""
    try:
        service = service_for(request)
        await run_in_threadpool(service.authorize, api_key_of(request))
        payload = await json_body(request)
        answer = await run_in_threadpool(analyze, payload, service.engine)
    except PerspectiveError as error:
        return error_response(error)
    except BodyTooLarge:
        raise  # the body-limit middleware answers it
    except Exception as error:  # noqa: BLE001 - a client must get Google's 500, never a bare page
        log_failure(error)
        return error_response(PerspectiveError(500, "Internal error encountered."))
    return JSONResponse(answer)


@router.post("/v1alpha1/comments:suggestscore", summary="Perspective SuggestCommentScore")
async def suggest_score(request: Request) -> JSONResponse:
    """Accepts score feedback (Coral sends it when "send feedback" is on) and keeps none of it."""
    try:
        service = service_for(request)
        await run_in_threadpool(service.authorize, api_key_of(request))
        token = suggestion_token(await json_body(request))
    except PerspectiveError as error:
        return error_response(error)
    return JSONResponse({} if token is None else {"clientToken": token})


@router.get("/$discovery/rest", summary="Discovery document for Google's generated clients")
async def discovery(request: Request) -> JSONResponse:
    """What `googleapiclient.discovery.build(..., discoveryServiceUrl=...)` reads; calls go to this host."""
    return JSONResponse(discovery_document(str(request.base_url)))


def suggestion_token(payload: Any) -> str | None:
    """The `clientToken` of a SuggestCommentScore request, once its comment is known to be there."""
    if not isinstance(payload, dict) or not payload.get("comment"):
        raise analyzer_error("COMMENT_EMPTY", "Comment must be non-empty.")
    token = payload.get("clientToken", payload.get("client_token"))
    if token is not None and not isinstance(token, str):
        raise invalid_field("clientToken", f"Invalid value at 'clientToken' (TYPE_STRING), {token!r}")
    return token


def api_key_of(request: Request) -> str | None:
    return request.query_params.get("key") or request.headers.get(KEY_HEADER)


async def json_body(request: Request) -> Any:
    """The decoded JSON body (the body-limit middleware stops it at MAX_BODY_BYTES)."""
    try:
        return parse_json(await request.body())
    except BadJSON as error:
        raise invalid_field(error.field or "(body)", f"Invalid JSON payload received. {error.message}") from None


def refuse_large_body(max_bytes: int) -> tuple[int, str, dict]:
    """Google's answer to a body over the limit, for the body-limit middleware."""
    error = PerspectiveError(400, f"Request payload size exceeds the limit: {max_bytes} bytes.")
    return error.code, "application/json", error.to_json()


def log_failure(error: Exception) -> None:
    """Where scoring failed, without the exception's message: it may quote the comment."""
    frame = traceback.extract_tb(error.__traceback__)[-1]
    log.error("analyze failed: %s at %s:%d", type(error).__name__, frame.filename, frame.lineno)


def error_response(error: PerspectiveError) -> JSONResponse:
    return JSONResponse(error.to_json(), status_code=error.code, headers=error.headers)
