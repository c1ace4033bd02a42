"""Idempotency keys for comment posts: a client that retries a post after a dropped connection sends
the same `Idempotency-Key` and gets the answer of the comment it already created, which is created
once. A key is remembered for a day, per author (a signed-in account or a guest), so one reader's
key never finds another reader's comment.

A reader who has no session yet cannot be told apart from another newcomer by a cookie: the retry of
their first post comes without the cookie the lost answer carried. Their guest identity is then
derived from the key itself (HMAC under the server's secret), so the retry is the same guest, gets the
same comment and the cookie again; a key is a random string of 16 to 128 characters (a UUID), so no
one else can name it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

from sqlalchemy import Connection, bindparam, delete, insert, select

from rostra.actions.errors import InvalidInput
from rostra.actions.identity import Viewer
from rostra.store import Store
from rostra.store.queries import utcnow
from rostra.store.tables import idempotency_keys

HEADER = "Idempotency-Key"
KEY = re.compile(r"[A-Za-z0-9_.:-]{16,128}")
REMEMBERED = timedelta(days=1)

_STORED = select(idempotency_keys.c.comment_id).where(
    idempotency_keys.c.owner == bindparam("owner"), idempotency_keys.c.key == bindparam("key"),
    idempotency_keys.c.created_at >= bindparam("since"))


def checked_key(key: str | None) -> str | None:
    if key is not None and not KEY.fullmatch(key):
        raise InvalidInput("16 to 128 letters, digits, '_', '.', ':' or '-' (send a random UUID)", field=HEADER)
    return key


def viewer_for_key(viewer: Viewer, key: str, secret: bytes) -> Viewer:
    """The reader a post with this key comes from: a newcomer becomes the guest the key names."""
    if not viewer.is_new:
        return viewer
    derived = hmac.new(secret, f"idempotency-guest:{key}".encode(), hashlib.sha256).hexdigest()[:32]
    return Viewer(guest_key=derived)


def owner_of(viewer: Viewer) -> str:
    return viewer.rate_limit_key


def stored_comment_id(connection: Connection, viewer: Viewer, key: str) -> int | None:
    """The comment this reader's key created within the last day, if any."""
    return connection.execute(_STORED, {"owner": owner_of(viewer), "key": key,
                                        "since": utcnow() - REMEMBERED}).scalar_one_or_none()


def remember(connection: Connection, viewer: Viewer, key: str, comment_id: int) -> None:
    """Inside the transaction that creates the comment: a concurrent retry with the same key then
    fails on the primary key and finds this comment instead. A key older than a day is forgotten."""
    owner = owner_of(viewer)
    connection.execute(delete(idempotency_keys).where(
        idempotency_keys.c.owner == owner, idempotency_keys.c.key == key,
        idempotency_keys.c.created_at < utcnow() - REMEMBERED))
    connection.execute(insert(idempotency_keys), {"owner": owner, "key": key, "comment_id": comment_id,
                                                  "created_at": utcnow()})


def forget_idempotency_keys(store: Store) -> int:
    """Delete the keys older than REMEMBERED; returns how many went."""
    with store.write() as connection:
        return connection.execute(
            delete(idempotency_keys).where(idempotency_keys.c.created_at < utcnow() - REMEMBERED)).rowcount
