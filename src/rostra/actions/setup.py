"""First start: schema, the default site with its allowed origins, and a demo story to look at."""

from __future__ import annotations

from sqlalchemy import func, select

from typing import TYPE_CHECKING

from rostra.actions.comments import post_comment
from rostra.actions.identity import Viewer
from rostra.actions.sites import ensure_site
from rostra.actions.stories import DEFAULT_SITE, get_or_create_story
from rostra.config import Settings
from rostra.moderation import CommentInput, Verdict
from rostra.store import Store
from rostra.store.tables import stories

if TYPE_CHECKING:
    from rostra.runtime import Runtime

DEMO_ACTOR = "rostra-setup"
DEMO_PATH = "/rostra-demo"
DEMO_TITLE = "Welcome to Rostra"
DEMO_TEXT = "A demo story created on first start, so there is a thread to look at."
DEMO_COMMENTS = (
    ("Ada", "First! Comments here support *emphasis*, [links](https://example.org) and `code`.", None),
    ("Grace", "> First!\n\nReplies nest as deep as the conversation goes.", 0),
    ("Linus", "Deleting a comment keeps its replies readable.", 1),
    ("Margaret", "Every comment is checked by the moderation engine on this machine.", None),
)


class _ApproveDemo:
    """Demo comments are written by Rostra itself, so they skip the moderation engine."""

    def moderate(self, comment: CommentInput) -> Verdict:
        return Verdict(decision="approve", scores={}, reasons=(), model="none (demo content)")


def prepare(store: Store, settings: Settings) -> int:
    """Migrate, sync the default site's origins, and return its id."""
    store.migrate()
    return ensure_site(store, DEFAULT_SITE, settings.allowed_origins)


def create_demo(runtime: Runtime) -> int | None:
    """Add the demo story and comments when the database has no story yet; returns its id."""
    store, settings = runtime.store, runtime.settings
    with store.read() as connection:
        if connection.execute(select(func.count()).select_from(stories)).scalar_one():
            return None
    story, created = get_or_create_story(store, settings.allowed_origins[0] + DEMO_PATH, DEMO_TITLE, DEMO_TEXT)
    if not created:
        return None
    posted: list[int] = []
    for index, (name, body, parent_index) in enumerate(DEMO_COMMENTS):
        comment = post_comment(
            runtime,
            Viewer(guest_key=f"rostra-demo-{index}"),
            story["id"],
            body,
            parent_id=posted[parent_index] if parent_index is not None else None,
            author_name=name,
            actor=DEMO_ACTOR,
            engine=_ApproveDemo(),
        )
        posted.append(comment["id"])
    return story["id"]
