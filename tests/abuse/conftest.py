"""Abuse-defence fixtures: the real app over each test's database, readers that connect from the
address a test names (the peer address the server sees), and a signed-in moderator."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).parent.parent / "server"))  # after the test folders: `conftest` stays theirs
from app_support import ServedApp, TestClient, closing_apps  # noqa: E402
from server_support import ORIGIN, FakeEngine, make_settings  # noqa: E402

DEFAULT_PEER = "198.51.100.7"


class Server(ServedApp):
    def reader(self, address: str = DEFAULT_PEER, cookies=None, **headers) -> TestClient:
        """A browser with a cookie jar of its own (a copy of `cookies`), connecting from `address`."""
        return self.open_client(headers=headers, cookies=dict(cookies or {}), client=(address, 50000))

    def moderator(self, username: str = "mod") -> TestClient:
        from rostra.actions.accounts import set_role

        client = self.reader("192.0.2.1")
        assert client.post("/api/v1/accounts", json={"username": username, "password": "correct horse"}).status_code == 201
        set_role(self.store, username, "moderator")  # what `rostra set-role` does; it ends the account's sessions
        session = client.post("/api/v1/session", json={"username": username, "password": "correct horse"})
        assert session.status_code == 200, session.text
        client.headers["X-CSRF-Token"] = session.json()["csrf_token"]  # as the dashboard sends it
        return client

    def story(self, number: int = 1, client: TestClient | None = None) -> int:
        client = client or self.reader("192.0.2.2")
        response = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/{number}", "title": f"Story {number}"})
        assert response.status_code == 201, response.text
        return response.json()["id"]


@pytest.fixture
def make_server(database, tmp_path) -> Iterator[Callable[..., Server]]:
    """Builds the app over this test's database; keyword arguments override settings."""
    from rostra.app import build_app

    def build(engine=None, **values) -> Server:
        """`engine` replaces the fake one (which holds '[hold]' and rejects '[reject]')."""
        return Server(build_app(make_settings(database, tmp_path, **values), engine=engine or FakeEngine()))

    yield from closing_apps(build)
