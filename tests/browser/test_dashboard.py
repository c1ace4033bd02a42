"""The moderator dashboard in headless Chromium over both databases: sign-in, live held comments,
spans and reasons, keyboard moderation, undo, Reported, refusals and hostile text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from browser_support import save_screenshot, sign_in

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))
from server_support import FakeEngine  # noqa: E402

from rostra.actions.accounts import create_staff  # noqa: E402

MODERATOR = "mod@news.example"
PASSWORD = "a long staff password"
XSS = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
NAME_XSS = '<img src=x onerror="window.pwned=3">'


@pytest.fixture
def server(start_live_server):
    live = start_live_server(engine=FakeEngine())
    create_staff(live.runtime.store, MODERATOR, "moderator", PASSWORD)
    return live


class Reader:
    """A reader writing through the JSON API from the news site's page (its Origin)."""

    def __init__(self, server):
        self.client = server.client(origin=server.url)
        story = self.client.post("/api/v1/stories", json={"url": f"{server.url}/news/budget",
                                                          "title": "Council budget"})
        assert story.status_code in (200, 201), story.text
        self.story = story.json()

    def post(self, body: str, **fields) -> dict:
        response = self.client.post(f"/api/v1/stories/{self.story['id']}/comments", json={"body": body, **fields})
        assert response.status_code == 201, response.text
        return response.json()

    def visible_ids(self) -> list[int]:
        items = self.client.get(f"/api/v1/stories/{self.story['id']}/comments").json()["items"]
        return [item["id"] for item in items]


def status_of(server, comment_id: int) -> str:
    from rostra.store.queries import get_comment

    with server.runtime.store.read() as connection:
        return get_comment(connection, comment_id).status


def test_held_comment_arrives_live_and_is_approved_by_keyboard(server, page):
    reader = Reader(server)
    sign_in(page, server, MODERATOR, PASSWORD)
    assert page.locator("#empty").is_visible()
    held = reader.post("you are a [hold] person", author_name="Sam")
    card = page.locator(f"#comment-{held['id']}")
    card.wait_for()  # no reload: the event stream brought it
    assert card.locator("mark.span").inner_text() == "[hold]"
    assert "toxicity 0.70: '[hold]'" in card.locator(".reasons").inner_text()
    assert "new commenter" in card.inner_text()
    save_screenshot(page, "dashboard-pending")
    page.keyboard.press("a")
    card.wait_for(state="detached")
    assert held["id"] in reader.visible_ids()
    assert "Approved" in page.locator("#toast").inner_text()


def test_three_comments_moderated_by_keyboard_alone_and_undo(server, page):
    reader = Reader(server)
    ids = [reader.post(f"held number {number} [hold]")["id"] for number in range(3)]
    sign_in(page, server, MODERATOR, PASSWORD)
    page.wait_for_selector(f"#comment-{ids[2]}.selected")  # newest first, the first one selected
    page.keyboard.press("a")
    page.wait_for_selector(f"#comment-{ids[2]}", state="detached")
    page.keyboard.press("r")
    page.wait_for_selector(f"#comment-{ids[1]}", state="detached")
    page.keyboard.press("f")  # featuring approves
    page.wait_for_selector(f"#comment-{ids[0]}", state="detached")
    assert status_of(server, ids[2]) == "approved"
    assert status_of(server, ids[1]) == "rejected"
    assert status_of(server, ids[0]) == "approved"
    page.keyboard.press("u")  # undo the feature: back to pending, back in the queue
    page.wait_for_selector(f"#comment-{ids[0]}")
    assert status_of(server, ids[0]) == "pending"
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    assert page.locator("#help").is_hidden()


def test_reported_comment_shows_in_reported_with_its_reason(server, page):
    reader = Reader(server)
    comment = reader.post("an ordinary comment")
    sign_in(page, server, MODERATOR, PASSWORD, path="/admin?queue=reported")
    other = server.client(origin=server.url)
    assert other.post(f"/api/v1/comments/{comment['id']}/reports",
                      json={"reason": "spam", "note": "selling watches"}).status_code == 201
    card = page.locator(f"#comment-{comment['id']}")
    card.wait_for()
    assert "Reported as spam" in card.inner_text() and "selling watches" in card.inner_text()
    save_screenshot(page, "dashboard-reported")
    page.keyboard.press("r")
    card.wait_for(state="detached")
    assert status_of(server, comment["id"]) == "rejected"


