"""Screenshots of the moderator dashboard for docs/: a throwaway server with the shipped engine, a
few realistic comments held by it, one report, and headless Debian Chromium signed in as a moderator.

    .venv/bin/python scripts/dashboard-screenshots.py     # writes docs/dashboard-*.png
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import sync_playwright

from rostra.actions.accounts import create_staff
from rostra.app import build_app
from rostra.config import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "screenshot password"
COMMENTS = (
    ("Dana", "The council should publish the full budget before the vote, not after it."),
    ("Troll99", "You are a complete idiot and everyone on this thread knows it."),
    ("Marco", "Shut up, moron. Nobody here asked for your opinion on bus routes."),
    ("Deals", "BUY CHEAP WATCHES NOW, best prices, call 555-0199 today!!!"),
    ("Ellen", "Somebody should find where the councillor lives and teach him a lesson."),
)


def main() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    data = Path(tempfile.mkdtemp(prefix="rostra-screenshots-"))
    app = build_app(Settings(data_dir=str(data), demo=False, port=port, allowed_origins=[origin],
                             rate_limit_ip_per_minute=0, rate_limit_author_per_minute=0))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.1)
    try:
        create_staff(app.state.runtime.store, "editor@news.example", "moderator", PASSWORD)
        create_staff(app.state.runtime.store, "chief@news.example", "admin", PASSWORD)
        site = httpx.Client(base_url=origin, headers={"Origin": origin}, timeout=30)
        story = site.post("/api/v1/stories", json={"url": f"{origin}/news/council-budget",
                                                   "title": "Council cuts three bus routes to balance the budget",
                                                   "text": "The council voted to cut routes 12, 14 and 31."}).json()
        posted = []
        for name, text in COMMENTS:
            reader = httpx.Client(base_url=origin, headers={"Origin": origin}, timeout=30)
            posted.append(reader.post(f"/api/v1/stories/{story['id']}/comments",
                                      json={"body": text, "author_name": name}).json())
        site.post(f"/api/v1/comments/{posted[0]['id']}/reports", json={"reason": "off_topic", "note": "not about buses"})
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync"])
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(origin + "/admin")
            page.fill("input[name=email]", "chief@news.example")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.login-form button[type=submit]")
            page.wait_for_selector("#queue")
            page.screenshot(path=str(DOCS / "dashboard-pending.png"), full_page=True)
            page.keyboard.press("o")
            page.wait_for_selector("#drawer .author-profile")
            page.screenshot(path=str(DOCS / "dashboard-drawer.png"))
            page.goto(origin + "/admin/settings?test=" + "You%20absolute%20m0r0n%2C%20go%20back%20where%20you%20came%20from")
            page.screenshot(path=str(DOCS / "dashboard-settings.png"), full_page=True)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
