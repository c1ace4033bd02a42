"""The server killed with SIGKILL in the middle of concurrent posts, then started again: clients that
retry with their Idempotency-Key until answered find every acknowledged comment stored exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from server_support import ORIGIN, make_settings

from rostra.runtime import Runtime

WRITERS = 8
COMMENTS_EACH = 12
KILLS = 2
RETRY_PAUSE_SECONDS = 0.05
START_TIMEOUT_SECONDS = 60


class Restartable:
    """One uvicorn process over the test's database on a fixed port, which the test may kill -9."""

    def __init__(self, environment: dict, port: int):
        self.environment = environment
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "server_support:app_with_fake_engine", "--factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "critical"],
            env=self.environment)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def restartable(database, tmp_path, free_port):
    settings = make_settings(database, tmp_path)
    Runtime.from_settings(settings).close()  # migrated, with the default site
    search_path = os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")]))
    environment = {**os.environ, **settings.environment(), "PYTHONPATH": search_path}
    server = Restartable(environment, free_port)
    server.start()
    yield server
    server.stop()


def test_every_acknowledged_comment_survives_kill_9_exactly_once(restartable):
    base_url = f"http://127.0.0.1:{restartable.port}"
    acknowledged: dict[str, int] = {}  # body -> id
    lock = threading.Lock()
    retries = 0

    def send_until_answered(client: httpx.Client, method: str, path: str, **options) -> httpx.Response:
        nonlocal retries
        while True:
            try:
                response = client.request(method, path, **options)
                if response.status_code < 500:
                    return response
            except httpx.TransportError:
                pass
            with lock:
                retries += 1
            time.sleep(RETRY_PAUSE_SECONDS)

    with httpx.Client(base_url=base_url, timeout=10) as setup:
        story = send_until_answered(setup, "POST", "/api/v1/stories", json={"url": f"{ORIGIN}/kill", "title": "K"})
        story_id = story.json()["id"]

    def write(writer: int) -> None:
        with httpx.Client(base_url=base_url, timeout=10) as client:
            for number in range(COMMENTS_EACH):
                body = f"writer {writer} comment {number}"
                key = str(uuid.uuid4())
                response = send_until_answered(client, "POST", f"/api/v1/stories/{story_id}/comments",
                                               json={"body": body}, headers={"Idempotency-Key": key})
                assert response.status_code == 201, response.text
                assert response.json()["body_markdown"] == body
                with lock:
                    acknowledged[body] = response.json()["id"]

    with ThreadPoolExecutor(WRITERS) as pool:
        writers = [pool.submit(write, writer) for writer in range(WRITERS)]
        for kill in range(1, KILLS + 1):
            while len(acknowledged) < kill * WRITERS * COMMENTS_EACH // (KILLS + 1):
                time.sleep(0.01)
            restartable.kill()
            restartable.start()
        for writer in writers:
            writer.result()

    assert len(acknowledged) == WRITERS * COMMENTS_EACH
    with httpx.Client(base_url=base_url, timeout=10) as reader:
        stored, cursor = [], None
        while True:
            params = {"cursor": cursor} if cursor else {"limit": 100, "replies": 0}
            page = reader.get(f"/api/v1/stories/{story_id}/comments", params=params).json()
            stored += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
    bodies = [item["body_html"].removeprefix("<p>").removesuffix("</p>") for item in stored]
    assert sorted(bodies) == sorted(acknowledged), "a comment was lost or stored twice"
    assert {item["id"] for item in stored} == set(acknowledged.values())
