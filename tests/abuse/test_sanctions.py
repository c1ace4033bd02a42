"""Sanctions: refused on every write path with a clear message, matched beyond the cookie, logged."""

from __future__ import annotations

from abuse_support import author_id_of
from server_support import post

BROWSER_KEY = "bk-0123456789abcdef0123"


def _sanction(moderator, author_id: int, **fields):
    response = moderator.post(f"/api/v1/moderation/authors/{author_id}/sanctions", json=fields)
    assert response.status_code == 201, response.text
    return response.json()


def _refused(response, kind: str = "ban"):
    assert response.status_code == 403, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["type"].endswith(":sanctioned") and problem["sanction"]["kind"] == kind
    return problem


def test_a_banned_author_is_refused_on_every_write_path(make_server):
    server = make_server()
    story = server.story()
    moderator = server.moderator()
    author = server.reader("203.0.113.20")
    own = post(author, story, "A civil first comment", browser_key=BROWSER_KEY).json()
    other = post(server.reader("203.0.113.30"), story, "Someone else's comment").json()
    _sanction(moderator, author_id_of(moderator, own["id"]), kind="ban", reason="spam links", by_latest_address=True)

    problem = _refused(post(author, story, "Another one"))
    assert problem["detail"] == "you are banned from writing here" and problem["sanction"]["until"] is None
    _refused(author.patch(f"/api/v1/comments/{own['id']}", json={"body": "edited"}))
    _refused(author.delete(f"/api/v1/comments/{own['id']}"))
    _refused(author.put(f"/api/v1/comments/{other['id']}/reaction", json={"kind": "like"}))
    _refused(author.delete(f"/api/v1/comments/{other['id']}/reaction"))
    _refused(author.post(f"/api/v1/comments/{other['id']}/reports", json={"reason": "spam"}))
    _refused(author.post("/api/v1/accounts", json={"username": "fresh-start", "password": "correct horse"}))
    _refused(author.post("/api/v1/session", json={"username": "mod", "password": "correct horse"}))
    # Dropping the cookie does not escape: the browser key, or the banned address range, still match.
    _refused(post(server.reader("198.51.100.99"), story, "New me", browser_key=BROWSER_KEY))
    _refused(post(server.reader("203.0.113.21"), story, "Same street"))
    # Readers elsewhere write as before.
    assert post(server.reader("198.51.100.50"), story, "Unrelated reader").status_code == 201


def test_a_suspension_says_until_when_and_lifting_it_restores_writing(make_server):
    server = make_server()
    story = server.story()
    moderator = server.moderator()
    author = server.reader("203.0.113.20")
    own = post(author, story, "First").json()
    author_id = author_id_of(moderator, own["id"])
    sanction = _sanction(moderator, author_id, kind="suspension", reason="heated", days=2)
    problem = _refused(post(author, story, "Second"), kind="suspension")
    assert problem["sanction"]["until"].startswith(sanction["expires_at"][:16])
    assert "suspended from writing here until" in problem["detail"]
    assert moderator.delete(f"/api/v1/moderation/sanctions/{sanction['id']}").json()["active"] is False
    assert post(author, story, "Back again").status_code == 201
    log = moderator.get(f"/api/v1/moderation/authors/{author_id}/log").json()
    assert [(entry["actor"], entry["action"]) for entry in log] == [
        ("moderator:mod", "sanction.suspension"), ("moderator:mod", "sanction.lifted")]
    assert "until" in log[0]["note"] and "heated" in log[0]["note"]


def test_a_suspension_needs_days_and_only_moderators_sanction(make_server):
    server = make_server()
    story = server.story()
    author = server.reader()
    own = post(author, story, "First").json()
    moderator = server.moderator()
    author_id = author_id_of(moderator, own["id"])
    refused = moderator.post(f"/api/v1/moderation/authors/{author_id}/sanctions",
                             json={"kind": "suspension", "reason": "x"})
    assert refused.status_code == 422 and refused.json()["field"] == "days"
    reader = server.reader("198.51.100.1")
    assert reader.post(f"/api/v1/moderation/authors/{author_id}/sanctions",
                       json={"kind": "ban", "reason": "x"}).status_code == 401
    assert reader.get(f"/api/v1/moderation/authors/{author_id}").status_code == 401


def test_always_premoderate_holds_every_comment_and_an_email_ban_refuses_that_email(make_server):
    server = make_server()
    story = server.story()
    moderator = server.moderator()
    author = server.reader("203.0.113.20")
    own = post(author, story, "First", author_email="ada@example.org").json()
    author_id = author_id_of(moderator, own["id"])
    _sanction(moderator, author_id, kind="premoderation", reason="watch")
    held = post(author, story, "Second")
    assert held.status_code == 201 and held.json()["status"] == "pending"
    _sanction(moderator, author_id, kind="ban", reason="evasion", by_email=True)
    _refused(post(server.reader("198.51.100.8"), story, "Hello", author_email="ADA@example.org"))
    _refused(server.reader("198.51.100.9").post(
        "/api/v1/accounts", json={"username": "ada2", "password": "correct horse", "email": "ada@example.org"}))
    summary = moderator.get(f"/api/v1/moderation/authors/{author_id}").json()
    assert [s["kind"] for s in summary["sanctions"]] == ["premoderation", "ban"]
    assert summary["trust"]["level"] == 0
