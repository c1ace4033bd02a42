"""Comments: post, edit and delete (each moderated and logged), and the threaded, paged listing."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from datetime import timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from rostra.actions.errors import (
    EditWindowClosed,
    Forbidden,
    InvalidInput,
    NotFound,
    StoryClosed,
)
from rostra.actions.idempotency import remember, stored_comment_id
from rostra.actions.identity import Viewer, ensure_author_row, find_author_id
from rostra.actions.moderation import (
    ENGINE_ACTOR,
    ModerationEngine,
    check_author_may_edit,
    held_if_premoderated,
    log_status,
    moderated_columns,
)
from rostra.actions.readable import has_visible_text, name_problem
from rostra.actions.screening import Screening
from rostra.events import publish_on_commit
from rostra.moderation import AuthorHistory, CommentInput, StoryContext
from rostra.render import render_comment
from rostra.sites import SiteConfig
from rostra.store.queries import (
    as_utc,
    author_history,
    first_replies,
    get_comment,
    get_story,
    get_story_and_parent,
    insert_returning_id,
    own_held_comments,
    page_of_children,
    sort_key,
    utcnow,
)
from rostra.store.tables import MAX_ID, comments
from rostra.vocabulary import HELD_STATUSES, MAX_COMMENTS_PER_ANSWER, MAX_OWN_HELD, NUDGE_ATTRIBUTES, SORTS

if TYPE_CHECKING:
    from rostra.runtime import Runtime

log = logging.getLogger("rostra.comments")

EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
MAX_EMAIL_CHARS = 254


def _clean_body(body: str, limits: SiteConfig) -> str:
    text = body.strip()
    if not has_visible_text(text):
        raise InvalidInput("the comment is empty", field="body")
    if len(text) > limits.max_comment_chars:
        raise InvalidInput(
            f"the comment has {len(text)} characters; at most {limits.max_comment_chars} are allowed",
            field="body",
        )
    return text


def _clean_author(name: str | None, email: str | None, limits: SiteConfig) -> tuple[str | None, str | None]:
    name = (name or "").strip() or None
    if name is not None and len(name) > limits.max_author_name_chars:
        raise InvalidInput(f"at most {limits.max_author_name_chars} characters", field="author_name")
    if name is not None and (problem := name_problem(name)):
        raise InvalidInput(problem, field="author_name")
    email = (email or "").strip() or None
    if email is not None and (len(email) > MAX_EMAIL_CHARS or not EMAIL.fullmatch(email)):
        raise InvalidInput("not an e-mail address", field="author_email")
    return name, email


def comment_json(row, viewer_author_id: int | None, edit_window_seconds: int, own_view: bool = False) -> dict:
    """The public form of a comment; deleted ones keep only their place in the thread."""
    deleted = row.status == "deleted"
    own = viewer_author_id is not None and row.author_id == viewer_author_id
    data = {
        "id": row.id,
        "story_id": row.story_id,
        "parent_id": row.parent_id,
        "depth": row.depth,
        "status": row.status,
        "author": None if deleted else {"name": row.author_name, "registered": bool(row.author_registered)},
        "body_html": "" if deleted else row.body_html,
        "reaction_count": row.reaction_count,
        "created_at": as_utc(row.created_at),
        "edited_at": as_utc(row.edited_at),
        "own": own,
    }
    if own and not deleted:
        data["editable_until"] = as_utc(row.created_at) + timedelta(seconds=edit_window_seconds)
        if own_view:
            data["body_markdown"] = row.body_markdown
        if row.status != "approved":
            data["held_because"] = [reason["attribute"] for reason in row.moderation_reasons or ()]
    return data


History = tuple[dict[str, int], tuple[str, ...]]  # counts by status, latest texts (as author_history gives)


def _viewer_history(connection, viewer: Viewer) -> History:
    """The viewer's author history, found by their session key in the same query."""
    if viewer.is_new:
        return {}, ()
    if viewer.account_id is not None:
        return author_history(connection, viewer.account_id, author_key="account_id")
    return author_history(connection, viewer.guest_key, author_key="guest_key")


def _engine_input(story, parent_text: str | None, history: History, text: str) -> CommentInput:
    by_status, recent = history
    return CommentInput(
        text=text,
        story=StoryContext(title=story.title, text=story.text, closed=story.closed),
        parent_text=parent_text,
        author=AuthorHistory(
            approved=by_status.get("approved", 0),
            held=sum(by_status.get(status, 0) for status in HELD_STATUSES),
            rejected=by_status.get("rejected", 0),
            recent_texts=recent,
        ),
    )


def _public(row) -> dict:
    """The comment as any reader may see it (events carry this form; the status says who may)."""
    return comment_json(row, None, 0)


