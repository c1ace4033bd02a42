"""`rostra serve` as a user runs it, and the real moderation engine deciding real comments."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from server_support import ORIGIN, post
from sqlalchemy import select

from rostra.store.tables import comments, moderation_log

ROSTRA = str(Path(sys.executable).with_name("rostra"))
BENIGN = "Thanks for laying out where the money goes; I had no idea the library budget was so small."
ABUSIVE = "You are a worthless idiot and I will find you and kill you."


def _start(folder: Path, port: int, *options: str) -> subprocess.Popen:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ROSTRA_")}
    process = subprocess.Popen([ROSTRA, "serve", "--port", str(port), *options], cwd=folder, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            pytest.fail(f"rostra serve exited:\n{process.stdout.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("rostra serve did not answer within 120 s")
        time.sleep(0.25)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def test_serve_on_a_fresh_folder(tmp_path, free_port):
    port = free_port
    server = _start(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            demo = client.get("/api/v1/stories/1/comments", params={"sort": "oldest"}).json()
            assert demo["items"][0]["author"]["name"] == "Helen Park"
            assert demo["items"][0]["replies"][1]["replies"][0]["author"]["name"] == "Helen Park"
            assert client.get("/api/v1/stories/1").json()["comment_count"] == 11
            assert 'data-rostra-url="' + f"{base}/demo" in client.get("/demo").text

            page = client.get("/docs")
            assert page.status_code == 200
            sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
            assert sources and all(source.startswith("/docs/assets/") for source in sources)
            for source in sources:
                assert client.get(source).status_code == 200
            spec = client.get("/openapi.json").json()
            assert {"/api/v1/stories", "/api/v1/stories/{story_id}/comments", "/api/v1/counts"} <= spec["paths"].keys()
            refusal = spec["paths"]["/api/v1/stories/{story_id}/comments"]["post"]["responses"]["4XX"]
            assert refusal["content"]["application/json"]["schema"]["$ref"].endswith("/Problem")

            story = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/budget", "title": "Library budget",
                                                         "text": "The council cut the library budget."}).json()
            benign = post(client, story["id"], BENIGN)
            assert benign.status_code == 201 and benign.json()["status"] == "approved"
    finally:
        _stop(server)
    assert (tmp_path / "data" / "secret_key").exists()
    with sqlite3.connect(tmp_path / "data" / "rostra.db") as database:
        assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    again = _start(tmp_path, port)
    try:
        stories = httpx.post(f"{base}/api/v1/counts", json={"urls": [f"{ORIGIN}/budget", f"{base}/demo"]})
        assert stories.json()["counts"] == {f"{ORIGIN}/budget": 1, f"{base}/demo": 11}
    finally:
        _stop(again)


def test_serve_with_two_workers_shares_one_database(tmp_path, free_port):
    port = free_port
    server = _start(tmp_path, port, "--workers", "2", "--no-demo", "--allowed-origins", "https://news.example")
    try:
        readers = [httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) for _ in range(4)]
        story = readers[0].post("/api/v1/stories", json={"url": "https://news.example/a", "title": "A"}).json()
        created = [post(reader, story["id"], f"{BENIGN} ({number})").json()
                   for number in range(3) for reader in readers]
        assert len({comment["id"] for comment in created}) == 12
        approved = sum(comment["status"] == "approved" for comment in created)
        assert approved >= 4
        assert readers[0].get(f"/api/v1/stories/{story['id']}").json()["comment_count"] == approved
        assert readers[1].post("/api/v1/stories", json={"url": f"{ORIGIN}/x"}).status_code == 403
        for reader in readers:
            reader.close()
    finally:
        _stop(server)


def test_real_engine_decides_and_explains(make_server):
    server = make_server(real_engine=True)
    client = server.reader()
    story = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/real", "title": "Library budget"}).json()
    assert post(client, story["id"], BENIGN).json()["status"] == "approved"
    abusive = post(server.reader(), story["id"], ABUSIVE).json()
    assert abusive["status"] in ("pending", "rejected")
    with server.store.read() as connection:
        row = connection.execute(select(comments).where(comments.c.id == abusive["id"])).one()
        log = connection.execute(select(moderation_log).where(moderation_log.c.comment_id == abusive["id"])).one()
    assert row.moderation_reasons and row.moderation_model and row.moderation_model != "fake-engine-1"
    assert {reason["attribute"] for reason in row.moderation_reasons} & {"threat", "insult", "toxicity",
                                                                        "severe_toxicity"}
    assert log.actor == "rostra-engine" and log.reasons == row.moderation_reasons
