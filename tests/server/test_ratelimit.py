"""Rate limits: the limiter in memory and in Redis, and 429 answers on every kind of write."""

from __future__ import annotations

import uuid

import pytest
from server_support import ORIGIN, post

from rostra.guards.ratelimit import MemoryRateLimiter, RedisRateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def redis_limiter(redis_url: str) -> RedisRateLimiter:
    """A limiter with keys of its own, so tests never see each other's counts."""
    return RedisRateLimiter(redis_url, prefix=f"rostra-test:{uuid.uuid4().hex}:")


def test_memory_limiter_allows_a_minutes_worth_then_asks_to_wait():
    clock = FakeClock()
    limiter = MemoryRateLimiter(clock=clock)
    assert [limiter.hit("a", 6) for _ in range(6)] == [None] * 6
    wait = limiter.hit("a", 6)
    assert wait == pytest.approx(10.0)
    assert limiter.hit("b", 6) is None
    clock.now += 9.9
    assert limiter.hit("a", 6) == pytest.approx(0.1)
    clock.now += 0.1
    assert limiter.hit("a", 6) is None
    assert limiter.hit("a", 6) == pytest.approx(10.0)
    clock.now += 60
    assert [limiter.hit("a", 6) for _ in range(6)] == [None] * 6


def test_zero_means_no_limit():
    limiter = MemoryRateLimiter()
    assert all(limiter.hit("a", 0) is None for _ in range(1000))


def test_redis_limiter_counts_across_instances(redis_url):
    first = redis_limiter(redis_url)
    second = RedisRateLimiter(redis_url, prefix=first._prefix)
    assert [first.hit("shared", 4) for _ in range(2)] == [None, None]
    assert [second.hit("shared", 4) for _ in range(2)] == [None, None]
    wait = first.hit("shared", 4)
    assert wait is not None and 14 < wait <= 15
    assert second.hit("other", 4) is None


@pytest.fixture(params=["memory", "redis"])
def limiter(request):
    return MemoryRateLimiter() if request.param == "memory" else redis_limiter(request.getfixturevalue("redis_url"))


def test_per_author_limit_answers_429_with_retry_after(make_server, limiter):
    server = make_server(limiter=limiter, rate_limit_author_per_minute=3, rate_limit_ip_per_minute=100)
    author = server.reader()
    story = author.post("/api/v1/stories", json={"url": f"{ORIGIN}/limits"}).json()
    assert [post(author, story["id"], f"n{n}").status_code for n in range(2)] == [201, 201]
    refused = post(author, story["id"], "one too many")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:rostra:problem:rate-limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 20
    comment_id = author.get(f"/api/v1/stories/{story['id']}/comments").json()["items"][0]["id"]
    assert author.put(f"/api/v1/comments/{comment_id}/reaction", json={}).status_code == 429
    assert post(server.reader(), story["id"], "another reader").status_code == 201


def test_per_ip_limit_covers_every_write(make_server, limiter):
    server = make_server(limiter=limiter, rate_limit_ip_per_minute=4, rate_limit_author_per_minute=100)
    first = server.reader()
    story = first.post("/api/v1/stories", json={"url": f"{ORIGIN}/ip"}).json()
    comment = post(first, story["id"], "hello").json()
    assert first.post(f"/api/v1/comments/{comment['id']}/reports", json={"reason": "spam"}).status_code == 201
    assert first.put(f"/api/v1/comments/{comment['id']}/reaction", json={}).status_code == 200
    for response in (
        post(server.reader(), story["id"], "new reader, same address"),
        server.reader().post("/api/v1/accounts", json={"username": "newbie", "password": "long enough"}),
        first.patch(f"/api/v1/comments/{comment['id']}", json={"body": "edit"}),
        first.delete(f"/api/v1/comments/{comment['id']}"),
    ):
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) >= 1
    assert first.get(f"/api/v1/stories/{story['id']}/comments").status_code == 200
