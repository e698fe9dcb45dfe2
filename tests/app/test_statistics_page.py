"""The Statistics page through the real router: controls, URL state, and what a reader sees."""

from __future__ import annotations

import pytest

from tests.app.conftest import assert_no_errors, open_page, page_text

TRADE = ["kz_cn_trade_turnover", "kz_cn_trade_turnover_kz_stats"]


# Each table has a column no other table has (AppTest does not expose a dataframe's key).
TABLE_COLUMNS = {"stats_conflicts": "Compared with", "stats_growth": "Year before",
                 "stats_targets": "Growth needed a year", "stats_provenance": "Exact span"}


def charts(at) -> list:
    return list(at.get("plotly_chart"))


def table(at, key: str):
    """The dataframe shown under ``key`` (found by its distinguishing column)."""
    found = [d.value for d in at.dataframe if TABLE_COLUMNS[key] in d.value.columns]
    assert len(found) == 1, f"{key}: {len(found)} tables"
    return found[0]


def test_default_shows_the_middle_corridor_series():
    at = open_page("statistics")
    assert_no_errors(at)
    assert at.multiselect(key="stats_metrics").value == ["titr_cargo_volume"]
    assert at.toggle(key="stats_show_partial").value is True
    assert at.toggle(key="stats_show_targets").value is True
    text = page_text(at)
    assert "Million tonnes" in text
    assert "Kazakh Ministry of Transport series" in text  # why the line is the ministry's
    # the conflicting 2023 figures, side by side with their difference
    assert "2023 (full period): 2 sources give 2.764 Mt to 2.8 Mt; they differ by 1.3%" in text
    assert len(charts(at)) == 1
    conflicts = table(at, "stats_conflicts")
    assert {"Report.az (citing Ministry of Transport of Kazakhstan)", "Interfax (citing KTZ)"} <= set(
        conflicts["Source"])
    targets = table(at, "stats_targets")
    assert {"10 Mt", "11 Mt"} <= set(targets["Value"])
    assert "Trend (Tokayev at Samarkand)" in set(targets["Source"])
    assert "Trend (World Bank)" in set(targets["Source"])
    growth = table(at, "stats_growth")
    assert growth.iloc[0].to_dict()["Change, %"] == "-8.1%"
    provenance = table(at, "stats_provenance")
    assert provenance["Link"].str.startswith("http").all()
    assert at.get("download_button")


def test_both_trade_bases_from_the_url():
    at = open_page("statistics", {"stats_metrics": TRADE})
    assert_no_errors(at)
    assert at.multiselect(key="stats_metrics").value == TRADE
    assert "US$ billion" in page_text(at)
    assert len(charts(at)) == 1  # one unit, one chart, two separate series
    growth = table(at, "stats_growth")
    assert set(growth["Metric"]) == {"Kazakhstan–China trade turnover (Chinese customs, GACC)"}


def test_choosing_metrics_updates_the_url_and_adds_a_chart_per_unit():
    at = open_page("statistics")
    at.multiselect(key="stats_metrics").set_value(["titr_cargo_volume", "titr_container_teu"]).run()
    assert_no_errors(at)
    assert at.query_params["stats_metrics"] == ["titr_cargo_volume", "titr_container_teu"]
    assert len(charts(at)) == 2
    text = page_text(at)
    assert "Million tonnes" in text and "TEU (twenty-foot equivalent units)" in text


def test_targets_toggle_hides_targets():
    at = open_page("statistics")
    at.toggle(key="stats_show_targets").set_value(False).run()
    assert_no_errors(at)
    assert "Targets and forecasts" not in [h.value for h in at.header]
    provenance = table(at, "stats_provenance")
    assert not provenance["Type"].isin(["Target or plan", "Forecast"]).any()


def test_partial_toggle_hides_part_year_figures():
    at = open_page("statistics")
    before = table(at, "stats_provenance")
    assert (before["Type"] == "Part of a period").any()
    at.toggle(key="stats_show_partial").set_value(False).run()
    after = table(at, "stats_provenance")
    assert not (after["Type"] == "Part of a period").any()


def test_no_metric_says_what_to_do():
    at = open_page("statistics")
    at.multiselect(key="stats_metrics").set_value([]).run()
    assert_no_errors(at)
    assert "Choose at least one metric" in page_text(at)
    assert not charts(at)


@pytest.mark.parametrize("query", [{"stats_metrics": "no_such_metric"}, {"stats_show_partial": "maybe"}])
def test_bad_url_values_fall_back(query):
    at = open_page("statistics", query)
    assert_no_errors(at)
    assert at.multiselect(key="stats_metrics").value == ["titr_cargo_volume"]


def test_log_scale_toggle_reads_the_url():
    at = open_page("statistics", {"stats_log_y": "true"})
    assert_no_errors(at)
    assert at.toggle(key="stats_log_y").value is True
    at.toggle(key="stats_log_y").set_value(False).run()
    assert_no_errors(at)
    assert at.toggle(key="stats_log_y").value is False


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_page_in_other_languages(lang):
    at = open_page("statistics", {"lang": lang, "stats_metrics": ["titr_cargo_volume", *TRADE]})
    assert_no_errors(at)
    assert len(charts(at)) == 2