def _moderation_input(runtime: Runtime, viewer: Viewer, story_id: int, parent_id: int | None, body: str):
    """(story with the parent's columns, its site, the cleaned text, what the engine reads) for a
    comment about to be posted; refuses a closed story and a parent that cannot be replied to."""
    with runtime.store.read() as connection:
        story = get_story_and_parent(connection, story_id, parent_id)
        if story is None:
            raise NotFound(f"no story {story_id}", field="story_id")
        site = runtime.site(story.site_id)
        text = _clean_body(body, site)
        if story.closed:
            raise StoryClosed("this story no longer takes comments", field="story_id")
        if parent_id is not None:
            if story.parent_status != "approved":
                raise InvalidInput(f"there is no comment {parent_id} to reply to", field="parent_id")
            if story.parent_story_id != story_id:
                raise InvalidInput(
                    f"comment {parent_id} belongs to another story; a reply must stay in its parent's story",
                    field="parent_id",
                )
        comment_input = _engine_input(story, story.parent_text, _viewer_history(connection, viewer), text)
    return story, site, text, comment_input


def preview_comment(
    runtime: Runtime, viewer: Viewer, story_id: int, body: str, parent_id: int | None = None
) -> dict:
    """What the engine would decide if this text were posted now, stored nowhere: the widget's nudge.

    `nudge` is true when the text would be held or rejected for one of NUDGE_ATTRIBUTES; the reasons
    are then those attributes' only, with spans as offsets into `body` exactly as sent."""
    story, _, _, comment_input = _moderation_input(runtime, viewer, story_id, parent_id, body)
    try:
        verdict = runtime.engine_for(story.site_id).moderate(comment_input)
    except Exception as error:  # noqa: BLE001 - the nudge is advice; posting still works (and holds)
        log.error("moderation engine failed on a preview (%s)", type(error).__name__)
        return {"decision": None, "nudge": False, "reasons": []}
    leading = len(body) - len(body.lstrip())
    reasons = [
        {"attribute": reason.attribute, "score": round(reason.score, 4),
         "spans": [[start + leading, end + leading] for start, end in reason.spans]}
        for reason in verdict.reasons
    ]
    nudging = [reason for reason in reasons if reason["attribute"] in NUDGE_ATTRIBUTES]
    nudge = verdict.decision != "approve" and bool(nudging)
    return {"decision": verdict.decision, "nudge": nudge, "reasons": nudging if nudge else reasons}


def post_comment(
    runtime: Runtime,
    viewer: Viewer,
    story_id: int,
    body: str,
    parent_id: int | None = None,
    author_name: str | None = None,
    author_email: str | None = None,
    actor: str = ENGINE_ACTOR,
    engine: ModerationEngine | None = None,
    screening: Screening | None = None,
    idempotency_key: str | None = None,
) -> dict:
    """Store a new comment with the engine's verdict (the story's site's engine unless `engine` is
    given), reviewed by the abuse defences (`screening`, see rostra.actions.screening); the answer
    describes exactly this comment. With an `idempotency_key` this reader used within the last day,
    nothing is created and the answer describes the comment that key created."""
    if idempotency_key is not None:
        earlier = _comment_of_key(runtime, viewer, idempotency_key)
        if earlier is not None:
            return earlier
    story, site, text, comment_input = _moderation_input(runtime, viewer, story_id, parent_id, body)
    author_name, author_email = _clean_author(author_name, author_email, site)
    html = render_comment(text)
    moderated = held_if_premoderated(moderated_columns(engine or runtime.engine_for(story.site_id), comment_input),
                                     story.premoderated)

    def insert_comment(connection) -> SimpleNamespace:
        """Insert and log the comment; the answer is built from the inserted values, which are what
        the row holds, so no second read is needed."""
        if get_story(connection, story_id).closed:
            raise StoryClosed("this story no longer takes comments", field="story_id")
        browser_key = screening.signals.origin.browser_key if screening else None
        author = ensure_author_row(connection, viewer, author_name, author_email, browser_key)
        review = screening.review(connection, site, story_id, author.id, text, moderated) if screening else None
        columns = review.columns if review else moderated
        values = {
            "story_id": story_id,
            "parent_id": parent_id,
            "depth": story.parent_depth + 1 if parent_id is not None else 0,
            "author_id": author.id,
            "body_markdown": text,
            "body_html": html,
            "reaction_count": 0,
            "created_at": utcnow(),
            "edited_at": None,
            **columns,
        }
        comment_id = insert_returning_id(connection, comments, values)
        if idempotency_key is not None:
            remember(connection, viewer, idempotency_key, comment_id)
        log_status(
            connection,
            comment_id,
            actor,
            None,
            columns["status"],
            reasons=columns["moderation_reasons"],
            model=columns["moderation_model"],
            note=review.note if review else None,
        )
        if review:
            review.after_insert(connection, comment_id)
        row = SimpleNamespace(
            id=comment_id,
            author_name=author.display_name,
            author_registered=viewer.account_id is not None,
            **values,
        )
        publish_on_commit(connection, "comment.created", site_id=story.site_id, story_id=story_id,
                          payload={"comment": _public(row)})
        return row

    try:
        row = runtime.store.run_write(insert_comment)
    except IntegrityError:
        # A retry with the same key committed first: its comment is this request's answer.
        earlier = _comment_of_key(runtime, viewer, idempotency_key) if idempotency_key is not None else None
        if earlier is None:
            raise
        return earlier
    return comment_json(row, row.author_id, site.edit_window_seconds, own_view=True)


