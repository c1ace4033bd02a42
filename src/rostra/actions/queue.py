"""The moderation queues: what waits for a moderator, and everything needed to decide on it at once.

A queue page is one indexed walk over `comments` (status then id, or status then top score) plus a
handful of batched lookups for the page's stories, parents, reports and authors, so its cost does not
grow with the database. Queue counts stop at `COUNT_CAP`: counting a million approved comments
exactly would cost a full index scan on every page view, and "1000+" tells a moderator as much.
"""

from __future__ import annotations

import base64
import binascii
import json

from sqlalchemy import Connection, and_, func, literal, or_, select, union_all

from rostra.actions.errors import InvalidInput, NotFound
from rostra.actions.moderation import AUTHOR_NOTE_ACTION
from rostra.actions.sanctions import sanctions_of
from rostra.actions.trust import trust_summary
from rostra.store import Store
from rostra.store.queries import IMPORTED_ENGINE_DISAGREES, as_utc
from rostra.store.search import MIN_SEARCH_CHARS, containing
from rostra.store.tables import MAX_ID, audit_log, authors, comments, reports, stories
from rostra.vocabulary import AUTHOR_SUBJECT, QUEUE_SORTS, QUEUES

# The statuses each queue shows; Reported shows comments with open reports, whatever their status.
QUEUE_STATUSES = {
    "pending": ("pending",),
    "reported": None,
    "approved": ("approved",),
    "rejected": ("rejected", "withheld"),
    "all": ("pending", "approved", "rejected", "withheld"),
}
assert tuple(QUEUE_STATUSES) == QUEUES
COUNT_CAP = 1000
SEARCH_COUNT_SCAN = COUNT_CAP  # matches of a text search counted for the queue counts, newest first
DEFAULT_PAGE = 20
MAX_PAGE = 100
MAX_SEARCH_CHARS = 200
AUTHOR_COMMENTS_PAGE = 20

_parents = comments.alias("parents")
_parent_authors = authors.alias("parent_authors")
_reporters = authors.alias("reporters")

_ITEM_COLUMNS = (
    comments.c.id, comments.c.story_id, comments.c.parent_id, comments.c.author_id, comments.c.body_markdown,
    comments.c.body_html, comments.c.status, comments.c.featured, comments.c.reaction_count,
    comments.c.moderation_scores, comments.c.moderation_reasons, comments.c.moderation_model, comments.c.top_score,
    comments.c.created_at, comments.c.edited_at, comments.c.source, comments.c.import_engine_status,
)


def _encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        expected = 2 if sort == "highest_score" else 1
        valid = (isinstance(values, list) and len(values) == expected
                 and type(values[-1]) is int and 0 <= values[-1] <= MAX_ID
                 and (expected == 1 or isinstance(values[0], (int, float))))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        valid = False
    if not valid:
        raise InvalidInput("not a cursor from this queue and sort", field="cursor")
    return values


def _has_open_reports():
    return comments.c.id.in_(select(reports.c.comment_id).where(reports.c.outcome.is_(None)))


def _filters(queue: str, story_id: int | None, attribute: str | None, author_id: int | None,
             disagreements: bool = False) -> list:
    """WHERE conditions of a queue with the moderator's filters (text search aside: see
    rostra.store.search.containing)."""
    statuses = QUEUE_STATUSES[queue]
    if statuses is None:
        conditions = [_has_open_reports(), comments.c.status != "deleted"]
    elif len(statuses) == 1:
        conditions = [comments.c.status == statuses[0]]
    else:
        conditions = [comments.c.status.in_(statuses)]
    if story_id is not None:
        conditions.append(comments.c.story_id == story_id)
    if author_id is not None:
        conditions.append(comments.c.author_id == author_id)
    if attribute:
        conditions.append(comments.c.reason_attributes.contains(f" {attribute} ", autoescape=True))
    if disagreements:
        conditions.append(IMPORTED_ENGINE_DISAGREES)
    return conditions


def _check(queue: str, sort: str, attribute: str | None, search: str | None) -> None:
    if queue not in QUEUES:
        raise InvalidInput(f"must be one of {', '.join(QUEUES)}", field="queue")
    if sort not in QUEUE_SORTS:
        raise InvalidInput(f"must be one of {', '.join(QUEUE_SORTS)}", field="sort")
    if attribute is not None and not attribute.replace("_", "").isalnum():
        raise InvalidInput("an attribute or rule name such as insult or banned_word", field="attribute")
    if search is not None and not MIN_SEARCH_CHARS <= len(search) <= MAX_SEARCH_CHARS:
        raise InvalidInput(f"search for {MIN_SEARCH_CHARS} to {MAX_SEARCH_CHARS} characters", field="q")
    if search is not None and "\x00" in search:  # no comment holds one, and neither database takes it
        raise InvalidInput("must not contain NUL characters", field="q")


