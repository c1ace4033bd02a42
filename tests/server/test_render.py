"""The Markdown subset and its sanitizer: real XSS vectors, and Hypothesis hunting for any executable
construct in the output."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rostra.render import render_comment
from rostra.render.markdown import ALLOWED_TAGS

SAFE_SCHEMES = (None, "http", "https", "mailto")


C0_CONTROLS_AND_SPACE = "".join(chr(code) for code in range(0x21))


def _scheme(href: str) -> str | None:
    """The scheme a browser would read from an href (WHATWG URL parsing), or None for a relative URL."""
    target = re.sub(r"[\t\n\r]", "", html.unescape(href).strip(C0_CONTROLS_AND_SPACE))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", target)
    return match.group(1).lower() if match else None


class _Collector(HTMLParser):
    """Every start tag of the output with its attributes, entities decoded as a browser would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def executable_constructs(output: str) -> list[str]:
    """What in this HTML could run script or load active content; empty when the output is safe."""
    parser = _Collector()
    parser.feed(output)
    parser.close()
    problems = []
    for tag, attributes in parser.tags:
        if tag not in ALLOWED_TAGS:
            problems.append(f"tag <{tag}>")
        for name, value in attributes.items():
            if name.startswith("on") or name in ("style", "src", "srcdoc", "formaction", "xlink:href"):
                problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and _scheme(value or "") not in SAFE_SCHEMES:
                problems.append(f"href {value!r}")
        if tag == "a" and "nofollow ugc noopener" != attributes.get("rel"):
            problems.append("link without rel=nofollow ugc noopener")
    return problems


XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<body onload=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"http://evil.example/x.css\">",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<p title=\"</p><script>alert(1)</script>\">",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](file:///etc/passwd)",
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](https://example.org/x.png\" onerror=\"alert(1))",
    "[x](https://example.org \"title\" onmouseover=\"alert(1)\")",
    "<javascript:alert(1)>",
    "[a]: javascript:alert(1)\n\n[a]",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "> <script>alert(1)</script>",
    "**<img src=x onerror=alert(1)>**",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<<script>script>alert(1)<</script>/script>",
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "<a href=\"https://example.org\" onclick=\"alert(1)\">ok</a>",
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_come_out_inert(vector):
    output = render_comment(vector)
    assert executable_constructs(output) == [], output
    assert re.search(r"<(script|style|img|svg|iframe|object|embed|math|form|input|meta|base|link|body)",
                     output, re.IGNORECASE) is None, output


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("*em* and **strong**", "<p><em>em</em> and <strong>strong</strong></p>"),
        ("> quoted\n\nreply", "<blockquote>\n<p>quoted</p>\n</blockquote>\n<p>reply</p>"),
        ("`x < y`", "<p><code>x &lt; y</code></p>"),
        ("```\na & b\n```", "<pre><code>a &amp; b\n</code></pre>"),
        ("[site](https://example.org/a?b=1&c=2)",
         '<p><a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">site</a></p>'),
        ("<https://example.org>",
         '<p><a href="https://example.org" rel="nofollow ugc noopener">https://example.org</a></p>'),
        ("line one\nline two", "<p>line one<br>\nline two</p>"),
        ("# not a heading", "<p># not a heading</p>"),
        ("<b>raw html</b>", "<p>&lt;b&gt;raw html&lt;/b&gt;</p>"),
    ],
)
def test_the_markdown_subset(source, expected):
    assert render_comment(source) == expected


def test_images_become_plain_links_at_most():
    output = render_comment("![chart](https://example.org/chart.png)")
    assert "<img" not in output


MARKDOWN_PIECES = st.sampled_from([
    "<", ">", "&", "\"", "'", "`", "```", "*", "_", "[", "]", "(", ")", "!", ":", "/", "#", "\n", "\t", " ",
    "javascript:", "JAVASCRIPT:", "data:", "vbscript:", "&#106;", "&#x6A;", "&colon;", "&#58;", "%3A",
    "<script>", "</script>", "<img", " src=x", " onerror=alert(1)", "<svg", " onload=", "<style>",
    "<a href=", "<iframe", "style=", "expression(", "url(", "http://", "https://", "mailto:", "\x00",
    "\u2028", "\ufeff", "\u00a0", "> ", "<!--", "-->", "<![CDATA[", "]]>", "=", "\\",
])
MARKDOWN_TEXT = st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=5)), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN_TEXT)
def test_no_output_ever_contains_an_executable_construct(source):
    assert executable_constructs(render_comment(source)) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_renders_to_safe_html(source):
    assert executable_constructs(render_comment(source)) == []


@pytest.mark.parametrize(
    "unsafe_html",
    [
        "<script>alert(1)</script>",
        '<p onclick="alert(1)">x</p>',
        '<a href="javascript:alert(1)" rel="nofollow ugc noopener">x</a>',
        '<a href=" &#106;avascript:alert(1)" rel="nofollow ugc noopener">x</a>',
        '<a href="data:text/html,x" rel="nofollow ugc noopener">x</a>',
        '<a href="https://example.org">no rel</a>',
        '<p style="color:red">x</p>',
        "<svg></svg>",
    ],
)
def test_the_safety_check_itself_catches_unsafe_html(unsafe_html):
    assert executable_constructs(unsafe_html)
