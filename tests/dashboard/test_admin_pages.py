"""The /admin pages over HTTP: sign-in form, who may see them, what they show, and their forms."""

import re

from dashboard_support import STAFF_PASSWORD
from server_support import ORIGIN, post

from sqlalchemy import select

from rostra.actions.accounts import create_staff
from rostra.store.tables import comments

XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>'


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in_by_form(client, email: str, password: str = STAFF_PASSWORD):
    form = client.get("/admin/login")
    assert form.status_code == 200
    return client.post("/admin/login", data={"email": email, "password": password, "csrf_token": csrf_of(form.text),
                                             "next": "/admin"}, follow_redirects=False)


def test_guests_are_sent_to_sign_in_and_readers_refused(dashboard):
    guest = dashboard.client()
    for path in ("/admin", "/admin/log", "/admin/stories", "/admin/settings", "/admin/authors/1", "/admin/password"):
        response = guest.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/admin/login?next=")
    assert guest.get("/admin/events").status_code == 401
    assert guest.post("/admin/act", data={"action": "approve", "comment_ids": "1"},
                      follow_redirects=False).status_code == 303
    reader = dashboard.client()
    reader.post("/api/v1/accounts", json={"username": "rita", "password": "long enough"})
    for path in ("/admin", "/admin/log", "/admin/stories", "/admin/settings"):
        assert reader.get(path).status_code == 403
    moderator = dashboard.staff()
    assert moderator.get("/admin/settings").status_code == 403  # admins only


def test_sign_in_form_needs_its_csrf_token_and_the_right_password(dashboard):
    create_staff(dashboard.store, "ada@news.example", "moderator", STAFF_PASSWORD)
    browser = dashboard.client()
    browser.get("/admin/login")
    forged = browser.post("/admin/login", data={"email": "ada@news.example", "password": STAFF_PASSWORD,
                                                "csrf_token": "guess"}, follow_redirects=False)
    assert forged.status_code == 403
    assert sign_in_by_form(browser, "ada@news.example", "wrong").status_code == 401
    signed_in = sign_in_by_form(browser, "ada@news.example")
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/admin"
    assert "Pending" in browser.get("/admin").text
    offsite = browser.get("/admin/login", params={"next": "https://evil.example/"})
    assert 'value="/admin"' in offsite.text


def test_queue_page_highlights_spans_and_renders_hostile_text_inert(dashboard, reader):
    story = reader.post("/api/v1/stories", json={"url": f"{ORIGIN}/news/x", "title": f"Title {XSS}"}).json()
    held = post(reader, story["id"], f"{XSS} you [hold] {XSS}", author_name=f"Eve {XSS}").json()
    reporter = dashboard.client()
    visible = post(reader, story["id"], "fine").json()
    reporter.post(f"/api/v1/comments/{visible['id']}/reports", json={"reason": "other", "note": f"note {XSS}"})
    moderator = dashboard.staff()
    author_id = moderator.get(f"/api/v1/moderation/comments/{held['id']}").json()["author"]["id"]
    for path in ("/admin", "/admin?queue=reported", "/admin/log", "/admin/stories", f"/admin/authors/{author_id}",
                 f"/admin/authors/{author_id}?fragment=1", f"/admin/cards?ids={held['id']}"):
        html = moderator.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
    page = moderator.get("/admin").text
    assert '<mark class="span" title="toxicity">[hold]</mark>' in page
    assert "toxicity 0.70: &#39;[hold]&#39;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "note &lt;script&gt;" in moderator.get("/admin?queue=reported").text


def test_card_form_acts_only_with_the_session_csrf_token(dashboard, reader, story):
    held = post(reader, story["id"], "borderline [hold]").json()
    moderator = dashboard.staff()
    token = csrf_of(moderator.get("/admin").text)
    refused = moderator.post("/admin/act", data={"action": "approve", "comment_ids": str(held["id"])})
    assert refused.status_code == 403
    done = moderator.post("/admin/act", data={"action": "approve", "comment_ids": str(held["id"]), "csrf_token": token,
                                              "back": "/admin"}, follow_redirects=False)
    assert done.status_code == 303
    assert moderator.get(f"/api/v1/moderation/comments/{held['id']}").json()["status"] == "approved"
    moderator.post("/admin/act", data={"action": "undo", "csrf_token": token})
    assert moderator.get(f"/api/v1/moderation/comments/{held['id']}").json()["status"] == "pending"
    moderator.post("/admin/act", data={"action": "edit", "comment_ids": str(held["id"]), "text": "borderline, edited",
                                       "csrf_token": token})
    assert moderator.get(f"/api/v1/moderation/comments/{held['id']}").json()["body_html"] == "<p>borderline, edited</p>"


