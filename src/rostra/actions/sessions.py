"""Signed-in sessions and personal API tokens, both kept on the server so either can be ended.

A session is a random token in the reader's cookie; the database keeps only its SHA-256, the account
it signs in, a CSRF token for the pages and forms it authenticates, when it was last used and when it
ends whatever happens. Logout, a password change and an admin's "sign out everywhere" revoke rows, so
a copied cookie stops working at once. The cookie never names an account by number: a forged or
stale one simply finds no session and its holder is a guest.

Personal API tokens (`rostra admin token EMAIL`) are for moderation tools and scripts: sent as
`Authorization: Bearer ...`, never by a browser on its own, so they need no CSRF token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, insert, or_, select, update

from rostra.actions.errors import InvalidInput, NotFound
from rostra.store import Store
from rostra.store.queries import as_utc, utcnow
from rostra.store.tables import accounts, api_tokens, sessions
from rostra.vocabulary import ROLES, STAFF_ROLES

# Staff sessions are short: a moderator's browser left open on a shared desk should not stay
# signed in for days. Readers stay signed in as long as comment widgets usually keep them.
STAFF_IDLE_SECONDS = 8 * 3600
STAFF_LIFETIME_SECONDS = 7 * 24 * 3600
READER_IDLE_SECONDS = 30 * 24 * 3600
READER_LIFETIME_SECONDS = 180 * 24 * 3600
# `last_seen_at` is rewritten at most this often, so reading pages does not turn into a write each.
TOUCH_INTERVAL_SECONDS = 60
TOKEN_BYTES = 32
API_TOKEN_PREFIX = "rostra_pat_"
SHOWN_PREFIX_CHARS = 16
MAX_TOKEN_NAME_CHARS = 200


def new_token() -> str:
    """A random token, unguessable, safe in cookies and forms."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def effective_role(role: str, is_admin: bool) -> str:
    """The role a signed-in account acts with: reader, moderator or admin."""
    return "admin" if is_admin else role


def role_allows(role: str, needed: str) -> bool:
    """Admins may do what moderators may; moderators what readers may."""
    return ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True)
class SignedIn:
    """The account behind a session or an API token."""

    account_id: int
    username: str
    display_name: str
    role: str  # effective: reader, moderator or admin
    csrf_token: str | None = None  # sessions only; API tokens need none
    token_hash: str | None = None  # the session's row, to end it

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def actor(self) -> str:
        """How the moderation log names this account."""
        return f"{self.role}:{self.username}"


@dataclass(frozen=True)
class NewSession:
    token: str  # for the cookie, never stored
    signed_in: SignedIn
    max_age_seconds: int


def _lifetime(role: str) -> tuple[int, int]:
    if role in STAFF_ROLES:
        return STAFF_IDLE_SECONDS, STAFF_LIFETIME_SECONDS
    return READER_IDLE_SECONDS, READER_LIFETIME_SECONDS


_ACCOUNT = select(
    accounts.c.id, accounts.c.username, accounts.c.display_name, accounts.c.role, accounts.c.is_admin
).where(accounts.c.id == bindparam("account_id"))


def start_session(store: Store, account_id: int) -> NewSession:
    """A fresh session for the account (sign-in, or after a password change)."""
    token = new_token()
    csrf_token = new_token()
    now = utcnow()

    def record(connection: Connection) -> NewSession:
        account = connection.execute(_ACCOUNT, {"account_id": account_id}).one()
        role = effective_role(account.role, account.is_admin)
        _, lifetime = _lifetime(role)
        connection.execute(
            insert(sessions),
            {"token_hash": _digest(token), "account_id": account_id, "csrf_token": csrf_token,
             "created_at": now, "last_seen_at": now, "expires_at": now + timedelta(seconds=lifetime),
             "revoked_at": None},
        )
        signed_in = SignedIn(account.id, account.username, account.display_name, role, csrf_token,
                             _digest(token))
        return NewSession(token, signed_in, lifetime)

    return store.run_write(record)


_SESSION = (
    select(
        sessions.c.token_hash, sessions.c.csrf_token, sessions.c.last_seen_at, sessions.c.expires_at,
        sessions.c.revoked_at, accounts.c.id, accounts.c.username, accounts.c.display_name, accounts.c.role,
        accounts.c.is_admin,
    )
    .join_from(sessions, accounts, sessions.c.account_id == accounts.c.id)
    .where(sessions.c.token_hash == bindparam("token_hash"))
)
_TOUCH = update(sessions).where(sessions.c.token_hash == bindparam("hash")).values(last_seen_at=bindparam("now"))


