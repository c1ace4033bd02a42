"""The README's first moderation, step by step, over both databases: a fresh server with the demo
thread and the shipped engine, a moderator created by `rostra admin create`, then the demo's held
comments moderated in /admin by keyboard alone."""

from __future__ import annotations

import io

from browser_support import save_screenshot, sign_in

from rostra.actions.setup import DEMO_COMMENTS, DEMO_HELD, DEMO_REPORT, create_demo
from rostra.cli import main
from rostra.store.queries import get_comment

EMAIL = "chief@news.example"
PASSWORD = "a long enough password"


def _status(server, comment_id: int) -> str:
    with server.runtime.store.read() as connection:
        return get_comment(connection, comment_id).status


def test_newcomer_moderates_the_demo_threads_held_comments_by_keyboard(
        start_live_server, database, page, monkeypatch, tmp_path):
    server = start_live_server(demo=True)  # the shipped engine
    story_id = create_demo(server.runtime)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["admin", "--database-url", database.url, "create", EMAIL, "--role", "admin",
                 "--password-stdin"]) == 0

    sign_in(page, server, EMAIL, PASSWORD)
    cards = page.locator("#cards article.comment")
    assert cards.count() == len(DEMO_HELD)
    assert page.locator('.tab[data-queue="pending"] .count').inner_text() == str(len(DEMO_HELD))
    insult = cards.filter(has_text="Go for it")
    assert insult.locator("mark.span").first.inner_text() == "fuckwad"
    assert "insult" in insult.locator(".reasons").inner_text()
    assert "'fuckwad'" in insult.locator(".reasons").inner_text()
    assert "In reply to Sam Whitfield" in insult.inner_text()
    echo = cards.filter(has_text="always look after their own")
    assert echo.locator("mark.span").first.inner_text() == "(((they)))"
    save_screenshot(page, "newcomer-pending")
    ids = [int(card.get_attribute("data-id")) for card in cards.all()]  # newest first, the first selected

    page.wait_for_selector(f"#comment-{ids[0]}.selected")
    page.keyboard.press("j")
    page.wait_for_selector(f"#comment-{ids[1]}.selected")
    page.keyboard.press("k")
    page.wait_for_selector(f"#comment-{ids[0]}.selected")
    page.keyboard.press("o")  # the author's drawer: a first-time commenter has no trust yet
    trust = page.locator("#drawer .trust")
    trust.wait_for()
    assert "Trust: TL0 new" in trust.inner_text() and "every held comment waits for a moderator" in trust.inner_text()
    save_screenshot(page, "newcomer-drawer")
    page.keyboard.press("Escape")
    assert page.locator("#drawer").is_hidden()
    for comment_id in ids:  # r rejects the selected comment and selects the next one
        page.keyboard.press("r")
        page.wait_for_selector(f"#comment-{comment_id}", state="detached")
    assert page.locator("#empty").is_visible()
    assert [_status(server, comment_id) for comment_id in ids] == ["rejected"] * len(ids)

    page.click('.tab[data-queue="reported"]')
    index, reason, note = DEMO_REPORT
    reported = page.locator("#cards article.comment").filter(has_text=DEMO_COMMENTS[index][1][:30])
    assert f"Reported as {reason}" in reported.inner_text() and note in reported.inner_text()
    reported_id = int(reported.get_attribute("data-id"))
    page.keyboard.press("a")  # a fair comment: approving it settles the report
    page.wait_for_selector(f"#comment-{reported_id}", state="detached")
    assert _status(server, reported_id) == "approved"

    shown = server.client().get(f"/api/v1/stories/{story_id}/comments", params={"limit": 100}).text
    assert DEMO_COMMENTS[index][1][:30] in shown
    assert all(text[:20] not in shown for _, text, _ in DEMO_HELD)
