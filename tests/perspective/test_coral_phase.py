"""Coral's External Moderation Phase over real HTTP: signed requests as Coral sends them.

The request body and signature follow Coral's documentation (docs/docs/external-moderation-phases.md
and webhooks.md in coralproject/talk): JSON pretty-printed with two spaces, `X-Coral-Signature:
sha256=<hex>[,sha256=<hex>]`, the HMAC-SHA256 of the raw body under each active signing secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time

import pytest

PHASE = "/coral/phase"


def coral_request(body_html="<p>Here's a comment!</p>", role="COMMENTER", parent_id=None):
    return {
        "action": "NEW",
        "comment": {"body": body_html, "parentID": parent_id},
        "author": {"id": "baf4e943-3594-4fcc-b2ba-3e8de7a76352", "role": role},
        "story": {"id": "245b3856-b0a0-4d2f-a6bb-58c71f18d6a6",
                  "url": "http://localhost:1313/posts/a-story-url/"},
        "site": {"id": "a4bede88-2d2c-4424-bc18-4322a9e285a6"},
        "tenantID": "19ba5794-7eeb-4d46-a81b-c00c61672501",
        "tenantDomain": "localhost",
    }


def sign(body: bytes, *secrets: str) -> str:
    return ",".join("sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                    for secret in secrets)


def post_signed(client, payload, *secrets, params=None, tamper=False):
    body = json.dumps(payload, indent=2).encode()
    signature = sign(body, *secrets)
    if tamper:
        body = body.replace(b"COMMENTER", b"ADMIN")
    return client.post(PHASE, content=body, params=params,
                       headers={"Content-Type": "application/json", "X-Coral-Signature": signature,
                                "User-Agent": "Coral Moderation/7.0.0"})


@pytest.fixture()
def signed(client, signing_secrets):
    """Posts a payload signed as Coral signs it, under the current secret unless others are given."""
    def post(payload, *secrets, **options):
        return post_signed(client, payload, *(secrets or (signing_secrets.current,)), **options)
    return post


def assert_problem(response, status, field=None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert problem["field"] == field
    return problem


def test_an_abusive_comment_is_withheld_and_flagged_as_toxic(signed):
    response = signed(coral_request("<p>You are a <strong>fucking moron</strong></p>"))
    assert response.status_code == 200
    assert response.json() == {"status": "SYSTEM_WITHHELD",
                               "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]}


def test_a_civil_comment_is_left_to_coral_with_204(signed):
    response = signed(coral_request(
        "<p>I disagree with this article: the council <em>should</em> have waited.</p>"))
    assert response.status_code == 204 and response.content == b""


def test_a_reply_is_moderated_like_a_comment(signed):
    reply = coral_request("<p>you fucking moron</p>", parent_id="d79b787f-f406-49a0-a179-72e3652e54be")
    assert signed(reply).json()["status"] == "SYSTEM_WITHHELD"


def test_spam_is_flagged_as_spam(signed):
    spam = ("<p>Buy cheap watches now!!! Visit http://cheap-watches.example.com and "
            "http://cheap-watches.example.com/deal for 90% off, limited offer, click here</p>")
    response = signed(coral_request(spam))
    assert response.status_code == 200, "the engine left an obvious spam comment to Coral"
    assert {"actionType": "FLAG", "reason": "COMMENT_DETECTED_SPAM"} in response.json()["actions"]


def test_staff_comments_are_left_alone(signed):
    assert signed(coral_request("<p>you fucking moron</p>", role="STAFF")).status_code == 204


def test_a_rotated_secret_still_active_is_accepted_among_several_signatures(signed, signing_secrets):
    response = signed(coral_request("<p>you fucking moron</p>"), "wrong-secret", signing_secrets.rotated)
    assert response.status_code == 200


@pytest.mark.parametrize(("headers", "title"), [
    ({}, "Signature missing"),
    ({"X-Coral-Signature": "sha1=abcdef"}, "Signature malformed"),
    ({"X-Coral-Signature": "sha256=" + "0" * 64}, "Signature invalid"),
])
def test_missing_malformed_and_wrong_signatures_are_refused(client, headers, title):
    body = json.dumps(coral_request("<p>you fucking moron</p>")).encode()
    response = client.post(PHASE, content=body, headers={"Content-Type": "application/json", **headers})
    assert assert_problem(response, 401)["title"] == title


def test_a_signature_under_the_wrong_secret_or_over_a_changed_body_is_refused(signed):
    assert_problem(signed(coral_request(), "not-the-secret"), 401)
    assert_problem(signed(coral_request(), tamper=True), 401)


def test_a_signature_under_an_expired_secret_is_refused(signed, signing_secrets):
    problem = assert_problem(signed(coral_request(), signing_secrets.expired), 401)
    assert problem["title"] == "Signing secret expired"


@pytest.mark.parametrize(("payload", "field"), [
    ({**coral_request(), "action": "DELETE"}, "action"),
    ({**coral_request(), "comment": {"parentID": None}}, "comment.body"),
    ({**coral_request(), "author": "someone"}, "author"),
    ({**coral_request(), "story": {"id": "s"}}, "story.url"),
    ([1, 2], "(body)"),
])
def test_a_signed_but_malformed_request_names_the_field(signed, payload, field):
    assert_problem(signed(payload), 400, field)


def test_a_signed_body_that_is_not_json_is_refused(client, signing_secrets):
    body = b"not json"
    response = client.post(PHASE, content=body, headers={"X-Coral-Signature": sign(body, signing_secrets.current)})
    assert_problem(response, 400)


def test_timeout_outside_corals_range_is_refused(signed):
    assert_problem(signed(coral_request(), params={"timeout_ms": "50"}), 400, "timeout_ms")


def test_without_a_configured_secret_the_phase_says_so(start_analyze_server):
    with start_analyze_server(coral_secret=None) as server, server.client() as client:
        problem = assert_problem(post_signed(client, coral_request(), "any-secret"), 503)
        assert "coral_secret" in problem["detail"]


class SlowEngine:
    """Stands in for an engine that cannot finish inside Coral's budget."""

    def __init__(self, engine, delay):
        self.engine, self.delay, self.finished = engine, delay, threading.Event()

    def moderate(self, comment):
        time.sleep(self.delay)
        self.finished.set()
        return self.engine.moderate(comment)


def test_scoring_that_would_overrun_corals_timeout_answers_204_in_time(light_server, signing_secrets):
    service = light_server.app.state.perspective
    real_engine = service.engine
    service.engine = SlowEngine(real_engine, delay=2.0)
    try:
        with light_server.client() as client:
            started = time.monotonic()
            response = post_signed(client, coral_request("<p>you fucking moron</p>"),
                                   signing_secrets.current, params={"timeout_ms": "200"})
            elapsed = time.monotonic() - started
        assert response.status_code == 204
        assert elapsed < 1.5  # answered on the budget, well before the 2 s scoring ended
    finally:
        service.engine.finished.wait(5)
        service.engine = real_engine
