"""doNotStore: the real `rostra` commands, run as an operator runs them, keep no trace of a request.

Each server is started as a process with its access log on; after analyze and Coral requests the
log and the database files must hold neither the API key nor any text of the requests, and the log
names the client by its network, not its address.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from rostra.cli import main

ROSTRA = [sys.executable, "-c", "import sys; from rostra.cli import main; sys.exit(main())"]
CORAL_SECRET = "empsec_privacy_test"


def start(command: list[str], log_path: Path, base_url: str) -> subprocess.Popen:
    log = log_path.open("wb")
    env = {**os.environ, "ROSTRA_CORAL_SECRET": CORAL_SECRET, "ROSTRA_LOG_LEVEL": "info"}
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()}")
        try:
            httpx.get(f"{base_url}/openapi.json", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("server did not start")


@pytest.mark.parametrize("command", ["analyze-server", "serve"])
def test_nothing_of_a_do_not_store_request_reaches_the_log_or_the_database(tmp_path, capsys, command, free_port):
    database = f"sqlite:///{tmp_path / 'rostra.db'}"
    assert main(["apikey", "--database-url", database, "create", "--name", "privacy"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    port = free_port
    base_url = f"http://127.0.0.1:{port}"
    arguments = ["--database-url", database, "--port", str(port)]
    if command == "serve":
        arguments += ["--data-dir", str(tmp_path), "--no-demo"]
    log_path = tmp_path / "server.log"
    process = start([*ROSTRA, command, *arguments], log_path, base_url)

    marker = f"zebra{uuid.uuid4().hex}"
    texts = [f"{marker} you are a fucking moron", f"{marker} Je pense que le gouvernement a tort et que "
             "nous devons le dire avec force dans la rue", f"{marker} fine article"]
    try:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            answers = []
            for text, languages in zip(texts, (["en"], [], ["en"]), strict=True):
                body = {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}}, "languages": languages,
                        "doNotStore": True, "clientToken": marker, "spanAnnotations": True}
                answers.append(client.post("/v1alpha1/comments:analyze", params={"key": key}, json=body))
            # Scored, refused for its language, scored: the requests were read, not turned away at the door.
            assert [answer.status_code for answer in answers] == [200, 400, 200], [a.text for a in answers]
            assert answers[0].json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"] > 0.5
            assert answers[0].json()["clientToken"] == marker
            assert answers[1].json()["error"]["details"][0]["errorType"] == "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"
            coral = json.dumps({"action": "NEW", "comment": {"body": f"<p>{texts[0]}</p>", "parentID": None},
                                "author": {"id": marker, "role": "COMMENTER"},
                                "story": {"id": marker, "url": f"https://news.example/{marker}"},
                                "site": {"id": "site"}, "tenantID": "t", "tenantDomain": "news.example"},
                               indent=2).encode()
            signature = hmac.new(CORAL_SECRET.encode(), coral, hashlib.sha256).hexdigest()
            assert client.post("/coral/phase", content=coral,
                               headers={"X-Coral-Signature": f"sha256={signature}"}).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)

    log = log_path.read_text()
    # The access log was on; uvicorn quotes the ':' before 0.55 and logs the path as sent from 0.55 on.
    assert re.search(r"comments(%3A|:)analyze\?key=REDACTED", log), log
    assert '127.0.0.0/24 - "POST /v1alpha1/comments' in log, log  # the reader's network, not its address
    assert key not in log and key[:8] not in log
    assert marker not in log
    for stored in tmp_path.glob("rostra.db*"):
        assert marker.encode() not in stored.read_bytes(), stored.name