def queue_counts(connection: Connection, story_id: int | None = None, attribute: str | None = None,
                 author_id: int | None = None, search: str | None = None,
                 disagreements: bool = False) -> dict[str, dict]:
    """How many comments each queue holds under these filters, counted up to COUNT_CAP (then
    `capped` is true and the number reads "1000+"), all queues in one statement. Under a text
    search, the newest SEARCH_COUNT_SCAN matches are counted (in one pass), and when there are more,
    every count is a lower bound, marked `capped`."""
    if search:
        return _search_counts(connection, search, _filters("all", story_id, attribute, author_id, disagreements))
    parts = []
    for queue in QUEUES:
        bounded = select(comments.c.id).where(
            *_filters(queue, story_id, attribute, author_id, disagreements)).limit(COUNT_CAP + 1).subquery()
        parts.append(select(literal(queue).label("queue"), func.count().label("count")).select_from(bounded))
    counts = dict(connection.execute(union_all(*parts)).all())
    return {queue: {"count": min(counts[queue], COUNT_CAP), "capped": counts[queue] > COUNT_CAP}
            for queue in QUEUES}


def _search_counts(connection: Connection, search: str, conditions: list) -> dict[str, dict]:
    """Queue counts among the newest matches of a text search: a phrase that most comments hold
    would otherwise be counted through all of them, once per queue."""
    found = containing(connection.dialect.name, search)
    rows = connection.execute(
        select(comments.c.status, _has_open_reports().label("reported")).select_from(found.source)
        .where(*found.conditions, *conditions).order_by(found.order_key.desc()).limit(SEARCH_COUNT_SCAN + 1)
    ).all()
    more = len(rows) > SEARCH_COUNT_SCAN
    counts = dict.fromkeys(QUEUES, 0)
    for row in rows[:SEARCH_COUNT_SCAN]:
        for queue, statuses in QUEUE_STATUSES.items():
            counts[queue] += bool(row.reported) if statuses is None else row.status in statuses
    return {queue: {"count": min(count, COUNT_CAP), "capped": more or count > COUNT_CAP}
            for queue, count in counts.items()}


def list_queue(store: Store, queue: str = "pending", sort: str = "newest", story_id: int | None = None,
               attribute: str | None = None, author_id: int | None = None, search: str | None = None,
               cursor: str | None = None, limit: int = DEFAULT_PAGE, with_counts: bool = True,
               disagreements: bool = False) -> dict:
    """One page of a queue, with the counts of every queue under the same filters; `disagreements`
    keeps only imported comments the engine would have decided otherwise."""
    search = (search or "").strip() or None
    attribute = (attribute or "").strip().lower() or None
    _check(queue, sort, attribute, search)
    limit = max(1, min(limit, MAX_PAGE))
    conditions = _filters(queue, story_id, attribute, author_id, disagreements)
    found = containing(store.engine.dialect.name, search)
    conditions.extend(found.conditions)
    if sort == "highest_score":
        order = (comments.c.top_score.desc(), comments.c.id.desc())
    elif sort == "oldest":
        order = (found.order_key.asc(),)
    else:
        order = (found.order_key.desc(),)
    if cursor:
        after = _decode_cursor(cursor, sort)
        if sort == "highest_score":
            conditions.append(or_(comments.c.top_score < after[0],
                                  and_(comments.c.top_score == after[0], comments.c.id < after[1])))
        elif sort == "oldest":
            conditions.append(found.order_key > after[0])
        else:
            conditions.append(found.order_key < after[0])
    with store.read() as connection:
        rows = list(connection.execute(select(*_ITEM_COLUMNS).select_from(found.source).where(*conditions)
                                       .order_by(*order).limit(limit + 1)))
        has_more = len(rows) > limit
        rows = rows[:limit]
        items = describe(connection, rows)
        counts = (queue_counts(connection, story_id, attribute, author_id, search, disagreements)
                  if with_counts else None)
    next_cursor = None
    if has_more:
        last = rows[-1]
        next_cursor = _encode_cursor([last.top_score or 0.0, last.id] if sort == "highest_score" else [last.id])
    return {"queue": queue, "sort": sort, "items": items, "next_cursor": next_cursor, "counts": counts}