def resolve_session(store: Store, token: str) -> SignedIn | None:
    """The account a session token signs in; None when it is unknown, revoked, idle too long or past
    its end, or its account is gone."""
    token_hash = _digest(token)
    with store.read() as connection:
        row = connection.execute(_SESSION, {"token_hash": token_hash}).first()
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    role = effective_role(row.role, row.is_admin)
    idle, _ = _lifetime(role)
    last_seen = as_utc(row.last_seen_at)
    if now >= as_utc(row.expires_at) or now - last_seen > timedelta(seconds=idle):
        return None
    if now - last_seen > timedelta(seconds=TOUCH_INTERVAL_SECONDS):
        store.run_write(lambda connection: connection.execute(_TOUCH, {"hash": token_hash, "now": now}))
    return SignedIn(row.id, row.username, row.display_name, role, row.csrf_token, token_hash)


def end_session(store: Store, token_hash: str) -> None:
    """Logout: this session stops working, also for anyone holding a copy of the cookie."""
    with store.write() as connection:
        connection.execute(
            update(sessions)
            .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def end_all_sessions(connection: Connection, account_id: int) -> int:
    """Sign the account out everywhere (password change, an admin's decision); how many ended."""
    return connection.execute(
        update(sessions)
        .where(sessions.c.account_id == account_id, sessions.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount


def prune_sessions(store: Store) -> int:
    """Delete sessions that can no longer sign anyone in: revoked, past their end, or idle longer than
    a reader's session may be (the longest idle time); how many went."""
    now = utcnow()
    with store.write() as connection:
        return connection.execute(
            delete(sessions).where(or_(
                sessions.c.revoked_at.is_not(None),
                sessions.c.expires_at <= now,
                sessions.c.last_seen_at < now - timedelta(seconds=READER_IDLE_SECONDS),
            ))
        ).rowcount


@dataclass(frozen=True)
class ApiToken:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def create_api_token(store: Store, account_id: int, name: str) -> tuple[ApiToken, str]:
    """A new personal token for a staff account; the secret is returned once and only hashed at rest."""
    name = name.strip()
    if not name or len(name) > MAX_TOKEN_NAME_CHARS:
        raise InvalidInput(f"1 to {MAX_TOKEN_NAME_CHARS} characters", field="name")
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    values = {"account_id": account_id, "name": name, "token_prefix": secret[:SHOWN_PREFIX_CHARS],
              "token_hash": _digest(secret), "created_at": now, "last_used_at": None, "revoked_at": None}
    with store.write() as connection:
        token_id = connection.execute(insert(api_tokens).returning(api_tokens.c.id), values).scalar_one()
    return ApiToken(token_id, name, values["token_prefix"], now, None, None), secret


def list_api_tokens(store: Store, account_id: int) -> list[ApiToken]:
    with store.read() as connection:
        rows = connection.execute(
            select(api_tokens).where(api_tokens.c.account_id == account_id).order_by(api_tokens.c.id)
        )
        return [ApiToken(row.id, row.name, row.token_prefix, as_utc(row.created_at), as_utc(row.last_used_at),
                         as_utc(row.revoked_at)) for row in rows]


def revoke_api_token(store: Store, account_id: int, token_id_or_prefix: str) -> ApiToken:
    """Revoke one of the account's tokens, named by its id or the prefix `rostra admin token --list` shows."""
    with store.write() as connection:
        condition = api_tokens.c.token_prefix == token_id_or_prefix
        if token_id_or_prefix.isdigit():
            condition = api_tokens.c.id == int(token_id_or_prefix)
        row = connection.execute(
            select(api_tokens.c.id).where(api_tokens.c.account_id == account_id, condition)
        ).first()
        if row is None:
            raise NotFound(f"no token {token_id_or_prefix!r} for this account", field="token")
        connection.execute(
            update(api_tokens).where(api_tokens.c.id == row.id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    return next(token for token in list_api_tokens(store, account_id) if token.id == row.id)


_API_TOKEN = (
    select(api_tokens.c.id, api_tokens.c.revoked_at, api_tokens.c.last_used_at, accounts.c.id.label("account_id"),
           accounts.c.username, accounts.c.display_name, accounts.c.role, accounts.c.is_admin)
    .join_from(api_tokens, accounts, api_tokens.c.account_id == accounts.c.id)
    .where(api_tokens.c.token_hash == bindparam("token_hash"))
)
_TOKEN_USED = update(api_tokens).where(api_tokens.c.id == bindparam("token_id")).values(
    last_used_at=bindparam("now")
)


def resolve_api_token(store: Store, secret: str) -> SignedIn | None:
    """The account of a Bearer token; None when unknown or revoked."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    with store.read() as connection:
        row = connection.execute(_API_TOKEN, {"token_hash": _digest(secret)}).first()
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    last_used = as_utc(row.last_used_at)
    if last_used is None or now - last_used > timedelta(seconds=TOUCH_INTERVAL_SECONDS):
        store.run_write(lambda connection: connection.execute(_TOKEN_USED, {"token_id": row.id, "now": now}))
    return SignedIn(row.account_id, row.username, row.display_name, effective_role(row.role, row.is_admin))
