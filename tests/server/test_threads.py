"""Threaded listing: cursor pages over a big thread, nested replies, sort orders."""

from __future__ import annotations

import random

from server_support import find_comment, listing, pages, post
from sqlalchemy import insert, update

from rostra.actions.comments import MAX_COMMENTS_PER_ANSWER
from rostra.store.queries import utcnow
from rostra.store.tables import authors, comments

THREAD_SIZE = 1500


def _bulk_thread(store, story_id: int, size: int, seed: int = 7) -> set[int]:
    """A random tree of `size` comments (some held, some deleted) inserted directly; returns the ids
    a reader should see: approved ones, plus deleted ones that still have visible replies."""
    rng = random.Random(seed)
    now = utcnow()
    with store.write() as connection:
        author_id = connection.execute(
            insert(authors).values(guest_key="bulk", display_name="Bulk", created_at=now).returning(authors.c.id)
        ).scalar_one()
        rows: list[dict] = []
        for index in range(size):
            parent = rng.choice(rows) if rows and rng.random() < 0.6 else None
            status = rng.choices(["approved", "pending", "deleted"], weights=[85, 10, 5])[0]
            if parent is not None and parent["status"] == "pending":
                parent = None
            row = {
                "id": index + 1,
                "story_id": story_id,
                "parent_id": parent["id"] if parent else None,
                "depth": parent["depth"] + 1 if parent else 0,
                "author_id": author_id,
                "body_markdown": f"comment {index}",
                "body_html": f"<p>comment {index}</p>",
                "status": status,
                "reaction_count": rng.randrange(5),
                "created_at": now,
            }
            rows.append(row)
        connection.execute(insert(comments), rows)
    if store.url.get_backend_name() == "postgresql":
        with store.write() as connection:
            connection.exec_driver_sql("SELECT setval('comments_id_seq', (SELECT max(id) FROM comments))")
    children: dict[int | None, list[dict]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)

    def visible(row: dict) -> bool:
        if row["status"] == "approved":
            return True
        return row["status"] == "deleted" and any(
            child["status"] in ("approved", "deleted") for child in children.get(row["id"], [])
        )

    return {row["id"] for row in rows if visible(row)}


def _walk(client, story_id: int, **params) -> tuple[list[int], int]:
    """Every comment reachable through pages and reply cursors; returns (ids in order seen, requests)."""
    seen: list[int] = []
    pending = [dict(params)]
    requests = 0
    followed: set[str] = set()
    while pending:
        asked = pending.pop()
        if "cursor" in asked:
            assert asked["cursor"] not in followed, "a cursor came back: the walk would never end"
            followed.add(asked["cursor"])
        page = listing(client, story_id, **asked)
        requests += 1
        assert len(page["items"]) <= params.get("limit", 20)
        stack = list(page["items"])
        in_answer = 0
        while stack:
            item = stack.pop()
            in_answer += 1
            seen.append(item["id"])
            stack.extend(item["replies"])
            if item["replies_cursor"]:
                pending.append({**params, "cursor": item["replies_cursor"]})
        assert in_answer <= MAX_COMMENTS_PER_ANSWER
        if page["next_cursor"]:
            pending.append({**params, "cursor": page["next_cursor"]})
    return seen, requests


def test_cursor_pages_cover_a_big_thread_exactly_once(server, client, story):
    expected = _bulk_thread(server.store, story["id"], THREAD_SIZE)
    first = listing(client, story["id"], limit=50)
    assert first["next_cursor"] and len(first["items"]) == 50
    for sort, shape in (("newest", {}), ("oldest", {"replies": 10, "depth": 5}), ("most_reacted", {"replies": 0})):
        seen, requests = _walk(client, story["id"], sort=sort, limit=50, **shape)
        assert len(seen) == len(set(seen)), f"{sort}: a comment came twice"
        assert set(seen) == expected, f"{sort}: comments skipped or hidden ones shown"
        assert requests > 3


