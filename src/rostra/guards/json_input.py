"""The one JSON reader for request bodies: strict UTF-8, nesting bounded, no NaN, no lone surrogates.

Python's `json` recurses once per nesting level, so a body of 200,000 brackets raises
`RecursionError` (at a depth that depends on the caller's stack), and it decodes `"\\ud800"` into a
string that cannot be encoded again. Every route reads its body through `parse_json`, so neither
reaches a handler, the engine or the database.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

MAX_JSON_DEPTH = 32  # Rostra's, Perspective's and Coral's requests nest 4 levels at most

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_OPENING = (ord("["), ord("{"))


class BadJSON(ValueError):
    """The body cannot be used; `path` locates a lone surrogate (keys and indexes), else None."""

    def __init__(self, message: str, path: tuple[str | int, ...] | None = None):
        super().__init__(message)
        self.message = message
        # A key may hold the surrogate itself: written escaped, so the path can be echoed back.
        self.path = None if path is None else tuple(
            part.encode("utf-8", "backslashreplace").decode() if isinstance(part, str) else part for part in path)

    @property
    def field(self) -> str | None:
        """The path as one dotted name (`comment.text`, `urls.0`), for a problem's `field`."""
        return ".".join(str(part) for part in self.path) if self.path else None


def _refuse_constant(name: str) -> Any:
    raise BadJSON(f"{name} is not a JSON number")


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in `text`, counted without recursion (brackets inside
    strings do not count)."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return MAX_JSON_DEPTH  # too few brackets to nest any deeper
    brackets = np.frombuffer(_NOT_BRACKET.sub("", _STRING.sub("", text)).encode("ascii"), dtype=np.uint8)
    if not brackets.size:
        return 0
    steps = np.where(np.isin(brackets, _OPENING), 1, -1)
    return int(np.cumsum(steps).max())


def _lone_surrogate_at(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _lone_surrogate_at(key, path + (key,)) or _lone_surrogate_at(item, path + (key,))
        if found is not None:
            return found
    return None


def parse_json(raw: bytes | str) -> Any:
    """The decoded body, or BadJSON saying why not."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadJSON(f"the body is not UTF-8 (byte {error.start})") from None
    else:
        text = raw
    if nesting_depth(text) > MAX_JSON_DEPTH:
        raise BadJSON(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise BadJSON(f"{error.msg} at line {error.lineno} column {error.colno}") from None
    except RecursionError:  # unreachable past the depth check; kept so no shape can answer 500
        raise BadJSON(f"the body nests deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise BadJSON(str(error)) from None
    if _SURROGATE_ESCAPE.search(text):
        path = _lone_surrogate_at(value)
        if path is not None:
            raise BadJSON("must be valid Unicode (no lone surrogates)", path=path)
    return value
