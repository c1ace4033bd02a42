"""The reader widget in headless Chromium: reading the demo, writing, holds and the nudge, paging a
big thread, hostile host pages, the XSS corpus and the keyboard."""

from __future__ import annotations

import re

import httpx
import pytest
from browser_support import ARTIFACTS, save_screenshot
from playwright.sync_api import expect
from widget_support import WIDGET, host_page, seed_thread, watch_errors, widget_server

from server_support import post
from test_render import XSS_VECTORS


PAGE_SIZE = 20  # the widget's top-level comments per page


@pytest.fixture
def live_server(start_live_server):
    """These tests' server: the demo thread, and the fake engine so a test decides what is held."""
    return widget_server(start_live_server)


@pytest.fixture
def page(new_page):
    return watch_errors(new_page())


def comment(page, text: str):
    """The comment whose own text (not a reply's) contains `text`."""
    return page.locator(f"{WIDGET} li.comment").filter(
        has=page.locator(":scope > article > .body", has_text=text)).first


def test_demo_page_renders_the_thread(live_server, new_page):
    for scheme in ("light", "dark"):
        page = watch_errors(new_page(color_scheme=scheme))
        page.goto(live_server.url + "/demo")
        expect(page.locator(f"{WIDGET} h2")).to_have_text("11 comments")
        expect(comment(page, "I take the 31 to the hospital")).to_be_visible()
        expect(page.locator(f"{WIDGET} .deleted")).to_have_text("This comment was deleted.")
        expect(comment(page, "Students at Northgate College")).to_be_visible()  # a reply kept under it
        expect(page.locator(f"{WIDGET} time").first).to_have_attribute("title", re.compile(r"\d{4}"))
        save_screenshot(page, f"demo-{scheme}")
        ARTIFACTS.mkdir(exist_ok=True)  # the widget alone, as docs/widget-*.png shows it
        page.locator(WIDGET).screenshot(path=str(ARTIFACTS / f"widget-{scheme}.png"))
        assert page.errors == []


def test_reader_posts_replies_edits_reacts_and_reports(live_server, page):
    host_page(page, live_server, "/news/budget")
    widget = page.locator(WIDGET)
    widget.get_by_label("Your name").fill("Ada")
    widget.get_by_label("Your comment").fill("Where does the *money* go?")
    widget.get_by_role("button", name="Post comment").click()
    mine = comment(page, "Where does the money go?")
    expect(mine.locator("em")).to_have_text("money")
    expect(widget.locator("h2")).to_have_text("1 comment")

    mine.get_by_role("button", name="Reply").click()
    mine.get_by_label("Your reply to Ada").fill("Into the depot, apparently.")
    mine.get_by_role("button", name="Post reply").click()
    reply = comment(page, "Into the depot")
    expect(reply).to_be_visible()
    expect(mine.locator(":scope > ol.replies")).to_contain_text("Into the depot")

    reply.get_by_role("button", name="Edit").first.click()
    editor = reply.get_by_label("Edit")
    expect(editor).to_have_value("Into the depot, apparently.")
    editor.fill("Into the bus depot, apparently.")
    reply.get_by_role("button", name="Save").click()
    reply = comment(page, "Into the bus depot")
    expect(reply.locator(".body")).to_have_text("Into the bus depot, apparently.")
    expect(reply.locator(".edited").first).to_be_visible()

    other = page.context.browser.new_context().new_page()
    host_page(other, live_server, "/news/budget")
    theirs = comment(other, "Where does the money go?")
    theirs.locator(":scope > article .like").click()
    expect(theirs.locator(":scope > article .likes")).to_have_text("1")
    expect(theirs.locator(":scope > article .like")).to_have_attribute("aria-pressed", "true")
    expect(theirs.locator(":scope > article .like")).to_contain_text("Liked")
    theirs.locator(":scope > article").get_by_role("button", name="Report").click()
    theirs.get_by_label("Reason").select_option("spam")
    theirs.get_by_role("button", name="Send report").click()
    expect(theirs).to_contain_text("A moderator will look at it.")

    reply.get_by_role("button", name="Delete").first.click()
    reply.get_by_role("button", name="Yes, delete").click()
    expect(mine.locator(":scope > ol.replies .deleted")).to_have_text("This comment was deleted.")
    other.context.close()
    assert page.errors == []


