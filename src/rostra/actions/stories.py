"""Sites with their allowed origins, and stories (one comment thread per canonical article URL)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, func, select, update

from rostra.actions.errors import InvalidInput, NotFound, OriginNotAllowed, StoryNotRegistered
from rostra.actions.sessions import SignedIn
from rostra.actions.sites import audit
from rostra.store import Store
from rostra.store.queries import approved_counts, as_utc, get_story, insert_ignoring_duplicates, utcnow
from rostra.store.tables import comments, site_origins, stories
from rostra.store.urls import BadURL, canonical_url, normalize_origin
from rostra.vocabulary import STORY_SUBJECT

DEFAULT_SITE = "default"
MAX_TITLE_CHARS = 500
MAX_STORY_TEXT_CHARS = 100_000
MAX_COUNT_URLS = 100


def story_json(row, comment_count: int) -> dict:
    return {
        "id": row.id,
        "url": row.url,
        "title": row.title,
        "closed": row.closed,
        "created_at": as_utc(row.created_at),
        "comment_count": comment_count,
    }


def _site_for(connection: Connection, url: str) -> int:
    try:
        origin = normalize_origin(url)
    except BadURL as error:
        raise InvalidInput(str(error), field="url") from None
    site_id = connection.execute(
        select(site_origins.c.site_id).where(site_origins.c.origin == origin)
    ).scalar_one_or_none()
    if site_id is None:
        raise OriginNotAllowed(f"{origin} is not an allowed origin of any site", field="url")
    return site_id


def _checked_title(title: str | None, text: str | None) -> None:
    if title is not None and len(title) > MAX_TITLE_CHARS:
        raise InvalidInput(f"at most {MAX_TITLE_CHARS} characters", field="title")
    if text is not None and len(text) > MAX_STORY_TEXT_CHARS:
        raise InvalidInput(f"at most {MAX_STORY_TEXT_CHARS} characters", field="text")


def get_or_create_story(store: Store, url: str, title: str | None, text: str | None, *, from_site: bool = True,
                        registration_required: Callable[[int], bool] = lambda site_id: False,
                        page_site: int | None = None) -> tuple[dict, bool]:
    """The story for this article URL, created on first sight. A reader's page (`from_site=False`)
    only names the title and text of a story it creates, and creates none on a site whose stories
    its server registers (`registration_required(site_id)`), nor on another site than the page's own
    (`page_site`, from its Origin); the site's own server (an API key) also corrects the title and
    text of a story that exists."""
    try:
        canonical = canonical_url(url)
    except BadURL as error:
        raise InvalidInput(str(error), field="url") from None
    title = (title or "").strip() or None
    _checked_title(title, text)
    with store.read() as connection:
        row = connection.execute(select(stories).where(stories.c.url == canonical)).first()
    if row is not None:
        if from_site and (title is not None or text is not None):
            return change_story(store, row.id, title=title, text=text), False
        with store.read() as connection:
            return story_json(row, approved_counts(connection, [row.id]).get(row.id, 0)), False

    def create(connection) -> tuple[dict, bool]:
        site_id = _site_for(connection, canonical)
        if page_site is not None and page_site != site_id:
            raise OriginNotAllowed("a page of one site cannot open a story on another site's URL", field="url")
        if not from_site and registration_required(site_id):
            raise StoryNotRegistered("this site opens comments only on stories its server registered", field="url")
        values = {"site_id": site_id, "url": canonical, "title": title or canonical, "text": text or "",
                  "closed": False, "created_at": utcnow()}
        created = insert_ignoring_duplicates(connection, stories, values, keys=["url"])
        row = connection.execute(select(stories).where(stories.c.url == canonical)).one()
        return story_json(row, approved_counts(connection, [row.id]).get(row.id, 0)), created

    return store.run_write(create)


def read_story(store: Store, story_id: int) -> dict:
    with store.read() as connection:
        row = get_story(connection, story_id)
        if row is None:
            raise NotFound(f"no story {story_id}", field="story_id")
        return story_json(row, approved_counts(connection, [story_id]).get(story_id, 0))


def set_story_closed(store: Store, story_id: int, closed: bool) -> dict:
    """Open or close a story for new comments and edits."""
    return change_story(store, story_id, closed=closed)


def change_story(store: Store, story_id: int, closed: bool | None = None, title: str | None = None,
                 text: str | None = None) -> dict:
    """A moderator's or the site's change to a story: open or close it, correct its title or text
    (which off-topic scoring reads)."""
    _checked_title(title, text)
    changes = {name: value for name, value in (("closed", closed), ("title", title), ("text", text))
               if value is not None}
    with store.write() as connection:
        if connection.execute(select(stories.c.id).where(stories.c.id == story_id)).first() is None:
            raise NotFound(f"no story {story_id}", field="story_id")
        if changes:
            connection.execute(update(stories).where(stories.c.id == story_id).values(**changes))
    return read_story(store, story_id)


def counts_for_urls(store: Store, urls: list[str]) -> dict[str, int]:
    """Approved comment counts keyed by the URLs exactly as given (0 for unknown stories)."""
    if len(urls) > MAX_COUNT_URLS:
        raise InvalidInput(f"at most {MAX_COUNT_URLS} URLs per call", field="urls")
    canonical = {}
    for index, url in enumerate(urls):
        try:
            canonical[url] = canonical_url(url)
        except BadURL as error:
            raise InvalidInput(f"{url!r} {error}", field=f"urls[{index}]") from None
    with store.read() as connection:
        ids = dict(
            connection.execute(
                select(stories.c.url, stories.c.id).where(stories.c.url.in_(set(canonical.values())))
            ).all()
        )
        counts = approved_counts(connection, ids.values())
    return {url: counts.get(ids.get(key), 0) for url, key in canonical.items()}


STORIES_PAGE = 50


def stories_for_moderators(store: Store, before_id: int | None = None) -> dict:
    """Stories newest first with their comments counted by status (one grouped query per page)."""
    query = select(stories.c.id, stories.c.title, stories.c.url, stories.c.closed, stories.c.premoderated,
                   stories.c.created_at)
    if before_id is not None:
        query = query.where(stories.c.id < before_id)
    with store.read() as connection:
        rows = list(connection.execute(query.order_by(stories.c.id.desc()).limit(STORIES_PAGE + 1)))
        page = rows[:STORIES_PAGE]
        counts: dict[int, dict[str, int]] = {}
        if page:
            for story_id, status, count in connection.execute(
                select(comments.c.story_id, comments.c.status, func.count())
                .where(comments.c.story_id.in_([row.id for row in page]))
                .group_by(comments.c.story_id, comments.c.status)
            ):
                counts.setdefault(story_id, {})[status] = count
    items = [{"id": row.id, "title": row.title, "url": row.url, "closed": row.closed,
              "premoderated": row.premoderated, "created_at": as_utc(row.created_at),
              "counts": counts.get(row.id, {})} for row in page]
    return {"items": items, "next_before": page[-1].id if len(rows) > STORIES_PAGE else None}


def moderate_story(store: Store, staff: SignedIn, story_id: int, changes: dict) -> None:
    """A moderator corrects a story's title, closes or reopens it, or puts it under pre-moderation;
    the change is audited with the values before and after."""
    allowed = {"title", "closed", "premoderated"}
    if set(changes) - allowed:
        raise InvalidInput(f"change one of {', '.join(sorted(allowed))}", field=None)
    if "title" in changes:
        title = (changes["title"] or "").strip()
        if not title or len(title) > MAX_TITLE_CHARS:
            raise InvalidInput(f"1 to {MAX_TITLE_CHARS} characters", field="title")
        changes = {**changes, "title": title}
    with store.write() as connection:
        row = get_story(connection, story_id)
        if row is None:
            raise NotFound(f"no story {story_id}", field="story_id")
        before = {name: getattr(row, name) for name in changes}
        changed = {name: value for name, value in changes.items() if before[name] != value}
        if not changed:
            return
        connection.execute(update(stories).where(stories.c.id == story_id).values(**changed))
        audit(connection, actor=staff.actor, action="story.changed", subject_type=STORY_SUBJECT, subject_id=story_id,
              site_id=row.site_id, before={name: before[name] for name in changed}, after=changed)