def test_guest_reader_and_signed_out_moderator_are_refused(server, page, new_page):
    page.goto(server.url + "/admin")
    assert "/admin/login" in page.url
    reader = server.client(origin=server.url)
    assert reader.post("/api/v1/accounts", json={"username": "rita", "password": "long enough"}).status_code == 201
    sign_in(page, server, MODERATOR, PASSWORD)
    cookies = page.context.cookies()
    page.click("header.top button[type=submit]")  # sign out
    page.wait_for_url("**/admin/login")
    replay = new_page()
    replay.context.add_cookies(cookies)
    replay.goto(server.url + "/admin")
    assert "/admin/login" in replay.url  # the old cookie no longer signs in
    rita = new_page()
    rita.goto(server.url + "/admin/login")
    rita.fill("input[name=email]", "rita")
    rita.fill("input[name=password]", "long enough")
    rita.click("form.login-form button[type=submit]")
    assert "Not allowed" in rita.content()


def test_hostile_text_renders_inert(server, page):
    reader = Reader(server)
    bad_story = reader.client.post("/api/v1/stories", json={"url": f"{server.url}/news/evil",
                                                            "title": f"Title {XSS}"}).json()
    held = reader.client.post(f"/api/v1/stories/{bad_story['id']}/comments",
                              json={"body": f"{XSS} [hold]", "author_name": NAME_XSS})
    assert held.status_code == 201, held.text
    held = held.json()
    visible = reader.post("plain")
    server.client(origin=server.url).post(f"/api/v1/comments/{visible['id']}/reports",
                                          json={"reason": "other", "note": XSS})
    sign_in(page, server, MODERATOR, PASSWORD)
    page.locator(f"#comment-{held['id']}").wait_for()
    for path in ("/admin", "/admin?queue=reported", "/admin/stories", "/admin/log"):
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.pwned") is None, path
    page.goto(server.url + "/admin")
    assert "<script>window.pwned=2</script>" in page.locator(f"#comment-{held['id']} .text").inner_text()


def test_ban_by_keyboard_refuses_the_author_and_shows_in_the_drawer(server, page):
    reader = Reader(server)
    held = reader.post("buy my pills [hold]", author_name="Spammer")
    sign_in(page, server, MODERATOR, PASSWORD)
    page.locator(f"#comment-{held['id']}.selected").wait_for()
    page.keyboard.press("b")
    page.locator(f"#comment-{held['id']}").wait_for(state="detached")
    assert status_of(server, held["id"]) == "rejected"
    refused = reader.client.post(f"/api/v1/stories/{reader.story['id']}/comments", json={"body": "again"})
    assert refused.status_code == 403
    page.goto(server.url + "/admin?queue=rejected")
    page.locator(f"#comment-{held['id']}").wait_for()
    page.keyboard.press("o")
    assert "banned from the moderation queue" in page.locator("#drawer .sanctions").inner_text()


def test_a_held_comment_approved_by_keyboard_reaches_an_open_readers_page_live(server, page, new_page):
    """The whole loop of issue 8: a reader's comment is held, a moderator approves it by keyboard in
    /admin, and another reader's open article page shows it without a reload."""
    from playwright.sync_api import expect
    from widget_support import WIDGET, host_page

    writer = Reader(server)
    watcher = new_page()
    host_page(watcher, server, "/news/budget")
    expect(watcher.locator(f"{WIDGET} h2")).to_have_text("0 comments")
    sign_in(page, server, MODERATOR, PASSWORD)
    held = writer.post("Read the [hold] budget papers, item 9", author_name="Sam")
    page.locator(f"#comment-{held['id']}").wait_for()
    expect(watcher.locator(WIDGET)).not_to_contain_text("budget papers")  # held: nobody else sees it
    page.keyboard.press("a")
    page.locator(f"#comment-{held['id']}").wait_for(state="detached")
    banner = watcher.locator(f"{WIDGET} .banner")
    expect(banner).to_have_text("1 new comment — show")
    banner.click()
    expect(watcher.locator(WIDGET)).to_contain_text("Read the [hold] budget papers, item 9")
