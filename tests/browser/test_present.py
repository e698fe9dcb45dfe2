"""/present in headless Chromium: a presenter (in Russian) and an audience (in English) as two browser
sessions. The audience's map follows the presenter's view picker and tour steps through its polling
fragment, leaves follow mode on request, and is told when the presenter ends the session.

The server is this module's own (a fresh store), so the tour holds only the views saved here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.conftest import assert_clean, new_page, start_app, stop_app, wait_for_app

pytestmark = pytest.mark.browser
T = 60_000  # generous: two sessions drawing WebGL maps on a shared, loaded machine
BANNER = ".st-key-present_follow_banner"


@pytest.fixture(scope="module")
def present_url(browser) -> Iterator[str]:
    server = start_app()
    yield server.url
    stop_app(server)


def choose_view(pg, label: str) -> None:
    """Pick ``label`` in the presenter's view picker. A rerun that starts while the list is open (after a
    save, its flash message) re-renders the picker and closes or moves the list: then try again."""
    box = pg.locator(".st-key-present_view input")
    for attempt in range(4):
        wait_for_app(pg)
        box.click()
        box.press_sequentially(label)
        try:
            pg.get_by_role("option", name=label, exact=True).click(timeout=10_000)
            expect(box).to_have_value(label, timeout=10_000)
            return
        except (PlaywrightTimeoutError, AssertionError):
            if attempt == 3:
                raise
            box.press("Escape")


def test_the_audience_follows_the_presenter(browser, present_url):
    presenter = new_page(browser)
    presenter.goto(f"{present_url}/present?lang=ru")
    wait_for_app(presenter)
    presenter.locator(".st-key-present_name input").fill("Aigerim")
    presenter.locator(".st-key-present_name input").press("Tab")
    presenter.locator(".st-key-present_live_start button").click()
    link = presenter.locator(".st-key-present_live_link [data-testid='stCode']")
    expect(link).to_contain_text("/present?follow=", timeout=T)
    url = re.search(r"https?://\S+/present\?follow=[A-Z0-9]{6}\S*", link.inner_text()).group(0)
    assert "lang=ru" in url  # the audience starts in the presenter's language; they may switch

    audience = new_page(browser)
    audience.goto(url.replace("lang=ru", "lang=en"))
    wait_for_app(audience)
    banner = audience.locator(BANNER)
    expect(banner).to_contain_text("Following Aigerim's view: Europe to the Pacific", timeout=T)
    expect(audience.locator("[data-testid='stDeckGlJsonChart'] canvas").first).to_be_visible(timeout=T)
    expect(audience.locator(".st-key-present_view")).to_have_count(0, timeout=T)  # a follower has no picker

    # the presenter switches the view: the audience's map follows through its poll
    choose_view(presenter, "Переход через Каспий")
    expect(banner).to_contain_text("Following Aigerim's view: Caspian crossing", timeout=T)

    # a tour step moves the audience too; the presenter's stage stays in Russian after its own rerun
    presenter.locator(".st-key-present_save_name input").fill("Каспий для министерства")
    presenter.locator(".st-key-present_save button").click()
    expect(presenter.locator(".st-key-present_item_1")).to_contain_text("Каспий для министерства", timeout=T)
    choose_view(presenter, "Казахстан")
    expect(banner).to_contain_text("Following Aigerim's view: Kazakhstan", timeout=T)
    presenter.locator(".st-key-present_next button").click()
    expect(presenter.get_by_text("Шаг 1 из 1")).to_be_visible(timeout=T)
    expect(presenter.locator(".st-key-present_view input")).to_have_value("Переход через Каспий", timeout=T)
    expect(banner).to_contain_text("Following Aigerim's view: Caspian crossing", timeout=T)
    assert_clean(presenter)
    assert_clean(audience)

    # the presenter's page reloads (a new session): the code and the presenter key give the session back
    code = re.search(r"follow=([A-Z0-9]{6})", url).group(1)
    key = presenter.locator(".st-key-present_live_key [data-testid='stCode'] code").text_content().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", key), key
    presenter.reload()
    wait_for_app(presenter)
    expect(presenter.locator(".st-key-present_live_start button")).to_be_visible(timeout=T)
    presenter.get_by_role("button", name=re.compile("Вернуться к трансляции")).click()
    presenter.locator(".st-key-present_resume_code input").fill(code.lower())
    presenter.locator(".st-key-present_resume_key input").fill(key)
    presenter.locator(".st-key-present_resume button").click()
    expect(presenter.get_by_text(f"Вы снова ведёте трансляцию {code}.")).to_be_visible(timeout=T)
    expect(presenter.locator(".st-key-present_name input")).to_have_value("Aigerim", timeout=T)
    expect(presenter.locator(".st-key-present_view input")).to_have_value("Переход через Каспий", timeout=T)
    choose_view(presenter, "Казахстан")
    expect(banner).to_contain_text("Following Aigerim's view: Kazakhstan", timeout=T)

    # the audience leaves follow mode: the last view stays, the picker is theirs
    audience.locator(".st-key-present_stop_following button").click()
    expect(audience.locator(".st-key-present_view input")).to_have_value("Kazakhstan", timeout=T)
    expect(audience).not_to_have_url(re.compile(r"follow="), timeout=T)
    expect(banner).to_have_count(0, timeout=T)

    # back on the link; the presenter ends the session: the poll says so
    audience.goto(url.replace("lang=ru", "lang=en"))
    wait_for_app(audience)
    expect(banner).to_be_visible(timeout=T)
    presenter.locator(".st-key-present_live_end button").click()
    expect(audience.get_by_text("Aigerim has ended this live session")).to_be_visible(timeout=T)
    expect(banner).to_have_count(0, timeout=T)
    assert_clean(presenter)
    assert_clean(audience)
    presenter.context.close()
    audience.context.close()


def test_an_unknown_code_says_what_to_do(browser, present_url):
    pg = new_page(browser)
    pg.goto(f"{present_url}/present?follow=<b>nope</b>")
    wait_for_app(pg)
    expect(pg.get_by_text("This follow link has no valid live-session code")).to_be_visible(timeout=T)
    expect(pg.locator("b", has_text="nope")).to_have_count(0)
    assert_clean(pg)
    pg.context.close()
