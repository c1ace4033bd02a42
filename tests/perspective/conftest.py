"""Real servers on 127.0.0.1 (the analyze server and the full server), real SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from rostra.actions import apikeys
from rostra.config import Settings
from rostra.store import Store

# Coral's signing secrets as the test servers know them: the current one, one rotated out but
# active until 2999, one whose grace period ended in 2020.
SIGNING_SECRETS = SimpleNamespace(current="empsec_current_0123456789abcdef",
                                  rotated="empsec_rotated_still_active",
                                  expired="empsec_expired_fedcba9876543210")
CORAL_SECRET_SETTING = (f"{SIGNING_SECRETS.current}, {SIGNING_SECRETS.rotated}@2999-01-01T00:00:00Z, "
                        f"{SIGNING_SECRETS.expired}@2020-01-01T00:00:00Z")


@dataclass
class LiveServer:
    """An app served by uvicorn in a background thread, reached over real HTTP."""

    app: FastAPI
    base_url: str
    store: Store

    def client(self, **options) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30, **options)

    def new_key(self, requests_per_minute: int | None = None) -> str:
        return apikeys.create_key(self.store, f"test-{uuid.uuid4().hex[:12]}",
                                  requests_per_minute).secret


@contextmanager
def serve(app: FastAPI, store: Store) -> Iterator[LiveServer]:
    """Run the app until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield LiveServer(app, f"http://127.0.0.1:{port}", store)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def settings_for(tmp_path, **values) -> Settings:
    defaults = {"data_dir": str(tmp_path), "database_url": f"sqlite:///{tmp_path / 'rostra.db'}",
                "coral_secret": CORAL_SECRET_SETTING, "perspective_requests_per_minute": 1000,
                "demo": False}
    return Settings(**{**defaults, **values})


def analyze_server(settings: Settings):
    from rostra.cli.analyze import create_analyze_app

    app = create_analyze_app(settings)
    return serve(app, app.state.perspective.store)


def full_server(settings: Settings):
    from rostra.app import build_app

    app = build_app(settings)
    return serve(app, app.state.runtime.store)


SERVERS = {"analyze-server": analyze_server, "serve": full_server}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request, tmp_path_factory) -> Iterator[LiveServer]:
    """Each test runs against `rostra analyze-server`'s app and against `rostra serve`'s app."""
    settings = settings_for(tmp_path_factory.mktemp(request.param))
    with SERVERS[request.param](settings) as live:
        yield live


@pytest.fixture(scope="module")
def light_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The analyze server alone, for behaviour that does not depend on which app serves it."""
    with analyze_server(settings_for(tmp_path_factory.mktemp("light"))) as live:
        yield live


@pytest.fixture()
def start_analyze_server(tmp_path):
    """Starts an analyze server with some settings changed: `with start_analyze_server(**settings)`."""
    return lambda **values: analyze_server(settings_for(tmp_path, **values))


@pytest.fixture(scope="session")
def signing_secrets() -> SimpleNamespace:
    return SIGNING_SECRETS


@pytest.fixture(scope="module")
def key(server: LiveServer) -> str:
    return server.new_key()


@pytest.fixture()
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


@pytest.fixture()
def store(database) -> Iterator[Store]:
    """A migrated, empty database: SQLite and PostgreSQL in turn (the suite's `database` fixture)."""
    key_store = database.store()
    try:
        yield key_store
    finally:
        key_store.close()
