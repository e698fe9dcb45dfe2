"""News logic: dates, notes, preparation, filters, counts, figure and map builders, tables and CSV."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from qazdash.exporting import excel_safe_csv
from qazdash.news import (
    NO_CORRIDOR,
    NewsFilter,
    article_record,
    article_table,
    date_label,
    filter_articles,
    monthly_counts,
    news_map_deck,
    note_dates,
    partial_date_bounds,
    place_counts,
    prepare_news,
    search_terms,
    selected_from_points,
    timeline_figure,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("QAZDASH_UPDATE_SNAPSHOTS") == "1"

NODES = pd.DataFrame(
    [
        ("kz_aktau_port", "Aktau seaport", "Морской порт Актау", "Ақтау теңіз порты", 43.65, 51.15),
        ("kz_astana", "Astana", "Астана", "Астана", 51.1801, 71.446),
        (
            "cn_qingdao_qianwan",
            "Qingdao port – Qianwan container terminal",
            "Порт Циндао – терминал Цяньвань",
            None,
            36.0333,
            120.2667,
        ),
        (
            "az_alat_port",
            "Baku International Sea Trade Port (Alat)",
            "Бакинский международный морской торговый порт (Алят)",
            None,
            39.9431,
            49.4075,
        ),
        ("us_la_long_beach", "Los Angeles / Long Beach", "Лос-Анджелес / Лонг-Бич", None, 33.74, -118.26),
    ],
    columns=["node_id", "name_en", "name_ru", "name_kk", "lat", "lon"],
)
SEGMENTS = pd.DataFrame(
    [
        ("titr_middle_corridor", "kz_aktau_port", "az_alat_port"),
        ("qingdao_asia_pacific", "kz_astana", "cn_qingdao_qianwan"),
        ("qingdao_asia_pacific", "cn_qingdao_qianwan", "us_la_long_beach"),
        ("china_europe_rail", "kz_astana", "kz_astana"),
    ],
    columns=["corridor_id", "from_node", "to_node"],
)
CORRIDORS = pd.DataFrame(
    [
        ("qingdao_asia_pacific", "Kazakhstan – Qingdao – Asia-Pacific", "", "", "#1f77b4"),
        ("titr_middle_corridor", "Trans-Caspian International Transport Route (Middle Corridor)", "", "", "#d62728"),
        ("china_europe_rail", "China–Europe rail via Kazakhstan, Russia and Belarus", "", "", "#9467bd"),
    ],
    columns=["corridor_id", "name_en", "name_ru", "name_kk", "color_hex"],
)
_COLUMNS = [
    "article_id",
    "published",
    "title",
    "source",
    "url",
    "language",
    "corridors",
    "places",
    "organisations",
    "topic",
    "summary",
    "event_date",
    "date_precision",
    "notes",
]
ARTICLES = pd.DataFrame(
    [
        (
            "a-0089",
            "2022-11-10",
            "China's Qingdao Port Ready to Export Kazakh Goods to Asia-Pacific Region",
            "QazMonitor",
            "https://qazmonitor.com/news/1036/x",
            "en",
            "qingdao_asia_pacific;titr_middle_corridor",
            "Qingdao;Astana",
            "Kazakh Invest",
            "investment",
            "At an Astana meeting, Qingdao officials offered a route.",
            "2022-11-04",
            "day",
            "seed item; online Belt and Road seminar planned for 2022-11-15",
        ),
        (
            "r-1",
            "2023-05",
            "Паром из Актау в Баку",
            "Kazinform",
            "https://example.org/r1",
            "ru",
            "titr_middle_corridor",
            "Актау;Baku",
            "ADY",
            "logistics",
            "Новая паромная линия.",
            None,
            "month",
            None,
        ),
        (
            "e-1",
            "2023-06-02",
            "Aktau port handles record cargo",
            "Trend",
            "https://example.org/e1",
            "en",
            "titr_middle_corridor",
            "Aktau",
            "Aktau Sea Port",
            "statistics",
            "=SUM(A1:A2) record",
            None,
            "day",
            "Trend id falls between items dated 2023-05-30 and 2023-06-04",
        ),
        (
            "u-1",
            "2024",
            '=HYPERLINK("http://evil") Kazakh Invest visits Qingdao',
            "Upload",
            "https://example.org/u1",
            "en",
            None,
            None,
            None,
            "event",
            "Meeting in Astana with Qingdao port.",
            None,
            "year",
            None,
        ),
        (
            "b-1",
            "2024-02-01",
            "Beijing summit",
            "Xinhua",
            "https://example.org/b1",
            "zh",
            None,
            "Beijing",
            None,
            "policy",
            "Leaders met.",
            None,
            "day",
            None,
        ),
        (
            "x-1",
            "2024-03-01",
            "[headline not in source page]",
            "Somewhere",
            "https://example.org/x1",
            "en",
            None,
            None,
            None,
            "policy",
            "",
            None,
            "day",
            None,
        ),
    ],
    columns=_COLUMNS,
)


@pytest.fixture(scope="module")
def index():
    return prepare_news(ARTICLES, NODES, SEGMENTS, CORRIDORS)


def ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["article_id"])


@pytest.mark.parametrize(
    ("value", "start", "end", "precision", "label"),
    [
        ("2023-05-14", "2023-05-14", "2023-05-14", "day", "2023-05-14"),
        ("2023-05", "2023-05-01", "2023-05-31", "month", "2023-05 (month only)"),
        ("2024-02", "2024-02-01", "2024-02-29", "month", "2024-02 (month only)"),
        ("2023", "2023-01-01", "2023-12-31", "year", "2023 (year only)"),
        ("2023-13", None, None, "unknown", ""),
        ("", None, None, "unknown", ""),
        (None, None, None, "unknown", ""),
    ],
)
def test_partial_dates(value, start, end, precision, label):
    s, e, p = partial_date_bounds(value)
    assert p == precision
    assert (s == pd.Timestamp(start)) if start else pd.isna(s)
    assert (e == pd.Timestamp(end)) if end else pd.isna(e)
    assert date_label(value) == label


@pytest.mark.parametrize(
    ("notes", "skip", "expected"),
    [
        (
            "seed item; online Belt and Road seminar planned for 2022-11-15",
            (),
            [("2022-11-15", "online Belt and Road seminar")],
        ),
        ("Trend id falls between items dated 2025-08-07 and 2025-09-22", (), []),  # provenance, not an event
        ("report; date field 2023-11-20", (), []),
        ("signing on 2024-01-05; launch on 2024-02-10", (), [("2024-01-05", "signing"), ("2024-02-10", "launch")]),
        ("meeting on 2024-01-05", ("2024-01-05",), []),
        ("deadline 2024-02-30", (), []),  # not a date
        ("2024-03-01", (), [("2024-03-01", "date in notes")]),
        (None, (), []),
    ],
)
def test_note_dates(notes, skip, expected):
    assert [(n.date, n.label) for n in note_dates(notes, skip=skip)] == expected


def test_prepare_leaves_out_supplied_headlines(index):
    assert "x-1" not in set(index.articles["article_id"])
    assert index.hidden == 1


def test_prepare_resolves_place_names_and_keeps_unresolved(index):
    row = index.articles.set_index("article_id").loc["r-1"]
    assert row["place_names"] == "Aktau; Baku (Alat)"
    assert list(index.unresolved["place"]) == ["Beijing"]
    assert set(index.options["places"]) >= {"Aktau", "Astana", "Qingdao", "Beijing"}


def test_prepare_tags_uploads_without_tags(index):
    record = article_record(index, "u-1")
    assert record["places"] == ["Qingdao", "Astana"]
    assert "Kazakh Invest" in record["organisations"]
    assert record["tagged"] == ["places", "corridors", "organisations"]


def test_seed_story_has_three_dates(index):
    record = article_record(index, "a-0089")
    assert record["published"] == "2022-11-10"
    assert record["event"] == "2022-11-04"
    assert [(n.date, n.label) for n in record["note_dates"]] == [("2022-11-15", "online Belt and Road seminar")]
    fig = timeline_figure(index.articles, index)
    xs = {
        str(pd.Timestamp(x).date())
        for trace in fig.data
        if trace.type == "scatter"
        for x, c in zip(trace.x, trace.customdata, strict=True)
        if c == "a-0089"
    }
    assert {"2022-11-10", "2022-11-04", "2022-11-15"} <= xs


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (NewsFilter(), ["a-0089", "b-1", "e-1", "r-1", "u-1"]),
        (NewsFilter(query="актау"), ["e-1", "r-1"]),  # Cyrillic finds the Latin 'Aktau' article through its place
        (NewsFilter(query="Aktau"), ["e-1", "r-1"]),
        (NewsFilter(query="АКТАУ"), ["e-1", "r-1"]),
        (NewsFilter(query="Ақтау"), ["e-1", "r-1"]),
        (NewsFilter(query="паром"), ["r-1"]),
        (NewsFilter(query="qingdao astana"), ["a-0089", "u-1"]),  # every word must match
        (NewsFilter(query="  "), ["a-0089", "b-1", "e-1", "r-1", "u-1"]),
        (NewsFilter(query="nothing-like-this"), []),
        (NewsFilter(corridors=("titr_middle_corridor",)), ["a-0089", "e-1", "r-1"]),
        (NewsFilter(corridors=(NO_CORRIDOR,)), ["b-1"]),
        (NewsFilter(places=("Aktau",)), ["e-1", "r-1"]),
        (NewsFilter(places=("Beijing", "Qingdao")), ["a-0089", "b-1", "u-1"]),
        (NewsFilter(organisations=("ADY",)), ["r-1"]),
        (NewsFilter(topics=("statistics", "logistics")), ["e-1", "r-1"]),
        (NewsFilter(sources=("QazMonitor",)), ["a-0089"]),
        (NewsFilter(languages=("ru", "zh")), ["b-1", "r-1"]),
        (NewsFilter(date_from=date(2023, 5, 20)), ["b-1", "e-1", "r-1", "u-1"]),  # '2023-05' overlaps
        (NewsFilter(date_to=date(2023, 5, 1)), ["a-0089", "r-1"]),
        (NewsFilter(date_from=date(2024, 6, 1), date_to=date(2024, 6, 30)), ["u-1"]),  # '2024' (year only)
        (NewsFilter(places=("Aktau",), languages=("en",)), ["e-1"]),
    ],
)
def test_filter_articles(index, flt, expected):
    assert ids(filter_articles(index.articles, flt)) == expected


def test_filter_does_not_change_the_index(index):
    before = index.articles.copy()
    filter_articles(index.articles, NewsFilter(query="aktau", places=("Aktau",)))
    pd.testing.assert_frame_equal(index.articles, before)


@pytest.mark.parametrize(("query", "terms"), [("Ақтау  FERRY", ["актау", "ferry"]), ("", [])])
def test_search_terms(query, terms):
    assert search_terms(query) == terms


def test_monthly_counts_fill_empty_months(index):
    counts = monthly_counts(index.articles)
    assert counts["articles"].sum() == 5
    assert counts["month"].iloc[0] == pd.Timestamp("2022-11-01")
    assert counts.set_index("month").loc[pd.Timestamp("2022-12-01"), "articles"] == 0
    assert monthly_counts(index.articles.iloc[0:0]).empty


def test_place_counts(index):
    counts = place_counts(filter_articles(index.articles, NewsFilter(languages=("en", "ru"))), index)
    assert counts.set_index("name")["articles"].to_dict() == {"Aktau": 2, "Astana": 2, "Qingdao": 2, "Baku (Alat)": 1}
    assert place_counts(index.articles.iloc[0:0], index).empty


def test_place_counts_name_places_in_the_page_language(index):
    from qazdash.i18n import set_language

    shown = filter_articles(index.articles, NewsFilter(languages=("en", "ru")))
    set_language("kk")
    try:
        names = set(place_counts(shown, index)["name"])
    finally:
        set_language("en")
    # Kazakh names where the data has them; the short English name where it does not (Qingdao, Alat)
    assert names == {"Ақтау", "Астана", "Qingdao", "Baku (Alat)"}


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([{"customdata": "a-0089", "x": "2022-11-10"}], "a-0089"),
        ([{"customdata": ["a-0089"]}], "a-0089"),
        ([{"customdata": ""}, {"customdata": "r-1"}], "r-1"),  # aggregated markers and bars carry ''
        ([{"x": 1}], None),
        ([], None),
    ],
)
def test_selected_from_points(points, expected):
    assert selected_from_points(points) == expected


def test_timeline_lanes_and_colours(index):
    fig = timeline_figure(index.articles, index, "corridor")
    names = [t.name for t in fig.data]
    assert names[:4] == ["Qingdao – Asia-Pacific", "Middle Corridor (TITR)", "No corridor", "Event date"]
    middle = next(t for t in fig.data if t.name == "Middle Corridor (TITR)")
    assert middle.marker.color == "#d62728"
    assert sorted(middle.customdata) == ["a-0089", "e-1", "r-1"]  # an article on two corridors is in both lanes
    assert fig.layout.xaxis2.rangeslider.visible is True
    bars = next(t for t in fig.data if t.type == "bar")
    assert sum(bars.y) == 5


def test_timeline_labels_lanes_inside_the_plot(index):
    by_corridor = timeline_figure(index.articles, index, "corridor")
    labels = [a.text for a in by_corridor.layout.annotations]
    assert labels == ["Qingdao – Asia-Pacific", "Middle Corridor (TITR)", "No corridor"]
    assert by_corridor.layout.yaxis.showticklabels is False  # no left margin of names beside the dates
    in_legend = {t.name for t in by_corridor.data if t.showlegend is not False}
    assert in_legend == {"Event date", "Date in notes"}  # the lanes name the corridors: colours not repeated
    by_topic = timeline_figure(index.articles, index, "topic")
    assert {a.text for a in by_topic.layout.annotations} == set(by_topic.layout.yaxis.categoryarray)
    assert "Middle Corridor (TITR)" in {t.name for t in by_topic.data if t.showlegend is not False}


def test_timeline_hover_escapes_html_and_marks_partial_dates(index):
    fig = timeline_figure(index.articles, index)
    texts = [h for t in fig.data if t.hovertext is not None for h in t.hovertext]
    assert any("2023-05 (month only)" in h for h in texts)
    assert not any("<script" in h for h in texts)
    evil = index.articles.assign(title="<img src=x onerror=alert(1)>")
    texts = [h for t in timeline_figure(evil, index).data if t.hovertext is not None for h in t.hovertext]
    assert any("&lt;img src=x" in h for h in texts) and not any("<img" in h for h in texts)


def test_timeline_by_topic(index):
    fig = timeline_figure(index.articles, index, "topic")
    lanes = set(fig.layout.yaxis.categoryarray)
    assert lanes == {"Investment", "Logistics", "Statistics", "Event", "Policy"}


def test_timeline_aggregates_many_points(index):
    fig = timeline_figure(index.articles, index, max_points=4)  # 5 articles, 7 points on lanes
    scatter = [t for t in fig.data if t.type == "scatter"]
    assert all(set(t.customdata) == {""} for t in scatter)  # groups, not articles: nothing to open
    assert sum(len(t.x) for t in scatter) < 7  # grouped by year at the coarsest
    assert {t.name for t in scatter} == {"Qingdao – Asia-Pacific", "Middle Corridor (TITR)", "No corridor"}


def test_timeline_rejects_unknown_lanes(index):
    with pytest.raises(ValueError, match="lanes must be one of"):
        timeline_figure(index.articles, index, "source")


def test_article_table_and_excel_safe_csv(index):
    table = article_table(index.articles, index)
    assert list(table.columns[:3]) == ["Published", "Headline", "Source"]
    assert table["Published"].iloc[0] == "2024-02-01"  # newest first
    data = excel_safe_csv(table).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(data), dtype=str, keep_default_na=False)
    headline = back.loc[back["Article id"] == "u-1", "Headline"].iloc[0]
    summary = back.loc[back["Article id"] == "e-1", "Summary"].iloc[0]
    assert headline.startswith("'=HYPERLINK")
    assert summary == "'=SUM(A1:A2) record"
    assert "Паром из Актау в Баку" in set(back["Headline"])


def _trim_figure(fig) -> dict:
    out = []
    for t in fig.to_plotly_json()["data"]:
        keep = {k: t.get(k) for k in ("type", "name", "mode", "customdata", "hovertext", "yaxis", "xaxis")}
        keep["x"] = [str(x)[:10] for x in t.get("x", [])]
        keep["y"] = list(t.get("y", []))
        keep["marker"] = {k: v for k, v in (t.get("marker") or {}).items() if k in ("color", "symbol")}
        out.append(keep)
    return {"data": json.loads(json.dumps(out, default=str))}


def _check_snapshot(name: str, value: dict) -> None:
    path = SNAPSHOTS / name
    text = json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), (
        f"{name} changed; rerun with QAZDASH_UPDATE_SNAPSHOTS=1 if the change is deliberate"
    )


def test_timeline_snapshot(index):
    _check_snapshot("news_timeline.json", _trim_figure(timeline_figure(index.articles, index, selected="a-0089")))


def test_map_deck_snapshot(index):
    deck = news_map_deck(place_counts(index.articles, index))
    spec = json.loads(deck.to_json())
    layer_ids = [layer["id"] for layer in spec["layers"]]
    assert layer_ids[-1] == "news-places" and len(layer_ids) > 1  # basemap below the places
    places = spec["layers"][-1]
    by_name = {row["name"]: row for row in places["data"]}
    assert by_name["Aktau"]["articles"] == 2
    assert spec.get("mapStyle") in (None, "")  # offline: no tile basemap
    _check_snapshot("news_map.json", {"places": places, "view": spec["initialViewState"], "tooltip": None})


def test_map_puts_the_americas_next_to_the_pacific():
    counts = pd.DataFrame(
        [("us_la_long_beach", "Los Angeles / Long Beach", 33.74, -118.26, 1)],
        columns=["node_id", "name", "lat", "lon", "articles"],
    )
    data = json.loads(news_map_deck(counts).to_json())["layers"][-1]["data"]
    assert data[0]["lon"] == pytest.approx(241.74)
