"""Statistics logic: comparable points, conflicts, growth, targets, tiles, formatting.

Hand-checked figures come from the shipped ``data/statistics.csv`` (e.g. the Kazakh Ministry of
Transport's Middle Corridor series via Report.az, 2026-03-10: 2019–2025 = 0.759, 0.783, 0.586, 1.485,
2.764, 4.484, 4.119 Mt); small named fixtures cover the rules themselves.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from qazdash import statistics as S
from qazdash.errors import QazdashDataError
from qazdash.metrics import CATALOGUE, GROUP_LABELS, PREFERRED_SOURCES, THEME_LABELS, metric_info, metric_name

MINISTRY = "Report.az (citing Ministry of Transport of Kazakhstan)"


def row(metric="m", period="2024", value=1.0, source="A", value_type="actual", qualifier=None,
        period_detail="year", unit="million_tonnes", metric_id=None, url="https://example.org/a"):
    return {"metric_id": metric_id or f"{metric}-{period}-{source}-{value}", "metric": metric, "unit": unit,
            "period": period, "value": value, "source": source, "url": url, "notes": None,
            "period_detail": period_detail, "value_type": value_type, "qualifier": qualifier}


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


@pytest.fixture(scope="module")
def stats(shipped) -> pd.DataFrame:
    return S.prepare(shipped["statistics"])


# --- preparing: kinds, spans, labels ------------------------------------------------------------------

@pytest.mark.parametrize(("period", "detail", "value_type", "kind", "label", "start", "end"), [
    ("2024", "year", "actual", S.FULL, "2024", "2024-01-01", "2024-12-31"),
    ("2025-06", "2025-01 to 2025-06", "partial_period", S.PARTIAL, "Jan–Jun 2025", "2025-01-01",
     "2025-06-30"),
    ("2024-03", "Q1 2024", "actual", S.PARTIAL, "Jan–Mar 2024", "2024-01-01", "2024-03-31"),
    ("2023", "2009-2023 (multi-year / cumulative)", "cumulative", S.CUMULATIVE, "2009–2023", "2009-01-01",
     "2023-12-31"),
    ("2023-03", "2014 to 2023-03", "cumulative", S.CUMULATIVE, "2014 – Mar 2023", "2014-01-01", "2023-03-31"),
    ("2018-06", "2017-06 to 2018-06", "actual", S.PARTIAL, "Jun 2017 – Jun 2018", "2017-06-01", "2018-06-30"),
    ("2027", "year", "target_or_plan", S.REFERENCE, "2027", "2027-01-01", "2027-12-31"),
    ("2030", "year", "forecast", S.REFERENCE, "2030", "2030-01-01", "2030-12-31"),
    ("2024", "year", "capacity", S.REFERENCE, "2024", "2024-01-01", "2024-12-31"),
])
def test_prepare_kind_span_and_label(period, detail, value_type, kind, label, start, end):
    out = S.prepare(frame(row(period=period, period_detail=detail, value_type=value_type))).iloc[0]
    assert (out["kind"], out["period_label"]) == (kind, label)
    assert (out["span_start"], out["span_end"]) == (pd.Timestamp(start), pd.Timestamp(end))


def test_whole_years_are_drawn_mid_year_and_parts_at_the_end_of_their_span():
    out = S.prepare(frame(row(period="2024"), row(period="2024-11", period_detail="2024-01 to 2024-11",
                                                  value_type="partial_period")))
    assert dict(zip(out["period"], out["x"], strict=True)) == {
        "2024": pd.Timestamp("2024-07-01"), "2024-11": pd.Timestamp("2024-11-30")}


def test_prepare_names_the_missing_columns():
    with pytest.raises(QazdashDataError, match=r"missing value_type$"):
        S.prepare(frame(row()).drop(columns="value_type"))


def test_prepare_rejects_an_unreadable_period():
    with pytest.raises(QazdashDataError, match="'2024-Q1'"):
        S.prepare(frame(row(period="2024-Q1")))


# --- the line: comparable points ------------------------------------------------------------------------

def test_middle_corridor_line_is_the_ministry_series(stats):
    line = S.comparable_series(stats, "titr_cargo_volume")
    assert list(line["year"]) == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    assert list(line["value"]) == [0.759, 0.783, 0.586, 1.485, 2.764, 4.484, 4.119]
    assert set(line["source"]) == {MINISTRY}
    assert set(line["selection"]) == {"preferred"}


def test_middle_corridor_line_leaves_out_partial_and_other_sources(stats):
    ids = set(S.comparable_series(stats, "titr_cargo_volume")["metric_id"])
    assert "m-0230" not in ids  # Interfax/KTZ 2023: 2.8 Mt, a different scope
    assert "m-0239" not in ids  # Jan–Jun 2025: 2.3 Mt, part of a year
    assert "m-0236" not in ids  # Astana Times 2024: 4.5 Mt, rounded


def test_preferred_source_has_a_reason():
    for metric, rule in PREFERRED_SOURCES.items():
        assert metric in CATALOGUE
        assert rule.reason and rule.basis and rule.pattern


@pytest.mark.parametrize(("rows", "expected", "selection"), [
    pytest.param([row(value=2.0)], 2.0, "single", id="one source"),
    pytest.param([row(value=2.0, source="A"), row(value=2.0, source="B")], 2.0, "agree", id="two agree"),
    pytest.param([row(value=24.0, source="A"), row(value=24.1, source="B")], 24.1, "rounding",
                 id="rounding: the more precise figure"),
    pytest.param([row(value=24.1, source="A", qualifier="approximate"), row(value=24.0, source="B")], 24.0,
                 "rounding", id="rounding: the exact figure before 'about'"),
    pytest.param([row(value=10.0, source="A"), row(value=10.05, source="B"), row(value=10.0, source="C")],
                 10.05, "rounding", id="rounding: precision before count"),
])
def test_line_point_for_one_year(rows, expected, selection):
    line = S.comparable_series(frame(*rows), "m")
    assert list(line["value"]) == [expected]
    assert list(line["selection"]) == [selection]


def test_line_never_averages_real_disagreement():
    line = S.comparable_series(frame(row(value=26.4, source="A"), row(value=30.0, source="B")), "m")
    assert line.empty


def test_line_point_lists_every_source_giving_the_chosen_value():
    line = S.comparable_series(frame(row(value=2.0, source="A"), row(value=2.0, source="B")), "m")
    assert line["sources"].iloc[0] == "A; B"
    assert line["n_reports"].iloc[0] == 2


def test_trade_bases_are_separate_lines(stats):
    gacc = S.comparable_series(stats, "kz_cn_trade_turnover")
    kz = S.comparable_series(stats, "kz_cn_trade_turnover_kz_stats")
    assert dict(zip(gacc["year"], gacc["value"], strict=True)) == {
        2013: 28.5, 2022: 31.2, 2023: 41.0, 2024: 43.82}
    assert dict(zip(kz["year"], kz["value"], strict=True)) == {2013: 22.53, 2022: 24.1}


def test_qingdao_2023_containers_are_unresolved(stats):
    """26.4 m TEU (EnergyProm ranking) vs "over 30 m TEU" (Securities Times): no point on the line."""
    line = S.comparable_series(stats, "qingdao_port_container_teu")
    assert 2023 not in set(line["year"])
    assert 2024 not in set(line["year"])  # Q1 2024 is part of a year, not the year


# --- conflicts --------------------------------------------------------------------------------------------

def test_middle_corridor_conflicts_side_by_side(stats):
    rows = S.conflicts(stats, ["titr_cargo_volume"])
    summary = S.conflict_summary(rows).set_index("period_label")
    assert list(summary.index) == ["2020", "2022", "2023", "2024"]
    y2023 = rows[rows["period"] == "2023"].set_index("source")
    assert dict(y2023["value"]) == {MINISTRY: 2.764, "Interfax (citing KTZ)": 2.8}
    assert y2023.loc[MINISTRY, "is_reference"]
    assert y2023.loc["Interfax (citing KTZ)", "difference"] == pytest.approx(2.8 / 2.764 - 1)  # +1.30 %
    assert summary.loc["2024", "n_sources"] == 3
    assert summary.loc["2024", "spread"] == pytest.approx(4.5 / 4.1 - 1)  # 9.76 %
    y2024 = rows[rows["period"] == "2024"].set_index("source")
    assert y2024.loc["Trend (Minister of Transport Karabaev)", "difference"] == pytest.approx(4.1 / 4.484 - 1)


def test_partial_periods_conflict_only_with_the_same_span(stats):
    rows = S.conflicts(stats, ["aktau_port_cargo"])
    assert set(rows["period_detail"]) == {"2022-01 to 2022-10", "2023-01 to 2023-06", "2023-01 to 2023-10"}


@pytest.mark.parametrize(("rows", "n_conflicts"), [
    pytest.param([row(value=1.0, source="A"), row(value=1.0, source="B")], 0, id="agree"),
    pytest.param([row(value=1.0, source="A"), row(value=1.1, source="A", metric_id="x")], 0, id="one source"),
    pytest.param([row(value=1.0, source="A"), row(value=1.1, source="B")], 1, id="differ"),
    pytest.param([row(value=1.0, source="A"), row(value=1.1, source="B", value_type="forecast")], 0,
                 id="different value types"),
    pytest.param([row(value=1.0, source="A"), row(value=1.1, source="B", period="2023")], 0,
                 id="different periods"),
    pytest.param([row(value=1.0, source="A", period="2024-06", period_detail="2024-01 to 2024-06",
                      value_type="partial_period"),
                  row(value=1.1, source="B", period="2024-06", period_detail="2024-04 to 2024-06",
                      value_type="partial_period")], 0, id="different spans"),
])
def test_conflict_detection(rows, n_conflicts):
    assert S.conflicts(frame(*rows))["conflict"].nunique() == n_conflicts


def test_conflict_reference_is_the_lowest_without_a_preferred_source():
    rows = S.conflicts(frame(row(value=26.4, source="A"), row(value=30.0, source="B"))).set_index("source")
    assert rows.loc["A", "is_reference"] and not rows.loc["B", "is_reference"]
    assert rows.loc["B", "difference"] == pytest.approx(30 / 26.4 - 1)


# --- growth -----------------------------------------------------------------------------------------------

def test_middle_corridor_growth(stats):
    growth = S.yoy_growth(stats, "titr_cargo_volume").set_index("year")
    assert list(growth.index) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert growth.loc[2025, "change_pct"] == pytest.approx(4.119 / 4.484 - 1)  # −8.14 %
    assert round(growth.loc[2025, "change_pct"] * 100, 1) == -8.1
    assert growth.loc[2023, "change_pct"] == pytest.approx(2.764 / 1.485 - 1)  # +86.1 %
    assert growth.loc[2021, "change"] == pytest.approx(0.586 - 0.783)


def test_growth_only_between_consecutive_years(stats):
    growth = S.yoy_growth(stats, "kz_cn_trade_turnover")
    assert list(growth["year"]) == [2023, 2024]  # 2013 → 2022 is not a year-on-year change
    assert growth.set_index("year").loc[2024, "change_pct"] == pytest.approx(43.82 / 41.0 - 1)  # +6.9 %
    assert S.yoy_growth(stats, "kz_cn_trade_turnover_kz_stats").empty


def test_growth_ignores_partial_periods():
    rows = frame(row(period="2023", value=10.0), row(period="2024-06", period_detail="2024-01 to 2024-06",
                                                       value_type="partial_period", value=6.0))
    assert S.yoy_growth(rows, "m").empty


# --- targets and forecasts --------------------------------------------------------------------------------

def test_middle_corridor_target_and_forecasts(stats):
    gaps = S.gaps(stats, "titr_cargo_volume").set_index("metric_id")
    target = gaps.loc["m-0221"]  # 10 Mt by 2027, Tokayev at Samarkand (Trend)
    assert (target["value"], target["year"], target["value_type"]) == (10.0, 2027, "target_or_plan")
    assert (target["compared_year"], target["compared_value"]) == (2025, 4.119)
    assert target["gap"] == pytest.approx(10 - 4.119)
    assert target["annual_growth_needed"] == pytest.approx((10 / 4.119) ** 0.5 - 1)  # 55.8 % a year
    world_bank = gaps.loc["m-0242"]  # 11 Mt across the Caspian by 2030 (Trend, World Bank)
    assert (world_bank["value"], world_bank["year"], world_bank["value_type"]) == (11.0, 2030, "forecast")
    assert world_bank["annual_growth_needed"] == pytest.approx((11 / 4.119) ** 0.2 - 1)  # 21.7 % a year
    past = gaps.loc["m-0219"]  # KTZ forecast for 2024 (4.0 Mt) against the 2024 outturn
    assert (past["compared_year"], past["compared_value"]) == (2024, 4.484)
    assert pd.isna(past["annual_growth_needed"])


def test_reference_points_keep_to_the_unit(stats):
    refs = S.reference_points(stats, "titr_cargo_volume")
    assert set(refs["unit"]) == {"million_tonnes"}
    assert {"titr_cargo_target", "titr_caspian_cargo_forecast", "titr_cargo_forecast"} <= set(refs["metric"])


def test_past_target_without_an_actual_is_not_compared(stats):
    gaps = S.gaps(stats, "kz_cn_trade_turnover")
    target = gaps[gaps["reference_metric"] == "kz_cn_trade_target"].iloc[0]
    assert target["year"] == 2015 and pd.isna(target["compared_year"])


# --- what the page shows ----------------------------------------------------------------------------------

def test_visible_rows_follow_the_toggles(stats):
    all_rows = S.visible_rows(stats, ["titr_cargo_volume"])
    no_partial = S.visible_rows(stats, ["titr_cargo_volume"], show_partial=False)
    no_targets = S.visible_rows(stats, ["titr_cargo_volume"], show_targets=False)
    assert set(all_rows["kind"]) == {S.FULL, S.PARTIAL, S.REFERENCE}
    assert S.PARTIAL not in set(no_partial["kind"])
    assert S.REFERENCE not in set(no_targets["kind"])
    assert all_rows["on_line"].sum() == 7


def test_provenance_table_has_every_field(stats):
    table = S.provenance_table(stats, ["titr_cargo_volume"])
    partial = table[table["metric_id"] == "m-0239"].iloc[0]
    assert partial["period_label"] == "Jan–Jun 2025"
    assert partial["period_detail"] == "2025-01 to 2025-06"
    assert partial["value_text"] == "about 2.3 Mt"
    assert (partial["value_type"], partial["value_type_label"]) == ("partial_period", "Part of a period")
    assert (partial["qualifier"], partial["qualifier_label"]) == ("approximate", "about")
    assert partial["url"].startswith("https://www.lada.kz/")
    assert not partial["on_line"]


def test_unit_groups_never_mix_units(stats):
    groups = S.unit_groups(stats, ["kz_cn_trade_turnover", "titr_cargo_volume",
                                   "kz_cn_trade_turnover_kz_stats", "titr_container_teu", "no_such_metric"])
    assert groups == {"million_tonnes": ["titr_cargo_volume"], "teu": ["titr_container_teu"],
                      "usd_billion": ["kz_cn_trade_turnover", "kz_cn_trade_turnover_kz_stats"]}


def test_chart_sources_lists_each_source_once(stats):
    sources = S.chart_sources(stats, ["titr_cargo_volume"], "million_tonnes")
    assert not sources.duplicated().any()
    assert MINISTRY in set(sources["source"])
    assert "Trend (World Bank)" in set(sources["source"])


# --- tiles ------------------------------------------------------------------------------------------------

def test_overview_tiles(shipped):
    tiles = {t.metric: t for t in S.overview_tiles(shipped["statistics"])}
    mc = tiles["titr_cargo_volume"]
    assert (mc.value, mc.period, mc.previous_value, mc.unit) == (4.119, "2025", 4.484, "million_tonnes")
    assert round(mc.change * 100, 1) == -8.1
    assert mc.source == MINISTRY and mc.url.startswith("https://report.az/")
    assert mc.basis == "Kazakh Ministry of Transport" and mc.value_type == "actual"
    assert (mc.value_text, mc.change_text) == ("4.12 Mt", "-8.1%")
    gacc, kz = tiles["kz_cn_trade_turnover"], tiles["kz_cn_trade_turnover_kz_stats"]
    assert (gacc.value, gacc.period, gacc.basis) == (43.82, "2024", "Chinese customs, GACC")
    assert gacc.change == pytest.approx(43.82 / 41 - 1)
    assert (kz.value, kz.period, kz.basis, kz.change) == (24.1, "2022", "Kazakh statistics", None)
    assert "Kazakh statistics" in kz.label and "GACC" in gacc.label
    assert "24" in kz.note  # sources give 24.0 and 24.1 for 2022
    assert gacc.source == "Kazinform (Liu Huaqin, CAITEC)" and gacc.url.startswith("https://qazinform.com/")
    assert "Also reported by Astana Times (citing Kazinform / GACC)." in gacc.note


def test_overview_tiles_leave_out_metrics_without_a_full_year():
    rows = frame(row(metric="titr_cargo_volume", period="2025-06", period_detail="2025-01 to 2025-06",
                     value_type="partial_period"))
    assert S.overview_tiles(rows) == []


# --- formatting -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "unit", "expected"), [
    (4.119, "million_tonnes", "4.12 Mt"),
    (0.586, "million_tonnes", "0.586 Mt"),
    (11, "million_tonnes", "11 Mt"),
    (31.2, "usd_billion", "$31.2 bn"),
    (43.82, "usd_billion", "$43.8 bn"),
    (1234, "teu", "1,234 TEU"),
    (1_400_000, "teu", "1.4 million TEU"),
    (13_882_600, "teu", "13.9 million TEU"),
    (17, "days", "17 days"),
    (5, "odd_unit", "5 odd unit"),
    (None, "teu", "–"),
    (float("nan"), "teu", "–"),
])
def test_format_value(value, unit, expected):
    assert S.format_value(value, unit) == expected


def test_format_value_follows_the_language():
    assert S.format_value(4484.5, "million_tonnes", lang="ru").replace("\xa0", " ") == "4 484 Mt"


@pytest.mark.parametrize(("change", "expected"), [(-0.0814, "-8.1%"), (0.0688, "+6.9%"), (0.0, "±0.0%"),
                                                  (None, "–")])
def test_format_change(change, expected):
    assert S.format_change(change) == expected


def test_qualified_value():
    assert S.qualified_value(24.0, "usd_billion", "at_least") == "at least $24 bn"


# --- catalogue ----------------------------------------------------------------------------------------------

def test_every_shipped_metric_is_catalogued(shipped):
    missing = set(shipped["statistics"]["metric"]) - set(CATALOGUE)
    assert not missing
    for info in CATALOGUE.values():
        assert info.group in GROUP_LABELS and info.theme in THEME_LABELS


def test_unknown_metric_gets_a_readable_name():
    info = metric_info("my_uploaded_metric")
    assert info.label == "My uploaded metric" and info.group == "other"
    assert metric_name("kz_cn_trade_turnover") == "Kazakhstan–China trade turnover (Chinese customs, GACC)"


# --- figures ------------------------------------------------------------------------------------------------

SNAPSHOTS = Path(__file__).parent / "snapshots"
TRACE_KEYS = ("name", "mode", "x", "y", "legendgroup", "showlegend", "text", "customdata", "hovertemplate",
              "connectgaps")


def trimmed(fig) -> dict:
    """The parts of a figure that carry meaning: traces (data, style, hover) and the axes and legend."""
    full = fig.to_dict()
    traces = []
    for trace in full["data"]:
        kept = {k: trace[k] for k in TRACE_KEYS if k in trace}
        if "customdata" in kept:
            kept["customdata"] = [list(map(str, c)) for c in kept["customdata"]]
        marker, line = trace.get("marker", {}), trace.get("line", {})
        kept["style"] = {"symbol": marker.get("symbol"), "color": marker.get("color", line.get("color")),
                         "dash": line.get("dash")}
        traces.append(kept)
    layout = full["layout"]
    return {"data": traces, "layout": {
        "xaxis": {k: layout["xaxis"].get(k) for k in ("type", "tickformat", "ticklabelmode", "dtick")},
        "yaxis": {"title": layout["yaxis"]["title"]["text"], "rangemode": layout["yaxis"].get("rangemode")},
        "legend": layout.get("legend"),
    }}


def assert_snapshot(name: str, data: dict) -> None:
    """Compare with tests/snapshots/<name>.json; ``UPDATE_SNAPSHOTS=1`` rewrites it (review the git diff)."""
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}; run with UPDATE_SNAPSHOTS=1 and review it"
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), (
        f"{name} changed; if intended, rerun with UPDATE_SNAPSHOTS=1 and review the git diff")


@pytest.mark.parametrize(("name", "metrics", "unit", "show_partial", "show_targets"), [
    ("statistics_titr_cargo_volume", ["titr_cargo_volume"], "million_tonnes", True, True),
    ("statistics_titr_cargo_volume_actuals_only", ["titr_cargo_volume"], "million_tonnes", False, False),
    ("statistics_kz_cn_trade_both_bases", ["kz_cn_trade_turnover", "kz_cn_trade_turnover_kz_stats"],
     "usd_billion", True, True),
])
def test_figure_snapshot(stats, name, metrics, unit, show_partial, show_targets):
    fig = S.statistics_figure(stats, metrics, unit, show_partial, show_targets)
    assert_snapshot(name, trimmed(fig))


def traces(fig) -> dict[str, dict]:
    return {t["name"]: t for t in fig.to_dict()["data"]}


def test_figure_middle_corridor(stats):
    fig = S.statistics_figure(stats, ["titr_cargo_volume"], "million_tonnes")
    by_name = traces(fig)
    line = by_name["Middle Corridor cargo volume — Kazakh Ministry of Transport"]
    assert line["mode"] == "lines+markers"
    assert line["y"] == [0.759, 0.783, 0.586, 1.485, 2.764, 4.484, 4.119]
    assert all(MINISTRY in c[4] for c in line["customdata"])
    partial = by_name["Middle Corridor cargo volume — part of a year"]
    assert partial["mode"] == "markers"  # never joined to the full years
    others = by_name["Middle Corridor cargo volume — other sources (full year)"]
    assert sorted(others["y"]) == [0.8, 1.5, 2.8, 4.1, 4.5]  # the conflicting 2020–2024 figures, side by side
    target = by_name["Middle Corridor cargo volume — target or plan"]
    forecast = by_name["Middle Corridor cargo volume — forecast"]
    assert target["marker"]["symbol"].endswith("-open") and forecast["marker"]["symbol"].endswith("-open")
    assert 10.0 in target["y"] and 11.0 in forecast["y"]
    assert "10 Mt (2027)" in target["text"] and "11 Mt (2030)" in forecast["text"]
    gap_lines = [t for t in fig.to_dict()["data"] if t.get("showlegend") is False]
    assert {t["line"]["dash"] for t in gap_lines} == {"dash", "dot"}
    assert all(t["y"][0] == 4.119 for t in gap_lines)  # drawn from the latest full year
    assert fig.layout.yaxis.title.text == "Million tonnes"


def test_figure_keeps_the_trade_bases_apart(stats):
    fig = S.statistics_figure(stats, ["kz_cn_trade_turnover", "kz_cn_trade_turnover_kz_stats"], "usd_billion")
    lines = {t["name"]: t for t in fig.to_dict()["data"] if t["mode"] == "lines+markers"}
    assert set(lines) == {"Kazakhstan–China trade turnover (Chinese customs, GACC)",
                          "Kazakhstan–China trade turnover (Kazakh statistics)"}
    gacc = lines["Kazakhstan–China trade turnover (Chinese customs, GACC)"]
    assert gacc["y"] == [28.5, None, 31.2, 41.0, 43.82]  # 2013 is not joined to 2022
    kz = lines["Kazakhstan–China trade turnover (Kazakh statistics)"]
    assert gacc["line"]["color"] != kz["line"]["color"]


def test_figure_line_point_names_every_agreeing_source(stats):
    fig = S.statistics_figure(stats, ["kz_cn_trade_turnover"], "usd_billion")
    line = next(t for t in fig.to_dict()["data"] if t["mode"] == "lines+markers")
    hover_2023 = line["customdata"][line["y"].index(41.0)]
    assert "WE News English (citing GACC)" in hover_2023[4] and "Tokayev/Xi briefing" in hover_2023[4]


def test_figure_hover_shows_data_as_text_not_html():
    rows = frame(row(source="<a href='https://evil.example'>x</a>", value=2.0))
    fig = S.statistics_figure(rows, ["m"], "million_tonnes")
    hover = fig.to_dict()["data"][0]["customdata"][0]
    assert "<a" not in hover[4] and "&lt;a" in hover[4]


def test_statistics_figures_one_per_unit(stats):
    charts = S.statistics_figures(stats, ["titr_cargo_volume", "titr_container_teu", "kz_cn_trade_turnover"])
    assert [unit for unit, _m, _f in charts] == ["million_tonnes", "teu", "usd_billion"]
    for unit, _metrics, fig in charts:
        assert fig.layout.yaxis.title.text == S.unit_axis_title(unit)


def test_figure_log_scale(stats):
    fig = S.statistics_figure(stats, ["titr_container_teu", "qingdao_port_container_teu"], "teu", log_y=True)
    assert fig.layout.yaxis.type == "log"
    assert "log scale" in fig.layout.yaxis.title.text


@pytest.mark.parametrize(("years", "labelled", "expected"), [
    ([2027, 2030], [True, True], ["top center", "top center"]),
    ([2029, 2030], [True, True], ["middle left", "top center"]),
    ([2030, 2030], [True, False], ["top center", "top center"]),  # a duplicate has no label to move
])
def test_close_target_labels_do_not_overlap(years, labelled, expected):
    xs = [pd.Timestamp(f"{y}-07-01") for y in years]
    assert S._label_positions(xs, labelled) == expected


def test_figure_leaves_room_for_the_last_label(stats):
    fig = S.statistics_figure(stats, ["titr_container_teu"], "teu")
    assert pd.Timestamp(fig.layout.xaxis.range[1]) > pd.Timestamp("2030-07-01")


def test_csv_of_the_shown_figures_is_excel_safe(stats):
    from qazdash.exporting import excel_safe_csv

    table = S.provenance_table(stats, ["titr_cargo_volume"])
    data = excel_safe_csv(table)
    assert data.startswith("\ufeff".encode())  # BOM: Excel reads it as UTF-8
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert {"value", "unit", "period_detail", "value_type", "qualifier", "source", "url"} <= set(header)


def test_empty_statistics_table():
    empty = frame(row()).iloc[0:0]
    prepared = S.prepare(empty)
    assert prepared.empty
    assert S.overview_tiles(empty) == []
    assert S.conflicts(prepared).empty and S.yoy_growth(prepared, "m").empty
    assert S.statistics_figures(prepared, ["m"]) == []
    assert S.provenance_table(prepared, ["m"]).empty


def test_results_are_copies_and_follow_the_frame():
    rows = S.prepare(frame(row(value=2.0)))
    first = S.comparable_series(rows, "m")
    first.loc[0, "value"] = 99.0
    assert S.comparable_series(rows, "m")["value"].tolist() == [2.0]
    other = S.prepare(frame(row(value=3.0)))
    assert S.comparable_series(other, "m")["value"].tolist() == [3.0]
