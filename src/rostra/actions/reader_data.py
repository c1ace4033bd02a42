"""A reader's own data: a download of everything they wrote, and erasure.

Erasure happens in two steps. At once, every comment of theirs becomes a "deleted" placeholder (the
text goes; replies under it stay readable), each change written to the moderation log. Their name
and e-mail address (and, for an account, its username and password) stay for a grace period, so
that moderators can still act on reports and abuse made under that name, and are then removed by
the `purge_erasures` job. The request and the removal are both in the audit log.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, update

from rostra.actions.errors import NotFound
from rostra.actions.identity import Viewer, find_author_id
from rostra.actions.moderation import log_status
from rostra.actions.sessions import end_all_sessions
from rostra.actions.sites import audit
from rostra.events import publish_on_commit
from rostra.importers import rostra_format
from rostra.store import Store
from rostra.store.queries import as_utc, utcnow
from rostra.store.tables import accounts, authors, comments, stories
from rostra.vocabulary import AUTHOR_SUBJECT

if TYPE_CHECKING:
    from rostra.runtime import Runtime

ERASURE_GRACE = timedelta(days=30)
ERASED_NAME = "Deleted reader"
UNUSABLE_PASSWORD_HASH = "!erased"  # no argon2 hash looks like this: nobody can sign in again


def own_comments_export(runtime: Runtime, viewer: Viewer) -> str:
    """Every comment the reader wrote, in any status, as Rostra JSON Lines (docs/import-export.md),
    under the stories they wrote on; only the header when nothing of theirs is stored."""
    with runtime.store.read() as connection:
        author_id = find_author_id(connection, viewer)
    output = io.StringIO()
    rostra_format.export(runtime.store, output, author_ids=[author_id] if author_id is not None else [])
    return output.getvalue()


def request_erasure(runtime: Runtime, viewer: Viewer) -> dict:
    """Turn the reader's comments into placeholders now and schedule their personal data's removal."""

    def erase(connection: Connection) -> dict:
        author_id = find_author_id(connection, viewer)
        if author_id is None:
            raise NotFound("nothing of yours is stored here", field=None)
        now = utcnow()
        actor = f"author:{author_id}"
        rows = connection.execute(
            select(comments.c.id, comments.c.status, comments.c.story_id, stories.c.site_id)
            .join_from(comments, stories, stories.c.id == comments.c.story_id)
            .where(comments.c.author_id == author_id, comments.c.status != "deleted")
        ).all()
        if rows:
            connection.execute(
                update(comments).where(comments.c.id.in_([row.id for row in rows]))
                .values(status="deleted", body_markdown="", body_html="", deleted_at=now)
            )
        for row in rows:
            log_status(connection, row.id, actor, row.status, "deleted", note="erased at the author's request")
            publish_on_commit(connection, "comment.deleted", site_id=row.site_id, story_id=row.story_id,
                              payload={"comment_id": row.id, "previous_status": row.status})
        requested = connection.execute(select(authors.c.erasure_requested_at).where(authors.c.id == author_id)
                                       ).scalar_one()
        if requested is None:
            requested = now
            connection.execute(update(authors).where(authors.c.id == author_id).values(erasure_requested_at=now))
            audit(connection, actor=actor, action="erasure.requested", subject_type=AUTHOR_SUBJECT,
                  subject_id=author_id,
                  note=f"{len(rows)} comments made placeholders; name and e-mail removed after the grace period")
        return {"comments_erased": len(rows), "personal_data_removed_after": as_utc(requested) + ERASURE_GRACE}

    return runtime.store.run_write(erase)


def purge_erasures(store: Store, now: datetime | None = None, grace: timedelta = ERASURE_GRACE) -> int:
    """Remove the name and e-mail address of every reader whose erasure grace period is over (and
    close their account); returns how many. Safe to run again: erased authors are not touched twice."""
    now = now or utcnow()
    with store.write() as connection:
        due = connection.execute(
            select(authors.c.id, authors.c.account_id)
            .where(authors.c.erasure_requested_at <= now - grace, authors.c.erased_at.is_(None))
        ).all()
        for author_id, account_id in due:
            connection.execute(update(authors).where(authors.c.id == author_id)
                               .values(display_name=ERASED_NAME, email=None, browser_key=None, erased_at=now))
            connection.execute(update(comments).where(comments.c.author_id == author_id)
                               .values(address_hash=None, address_network=None))
            if account_id is not None:
                connection.execute(update(accounts).where(accounts.c.id == account_id).values(
                    username=f"erased-{account_id}", display_name=ERASED_NAME, email=None,
                    password_hash=UNUSABLE_PASSWORD_HASH))
                end_all_sessions(connection, account_id)  # a closed account signs nobody in
            for comment_id in connection.execute(select(comments.c.id).where(comments.c.author_id == author_id)
                                                 ).scalars():
                log_status(connection, comment_id, "rostra-erasure", "deleted", "deleted",
                           note="the author's name and e-mail address were removed (erasure)")
            audit(connection, actor="rostra-erasure", action="erasure.completed", subject_type=AUTHOR_SUBJECT,
                  subject_id=author_id, note="name and e-mail address removed; account closed" if account_id
                  else "name and e-mail address removed")
    return len(due)
