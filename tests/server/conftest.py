"""Server fixtures: the real app over each test's database, behind real HTTP clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from app_support import ServedApp, TestClient, closing_apps
from server_support import ORIGIN, FakeEngine, make_settings


class Server(ServedApp):
    """`reader()` opens an HTTP client with a cookie jar of its own (one reader)."""

    def reader(self, **headers) -> TestClient:
        return self.open_client(headers=headers)


@pytest.fixture
def make_server(database, tmp_path) -> Iterator[Callable[..., Server]]:
    """Builds the app over this test's database; keyword arguments override settings."""
    from rostra.app import build_app

    def build(engine=None, limiter=None, real_engine: bool = False, **values) -> Server:
        """`real_engine=True` runs the shipped moderation engine instead of the fake one."""
        engine = None if real_engine else engine or FakeEngine()
        return Server(build_app(make_settings(database, tmp_path, **values), engine=engine, limiter=limiter), engine)

    yield from closing_apps(build)


@pytest.fixture
def server(make_server) -> Server:
    return make_server()


@pytest.fixture
def client(server: Server) -> TestClient:
    return server.reader()


@pytest.fixture
def story(client: TestClient) -> dict:
    response = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/1", "title": "Council budget"})
    assert response.status_code == 201, response.text
    return response.json()
