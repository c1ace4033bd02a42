"""Errors in the shape Google's APIs (and so Perspective's clients) expect.

A Perspective client reads `error.code`, `error.status` and, for the analyzer's own failures,
`error.details[].errorType` (COMMENT_EMPTY, COMMENT_TOO_LONG, LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE...).
Key and quota failures carry a `google.rpc.ErrorInfo` detail instead, as Google's front end did.
"""

from __future__ import annotations

from typing import Any

ANALYZER_ERROR_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"
RETRY_INFO_TYPE = "type.googleapis.com/google.rpc.RetryInfo"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
SERVICE = "commentanalyzer.googleapis.com"

_STATUS_NAMES = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                 405: "METHOD_NOT_ALLOWED", 413: "INVALID_ARGUMENT", 429: "RESOURCE_EXHAUSTED",
                 500: "INTERNAL", 503: "UNAVAILABLE"}


class PerspectiveError(Exception):
    """One failed Perspective call: HTTP status, message and the typed details a client reads."""

    def __init__(self, code: int, message: str, details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers or {}

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message,
                                "status": _STATUS_NAMES.get(self.code, "UNKNOWN")}
        if self.details:
            body["details"] = self.details
        return {"error": body}


def analyzer_error(error_type: str, message: str, **extra: Any) -> PerspectiveError:
    """A 400 carrying the analyzer's own `errorType`, with any typed payload next to it."""
    detail: dict[str, Any] = {"@type": ANALYZER_ERROR_TYPE, "errorType": error_type}
    detail.update(extra)
    return PerspectiveError(400, message, [detail])


def invalid_field(field: str, description: str) -> PerspectiveError:
    """A request that does not parse: names the field, as Google's JSON decoder did."""
    return PerspectiveError(400, description, [
        {"@type": BAD_REQUEST_TYPE, "fieldViolations": [{"field": field, "description": description}]},
    ])


def missing_key() -> PerspectiveError:
    return PerspectiveError(403, "The request is missing a valid API key.")


def invalid_key() -> PerspectiveError:
    return PerspectiveError(400, "API key not valid. Please pass a valid API key.", [
        {"@type": ERROR_INFO_TYPE, "reason": "API_KEY_INVALID", "domain": "googleapis.com",
         "metadata": {"service": SERVICE}},
    ])


def quota_exceeded(key_prefix: str, per_minute: int, retry_after: float) -> PerspectiveError:
    """Over the key's per-minute quota; `Retry-After` and `RetryInfo` say when to come back."""
    seconds = max(1, int(retry_after + 0.999))
    message = (f"Quota exceeded for quota metric 'Analysis requests' and limit 'Analysis requests "
               f"per minute' of service '{SERVICE}' for API key '{key_prefix}...': "
               f"{per_minute} per minute.")
    return PerspectiveError(429, message, [
        {"@type": ERROR_INFO_TYPE, "reason": "RATE_LIMIT_EXCEEDED", "domain": "googleapis.com",
         "metadata": {"service": SERVICE, "quota_limit_value": str(per_minute)}},
        {"@type": RETRY_INFO_TYPE, "retryDelay": f"{seconds}s"},
    ], headers={"Retry-After": str(seconds)})
