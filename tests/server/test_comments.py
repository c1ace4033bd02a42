"""Posting, replying, editing, deleting, moderation outcomes and the moderation log, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from rostra.store.queries import utcnow
from rostra.store.tables import comments, moderation_log

from server_support import ORIGIN, find_comment, listing, post, sign_in_as_moderator


def test_post_answers_the_new_comment_with_rendered_body(client, story):
    response = post(client, story["id"], "Budget is **too high**, see [report](https://example.org/r)",
                    author_name="Ada")
    assert response.status_code == 201
    comment = response.json()
    assert comment["status"] == "approved"
    assert comment["author"] == {"name": "Ada", "registered": False}
    assert comment["body_markdown"].startswith("Budget is **too high**")
    assert "<strong>too high</strong>" in comment["body_html"]
    assert 'rel="nofollow ugc noopener"' in comment["body_html"]
    assert comment["own"] is True and comment["editable_until"]
    assert listing(client, story["id"])["items"][0]["id"] == comment["id"]


def test_post_answer_is_what_reading_the_comment_back_gives(client, story):
    """The create answer is built from the inserted values; it must match the stored row exactly."""
    first = post(client, story["id"], "first as *Ada*", author_name="Ada").json()
    reply = post(client, story["id"], "renamed, held [hold]", parent_id=first["id"], author_name="Ada L.").json()
    assert reply["author"]["name"] == "Ada L." and reply["status"] == "pending" and reply["depth"] == 1
    for answered in (reply, post(client, story["id"], "no name given").json()):
        assert client.get(f"/api/v1/comments/{answered['id']}").json() == answered


def test_replies_nest_at_any_depth(client, story):
    parent_id = None
    ids = []
    for depth in range(8):
        response = post(client, story["id"], f"level {depth}", parent_id=parent_id)
        assert response.status_code == 201, response.text
        assert response.json()["depth"] == depth
        parent_id = response.json()["id"]
        ids.append(parent_id)
    page = listing(client, story["id"], depth=5, replies=1)
    node, seen = page["items"][0], []
    while node:
        seen.append(node["id"])
        node = node["replies"][0] if node["replies"] else None
    assert seen == ids[:6]
    deeper = listing(client, story["id"], cursor=find_comment(page["items"], ids[5])["replies_cursor"])
    assert [item["id"] for item in deeper["items"]] == [ids[6]]


def test_engine_sees_story_parent_and_author_history(server, client, story):
    first = post(client, story["id"], "first words").json()
    post(client, story["id"], "replying", parent_id=first["id"])
    seen = server.engine.seen[-1]
    assert seen.text == "replying"
    assert seen.parent_text == "first words"
    assert seen.story.title == "Council budget" and seen.story.closed is False
    assert seen.author.approved == 1 and seen.author.recent_texts == ("first words",)
    for body in ("held back [hold]", "gone [reject]", "latest"):
        post(client, story["id"], body)
    author = server.engine.seen[-1].author
    assert (author.approved, author.held, author.rejected) == (2, 1, 1)
    assert author.recent_texts == ("gone [reject]", "held back [hold]", "replying", "first words")


def test_held_and_rejected_comments_stay_out_of_the_thread_but_are_logged(server, client, story):
    held = post(client, story["id"], "maybe rude [hold]").json()
    rejected = post(client, story["id"], "certainly rude [reject]").json()
    assert held["status"] == "pending" and rejected["status"] == "rejected"
    assert held["body_markdown"] == "maybe rude [hold]"
    assert listing(client, story["id"])["items"] == []
    assert client.get(f"/api/v1/stories/{story['id']}").json()["comment_count"] == 0
    assert server.reader().get(f"/api/v1/comments/{held['id']}").status_code == 404
    assert client.get(f"/api/v1/comments/{held['id']}").json()["status"] == "pending"
    with server.store.read() as connection:
        row = connection.execute(select(comments).where(comments.c.id == held["id"])).one()
        log = connection.execute(select(moderation_log).where(moderation_log.c.comment_id == held["id"])).one()
    assert row.moderation_model == "fake-engine-1"
    assert row.moderation_reasons[0]["attribute"] == "toxicity"
    assert row.moderation_reasons[0]["spans"] == [[11, 17]]
    assert (log.actor, log.from_status, log.to_status) == ("rostra-engine", None, "pending")
    assert log.reasons == row.moderation_reasons


def test_moderation_log_is_append_only(server, client, story):
    post(client, story["id"], "hello")
    with pytest.raises(Exception, match="append-only"):
        with server.store.write() as connection:
            connection.execute(update(moderation_log).values(actor="someone else"))
    with pytest.raises(Exception, match="append-only"):
        with server.store.write() as connection:
            connection.execute(text("DELETE FROM moderation_log"))
    with server.store.read() as connection:
        assert connection.execute(select(moderation_log.c.actor)).scalars().all() == ["rostra-engine"]


def test_author_edits_within_window_and_edit_is_moderated_again(server, client, story):
    comment = post(client, story["id"], "tpyo here").json()
    response = client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "typo fixed [hold]"})
    assert response.status_code == 200
    edited = response.json()
    assert edited["body_markdown"] == "typo fixed [hold]" and edited["edited_at"]
    assert edited["status"] == "pending"
    assert listing(client, story["id"])["items"] == []
    with server.store.read() as connection:
        log = connection.execute(
            select(moderation_log.c.from_status, moderation_log.c.to_status).order_by(moderation_log.c.id)
        ).all()
    assert [tuple(entry) for entry in log] == [(None, "approved"), ("approved", "pending")]


def test_edit_after_window_is_refused(server, client, story):
    comment = post(client, story["id"], "original").json()
    with server.store.write() as connection:
        connection.execute(
            update(comments).where(comments.c.id == comment["id"]).values(created_at=utcnow() - timedelta(hours=1))
        )
    response = client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "too late"})
    assert response.status_code == 403
    assert response.json()["type"].endswith("edit-window-closed")
    assert listing(client, story["id"])["items"][0]["body_html"] == "<p>original</p>"


def test_edit_window_is_a_setting(make_server):
    server = make_server(edit_window_seconds=0)
    client = server.reader()
    story = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/w", "title": "w"}).json()
    comment = post(client, story["id"], "original").json()
    assert client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "x"}).status_code == 403


def test_only_the_author_edits_or_deletes(server, client, story):
    comment = post(client, story["id"], "mine").json()
    stranger = server.reader()
    for response in (
        stranger.patch(f"/api/v1/comments/{comment['id']}", json={"body": "hijacked"}),
        stranger.delete(f"/api/v1/comments/{comment['id']}"),
    ):
        assert response.status_code == 403
        assert response.json()["field"] == "comment_id"
    forged = server.reader(cookie="rostra_session=forged.value.here")
    assert forged.delete(f"/api/v1/comments/{comment['id']}").status_code == 403
    assert listing(client, story["id"])["items"][0]["body_html"] == "<p>mine</p>"


def test_deleted_comment_with_replies_keeps_replies_readable(server, client, story):
    parent = post(client, story["id"], "parent text").json()
    other = server.reader()
    reply = post(other, story["id"], "a reply", parent_id=parent["id"]).json()
    lonely = post(client, story["id"], "no replies").json()
    assert client.delete(f"/api/v1/comments/{parent['id']}").status_code == 204
    assert client.delete(f"/api/v1/comments/{lonely['id']}").status_code == 204
    items = listing(other, story["id"])["items"]
    assert [item["id"] for item in items] == [parent["id"]]
    placeholder = items[0]
    assert placeholder["status"] == "deleted" and placeholder["author"] is None
    assert placeholder["body_html"] == "" and "parent text" not in str(placeholder)
    assert [child["id"] for child in placeholder["replies"]] == [reply["id"]]
    assert placeholder["replies"][0]["body_html"] == "<p>a reply</p>"
    assert client.delete(f"/api/v1/comments/{parent['id']}").status_code == 404
    assert other.get(f"/api/v1/stories/{story['id']}").json()["comment_count"] == 1


def test_moderator_changes_status_and_log_keeps_history(server, client, story):
    comment = post(client, story["id"], "borderline [hold]").json()
    moderator = server.reader()
    assert moderator.post("/api/v1/accounts", json={"username": "mod", "password": "correct horse"}).status_code == 201
    path = f"/api/v1/comments/{comment['id']}/moderation"
    assert moderator.post(path, json={"status": "approved"}).status_code == 403
    sign_in_as_moderator(server, moderator, "mod", "correct horse")
    response = moderator.post(path, json={"status": "approved", "note": "fair criticism"})
    assert response.status_code == 200
    entries = response.json()
    assert [(entry["actor"], entry["to_status"]) for entry in entries] == [
        ("rostra-engine", "pending"), ("moderator:mod", "approved")]
    assert entries[1]["note"] == "fair criticism"
    assert listing(client, story["id"])["items"][0]["id"] == comment["id"]
    assert client.get(path).status_code == 401


def test_registered_reader_comments_under_account_name(server, story):
    reader = server.reader()
    response = reader.post("/api/v1/accounts", json={"username": "Reader1", "password": "long enough",
                                                      "display_name": "Rita Reader"})
    assert response.status_code == 201
    assert response.json()["account"]["username"] == "reader1"
    comment = post(reader, story["id"], "signed in", author_name="Someone Else").json()
    assert comment["author"] == {"name": "Rita Reader", "registered": True}
    post(reader, story["id"], "signed in again")
    assert server.engine.seen[-1].author.recent_texts == ("signed in",)
    again = server.reader()
    assert again.post("/api/v1/session", json={"username": "reader1", "password": "wrong password"}).status_code == 401
    assert again.post("/api/v1/session", json={"username": "reader1", "password": "long enough"}).status_code == 200
    assert again.get("/api/v1/session").json()["account"]["display_name"] == "Rita Reader"
    assert again.patch(f"/api/v1/comments/{comment['id']}", json={"body": "edited elsewhere"}).status_code == 200
    assert again.delete("/api/v1/session").status_code == 204
    assert again.get("/api/v1/session").json()["account"] is None
    taken = server.reader().post("/api/v1/accounts", json={"username": "reader1", "password": "another one"})
    assert taken.status_code == 409 and taken.json()["field"] == "username"


def test_passwords_are_stored_as_argon2_hashes(server):
    server.reader().post("/api/v1/accounts", json={"username": "hashme", "password": "plain password"})
    with server.store.read() as connection:
        stored = connection.execute(text("SELECT password_hash FROM accounts")).scalar_one()
    assert stored.startswith("$argon2id$") and "plain password" not in stored


def test_reactions_one_per_reader(server, client, story):
    comment = post(client, story["id"], "react to me").json()
    path = f"/api/v1/comments/{comment['id']}/reaction"
    assert client.put(path, json={}).json()["reaction_count"] == 1
    assert client.put(path, json={"kind": "insightful"}).json() == {
        "comment_id": comment["id"], "kind": "insightful", "reaction_count": 1}
    assert server.reader().put(path, json={"kind": "like"}).json()["reaction_count"] == 2
    assert client.delete(path).json()["reaction_count"] == 1
    assert client.delete(path).json()["reaction_count"] == 1
    bad = client.put(path, json={"kind": "angry"})
    assert bad.status_code == 422 and bad.json()["field"] == "kind"
    assert client.put("/api/v1/comments/999999/reaction", json={}).status_code == 404


def test_reports_record_reason_once_per_reader(server, client, story):
    comment = post(client, story["id"], "report me").json()
    path = f"/api/v1/comments/{comment['id']}/reports"
    reporter = server.reader()
    first = reporter.post(path, json={"reason": "spam", "note": "link farm"})
    assert first.status_code == 201 and first.json()["created"] is True
    again = reporter.post(path, json={"reason": "abusive"})
    assert again.json()["created"] is False and again.json()["reason"] == "spam"
    bad = reporter.post(path, json={"reason": "boring"})
    assert bad.status_code == 422 and bad.json()["field"] == "reason"
    with server.store.read() as connection:
        assert connection.execute(text("SELECT count(*) FROM reports")).scalar_one() == 1


class BrokenEngine:
    """An engine that fails on every comment, as a corrupted model file or a bug would."""

    def moderate(self, comment):
        raise ValueError("model file is damaged")


def test_an_engine_failure_holds_the_comment_instead_of_losing_it(make_server):
    server = make_server(engine=BrokenEngine())
    client = server.reader()
    story = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/2", "title": "Budget"}).json()
    response = post(client, story["id"], "The budget figures on page two do not add up.")
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "pending"
    with server.store.read() as connection:
        row = connection.execute(select(comments).where(comments.c.id == created["id"])).one()
        log = connection.execute(select(moderation_log).where(moderation_log.c.comment_id == created["id"])).one()
    assert row.body_markdown == "The budget figures on page two do not add up."
    assert row.moderation_reasons[0]["attribute"] == "engine_error"
    assert log.to_status == "pending"
