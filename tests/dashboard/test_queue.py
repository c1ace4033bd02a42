"""The moderation queue and moderator actions over HTTP: what a moderator sees and what their clicks do."""

from server_support import post

QUEUE = "/api/v1/moderation/queue"
ACTIONS = "/api/v1/moderation/actions"


def act(client, action: str, *comment_ids: int, **fields):
    response = client.post(ACTIONS, json={"action": action, "comment_ids": list(comment_ids), **fields})
    assert response.status_code == 200, response.text
    return response.json()


def queue(client, **params) -> dict:
    response = client.get(QUEUE, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_held_comment_is_in_pending_with_reason_words_story_and_author(dashboard, reader, story):
    post(reader, story["id"], "a fine first comment", author_name="Sam")
    held = post(reader, story["id"], "you are a [hold] person", author_name="Sam").json()
    moderator = dashboard.staff()
    page = queue(moderator)
    assert [item["id"] for item in page["items"]] == [held["id"]]
    item = page["items"][0]
    assert item["body_markdown"] == "you are a [hold] person"
    assert item["reasons"][0]["summary"] == "toxicity 0.70: '[hold]'"
    assert item["reasons"][0]["excerpts"] == ["[hold]"]
    assert [piece for piece in item["highlighted"] if piece["attribute"]] == [
        {"text": "[hold]", "attribute": "toxicity"}]
    assert item["decided_by"] == {"phase": "fake", "rule": "toxicity"}
    assert item["story"]["title"] == "Council budget"
    assert item["author"]["name"] == "Sam" and item["author"]["counts"]["approved"] == 1
    assert item["author"]["counts"]["pending"] == 1
    assert page["counts"]["pending"] == {"count": 1, "capped": False}
    assert page["counts"]["approved"]["count"] == 1 and page["counts"]["all"]["count"] == 2
    assert moderator.get(f"/api/v1/comments/{held['id']}").json()["status"] == "pending"


def test_approving_publishes_the_comment_and_logs_who_and_why(dashboard, reader, story):
    held = post(reader, story["id"], "borderline [hold]").json()
    moderator = dashboard.staff(email="ada@news.example")
    outcome = act(moderator, "approve", held["id"], reason="fair criticism")
    assert outcome == [{"comment_id": held["id"], "done": True, "status": "approved", "featured": False,
                        "detail": None}]
    assert [item["id"] for item in reader.get(f"/api/v1/stories/{story['id']}/comments").json()["items"]] == [held["id"]]
    assert queue(moderator)["items"] == []
    entry = moderator.get("/api/v1/moderation/log", params={"comment_id": held["id"]}).json()["entries"][0]
    assert entry["actor"] == "moderator:ada" and entry["action"] == "approve"
    assert entry["from_status"] == "pending" and entry["to_status"] == "approved"
    assert entry["note"] == "fair criticism"
    assert entry["before"]["status"] == "pending" and entry["after"]["status"] == "approved"


def test_reported_comment_shows_reports_and_leaves_the_queue_once_decided(dashboard, reader, story):
    comment = post(reader, story["id"], "visible comment").json()
    other = dashboard.client()
    assert other.post(f"/api/v1/comments/{comment['id']}/reports",
                      json={"reason": "abusive", "note": "rude to me"}).status_code == 201
    moderator = dashboard.staff()
    page = queue(moderator, queue="reported")
    assert [item["id"] for item in page["items"]] == [comment["id"]]
    report = page["items"][0]["reports"][0]
    assert report["reason"] == "abusive" and report["note"] == "rude to me" and report["open"]
    assert page["counts"]["reported"]["count"] == 1
    act(moderator, "reject", comment["id"], reason="harassment")
    assert queue(moderator, queue="reported")["items"] == []
    assert [item["id"] for item in queue(moderator, queue="rejected")["items"]] == [comment["id"]]
    act(moderator, "approve", comment["id"])  # no open report: Reported stays empty
    assert queue(moderator, queue="reported")["items"] == []


def test_undo_restores_the_previous_status_and_reopens_reports(dashboard, reader, story):
    comment = post(reader, story["id"], "reported one").json()
    dashboard.client().post(f"/api/v1/comments/{comment['id']}/reports", json={"reason": "spam"})
    moderator = dashboard.staff()
    act(moderator, "reject", comment["id"], reason="spam")
    undone = moderator.post("/api/v1/moderation/undo")
    assert undone.status_code == 200 and undone.json()[0]["status"] == "approved"
    assert [item["id"] for item in queue(moderator, queue="reported")["items"]] == [comment["id"]]
    assert moderator.post("/api/v1/moderation/undo").status_code == 404  # the undo itself is not undone
    log = moderator.get("/api/v1/moderation/log", params={"comment_id": comment["id"]}).json()["entries"]
    assert [entry["action"] for entry in log][:2] == ["undo", "reject"]


def test_bulk_reject_and_undo_of_the_whole_bulk(dashboard, reader, story):
    ids = [post(reader, story["id"], f"held {number} [hold]").json()["id"] for number in range(3)]
    moderator = dashboard.staff()
    outcomes = act(moderator, "reject", *ids, 999999, reason="pile-on")
    assert [outcome["done"] for outcome in outcomes] == [True, True, True, False]
    assert queue(moderator)["items"] == []
    assert len(moderator.post("/api/v1/moderation/undo").json()) == 3
    assert sorted(item["id"] for item in queue(moderator)["items"]) == ids


def test_undo_leaves_a_comment_another_moderator_changed_since(dashboard, reader, story):
    comment = post(reader, story["id"], "contested [hold]").json()
    first, second = dashboard.staff(), dashboard.staff()
    act(first, "reject", comment["id"])
    act(second, "approve", comment["id"])
    assert first.post("/api/v1/moderation/undo").json()[0]["done"] is False
    assert first.get(f"/api/v1/moderation/comments/{comment['id']}").json()["status"] == "approved"


def test_feature_edit_and_restore(dashboard, reader, story):
    comment = post(reader, story["id"], "great point, idoit").json()
    moderator = dashboard.staff()
    assert act(moderator, "feature", comment["id"])[0]["featured"] is True
    act(moderator, "edit", comment["id"], text="great point")
    item = moderator.get(f"/api/v1/moderation/comments/{comment['id']}").json()
    assert item["body_html"] == "<p>great point</p>" and item["featured"] is True
    entry = moderator.get("/api/v1/moderation/log", params={"action": "edit"}).json()["entries"][0]
    assert entry["before"]["body_markdown"] == "great point, idoit"
    assert entry["after"]["body_markdown"] == "great point"
    act(moderator, "restore", comment["id"])
    assert [item["id"] for item in queue(moderator)["items"]] == [comment["id"]]
    refused = moderator.post(ACTIONS, json={"action": "edit", "comment_ids": [comment["id"]], "text": "  "})
    assert refused.status_code == 422 and refused.json()["field"] == "text"


def test_author_edit_cannot_bring_back_a_rejected_comment(dashboard, reader, story):
    comment = post(reader, story["id"], "nasty [hold]").json()
    moderator = dashboard.staff()
    act(moderator, "reject", comment["id"], reason="abuse")
    edited = reader.patch(f"/api/v1/comments/{comment['id']}", json={"body": "perfectly nice now"})
    assert edited.status_code == 403
    assert moderator.get(f"/api/v1/moderation/comments/{comment['id']}").json()["status"] == "rejected"
    assert reader.delete(f"/api/v1/comments/{comment['id']}").status_code == 204


def test_filters_sorts_and_cursor_pages(dashboard, reader, story):
    other_story = reader.post("/api/v1/stories", json={"url": "http://127.0.0.1:8000/news/2", "title": "Other"}).json()
    low = post(reader, story["id"], "first [hold] low").json()
    high = post(reader, story["id"], "then [reject]ed").json()
    elsewhere = post(reader, other_story["id"], "elsewhere [hold] about trams").json()
    moderator = dashboard.staff()
    act(moderator, "restore", high["id"])  # back to Pending, keeps its 0.97 score
    assert [item["id"] for item in queue(moderator, sort="highest_score")["items"]][0] == high["id"]
    assert [item["id"] for item in queue(moderator, sort="oldest")["items"]] == [low["id"], high["id"], elsewhere["id"]]
    assert [item["id"] for item in queue(moderator, story_id=other_story["id"])["items"]] == [elsewhere["id"]]
    assert [item["id"] for item in queue(moderator, q="TRAMS")["items"]] == [elsewhere["id"]]
    assert queue(moderator, q="100%")["items"] == []
    assert len(queue(moderator, attribute="toxicity")["items"]) == 3
    assert queue(moderator, attribute="spam")["items"] == []
    first = queue(moderator, limit=2)
    second = queue(moderator, limit=2, cursor=first["next_cursor"])
    assert [item["id"] for item in first["items"] + second["items"]] == [elsewhere["id"], high["id"], low["id"]]
    assert second["next_cursor"] is None
    by_score = queue(moderator, sort="highest_score", limit=1)
    rest = queue(moderator, sort="highest_score", limit=5, cursor=by_score["next_cursor"])
    assert len(rest["items"]) == 2 and high["id"] not in [item["id"] for item in rest["items"]]
    author_id = first["items"][0]["author"]["id"]
    assert len(queue(moderator, author_id=author_id)["items"]) == 3
    bad = moderator.get(QUEUE, params={"cursor": "garbage"})
    assert bad.status_code == 422 and bad.json()["field"] == "cursor"
    assert moderator.get(QUEUE, params={"queue": "secret"}).status_code == 422


def test_author_drawer_with_history_notes_and_comments(dashboard, reader, story):
    comment = post(reader, story["id"], "mine [hold]", author_name="Pat").json()
    post(reader, story["id"], "also mine", author_name="Pat")
    moderator = dashboard.staff(email="lee@news.example")
    author_id = moderator.get(f"/api/v1/moderation/comments/{comment['id']}").json()["author"]["id"]
    act(moderator, "reject", comment["id"])
    assert moderator.post(f"/api/v1/moderation/authors/{author_id}/notes",
                          json={"body": "warned by e-mail"}).status_code == 201
    drawer = moderator.get(f"/api/v1/moderation/authors/{author_id}/profile").json()
    assert drawer["author"]["name"] == "Pat"
    assert drawer["author"]["counts"]["rejected"] == 1 and drawer["author"]["rejection_rate"] == 0.5
    assert [note["body"] for note in drawer["notes"]] == ["warned by e-mail"] and drawer["notes"][0]["by"] == "moderator:lee"
    assert len(drawer["comments"]) == 2
    assert moderator.get("/api/v1/moderation/authors/424242/profile").status_code == 404


def test_the_engine_test_box_explains_any_text(dashboard):
    moderator = dashboard.staff()
    answer = moderator.post("/api/v1/moderation/test", json={"text": "so [reject] this"}).json()
    assert answer["decision"] == "reject"
    assert answer["reasons"][0]["summary"] == "toxicity 0.97: '[reject]'"
    assert {"text": "[reject]", "attribute": "toxicity"} in answer["highlighted"]


def test_moderation_log_is_filterable_and_paged(dashboard, reader, story):
    ids = [post(reader, story["id"], f"c{number} [hold]").json()["id"] for number in range(3)]
    ada, bob = dashboard.staff(email="ada@news.example"), dashboard.staff(email="bob@news.example")
    act(ada, "approve", ids[0])
    act(bob, "reject", ids[1])
    by_ada = ada.get("/api/v1/moderation/log", params={"actor": "moderator:ada"}).json()["entries"]
    assert [(entry["actor"], entry["comment_id"]) for entry in by_ada] == [("moderator:ada", ids[0])]
    engine = ada.get("/api/v1/moderation/log", params={"actor": "rostra-engine"}).json()
    assert len(engine["entries"]) == 3
    everything = ada.get("/api/v1/moderation/log").json()
    assert [entry["action"] for entry in everything["entries"][:2]] == ["reject", "approve"]


def test_imported_comments_the_engine_disagrees_with_have_their_filter(dashboard, reader, story):
    from sqlalchemy import update

    from rostra.store.tables import comments

    imported = post(reader, story["id"], "kept approved by the old system").json()
    post(reader, story["id"], "native comment")
    with dashboard.store.write() as connection:
        connection.execute(update(comments).where(comments.c.id == imported["id"])
                           .values(source="disqus", import_engine_status="rejected"))
    moderator = dashboard.staff()
    page = queue(moderator, queue="all", disagreements="true")
    assert [item["id"] for item in page["items"]] == [imported["id"]]
    assert page["items"][0]["imported"] == {"source": "disqus", "engine_status": "rejected"}
    assert page["counts"]["approved"]["count"] == 1
    html = moderator.get("/admin", params={"queue": "all", "disagreements": "1"}).text
    assert "the engine would say rejected" in html and "native comment" not in html


def test_counts_stop_at_the_cap_and_come_with_the_first_page_only(dashboard, reader, story):
    from sqlalchemy import insert, select

    from rostra.actions.queue import COUNT_CAP
    from rostra.store.tables import comments

    held = post(reader, story["id"], "held [hold]").json()
    with dashboard.store.write() as connection:
        row = connection.execute(select(comments).where(comments.c.id == held["id"])).mappings().one()
        copies = [{key: value for key, value in row.items() if key != "id"} for _ in range(COUNT_CAP + 1)]
        connection.execute(insert(comments), copies)
    moderator = dashboard.staff()
    first = queue(moderator)
    assert first["counts"]["pending"] == {"count": COUNT_CAP, "capped": True}
    assert queue(moderator, cursor=first["next_cursor"])["counts"] is None
    assert "1000+" in moderator.get("/admin").text


def test_text_search_walks_the_index_with_the_same_answers_on_both_databases(dashboard, reader, story):
    """Substring, any case, wildcards and quotes taken literally, kept in step with edits; fewer
    than three characters are refused (a trigram index cannot look them up)."""
    texts = ["Trams are late again", "The TRAM depot closes", "Budget 100% spent", "snake_case words",
             'She said "no" twice', "L'École ferme", "nothing to see"]
    ids = {text: post(reader, story["id"], text).json()["id"] for text in texts}
    moderator = dashboard.staff()

    def found(words: str, name: str = "approved") -> set[str]:
        return {item["body_markdown"] for item in queue(moderator, queue=name, q=words)["items"]}

    assert found("tram") == {"Trams are late again", "The TRAM depot closes"}
    assert found("tram", "all") == found("tram") and found("tram", "pending") == set()
    assert queue(moderator, queue="approved", q="tram")["counts"]["approved"] == {"count": 2, "capped": False}
    assert found("0% s") == {"Budget 100% spent"} and found("e_c") == {"snake_case words"}
    assert found("%_%") == set()
    assert found('"no"') == {'She said "no" twice'} and found("l'éCOLE") == {"L'École ferme"}
    edited = reader.patch(f"/api/v1/comments/{ids['Trams are late again']}", json={"body": "Buses are late again"})
    assert edited.status_code == 200, edited.text
    assert found("tram") == {"The TRAM depot closes"} and found("buses ARE") == {"Buses are late again"}
    for refused in ("no", "a\x00bc"):
        answer = moderator.get(QUEUE, params={"queue": "approved", "q": refused})
        assert answer.status_code == 422 and answer.json()["field"] == "q"
    assert found("*:^ NEAR(a b) OR") == set()  # FTS5's query syntax means nothing here


def test_search_counts_stop_at_the_newest_matches_and_say_so(dashboard, reader, story, monkeypatch):
    """A phrase most comments hold is counted among its newest matches only: each count is then
    "at least", never a scan of every match once per queue."""
    import rostra.actions.queue

    for number in range(3):
        post(reader, story["id"], f"tram line {number}")
    post(reader, story["id"], "held tram [hold]")
    moderator = dashboard.staff()
    counts = queue(moderator, queue="all", q="tram")["counts"]
    assert counts["all"] == {"count": 4, "capped": False} and counts["pending"] == {"count": 1, "capped": False}
    monkeypatch.setattr(rostra.actions.queue, "SEARCH_COUNT_SCAN", 2)
    counts = queue(moderator, queue="all", q="tram")["counts"]
    assert counts["all"] == {"count": 2, "capped": True}
    assert counts["pending"] == {"count": 1, "capped": True} and counts["approved"] == {"count": 1, "capped": True}
    assert len(queue(moderator, queue="all", q="tram")["items"]) == 4  # the queue itself is whole
