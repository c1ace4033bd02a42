"""Canonical story URLs and bare origins, so one article never gets two threads."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
MAX_URL_CHARS = 2000


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


def canonical_url(url: str) -> str:
    """The story's key: its origin and path, with tracking parameters and the fragment removed."""
    parts, _ = _split(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(TRACKING_PARAMETERS)
    ]
    canonical = normalize_origin(url) + urlunsplit(("", "", parts.path or "/", urlencode(query), ""))
    if len(canonical) > MAX_URL_CHARS:
        raise BadURL("is longer than 2000 characters once its query is encoded")
    return canonical
