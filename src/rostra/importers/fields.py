"""Field readers the format modules share: dates, booleans, e-mail addresses, HTML to Markdown, and
streamed XML. Each raises `FieldError` with a message; the format module adds the record and field."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import IO
from urllib.parse import urljoin

from rostra.importers.records import BadFile

EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
MAX_EMAIL_CHARS = 254
MAX_NAME_CHARS = 200
MAX_TITLE_CHARS = 500
LINK_SCHEMES = ("http://", "https://", "mailto:")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")


class FieldError(ValueError):
    """A field's value cannot be read; the message says what was expected."""


def parse_date(text: str | None) -> datetime:
    """ISO 8601 (with `Z` or an offset; without one, UTC) or `YYYY-MM-DD HH:MM:SS`, as UTC."""
    if text is None or not str(text).strip():
        raise FieldError("is missing")
    value = str(text).strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FieldError(f"not a date: {value[:40]!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_timestamp(value) -> datetime:
    """Seconds since 1970 (Isso's dates), as UTC."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(f"not a timestamp: {str(value)[:40]!r}")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise FieldError(f"not a timestamp: {value!r}") from None


def parse_bool(text: str | None, default: bool = False) -> bool:
    """`true`/`false` (any case; also 1/0) as XML exports write them; absent: `default`."""
    if text is None or not text.strip():
        return default
    value = text.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise FieldError(f"must be true or false, not {text.strip()[:20]!r}")


def clean_email(text: str | None) -> str | None:
    """The address in lower case, or None when there is none or it is not an address (an archive's
    stray value must not cost the comment; it only cannot merge authors)."""
    value = (text or "").strip().lower()
    if not value or len(value) > MAX_EMAIL_CHARS or not EMAIL.fullmatch(value):
        return None
    return value


def clean_name(text: str | None, fallback: str) -> str:
    value = " ".join((text or "").split())
    return value[:MAX_NAME_CHARS] or fallback


def clean_title(text: str | None) -> str:
    return " ".join((text or "").split())[:MAX_TITLE_CHARS]


class _MarkdownWriter(HTMLParser):
    """HTML comment bodies (Disqus, WordPress, Remark42) to Rostra's Markdown subset: paragraphs,
    line breaks, emphasis, links, quotes and code; other tags keep only their text."""

    _EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}
    _BLOCKS = frozenset({"p", "div", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.buffers: list[list[str]] = [[]]
        self.links: list[str | None] = []
        self.in_pre = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        out = self.buffers[-1]
        if tag in self._EMPHASIS:
            out.append(self._EMPHASIS[tag])
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href if href.startswith(LINK_SCHEMES) else None)
            if self.links[-1]:
                out.append("[")
        elif tag == "br":
            out.append("\n")
        elif tag in ("blockquote", "pre"):
            self.buffers.append([])
            self.in_pre += tag == "pre"
        elif tag in self._BLOCKS:
            out.append("\n\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag == "br":
            self.buffers[-1].append("\n")

    def handle_endtag(self, tag: str) -> None:
        out = self.buffers[-1]
        if tag in self._EMPHASIS:
            out.append(self._EMPHASIS[tag])
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                out.append(f"]({href})")
        elif tag in ("blockquote", "pre") and len(self.buffers) > 1:
            inner = "".join(self.buffers.pop()).strip("\n")
            if tag == "pre":
                self.in_pre -= 1
                block = f"```\n{inner}\n```"
            else:
                block = "\n".join(f"> {line}".rstrip() for line in _tidy(inner).split("\n"))
            self.buffers[-1].append(f"\n\n{block}\n\n")
        elif tag in self._BLOCKS:
            out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_pre:
            self.buffers[-1].append(data)
        else:
            self.buffers[-1].append(MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", data)))

    def text(self) -> str:
        while len(self.buffers) > 1:  # unclosed quotes keep their text
            inner = self.buffers.pop()
            self.buffers[-1].extend(inner)
        return _tidy("".join(self.buffers[0]))


def _tidy(text: str) -> str:
    """Trim each line and keep at most one blank line between paragraphs."""
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_markdown(html: str | None) -> str:
    writer = _MarkdownWriter()
    writer.feed(html or "")
    writer.close()
    return writer.text()


def local_name(tag: str) -> str:
    """`{namespace}name` without its namespace."""
    return tag.rpartition("}")[2]


def child_text(element: ElementTree.Element, name: str) -> str | None:
    """The text of the first child with this local name (any namespace), None when absent."""
    for child in element:
        if local_name(child.tag) == name:
            return child.text or ""
    return None


def child(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    for item in element:
        if local_name(item.tag) == name:
            return item
    return None


def attribute(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace prefix (`dsq:id`)."""
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value
    return None


def stream_elements(source: IO[bytes], depth: int, what: str) -> Iterator[ElementTree.Element]:
    """The elements `depth` levels below the root, each complete, in file order, forgotten once the
    caller moves on: memory stays flat however long the file. Broken XML raises `BadFile` naming its
    line and column; `what` names the expected format in that message."""
    level = 0
    parents: list[ElementTree.Element] = []
    try:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            if event == "start":
                level += 1
                parents.append(element)
                continue
            level -= 1
            parents.pop()
            if level == depth:
                yield element
                parents[-1].remove(element)
    except ElementTree.ParseError as error:
        line, column = error.position
        raise BadFile(f"line {line}, column {column}: the {what} file is not well-formed XML "
                       f"({str(error).split(':')[0]})") from None


def absolute_url(url: str | None, base_url: str | None) -> str:
    """A story URL from a source that may keep only the page's path (Isso, Commento): joined to
    `--base-url` when it is not absolute already."""
    value = (url or "").strip()
    if not value:
        raise FieldError("is missing")
    if value.lower().startswith(("http://", "https://")):
        return value
    if not base_url:
        raise FieldError(f"{value[:80]!r} is a path, not a URL: give --base-url https://your.site")
    return urljoin(base_url, value)
