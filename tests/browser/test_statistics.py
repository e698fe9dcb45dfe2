"""The Statistics page in Chromium: charts draw, every point's source is one hover away, the URL keeps the choice."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_clean, wait_for_app

pytestmark = pytest.mark.browser

MINISTRY = "Report.az (citing Ministry of Transport of Kazakhstan)"


def test_middle_corridor_point_shows_its_source_on_hover(page, app_url):
    page.goto(f"{app_url}/statistics")
    wait_for_app(page)
    chart = page.locator(".st-key-stats_chart_million_tonnes .js-plotly-plot")
    expect(chart).to_be_visible(timeout=60_000)  # plotly.js loads lazily; slow on a busy machine
    expect(chart.locator(".ytitle")).to_have_text("Million tonnes")
    expect(chart.locator(".legendtext", has_text="Kazakh Ministry of Transport")).to_have_count(1)
    line_points = chart.locator(".scatterlayer .trace").first.locator("path.point")
    expect(line_points).to_have_count(7)  # 2019–2025, the ministry's series
    point = line_points.nth(4)  # 2023
    point.scroll_into_view_if_needed()
    box = point.bounding_box()  # plotly's drag layer lies over the points: move the mouse, as a reader does
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = chart.locator(".hoverlayer")
    expect(hover).to_contain_text("2.764 Mt")
    expect(hover).to_contain_text(MINISTRY)
    # the 2030 forecast and the 2027 target are labelled on the chart
    expect(chart.locator("text", has_text="11 Mt (2030)")).to_have_count(1)
    expect(chart.locator("text", has_text="10 Mt (2027)")).to_have_count(1)
    # must not happen: a number rendered as NaN or undefined
    expect(chart.locator("text", has_text=re.compile("NaN|undefined"))).to_have_count(0)
    assert_clean(page)


def test_both_trade_bases_are_separate_series(page, app_url):
    page.goto(f"{app_url}/statistics?stats_metrics=kz_cn_trade_turnover&stats_metrics=kz_cn_trade_turnover_kz_stats")
    wait_for_app(page)
    chart = page.locator(".st-key-stats_chart_usd_billion .js-plotly-plot")
    expect(chart).to_be_visible(timeout=60_000)  # plotly.js loads lazily; slow on a busy machine
    legend = chart.locator(".legendtext")
    expect(legend.filter(has_text=re.compile(r"\(Chinese customs, GACC\)$"))).to_have_count(1)
    expect(legend.filter(has_text=re.compile(r"\(Kazakh statistics\)$"))).to_have_count(1)
    expect(page.locator(".st-key-stats_chart_million_tonnes")).to_have_count(0)
    assert_clean(page)


def test_adding_a_metric_adds_a_chart_and_goes_into_the_url(page, app_url):
    page.goto(f"{app_url}/statistics")
    wait_for_app(page)
    picker = page.locator(".st-key-stats_metrics input")
    picker.click()
    picker.press_sequentially("Middle Corridor containers")
    page.get_by_role("option", name=re.compile(r"^Middle Corridor containers ·")).click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    expect(page.locator(".st-key-stats_chart_teu .js-plotly-plot")).to_be_visible(timeout=60_000)
    expect(page).to_have_url(re.compile(r"stats_metrics=titr_cargo_volume&stats_metrics=titr_container_teu"))
    assert_clean(page)
