"""Concurrent writes: every create answers with the comment it created and the author's own session,
within one process and across two uvicorn worker processes on a real port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from server_support import ORIGIN, listing, make_settings, pages, post

from rostra.actions.setup import prepare

READERS = 12
COMMENTS_EACH = 5


def _check_answers(answers: list[tuple[int, str, dict]]) -> None:
    """Each answer describes the comment its own request sent, and no two answers share an id."""
    for _, sent, answer in answers:
        assert answer["body_markdown"] == sent
        assert answer["own"] is True
    assert len({answer["id"] for _, _, answer in answers}) == len(answers)


def test_concurrent_creates_in_one_process(server, story):
    readers = [server.reader() for _ in range(READERS)]

    def write(reader_index: int) -> list[tuple[int, str, dict]]:
        answers = []
        for number in range(COMMENTS_EACH):
            sent = f"reader {reader_index} comment {number}"
            response = post(readers[reader_index], story["id"], sent)
            assert response.status_code == 201, response.text
            answers.append((reader_index, sent, response.json()))
        return answers

    with ThreadPoolExecutor(READERS) as pool:
        answers = [answer for batch in pool.map(write, range(READERS)) for answer in batch]
    _check_answers(answers)
    listed = listing(readers[0], story["id"], limit=100)["items"]
    assert {item["id"] for item in listed} == {answer["id"] for _, _, answer in answers}
    for reader_index, _, answer in answers[:: COMMENTS_EACH]:
        other = readers[(reader_index + 1) % READERS]
        assert other.patch(f"/api/v1/comments/{answer['id']}", json={"body": "not mine"}).status_code == 403
        assert readers[reader_index].patch(f"/api/v1/comments/{answer['id']}", json={"body": "mine"}).status_code == 200


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return children


@pytest.fixture
def two_workers(database, tmp_path, free_port):
    """`uvicorn --workers 2` on a free 127.0.0.1 port, over this test's database (fake engine)."""
    settings = make_settings(database, tmp_path)
    store = database.store()
    prepare(store, settings)
    store.close()
    port = free_port
    environment = {**os.environ, **settings.environment(), "PYTHONPATH": str(Path(__file__).parent)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "server_support:app_with_fake_engine", "--factory", "--workers", "2",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=environment,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/api/v1/health").status_code == 200 and len(_children(process.pid)) >= 2:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base_url, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_concurrent_creates_across_two_worker_processes(two_workers):
    base_url, process = two_workers
    assert len(_children(process.pid)) >= 2
    readers = [httpx.Client(base_url=base_url, timeout=30) for _ in range(16)]
    story = readers[0].post("/api/v1/stories", json={"url": f"{ORIGIN}/multi", "title": "Multi"}).json()

    def write(reader_index: int) -> list[tuple[int, str, dict]]:
        answers = []
        for number in range(8):
            sent = f"worker test: reader {reader_index} comment {number}"
            response = post(readers[reader_index], story["id"], sent)
            assert response.status_code == 201, response.text
            answers.append((reader_index, sent, response.json()))
        return answers

    try:
        with ThreadPoolExecutor(len(readers)) as pool:
            answers = [answer for batch in pool.map(write, range(len(readers))) for answer in batch]
        _check_answers(answers)
        acknowledged = {answer["id"] for _, _, answer in answers}
        seen = {item["id"] for page in pages(readers[0], story["id"], limit=50) for item in page["items"]}
        assert seen == acknowledged
        for reader_index, _, answer in answers[::8]:
            owner, other = readers[reader_index], readers[(reader_index + 1) % len(readers)]
            assert other.delete(f"/api/v1/comments/{answer['id']}").status_code == 403
            assert owner.delete(f"/api/v1/comments/{answer['id']}").status_code == 204
    finally:
        for reader in readers:
            reader.close()
