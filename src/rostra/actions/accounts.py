"""Registered readers: sign-up and sign-in with argon2-hashed passwords, and the moderator role."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from rostra.actions.errors import Conflict, InvalidInput, NotFound, NotSignedIn
from rostra.actions.readable import name_problem
from rostra.store import Store
from rostra.store.queries import insert_returning_id, utcnow
from rostra.store.tables import ACCOUNT_ROLES, accounts

USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{2,31}")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1000

_hasher = PasswordHasher()
# Compared against when the username is unknown, so sign-in takes as long either way.
_UNKNOWN_USER_HASH = _hasher.hash("no such account")


def _check_username(username: str) -> str:
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise InvalidInput(
            "3 to 32 characters: letters, digits, '_', '.' or '-', starting with a letter or digit",
            field="username",
        )
    return username


def register(store: Store, username: str, password: str, display_name: str, email: str | None) -> int:
    """Create an account and return its id."""
    username = _check_username(username)
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise InvalidInput(
            f"must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long", field="password"
        )
    problem = name_problem(display_name)
    if problem:
        raise InvalidInput(problem, field="display_name")
    password_hash = _hasher.hash(password)
    values = {
        "username": username,
        "password_hash": password_hash,
        "display_name": display_name,
        "email": email,
        "role": "reader",
        "created_at": utcnow(),
    }
    try:
        return store.run_write(lambda connection: insert_returning_id(connection, accounts, values))
    except IntegrityError:
        raise Conflict("this username is taken", field="username") from None


def sign_in(store: Store, username: str, password: str) -> int:
    """The account id when the password matches; the same error whether the user or password is wrong."""
    with store.read() as connection:
        row = connection.execute(
            select(accounts.c.id, accounts.c.password_hash).where(accounts.c.username == username.strip().lower())
        ).first()
    try:
        _hasher.verify(row.password_hash if row else _UNKNOWN_USER_HASH, password)
    except (VerificationError, InvalidHashError):
        row = None
    if row is None:
        raise NotSignedIn("unknown username or wrong password", field="password")
    return row.id


def account_summary(store: Store, account_id: int) -> dict | None:
    with store.read() as connection:
        row = connection.execute(
            select(accounts.c.id, accounts.c.username, accounts.c.display_name, accounts.c.role).where(
                accounts.c.id == account_id
            )
        ).first()
    return dict(row._mapping) if row else None


def set_role(store: Store, username: str, role: str) -> None:
    """Make an account a moderator (or a reader again)."""
    if role not in ACCOUNT_ROLES:
        raise InvalidInput(f"must be one of {', '.join(ACCOUNT_ROLES)}", field="role")
    with store.write() as connection:
        changed = connection.execute(
            update(accounts).where(accounts.c.username == username.strip().lower()).values(role=role)
        ).rowcount
    if not changed:
        raise NotFound(f"no account named {username!r}", field="username")
