"""WordPress's export (WXR, RSS with `wp:` elements): each `<item>` is a post or page (title,
link, wp:comment_status), holding `<wp:comment>` elements: comment_id, comment_author(_email),
comment_date_gmt, comment_content, comment_approved (1, 0, spam, trash), comment_type,
comment_parent (0 for none) and comment_user_id. Pingbacks and trackbacks are not comments and
are left out. Items stream through one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator

from rostra.importers.fields import (
    FieldError,
    child_text,
    clean_email,
    clean_name,
    clean_title,
    html_to_markdown,
    local_name,
    parse_date,
    stream_elements,
)
from rostra.importers.records import Author, BadFile, BadRecord, Comment, Story
from rostra.importers.source import SourceFile

NAME = "wordpress"
WXR_NAMESPACE = "http://wordpress.org/export/"
APPROVAL_STATUS = {"1": "approved", "0": "pending", "spam": "rejected", "trash": "deleted",
                   "post-trashed": "deleted"}
NOT_COMMENTS = ("pingback", "trackback")
UNSET_DATE = "0000-00-00 00:00:00"
NO_ID = ("", "0")


def read(source: SourceFile, base_url: str | None = None) -> Iterator[Comment | BadRecord]:
    comments = 0
    saw_wordpress = False
    with source.open() as stream:
        for element in stream_elements(stream, depth=2, what="WordPress"):
            if local_name(element.tag) != "item":
                continue
            story = _story(element)
            for item in element:
                if not item.tag.startswith("{" + WXR_NAMESPACE):
                    continue
                saw_wordpress = True
                if local_name(item.tag) != "comment":
                    continue
                if (child_text(item, "comment_type") or "").strip() in NOT_COMMENTS:
                    continue
                comments += 1
                yield _comment(item, comments, story)
    if not saw_wordpress:
        raise BadFile("not a WordPress export (WXR): no item carries wp: elements "
                      f"of the namespace {WXR_NAMESPACE}1.x")


def _story(item) -> Story:
    title = clean_title(child_text(item, "title"))
    return Story(url=(child_text(item, "link") or "").strip(), title=title,
                 closed=(child_text(item, "comment_status") or "").strip() == "closed", url_field="link")


def _comment(element, number: int, story: Story) -> Comment | BadRecord:
    comment_id = (child_text(element, "comment_id") or "").strip()
    where = f"comment {number} (wp:comment_id {comment_id or '?'})"
    if not comment_id:
        return BadRecord(where, "wp:comment_id", "is missing")
    approved = (child_text(element, "comment_approved") or "").strip()
    if approved not in APPROVAL_STATUS:
        return BadRecord(where, "wp:comment_approved",
                         f"unknown status {approved!r}; known: {', '.join(APPROVAL_STATUS)}", key=comment_id)
    date_gmt = (child_text(element, "comment_date_gmt") or "").strip()
    field, text = ("wp:comment_date_gmt", date_gmt) if date_gmt and date_gmt != UNSET_DATE else (
        "wp:comment_date", child_text(element, "comment_date"))
    try:
        created = parse_date(text)
    except FieldError as error:
        return BadRecord(where, field, str(error), key=comment_id)
    parent = (child_text(element, "comment_parent") or "").strip()
    user = (child_text(element, "comment_user_id") or "").strip()
    author = Author(name=clean_name(child_text(element, "comment_author"), "Guest"),
                    email=clean_email(child_text(element, "comment_author_email")),
                    key=f"user-{user}" if user not in NO_ID else None)
    return Comment(where=where, key=comment_id, story=story, parent_key=parent if parent not in NO_ID else None,
                   author=author, body=html_to_markdown(_paragraphs(child_text(element, "comment_content"))),
                   status=APPROVAL_STATUS[approved], created_at=created, body_field="wp:comment_content",
                   key_field="wp:comment_id")


def _paragraphs(text: str | None) -> str:
    """WordPress stores comments as typed and adds paragraphs on display: blank lines part them,
    single line breaks stay breaks."""
    blocks = (text or "").replace("\r\n", "\n").split("\n\n")
    return "".join(f"<p>{block.replace(chr(10), '<br>')}</p>" for block in blocks if block.strip())
