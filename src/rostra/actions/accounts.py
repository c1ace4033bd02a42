"""Accounts: readers' sign-up, staff created by `rostra admin create`, sign-in with argon2-hashed
passwords, password changes (which end every session) and roles."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from rostra.actions.errors import Conflict, InvalidInput, NotFound, NotSignedIn
from rostra.actions.readable import name_problem
from rostra.actions.sessions import effective_role, end_all_sessions
from rostra.store import Store
from rostra.store.queries import insert_returning_id, utcnow
from rostra.store.tables import accounts
from rostra.vocabulary import ACCOUNT_ROLES, ROLES

STAFF_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_EMAIL_CHARS = 254

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


def _hash_password(password: str, field: str = "password") -> str:
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise InvalidInput(f"must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long", field=field)
    return _hasher.hash(password)


def register(store: Store, username: str, password: str, display_name: str, email: str | None) -> int:
    """Create an account and return its id."""
    username = _check_username(username)
    problem = name_problem(display_name)
    if problem:
        raise InvalidInput(problem, field="display_name")
    password_hash = _hash_password(password)
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


def _username_from_email(connection, email: str) -> str:
    """A free username made of the address's local part: ada@news.example -> ada, then ada-2, ..."""
    local = re.sub(r"[^a-z0-9_.-]+", "-", email.split("@", 1)[0].lower()).strip("-._")[:28] or "staff"
    local = local if len(local) >= 3 else f"{local}-staff"
    taken = set(connection.execute(select(accounts.c.username).where(accounts.c.username.like(f"{local}%"))).scalars())
    candidate, number = local, 1
    while candidate in taken:
        number += 1
        candidate = f"{local}-{number}"
    return candidate


def create_staff(store: Store, email: str, role: str, password: str) -> dict:
    """A moderator or admin account signed in by e-mail address (`rostra admin create`)."""
    email = email.strip().lower()
    if len(email) > MAX_EMAIL_CHARS or not STAFF_EMAIL.fullmatch(email):
        raise InvalidInput("not an e-mail address", field="email")
    if role not in ("moderator", "admin"):
        raise InvalidInput("must be moderator or admin", field="role")
    password_hash = _hash_password(password)

    def create(connection) -> dict:
        if connection.execute(select(accounts.c.id).where(func.lower(accounts.c.email) == email)).first():
            raise Conflict(f"an account with {email} exists; change its role with rostra set-role", field="email")
        username = _username_from_email(connection, email)
        values = {"username": username, "password_hash": password_hash, "display_name": username, "email": email,
                  "role": "moderator", "is_admin": role == "admin", "created_at": utcnow()}
        account_id = insert_returning_id(connection, accounts, values)
        return {"id": account_id, "username": username, "email": email, "role": role}

    return store.run_write(create)


def find_account(store: Store, username_or_email: str) -> dict | None:
    """An account by username or e-mail address (as staff sign in)."""
    key = username_or_email.strip().lower()
    with store.read() as connection:
        row = connection.execute(
            select(accounts.c.id, accounts.c.username, accounts.c.email, accounts.c.role, accounts.c.is_admin)
            .where(or_(accounts.c.username == key, func.lower(accounts.c.email) == key))
            .order_by(accounts.c.id)
        ).first()
    if row is None:
        return None
    return {"id": row.id, "username": row.username, "email": row.email,
            "role": effective_role(row.role, row.is_admin)}


def sign_in(store: Store, username: str, password: str) -> int:
    """The account id when the password matches; the same error whether the user or password is wrong.
    Staff may give their e-mail address instead of the username."""
    key = username.strip().lower()
    with store.read() as connection:
        row = connection.execute(
            select(accounts.c.id, accounts.c.password_hash)
            .where(or_(accounts.c.username == key, func.lower(accounts.c.email) == key))
            .order_by(accounts.c.id)
        ).first()
    try:
        _hasher.verify(row.password_hash if row else _UNKNOWN_USER_HASH, password)
    except (VerificationError, InvalidHashError):
        row = None
    if row is None:
        raise NotSignedIn("unknown username or wrong password", field="password")
    return row.id


def change_password(store: Store, account_id: int, current: str, new: str) -> None:
    """Replace the password once the current one is confirmed; every session of the account ends, so
    whoever else knew the old password or held a cookie is signed out."""
    with store.read() as connection:
        stored = connection.execute(
            select(accounts.c.password_hash).where(accounts.c.id == account_id)
        ).scalar_one_or_none()
    try:
        _hasher.verify(stored or _UNKNOWN_USER_HASH, current)
    except (VerificationError, InvalidHashError):
        raise NotSignedIn("the current password is wrong", field="current_password") from None
    new_hash = _hash_password(new, field="new_password")
    with store.write() as connection:
        connection.execute(update(accounts).where(accounts.c.id == account_id).values(password_hash=new_hash))
        end_all_sessions(connection, account_id)


def sign_out_everywhere(store: Store, account_id: int) -> int:
    """End every session of the account; how many were open."""
    with store.write() as connection:
        return end_all_sessions(connection, account_id)


def account_summary(store: Store, account_id: int) -> dict | None:
    with store.read() as connection:
        row = connection.execute(
            select(accounts.c.id, accounts.c.username, accounts.c.display_name, accounts.c.role, accounts.c.is_admin)
            .where(accounts.c.id == account_id)
        ).first()
    if row is None:
        return None
    return {"id": row.id, "username": row.username, "display_name": row.display_name,
            "role": effective_role(row.role, row.is_admin)}


def set_role(store: Store, username: str, role: str) -> None:
    """Make an account an admin, a moderator or a reader again; a changed role ends its sessions."""
    if role not in ROLES:
        raise InvalidInput(f"must be one of {', '.join(ROLES)}", field="role")
    stored_role = role if role in ACCOUNT_ROLES else "moderator"
    key = username.strip().lower()
    with store.write() as connection:
        account_id = connection.execute(
            select(accounts.c.id).where(or_(accounts.c.username == key, func.lower(accounts.c.email) == key))
        ).scalar_one_or_none()
        if account_id is None:
            raise NotFound(f"no account named {username!r}", field="username")
        connection.execute(
            update(accounts).where(accounts.c.id == account_id).values(role=stored_role, is_admin=role == "admin")
        )
        end_all_sessions(connection, account_id)
