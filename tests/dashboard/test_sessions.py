"""Server-side sessions, staff accounts, API tokens, CSRF and roles, through the real app over HTTP."""

import subprocess
import sys
from pathlib import Path

from dashboard_support import STAFF_PASSWORD
from server_support import ORIGIN, post

from rostra.actions.accounts import create_staff, set_role
from rostra.api.deps import SESSION_COOKIE

QUEUE = "/api/v1/moderation/queue"


def held_comment(reader, story) -> dict:
    response = post(reader, story["id"], "you are a [hold] person")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    return response.json()


def approve(client, comment_id: int, **headers):
    return client.post("/api/v1/moderation/actions", json={"action": "approve", "comment_ids": [comment_id]},
                       headers=headers)


def test_staff_signs_in_by_email_and_the_cookie_holds_no_account_number(dashboard):
    create_staff(dashboard.store, "Ada@News.example", "moderator", STAFF_PASSWORD)
    browser = dashboard.client()
    session = dashboard.sign_in(browser, "ada@news.example")
    assert session["account"]["role"] == "moderator" and session["account"]["username"] == "ada"
    assert browser.get("/api/v1/session").json()["account"]["username"] == "ada"
    cookie = browser.cookies[SESSION_COOKIE]
    payload = dashboard.app.state.runtime.signer.loads(cookie)
    assert set(payload) == {"g", "s"} and len(payload["s"]) >= 40


def test_logout_ends_the_session_even_for_a_copied_cookie(dashboard, reader, story):
    comment = held_comment(reader, story)
    moderator = dashboard.staff()
    copied = dashboard.client(cookie=f"{SESSION_COOKIE}={moderator.cookies[SESSION_COOKIE]}",
                              **{"X-CSRF-Token": moderator.headers["X-CSRF-Token"]})
    assert copied.get(QUEUE).status_code == 200
    assert moderator.delete("/api/v1/session").status_code == 204
    assert moderator.get(QUEUE).status_code == 401
    assert copied.get(QUEUE).status_code == 401
    assert approve(copied, comment["id"]).status_code == 401
    assert copied.get("/api/v1/session").json()["account"] is None


def test_forged_or_legacy_account_cookie_is_a_guest_never_an_error(dashboard):
    signer = dashboard.app.state.runtime.signer
    legacy = dashboard.client(cookie=f"{SESSION_COOKIE}={signer.dumps({'g': 'someone', 'a': 1})}")
    assert legacy.get("/api/v1/session").json()["account"] is None
    assert legacy.get(QUEUE).status_code == 401
    unknown = dashboard.client(cookie=f"{SESSION_COOKIE}={signer.dumps({'g': 'someone', 's': 'no-such-session'})}")
    assert unknown.get(QUEUE).status_code == 401
    assert unknown.get("/api/v1/session").status_code == 200


def test_password_change_signs_out_every_other_session(dashboard):
    create_staff(dashboard.store, "grace@news.example", "moderator", STAFF_PASSWORD)
    laptop, phone = dashboard.client(), dashboard.client()
    dashboard.sign_in(laptop, "grace@news.example")
    dashboard.sign_in(phone, "grace@news.example")
    response = laptop.post("/api/v1/session/password",
                           json={"current_password": STAFF_PASSWORD, "new_password": "an even longer one"})
    assert response.status_code == 200
    laptop.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    assert laptop.get(QUEUE).status_code == 200
    assert phone.get(QUEUE).status_code == 401
    wrong = laptop.post("/api/v1/session/password", json={"current_password": "nope", "new_password": "whatever123"})
    assert wrong.status_code == 401 and wrong.json()["field"] == "current_password"


def test_admin_signs_an_account_out_everywhere_and_moderators_may_not(dashboard):
    moderator = dashboard.staff("moderator", "mod@news.example")
    admin = dashboard.staff("admin")
    account_id = moderator.get("/api/v1/session").json()["account"]["id"]
    assert moderator.delete(f"/api/v1/admin/accounts/{account_id}/sessions").status_code == 403
    response = admin.delete(f"/api/v1/admin/accounts/{account_id}/sessions")
    assert response.status_code == 200 and response.json()["ended"] == 1
    assert moderator.get(QUEUE).status_code == 401
    assert admin.delete("/api/v1/admin/accounts/999999/sessions").status_code == 404


def test_cookie_authenticated_change_needs_the_csrf_token(dashboard, reader, story):
    comment = held_comment(reader, story)
    moderator = dashboard.staff()
    token = moderator.headers.pop("X-CSRF-Token")
    refused = approve(moderator, comment["id"])
    assert refused.status_code == 403 and refused.json()["field"] == "csrf_token"
    assert approve(moderator, comment["id"], **{"X-CSRF-Token": "wrong"}).status_code == 403
    assert moderator.get(f"/api/v1/moderation/comments/{comment['id']}").json()["status"] == "pending"
    assert approve(moderator, comment["id"], **{"X-CSRF-Token": token}).status_code == 200


