"""Browser fixtures: the real app served by uvicorn over each test's database (SQLite and PostgreSQL),
and headless Debian Chromium driven by Playwright.

`live_server` allows its own origin, so pages it serves (the demo article, /admin) embed and write
as a news site's would. `page` is a fresh browser context (no cookies, no storage) per test;
screenshots a test saves with `browser_support.save_screenshot` land in `tests/browser/artifacts/`
(git-ignored).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from rostra.config import Settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
START_TIMEOUT_SECONDS = 20


@dataclass
class LiveServer:
    """A running Rostra; `url` is its origin (http://127.0.0.1:PORT)."""

    url: str
    app: object

    @property
    def runtime(self):
        return self.app.state.runtime

    def client(self, **headers) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def start_live_server(database, tmp_path) -> Iterator[Callable[..., LiveServer]]:
    """Starts the app on a free port; keyword arguments override settings (`engine=` a stand-in)."""
    import uvicorn

    from rostra.app import build_app

    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(engine=None, **values) -> LiveServer:
        port = _free_port()
        origin = f"http://127.0.0.1:{port}"
        defaults = {"data_dir": str(tmp_path / "data"), "database_url": database.url,
                    "secret_key": "browser-test-secret-key", "demo": False, "port": port,
                    "allowed_origins": [origin], "rate_limit_ip_per_minute": 0,
                    "rate_limit_author_per_minute": 0}
        app = build_app(Settings(**{**defaults, **values}), engine=engine)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        running.append((server, thread))
        return LiveServer(origin, app)

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def live_server(start_live_server) -> LiveServer:
    """Rostra with the shipped moderation engine, serving its own pages."""
    return start_live_server()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Debian's package; never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for browser tests: install Debian's chromium ({CHROMIUM} missing)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_page(browser):
    """Opens pages in fresh contexts (separate readers: own cookies and storage); `color_scheme`
    'light' or 'dark'."""
    contexts = []

    def open_page(color_scheme: str = "light"):
        context = browser.new_context(color_scheme=color_scheme, viewport={"width": 1100, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
