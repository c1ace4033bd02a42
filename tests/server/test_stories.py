"""Stories: get-or-create by canonical URL on allowed origins only, closing, and counts for many URLs."""

from __future__ import annotations

import pytest
from server_support import ORIGIN, post, sign_in_as_moderator


def test_same_article_under_different_urls_is_one_story(client):
    first = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/a?id=3&utm_source=x#c12",
                                                 "title": "First title"})
    assert first.status_code == 201
    again = client.post("/api/v1/stories", json={"url": "HTTP://127.0.0.1:8000/news/a?id=3&fbclid=zz",
                                                 "title": "A different title"})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["title"] == "First title"
    assert first.json()["url"] == f"{ORIGIN}/news/a?id=3"
    other_query = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/a?id=4"})
    assert other_query.status_code == 201 and other_query.json()["title"] == f"{ORIGIN}/news/a?id=4"


def test_only_allowed_origins_get_stories(make_server):
    server = make_server(allowed_origins=["https://news.example", "http://localhost:8000"])
    client = server.reader()
    assert client.post("/api/v1/stories", json={"url": "https://news.example/politics/1"}).status_code == 201
    assert client.post("/api/v1/stories", json={"url": "https://NEWS.example:443/politics/2"}).status_code == 201
    for url in ("https://evil.example/politics/1", "http://news.example/politics/1",
                "https://news.example.evil.example/x", "http://127.0.0.1:8000/x"):
        response = client.post("/api/v1/stories", json={"url": url})
        assert response.status_code == 403, url
        assert response.json()["type"] == "urn:rostra:problem:origin-not-allowed"
        assert response.json()["field"] == "url"


def test_writes_from_foreign_pages_are_refused_and_cors_allows_the_site(make_server):
    server = make_server(allowed_origins=["https://news.example"])
    site = server.reader(origin="https://news.example")
    story = site.post("/api/v1/stories", json={"url": "https://news.example/a"})
    assert story.status_code == 201
    assert story.headers["access-control-allow-origin"] == "https://news.example"
    assert story.headers["access-control-allow-credentials"] == "true"
    foreign = server.reader(origin="https://evil.example")
    response = post(foreign, story.json()["id"], "csrf attempt")
    assert response.status_code == 403 and response.json()["type"].endswith("origin-not-allowed")
    assert "access-control-allow-origin" not in response.headers
    preflight = site.options(f"/api/v1/stories/{story.json()['id']}/comments",
                             headers={"access-control-request-method": "POST",
                                      "access-control-request-headers": "content-type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_closed_story_refuses_comments_and_edits(server, client, story):
    comment = post(client, story["id"], "before closing").json()
    from rostra.actions.stories import set_story_closed

    closed = set_story_closed(server.store, story["id"], True)
    assert closed["closed"] is True
    response = post(client, story["id"], "after closing")
    assert response.status_code == 409
    assert response.json()["type"] == "urn:rostra:problem:story-closed"
    assert response.json()["field"] == "story_id"
    assert client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "edit"}).status_code == 409
    assert client.get(f"/api/v1/stories/{story['id']}").json()["closed"] is True
    assert client.get(f"/api/v1/stories/{story['id']}/comments").json()["items"][0]["id"] == comment["id"]


def test_moderator_closes_a_story_over_http(server, client, story):
    moderator = server.reader()
    moderator.post("/api/v1/accounts", json={"username": "editor", "password": "very secret"})
    assert client.patch(f"/api/v1/stories/{story['id']}", json={"closed": True}).status_code == 401
    sign_in_as_moderator(server, moderator, "editor", "very secret")
    response = moderator.patch(f"/api/v1/stories/{story['id']}", json={"closed": True})
    assert response.status_code == 200 and response.json()["closed"] is True
    assert post(client, story["id"], "late").status_code == 409


def test_counts_for_many_urls_in_one_call(client):
    urls = [f"{ORIGIN}/count/{index}" for index in range(30)]
    for index, url in enumerate(urls[:10]):
        story = client.post("/api/v1/stories", json={"url": url}).json()
        for number in range(index):
            post(client, story["id"], f"comment {number}")
        post(client, story["id"], "held [hold]")
    asked = [*urls, f"{ORIGIN}/count/3?utm_campaign=mail", "https://unknown.example/x"]
    response = client.post("/api/v1/counts", json={"urls": asked})
    assert response.status_code == 200
    counts = response.json()["counts"]
    assert [counts[url] for url in urls] == [*range(10), *[0] * 20]
    assert counts[f"{ORIGIN}/count/3?utm_campaign=mail"] == 3
    assert counts["https://unknown.example/x"] == 0
    too_many = client.post("/api/v1/counts", json={"urls": [f"{ORIGIN}/{n}" for n in range(101)]})
    assert too_many.status_code == 422 and too_many.json()["field"] == "urls"


