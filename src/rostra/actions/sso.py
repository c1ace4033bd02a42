"""A site's own reader accounts (single sign-on): the site's page passes a token it signed with the
site's `sso_secret` (JWT, HS256) naming its reader; Rostra trusts it for that site, creates or updates
a Rostra account for that reader, and signs them in without asking for a password.

Claims: `sub` (the site's id for the reader, required), `name` (display name, required), `email`
(optional), `exp` (required: a token that never expires could be replayed forever)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import jwt
from sqlalchemy import select, update

from rostra.actions.errors import Forbidden, NotFound, NotSignedIn
from rostra.actions.identity import Viewer, ensure_author_row
from rostra.store.queries import get_story, insert_ignoring_duplicates, utcnow
from rostra.store.tables import accounts

if TYPE_CHECKING:
    from rostra.runtime import Runtime

ALGORITHM = "HS256"
CLOCK_SKEW_SECONDS = 30  # the site's clock and ours may differ this much
MAX_NAME_CHARS = 200
MAX_EMAIL_CHARS = 254
# Never a valid argon2 hash: an account made by sign-on has no password to sign in with.
NO_PASSWORD = "!single-sign-on"


def _username(site_id: int, subject: str) -> str:
    """The account's name: per site, from the site's reader id. It contains ':', which registered
    usernames cannot, so the two kinds never collide."""
    return f"sso:{site_id}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"


def _claims(token: str, secret: str) -> tuple[str, str, str | None]:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], leeway=CLOCK_SKEW_SECONDS,
                            options={"require": ["sub", "exp"]})
    except jwt.ExpiredSignatureError:
        raise NotSignedIn("the site's sign-in token has expired", field="token") from None
    except jwt.InvalidTokenError as error:
        raise NotSignedIn(f"the site's sign-in token is not valid: {error}", field="token") from None
    subject, name, email = claims.get("sub"), claims.get("name"), claims.get("email")
    if not isinstance(subject, str) or not subject.strip():
        raise NotSignedIn("the token's 'sub' must name the reader", field="token")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        raise NotSignedIn(f"the token's 'name' must be 1 to {MAX_NAME_CHARS} characters", field="token")
    if email is not None and (not isinstance(email, str) or len(email) > MAX_EMAIL_CHARS or "@" not in email):
        raise NotSignedIn("the token's 'email' is not an e-mail address", field="token")
    return subject, name.strip(), email


def sign_in_with_site_token(runtime: Runtime, viewer: Viewer, story_id: int, token: str) -> Viewer:
    """The reader the token names, signed in: their account (created on first sign-on, its name and
    e-mail updated from the token every time) and author row. Refused unless the story's site has
    an `sso_secret` and signed this token with it."""
    with runtime.store.read() as connection:
        story = get_story(connection, story_id)
    if story is None:
        raise NotFound(f"no story {story_id}", field="story_id")
    secret = runtime.site(story.site_id).sso_secret
    if not secret:
        raise Forbidden("this site has no single sign-on", field="token")
    subject, name, email = _claims(token, secret)
    username = _username(story.site_id, subject)

    def upsert(connection) -> Viewer:
        insert_ignoring_duplicates(
            connection, accounts,
            {"username": username, "password_hash": NO_PASSWORD, "display_name": name, "email": email,
             "role": "reader", "created_at": utcnow()},
            keys=["username"],
        )
        account_id = connection.execute(select(accounts.c.id).where(accounts.c.username == username)).scalar_one()
        connection.execute(update(accounts).where(accounts.c.id == account_id).values(display_name=name, email=email))
        signed_in = Viewer(guest_key=viewer.guest_key, account_id=account_id)
        ensure_author_row(connection, signed_in)
        return signed_in

    return runtime.store.run_write(upsert)