def test_logout_form_ends_the_session_for_the_old_cookie_too(dashboard):
    moderator = dashboard.staff()
    old_cookie = moderator.cookies["rostra_session"]
    token = csrf_of(moderator.get("/admin").text)
    assert moderator.post("/admin/logout", data={"csrf_token": "wrong"}).status_code == 403
    assert moderator.post("/admin/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = dashboard.client(cookie=f"rostra_session={old_cookie}")
    assert replay.get("/admin", follow_redirects=False).status_code == 303
    assert replay.get("/api/v1/moderation/queue").status_code == 401


def test_stories_page_closes_corrects_and_premoderates(dashboard, reader, story):
    post(reader, story["id"], "one [hold]")
    moderator = dashboard.staff()
    page = moderator.get("/admin/stories").text
    assert "Council budget" in page
    token = csrf_of(page)
    path = f"/admin/stories/{story['id']}"
    assert moderator.post(path, data={"premoderated": "1"}).status_code == 403  # no CSRF token
    moderator.post(path, data={"premoderated": "1", "csrf_token": token})
    assert post(reader, story["id"], "perfectly nice").json()["status"] == "pending"
    moderator.post(path, data={"title": "Council budget, corrected", "csrf_token": token})
    assert reader.get(f"/api/v1/stories/{story['id']}").json()["title"] == "Council budget, corrected"
    moderator.post(path, data={"closed": "1", "csrf_token": token})
    assert post(reader, story["id"], "late").status_code == 409
    audit = moderator.get("/admin/log?view=audit").text
    assert "story.changed" in audit and "Council budget, corrected" in audit


def test_settings_change_applies_at_once_and_is_logged(dashboard, reader, story):
    admin = dashboard.staff("admin")
    page = admin.get("/admin/settings").text
    token = csrf_of(page)
    site_id = re.search(r'name="site_id" value="(\d+)"', page).group(1)
    saved = admin.post("/admin/settings", data={"csrf_token": token, "site_id": site_id,
                                                 "allowed_origins": ORIGIN, "suspect_words": "referendum",
                                                 "premoderation": "none", "edit_window_seconds": "60"},
                       follow_redirects=False)
    assert saved.status_code == 303, saved.text
    site = dashboard.app.state.runtime.site(int(site_id))  # what the next comment is moderated under
    assert site.policy.suspect_words == ("referendum",) and site.edit_window_seconds == 60
    assert "referendum</textarea>" in admin.get("/admin/settings").text
    audit = admin.get("/admin/log?view=audit").text
    assert "site.settings" in audit and "referendum" in audit
    bad = admin.post("/admin/settings", data={"csrf_token": token, "site_id": site_id, "allowed_origins": ORIGIN,
                                               "threshold_insult": "7"})
    assert bad.status_code == 422 and "insult" in bad.text


def test_test_box_shows_decision_scores_and_spans(dashboard):
    admin = dashboard.staff("admin")
    page = admin.get("/admin/settings", params={"test": "well [reject] that"}).text
    assert "Decision: <strong>reject</strong>" in page
    assert '<mark class="span" title="toxicity">[reject]</mark>' in page


def test_static_assets_are_served_from_the_package(dashboard):
    client = dashboard.client()
    script = client.get("/admin/static/dashboard.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "EventSource" in script.text
    assert client.get("/admin/static/../pages.py").status_code == 404


def test_pages_need_no_inline_script_or_style(dashboard, reader, story):
    """What a CSP allowing only Rostra's own origin needs: every script and style is a file."""
    post(reader, story["id"], "held [hold]")
    admin = dashboard.staff("admin")
    pages = ["/admin", "/admin?queue=all", "/admin/log", "/admin/log?view=audit", "/admin/stories",
             "/admin/settings", "/admin/settings?test=hello", "/admin/password"]
    anonymous = dashboard.client()
    for path in pages + ["/admin/login"]:
        html = (anonymous if path == "/admin/login" else admin).get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html), path


def test_the_drawer_shows_trust_and_suspends_an_author_rejecting_their_comments_in_one_form(dashboard, reader, story):
    shown = post(reader, story["id"], "A first comment").json()
    held = post(reader, story["id"], "you are a [hold] person").json()
    moderator = dashboard.staff()
    with dashboard.store.read() as connection:
        author_id = connection.execute(select(comments.c.author_id).where(comments.c.id == shown["id"])).scalar_one()
    drawer = moderator.get(f"/admin/authors/{author_id}")
    assert 'class="sanction-form"' in drawer.text
    assert "Trust: TL1 basic</strong> — 1 approved comment" in drawer.text  # what the level means
    assert "every held comment waits for a moderator" in drawer.text
    without_token = moderator.post(f"/admin/authors/{author_id}/sanctions",
                                   data={"kind": "suspension", "days": "2", "reason": "insults"})
    assert without_token.status_code == 403
    answer = moderator.post(f"/admin/authors/{author_id}/sanctions", follow_redirects=False, data={
        "csrf_token": csrf_of(drawer.text), "kind": "suspension", "days": "2", "reason": "insults",
        "reject_comments": "on"})
    assert answer.status_code == 303
    refused = post(reader, story["id"], "And another thing")
    assert refused.status_code == 403 and refused.json()["sanction"]["kind"] == "suspension"
    assert reader.get(f"/api/v1/stories/{story['id']}/comments").json()["items"] == []
    assert {item["id"] for item in moderator.get("/api/v1/moderation/queue?queue=rejected").json()["items"]} == {
        shown["id"], held["id"]}
    drawer = moderator.get(f"/admin/authors/{author_id}").text
    assert "suspension" in drawer
    assert "Trust: TL0 new</strong>" in drawer and "an active sanction holds them at TL0" in drawer
