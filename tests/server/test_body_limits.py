"""Every route bounds its body while it streams in, and the adapters check who is calling before
they read a large body: a chunked body is pulled from the client one piece at a time, so the number
of pieces the server asked for is how much it read."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from server_support import ORIGIN

from rostra.actions import apikeys
from rostra.api import coral, perspective

CHUNK = 64 * 1024
CHUNKS = 400  # 25 MiB offered each time; the limits are 64 KiB, 1 MiB and 4 MiB


class Offered:
    """A chunked request body, handed to the app one ASGI message per `receive()`; counts them."""

    def __init__(self):
        self.pulled = 0

    def message(self) -> dict:
        self.pulled += 1
        more = self.pulled <= CHUNKS
        return {"type": "http.request", "body": b'{"body": "' if self.pulled == 1 else b"x" * CHUNK,
                "more_body": more}

    def read_at_most(self, limit: int) -> bool:
        return self.pulled * CHUNK <= limit + 2 * CHUNK


@dataclass
class Answer:
    status_code: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


def _send(server, path: str, offered: Offered, **headers) -> Answer:
    """POST straight to the ASGI app (an HTTP client would send the whole body before asking)."""
    path, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "root_path": "", "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000),
             "headers": [(b"content-type", b"application/json"), (b"host", b"127.0.0.1:8000"),
                         *((name.lower().encode(), value.encode()) for name, value in headers.items())]}
    sent: list[dict] = []

    async def receive() -> dict:
        return offered.message()

    async def send(message: dict) -> None:
        sent.append(message)

    with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever runs in this thread already
        thread.submit(asyncio.run, server.app(scope, receive, send)).result()
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return Answer(start["status"], {name.decode(): value.decode() for name, value in start["headers"]}, body)


@pytest.fixture
def adapters(make_server):
    return make_server(coral_secret="phase-secret")


def test_unsigned_coral_body_is_refused_before_it_is_read(adapters):
    offered = Offered()
    response = _send(adapters, "/coral/phase", offered)
    assert response.status_code == 401, response.text
    assert offered.pulled == 0


def test_signed_coral_body_is_read_no_further_than_its_limit(adapters):
    offered = Offered()
    response = _send(adapters, "/coral/phase", offered, **{"X-Coral-Signature": "sha256=" + "0" * 64})
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == coral.PROBLEM_TYPE
    assert offered.read_at_most(coral.MAX_BODY_BYTES) and offered.pulled > 1


def test_perspective_body_without_a_key_is_refused_before_it_is_read(adapters):
    offered = Offered()
    response = _send(adapters, "/v1alpha1/comments:analyze", offered)
    assert response.status_code == 403, response.text
    assert offered.pulled == 0


def test_perspective_body_with_a_key_is_read_no_further_than_its_limit(adapters):
    secret = apikeys.create_key(adapters.store, "limits").secret
    offered = Offered()
    response = _send(adapters, f"/v1alpha1/comments:analyze?key={secret}", offered)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["message"].startswith("Request payload size exceeds the limit")
    assert offered.read_at_most(perspective.MAX_BODY_BYTES) and offered.pulled > 1


@pytest.mark.parametrize(("path", "status"), [("/api/v1/stories", 413), ("/api/v1/session", 413),
                                              ("/api/v1/comments/1/reports", 413), ("/api/v1/no/such/route", 404)])
def test_api_bodies_are_read_no_further_than_the_setting(adapters, path, status):
    offered = Offered()
    response = _send(adapters, path, offered)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert offered.read_at_most(adapters.app.state.runtime.settings.max_request_bytes)


@pytest.mark.parametrize(("path", "status"), [("/coral/phase", 413), ("/v1alpha1/comments:analyze", 400),
                                              ("/api/v1/stories", 413), ("/docs", 413)])
def test_a_declared_length_over_the_limit_is_refused_unread(adapters, path, status):
    response = adapters.reader().post(path, content=b"{}", headers={"content-length": str(50 * 1024 * 1024)})
    assert response.status_code == status, response.text


def test_deep_json_is_refused_on_api_routes(client, story):
    for raw in ("[" * 60_000, '{"body": ' + "[" * 5000 + "]" * 5000 + "}", '{"body": "x", "a": 1e999}',
                '{"body": ' + "1" * 5000 + "}", '{"body": NaN}', b'{"body": "\xed\xa0\x80"}', b"\xff\xfe{}"):
        response = client.post(f"/api/v1/stories/{story['id']}/comments", content=raw,
                               headers={"content-type": "application/json"})
        assert response.status_code in (400, 422), (raw[:40], response.text)
        assert response.headers["content-type"] == "application/problem+json"


def test_lone_surrogate_is_refused_naming_its_field(client, story):
    response = client.post("/api/v1/counts", content='{"urls": ["http://x/", "\\udc00"]}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "urls.1"
    response = client.post("/api/v1/stories", content=f'{{"url": "{ORIGIN}/a", "title": "\\ud800"}}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["field"] == "title"
