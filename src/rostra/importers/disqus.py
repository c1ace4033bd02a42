"""Disqus's XML export: `<disqus>` holding `<thread dsq:id>` elements (link, title, createdAt,
isClosed) and then `<post dsq:id>` elements (message as HTML, createdAt, isDeleted, isSpam,
author name / email / username / isAnonymous, `<thread dsq:id>`, `<parent dsq:id>` for replies).

Threads are kept by id (one small record per story); posts stream through one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator

from rostra.importers.fields import (
    FieldError,
    attribute,
    child,
    child_text,
    clean_email,
    clean_name,
    clean_title,
    html_to_markdown,
    local_name,
    parse_bool,
    parse_date,
    stream_elements,
)
from rostra.importers.records import Author, BadFile, BadRecord, Comment, Story
from rostra.importers.source import SourceFile

NAME = "disqus"
ROOT = "disqus"


def read(source: SourceFile, base_url: str | None = None) -> Iterator[Comment | BadRecord]:
    threads: dict[str, Story | BadRecord] = {}
    posts = 0
    with source.open() as stream:
        for element in _elements(stream):
            kind = local_name(element.tag)
            if kind == "thread":
                thread_id = attribute(element, "id") or ""
                threads[thread_id] = _thread(element, len(threads) + 1, thread_id)
            elif kind == "post":
                posts += 1
                yield _post(element, posts, threads)


def _elements(stream):
    """The children of `<disqus>`, after checking that the file is a Disqus export."""
    elements = stream_elements(stream, depth=1, what="Disqus")
    first = next(elements, None)
    if first is None:
        raise BadFile("the file holds no Disqus threads or posts")
    if first.tag.partition("}")[0].lstrip("{") != "http://disqus.com":
        raise BadFile(f"not a Disqus export: its first element is <{local_name(first.tag)}> outside the "
                      "Disqus namespace (http://disqus.com)")
    yield first
    yield from elements


def _thread(element, number: int, thread_id: str) -> Story | BadRecord:
    where = f"thread {number} (dsq:id {thread_id})"
    link = (child_text(element, "link") or "").strip()
    if not link:
        return BadRecord(where, "link", "is missing")
    field = "createdAt"
    try:
        created = parse_date(child_text(element, "createdAt")) if child_text(element, "createdAt") else None
        field = "isClosed"
        closed = parse_bool(child_text(element, "isClosed"))
    except FieldError as error:
        return BadRecord(where, field, str(error))
    return Story(url=link, title=clean_title(child_text(element, "title")),
                 text=html_to_markdown(child_text(element, "message")), closed=closed, created_at=created,
                 url_field="link")


def _post(element, number: int, threads: dict[str, Story | BadRecord]) -> Comment | BadRecord:
    post_id = attribute(element, "id")
    where = f"post {number} (dsq:id {post_id})"
    if not post_id:
        return BadRecord(f"post {number}", "dsq:id", "is missing")
    thread = child(element, "thread")
    thread_id = attribute(thread, "id") if thread is not None else None
    story = threads.get(thread_id or "")
    if story is None:
        return BadRecord(where, "thread", f"no thread with dsq:id {thread_id} earlier in the file", key=post_id)
    if isinstance(story, BadRecord):
        return BadRecord(where, "thread", f"its thread was skipped ({story})", key=post_id)
    field = "createdAt"
    try:
        created = parse_date(child_text(element, "createdAt"))
        field = "isDeleted"
        deleted = parse_bool(child_text(element, "isDeleted"))
        field = "isSpam"
        spam = parse_bool(child_text(element, "isSpam"))
        field = "author.isAnonymous"
        author_element = child(element, "author")
        anonymous = parse_bool(child_text(author_element, "isAnonymous")) if author_element is not None else True
    except FieldError as error:
        return BadRecord(where, field, str(error), key=post_id)
    parent = child(element, "parent")
    username = (child_text(author_element, "username") or "").strip() if author_element is not None else ""
    author = Author(
        name=clean_name(child_text(author_element, "name") if author_element is not None else None, "Guest"),
        email=clean_email(child_text(author_element, "email")) if author_element is not None else None,
        key=username if username and not anonymous else None,
    )
    status = "deleted" if deleted else "rejected" if spam else "approved"
    return Comment(where=where, key=post_id, story=story,
                   parent_key=(attribute(parent, "id") or None) if parent is not None else None, author=author,
                   body=html_to_markdown(child_text(element, "message")), status=status, created_at=created,
                   body_field="message", key_field="dsq:id")
