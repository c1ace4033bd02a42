"""Spam waves and spam signals, through the API: one text pasted on many stories is held as one
cluster that a moderator rejects in one action; the honeypot and typing speed count against a comment."""

from __future__ import annotations

from server_support import post

WAVE_ADDRESSES = [f"203.0.113.{10 + n}" for n in range(10)]
NAMES = ["Ann", "Bob", "Cy", "Dee", "Eve"]


def _spam(number: int) -> str:
    """One text lightly varied per paste, as wave scripts do."""
    return (f"Earn ${300 + number} a day working from home!! My cousin {NAMES[number % 5]} did it, "
            f"see https://cash-{number % 3}.example/ref/{number} for the details today")


def _listing_ids(client, story_id: int) -> list[int]:
    return [item["id"] for item in client.get(f"/api/v1/stories/{story_id}/comments").json()["items"]]


def test_a_scripted_wave_is_held_after_the_first_few_as_one_cluster_rejected_in_one_action(make_server):
    server = make_server(rate_limit_ip_per_minute=60, rate_limit_author_per_minute=20)
    stories = [server.story(number) for number in range(50)]
    answers = []
    for number, story in enumerate(stories):  # 50 identities from 10 addresses, well within a minute
        spammer = server.reader(WAVE_ADDRESSES[number % 10])
        response = post(spammer, story, _spam(number), elapsed_ms=9000)
        assert response.status_code == 201, response.text
        answers.append(response.json())
    statuses = [answer["status"] for answer in answers]
    assert statuses == ["approved"] * 3 + ["pending"] * 47

    civil = post(server.reader("198.51.100.4"), stories[0], "Thanks for covering the council meeting in such detail.")
    assert civil.json()["status"] == "approved"
    reader = server.reader("198.51.100.5")
    assert all(answer["id"] not in _listing_ids(reader, answer["story_id"]) for answer in answers)

    moderator = server.moderator()
    clusters = moderator.get("/api/v1/moderation/clusters").json()
    assert len(clusters) == 1
    wave = clusters[0]
    assert (wave["size"], wave["stories"], wave["authors"], wave["addresses"]) == (50, 50, 50, 10)
    detail = moderator.get(f"/api/v1/moderation/clusters/{wave['id']}").json()
    assert detail["comment_ids"] == [answer["id"] for answer in answers]

    decision = moderator.post(f"/api/v1/moderation/clusters/{wave['id']}/decision", json={"decision": "reject"})
    assert decision.json() == {"id": wave["id"], "status": "rejected", "comments_changed": 50}
    log = moderator.get(f"/api/v1/comments/{answers[0]['id']}/moderation").json()
    assert [(entry["actor"], entry["to_status"]) for entry in log] == [
        ("rostra-engine", "approved"), ("rostra-waves", "pending"), ("moderator:mod", "rejected")]
    assert moderator.get("/api/v1/moderation/clusters").json() == []
    # The wave goes on after the decision: new copies are rejected at once.
    late = post(server.reader(WAVE_ADDRESSES[0]), stories[1], _spam(77))
    assert late.json()["status"] == "rejected"


def test_a_released_wave_lets_its_copies_through(make_server):
    server = make_server()
    stories = [server.story(number) for number in range(6)]
    petition = "Sign the petition to keep the Elm Street library open on Sundays, story {}"
    answers = [post(server.reader(f"203.0.113.{n}"), story, petition.format(n)).json()
               for n, story in enumerate(stories[:5])]
    assert [answer["status"] for answer in answers] == ["approved"] * 3 + ["pending"] * 2
    moderator = server.moderator()
    wave = moderator.get("/api/v1/moderation/clusters").json()[0]
    decision = moderator.post(f"/api/v1/moderation/clusters/{wave['id']}/decision", json={"decision": "release"})
    assert decision.json()["comments_changed"] == 5
    assert post(server.reader("203.0.113.99"), stories[5], petition.format(5)).json()["status"] == "approved"
    assert moderator.post(f"/api/v1/moderation/clusters/{wave['id']}/decision",
                          json={"decision": "reject"}).status_code == 409


def test_copies_on_one_story_or_short_common_phrases_are_not_a_wave(make_server):
    server = make_server()
    story, other = server.story(1), server.story(2)
    echoed = [post(server.reader(f"203.0.113.{n}"), story, "I completely agree with the council's decision on the bus routes").json()
              for n in range(5)]
    short = [post(server.reader(f"198.51.100.{n}"), (story, other)[n % 2], "Thanks for this!").json() for n in range(6)]
    assert {answer["status"] for answer in echoed + short} == {"approved"}


def test_honeypot_and_a_link_only_comment_typed_impossibly_fast_are_held(make_server):
    server = make_server()
    story = server.story()
    caught = post(server.reader(), story, "Nice article, I learned a lot from it", hp="http://spam.example")
    assert caught.json()["status"] == "pending"
    fast_links = post(server.reader("198.51.100.2"), story, "https://pills.example/buy now", elapsed_ms=120)
    assert fast_links.json()["status"] == "pending"
    human = post(server.reader("198.51.100.3"), story, "Nice article, I learned a lot from it", hp="",
                 elapsed_ms=40000)
    assert human.json()["status"] == "approved"
    reasons = _reasons(server, caught.json()["id"])
    assert "honeypot" in reasons
    assert {"fast_typing", "link_only", "new_link_domain"} <= _reasons(server, fast_links.json()["id"])


def _reasons(server, comment_id: int) -> set[str]:
    moderator = server.moderator(f"mod{comment_id}")
    log = moderator.get(f"/api/v1/comments/{comment_id}/moderation").json()
    return {reason["attribute"] for reason in log[0]["reasons"]}


def test_a_comment_edited_into_a_copy_of_a_wave_joins_it(make_server):
    server = make_server()
    stories = [server.story(number) for number in range(5)]
    copies = [post(server.reader(f"203.0.113.{n}"), story, _spam(n)).json() for n, story in enumerate(stories[:3])]
    assert {copy["status"] for copy in copies} == {"approved"}
    editor = server.reader("198.51.100.9")
    civil = post(editor, stories[3], "A fair point about the council budget and its bus routes").json()
    assert civil["status"] == "approved"
    edited = editor.patch(f"/api/v1/comments/{civil['id']}", json={"body": _spam(3)})
    assert edited.status_code == 200 and edited.json()["status"] == "pending"
    moderator = server.moderator()
    wave = moderator.get("/api/v1/moderation/clusters").json()[0]
    detail = moderator.get(f"/api/v1/moderation/clusters/{wave['id']}").json()
    assert detail["comment_ids"] == [copy["id"] for copy in copies] + [civil["id"]]
    # Editing one's own copy again does not count it as a copy of itself.
    again = editor.patch(f"/api/v1/comments/{civil['id']}", json={"body": "A fair point about the budget, after all"})
    assert again.json()["status"] == "approved"
