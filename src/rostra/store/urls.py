"""Canonical story URLs and bare origins, so one article never gets two threads."""

import re
import string
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
MAX_URL_CHARS = 2000
# RFC 3986: characters a path may hold as they are; every other one is percent-encoded.
UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
PATH_SAFE = "/!$&'()*+,;=:@-._~"
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class BadURL(ValueError):
    """The text is not an absolute http(s) URL."""


def _split(url: str):
    if not isinstance(url, str) or len(url) > MAX_URL_CHARS:
        raise BadURL("must be an absolute http or https URL of at most 2000 characters")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise BadURL("must be an absolute http or https URL")
    try:
        port = parts.port
    except ValueError:
        raise BadURL("has an invalid port") from None
    return parts, port


def normalize_origin(url: str) -> str:
    """`scheme://host[:port]` in lower case, without a default port or any path."""
    parts, port = _split(url)
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port and port != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def escaped_path(path: str) -> str:
    """The path in one spelling, so `/é`, `/%C3%A9` and `/%c3%a9` are one story: escapes of
    unreserved characters decoded, other escapes in upper case, every character a path may not hold
    as it is (non-ASCII, spaces, quotes, angle brackets) percent-encoded as UTF-8."""
    path = _LONE_PERCENT.sub("%25", path)
    path = _ESCAPE.sub(lambda match: chr(int(match[1], 16)) if chr(int(match[1], 16)) in UNRESERVED
                       else f"%{match[1].upper()}", path)
    return quote(path, safe=PATH_SAFE + "%")


def canonical_url(url: str) -> str:
    """The story's key: its origin and path, with tracking parameters and the fragment removed."""
    parts, _ = _split(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(TRACKING_PARAMETERS)
    ]
    canonical = normalize_origin(url) + urlunsplit(("", "", escaped_path(parts.path or "/"), urlencode(query), ""))
    if len(canonical) > MAX_URL_CHARS:
        raise BadURL("is longer than 2000 characters once its query is encoded")
    return canonical
