"""Markdown subset -> HTML -> nh3 allowlist, so no script, style, handler or unsafe URL survives.

Markdown-it runs with raw HTML off and only paragraphs, emphasis, links, quotes and code enabled;
nh3 then keeps only the tags this subset can produce, with http/https/mailto links marked
`rel="nofollow ugc noopener"`. Either layer alone would already refuse `javascript:` links; both run.
"""

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

_markdown = (
    MarkdownIt("zero", {"html": False, "breaks": True})
    .enable(["emphasis", "link", "autolink", "blockquote", "backticks", "code", "fence", "escape",
             "entity", "newline"])
)


def render_comment(source: str) -> str:
    """Sanitized HTML for a comment's Markdown source."""
    html = _markdown.render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()
