"""Dashboard fixtures: the real app over each test's database, with staff accounts signed in over HTTP."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "server"))
from app_support import ServedApp, TestClient, closing_apps  # noqa: E402
from server_support import ORIGIN, FakeEngine, make_settings  # noqa: E402

from dashboard_support import STAFF_PASSWORD  # noqa: E402

from rostra.actions.accounts import create_staff  # noqa: E402


class Dashboard(ServedApp):
    """The app; `client()` is a browser of its own, `staff()` one signed in as a new staff account."""

    created = 0  # staff accounts made so far, numbering their addresses

    def client(self, **headers) -> TestClient:
        return self.open_client(headers=headers)

    def sign_in(self, client: TestClient, login: str, password: str = STAFF_PASSWORD) -> dict:
        response = client.post("/api/v1/session", json={"username": login, "password": password})
        assert response.status_code == 200, response.text
        session = response.json()
        client.headers["X-CSRF-Token"] = session["csrf_token"]
        return session

    def staff(self, role: str = "moderator", email: str | None = None) -> TestClient:
        """A client signed in as a new moderator or admin, sending its CSRF token with every request."""
        self.created += 1
        email = email or f"{role}{self.created}@news.example"
        create_staff(self.store, email, role, STAFF_PASSWORD)
        client = self.client()
        self.sign_in(client, email)
        return client


@pytest.fixture
def make_dashboard(database, tmp_path) -> Iterator[Callable[..., Dashboard]]:
    from rostra.app import build_app

    def build(**values) -> Dashboard:
        engine = FakeEngine()
        return Dashboard(build_app(make_settings(database, tmp_path, **values), engine=engine), engine)

    yield from closing_apps(build)


@pytest.fixture
def dashboard(make_dashboard) -> Dashboard:
    return make_dashboard()


@pytest.fixture
def reader(dashboard) -> TestClient:
    return dashboard.client()


@pytest.fixture
def story(reader) -> dict:
    response = reader.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/1", "title": "Council budget"})
    assert response.status_code == 201, response.text
    return response.json()

