"""A reader's own data over HTTP: the download of what they wrote, and erasure with its grace period
(placeholders that keep replies readable, the moderation and audit logs, the account closed)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from rostra.actions.reader_data import ERASED_NAME, ERASURE_GRACE, purge_erasures
from rostra.store.queries import utcnow
from rostra.store.tables import audit_log, authors, moderation_log

from server_support import listing, post


def _lines(response) -> list[dict]:
    return [json.loads(line) for line in response.text.splitlines()]


def test_a_reader_downloads_every_comment_of_theirs_and_nobody_elses(server, story):
    ada, bo = server.reader(), server.reader()
    first = post(ada, story["id"], "The budget is too high.", author_name="Ada", author_email="ada@example.org")
    other = post(bo, story["id"], "It is about right.", parent_id=first.json()["id"], author_name="Bo").json()
    held = post(ada, story["id"], "Still too high [hold]", parent_id=other["id"])
    assert held.json()["status"] == "pending"
    response = ada.get("/api/v1/me/comments")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert 'filename="my-comments.jsonl"' in response.headers["content-disposition"]
    header, story_line, *comments = _lines(response)
    assert header == {"format": "rostra-comments", "version": 1}
    assert story_line["type"] == "story" and story_line["url"] == story["url"]
    assert [comment["body"] for comment in comments] == ["The budget is too high.", "Still too high [hold]"]
    assert comments[0]["author"]["email"] == "ada@example.org" and comments[1]["status"] == "pending"
    assert comments[1]["parent"].endswith(f":{other['id']}")
    assert _lines(server.reader().get("/api/v1/me/comments")) == [header]  # a newcomer has nothing


def test_erasure_leaves_placeholders_now_and_removes_the_name_after_the_grace_period(server, story):
    ada, bo = server.reader(), server.reader()
    mine = post(ada, story["id"], "Cut the mayor's salary.", author_name="Ada", author_email="ada@example.org").json()
    reply = post(bo, story["id"], "Agreed.", parent_id=mine["id"], author_name="Bo").json()
    response = ada.post("/api/v1/me/erasure")
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["comments_erased"] == 1
    thread = listing(bo, story["id"])["items"]
    assert thread[0]["id"] == mine["id"] and thread[0]["status"] == "deleted" and thread[0]["body_html"] == ""
    assert thread[0]["replies"][0]["id"] == reply["id"]  # the reply stays readable
    with server.store.read() as connection:
        entry = connection.execute(select(moderation_log).where(moderation_log.c.comment_id == mine["id"])
                                   .order_by(moderation_log.c.id.desc())).mappings().first()
        author = connection.execute(select(authors).where(authors.c.display_name == "Ada")).mappings().one()
    assert (entry["from_status"], entry["to_status"]) == ("approved", "deleted")
    assert entry["note"] == "erased at the author's request"
    assert author["email"] == "ada@example.org"  # kept during the grace period
    assert purge_erasures(server.store) == 0
    assert purge_erasures(server.store, now=utcnow() + ERASURE_GRACE + timedelta(minutes=1)) == 1
    assert purge_erasures(server.store, now=utcnow() + ERASURE_GRACE + timedelta(minutes=2)) == 0
    with server.store.read() as connection:
        erased = connection.execute(select(authors).where(authors.c.id == author["id"])).mappings().one()
        actions = connection.execute(select(audit_log.c.action).where(audit_log.c.subject_id == author["id"],
                                                                      audit_log.c.subject_type == "author")
                                     .order_by(audit_log.c.id)).scalars().all()
        notes = connection.execute(select(moderation_log.c.note).where(moderation_log.c.comment_id == mine["id"])
                                   ).scalars().all()
    assert (erased["display_name"], erased["email"]) == (ERASED_NAME, None) and erased["erased_at"] is not None
    assert actions == ["erasure.requested", "erasure.completed"]
    assert "the author's name and e-mail address were removed (erasure)" in notes


def test_erasure_closes_an_account_and_a_stranger_has_nothing_to_erase(server, story):
    reader = server.reader()
    assert reader.post("/api/v1/accounts", json={"username": "cleo", "password": "correct horse battery"}
                       ).status_code == 201
    assert post(reader, story["id"], "Signed-in comment.").status_code == 201
    assert reader.post("/api/v1/me/erasure").status_code == 202
    assert reader.post("/api/v1/me/erasure").json()["comments_erased"] == 0  # asking twice is harmless
    purge_erasures(server.store, now=utcnow() + ERASURE_GRACE + timedelta(minutes=1))
    refused = server.reader().post("/api/v1/session", json={"username": "cleo", "password": "correct horse battery"})
    assert refused.status_code == 401
    assert reader.get("/api/v1/session").json()["account"] is None  # the open session ended too
    stranger = server.reader().post("/api/v1/me/erasure")
    assert stranger.status_code == 404 and stranger.headers["content-type"] == "application/problem+json"
