"""Idempotency-Key on comment posts: a retry within a day answers with the comment the key created
and creates nothing; the key belongs to its reader, so it never finds another reader's comment."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from server_support import listing, post
from sqlalchemy import func, select, update

from rostra.actions.idempotency import forget_idempotency_keys
from rostra.store.queries import utcnow
from rostra.store.tables import comments, idempotency_keys


def _post(client, story_id: int, body: str, key: str):
    return client.post(f"/api/v1/stories/{story_id}/comments", json={"body": body}, headers={"Idempotency-Key": key})


def _count(server) -> int:
    with server.store.read() as connection:
        return connection.execute(select(func.count()).select_from(comments)).scalar_one()


def test_a_retry_with_the_same_key_answers_the_first_comment(server, client, story):
    key = str(uuid.uuid4())
    first = _post(client, story["id"], "posted once", key)
    again = _post(client, story["id"], "posted once", key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.json()["body_markdown"] == "posted once"
    assert _count(server) == 1
    other = _post(client, story["id"], "another comment", str(uuid.uuid4()))
    assert other.json()["id"] != first.json()["id"] and _count(server) == 2


def test_a_newcomer_whose_answer_was_lost_gets_the_comment_and_its_cookie(server, story):
    key = str(uuid.uuid4())
    lost = _post(server.reader(), story["id"], "first words", key)  # this client's cookie is never seen again
    retry_client = server.reader()
    retried = _post(retry_client, story["id"], "first words", key)
    assert retried.json()["id"] == lost.json()["id"] and _count(server) == 1
    edited = retry_client.patch(f"/api/v1/comments/{retried.json()['id']}", json={"body": "first words, fixed"})
    assert edited.status_code == 200, "the retry made the client the comment's author again"


def test_a_key_never_finds_another_readers_comment(server, client, story):
    key = str(uuid.uuid4())
    mine = _post(client, story["id"], "my held comment [hold]", key).json()
    someone = server.reader()
    post(someone, story["id"], "someone has a session")
    theirs = _post(someone, story["id"], "their comment", key)
    assert theirs.status_code == 201 and theirs.json()["id"] != mine["id"]
    assert "my held comment" not in theirs.text
    assert _count(server) == 3


def test_a_key_is_remembered_for_a_day(server, client, story):
    key = str(uuid.uuid4())
    first = _post(client, story["id"], "yesterday", key).json()
    with server.store.write() as connection:
        connection.execute(update(idempotency_keys).values(created_at=utcnow() - timedelta(days=1, minutes=1)))
    later = _post(client, story["id"], "today", key).json()
    assert later["id"] != first["id"] and later["body_markdown"] == "today"
    with server.store.write() as connection:
        connection.execute(update(idempotency_keys).values(created_at=utcnow() - timedelta(days=2)))
    assert forget_idempotency_keys(server.store) == 1


def test_concurrent_retries_create_one_comment(server, client, story):
    key = str(uuid.uuid4())
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: _post(client, story["id"], "raced", key), range(8)))
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert [item["body_html"] for item in listing(client, story["id"])["items"]] == ["<p>raced</p>"]


def test_a_key_that_is_not_random_enough_is_refused(client, story):
    for key in ("1", "x" * 129, "has spaces in it here", "ключ-ключ-ключ-ключ"):
        response = client.post(f"/api/v1/stories/{story['id']}/comments", json={"body": "hi"},
                               headers={"Idempotency-Key": key.encode()})
        assert response.status_code == 422, (key, response.text)
        assert response.json()["field"] == "Idempotency-Key"