def test_nudge_then_awaiting_moderation_for_the_author_only(live_server, page, new_page):
    host_page(page, live_server, "/news/held")
    widget = page.locator(WIDGET)
    text = "Honestly, you are [hold] and everyone knows it"
    widget.get_by_label("Your comment").fill(text)
    widget.get_by_role("button", name="Post comment").click()
    nudge = widget.locator(".nudge")
    expect(nudge).to_contain_text("this may be read as toxic")
    expect(nudge.locator("mark")).to_have_text("[hold]")
    expect(widget.locator(".backdrop mark")).to_have_text("[hold]")  # highlighted in the text box
    save_screenshot(page, "nudge")
    widget.get_by_role("button", name="Post anyway").click()
    held = comment(page, "everyone knows it")
    expect(held.locator(".notice")).to_contain_text("Awaiting moderation")
    expect(held.locator(".notice")).to_contain_text("held because toxic")
    expect(widget.locator("h2")).to_have_text("0 comments")

    page.reload()
    expect(comment(page, "everyone knows it").locator(".notice")).to_contain_text("Awaiting moderation")

    stranger = new_page()
    host_page(stranger, live_server, "/news/held")
    expect(stranger.locator(f"{WIDGET} .empty")).to_be_visible()
    expect(stranger.locator(WIDGET)).not_to_contain_text("everyone knows it")


def test_a_fine_comment_posts_without_a_nudge(live_server, page):
    host_page(page, live_server, "/news/fine")
    widget = page.locator(WIDGET)
    widget.get_by_label("Your comment").fill("A thoughtful piece, thank you.")
    widget.get_by_role("button", name="Post comment").click()
    expect(comment(page, "A thoughtful piece")).to_be_visible()
    expect(widget.locator(".nudge")).to_be_hidden()


def test_big_thread_first_paint_fetches_one_page(live_server, page):
    story_id = seed_thread(live_server, live_server.url + "/news/big", 5000, replies_to_first=25)
    listings = []
    page.on("response", lambda response: listings.append(response)
            if f"/stories/{story_id}/comments" in response.url else None)
    host_page(page, live_server, "/news/big")
    widget = page.locator(WIDGET)
    expect(widget.locator("h2")).to_have_text("5,025 comments")
    expect(widget.locator(".thread > li.comment")).to_have_count(20)
    assert len(listings) == 1
    first_bytes = len(listings[0].body())
    assert first_bytes < 40_000, first_bytes

    widget.get_by_role("button", name="Load more comments").click()
    expect(widget.locator(".thread > li.comment")).to_have_count(40)
    assert len(listings) == 2

    oldest = page.locator(f"{WIDGET} select")
    oldest.select_option("oldest")
    first = comment(page, "Seeded comment 0")
    expect(first.locator(":scope > ol.replies > li")).to_have_count(3)
    first.get_by_role("button", name="Show 22 more replies").click()
    expect(first.locator(":scope > ol.replies > li")).to_have_count(13)
    first.get_by_role("button", name="Show 12 more replies").click()
    expect(first.locator(":scope > ol.replies > li")).to_have_count(23)
    first.get_by_role("button", name="Show 2 more replies").click()
    expect(first.locator(":scope > ol.replies > li")).to_have_count(25)
    expect(first.get_by_role("button", name=re.compile("more repl"))).to_have_count(0)
    assert len(listings) == 6  # four pages and three reply pages, never the whole thread
    assert all(len(response.body()) < 40_000 for response in listings)


