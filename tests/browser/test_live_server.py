"""The browser set-up itself: Debian's Chromium opens a page the live server serves."""

from browser_support import save_screenshot


def test_the_offline_api_documentation_opens_in_chromium(live_server, page):
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector("text=Rostra")
    assert "Rostra" in page.title()
    save_screenshot(page, "api-docs", full_page=False)
