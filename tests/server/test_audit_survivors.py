"""Edges a mutation audit (issue 11) found the suite blind to: each test here fails when the bug it
names is put back (a look-alike origin and a prefix-compared Coral signature are in
test_web_guards.py and tests/perspective/test_hostile_input.py)."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
import tomllib
import uuid
from pathlib import Path

import pytest
from server_support import find_comment, listing, post
from sqlalchemy import text

from rostra.guards.ratelimit import RedisRateLimiter
from rostra.moderation import Policy
from rostra.render import render_comment
from rostra.store import Store

README = Path(__file__).parents[2] / "README.md"


@pytest.mark.parametrize("link", ["[call me](tel:+15551234)", "[shell](ssh://host.example)", "<ssh://host.example>",
                                  "[data](data:text/html;base64,PHNjcmlwdD4=)", "[file](file:///etc/passwd)",
                                  "[js](javascript:alert(1))", "[vb](vbscript:msgbox(1))"])
def test_only_http_https_and_mailto_links_survive_the_sanitizer(link):
    html = render_comment(f"see {link}")
    assert "href" not in html, html


@pytest.mark.parametrize("link", ["[site](https://news.example/a)", "[plain](http://news.example/)",
                                  "[mail](mailto:desk@news.example)"])
def test_safe_links_keep_their_href(link):
    assert 'href="' in render_comment(link)


def test_redis_rate_limit_entries_expire_within_seconds(redis_url):
    import redis

    limiter = RedisRateLimiter(redis_url, prefix=f"rostra:test:{uuid.uuid4().hex}:")
    assert limiter.hit("bucket", 60) is None  # one request a second: the entry is needed for about 1 s
    remaining_ms = redis.Redis.from_url(redis_url).pttl(limiter._prefix + "bucket")
    assert 0 < remaining_ms <= 2_500, f"the entry would live {remaining_ms} ms"


def test_a_reply_under_two_deleted_ancestors_stays_readable(server, client, story):
    grandparent = post(client, story["id"], "grandparent").json()
    parent = post(client, story["id"], "parent", parent_id=grandparent["id"]).json()
    reply = post(server.reader(), story["id"], "the reply", parent_id=parent["id"]).json()
    assert client.delete(f"/api/v1/comments/{parent['id']}").status_code == 204
    assert client.delete(f"/api/v1/comments/{grandparent['id']}").status_code == 204
    items = listing(server.reader(), story["id"], depth=2)["items"]
    assert [item["status"] for item in items] == ["deleted"]
    shown = find_comment(items, reply["id"])
    assert shown is not None and shown["body_html"] == "<p>the reply</p>"
    assert find_comment(items, parent["id"])["status"] == "deleted"


class FailingEngine:
    """An engine failing as a bug would, with the comment's text in its message."""

    def __init__(self, error: type[Exception]):
        self.error = error

    def moderate(self, comment):
        raise self.error(f"cannot score {comment.text!r}")


@pytest.mark.parametrize("error", [RuntimeError, KeyError, OSError, ZeroDivisionError, AttributeError])
def test_any_engine_error_holds_the_comment_and_logs_no_text(make_server, caplog, error):
    server = make_server(engine=FailingEngine(error))
    client = server.reader()
    story = client.post("/api/v1/stories", json={"url": "http://127.0.0.1:8000/e", "title": "E"}).json()
    secret = f"private words {uuid.uuid4().hex}"
    with caplog.at_level(logging.DEBUG):
        response = post(client, story["id"], secret)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"
    assert client.get(f"/api/v1/comments/{response.json()['id']}").json()["body_markdown"] == secret
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert error.__name__ in logged, "the failure is logged"
    assert secret not in logged, "the log quotes the comment"


def _documented_thresholds() -> dict:
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(), re.S)
    documented = next(tomllib.loads(block) for block in blocks if "[moderation.thresholds]" in block)
    return documented["moderation"]


def test_default_thresholds_are_the_documented_ones():
    documented = _documented_thresholds()
    policy = Policy()
    assert {name: policy.hold_threshold(name) for name in documented["thresholds"]} == documented["thresholds"]
    assert {name: policy.reject_threshold(name) for name in documented["reject_thresholds"]} == \
        documented["reject_thresholds"]


def test_several_processes_may_migrate_one_postgresql_schema_at_once(empty_postgres_url):
    start_at = time.time() + 3  # every process has started and connected, then all migrate at once
    script = ("import sys, time; from rostra.store import Store; store = Store(sys.argv[1]); "
              "time.sleep(max(0, float(sys.argv[2]) - time.time())); store.migrate()")
    processes = [subprocess.Popen([sys.executable, "-c", script, empty_postgres_url, str(start_at)],
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read()
    store = Store(empty_postgres_url)
    try:
        with store.read() as connection:
            assert len(connection.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
    finally:
        store.close()
