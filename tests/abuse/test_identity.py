"""A guest's identity survives a lost cookie through the browser key the widget keeps."""

from __future__ import annotations

from server_support import post

BROWSER_KEY = "bk-fedcba9876543210fedc"


def test_the_browser_key_gives_a_guest_who_lost_the_cookie_their_identity_back(make_server):
    server = make_server()
    story = server.story()
    first = post(server.reader(), story, "Where does the money go?", browser_key=BROWSER_KEY).json()
    liked = post(server.reader("198.51.100.3"), story, "A comment worth liking").json()

    cookieless = server.reader()  # the same browser after clearing cookies
    second = post(cookieless, story, "And who decided?", browser_key=BROWSER_KEY)
    assert second.status_code == 201
    edited = cookieless.patch(f"/api/v1/comments/{first['id']}", json={"body": "Where does the money go, exactly?"})
    assert edited.status_code == 200 and edited.json()["own"] is True

    reacting = [server.reader(**{"X-Rostra-Browser-Key": BROWSER_KEY}) for _ in range(3)]
    counts = [r.put(f"/api/v1/comments/{liked['id']}/reaction", json={"kind": "like"}).json()["reaction_count"]
              for r in reacting]
    assert counts == [1, 1, 1]  # one reader, one reaction, however many cookies they drop


def test_without_the_key_a_cookieless_guest_is_someone_new(make_server):
    server = make_server()
    story = server.story()
    first = post(server.reader(), story, "Where does the money go?", browser_key=BROWSER_KEY).json()
    stranger = server.reader()
    assert stranger.patch(f"/api/v1/comments/{first['id']}", json={"body": "hijacked"}).status_code == 403


def test_a_reader_dropping_the_cookie_gets_only_a_few_reactions_from_one_address(make_server):
    server = make_server()
    story = server.story()
    liked = post(server.reader("198.51.100.3"), story, "A comment worth liking").json()
    answers = [server.reader("203.0.113.80").put(f"/api/v1/comments/{liked['id']}/reaction", json={"kind": "like"})
               for _ in range(9)]  # nine cookie jars, one address
    assert [answer.status_code for answer in answers] == [200] * 3 + [409] * 6
    assert answers[2].json()["reaction_count"] == 3
    assert server.reader("198.51.100.4").put(f"/api/v1/comments/{liked['id']}/reaction",
                                             json={"kind": "like"}).json()["reaction_count"] == 4
