"""Reader-widget benchmark: what a reader's browser downloads and waits for, Rostra against Isso.

Prints the size of Rostra's `embed.js` and `count.js` (raw and gzipped), then, for a story of 1,000
and one of 10,000 comments (a fifth of them replies), opens an article page embedding each widget
in headless Chromium and reports the requests and bytes (as transferred) of its first paint, up to
the first comment drawn, and the time from navigation to that first comment (median of the runs).

Both servers hold the same comments, prefilled straight into their databases as bench/server.py
does: `rostra serve` on SQLite, and Isso (installed from PyPI into .work/ on first use) under
gunicorn. Each article page is served by Playwright itself from the origin its server allows.

    .venv/bin/python bench/widget.py              # both servers, 3 runs per page
    .venv/bin/python bench/widget.py --no-isso --runs 5
"""

from __future__ import annotations

import argparse
import gzip
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import (  # noqa: E402 - bench/server.py knows how to prefill and run both servers
    LOGS,
    SITE_ORIGIN,
    WORK,
    IssoTarget,
    PlannedComment,
    RostraTarget,
    comment_text,
    ensure_isso_venv,
)

REPO = Path(__file__).resolve().parent.parent
STATIC = REPO / "src" / "rostra" / "web" / "static"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults"]
THREAD_SIZES = (1_000, 10_000)
REPLY_SHARE = 0.2
FIRST_COMMENT_TIMEOUT_MS = 180_000  # Isso draws a 10,000-comment thread whole before anything shows
ISSO_PAGE_ORIGIN = "http://127.0.0.1:1"  # the origin bench/server.py configures as Isso's site
# Chromium refuses a public origin's requests to 127.0.0.1 (Private Network Access), so the article
# pages are served from loopback origins too; Rostra's stories keep their news.example URLs.
ROSTRA_PAGE_ORIGIN = "http://127.0.0.1:2"
ROSTRA_FIRST_COMMENT = ("() => { const root = document.querySelector('#rostra-thread')?.shadowRoot;"
                        " return root && root.querySelector('li.comment') && performance.now(); }")
ISSO_FIRST_COMMENT = "() => document.querySelector('#isso-thread .isso-comment') && performance.now()"


def plan(sizes=THREAD_SIZES, seed: int = 20261202) -> tuple[list[str], list[PlannedComment]]:
    """One story per size, `size` comments each; a fifth reply to an earlier top-level comment."""
    rng = random.Random(seed)
    stories, planned = [], []
    start = time.time() - 7 * 86400
    for size in sizes:
        story = f"thread-{size}"
        stories.append(story)
        tops: list[int] = []
        for _ in range(size):
            n = len(planned) + 1
            parent = rng.choice(tops[-50:]) if tops and rng.random() < REPLY_SHARE else None
            if parent is None:
                tops.append(n)
            planned.append(PlannedComment(n, story, parent, start + n, n % 50, comment_text(n)))
    return stories, planned


@dataclass
class Paint:
    requests: int
    transferred: int
    first_comment_ms: float


def rostra_page(port: int, story: str) -> tuple[str, str]:
    url = f"{ROSTRA_PAGE_ORIGIN}/bench/{story}"
    return url, (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{story}</title></head>'
                 f'<body><h1>{story}</h1><div id="rostra-thread" data-rostra-url="{SITE_ORIGIN}/bench/{story}"></div>'
                 f'<script src="http://127.0.0.1:{port}/embed.js" async></script></body></html>')


def isso_page(port: int, story: str) -> tuple[str, str]:
    url = f"{ISSO_PAGE_ORIGIN}/bench/{story}"
    return url, (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{story}</title></head>'
                 f'<body><h1>{story}</h1><script data-isso="http://127.0.0.1:{port}/" '
                 f'src="http://127.0.0.1:{port}/js/embed.min.js"></script>'
                 f'<section id="isso-thread" data-isso-id="/bench/{story}"></section></body></html>')


def first_paint(browser, url: str, html: str, first_comment: str) -> Paint:
    """Open the article in a fresh context (empty cache) and measure up to its first comment."""
    context = browser.new_context()
    page = context.new_page()
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    requests = []
    page.on("request", lambda request: requests.append(request) if request.url != url else None)
    page.goto(url)
    drawn_at = page.wait_for_function(first_comment, polling="raf", timeout=FIRST_COMMENT_TIMEOUT_MS).json_value()
    made = list(requests)
    transferred = 0
    for request in made:
        response = request.response()
        if response is None:
            continue
        if request.resource_type == "eventsource":
            continue  # the live stream stays open; its headers are all it sent before the first paint
        response.finished()
        sizes = request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    context.close()
    return Paint(len(made), transferred, drawn_at)


def measure(browser, make_page, port: int, story: str, first_comment: str, runs: int) -> Paint:
    paints = [first_paint(browser, *make_page(port, story), first_comment) for _ in range(runs)]
    return Paint(paints[0].requests, paints[0].transferred,
                 statistics.median(paint.first_comment_ms for paint in paints))


def bundle_sizes() -> list[tuple[str, int, int]]:
    return [(name, len(data), len(gzip.compress(data, 9)))
            for name in ("embed.js", "count.js") for data in [(STATIC / name).read_bytes()]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="page loads per widget and story (median time)")
    parser.add_argument("--no-isso", action="store_true", help="measure Rostra only")
    args = parser.parse_args()

    print("| bundle | raw bytes | gzipped bytes |\n|---|---|---|")
    for name, raw, zipped in bundle_sizes():
        print(f"| {name} | {raw:,} | {zipped:,} |")

    from playwright.sync_api import sync_playwright

    WORK.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    stories, planned = plan()
    rostra = RostraTarget(1, postgres=False)
    rostra.env["ROSTRA_ALLOWED_ORIGINS"] = f"{SITE_ORIGIN},{ROSTRA_PAGE_ORIGIN}"
    targets = [("Rostra", rostra, rostra_page, ROSTRA_FIRST_COMMENT)]
    if not args.no_isso:
        venv, version = ensure_isso_venv()
        targets.append((f"Isso {version}", IssoTarget(1, venv), isso_page, ISSO_FIRST_COMMENT))
    rows = []
    for label, target, make_page, first_comment in targets:
        target.create(stories, planned)
        target.start(LOGS / f"{target.server}.log")  # before Playwright, whose loop owns this thread
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                for story, size in zip(stories, THREAD_SIZES):
                    paint = measure(browser, make_page, target.process.port, story, first_comment, args.runs)
                    rows.append((label, size, paint))
                browser.close()
        finally:
            target.process.stop()
            target.destroy()
    print(f"\nfirst paint, headless Chromium, empty cache, median of {args.runs} loads\n")
    print("| widget | comments in story | requests | bytes transferred | first comment drawn |\n|---|---|---|---|---|")
    for label, size, paint in rows:
        print(f"| {label} | {size:,} | {paint.requests} | {paint.transferred:,} | {paint.first_comment_ms:,.0f} ms |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
