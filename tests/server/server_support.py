"""Helpers the server tests share, importable as a plain module (tests/server is on sys.path), also by
the uvicorn workers of the multi-process tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from rostra.config import Settings
from rostra.moderation.verdict import CommentInput, Reason, Verdict

ORIGIN = "http://127.0.0.1:8000"
TEST_SECRET = "test-secret-key-not-for-production"


@dataclass
class FakeEngine:
    """A stand-in for the moderation engine: '[hold]' in a text holds it, '[reject]' rejects it."""

    seen: list[CommentInput] = field(default_factory=list)

    def moderate(self, comment: CommentInput) -> Verdict:
        self.seen.append(comment)
        for marker, decision, score in (("[reject]", "reject", 0.97), ("[hold]", "hold", 0.7)):
            start = comment.text.find(marker)
            if start >= 0:
                reason = Reason("toxicity", score, ((start, start + len(marker)),), "fake")
                return Verdict(decision, {"toxicity": score}, (reason,), "fake-engine-1")
        return Verdict("approve", {"toxicity": 0.01}, (), "fake-engine-1")


def make_settings(database, tmp_path, **values) -> Settings:
    """Test settings: no demo, no rate limits unless a test asks for them."""
    defaults = {
        "data_dir": str(tmp_path / "data"),
        "database_url": database.url,
        "secret_key": TEST_SECRET,
        "demo": False,
        "rate_limit_ip_per_minute": 0,
        "rate_limit_author_per_minute": 0,
    }
    return Settings(**{**defaults, **values})


def app_with_fake_engine():
    """uvicorn factory for worker processes: settings from ROSTRA_* variables, the fake engine."""
    from rostra.app import build_app

    return build_app(Settings.load(), engine=FakeEngine(), migrate=False)


def post(client, story_id: int, body: str, **fields):
    return client.post(f"/api/v1/stories/{story_id}/comments", json={"body": body, **fields})


def listing(client, story_id: int, **params) -> dict:
    response = client.get(f"/api/v1/stories/{story_id}/comments", params=params)
    assert response.status_code == 200, response.text
    return response.json()


MAX_PAGES = 1000


def pages(client, story_id: int, **params):
    """Every page of a listing, following `next_cursor`; a cursor that comes back (a listing that
    would repeat forever) fails the test instead of hanging it."""
    seen_cursors: set[str] = set()
    cursor = None
    for _ in range(MAX_PAGES):
        page = listing(client, story_id, **({**params, "cursor": cursor} if cursor else params))
        yield page
        cursor = page["next_cursor"]
        if not cursor:
            return
        assert cursor not in seen_cursors, "the listing handed out the same cursor twice"
        seen_cursors.add(cursor)
    raise AssertionError(f"the listing did not end within {MAX_PAGES} pages")


def find_comment(items: list[dict], comment_id: int) -> dict | None:
    """The comment with this id anywhere in a nested listing."""
    for item in items:
        if item["id"] == comment_id:
            return item
        found = find_comment(item.get("replies") or [], comment_id)
        if found:
            return found
    return None


def sign_in_as_moderator(server, client, username: str, password: str) -> None:
    """Make `client`'s registered account a moderator and sign it in again (a role change ends its
    sessions); its later requests carry the session's CSRF token, as the dashboard's do."""
    from rostra.actions.accounts import set_role

    set_role(server.store, username, "moderator")
    response = client.post("/api/v1/session", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
