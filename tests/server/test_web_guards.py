"""The guards every answer passes: the Origin check on every state-changing route (exact match),
security headers on every answer, one cookie per name."""

from __future__ import annotations

import re

import pytest
from server_support import ORIGIN, post, sign_in_as_moderator


LOOK_ALIKES = [f"{ORIGIN}.evil.com", "http://127.0.0.1:80001", "http://127.0.0.1:800", "https://127.0.0.1:8000",
               "http://127.0.0.1", "null", f"{ORIGIN}/", "http://127.0.0.1:8000@evil.com", "http://127.0.0.2:8000"]


@pytest.mark.parametrize("origin", LOOK_ALIKES)
def test_look_alike_origins_cannot_write(server, client, story, origin):
    response = server.reader(origin=origin).post(f"/api/v1/stories/{story['id']}/comments", json={"body": "hi"})
    assert response.status_code == 403, (origin, response.text)
    assert response.json()["type"] == "urn:rostra:problem:origin-not-allowed"
    assert server.reader(origin=ORIGIN).post(f"/api/v1/stories/{story['id']}/comments",
                                             json={"body": "hi"}).status_code == 201


def test_moderator_and_session_routes_check_the_origin_too(server, client, story):
    comment = post(client, story["id"], "borderline [hold]").json()
    moderator = server.reader()
    assert moderator.post("/api/v1/accounts", json={"username": "mod", "password": "correct horse"}).status_code == 201
    sign_in_as_moderator(server, moderator, "mod", "correct horse")
    cookie = {"cookie": "; ".join(f"{name}={value}" for name, value in moderator.cookies.items()),
              "X-CSRF-Token": moderator.headers["X-CSRF-Token"]}  # even with the token, the Origin decides
    forged = server.reader(origin="https://attacker.example", **cookie)
    writes = [
        forged.post(f"/api/v1/comments/{comment['id']}/moderation", json={"status": "approved"}),
        forged.patch(f"/api/v1/stories/{story['id']}", json={"closed": True}),
        forged.delete("/api/v1/session"),
        forged.post("/api/v1/session", json={"username": "mod", "password": "correct horse"}),
    ]
    for response in writes:
        assert response.status_code == 403, response.text
        assert response.json()["type"] == "urn:rostra:problem:origin-not-allowed"
    assert client.get(f"/api/v1/comments/{comment['id']}").json()["status"] == "pending"
    assert not client.get(f"/api/v1/stories/{story['id']}").json()["closed"]
    same_site = server.reader(origin=ORIGIN, **cookie)
    assert same_site.post(f"/api/v1/comments/{comment['id']}/moderation", json={"status": "approved"}).status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/api/v1/health", None), ("GET", "/api/v1/no/such/route", None), ("POST", "/api/v1/stories", {"url": 1}),
    ("GET", "/openapi.json", None), ("GET", "/docs/assets/swagger-ui-bundle.js", None)])
def test_every_answer_carries_the_security_headers(client, method, path, body):
    response = client.request(method, path, json=body)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    assert "cross-origin-resource-policy" not in response.headers  # host pages must load the widget's scripts


def test_refusals_before_the_app_carry_them_too(make_server):
    client = make_server(max_request_bytes=2048).reader()
    response = client.post("/api/v1/stories", content=b"x" * 4000, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.headers["x-content-type-options"] == "nosniff"


def test_rostras_pages_may_load_only_rostras_own_resources(client):
    response = client.get("/docs")
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    inline = [script for script in re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S) if script[1].strip()]
    assert inline == [], "the page's policy would block an inline script"
    for source in re.findall(r'<script src="([^"]+)"', response.text):
        assert client.get(source).status_code == 200


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/accounts", {"username": "newreader", "password": "long enough"}),
    ("/api/v1/session", {"username": "newreader", "password": "long enough"})])
def test_sign_in_sends_one_cookie(server, path, body):
    if path == "/api/v1/session":
        server.reader().post("/api/v1/accounts", json=body)
    response = server.reader().post(path, json=body)
    assert response.status_code in (200, 201), response.text
    cookies = [value.split("=", 1)[0] for value in response.headers.get_list("set-cookie")]
    assert len(cookies) == len(set(cookies)) and "rostra_session" in cookies
