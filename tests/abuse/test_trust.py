"""Trust levels: new-author pre-moderation on and off, trusted authors out at once unless the engine
finds a serious harm, and trust lost on rejections."""

from __future__ import annotations

from datetime import timedelta

from abuse_support import author_id_of
from server_support import post
from sqlalchemy import update

from rostra.moderation.verdict import Reason, Verdict
from rostra.store.queries import utcnow
from rostra.store.tables import authors

CIVIL = "The council should publish the full budget before the vote."


class MarkerEngine:
    """'[hold]' holds for toxicity (a mild attribute), '[threat]' for threat (a serious one)."""

    def moderate(self, comment):
        for marker, attribute in (("[threat]", "threat"), ("[hold]", "toxicity")):
            if marker in comment.text:
                return Verdict("hold", {attribute: 0.8}, (Reason(attribute, 0.8, (), "fake"),), "marker-engine")
        return Verdict("approve", {"toxicity": 0.01}, (), "marker-engine")


def test_new_author_premoderation_is_off_by_default(make_server):
    server = make_server()
    story = server.story()
    assert post(server.reader(), story, CIVIL).json()["status"] == "approved"


def test_with_new_author_premoderation_on_a_new_authors_first_comments_wait(make_server):
    server = make_server(premoderate_new_authors=2)
    story = server.story()
    author = server.reader()
    first = post(author, story, CIVIL).json()
    assert first["status"] == "pending"
    moderator = server.moderator()
    moderator.post(f"/api/v1/comments/{first['id']}/moderation", json={"status": "approved"})
    assert post(author, story, CIVIL + " Twice.").json()["status"] == "pending"  # one approved of two


def _trusted_author(server, story: int, approved: int = 6):
    """An author with `approved` approved comments who joined a month ago."""
    author = server.reader("198.51.100.60")
    ids = [post(author, story, f"{CIVIL} Point {n}.").json()["id"] for n in range(approved)]
    moderator = server.moderator()
    author_id = author_id_of(moderator, ids[0])
    with server.store.write() as connection:
        connection.execute(update(authors).where(authors.c.id == author_id)
                           .values(created_at=utcnow() - timedelta(days=30)))
    return author, moderator, author_id, ids


def test_a_trusted_authors_civil_or_mildly_held_comment_is_approved_at_once(make_server):
    server = make_server()
    story = server.story()
    author, moderator, author_id, _ = _trusted_author(server, story)
    summary = moderator.get(f"/api/v1/moderation/authors/{author_id}").json()
    assert (summary["trust"]["level"], summary["trust"]["name"]) == (2, "member")

    # The same database under a stricter site: new-author pre-moderation on, an engine that holds.
    strict = make_server(engine=MarkerEngine(), premoderate_new_authors=50)
    again = strict.reader("198.51.100.60", cookies=author.cookies)
    assert post(again, story, CIVIL + " Again.").json()["status"] == "approved"
    mild = post(again, story, "[hold] " + CIVIL).json()
    assert mild["status"] == "approved"
    assert post(again, story, "[threat] " + CIVIL).json()["status"] == "pending"
    newcomer = strict.reader("198.51.100.61")
    assert post(newcomer, story, CIVIL).json()["status"] == "pending"
    log = moderator.get(f"/api/v1/comments/{mild['id']}/moderation").json()
    assert log[0]["note"].startswith("approved at once: trusted author (TL2")


def test_trust_is_lost_on_rejections(make_server):
    server = make_server()
    story = server.story()
    author, moderator, author_id, ids = _trusted_author(server, story)
    for comment_id in ids[:2]:
        moderator.post(f"/api/v1/comments/{comment_id}/moderation", json={"status": "rejected"})
    summary = moderator.get(f"/api/v1/moderation/authors/{author_id}").json()["trust"]
    assert (summary["level"], summary["rejected"], summary["approved"]) == (0, 2, 4)
