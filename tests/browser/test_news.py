"""The News timeline in headless Chromium: timeline, counts, map and table from the shipped data."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_clean, wait_for_app

pytestmark = pytest.mark.browser

T = 30_000  # ms: charts load their code on first use, and CI machines are slow
SEED_TITLE = "China's Qingdao Port Ready to Export Kazakh Goods to Asia-Pacific Region"


def articles_metric(page):
    label = page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(r"^\s*Articles"))
    return page.locator('[data-testid="stMetric"]').filter(has=label).locator('[data-testid="stMetricValue"]')


def test_news_page_shows_timeline_counts_map_and_table(page, app_url):
    page.goto(f"{app_url}/news")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="News timeline")).to_be_visible(timeout=T)
    expect(articles_metric(page)).to_have_text("189", timeout=T)
    expect(page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')).to_be_visible(timeout=T)
    expect(page.locator('[data-testid="stPlotlyChart"] .scatterlayer .points path').first).to_be_attached(timeout=T)
    expect(page.locator('[data-testid="stDeckGlJsonChart"] canvas').first).to_be_visible(timeout=T)
    expect(page.get_by_role("heading", name="Articles")).to_be_visible(timeout=T)
    expect(page.locator('.st-key-news_articles [data-testid="stDataFrame"]')).to_be_visible(timeout=T)
    expect(page.locator(".st-key-news_csv button")).to_be_visible(timeout=T)
    assert_clean(page)


def test_seed_story_is_on_the_timeline_with_its_three_dates(page, app_url):
    page.goto(f"{app_url}/news?news_article=a-0089")
    wait_for_app(page)
    card = page.locator(".st-key-news_card")
    expect(card.get_by_role("link", name=SEED_TITLE)).to_be_visible(timeout=T)
    expect(card).to_contain_text("2022-11-04", timeout=T)
    expect(card).to_contain_text("2022-11-15", timeout=T)
    expect(page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')).to_be_visible(timeout=T)
    dates = page.evaluate(
        """() => {
            const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
            const out = [];
            for (const trace of gd.data) {
                (trace.customdata || []).forEach((id, i) => {
                    if (id === 'a-0089') out.push(String(trace.x[i]).slice(0, 10));
                });
            }
            return out;
        }"""
    )
    assert {"2022-11-10", "2022-11-04", "2022-11-15"} <= set(dates)
    assert_clean(page)


def test_russian_search_updates_counts_and_url(page, app_url):
    page.goto(f"{app_url}/news")
    wait_for_app(page)
    box = page.locator(".st-key-news_q input")
    box.fill("актау")
    box.press("Enter")
    expect(articles_metric(page)).to_have_text("31", timeout=T)
    expect(page).to_have_url(re.compile(r"news_q="), timeout=T)
    expect(page.locator(".st-key-news_q input")).to_have_value("актау", timeout=T)
    assert_clean(page)


def test_shared_url_reproduces_the_filtered_view(page, app_url):
    page.goto(f"{app_url}/news?news_q={quote('Aktau')}&news_langs=en")
    wait_for_app(page)
    expect(page.locator(".st-key-news_q input")).to_have_value("Aktau", timeout=T)
    expect(articles_metric(page)).not_to_have_text("189", timeout=T)
    shown = articles_metric(page).inner_text()
    page.goto(page.url)  # open the same link again, as a colleague would
    wait_for_app(page)
    expect(articles_metric(page)).to_have_text(shown, timeout=T)
    assert_clean(page)


def test_clicking_a_point_opens_its_article(page, app_url):
    page.goto(f"{app_url}/news?news_sources=QazMonitor")
    wait_for_app(page)
    point = page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace').first.locator(".points path").first
    expect(point).to_be_attached(timeout=T)
    point.click(force=True)
    wait_for_app(page)
    expect(page.locator(".st-key-news_card")).to_be_visible(timeout=T)
    expect(page).to_have_url(re.compile(r"news_article=a-"), timeout=T)
    assert_clean(page)
