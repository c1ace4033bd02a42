"""First start: schema, the default site with its allowed origins, and a demo story to look at."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from urllib.parse import urlsplit

from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, select, update

from rostra.actions.comments import delete_comment, post_comment
from rostra.actions.identity import Viewer
from rostra.actions.moderation import ModerationEngine
from rostra.actions.reactions import react
from rostra.actions.reports import report
from rostra.actions.sites import ensure_site
from rostra.actions.stories import DEFAULT_SITE, get_or_create_story
from rostra.config import Settings
from rostra.moderation import CommentInput, Reason, Verdict
from rostra.store import Store
from rostra.store.queries import get_story, utcnow
from rostra.store.tables import comments, sites, stories

if TYPE_CHECKING:
    from rostra.runtime import Runtime

DEMO_ACTOR = "rostra-setup"
DEMO_PATH = "/demo"
DEMO_TITLE = "Council votes to cut three bus routes to close a €4.2 million gap"
DEMO_PARAGRAPHS = (
    "Riverside's city council voted 7 to 4 on Tuesday night to end bus routes 12, 31 and 44 from "
    "March, saving an estimated €4.2 million a year as the transport budget faces its largest "
    "shortfall in a decade.",
    "The three routes carry about 6,100 riders on a weekday, many of them students and older "
    "residents on the east side. Councillor Maria Okafor, who voted against, said the cuts would "
    "leave the Northgate estate without a direct line to the hospital.",
    "The transport department says on-demand minibuses will cover parts of the routes, booked by "
    "app or by phone, and a public consultation on fares opens next month.",
)
DEMO_TEXT = "\n\n".join(DEMO_PARAGRAPHS)
# (author, text, index of the comment it replies to, readers who like it)
DEMO_COMMENTS = (
    ("Helen Park", "I take the 31 to the hospital twice a week for dialysis. An \"on-demand minibus\" "
     "that needs a smartphone app is not a replacement. Has anyone on the council actually tried "
     "booking one?", None, 9),
    ("Tomás Reyes", "Same here. My mother doesn't own a smartphone and the phone line closes at 6 pm.", 0, 4),
    ("Dev Kapoor", "The article says the minibuses will cover *parts* of the routes. Which parts? The "
     "transport department's own map isn't published yet.", 0, 3),
    ("Helen Park", "> Which parts?\n\nExactly. I asked at the ward meeting and nobody could say.", 2, 2),
    ("Sam Whitfield", "Unpopular opinion: route 44 runs nearly empty after 10 am. I drive past it every "
     "day. Keeping empty buses running isn't free either.", None, 5),
    ("Aoife Brennan", "It runs empty at 10 am because they cut its frequency to one an hour in 2022. "
     "People stopped relying on it. That's how routes die.", 4, 11),
    ("Sam Whitfield", "Fair point, I didn't know about the 2022 change.", 5, 3),
    ("Grace Mensah", "Where is the €4.2 million figure from? The council's budget papers "
     "([item 9](https://example.org/council/budget-2027)) show the routes cost €3.1 million net of fares.",
     None, 14),
    ("Dev Kapoor", "The difference seems to be depot costs they'd save only if all three routes go.", 7, 6),
    ("Luca Moretti", "I was going to say something about the consultation, but I'll wait to read it.", None, 0),
    ("Northgate resident", "Students at Northgate College will now need two buses and a 20-minute walk. "
     "Enrolment from the estate is already the lowest in the city.", 9, 7),
    ("Maria Okafor", "Thank you all for the comments. The fares consultation opens on 3 February; "
     "I'll make sure the hospital link is on the agenda.", None, 18),
)
# Comments the site's engine holds, waiting in the dashboard's Pending queue for the first moderator:
# (author, text, index in DEMO_COMMENTS of the comment it replies to). Readers never see them.
DEMO_HELD = (
    ("Kev_77", "Go for it, fuckwad.", 4),  # an insult aimed at another reader
    ("TRUTH SEEKER", "WAKE UP!!! CHEMTRAILS ARE BEING SPRAYED OVER EVERY CITY AND THE MAINSTREAM MEDIA IS "
     "COVERING IT UP. SHARE BEFORE THEY DELETE THIS!!!", None),  # an off-topic paste
    ("Jobs Desk", "Earn $500 a day from home! I did, click here: https://quick-cash-jobs.example/start",
     None),  # spam
    ("Northside Patriot", "Of course Okafor voted against, (((they))) always look after their own.",
     None),  # coded hate: the echo
)
# A shown comment a reader reported, waiting in the Reported queue (a report against a fair comment,
# for the moderator to dismiss by approving it): (index in DEMO_COMMENTS, reason, the reporter's note).
DEMO_REPORT = (4, "offensive", "Dismisses everyone who relies on the 44.")
DEMO_DELETED = (9,)  # deleted by its author afterwards: its reply stays under a placeholder
DEMO_THREAD_SPAN = timedelta(hours=5)  # the demo thread reads as an evening's discussion, not one second


class _ApproveDemo:
    """Demo comments are written by Rostra itself, so they skip the moderation engine."""

    def moderate(self, comment: CommentInput) -> Verdict:
        return Verdict(decision="approve", scores={}, reasons=(), model="none (demo content)")


@dataclass(frozen=True)
class _HoldDemo:
    """The site's own engine scores the demo's held comments, so their reasons and spans are the
    engine's; whatever it decides, they wait in Pending for the newcomer's first moderation (an
    engine that would let one through adds the reason `premoderation`)."""

    engine: ModerationEngine

    def moderate(self, comment: CommentInput) -> Verdict:
        verdict = self.engine.moderate(comment)
        reasons = verdict.reasons
        if verdict.decision == "approve":
            reasons = (*reasons, Reason("premoderation", 1.0, (), "demo"))
        return replace(verdict, decision="hold", reasons=reasons)


def listen_origin(settings: Settings) -> str:
    """The origin a browser on this machine reaches the server at (0.0.0.0 and :: mean every address)."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def prepare(store: Store, settings: Settings) -> int:
    """Migrate, sync the default site's origins and return its id. With the demo on, the server's own
    address is one of them, so the demo page it serves embeds comments on any --host/--port."""
    store.migrate()
    origins = [*settings.allowed_origins, listen_origin(settings)] if settings.demo else settings.allowed_origins
    return ensure_site(store, DEFAULT_SITE, list(dict.fromkeys(origins)))


