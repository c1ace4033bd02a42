"""Server fixtures: the real app over each test's database, behind real HTTP clients."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from server_support import ORIGIN, FakeEngine, make_settings

from rostra.store import Store

with warnings.catch_warnings():  # Starlette nudges towards httpx2; httpx is what the project installs
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@dataclass
class Server:
    """The real app; `reader()` opens an HTTP client with a cookie jar of its own (one reader)."""

    app: object
    engine: FakeEngine
    clients: list[TestClient]

    @property
    def runtime(self):
        return self.app.state.runtime

    @property
    def store(self) -> Store:
        return self.runtime.store

    def reader(self, **headers) -> TestClient:
        client = TestClient(self.app, headers=headers)
        client.__enter__()
        self.clients.append(client)
        return client


@pytest.fixture
def make_server(database, tmp_path) -> Iterator[Callable[..., Server]]:
    """Builds the app over this test's database; keyword arguments override settings."""
    from rostra.app import build_app

    servers: list[Server] = []

    def build(engine=None, limiter=None, real_engine: bool = False, **values) -> Server:
        """`real_engine=True` runs the shipped moderation engine instead of the fake one."""
        engine = None if real_engine else engine or FakeEngine()
        app = build_app(make_settings(database, tmp_path, **values), engine=engine, limiter=limiter)
        server = Server(app, engine, [])
        servers.append(server)
        return server

    yield build
    for server in servers:
        for client in server.clients:
            client.__exit__(None, None, None)
        server.runtime.close()


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