def read_for_moderator(store: Store, comment_id: int) -> dict:
    """One comment in any state (held ones included), as a queue item."""
    items = read_many_for_moderator(store, [comment_id])
    if not items:
        raise NotFound(f"no comment {comment_id}", field="comment_id")
    return items[0]


def read_many_for_moderator(store: Store, comment_ids: list[int]) -> list[dict]:
    """The comments that exist among `comment_ids`, in that order, as queue items (the batched
    lookups of a queue page, however many there are)."""
    with store.read() as connection:
        found = {row.id: row for row in connection.execute(
            select(*_ITEM_COLUMNS).where(comments.c.id.in_(comment_ids)))}
        return describe(connection, [found[comment_id] for comment_id in dict.fromkeys(comment_ids)
                                     if comment_id in found])


def _excerpts(text: str, spans) -> list[str]:
    return [text[start:end] for start, end in spans if 0 <= start < end <= len(text)]


def explain(text: str, reasons: list[dict]) -> list[dict]:
    """The engine's reasons with the words they point at and a plain sentence:
    "insult 0.91: 'fuckwad'"."""
    explained = []
    for reason in reasons or []:
        spans = [tuple(span) for span in reason.get("spans") or []]
        words = _excerpts(text, spans)
        quoted = ", ".join(f"'{word}'" for word in dict.fromkeys(words))
        summary = f"{reason['attribute']} {reason.get('score', 0):.2f}" + (f": {quoted}" if quoted else "")
        explained.append({**reason, "spans": [list(span) for span in spans], "excerpts": words,
                          "summary": summary})
    return explained


def highlight(text: str, reasons: list[dict]) -> list[dict]:
    """The text cut into pieces, each marked with the attribute whose span covers it (or None), so a
    page can put the responsible characters in <mark> while escaping everything."""
    owner: list[str | None] = [None] * len(text)
    for reason in reasons or []:
        for start, end in reason.get("spans") or []:
            for index in range(max(start, 0), min(end, len(text))):
                owner[index] = owner[index] or reason["attribute"]
    pieces: list[dict] = []
    for index, character in enumerate(text):
        if pieces and pieces[-1]["attribute"] == owner[index]:
            pieces[-1]["text"] += character
        else:
            pieces.append({"text": character, "attribute": owner[index]})
    return pieces


def describe(connection: Connection, rows: list) -> list[dict]:
    """Queue items for comment rows: story, parent, reports and author history in batched queries."""
    if not rows:
        return []
    story_ids = {row.story_id for row in rows}
    parent_ids = {row.parent_id for row in rows if row.parent_id}
    author_ids = {row.author_id for row in rows}
    comment_ids = [row.id for row in rows]
    story_rows = {row.id: row for row in connection.execute(
        select(stories.c.id, stories.c.title, stories.c.url, stories.c.closed, stories.c.site_id)
        .where(stories.c.id.in_(story_ids)))}
    parents = {}
    if parent_ids:
        parents = {row.id: row for row in connection.execute(
            select(_parents.c.id, _parents.c.status, _parents.c.body_html, _parent_authors.c.display_name)
            .join_from(_parents, _parent_authors, _parents.c.author_id == _parent_authors.c.id)
            .where(_parents.c.id.in_(parent_ids)))}
    report_rows: dict[int, list[dict]] = {}
    for row in connection.execute(
        select(reports.c.id, reports.c.comment_id, reports.c.reason, reports.c.note, reports.c.created_at,
               reports.c.outcome, _reporters.c.display_name, _reporters.c.id.label("reporter_id"))
        .join_from(reports, _reporters, reports.c.author_id == _reporters.c.id)
        .where(reports.c.comment_id.in_(comment_ids)).order_by(reports.c.id)
    ):
        report_rows.setdefault(row.comment_id, []).append({
            "id": row.id, "reason": row.reason, "note": row.note,
            "reporter": {"id": row.reporter_id, "name": row.display_name},
            "created_at": as_utc(row.created_at), "open": row.outcome is None, "outcome": row.outcome,
        })
    histories = author_histories(connection, author_ids)
    items = []
    for row in rows:
        story = story_rows[row.story_id]
        parent = parents.get(row.parent_id)
        reasons = row.moderation_reasons or []
        explained = explain(row.body_markdown, reasons)
        acted = explained[0] if explained else None
        items.append({
            "id": row.id,
            "status": row.status,
            "featured": bool(row.featured),
            "body_markdown": row.body_markdown,
            "body_html": row.body_html,
            "highlighted": highlight(row.body_markdown, reasons),
            "created_at": as_utc(row.created_at),
            "edited_at": as_utc(row.edited_at),
            "reaction_count": row.reaction_count,
            "scores": row.moderation_scores or {},
            "top_score": row.top_score,
            "reasons": explained,
            "decided_by": {"phase": acted["phase"], "rule": acted["attribute"]} if acted else None,
            "model": row.moderation_model,
            "imported": None if row.source is None else {"source": row.source,
                                                         "engine_status": row.import_engine_status},
            "story": {"id": story.id, "title": story.title, "url": story.url, "closed": story.closed,
                      "site_id": story.site_id},
            "parent": None if parent is None else {
                "id": parent.id, "status": parent.status, "author_name": parent.display_name,
                "body_html": parent.body_html},
            "reports": report_rows.get(row.id, []),
            "author": histories[row.author_id],
        })
    return items


