"""Keep API keys out of the access log.

Perspective clients put their key in the query string (`?key=...`), and uvicorn's access log prints
the whole path with its query. This filter rewrites the logged path so no query value survives;
the request body (the comment text) is never logged by Rostra in the first place.

The logged path is taken apart as the server took the request target apart: the query is whatever
follows the first "?". uvicorn before 0.55 logs the path percent-quoted (`comments%3Aanalyze`), from
0.55 on as the client sent it (`comments:analyze`), where a "#" would make a URL parser read the
query as part of a fragment and pass the key through.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"
REDACTED = "REDACTED"


class QueryRedactingFilter(logging.Filter):
    """Replaces every query value in an access-log record's path with REDACTED."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = args[:2] + (redact_query(args[2]),) + args[3:]
        return True


def redact_query(path: str) -> str:
    """`/v1alpha1/comments:analyze?key=abc&x=1` -> `/v1alpha1/comments:analyze?key=REDACTED&x=REDACTED`."""
    path_only, separator, query = path.partition("?")
    if not separator:
        return path
    names = [pair.partition("=")[0] for pair in query.split("&") if pair]
    return f"{path_only}?" + "&".join(f"{name}={REDACTED}" for name in names)


def install_access_log_redaction() -> None:
    """Attach the filter to uvicorn's access logger once; safe to call any number of times."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, QueryRedactingFilter) for existing in logger.filters):
        logger.addFilter(QueryRedactingFilter())