def _comment_of_key(runtime: Runtime, viewer: Viewer, key: str) -> dict | None:
    """The author's view of the comment this reader's key created, if it did within a day."""
    with runtime.store.read() as connection:
        comment_id = stored_comment_id(connection, viewer, key)
        row = get_comment(connection, comment_id) if comment_id is not None else None
        story = get_story(connection, row.story_id) if row is not None else None
    if row is None:
        return None
    return comment_json(row, row.author_id, runtime.site(story.site_id).edit_window_seconds, own_view=True)


def _own_comment(connection, viewer: Viewer, comment_id: int):
    row = get_comment(connection, comment_id)
    if row is None or row.status == "deleted":
        raise NotFound(f"no comment {comment_id}", field="comment_id")
    if row.author_id != find_author_id(connection, viewer):
        raise Forbidden("only the author may change this comment", field="comment_id")
    return row


def edit_comment(runtime: Runtime, viewer: Viewer, comment_id: int, body: str,
                 screening: Screening | None = None) -> dict:
    """Replace the author's own comment text within the edit window; the edit is moderated afresh,
    and screened like a new comment (a civil comment edited into a wave's copy joins the wave)."""
    with runtime.store.read() as connection:
        row = _own_comment(connection, viewer, comment_id)
        story = get_story_and_parent(connection, row.story_id, row.parent_id)
        site = runtime.site(story.site_id)
        text = _clean_body(body, site)
        if utcnow() - as_utc(row.created_at) > timedelta(seconds=site.edit_window_seconds):
            raise EditWindowClosed(
                f"comments can be edited for {site.edit_window_seconds} seconds after posting",
                field="comment_id",
            )
        check_author_may_edit(connection, comment_id, row.status)
        if story.closed:
            raise StoryClosed("this story no longer takes comments", field="story_id")
        comment_input = _engine_input(story, story.parent_text, author_history(connection, row.author_id), text)
    html = render_comment(text)
    moderated = held_if_premoderated(moderated_columns(runtime.engine_for(story.site_id), comment_input),
                                     story.premoderated)

    def replace_text(connection):
        current = _own_comment(connection, viewer, comment_id)
        check_author_may_edit(connection, comment_id, current.status)  # a decision made meanwhile stands
        review = (screening.review(connection, site, current.story_id, current.author_id, text, moderated,
                                   edited_id=comment_id) if screening else None)
        columns = review.columns if review else moderated
        connection.execute(
            update(comments)
            .where(comments.c.id == comment_id)
            .values(body_markdown=text, body_html=html, edited_at=utcnow(), **columns)
        )
        log_status(
            connection,
            comment_id,
            ENGINE_ACTOR,
            current.status,
            columns["status"],
            reasons=columns["moderation_reasons"],
            model=columns["moderation_model"],
            note="; ".join(filter(None, ("edited by its author", review.note if review else None))),
        )
        if review:
            review.after_insert(connection, comment_id)
        edited = get_comment(connection, comment_id)
        publish_on_commit(connection, "comment.edited", site_id=story.site_id, story_id=edited.story_id,
                          payload={"comment": _public(edited), "previous_status": current.status})
        return edited

    row = runtime.store.run_write(replace_text)
    return comment_json(row, row.author_id, site.edit_window_seconds, own_view=True)


def delete_comment(runtime: Runtime, viewer: Viewer, comment_id: int) -> None:
    """The author's own deletion: the text goes, the place in the thread stays while it has replies."""

    def mark_deleted(connection) -> None:
        row = _own_comment(connection, viewer, comment_id)
        connection.execute(
            update(comments)
            .where(comments.c.id == comment_id)
            .values(status="deleted", body_markdown="", body_html="", deleted_at=utcnow())
        )
        log_status(connection, comment_id, f"author:{row.author_id}", row.status, "deleted",
                   note="deleted by its author")
        site_id = get_story(connection, row.story_id).site_id
        publish_on_commit(connection, "comment.deleted", site_id=site_id, story_id=row.story_id,
                          payload={"comment_id": comment_id, "previous_status": row.status})

    runtime.store.run_write(mark_deleted)


