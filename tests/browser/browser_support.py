"""Helpers the browser tests import as a plain module (tests/browser is on sys.path)."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).parent / "artifacts"


def save_screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a PNG under tests/browser/artifacts/ (kept by CI as a test artefact)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def sign_in(page, server, email: str, password: str, path: str = "/admin") -> None:
    """Sign in at the dashboard's login form, as a moderator would, and wait for the queue."""
    page.goto(server.url + path)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form.login-form button[type=submit]")
    page.wait_for_selector("#queue")
