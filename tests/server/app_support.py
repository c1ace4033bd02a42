"""The in-process app that the server, abuse and dashboard fixtures build over each test's database:
opening its HTTP clients and closing everything a test built, written once for all three."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import TypeVar

from rostra.runtime import Runtime
from rostra.store import Store

with warnings.catch_warnings():  # Starlette nudges towards httpx2; httpx is what the project installs
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


class ServedApp:
    """The real app; every client it opens is a browser with a cookie jar of its own, and runs the
    app's lifespan (so the runtime's event bus and jobs run while a client is open)."""

    def __init__(self, app, engine=None):
        self.app = app
        self.engine = engine
        self.clients: list[TestClient] = []

    @property
    def runtime(self) -> Runtime:
        return self.app.state.runtime

    @property
    def store(self) -> Store:
        return self.runtime.store

    def open_client(self, **options) -> TestClient:
        """A started `TestClient` (options as TestClient takes them), closed with the app."""
        client = TestClient(self.app, **options)
        client.__enter__()
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.__exit__(None, None, None)
        self.runtime.close()


App = TypeVar("App", bound=ServedApp)


def closing_apps(build: Callable[..., App]) -> Iterator[Callable[..., App]]:
    """A fixture's body (`yield from closing_apps(build)`): the test gets `build`, and every app it
    built is closed after it, clients first."""
    built: list[App] = []

    def build_and_keep(*args, **kwargs) -> App:
        app = build(*args, **kwargs)
        built.append(app)
        return app

    yield build_and_keep
    for app in built:
        app.close()