def demo_story_url(store: Store) -> str | None:
    """The URL of the demo story of the default site, whichever address it was first created on."""
    with store.read() as connection:
        urls = connection.execute(
            select(stories.c.url)
            .join(sites, sites.c.id == stories.c.site_id)
            .where(sites.c.name == DEFAULT_SITE, stories.c.url.like(f"%{DEMO_PATH}"))
            .order_by(stories.c.id)
        ).scalars()
        return next((url for url in urls if urlsplit(url).path == DEMO_PATH), None)


def create_demo(runtime: Runtime) -> int | None:
    """Add the demo story and its thread when the database has no story yet; returns its id."""
    store, settings = runtime.store, runtime.settings
    with store.read() as connection:
        if connection.execute(select(func.count()).select_from(stories)).scalar_one():
            return None
    story, created = get_or_create_story(store, listen_origin(settings) + DEMO_PATH, DEMO_TITLE, DEMO_TEXT)
    if not created:
        return None
    authors = {name: Viewer(guest_key=f"rostra-demo-{index}") for index, name in
               enumerate(dict.fromkeys(name for name, *_ in (*DEMO_COMMENTS, *DEMO_HELD)))}
    readers = [Viewer(guest_key=f"rostra-demo-reader-{index}") for index in
               range(max(likes for *_, likes in DEMO_COMMENTS))]
    posted: list[int] = []
    for name, body, parent_index, likes in DEMO_COMMENTS:
        comment = post_comment(
            runtime,
            authors[name],
            story["id"],
            body,
            parent_id=posted[parent_index] if parent_index is not None else None,
            author_name=name,
            actor=DEMO_ACTOR,
            engine=_ApproveDemo(),
        )
        posted.append(comment["id"])
        for reader in readers[:likes]:
            react(store, reader, comment["id"], "like")
    for index in DEMO_DELETED:
        delete_comment(runtime, authors[DEMO_COMMENTS[index][0]], posted[index])
    reported_index, reason, note = DEMO_REPORT
    report(runtime, readers[0], posted[reported_index], reason, note)
    with store.read() as connection:
        site_id = get_story(connection, story["id"]).site_id
    held_by_engine = _HoldDemo(runtime.engine_for(site_id))
    for name, body, parent_index in DEMO_HELD:
        posted.append(post_comment(
            runtime, authors[name], story["id"], body,
            parent_id=posted[parent_index] if parent_index is not None else None,
            author_name=name, engine=held_by_engine,
        )["id"])
    now = utcnow()
    step = DEMO_THREAD_SPAN / len(posted)
    with store.write() as connection:
        connection.execute(
            update(comments).where(comments.c.id == bindparam("comment_id")).values(created_at=bindparam("when")),
            [{"comment_id": comment_id, "when": now - DEMO_THREAD_SPAN + step * index}
             for index, comment_id in enumerate(posted)],
        )
    return story["id"]
