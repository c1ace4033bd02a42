"""A site's own login: a JWT signed with the site's secret signs its reader in; forgeries are refused."""

import time

import jwt
import pytest
from server_support import listing, post

from rostra.actions.sites import update_site_settings

SECRET = "the-site-shared-secret-0123456789abcdef"


@pytest.fixture
def sso_story(server, story):
    update_site_settings(server.runtime, server.runtime.default_site_id, {"sso_secret": SECRET}, "test")
    return story


def token(secret: str = SECRET, **claims) -> str:
    body = {"sub": "reader-42", "name": "Ada Lovelace", "email": "ada@example.org", "exp": int(time.time()) + 300}
    return jwt.encode({**body, **claims}, secret, algorithm="HS256")


def test_token_signs_the_reader_in_and_names_their_comments(server, client, sso_story):
    answer = client.post("/api/v1/sso", json={"story_id": sso_story["id"], "token": token()})
    assert answer.status_code == 200, answer.text
    assert answer.json()["account"]["display_name"] == "Ada Lovelace"
    assert client.get("/api/v1/session").json()["account"]["display_name"] == "Ada Lovelace"
    comment = post(client, sso_story["id"], "Signed in by my newspaper", author_name="Someone else").json()
    assert comment["author"] == {"name": "Ada Lovelace", "registered": True}


def test_the_same_reader_again_is_the_same_account_with_a_new_name(server, client, sso_story):
    first = client.post("/api/v1/sso", json={"story_id": sso_story["id"], "token": token()}).json()
    post(client, sso_story["id"], "Before I married")
    other_browser = server.reader()
    again = other_browser.post("/api/v1/sso", json={"story_id": sso_story["id"], "token": token(name="Ada King")})
    assert again.json()["account"]["id"] == first["account"]["id"]
    [comment] = listing(other_browser, sso_story["id"])["items"]
    assert comment["author"]["name"] == "Ada King" and comment["own"] is True


@pytest.mark.parametrize("forged", [
    token(secret="some-other-secret-0123456789abcdef"),
    token(exp=int(time.time()) - 3600),
    token(sub=""),
    token(name=""),
    token()[:-4] + ("AAAA" if not token().endswith("AAAA") else "BBBB"),  # signature tampered with
    "not-a-token",
    jwt.encode({"sub": "x", "name": "X"}, SECRET, algorithm="HS256"),  # no expiry
])
def test_forged_or_expired_tokens_are_refused(client, sso_story, forged):
    answer = client.post("/api/v1/sso", json={"story_id": sso_story["id"], "token": forged})
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == "token"
    assert client.get("/api/v1/session").json()["account"] is None


def test_unsigned_algorithm_is_refused(client, sso_story):
    unsigned = jwt.encode({"sub": "x", "name": "X", "exp": int(time.time()) + 60}, None, algorithm="none")
    assert client.post("/api/v1/sso", json={"story_id": sso_story["id"], "token": unsigned}).status_code == 401


def test_a_site_without_a_secret_refuses_sign_on(client, story):
    answer = client.post("/api/v1/sso", json={"story_id": story["id"], "token": token()})
    assert answer.status_code == 403 and answer.json()["field"] == "token"


def test_sign_on_accounts_cannot_sign_in_with_a_password(server, client, sso_story):
    account = client.post("/api/v1/sso", json={"story_id": sso_story["id"], "token": token()}).json()["account"]
    attempt = server.reader().post("/api/v1/session", json={"username": account["username"], "password": "!single-sign-on"})
    assert attempt.status_code == 401
