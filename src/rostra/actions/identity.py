"""Who is asking: a guest (random key in a signed cookie) or a signed-in account (a server-side session
or a personal API token), and their author row."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select, update

from rostra.actions.sessions import SignedIn
from rostra.store.queries import insert_ignoring_duplicates, utcnow
from rostra.store.tables import accounts, authors

DEFAULT_GUEST_NAME = "Guest"


@dataclass(frozen=True)
class WriteOrigin:
    """Where a write comes from, beyond the session: the reader's address (held in memory for this
    request only; `address_hash` and `address_network` are what may be stored) and the browser key
    the widget keeps in local storage, which outlives a lost or dropped cookie."""

    address: str
    address_hash: str
    address_network: str | None
    browser_key: str | None = None

    def with_browser_key(self, browser_key: str | None) -> WriteOrigin:
        if not browser_key or browser_key == self.browser_key:
            return self
        return WriteOrigin(self.address, self.address_hash, self.address_network, browser_key)


@dataclass(frozen=True)
class Viewer:
    """The reader behind a request; `account_id` and `signed_in` are set once they sign in.
    `by_token` marks a request authenticated by an API token, not a cookie (so it needs no CSRF token)."""

    guest_key: str
    account_id: int | None = None
    is_new: bool = False
    signed_in: SignedIn | None = None
    by_token: bool = False

    @classmethod
    def new_guest(cls) -> Viewer:
        """A reader without a session yet: nothing in the database can be theirs."""
        return cls(guest_key=secrets.token_urlsafe(24), is_new=True)

    @property
    def rate_limit_key(self) -> str:
        return f"account:{self.account_id}" if self.account_id else f"guest:{self.guest_key}"


_AUTHOR_OF_ACCOUNT = select(authors.c.id).where(authors.c.account_id == bindparam("key"))
_AUTHOR_OF_GUEST = select(authors.c.id).where(authors.c.guest_key == bindparam("key"))


def find_author_id(connection: Connection, viewer: Viewer) -> int | None:
    """The viewer's author row, if they ever wrote, reacted or reported."""
    if viewer.is_new:
        return None
    if viewer.account_id is not None:
        return connection.execute(_AUTHOR_OF_ACCOUNT, {"key": viewer.account_id}).scalar_one_or_none()
    return connection.execute(_AUTHOR_OF_GUEST, {"key": viewer.guest_key}).scalar_one_or_none()


_GUEST_OF_BROWSER = (
    select(authors.c.guest_key)
    .where(authors.c.browser_key == bindparam("key"), authors.c.guest_key.is_not(None))
    .order_by(authors.c.id)
    .limit(1)
)


def restore_guest(connection: Connection, viewer: Viewer, browser_key: str | None) -> Viewer:
    """A reader without a session whose browser key is known gets their guest identity back, so that
    clearing cookies neither loses their comments nor makes a new reader of them."""
    if not viewer.is_new or not browser_key:
        return viewer
    guest_key = connection.execute(_GUEST_OF_BROWSER, {"key": browser_key}).scalar_one_or_none()
    return viewer if guest_key is None else Viewer(guest_key=guest_key)


_ACCOUNT_PROFILE = select(accounts.c.display_name, accounts.c.email).where(accounts.c.id == bindparam("key"))
_AUTHOR_BY = {
    column: select(authors.c.id, authors.c.display_name, authors.c.email, authors.c.browser_key)
    .where(authors.c[column] == bindparam("key"))
    for column in ("account_id", "guest_key")
}


@dataclass(frozen=True)
class Author:
    """The viewer's author row as `ensure_author_row` left it."""

    id: int
    display_name: str


def ensure_author(
    connection: Connection, viewer: Viewer, display_name: str | None = None, email: str | None = None,
    browser_key: str | None = None,
) -> int:
    """The viewer's author id, created on first write."""
    return ensure_author_row(connection, viewer, display_name, email, browser_key).id


def ensure_author_row(
    connection: Connection, viewer: Viewer, display_name: str | None = None, email: str | None = None,
    browser_key: str | None = None,
) -> Author:
    """The viewer's author row, created on first write; a guest's new name, e-mail or browser key
    replaces the old."""
    if viewer.account_id is not None:
        account = connection.execute(_ACCOUNT_PROFILE, {"key": viewer.account_id}).one()
        column, key = "account_id", viewer.account_id
        display_name, email = account.display_name, account.email
    else:
        column, key = "guest_key", viewer.guest_key
    row = None if viewer.is_new else connection.execute(_AUTHOR_BY[column], {"key": key}).first()
    if row is None:
        insert_ignoring_duplicates(
            connection,
            authors,
            {column: key, "display_name": display_name or DEFAULT_GUEST_NAME, "email": email,
             "browser_key": browser_key, "created_at": utcnow()},
            keys=[column],
        )
        row = connection.execute(_AUTHOR_BY[column], {"key": key}).one()
    changes = {}
    if display_name and display_name != row.display_name:
        changes["display_name"] = display_name
    if email and email != row.email:
        changes["email"] = email
    if browser_key and browser_key != row.browser_key:
        changes["browser_key"] = browser_key
    if changes:
        connection.execute(update(authors).where(authors.c.id == row.id).values(**changes))
    return Author(row.id, changes.get("display_name", row.display_name))