def test_deep_thread_continues_in_its_own_view(live_server, page):
    host_page(page, live_server, "/news/deep")
    with httpx.Client(base_url=live_server.url) as client:
        story_id = client.post("/api/v1/stories", json={"url": live_server.url + "/news/deep"}).json()["id"]
        parent = None
        for depth in range(7):
            parent = post(client, story_id, f"Level {depth} says", parent_id=parent).json()["id"]
    page.reload()
    widget = page.locator(WIDGET)
    expect(comment(page, "Level 2 says")).to_be_visible()
    widget.get_by_role("button", name="Show 1 more reply").click()
    expect(comment(page, "Level 4 says")).to_be_visible()
    widget.get_by_role("button", name="Continue this thread").click()
    expect(comment(page, "Level 5 says")).to_be_visible()
    widget.get_by_role("button", name="Show 1 more reply").click()
    expect(comment(page, "Level 6 says")).to_be_visible()
    expect(comment(page, "Level 0 says")).to_be_hidden()
    widget.get_by_role("button", name="Back to all comments").click()
    expect(comment(page, "Level 0 says")).to_be_visible()


HOSTILE_CSS = """<style>
* { display: block !important; color: red !important; font-size: 40px !important;
    background: yellow !important; visibility: visible !important; }
div, section, button, textarea { position: fixed !important; top: 0 !important; width: 10px !important; }
#rostra-thread * { display: none !important; }
html body #rostra-thread { font-family: "Comic Sans MS" !important; letter-spacing: 10px !important;
                           text-transform: uppercase !important; line-height: 5 !important; }
</style>"""


def test_hostile_host_css_does_not_break_the_widget(live_server, page):
    post_url = host_page(page, live_server, "/news/hostile", head=HOSTILE_CSS)
    widget = page.locator(WIDGET)
    widget.get_by_label("Your comment").fill("Still readable?")
    widget.get_by_role("button", name="Post comment").click()
    mine = comment(page, "Still readable?")
    expect(mine).to_be_visible()
    styles = mine.locator(".body").evaluate(
        "e => { const s = getComputedStyle(e); return [s.color, s.textTransform, s.letterSpacing, s.position, s.fontSize] }")
    assert styles[0] != "rgb(255, 0, 0)" and styles[1] == "none" and styles[2] == "normal"
    assert styles[3] == "static" and styles[4] == "16px"
    box = widget.get_by_role("button", name="Post comment").bounding_box()
    assert box["width"] > 60 and box["height"] > 20
    # and the widget's own styles stay inside it: the host page's text keeps the host's rules
    assert page.locator(".host-text").evaluate("e => getComputedStyle(e).color") == "rgb(255, 0, 0)"
    save_screenshot(page, "hostile-host-css")
    assert post_url.endswith("/news/hostile")


def test_xss_corpus_renders_inert(live_server, page):
    url = live_server.url + "/news/xss"
    with httpx.Client(base_url=live_server.url) as client:
        story_id = client.post("/api/v1/stories", json={"url": url}).json()["id"]
        statuses = []
        for vector in XSS_VECTORS:
            name = re.sub(r"[\x00-\x1f]", " ", vector)[:64]  # names refuse control characters
            answer = post(client, story_id, vector, author_name=name)
            assert answer.status_code == 201, answer.text
            statuses.append(answer.json()["status"])
    shown = statuses.count("approved")  # the abuse defences may hold a burst from one reader
    assert shown > len(XSS_VECTORS) // 2
    page.add_init_script("window.__xss = 0; window.alert = () => { window.__xss += 1 };")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    host_page(page, live_server, "/news/xss")
    widget = page.locator(WIDGET)
    expect(widget.locator("h2")).to_have_text(f"{shown} comments")
    for count in range(PAGE_SIZE, shown, PAGE_SIZE):
        expect(widget.locator(".thread > li.comment")).to_have_count(count)
        widget.get_by_role("button", name="Load more comments").click()
    expect(widget.locator(".thread > li.comment")).to_have_count(shown)
    for link in widget.locator(".body a").all():
        link.hover()
    page.wait_for_timeout(300)
    found = widget.evaluate("""host => {
        const root = host.shadowRoot;
        const bad = [...root.querySelectorAll('script, iframe, object, embed, style:not(:first-child), form, input[autofocus], base, meta, link')]
          .filter(e => !e.closest('.compose') && !e.closest('.report'));
        const handlers = [...root.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on')));
        const hrefs = [...root.querySelectorAll('[href]')].map(e => new URL(e.getAttribute('href'), location.href).protocol)
          .filter(protocol => !['http:', 'https:', 'mailto:'].includes(protocol));
        return {bad: bad.map(e => e.tagName), handlers: handlers.length, hrefs};
    }""")
    assert found == {"bad": [], "handlers": 0, "hrefs": []}
    assert page.evaluate("window.__xss") == 0 and dialogs == []
    assert comment(page, "<script>alert(1)</script>").count() >= 1  # names shown as text