def author_histories(connection: Connection, author_ids: set[int]) -> dict[int, dict]:
    """Each author's name, first seen, comments by status and reports against them."""
    if not author_ids:
        return {}
    found = {row.id: {"id": row.id, "name": row.display_name, "registered": row.account_id is not None,
                      "email": row.email, "first_seen": as_utc(row.created_at),
                      "counts": {"approved": 0, "pending": 0, "rejected": 0, "withheld": 0, "deleted": 0},
                      "reported": 0}
             for row in connection.execute(
                 select(authors.c.id, authors.c.display_name, authors.c.account_id, authors.c.email,
                        authors.c.created_at).where(authors.c.id.in_(author_ids)))}
    for author_id, status, count in connection.execute(
        select(comments.c.author_id, comments.c.status, func.count())
        .where(comments.c.author_id.in_(author_ids)).group_by(comments.c.author_id, comments.c.status)
    ):
        found[author_id]["counts"][status] = count
    for author_id, count in connection.execute(
        select(comments.c.author_id, func.count())
        .join_from(reports, comments, reports.c.comment_id == comments.c.id)
        .where(comments.c.author_id.in_(author_ids)).group_by(comments.c.author_id)
    ):
        found[author_id]["reported"] = count
    for history in found.values():
        counts = history["counts"]
        decided = counts["approved"] + counts["rejected"] + counts["withheld"]
        history["rejection_rate"] = round((counts["rejected"] + counts["withheld"]) / decided, 3) if decided else None
    return found


def author_profile(store: Store, author_id: int, cursor: str | None = None) -> dict:
    """The author drawer: history, trust level, sanctions, notes, and their comments newest first (paged)."""
    with store.read() as connection:
        histories = author_histories(connection, {author_id})
        if author_id not in histories:
            raise NotFound(f"no author {author_id}", field="author_id")
        conditions = [comments.c.author_id == author_id]
        if cursor:
            conditions.append(comments.c.id < _decode_cursor(cursor, "newest")[0])
        rows = list(connection.execute(select(*_ITEM_COLUMNS).where(*conditions).order_by(comments.c.id.desc())
                                       .limit(AUTHOR_COMMENTS_PAGE + 1)))
        has_more = len(rows) > AUTHOR_COMMENTS_PAGE
        rows = rows[:AUTHOR_COMMENTS_PAGE]
        notes = [{"id": row.id, "body": row.note, "by": row.actor, "created_at": as_utc(row.created_at)}
                 for row in connection.execute(_author_notes(author_id))]
        given = sanctions_of(connection, author_id)
        trust = trust_summary(connection, author_id, given)
        sanctions = [sanction.to_json() for sanction in given]
        items = [{"id": row.id, "status": row.status, "body_html": row.body_html, "story_id": row.story_id,
                  "created_at": as_utc(row.created_at), "top_score": row.top_score} for row in rows]
    return {"author": histories[author_id], "trust": trust, "notes": notes, "comments": items, "sanctions": sanctions,
            "next_cursor": _encode_cursor([rows[-1].id]) if has_more else None}


def _author_notes(author_id: int):
    return (select(audit_log.c.id, audit_log.c.note, audit_log.c.actor, audit_log.c.created_at)
            .where(audit_log.c.subject_type == AUTHOR_SUBJECT, audit_log.c.subject_id == author_id,
                   audit_log.c.action == AUTHOR_NOTE_ACTION)
            .order_by(audit_log.c.id.desc()))
