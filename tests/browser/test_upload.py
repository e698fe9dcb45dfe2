"""Data upload in a real browser: an analyst uploads a Russian-locale Excel CSV, checks the report,
commits, another browser session sees the article on /news, the analyst rolls back; a viewer can do none
of it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qazdash.auth import HASH_ENV, hash_password
from tests.browser.conftest import assert_clean, start_app, stop_app, wait_for_app

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-password"
TOKEN = "Qazdashbrowsercheck"
CSV = (
    "Выгрузка из системы мониторинга\n"
    "№;Дата;Заголовок;Источник;Ссылка;Коридоры\n"
    f"br-1;01.12.2025;\"Test upload {TOKEN} ferry\nsecond line\";Test source;https://example.org/browser/1;"
    "titr_middle_corridor\n"
).encode("cp1251")


@pytest.fixture(scope="module")
def upload_server(browser):
    server = start_app({HASH_ENV: hash_password(PASSWORD)})
    yield server
    stop_app(server)


def _news_count(pg, base: str) -> str:
    pg.goto(f"{base}/news?news_q={TOKEN}")
    wait_for_app(pg)
    metric = pg.locator('[data-testid="stMetric"]').filter(has_text="Articles").first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_analyst_uploads_commits_and_rolls_back(upload_server, browser, tmp_path):
    base = upload_server.url
    analyst = browser.new_context(viewport={"width": 1400, "height": 1400}).new_page()
    viewer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    analyst.errors = []
    analyst.on("pageerror", lambda exc: analyst.errors.append(str(exc)))

    # the viewer sees no upload or rollback controls
    viewer.goto(f"{base}/upload")
    wait_for_app(viewer)
    expect(viewer.get_by_text("Sign in as an analyst to upload or roll back.")).to_be_visible()
    expect(viewer.locator(".st-key-upload_file")).to_have_count(0)
    expect(viewer.locator(".st-key-upload_rollback")).to_have_count(0)
    assert _news_count(viewer, base) == "0"

    analyst.goto(f"{base}/upload")
    wait_for_app(analyst)
    analyst.get_by_label("Your name (recorded with every change)").fill("Browser Analyst")
    analyst.get_by_label("Analyst password").fill(PASSWORD)
    analyst.get_by_role("button", name="Sign in").click()
    expect(analyst.get_by_text("Signed in as analyst: Browser Analyst")).to_be_visible()

    path = tmp_path / "ru_export.csv"
    path.write_bytes(CSV)
    analyst.locator(".st-key-upload_file input[type=file]").set_input_files(str(path))
    expect(analyst.get_by_text(re.compile(r"Read as CSV: encoding cp1251, separator semicolon"))).to_be_visible(
        timeout=30_000)
    expect(analyst.get_by_text("All rows are valid.")).to_be_visible()
    analyst.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    analyst.locator(".st-key-upload_commit button").click()
    expect(analyst.get_by_text(re.compile(r"Committed: News articles version \d+ \(\d+ rows\)"))).to_be_visible(
        timeout=30_000)
    assert_clean(analyst)

    # another browser session sees the new article on its next run
    assert _news_count(viewer, base) == "1"

    # roll back from the History tab
    analyst.get_by_role("tab", name="History").click()
    analyst.locator(".st-key-upload_rollback button").click()
    expect(analyst.get_by_text(re.compile(r"Version \d+ is now current"))).to_be_visible(timeout=30_000)
    assert_clean(analyst)
    assert _news_count(viewer, base) == "0"
    assert not analyst.errors, analyst.errors
