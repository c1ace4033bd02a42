"""A body or a name that shows nothing is refused, and a name cannot reverse or break the text it
is shown in."""

from __future__ import annotations

import pytest
from server_support import listing, post

INVISIBLE_ONLY = ["\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\u3164\u115f", "\u2800 \u00a0\u2003",
                  "\u0301\u0302", "\u202e\u202d", "\x07\x1b", "\ue000"]


@pytest.mark.parametrize("body", INVISIBLE_ONLY)
def test_a_body_of_invisible_characters_is_empty(client, story, body):
    response = post(client, story["id"], body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "body"
    assert listing(client, story["id"])["items"] == []


def test_an_edit_to_invisible_characters_is_refused(client, story):
    comment = post(client, story["id"], "visible").json()
    response = client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "\u200b\u200b"})
    assert response.status_code == 422 and response.json()["field"] == "body"


@pytest.mark.parametrize("name", [*INVISIBLE_ONLY, "Ada\u202eevil", "Ada\u2066x", "Ada\nLovelace",
                                  "Ada\u2028Lovelace", "Ada\rx", "Ada\x1bx", "\u200f"])
def test_names_that_hide_reverse_or_break_are_refused(server, client, story, name):
    response = post(client, story["id"], "hello", author_name=name)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "author_name"
    account = server.reader().post("/api/v1/accounts", json={"username": "someone", "password": "long enough",
                                                               "display_name": name})
    assert account.status_code == 422 and account.json()["field"] == "display_name"


@pytest.mark.parametrize("text", ["Zoë", "محمد", "👩‍👩‍👧", "क्षत्रिय", "José Ángel", "李小龙"])
def test_names_and_bodies_in_any_script_are_kept(client, story, text):
    response = post(client, story["id"], text, author_name=text)
    assert response.status_code == 201, response.text
    assert response.json()["author"]["name"] == text
