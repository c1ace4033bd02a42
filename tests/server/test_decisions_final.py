"""A moderator's decision stands against the comment's author: an edit cannot bring a rejected,
withheld or moderator-held comment back, though the author may still delete it."""

from __future__ import annotations

import pytest
from server_support import listing, post, sign_in_as_moderator


def _moderator(server):
    moderator = server.reader()
    response = moderator.post("/api/v1/accounts", json={"username": "mod", "password": "correct horse"})
    assert response.status_code == 201, response.text
    sign_in_as_moderator(server, moderator, "mod", "correct horse")
    return moderator


def _decide(moderator, comment_id: int, status: str) -> None:
    response = moderator.post(f"/api/v1/comments/{comment_id}/moderation", json={"status": status})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("decision", ["rejected", "withheld", "pending"])
def test_author_cannot_edit_a_moderator_decision_away(server, client, story, decision):
    comment = post(client, story["id"], "first version").json()
    _decide(_moderator(server), comment["id"], decision)
    response = client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "harmless now"})
    assert response.status_code == 403, response.text
    assert response.json()["type"] == "urn:rostra:problem:decision-final"
    own = client.get(f"/api/v1/comments/{comment['id']}").json()
    assert own["status"] == decision and own["body_markdown"] == "first version"
    assert listing(server.reader(), story["id"])["items"] == []
    assert client.delete(f"/api/v1/comments/{comment['id']}").status_code == 204


def test_engine_rejection_is_final_too(client, story):
    comment = post(client, story["id"], "awful [reject]").json()
    assert comment["status"] == "rejected"
    response = client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "sorry"})
    assert response.status_code == 403
    assert response.json()["type"] == "urn:rostra:problem:decision-final"


def test_author_may_fix_a_comment_the_engine_held(server, client, story):
    comment = post(client, story["id"], "borderline [hold]").json()
    assert comment["status"] == "pending"
    edited = client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "reworded"})
    assert edited.status_code == 200 and edited.json()["status"] == "approved"
    assert [item["id"] for item in listing(server.reader(), story["id"])["items"]] == [comment["id"]]


def test_moderator_approval_is_moderated_again_on_edit(server, client, story):
    comment = post(client, story["id"], "borderline [hold]").json()
    _decide(_moderator(server), comment["id"], "approved")
    edited = client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "now abusive [hold]"})
    assert edited.status_code == 200 and edited.json()["status"] == "pending"