def test_keyboard_only_posting(live_server, page):
    host_page(page, live_server, "/news/keyboard")
    widget = page.locator(WIDGET)
    expect(widget.get_by_label("Your comment")).to_be_visible()
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        label = page.evaluate("""() => { let e = document.activeElement; while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
                                         return e ? (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent) : null }""")
        focused.append(label)
        if label == "Your comment":
            break
    assert "Your comment" in focused
    outline = page.evaluate("""() => { const e = document.querySelector('#rostra-thread').shadowRoot.activeElement;
                                       return getComputedStyle(e).outlineStyle }""")
    assert outline != "none"
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")  # formatting help
    page.keyboard.press("Tab")  # name
    page.keyboard.type("Keys")
    page.keyboard.press("Tab")  # e-mail
    page.keyboard.press("Tab")  # post
    page.keyboard.press("Enter")
    mine = comment(page, "Typed without a mouse.")
    expect(mine).to_be_visible()
    expect(mine.locator(".author")).to_have_text("Keys")
    expect(widget.locator("[role=status]")).to_have_text("Your comment was posted.")


def test_french_catalogue_and_theme_override(live_server, page):
    page.goto(live_server.url + "/demo?lang=fr&theme=dark")
    widget = page.locator(WIDGET)
    expect(widget.locator("h2")).to_have_text("11 commentaires")
    expect(widget.get_by_role("button", name="Publier", exact=True)).to_be_visible()
    background = widget.locator("textarea").evaluate("e => getComputedStyle(e.parentElement).backgroundColor")
    assert background == "rgb(34, 38, 43)"


def test_a_second_page_receives_new_comments_live(live_server, page, new_page):
    reader = watch_errors(new_page())
    host_page(reader, live_server, "/news/live")
    expect(reader.locator(f"{WIDGET} .empty")).to_be_visible()
    host_page(page, live_server, "/news/live")
    widget = page.locator(WIDGET)
    widget.get_by_label("Your name").fill("Grace")
    for text in ("The first new comment", "The second new comment"):
        widget.get_by_label("Your comment").fill(text)
        widget.get_by_role("button", name="Post comment").click()
        expect(comment(page, text)).to_be_visible()
    banner = reader.locator(f"{WIDGET} .banner")
    expect(banner).to_have_text("2 new comments — show")
    expect(reader.locator(f"{WIDGET} [role=status]")).to_have_text("2 new comments")
    expect(reader.locator(f"{WIDGET} h2")).to_have_text("2 comments")
    banner.click()
    expect(comment(reader, "The second new comment")).to_be_visible()

    mine = comment(page, "The first new comment")
    mine.locator(":scope > article").get_by_role("button", name="Reply").click()
    mine.get_by_label("Your reply to Grace").fill("A live reply")
    mine.get_by_role("button", name="Post reply").click()
    expect(comment(reader, "The first new comment").locator(":scope > ol.replies")).to_contain_text("A live reply")

    comment(reader, "The first new comment").locator(":scope > article .like").click()
    expect(mine.locator(":scope > article .likes")).to_have_text("1")
    held = "Now [hold] this"
    widget.get_by_label("Your comment").fill(held)
    widget.get_by_role("button", name="Post comment").click()
    widget.get_by_role("button", name="Post anyway").click()
    expect(comment(page, "Now [hold] this")).to_be_visible()
    mine.locator(":scope > article").get_by_role("button", name="Delete").click()
    mine.get_by_role("button", name="Yes, delete").click()
    expect(comment(reader, "A live reply").locator("xpath=../../..")).to_contain_text("This comment was deleted.")
    expect(reader.locator(WIDGET)).not_to_contain_text("Now [hold] this")
    expect(page.locator(f"{WIDGET} h2")).to_have_text("2 comments")
    expect(reader.locator(f"{WIDGET} h2")).to_have_text("2 comments")
    assert reader.errors == [] and page.errors == []


