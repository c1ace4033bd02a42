"""API keys for the Perspective-compatible endpoint: create, list, revoke, verify.

A key is 256 random bits, shown once when it is created. The database keeps only its SHA-256 (to
recognise it) and its first 8 characters (so an operator can tell keys apart and revoke one), so a
copy of the database does not let anyone call the API.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from rostra.actions.errors import Conflict, InvalidInput, NotFound
from rostra.store import Store
from rostra.store.queries import as_utc, utcnow
from rostra.store.tables import api_keys

PREFIX_LENGTH = 8
KEY_BYTES = 32
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class ApiKey:
    """A stored key, without the key itself."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    requests_per_minute: int | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class CreatedKey:
    """A new key: `secret` is the only copy of the key there will ever be."""

    key: ApiKey
    secret: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_key(store: Store, name: str, requests_per_minute: int | None = None) -> CreatedKey:
    """A new random key under a unique name; a per-key quota overrides the default when given."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput(f"name must be 1 to {MAX_NAME_CHARS} characters", "name")
    if requests_per_minute is not None and requests_per_minute < 0:
        raise InvalidInput("requests per minute must be 0 (no limit) or more", "requests_per_minute")
    secret = secrets.token_urlsafe(KEY_BYTES)
    values = {"name": name, "key_prefix": secret[:PREFIX_LENGTH], "key_hash": hash_key(secret),
              "created_at": utcnow(), "requests_per_minute": requests_per_minute}
    try:
        with store.write() as connection:
            if connection.execute(select(api_keys.c.id).where(api_keys.c.name == name)).first():
                raise Conflict(f"a key named {name!r} already exists", "name")
            key_id = connection.execute(insert(api_keys).values(**values)).inserted_primary_key[0]
    except IntegrityError:
        raise Conflict(f"a key named {name!r} already exists", "name") from None
    return CreatedKey(ApiKey(key_id, name, values["key_prefix"], values["created_at"], None,
                             requests_per_minute), secret)


def list_keys(store: Store) -> list[ApiKey]:
    """Every key, revoked ones included, oldest first."""
    with store.read() as connection:
        rows = connection.execute(select(api_keys).order_by(api_keys.c.id)).mappings().all()
    return [_key(row) for row in rows]


def revoke_key(store: Store, name_or_prefix: str) -> ApiKey:
    """Revoke the key with this name, or the one key whose prefix this is; takes effect at once."""
    wanted = name_or_prefix.strip()
    with store.write() as connection:
        rows = connection.execute(select(api_keys).where(api_keys.c.name == wanted)).mappings().all()
        if not rows and wanted:
            rows = connection.execute(
                select(api_keys).where(func.substr(api_keys.c.key_prefix, 1, len(wanted)) == wanted)
            ).mappings().all()
        if not rows:
            raise NotFound(f"no key is named {wanted!r} or starts with it", "name")
        if len(rows) > 1:
            names = ", ".join(sorted(row["name"] for row in rows))
            raise Conflict(f"{wanted!r} starts several keys ({names}): give the name", "name")
        row = rows[0]
        if row["revoked_at"] is not None:
            raise Conflict(f"key {row['name']!r} was already revoked", "name")
        revoked_at = utcnow()
        connection.execute(update(api_keys).where(api_keys.c.id == row["id"])
                           .values(revoked_at=revoked_at))
    return _key({**row, "revoked_at": revoked_at})


def verify_key(store: Store, secret: str) -> ApiKey | None:
    """The active key this secret belongs to, or None for an unknown or revoked one."""
    with store.read() as connection:
        row = connection.execute(select(api_keys).where(api_keys.c.key_hash == hash_key(secret))
                                 ).mappings().first()
    if row is None or row["revoked_at"] is not None:
        return None
    return _key(row)


def _key(row) -> ApiKey:
    return ApiKey(id=row["id"], name=row["name"], prefix=row["key_prefix"],
                  created_at=as_utc(row["created_at"]), revoked_at=as_utc(row["revoked_at"]),
                  requests_per_minute=row["requests_per_minute"])
