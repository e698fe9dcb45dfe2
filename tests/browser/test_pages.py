"""Every page URL opens in headless Chromium without an exception, error alert or page error."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_clean, wait_for_app

pytestmark = pytest.mark.browser
LOCAL = {"127.0.0.1", "localhost", None}  # None: data: and blob: URLs

PAGES = [
    ("", "Kazakhstan's trade corridors"),
    ("map", None),
    ("news", None),
    ("statistics", None),
    ("upload", None),
    ("present", None),
    ("sources", "Data & sources"),
]


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[p or "overview" for p, _ in PAGES])
def test_page_opens_cleanly(page, app_url, path, heading):
    outside: list[str] = []  # the dashboard must work with no internet: nothing may leave this machine
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in LOCAL else None)
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    expect(page.locator('[data-testid="stMain"]')).to_be_visible()
    if heading:
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    # the sidebar lists all seven pages
    expect(page.locator('[data-testid="stSidebarNav"] a')).to_have_count(7)
    assert_clean(page)
    assert outside == [], outside


def test_language_switch_keeps_lang_in_url(page, app_url):
    page.goto(f"{app_url}/?lang=ru")
    wait_for_app(page)
    expect(page.get_by_text("Транскаспийский международный транспортный маршрут (Средний коридор)")).to_be_visible()
    assert "lang=ru" in page.url
    # moving to another page keeps the language, in the page and in the URL
    page.locator('[data-testid="stSidebarNav"] a[href$="/sources"]').click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/sources\?(.*&)?lang=ru"))
    assert_clean(page)


def test_first_request_of_a_fresh_server_goes_through_the_router(browser):
    """A shared /sources link opened right after a restart still gets app.py (router, language)."""
    from tests.browser.conftest import start_app, stop_app

    server = start_app()
    try:
        pg = browser.new_page()
        pg.goto(f"{server.url}/sources?lang=ru")
        wait_for_app(pg)
        expect(pg.locator('[data-testid="stSidebarNav"] a')).to_have_count(7)
        expect(pg.get_by_text("Language · Язык · Тіл")).to_be_visible()
        assert "lang=ru" in pg.url
        pg.close()
    finally:
        stop_app(server)
