"""RFC 9457 problem answers: `{type, title, status, detail, field}` for every refused request."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from rostra.actions.errors import ActionError

PROBLEM_TYPE_BASE = "urn:rostra:problem:"
MEDIA_TYPE = "application/problem+json"
HTTP_PROBLEMS = {
    400: ("bad-request", "Bad request"),
    401: ("not-signed-in", "Not signed in"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("request-too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("rate-limited", "Too many requests"),
}

log = logging.getLogger("rostra.api")


def problem_body(status: int, slug: str, title: str, detail: str, field: str | None, **extra) -> dict:
    return {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status, "detail": detail,
            "field": field, **extra}


def problem(status: int, slug: str, title: str, detail: str, field: str | None = None,
            headers: dict | None = None, **extra) -> JSONResponse:
    return JSONResponse(
        problem_body(status, slug, title, detail, field, **extra),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


class RateLimited(Exception):
    def __init__(self, wait_seconds: float, scope: str):
        self.wait_seconds = wait_seconds
        self.scope = scope


def _field_name(error: dict) -> str | None:
    """`("body", "parent_id")` -> "parent_id"; `("query", "limit")` -> "limit"; the body itself -> None."""
    if error.get("type") == "json_invalid":
        return None
    parts = [str(part) for part in tuple(error.get("loc", ()))[1:]]
    return ".".join(parts) or None


def _describe(error: dict) -> str:
    kind = error.get("type", "")
    location = error.get("loc", ())
    if kind == "json_invalid":
        return f"the body is not valid JSON: {error.get('ctx', {}).get('error', 'parse error')}"
    if len(location) == 1 and location[0] == "body":
        return "the body must be a JSON object"
    if kind == "extra_forbidden":
        return "unknown field"
    return error.get("msg", "invalid value")


def install(app: FastAPI) -> None:
    """Route every error, including the framework's own, to a problem answer; never a bare 500 page."""

    @app.exception_handler(ActionError)
    async def _action_error(request: Request, error: ActionError) -> JSONResponse:
        return problem(error.status, error.slug, error.title, error.detail, error.field, **error.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = list(error.errors())
        first = errors[0] if errors else {}
        slug = "invalid-json" if first.get("type") == "json_invalid" else "invalid-input"
        title = "Invalid JSON" if slug == "invalid-json" else "Invalid input"
        status = 400 if slug == "invalid-json" else 422
        details = [{"field": _field_name(item), "detail": _describe(item)}
                   for item in errors]
        return problem(status, slug, title, _describe(first), _field_name(first),
                       errors=details)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        slug, title = HTTP_PROBLEMS.get(error.status_code, ("http-error", "HTTP error"))
        return problem(error.status_code, slug, title, str(error.detail), None, headers=error.headers)

    @app.exception_handler(RateLimited)
    async def _rate_limited(request: Request, error: RateLimited) -> JSONResponse:
        retry_after = max(1, int(error.wait_seconds + 0.999))
        return problem(
            429, "rate-limited", "Too many requests",
            f"too many writes from this {error.scope}; retry in {retry_after} s",
            None, headers={"Retry-After": str(retry_after)},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "internal-error", "Internal error", "the server failed; the error is logged")
