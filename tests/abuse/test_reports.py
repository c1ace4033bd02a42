"""Weighted reader reports: a comment is hidden at the site's threshold and not before; one reader's
many identities count once; reporters whose reports are dismissed lose weight."""

from __future__ import annotations

from abuse_support import author_id_of
from server_support import post


def _report(client, comment_id: int):
    response = client.post(f"/api/v1/comments/{comment_id}/reports", json={"reason": "abusive"})
    assert response.status_code == 201, response.text


def _visible(server, story: int, comment_id: int) -> bool:
    listing = server.reader("192.0.2.200").get(f"/api/v1/stories/{story}/comments").json()
    return comment_id in [item["id"] for item in listing["items"]]


def test_weighted_reports_hide_a_comment_at_the_threshold_and_not_before(make_server):
    server = make_server(report_hide_threshold=2.0)  # new readers' reports weigh 0.5 each
    story = server.story()
    comment = post(server.reader(), story, "A comment some readers dislike").json()["id"]
    for number in range(3):
        _report(server.reader(f"203.0.113.{number}"), comment)
    assert _visible(server, story, comment)
    _report(server.reader("203.0.113.3"), comment)
    assert not _visible(server, story, comment)
    moderator = server.moderator()
    log = moderator.get(f"/api/v1/comments/{comment}/moderation").json()
    assert (log[-1]["actor"], log[-1]["to_status"]) == ("rostra-reports", "pending")
    assert "2.00 reached 2" in log[-1]["note"]


def test_ten_identities_of_one_reader_count_once(make_server):
    server = make_server(report_hide_threshold=1.0)
    story = server.story()
    comment = post(server.reader(), story, "A comment one reader really dislikes").json()["id"]
    for _ in range(10):  # ten cookie jars, one address
        _report(server.reader("203.0.113.50"), comment)
    assert _visible(server, story, comment)
    _report(server.reader("198.51.100.77"), comment)
    assert not _visible(server, story, comment)


def test_reporters_whose_reports_are_dismissed_lose_weight(make_server):
    server = make_server(report_hide_threshold=100.0)
    story = server.story()
    moderator = server.moderator()
    reporter = server.reader("203.0.113.60")
    comments = [post(server.reader(f"198.51.100.{n}"), story, f"Fair comment number {n}").json()["id"]
                for n in range(4)]
    _report(reporter, comments[0])
    reporter_id = author_id_of(moderator, post(reporter, story, "I report a lot").json()["id"])
    before = moderator.get(f"/api/v1/moderation/authors/{reporter_id}").json()["trust"]["report_weight"]
    for comment in comments[1:]:
        _report(reporter, comment)
    for comment in comments:
        moderator.post(f"/api/v1/comments/{comment}/moderation", json={"status": "approved"})
    after = moderator.get(f"/api/v1/moderation/authors/{reporter_id}").json()["trust"]
    assert after["reports_made_dismissed"] == 4
    assert after["report_weight"] < before / 2
