"""The API the widget adds: the nudge preview, and held comments shown back to their author."""

from server_support import listing, post


def test_preview_names_the_words_and_stores_nothing(server, client, story):
    body = "  Well, [hold] that thought"
    answer = client.post(f"/api/v1/stories/{story['id']}/comments/preview", json={"body": body})
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert preview["decision"] == "hold" and preview["nudge"] is True
    [reason] = preview["reasons"]
    start, end = reason["spans"][0]
    assert body[start:end] == "[hold]"
    assert listing(client, story["id"])["items"] == []
    assert client.get(f"/api/v1/stories/{story['id']}").json()["comment_count"] == 0


def test_preview_of_a_fine_comment_does_not_nudge(client, story):
    preview = client.post(f"/api/v1/stories/{story['id']}/comments/preview", json={"body": "Good piece"}).json()
    assert preview == {"decision": "approve", "nudge": False, "reasons": []}


def test_preview_refuses_what_posting_refuses(client, story):
    empty = client.post(f"/api/v1/stories/{story['id']}/comments/preview", json={"body": "   "})
    assert empty.status_code == 422 and empty.json()["field"] == "body"
    missing = client.post("/api/v1/stories/999/comments/preview", json={"body": "hi"})
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_held_comment_shows_to_its_author_only_with_the_reason(server, client, story):
    held = post(client, story["id"], "You are [hold] awful").json()
    assert held["status"] == "pending" and held["held_because"] == ["toxicity"]
    own = listing(client, story["id"])
    assert own["items"] == []
    assert [(item["id"], item["held_because"]) for item in own["own_held"]] == [(held["id"], ["toxicity"])]
    assert listing(server.reader(), story["id"])["own_held"] == []
    assert client.get(f"/api/v1/comments/{held['id']}").json()["held_because"] == ["toxicity"]


def test_held_comments_come_with_the_first_page_only(client, story):
    for number in range(3):
        post(client, story["id"], f"Fine comment {number}")
    post(client, story["id"], "[hold] this")
    first = listing(client, story["id"], limit=2)
    assert len(first["own_held"]) == 1
    assert listing(client, story["id"], cursor=first["next_cursor"])["own_held"] == []


def test_comment_posts_may_carry_an_idempotency_key_from_another_origin(make_server, story):
    server = make_server()
    client = server.reader()
    preflight = client.options(
        f"/api/v1/stories/{story['id']}/comments",
        headers={"Origin": "http://127.0.0.1:8000", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,idempotency-key"},
    )
    assert preflight.status_code == 200
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
