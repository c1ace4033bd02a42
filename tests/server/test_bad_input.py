"""Every kind of bad input gets a 4xx problem body naming the field, never a 500."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_support import ORIGIN, listing, post

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, field: str | None, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert {"type", "title", "status", "detail", "field"} <= problem.keys()
    assert problem["status"] == status and problem["field"] == field and problem["detail"]
    if slug:
        assert problem["type"] == f"urn:rostra:problem:{slug}"
    return problem


@pytest.mark.parametrize(
    ("payload", "status", "field", "slug"),
    [
        ({"body": ""}, 422, "body", "invalid-input"),
        ({"body": "   \n\t  "}, 422, "body", "invalid-input"),
        ({"body": "x" * 5001}, 422, "body", "invalid-input"),
        ({"body": "hi", "author_name": "n" * 65}, 422, "author_name", "invalid-input"),
        ({"body": "hi", "author_email": "not an address"}, 422, "author_email", "invalid-input"),
        ({"body": "hi", "parent_id": 987654}, 422, "parent_id", "invalid-input"),
        ({"body": 42}, 422, "body", "invalid-input"),
        ({"body": ["a"]}, 422, "body", "invalid-input"),
        ({"body": "hi", "parent_id": "1"}, 422, "parent_id", "invalid-input"),
        ({"body": "hi", "parent_id": 1.5}, 422, "parent_id", "invalid-input"),
        ({"body": "hi", "author_name": 7}, 422, "author_name", "invalid-input"),
        ({"body": "hi", "is_admin": True}, 422, "is_admin", "invalid-input"),
        ({}, 422, "body", "invalid-input"),
        ({"body": "nul\x00byte"}, 422, "body", "invalid-input"),
    ],
)
def test_bad_comment_fields(client, story, payload, status, field, slug):
    response = client.post(f"/api/v1/stories/{story['id']}/comments", json=payload)
    assert_problem(response, status, field, slug)
    assert listing(client, story["id"])["items"] == []


def test_body_at_the_limit_is_accepted_and_limit_counts_characters(client, story):
    assert post(client, story["id"], "é" * 5000).status_code == 201


@pytest.mark.parametrize(
    ("raw", "status", "slug"),
    [
        ("{", 400, "invalid-json"),
        ("{\"body\": \"unterminated}", 400, "invalid-json"),
        ("[]", 422, "invalid-input"),
        ("[{\"body\": \"hi\"}]", 422, "invalid-input"),
        ("null", 422, "invalid-input"),
        ("\"just a string\"", 422, "invalid-input"),
        ("", 422, "invalid-input"),
        ("{\"body\": \"\\ud800\"}", 422, "invalid-input"),
    ],
)
def test_malformed_bodies(client, story, raw, status, slug):
    response = client.post(
        f"/api/v1/stories/{story['id']}/comments", content=raw, headers={"content-type": "application/json"}
    )
    problem = assert_problem(response, status, "body" if "ud800" in raw else None, slug)
    assert "Traceback" not in problem["detail"]


def test_parent_in_another_story_is_refused_not_reparented(client, story):
    other = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/2", "title": "Other"}).json()
    parent = post(client, other["id"], "in the other story").json()
    response = post(client, story["id"], "misplaced reply", parent_id=parent["id"])
    problem = assert_problem(response, 422, "parent_id", "invalid-input")
    assert "another story" in problem["detail"]
    assert listing(client, story["id"])["items"] == []
    assert listing(client, other["id"])["items"][0]["reply_count"] == 0


def test_reply_to_a_held_comment_is_refused(client, story):
    held = post(client, story["id"], "wait for it [hold]").json()
    assert_problem(post(client, story["id"], "reply", parent_id=held["id"]), 422, "parent_id")


def test_unknown_story_and_comment(client):
    assert_problem(post(client, 424242, "hello"), 404, "story_id", "not-found")
    assert_problem(client.get("/api/v1/stories/424242/comments"), 404, "story_id", "not-found")
    assert_problem(client.patch("/api/v1/comments/424242", json={"body": "x"}), 404, "comment_id")
    assert_problem(client.get("/api/v1/no/such/route"), 404, None, "not-found")
    assert_problem(client.get("/api/v1/stories/not-a-number"), 422, "story_id", "invalid-input")


def test_oversized_request_is_refused_before_parsing(make_server):
    client = make_server(max_request_bytes=2048).reader()
    story = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/big", "title": "t"}).json()
    response = client.post(f"/api/v1/stories/{story['id']}/comments", json={"body": "y" * 3000})
    assert_problem(response, 413, None, "request-too-large")

    def chunks():
        yield b'{"body": "'
        for _ in range(10):
            yield b"z" * 500
        yield b'"}'

    streamed = client.post(f"/api/v1/stories/{story['id']}/comments", content=chunks(),
                           headers={"content-type": "application/json"})
    assert_problem(streamed, 413, None, "request-too-large")


def test_ids_beyond_what_the_database_holds(client, story):
    huge = 2**63
    assert_problem(post(client, story["id"], "hi", parent_id=huge), 422, "parent_id")
    assert_problem(post(client, story["id"], "hi", parent_id=0), 422, "parent_id")
    assert_problem(client.get(f"/api/v1/stories/{huge}/comments"), 422, "story_id")
    assert_problem(client.get(f"/api/v1/comments/{huge}"), 422, "comment_id")
    assert_problem(client.delete(f"/api/v1/comments/{huge}"), 422, "comment_id")
    assert_problem(client.get(f"/api/v1/stories/{story['id']}/comments", params={"parent_id": huge}), 422,
                   "parent_id")
    forged = base64.urlsafe_b64encode(
        json.dumps({"t": story["id"], "p": None, "s": "newest", "a": [huge]}).encode()).decode()
    assert_problem(client.get(f"/api/v1/stories/{story['id']}/comments", params={"cursor": forged}), 422, "cursor")


def test_wrong_query_parameters(client, story):
    path = f"/api/v1/stories/{story['id']}/comments"
    assert_problem(client.get(path, params={"sort": "random"}), 422, "sort")
    assert_problem(client.get(path, params={"limit": 0}), 422, "limit")
    assert_problem(client.get(path, params={"limit": "many"}), 422, "limit")
    assert_problem(client.get(path, params={"depth": 99}), 422, "depth")
    assert_problem(client.get(path, params={"cursor": "garbage!!"}), 422, "cursor")


def test_cursor_of_another_story_is_refused(client, story):
    for index in range(3):
        post(client, story["id"], f"comment {index}")
    cursor = listing(client, story["id"], limit=1)["next_cursor"]
    other = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/3", "title": "Third"}).json()
    assert_problem(client.get(f"/api/v1/stories/{other['id']}/comments", params={"cursor": cursor}), 422, "cursor")


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/stories", {"url": "not a url"}, "url"),
        ("/api/v1/stories", {"url": "javascript:alert(1)"}, "url"),
        ("/api/v1/stories", {"url": f"{ORIGIN}/x", "title": "t" * 501}, "title"),
        ("/api/v1/stories", {"url": f"{ORIGIN}/x?q=" + "é" * 900}, "url"),
        ("/api/v1/stories", {"url": f"{ORIGIN}/x", "closed": True}, "closed"),
        ("/api/v1/counts", {"urls": "http://127.0.0.1:8000/x"}, "urls"),
        ("/api/v1/counts", {"urls": ["ftp://example.org/x"]}, "urls[0]"),
        ("/api/v1/accounts", {"username": "x", "password": "long enough"}, "username"),
        ("/api/v1/accounts", {"username": "shortpass", "password": "short"}, "password"),
        ("/api/v1/session", {"username": "nobody", "password": 12345678}, "password"),
    ],
)
def test_bad_fields_on_other_routes(client, path, payload, field):
    response = client.post(path, json=payload)
    assert 400 <= response.status_code < 500
    assert_problem(response, response.status_code, field)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
COMMENT_FIELDS = st.sampled_from(["body", "parent_id", "author_name", "author_email", "extra"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.one_of(JSON_VALUES, st.dictionaries(COMMENT_FIELDS, JSON_VALUES, max_size=4)))
def test_any_json_gets_a_created_comment_or_a_problem_never_a_500(client, story, payload):
    response = client.post(f"/api/v1/stories/{story['id']}/comments", json=payload)
    if response.status_code == 201:
        assert response.json()["body_markdown"] == payload["body"].strip()
    else:
        assert 400 <= response.status_code < 500
        assert response.headers["content-type"] == PROBLEM
