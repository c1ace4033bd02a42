"""The live stream a story's pages read (Server-Sent Events): what readers are told, and replay."""

import json

import pytest
from server_support import post

from rostra.actions.accounts import create_staff
from rostra.actions.moderation import set_status
from rostra.actions.sessions import SignedIn


def _events(client, story_id: int, count: int, **options) -> list[tuple[int, str, dict]]:
    """The first `count` events of the story's stream, as (id, kind, data)."""
    found = []
    with client.stream("GET", f"/api/v1/stories/{story_id}/events", **options) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        message = {}
        for line in stream.iter_lines():
            if line.startswith(("id:", "event:", "data:")):
                key, _, value = line.partition(": ")
                message[key] = value
            elif not line and "data" in message:
                found.append((int(message["id"]), message["event"], json.loads(message["data"])))
                message = {}
                if len(found) == count:
                    break
    return found


def test_readers_are_told_of_approved_comments_only(server, client, story):
    approved = post(client, story["id"], "A fair point").json()
    post(client, story["id"], "You are [hold] awful")
    edited = client.patch(f"/api/v1/comments/{approved['id']}", json={"body": "A fairer point"})
    assert edited.status_code == 200
    client.put(f"/api/v1/comments/{approved['id']}/reaction", json={"kind": "like"})
    events = _events(server.reader(), story["id"], 3, params={"after": 0})
    kinds = [(kind, data.get("id") or data.get("comment_id")) for _, kind, data in events]
    assert kinds == [("comment.created", approved["id"]), ("comment.edited", approved["id"]),
                     ("reaction.changed", approved["id"])]
    assert events[1][2]["body_html"] == "<p>A fairer point</p>"
    assert events[2][2]["reaction_count"] == 1
    assert all("held" not in json.dumps(data) for _, _, data in events)


def test_a_reconnecting_page_gets_what_it_missed(server, client, story):
    first = post(client, story["id"], "First").json()
    [(first_event, _, _)] = _events(server.reader(), story["id"], 1, params={"after": 0})
    second = post(client, story["id"], "Second").json()
    client.delete(f"/api/v1/comments/{first['id']}")
    missed = _events(server.reader(), story["id"], 2, headers={"Last-Event-ID": str(first_event)})
    assert [(kind, data.get("id") or data.get("comment_id")) for _, kind, data in missed] == [
        ("comment.created", second["id"]), ("comment.deleted", first["id"])]


def test_a_withdrawn_comment_is_removed_from_open_pages(server, client, story):
    comment = post(client, story["id"], "Looks fine at first").json()
    account = create_staff(server.store, "mod@news.example", "moderator", "a long staff password")
    moderator = SignedIn(account["id"], account["username"], account["username"], "moderator")
    set_status(server.store, comment["id"], "withheld", moderator, None)
    events = _events(server.reader(), story["id"], 2, params={"after": 0})
    assert events[1][1:] == ("comment.status", {"id": comment["id"], "status": "withheld"})


@pytest.mark.parametrize("story_id", [999, 0])
def test_unknown_story_has_no_stream(client, story_id):
    answer = client.get(f"/api/v1/stories/{story_id}/events")
    assert answer.status_code in (404, 422)
    assert answer.headers["content-type"] == "application/problem+json"