SSO_SECRET = "riverside-courier-sso-secret-0123456789"


def test_a_site_token_signs_the_reader_in_and_a_forged_one_is_refused(live_server, page, new_page):
    import time

    import jwt

    from rostra.actions.sites import update_site_settings

    runtime = live_server.runtime
    update_site_settings(runtime, runtime.default_site_id, {"sso_secret": SSO_SECRET}, "test")
    claims = {"sub": "courier-reader-7", "name": "Maria Okafor", "exp": int(time.time()) + 600}
    good = jwt.encode(claims, SSO_SECRET, algorithm="HS256")
    host_page(page, live_server, "/news/sso", attributes=f'data-rostra-sso="{good}"')
    widget = page.locator(WIDGET)
    expect(widget.locator(".who")).to_contain_text("Commenting as Maria Okafor")
    expect(widget.get_by_label("Your name")).to_have_count(0)
    widget.get_by_label("Your comment").fill("Posted with my newspaper account")
    widget.get_by_role("button", name="Post comment").click()
    mine = comment(page, "Posted with my newspaper account")
    expect(mine.locator(".author")).to_have_text("Maria Okafor")
    expect(mine.locator(".badge")).to_have_text("member")

    forger = watch_errors(new_page())
    forged = jwt.encode({**claims, "sub": "someone-else"}, "a-guessed-secret-0123456789abcdef", algorithm="HS256")
    host_page(forger, live_server, "/news/sso", attributes=f'data-rostra-sso="{forged}"')
    theirs = forger.locator(WIDGET)
    expect(theirs.locator(".composer > .error")).to_contain_text("Signing in with this site failed")
    expect(theirs.locator(".composer > .error")).to_contain_text("not valid")
    expect(theirs.get_by_label("Your name")).to_be_visible()  # still a guest
    expect(theirs.locator(".who")).to_have_count(0)


def test_index_page_counts_comments_with_one_request(live_server, page):
    counts = []
    page.on("request", lambda request: counts.append(request.url) if request.url.endswith("/api/v1/counts") else None)
    page.goto(live_server.url + "/")
    expect(page.locator("[data-rostra-count]")).to_have_text("11 comments")
    expect(page.get_by_role("link", name="Read the demo article and its thread")).to_be_visible()
    assert len(counts) == 1 and page.errors == []


def test_a_guest_who_loses_the_cookie_stays_the_same_guest_through_the_browser_key(live_server, page):
    """The widget keeps a browser key in local storage and sends it, with an empty honeypot and the
    time the form was open, so the abuse defences see one reader where the cookie is gone."""
    from sqlalchemy import select

    from rostra.store.tables import comments

    host_page(page, live_server, "/news/identity")
    widget = page.locator(WIDGET)
    widget.get_by_label("Your name").fill("Ines")
    for text in ("Before the cookie went", "After the cookie went"):
        widget.get_by_label("Your comment").fill(text)
        widget.get_by_role("button", name="Post comment").click()
        expect(comment(page, text)).to_be_visible()
        page.context.clear_cookies()  # local storage stays, as when a browser drops third-party cookies
    with live_server.runtime.store.read() as connection:
        authors = connection.execute(select(comments.c.author_id).order_by(comments.c.id.desc()).limit(2)).scalars()
        assert len(set(authors)) == 1
    assert page.errors == []