def read_comment(runtime: Runtime, viewer: Viewer, comment_id: int) -> dict:
    """One comment: approved ones for everyone; the author's own, and for moderators every one, in any
    state but deleted."""
    with runtime.store.read() as connection:
        row = get_comment(connection, comment_id)
        viewer_author_id = find_author_id(connection, viewer)
        story = get_story(connection, row.story_id) if row is not None else None
    if row is None or row.status == "deleted":
        raise NotFound(f"no comment {comment_id}", field="comment_id")
    own = viewer_author_id is not None and row.author_id == viewer_author_id
    staff = viewer.signed_in is not None and viewer.signed_in.is_staff
    if row.status != "approved" and not own and not staff:
        raise NotFound(f"no comment {comment_id}", field="comment_id")
    return comment_json(row, viewer_author_id, runtime.site(story.site_id).edit_window_seconds, own_view=own)


def encode_cursor(story_id: int, parent_id: int | None, sort: str, after: list[int] | None) -> str:
    raw = json.dumps({"t": story_id, "p": parent_id, "s": sort, "a": after}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _is_row_number(value) -> bool:
    """An id or reaction count as the database can hold it (a cursor is client input)."""
    return type(value) is int and 0 <= value <= MAX_ID


def decode_cursor(cursor: str, story_id: int) -> tuple[int | None, str, list[int] | None]:
    """(parent_id, sort, after) from a cursor this server made for this story."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        parent_id, sort, after = data["p"], data["s"], data["a"]
        valid = (
            data["t"] == story_id
            and sort in SORTS
            and (parent_id is None or _is_row_number(parent_id))
            and (after is None or (isinstance(after, list) and all(_is_row_number(value) for value in after)
                                   and len(after) == (2 if sort == "most_reacted" else 1)))
        )
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        valid = False
    if not valid:
        raise InvalidInput("not a cursor from this story's listing", field="cursor")
    return parent_id, sort, after


def list_comments(
    runtime: Runtime,
    viewer: Viewer,
    story_id: int,
    sort: str = "newest",
    parent_id: int | None = None,
    cursor: str | None = None,
    limit: int = 20,
    replies: int = 3,
    depth: int = 2,
) -> dict:
    """One page of a story's visible comments under `parent_id`, each with its first replies nested
    `depth` levels deep (at most MAX_COMMENTS_PER_ANSWER in all); `next_cursor` and each comment's
    `replies_cursor` lead to the rest."""
    if sort not in SORTS:
        raise InvalidInput(f"must be one of {', '.join(SORTS)}", field="sort")
    after = None
    if cursor:
        parent_id, sort, after = decode_cursor(cursor, story_id)
    with runtime.store.read() as connection:
        story = get_story(connection, story_id)
        if story is None:
            raise NotFound(f"no story {story_id}", field="story_id")
        edit_window_seconds = runtime.site(story.site_id).edit_window_seconds
        viewer_author_id = find_author_id(connection, viewer)
        rows = page_of_children(connection, story_id, parent_id, sort, after, limit + 1)
        has_more = len(rows) > limit
        rows = rows[:limit]
        items = [comment_json(row, viewer_author_id, edit_window_seconds) for row in rows]
        budget = MAX_COMMENTS_PER_ANSWER - len(items)
        level = items
        for remaining in range(depth, -1, -1):
            nested, counts = first_replies(connection, [item["id"] for item in level], replies if remaining else 0)
            next_level = []
            for item in level:
                embedded = nested.get(item["id"], [])[: max(budget, 0)]
                budget -= len(embedded)
                children = [comment_json(row, viewer_author_id, edit_window_seconds) for row in embedded]
                item["reply_count"] = counts.get(item["id"], 0)
                item["replies"] = children
                more = item["reply_count"] > len(children)
                last = [children[-1]["id"]] if children else None
                item["replies_cursor"] = encode_cursor(story_id, item["id"], "oldest", last) if more else None
                next_level.extend(children)
            level = next_level
            if not level:
                break
        first_page = cursor is None and parent_id is None
        held = (
            own_held_comments(connection, story_id, viewer_author_id, MAX_OWN_HELD)
            if first_page and viewer_author_id is not None else []
        )
    next_cursor = encode_cursor(story_id, parent_id, sort, sort_key(rows[-1], sort)) if has_more else None
    return {"story_id": story_id, "parent_id": parent_id, "sort": sort, "items": items,
            "next_cursor": next_cursor,
            "own_held": [comment_json(row, viewer_author_id, edit_window_seconds) for row in held]}