def test_reply_cursor_resumes_after_embedded_replies(server, client, story):
    parent = post(client, story["id"], "parent").json()
    replies = [post(client, story["id"], f"reply {n}", parent_id=parent["id"]).json()["id"] for n in range(7)]
    item = listing(client, story["id"], replies=3)["items"][0]
    assert item["reply_count"] == 7
    assert [reply["id"] for reply in item["replies"]] == replies[:3]
    rest = listing(client, story["id"], cursor=item["replies_cursor"], limit=2)
    assert [reply["id"] for reply in rest["items"]] == replies[3:5]
    last = listing(client, story["id"], cursor=rest["next_cursor"], limit=10)
    assert [reply["id"] for reply in last["items"]] == replies[5:]
    assert last["next_cursor"] is None
    direct = listing(client, story["id"], parent_id=parent["id"], sort="oldest", limit=100)
    assert [reply["id"] for reply in direct["items"]] == replies


def test_sort_orders(server, client, story):
    ids = [post(client, story["id"], f"comment {n}").json()["id"] for n in range(6)]
    reactions = {ids[0]: 5, ids[1]: 1, ids[2]: 5, ids[3]: 0, ids[4]: 9, ids[5]: 1}
    with server.store.write() as connection:
        for comment_id, count in reactions.items():
            connection.execute(update(comments).where(comments.c.id == comment_id).values(reaction_count=count))

    def order(sort: str) -> list[int]:
        return [item["id"] for page in pages(client, story["id"], sort=sort, limit=4) for item in page["items"]]

    assert order("newest") == ids[::-1]
    assert order("oldest") == ids
    assert order("most_reacted") == [ids[4], ids[2], ids[0], ids[5], ids[1], ids[3]]


def test_most_reacted_follows_real_reactions(server, client, story):
    quiet = post(client, story["id"], "quiet").json()
    popular = post(client, story["id"], "popular").json()
    for _ in range(3):
        server.reader().put(f"/api/v1/comments/{quiet['id']}/reaction", json={})
    page = listing(client, story["id"], sort="most_reacted")
    assert [item["id"] for item in page["items"]] == [quiet["id"], popular["id"]]
    assert page["items"][0]["reaction_count"] == 3


def test_listing_marks_the_readers_own_comments(server, client, story):
    mine = post(client, story["id"], "mine").json()
    stranger = server.reader()
    theirs = post(stranger, story["id"], "theirs", parent_id=mine["id"]).json()
    items = listing(client, story["id"])["items"]
    assert find_comment(items, mine["id"])["own"] is True
    assert find_comment(items, theirs["id"])["own"] is False
    assert find_comment(items, mine["id"])["body_markdown"] is None


def test_nested_replies_stop_at_the_answer_budget_and_cursors_carry_on(server, client, story):
    now = utcnow()
    with server.store.write() as connection:
        author_id = connection.execute(
            insert(authors).values(guest_key="wide", display_name="Wide", created_at=now).returning(authors.c.id)
        ).scalar_one()
        rows, next_id = [], 1
        for _ in range(60):
            top = next_id
            rows.append({"id": top, "parent_id": None, "depth": 0})
            next_id += 1
            for _ in range(10):
                rows.append({"id": next_id, "parent_id": top, "depth": 1})
                next_id += 1
        connection.execute(insert(comments), [
            {**row, "story_id": story["id"], "author_id": author_id, "body_markdown": "x", "body_html": "<p>x</p>",
             "status": "approved", "reaction_count": 0, "created_at": now} for row in rows])
    page = listing(client, story["id"], limit=60, replies=10, depth=1)
    assert sum(1 + len(item["replies"]) for item in page["items"]) == MAX_COMMENTS_PER_ANSWER
    assert page["items"][-1]["replies"] == [] and page["items"][-1]["replies_cursor"]
    seen, _ = _walk(client, story["id"], limit=60, replies=10, depth=1)
    assert sorted(seen) == [row["id"] for row in rows]