@pytest.mark.parametrize(("spellings", "stored"), [
    (["/news/é", "/news/%C3%A9", "/news/%c3%a9"], "/news/%C3%A9"),
    (['/news/<b>"x"', "/news/%3Cb%3E%22x%22"], "/news/%3Cb%3E%22x%22"),
    (["/news/%7Euser", "/news/~user"], "/news/~user"),
    (["/news/a b", "/news/a%20b"], "/news/a%20b"),
    (["/news/100%", "/news/100%25"], "/news/100%25"),
    (["/news/a%2Fb"], "/news/a%2Fb"),
])
def test_story_paths_are_stored_escaped_in_one_spelling(client, spellings, stored):
    answers = [client.post("/api/v1/stories", json={"url": f"{ORIGIN}{path}"}) for path in spellings]
    assert [answer.status_code for answer in answers] == [201] + [200] * (len(spellings) - 1), answers[0].text
    assert {answer.json()["id"] for answer in answers} == {answers[0].json()["id"]}
    assert answers[0].json()["url"] == f"{ORIGIN}{stored}"
    counts = client.post("/api/v1/counts", json={"urls": [f"{ORIGIN}{path}" for path in spellings]}).json()["counts"]
    assert set(counts.values()) == {0} and len(counts) == len(spellings)


def _story_row(server, story_id: int):
    from sqlalchemy import select

    from rostra.store.tables import stories

    with server.store.read() as connection:
        return connection.execute(select(stories.c.title, stories.c.text).where(stories.c.id == story_id)).one()


def test_a_reader_cannot_fix_a_storys_title_or_text_but_the_site_and_moderators_can(server, client, story):
    again = client.post("/api/v1/stories", json={"url": story["url"], "title": "Pwned", "text": "casino casino"})
    assert again.status_code == 200 and again.json()["title"] == "Council budget"
    assert tuple(_story_row(server, story["id"])) == ("Council budget", "")

    from rostra.actions import apikeys

    key = apikeys.create_key(server.store, "news-cms").secret
    site = server.reader().post("/api/v1/stories", headers={"X-Api-Key": key},
                                json={"url": story["url"], "title": "Council budget, revised", "text": "The council..."})
    assert site.status_code == 200 and site.json()["title"] == "Council budget, revised"
    assert tuple(_story_row(server, story["id"])) == ("Council budget, revised", "The council...")
    forged = server.reader().post("/api/v1/stories", headers={"X-Api-Key": "not-a-key"},
                                  json={"url": story["url"], "title": "Pwned"})
    assert forged.status_code == 403 and forged.json()["field"] == "X-Api-Key"

    moderator = server.reader()
    moderator.post("/api/v1/accounts", json={"username": "mod", "password": "correct horse"})
    sign_in_as_moderator(server, moderator, "mod", "correct horse")
    patched = moderator.patch(f"/api/v1/stories/{story['id']}", json={"title": "Budget 2027", "text": "New text"})
    assert patched.status_code == 200 and patched.json()["title"] == "Budget 2027" and not patched.json()["closed"]
    assert tuple(_story_row(server, story["id"])) == ("Budget 2027", "New text")
    assert client.patch(f"/api/v1/stories/{story['id']}", json={"title": "x"}).status_code == 401


def test_a_site_may_open_comments_only_on_stories_its_server_registered(server, client):
    from rostra.actions import apikeys
    from rostra.actions.sites import update_site_settings

    site_id = server.runtime.site_for_origin(ORIGIN)
    update_site_settings(server.runtime, site_id, {"stories_registered_by_site": True}, actor="moderator:ada")
    refused = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/unregistered", "title": "Anything"})
    assert refused.status_code == 403, refused.text
    assert refused.json()["type"] == "urn:rostra:problem:story-not-registered"
    key = apikeys.create_key(server.store, "news-cms").secret
    registered = server.reader().post("/api/v1/stories", headers={"X-Api-Key": key},
                                      json={"url": f"{ORIGIN}/news/registered", "title": "Registered"})
    assert registered.status_code == 201
    found = client.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/registered", "title": "Other"})
    assert found.status_code == 200 and found.json()["title"] == "Registered"
    assert post(client, found.json()["id"], "comments open here").status_code == 201


def test_a_page_of_one_site_cannot_open_stories_on_another(server, client):
    from rostra.actions.sites import ensure_site

    ensure_site(server.store, "other", ["https://other.example"])
    server.runtime.forget_site(1)
    from_other = server.reader(origin="https://other.example")
    refused = from_other.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/theirs", "title": "Not yours"})
    assert refused.status_code == 403 and refused.json()["field"] == "url", refused.text
    own = from_other.post("/api/v1/stories", json={"url": "https://other.example/a", "title": "Mine"})
    assert own.status_code == 201
    assert server.reader(origin=ORIGIN).post("/api/v1/stories", json={"url": f"{ORIGIN}/news/ours"}).status_code == 201
