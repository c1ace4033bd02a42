"""Bounds every request body, on every route, while it streams in: nothing is read past the limit.

One middleware for the whole server. A route family may have its own limit and its own refusal
(the Perspective and Coral adapters answer in their own error shapes); everything else gets the
API's limit and a problem answer. A declared Content-Length over the limit is refused before a byte
of the body is read; a body sent without one (chunked) is counted as it arrives and refused the
moment it passes the limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rostra.api.problems import problem_body


class BodyTooLarge(Exception):
    """Raised from `receive` once the body passes its limit. Not an HTTPException, so that it
    travels past the framework's handlers to the middleware, which answers in the route's shape."""


Refusal = Callable[[int], tuple[int, str, dict]]  # max bytes -> status, media type, JSON body


def problem_refusal(max_bytes: int) -> tuple[int, str, dict]:
    """The API's answer: 413 with a problem body."""
    detail = f"request bodies are limited to {max_bytes} bytes"
    return 413, "application/problem+json", problem_body(413, "request-too-large", "Request too large", detail, None)


@dataclass(frozen=True)
class BodyLimit:
    """The limit of the routes under `prefix`, and how they refuse a larger body."""

    prefix: str
    max_bytes: int
    refuse: Refusal = problem_refusal


class BodyLimitMiddleware:
    """The first `BodyLimit` whose prefix starts the path applies; otherwise `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int, limits: tuple[BodyLimit, ...] = ()):
        self.app = app
        self.default = BodyLimit("/", max_bytes)
        self.limits = limits

    def limit_for(self, path: str) -> BodyLimit:
        return next((limit for limit in self.limits if path.startswith(limit.prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > limit.max_bytes):
                await self._refuse(send, limit)
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit.max_bytes:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: BodyLimit) -> None:
        status, media_type, content = limit.refuse(limit.max_bytes)
        body = json.dumps(content).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", media_type.encode()),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})
