"""Sanctions on authors: bans, suspensions that expire, and always-pre-moderate; each one written to
the audit log (the record of changes that are not a comment's status), and enforced on every write path (post, edit, delete, react, report, sign-up and
sign-in) by `SanctionBook.enforce`.

A sanction copies the author's identities (account, guest key, browser key) and, when asked, their
e-mail and the truncated network of their latest address, so a write is checked in memory against
what the request carries: dropping the cookie does not escape a ban that names the browser key or the
address range.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from rostra.actions.errors import Conflict, InvalidInput, NotFound, Sanctioned
from rostra.actions.identity import Viewer, WriteOrigin
from rostra.actions.sites import audit
from rostra.guards.addresses import in_network
from rostra.store import Store
from rostra.store.queries import as_utc, utcnow
from rostra.store.tables import audit_log, authors, comments, sanctions
from rostra.vocabulary import AUTHOR_SUBJECT, SANCTION_KINDS

REFUSING_KINDS = ("ban", "suspension")  # the others still let the author write
SEVERITY = {"ban": 3, "suspension": 2, "premoderation": 1}
BOOK_REFRESH_SECONDS = 5.0  # how soon another worker process sees a new or lifted sanction
MAX_REASON_CHARS = 1000
MAX_SANCTION_DAYS = 3650


@dataclass(frozen=True)
class Sanction:
    id: int
    kind: str
    author_id: int | None
    account_id: int | None
    guest_key: str | None
    browser_key: str | None
    email: str | None
    address_network: str | None
    reason: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    lifted_by: str | None
    lifted_at: datetime | None

    @classmethod
    def from_row(cls, row) -> Sanction:
        values = dict(row._mapping)
        for name in ("created_at", "expires_at", "lifted_at"):
            values[name] = as_utc(values[name])
        return cls(**values)

    def active(self, now: datetime) -> bool:
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > now)

    def matches(self, viewer: Viewer, origin: WriteOrigin | None, email: str | None) -> bool:
        if self.account_id is not None and viewer.account_id == self.account_id:
            return True
        if self.guest_key is not None and not viewer.is_new and viewer.guest_key == self.guest_key:
            return True
        if origin is not None:
            if self.browser_key is not None and origin.browser_key == self.browser_key:
                return True
            if self.address_network is not None and in_network(origin.address, self.address_network):
                return True
        return self.email is not None and email is not None and email.strip().lower() == self.email

    def to_json(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "author_id": self.author_id, "reason": self.reason,
            "by_email": self.email is not None, "address_network": self.address_network,
            "created_by": self.created_by, "created_at": self.created_at, "expires_at": self.expires_at,
            "lifted_by": self.lifted_by, "lifted_at": self.lifted_at, "active": self.active(utcnow()),
        }


def refusal(sanction: Sanction) -> Sanctioned:
    """The message a sanctioned author sees: what, and until when (the moderator's reason stays internal)."""
    if sanction.kind == "ban":
        detail = "you are banned from writing here"
    else:
        detail = f"you are suspended from writing here until {sanction.expires_at:%Y-%m-%d %H:%M} UTC"
    return Sanctioned(detail, field=None,
                      sanction={"kind": sanction.kind, "until": sanction.expires_at.isoformat()
                                if sanction.expires_at else None})


class SanctionBook:
    """The active sanctions, held in memory and read again from the database every few seconds (and
    at once after this process changes one), so checking a write costs no query."""

    def __init__(self, store: Store, clock=time.monotonic):
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._active: tuple[Sanction, ...] = ()
        self._loaded_at: float | None = None

    def invalidate(self) -> None:
        self._loaded_at = None

    def _current(self) -> tuple[Sanction, ...]:
        now = self._clock()
        if self._loaded_at is None or now - self._loaded_at >= BOOK_REFRESH_SECONDS:
            with self._lock:
                if self._loaded_at is None or now - self._loaded_at >= BOOK_REFRESH_SECONDS:
                    with self._store.read() as connection:
                        rows = connection.execute(select(sanctions).where(sanctions.c.lifted_at.is_(None)))
                        self._active = tuple(Sanction.from_row(row) for row in rows)
                    self._loaded_at = now
        return self._active

    def strongest(self, viewer: Viewer, origin: WriteOrigin | None = None, email: str | None = None) -> Sanction | None:
        """The most severe active sanction that matches this writer, if any."""
        moment = utcnow()
        found = [s for s in self._current() if s.active(moment) and s.matches(viewer, origin, email)]
        return max(found, key=lambda s: SEVERITY[s.kind]) if found else None

    def enforce(self, viewer: Viewer, origin: WriteOrigin | None = None, email: str | None = None) -> Sanction | None:
        """Refuse a banned or suspended writer (403 `sanctioned`); otherwise the milder sanction (such
        as always-pre-moderate) that still applies, if any."""
        sanction = self.strongest(viewer, origin, email)
        if sanction is not None and sanction.kind in REFUSING_KINDS:
            raise refusal(sanction)
        return sanction


def _log(connection: Connection, author_id: int | None, actor: str, action: str, sanction: dict, note: str) -> None:
    audit(connection, actor=actor, action=action, subject_type=AUTHOR_SUBJECT, subject_id=author_id,
          after=_loggable(sanction), note=note[:MAX_REASON_CHARS])


def _loggable(sanction: dict) -> dict:
    """The sanction as the audit log keeps it: JSON values, no identities (keys, e-mail)."""
    kept = ("id", "kind", "reason", "address_network", "expires_at", "lifted_at")
    return {name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in sanction.items() if name in kept}


def impose(
    store: Store,
    book: SanctionBook,
    author_id: int,
    kind: str,
    reason: str,
    actor: str,
    days: float | None = None,
    by_email: bool = False,
    address_network: str | None = None,
    by_latest_address: bool = False,
) -> dict:
    """Sanction an author. A suspension needs `days`; a ban or always-pre-moderate may have them too.
    `by_email` also matches writes giving the author's e-mail; `address_network` (CIDR) or
    `by_latest_address` (the /24 or /48 of their latest comment) also matches writes from that range."""
    if kind not in SANCTION_KINDS:
        raise InvalidInput(f"must be one of {', '.join(SANCTION_KINDS)}", field="kind")
    if kind == "suspension" and days is None:
        raise InvalidInput("a suspension needs a number of days", field="days")
    if days is not None and not 0 < days <= MAX_SANCTION_DAYS:
        raise InvalidInput(f"must be more than 0 and at most {MAX_SANCTION_DAYS}", field="days")
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_CHARS:
        raise InvalidInput(f"say why, in at most {MAX_REASON_CHARS} characters", field="reason")
    if address_network is not None:
        try:
            address_network = str(ipaddress.ip_network(address_network, strict=False))
        except ValueError:
            raise InvalidInput("not an IP address or CIDR network", field="address_network") from None

    def record(connection: Connection) -> dict:
        author = connection.execute(select(authors).where(authors.c.id == author_id)).first()
        if author is None:
            raise NotFound(f"no author {author_id}", field="author_id")
        network = address_network
        if by_latest_address:
            network = connection.execute(
                select(comments.c.address_network)
                .where(comments.c.author_id == author_id, comments.c.address_network.is_not(None))
                .order_by(comments.c.id.desc()).limit(1)
            ).scalar_one_or_none()
            if network is None:
                raise Conflict("no address of this author is still kept", field="by_latest_address")
        if by_email and not author.email:
            raise Conflict("this author gave no e-mail address", field="by_email")
        now = utcnow()
        expires_at = now + timedelta(days=days) if days is not None else None
        values = {
            "kind": kind, "author_id": author_id, "account_id": author.account_id, "guest_key": author.guest_key,
            "browser_key": author.browser_key, "email": author.email.strip().lower() if by_email else None,
            "address_network": network, "reason": reason, "created_by": actor, "created_at": now,
            "expires_at": expires_at, "lifted_by": None, "lifted_at": None,
        }
        sanction_id = connection.execute(insert(sanctions).values(**values).returning(sanctions.c.id)).scalar_one()
        until = f" until {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ""
        scope = "".join((" and by e-mail" if by_email else "", f" and from {network}" if network else ""))
        _log(connection, author_id, actor, f"sanction.{kind}", {"id": sanction_id, **values},
             f"{kind}{until}{scope}: {reason}")
        return Sanction(id=sanction_id, **values).to_json()

    answer = store.run_write(record)
    book.invalidate()
    return answer


def lift(store: Store, book: SanctionBook, sanction_id: int, actor: str) -> dict:
    """End a sanction before it expires; logged like its start."""

    def record(connection: Connection) -> dict:
        row = connection.execute(select(sanctions).where(sanctions.c.id == sanction_id)).first()
        if row is None:
            raise NotFound(f"no sanction {sanction_id}", field="sanction_id")
        if row.lifted_at is not None:
            raise Conflict("this sanction was already lifted", field="sanction_id")
        now = utcnow()
        connection.execute(update(sanctions).where(sanctions.c.id == sanction_id)
                           .values(lifted_by=actor, lifted_at=now))
        _log(connection, row.author_id, actor, "sanction.lifted", {**row._mapping, "lifted_at": now},
             f"{row.kind} {sanction_id} lifted")
        return {**Sanction.from_row(row).to_json(), "lifted_by": actor, "lifted_at": now, "active": False}

    answer = store.run_write(record)
    book.invalidate()
    return answer


# The comments a "reject all their comments" sweeps away: what readers see or may soon see.
_REJECTABLE = ("pending", "approved", "withheld")


def sanction_author(store: Store, book: SanctionBook, staff, author_id: int, kind: str, reason: str,
                    days: float | None = None, by_email: bool = False, reject_comments: bool = False) -> dict:
    """A moderator's sanction from the author drawer; with `reject_comments`, every comment of the
    author still pending or shown is rejected too, as one bulk moderator action (logged, undoable)."""
    from rostra.actions.moderation import moderate

    sanction = impose(store, book, author_id, kind, reason, f"moderator:{staff.username}", days=days,
                      by_email=by_email)
    if reject_comments:
        with store.read() as connection:
            ids = connection.execute(select(comments.c.id).where(
                comments.c.author_id == author_id, comments.c.status.in_(_REJECTABLE))).scalars().all()
        if ids:
            moderate(store, staff, "reject", list(ids), reason=f"{kind} of the author: {reason.strip()}")
    return sanction


def sanctions_of(connection: Connection, author_id: int) -> list[Sanction]:
    rows = connection.execute(select(sanctions).where(sanctions.c.author_id == author_id).order_by(sanctions.c.id))
    return [Sanction.from_row(row) for row in rows]


def author_log(store: Store, author_id: int) -> list[dict]:
    """The audit log's entries about the author (sanctions given and lifted), oldest first."""
    with store.read() as connection:
        rows = connection.execute(
            select(audit_log).where(audit_log.c.subject_type == AUTHOR_SUBJECT, audit_log.c.subject_id == author_id)
            .order_by(audit_log.c.id)
        )
        return [{**row._mapping, "created_at": as_utc(row.created_at)} for row in rows]