def test_readers_and_guests_are_refused_every_moderator_route(dashboard, reader, story):
    comment = held_comment(reader, story)
    registered = dashboard.client()
    assert registered.post("/api/v1/accounts", json={"username": "rita", "password": "long enough"}).status_code == 201
    registered.headers["X-CSRF-Token"] = registered.get("/api/v1/session").json()["csrf_token"]
    routes = [
        ("get", QUEUE, None), ("get", f"/api/v1/moderation/comments/{comment['id']}", None),
        ("post", "/api/v1/moderation/actions", {"action": "approve", "comment_ids": [comment["id"]]}),
        ("post", "/api/v1/moderation/undo", None), ("get", "/api/v1/moderation/log", None),
        ("get", "/api/v1/moderation/authors/1/profile", None), ("post", "/api/v1/moderation/authors/1/notes", {"body": "x"}),
        ("post", "/api/v1/moderation/test", {"text": "hello"}),
        ("post", f"/api/v1/comments/{comment['id']}/moderation", {"status": "approved"}),
        ("delete", "/api/v1/admin/accounts/1/sessions", None),
    ]
    for method, path, body in routes:
        for who, expected in ((reader, 401), (registered, 403)):
            response = who.request(method.upper(), path, json=body)
            assert response.status_code == expected, (method, path, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
    assert reader.get(f"/api/v1/comments/{comment['id']}").status_code == 200  # the author's own
    assert registered.get(f"/api/v1/comments/{comment['id']}").status_code == 404


def test_api_token_works_without_cookie_or_csrf_and_stops_when_revoked(dashboard, reader, story):
    from rostra.actions.sessions import create_api_token, revoke_api_token

    comment = held_comment(reader, story)
    created = create_staff(dashboard.store, "bot@news.example", "moderator", STAFF_PASSWORD)
    token, secret = create_api_token(dashboard.store, created["id"], "triage script")
    script = dashboard.client(authorization=f"Bearer {secret}")
    assert script.get(QUEUE).json()["items"][0]["id"] == comment["id"]
    assert approve(script, comment["id"]).json()[0]["status"] == "approved"
    revoke_api_token(dashboard.store, created["id"], str(token.id))
    assert script.get(QUEUE).status_code == 401
    assert dashboard.client(authorization="Bearer rostra_pat_made-up").get(QUEUE).status_code == 401
    assert dashboard.client(authorization="Basic abc").get(QUEUE).status_code == 401


def test_login_attempts_are_rate_limited(make_dashboard):
    dashboard = make_dashboard()
    create_staff(dashboard.store, "eve@news.example", "moderator", STAFF_PASSWORD)
    browser = dashboard.client()
    codes = [browser.post("/api/v1/session", json={"username": "eve@news.example", "password": "guess"}).status_code
             for _ in range(8)]
    assert codes[:6] == [401] * 6 and codes[-1] == 429
    limited = browser.post("/api/v1/session", json={"username": "eve@news.example", "password": STAFF_PASSWORD})
    assert limited.status_code == 429 and "Retry-After" in limited.headers


def test_role_change_ends_sessions_and_reader_is_refused(dashboard):
    moderator = dashboard.staff("moderator", "ex@news.example")
    set_role(dashboard.store, "ex@news.example", "reader")
    assert moderator.get(QUEUE).status_code == 401
    dashboard.sign_in(moderator, "ex@news.example")
    assert moderator.get(QUEUE).status_code == 403


def test_admin_cli_creates_staff_and_prints_a_token(database, tmp_path):
    def rostra(*args, stdin=""):
        command = Path(sys.executable).parent / "rostra"
        return subprocess.run([str(command), "admin", "--database-url", database.url, *args],
                              input=stdin, capture_output=True, text=True, timeout=120)

    created = rostra("create", "lin@news.example", "--role", "admin", "--password-stdin", stdin="pass phrase 42\n")
    assert created.returncode == 0, created.stderr
    assert "created admin lin@news.example" in created.stdout
    again = rostra("create", "lin@news.example", "--password-stdin", stdin="pass phrase 42\n")
    assert again.returncode == 1 and "exists" in again.stderr and "Traceback" not in again.stderr
    short = rostra("create", "new@news.example", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "password" in short.stderr
    token = rostra("token", "lin@news.example", "--name", "triage")
    assert token.returncode == 0 and token.stdout.startswith("rostra_pat_")
    listed = rostra("token", "lin@news.example", "--list")
    assert "triage" in listed.stdout and "active" in listed.stdout
    assert rostra("token", "nobody@news.example").returncode == 1


def test_origin_check_still_guards_reader_writes(dashboard, story):
    stranger = dashboard.client(origin="https://evil.example")
    assert post(stranger, story["id"], "hi").status_code == 403
    assert post(dashboard.client(origin=ORIGIN), story["id"], "hi").status_code == 201


def test_ended_sessions_are_pruned_and_open_ones_kept(dashboard):
    from sqlalchemy import func, select

    from rostra.actions.sessions import prune_sessions
    from rostra.store.tables import sessions

    kept = dashboard.staff()
    ended = dashboard.staff()
    assert ended.delete("/api/v1/session").status_code == 204
    assert prune_sessions(dashboard.store) == 1
    with dashboard.store.read() as connection:
        assert connection.execute(select(func.count()).select_from(sessions)).scalar_one() == 1
    assert kept.get(QUEUE).status_code == 200


def test_a_cookie_from_another_database_signs_nobody_in_and_still_writes_as_a_guest(make_dashboard, tmp_path):
    """Issue 11, finding 4: the same data folder (and so the same signing key) pointed at a new
    database, where another account now has the same id, must not let an old cookie in; a write
    with that cookie is a guest's, never a 500."""
    first = make_dashboard()
    cookie = first.staff().cookies[SESSION_COOKIE]
    second = make_dashboard(database_url=f"sqlite:///{tmp_path / 'another.db'}")
    second.staff()  # account 1 of the new database
    stranger = second.client(cookie=f"{SESSION_COOKIE}={cookie}")
    assert stranger.get("/api/v1/session").json()["account"] is None
    assert stranger.get(QUEUE).status_code == 401
    story = stranger.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/old-cookie", "title": "Budget"})
    assert story.status_code == 201, story.text
    written = post(stranger, story.json()["id"], "Where does the money go?")
    assert written.status_code == 201, written.text
    assert written.json()["author"]["registered"] is False
