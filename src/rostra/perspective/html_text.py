"""HTML to the plain text a reader sees, for clients (and Coral by default) that send comment HTML."""

from __future__ import annotations

from html.parser import HTMLParser

# Elements whose boundaries separate words on screen: without a break, "<p>a</p><p>b</p>" reads "ab".
_BREAKING = frozenset({"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
                       "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                       "header", "hr", "li", "ol", "p", "pre", "section", "table", "td", "th",
                       "tr", "ul"})
# Elements whose content is never shown as text.
_HIDDEN = frozenset({"script", "style", "template", "head", "title"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            self.hidden_depth += 1
        elif tag in _BREAKING:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BREAKING:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BREAKING:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML fragment, block boundaries as line breaks, trimmed."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = "".join(collector.parts).split("\n")
    return "\n".join(line.strip() for line in lines if line.strip())
