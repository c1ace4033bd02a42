"""A hand-written hostile corpus for the Perspective and Coral routes, over real HTTP on both servers:
every request a client could send answers a 4xx in the route's own error shape, never a 500."""

from __future__ import annotations

import json

import pytest
from test_coral_phase import PHASE, coral_request, sign

ANALYZE = "/v1alpha1/comments:analyze"
SUGGEST = "/v1alpha1/comments:suggestscore"
ATTRIBUTES = '"requestedAttributes": {"TOXICITY": {}}'


def _with_comment(comment: str) -> bytes:
    return ('{"comment": ' + comment + ", " + ATTRIBUTES + "}").encode()


# Bodies as raw bytes: the JSON is written by hand because a JSON library would not write most of them.
HOSTILE_BODIES = {
    "deep array": b"[" * 200_000,
    "deep object": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "deep value in a field": _with_comment('{"text": ' + "[" * 50_000 + "]" * 50_000 + "}"),
    "deep context": ('{"comment": {"text": "hi"}, ' + ATTRIBUTES + ', "context": {"entries": '
                     + "[" * 10_000 + "]" * 10_000 + "}}").encode(),
    "escaped lone high surrogate": _with_comment('{"text": "\\ud800"}'),
    "escaped lone low surrogate": _with_comment('{"text": "ok \\udfff ok"}'),
    "encoded surrogate bytes": b'{"comment": {"text": "\xed\xa0\x80"}, ' + ATTRIBUTES.encode() + b"}",
    "surrogate in a key": b'{"comment": {"text": "hi"}, "requestedAttributes": {"\\ud800": {}}}',
    "invalid UTF-8": b'{"comment": {"text": "\xff\xfe"}, ' + ATTRIBUTES.encode() + b"}",
    "UTF-16": '{"comment": {"text": "hi"}}'.encode("utf-16"),
    "NaN threshold": b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": NaN}}}',
    "infinite threshold": b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 1e999}}}',
    "5000-digit number": b'{"comment": {"text": "hi"}, "doNotStore": ' + b"9" * 5000 + b"}",
    "text is a number": _with_comment('{"text": 5}'),
    "text is an object": _with_comment('{"text": {"text": "hi"}}'),
    "text is null": _with_comment('{"text": null}'),
    "comment is a list": _with_comment('["hi"]'),
    "attributes are a list": b'{"comment": {"text": "hi"}, "requestedAttributes": ["TOXICITY"]}',
    "attribute options are a string": b'{"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": "x"}}',
    "languages hold a list": b'{"comment": {"text": "hi"}, ' + ATTRIBUTES.encode() + b', "languages": [["en"]]}',
    "languages are a string": b'{"comment": {"text": "hi"}, ' + ATTRIBUTES.encode() + b', "languages": "en"}',
    "span annotations are a string": _with_comment('{"text": "hi"}')[:-1] + b', "spanAnnotations": "yes"}',
    "client token is an object": _with_comment('{"text": "hi"}')[:-1] + b', "clientToken": {"a": 1}}',
    "context entries are a string": _with_comment('{"text": "hi"}')[:-1] + b', "context": {"entries": "x"}}',
    "context entry text is a list": (_with_comment('{"text": "hi"}')[:-1]
                                     + b', "context": {"entries": [{"text": ["x"]}]}}'),
    "unknown comment type": _with_comment('{"text": "hi", "type": "MARKDOWN"}'),
    "HTML nested 50,000 deep": _with_comment(json.dumps({"text": "<b>" * 50_000 + "x", "type": "HTML"})),
    "only invisible characters": _with_comment(json.dumps({"text": "\u200b\u200d\u2060\ufeff"})),
    "NUL characters": _with_comment(json.dumps({"text": "\x00" * 100})),
    "empty": b"",
    "null": b"null",
    "array": b"[]",
    "string": b'"hi"',
    "empty object": b"{}",
    "truncated": b'{"comment": {"text": "hi"',
    "trailing garbage": b'{"comment": {"text": "hi"}} {}',
}


