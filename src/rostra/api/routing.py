"""The API's route class: a route that declares a JSON body gets it read through `parse_json`.

FastAPI would decode the body with `json.loads`, which recurses without bound and lets lone
surrogates through; here the body is decoded first by Rostra's one JSON reader, and FastAPI
validates the value it returns (Starlette keeps a request's decoded JSON in `Request._json`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from email.message import Message
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from rostra.guards.json_input import BadJSON, parse_json


def _declares_json(request: Request) -> bool:
    """What FastAPI decodes as JSON: no content type, or application/json or any `+json`."""
    content_type = request.headers.get("content-type")
    if not content_type:
        return True
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def validation_error(error: BadJSON) -> RequestValidationError:
    """A lone surrogate is a bad value of the field that holds it (422 naming it); anything else
    means the body is not JSON Rostra reads (400 invalid-json)."""
    if error.path is not None:
        return RequestValidationError([{"type": "string_unicode", "loc": ("body", *error.path),
                                        "msg": error.message, "input": None}])
    return RequestValidationError([{"type": "json_invalid", "loc": ("body", 0), "msg": "JSON decode error",
                                    "input": {}, "ctx": {"error": error.message}}])


class JSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def read_then_handle(request: Request) -> Response:
            raw = await request.body()
            if raw and _declares_json(request):
                try:
                    request._json = parse_json(raw)
                except BadJSON as error:
                    raise validation_error(error) from None
            return await handler(request)

        return read_then_handle
