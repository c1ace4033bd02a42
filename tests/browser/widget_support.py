"""Helpers the browser tests share: host pages that embed the widget, and big seeded threads."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import insert

from rostra.actions.stories import get_or_create_story
from rostra.store.queries import utcnow
from rostra.store.tables import authors, comments

sys.path.append(str(Path(__file__).resolve().parents[1] / "server"))
from server_support import FakeEngine  # noqa: E402

WIDGET = "#rostra-thread"


def widget_server(start_live_server):
    """Rostra with the demo thread and the fake engine ('[hold]' in a text holds it)."""
    from rostra.actions.setup import create_demo

    server = start_live_server(engine=FakeEngine(), demo=True)
    create_demo(server.runtime)
    return server


def watch_errors(page):
    """Collects the page's uncaught script errors in `page.errors`."""
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def host_page(page, server, path: str, *, head: str = "", attributes: str = "", before: str = "") -> str:
    """Serve a news site's article at `server.url + path` that embeds the widget as the README says,
    and open it; `head` may add hostile styles, `attributes` more data-rostra-* options."""
    url = server.url + path
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Article {path}</title>{head}</head>
<body><h1>Article</h1><p class="host-text">The host page's own text.</p>{before}
<div id="rostra-thread" data-rostra-url="{url}" data-rostra-title="Article {path}" {attributes}></div>
<script src="{server.url}/embed.js" async></script></body></html>"""
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(url)
    return url


def seed_thread(server, url: str, count: int, replies_to_first: int = 0) -> int:
    """A story at `url` with `count` approved top-level comments (and replies under the first one),
    inserted in bulk; returns the story id."""
    store = server.runtime.store
    story, _ = get_or_create_story(store, url, "A big thread", None)
    now = utcnow()
    with store.write() as connection:
        author_id = connection.execute(
            insert(authors).returning(authors.c.id),
            {"guest_key": "seeded", "display_name": "Seeded reader", "created_at": now},
        ).scalar_one()
        row = {"story_id": story["id"], "depth": 0, "author_id": author_id, "status": "approved",
               "reaction_count": 0, "created_at": now, "parent_id": None}
        connection.execute(insert(comments), [
            {**row, "body_markdown": f"Seeded comment {number}", "body_html": f"<p>Seeded comment {number}</p>"}
            for number in range(count)
        ])
        if replies_to_first:
            first = connection.execute(
                comments.select().where(comments.c.story_id == story["id"]).order_by(comments.c.id).limit(1)
            ).first()
            connection.execute(insert(comments), [
                {**row, "parent_id": first.id, "depth": 1, "body_markdown": f"Seeded reply {number}",
                 "body_html": f"<p>Seeded reply {number}</p>"}
                for number in range(replies_to_first)
            ])
    return story["id"]