def _assert_google_error(response) -> None:
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    assert error["code"] == response.status_code and error["message"] and error["status"]


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
@pytest.mark.parametrize("path", [ANALYZE, SUGGEST])
def test_hostile_perspective_bodies_answer_a_google_error(client, key, path, name):
    response = client.post(path, params={"key": key}, content=HOSTILE_BODIES[name],
                           headers={"content-type": "application/json"})
    if response.status_code == 200:  # a well-formed request the routes accept (suggestscore keeps nothing)
        assert name in {"only invisible characters", "NUL characters", "HTML nested 50,000 deep",
                        "unknown comment type", "context entry text is a list"} or path == SUGGEST, response.text
        return
    _assert_google_error(response)


def test_lone_surrogate_names_the_field(client, key):
    response = client.post(ANALYZE, params={"key": key}, content=HOSTILE_BODIES["escaped lone high surrogate"],
                           headers={"content-type": "application/json"})
    assert response.status_code == 400
    violations = response.json()["error"]["details"][0]["fieldViolations"]
    assert violations[0]["field"] == "comment.text"


def _coral_bodies() -> dict[str, bytes]:
    valid = coral_request()
    bodies = {name: body for name, body in HOSTILE_BODIES.items() if not name.startswith(("HTML", "only", "NUL"))}
    for field, value in (("action", ["NEW"]), ("comment", "text"), ("author", None), ("story", 7)):
        bodies[f"{field} is {type(value).__name__}"] = json.dumps({**valid, field: value}).encode()
    for where, value in (("body", 5), ("body", {"a": 1}), ("parentID", 5), ("parentID", ["x"])):
        bodies[f"comment.{where} is {type(value).__name__}"] = json.dumps(
            {**valid, "comment": {**valid["comment"], where: value}}).encode()
    bodies["author.role is a list"] = json.dumps({**valid, "author": {"id": "a", "role": ["ADMIN"]}}).encode()
    bodies["surrogate in comment.body"] = json.dumps(valid).replace("Here", "\\ud800ere").encode()
    bodies["deep comment.body"] = json.dumps(valid).replace('"<p>Here\'s a comment!</p>"',
                                                            "[" * 20_000 + "]" * 20_000).encode()
    return bodies


CORAL_BODIES = _coral_bodies()


@pytest.mark.parametrize("name", sorted(CORAL_BODIES))
def test_hostile_signed_coral_bodies_answer_a_problem(client, signing_secrets, name):
    body = CORAL_BODIES[name]
    response = client.post(PHASE, content=body, headers={"content-type": "application/json",
                                                         "X-Coral-Signature": sign(body, signing_secrets.current)})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 400


@pytest.mark.parametrize("html", ["<b>" * 50_000 + "x", "<" * 100_000, "&#" * 50_000, "<script>" * 20_000])
def test_hostile_coral_html_is_read_not_crashed_on(client, signing_secrets, html):
    body = json.dumps(coral_request(body_html=html)).encode()
    response = client.post(PHASE, content=body, headers={"content-type": "application/json",
                                                         "X-Coral-Signature": sign(body, signing_secrets.current)})
    assert response.status_code in (200, 204), response.text


def test_a_signature_is_compared_whole_not_on_a_prefix(client, signing_secrets):
    body = json.dumps(coral_request()).encode()
    correct = sign(body, signing_secrets.current)
    for offered in (correct[: len("sha256=") + 32], correct[: len("sha256=") + 1], correct + "00"):
        response = client.post(PHASE, content=body, headers={"content-type": "application/json",
                                                             "X-Coral-Signature": offered})
        assert response.status_code == 401, (offered, response.text)
    accepted = client.post(PHASE, content=body, headers={"content-type": "application/json",
                                                         "X-Coral-Signature": correct})
    assert accepted.status_code in (200, 204)
