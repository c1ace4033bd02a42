"""The pages Rostra serves: `/`, `/demo` and the widget bundles."""

import re

import pytest
from server_support import ORIGIN

from rostra.actions.queue import list_queue
from rostra.actions.setup import DEMO_COMMENTS, DEMO_HELD, DEMO_REPORT, create_demo


@pytest.fixture
def demo_server(make_server):
    server = make_server(demo=True)
    create_demo(server.runtime)
    return server


def test_index_says_what_rostra_is_and_links_the_demo(demo_server):
    page = demo_server.reader().get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "moderated on your own machine" in page.text
    assert 'href="http://testserver/demo"' in page.text
    assert '<script src="http://testserver/count.js" async>' in page.text


def test_demo_embeds_the_widget_as_a_site_would(demo_server):
    page = demo_server.reader().get("/demo").text
    host = re.search(r'<div id="rostra-thread"([^>]*)>', page).group(1)
    assert 'data-rostra-url="http://127.0.0.1:8000/demo"' in host
    assert "data-rostra-title=" in host
    assert '<script src="http://testserver/embed.js" async></script>' in page
    assert "Northgate estate" in page


def test_demo_options_are_checked_not_echoed(demo_server):
    client = demo_server.reader()
    dark = client.get("/demo", params={"theme": "dark", "lang": "fr"}).text
    assert 'data-rostra-theme="dark"' in dark and 'data-rostra-lang="fr"' in dark
    hostile = client.get("/demo", params={"theme": '"><script>alert(1)</script>', "lang": '"><b>'}).text
    assert "<script>alert(1)" not in hostile and "<b>" not in hostile
    assert "data-rostra-theme" not in hostile and "data-rostra-lang" not in hostile


def test_demo_story_is_found_when_the_server_moved(make_server):
    """The demo thread was created on another port: /demo still embeds that story, with its comments."""
    server = make_server(demo=True, port=9123)
    create_demo(server.runtime)
    client = server.reader()
    assert 'data-rostra-url="http://127.0.0.1:9123/demo"' in client.get("/demo").text
    story = client.post("/api/v1/stories", json={"url": "http://127.0.0.1:9123/demo"}).json()
    assert story["comment_count"] == 11


def test_demo_thread_gives_a_new_moderator_held_and_reported_comments(make_server):
    """The shipped engine holds the demo's abusive comments with its own reasons and spans; readers
    see none of them, and one shown comment waits in Reported with the reader's reason."""
    server = make_server(demo=True, real_engine=True)
    story_id = create_demo(server.runtime)
    pending = list_queue(server.runtime.store, "pending")["items"]
    assert sorted(item["body_markdown"] for item in pending) == sorted(text for _, text, _ in DEMO_HELD)
    by_author = {item["author"]["name"]: item for item in pending}
    insult = by_author["Kev_77"]
    assert "insult" in {reason["attribute"] for reason in insult["reasons"]}
    assert [piece["text"] for piece in insult["highlighted"] if piece["attribute"]] == ["fuckwad"]
    assert insult["parent"]["author_name"] == "Sam Whitfield"
    assert "coded_hate" in {reason["attribute"] for reason in by_author["Northside Patriot"]["reasons"]}
    assert "spam" in {reason["attribute"] for reason in by_author["Jobs Desk"]["reasons"]}
    assert "off_topic" in {reason["attribute"] for reason in by_author["TRUTH SEEKER"]["reasons"]}
    assert all(reason["attribute"] != "premoderation" for item in pending for reason in item["reasons"])
    shown = server.reader().get(f"/api/v1/stories/{story_id}/comments", params={"limit": 100}).text
    assert all(text[:20] not in shown for _, text, _ in DEMO_HELD)
    reported = list_queue(server.runtime.store, "reported")["items"]
    index, reason, note = DEMO_REPORT
    assert [item["body_markdown"] for item in reported] == [DEMO_COMMENTS[index][1]]
    assert [(report["reason"], report["note"]) for report in reported[0]["reports"]] == [(reason, note)]


def test_demo_without_demo_story_uses_its_own_address(server):
    assert 'data-rostra-url="http://testserver/demo"' in server.reader().get("/demo").text


@pytest.mark.parametrize("name", ["embed.js", "count.js"])
def test_bundles_are_served_with_validators(server, name):
    client = server.reader()
    first = client.get(f"/{name}")
    assert first.status_code == 200 and first.headers["content-encoding"] == "gzip"
    assert first.headers["content-type"].startswith("text/javascript")
    assert first.content.startswith(b"/* Rostra reader widget")  # httpx undid the gzip
    plain = client.get(f"/{name}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == first.content
    again = client.get(f"/{name}", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_listen_origin_may_embed_only_with_the_demo(make_server):
    with_demo = make_server(demo=True, port=9124).reader()
    assert with_demo.post("/api/v1/stories", json={"url": "http://127.0.0.1:9124/x"}).status_code == 201
    without = make_server(demo=False, port=9125).reader()
    assert without.post("/api/v1/stories", json={"url": "http://127.0.0.1:9125/x"}).status_code == 403
    assert without.post("/api/v1/stories", json={"url": f"{ORIGIN}/x"}).status_code == 201
