"""pydeck builders: JSON snapshots with explicit layer ids, offline settings, escaping, filters, presets."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from qazdash import geo, maps

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("QAZDASH_UPDATE_SNAPSHOTS") == "1"

CORRIDORS = pd.DataFrame({"corridor_id": ["c1"], "name_en": ["Corridor <one>"], "name_ru": ["Коридор"],
                          "name_kk": [""], "color_hex": ["#d62728"]})
NODES = pd.DataFrame({
    "node_id": ["kz_a", "az_b", "xx_c"],
    "name_en": ["Aktau", "Alat <img src=x onerror=alert(1)>", "Nowhere"],
    "name_ru": ["Актау", "", ""], "name_kk": ["Ақтау", "", ""],
    "country_iso3": ["KAZ", "AZE", "KAZ"], "kind": ["caspian_port", "caspian_port", "rail_hub"],
    "lat": [43.65, 39.9483, None], "lon": [51.15, 49.4067, None],
})
SEGMENTS = pd.DataFrame({
    "corridor_id": ["c1", "c1"], "seq": [1, 2], "from_node": ["kz_a", "xx_c"], "to_node": ["az_b", "kz_a"],
    "mode": ["ferry", "rail"], "distance_km": [436.0, 10.0], "typical_transit_days": [0.9, None],
    "notes": ["", ""], "source": ["", ""],
})


def trimmed(deck) -> dict:
    """The deck JSON with the basemap's GeoJSON replaced by its feature count (the data files are tested
    on their own) and floats rounded."""
    data = maps.deck_json(deck)
    for layer in data["layers"]:
        if layer["id"] in ("countries", "kazakhstan"):
            layer["data"] = {"features": len(layer["data"]["features"])}
        if layer["id"] == "place-labels":
            layer["characterSet"] = len(layer["characterSet"])
    return json.loads(json.dumps(data), parse_float=lambda v: round(float(v), 4))


def check_snapshot(name: str, value: dict) -> None:
    path = SNAPSHOTS / name
    text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), (
        f"{name} changed; rerun with QAZDASH_UPDATE_SNAPSHOTS=1 and review the git diff")


@pytest.fixture
def small():
    legs, skipped = geo.leg_paths(SEGMENTS, NODES)
    return legs, skipped


def test_small_deck_snapshot(small):
    legs, _ = small
    deck = maps.corridor_deck(legs, CORRIDORS, geo.placed(NODES), theme="light")
    check_snapshot("map_deck_small.json", trimmed(deck))


def test_dark_deck_snapshot_with_highlight_and_selection(small):
    legs, _ = small
    deck = maps.corridor_deck(legs, CORRIDORS, geo.placed(NODES), theme="dark", selected_place="kz_a",
                              highlight_legs={(frozenset(("kz_a", "az_b")), "ferry")},
                              view=maps.FIXED_PRESETS["caspian"])
    check_snapshot("map_deck_small_dark.json", trimmed(deck))


def test_layer_ids_and_no_tile_server(small):
    legs, _ = small
    data = maps.deck_json(maps.corridor_deck(legs, CORRIDORS, geo.placed(NODES)))
    assert [layer["id"] for layer in data["layers"]] == [
        "sea", "countries", "kazakhstan", "legs-ferry-casing", "legs-ferry", "places", "place-labels"]
    assert data["mapStyle"] == maps.NO_BASEMAP and "mapProvider" not in data
    assert "http" not in json.dumps({k: v for k, v in data.items() if k != "layers"})


def test_online_basemap_only_by_configuration(small, monkeypatch):
    legs, _ = small
    monkeypatch.delenv("QAZDASH_BASEMAP_STYLE", raising=False)
    assert maps.online_basemap_style() is None
    monkeypatch.setenv("QAZDASH_BASEMAP_STYLE", "javascript:alert(1)")
    assert maps.online_basemap_style() is None
    monkeypatch.setenv("QAZDASH_BASEMAP_STYLE", "https://tiles.example.org/style.json")
    style = maps.online_basemap_style()
    data = maps.deck_json(maps.corridor_deck(legs, CORRIDORS, geo.placed(NODES), online_style=style))
    assert data["mapStyle"] == style
    assert [layer["id"] for layer in data["layers"]][0] == "kazakhstan"


def test_tooltip_is_plain_text_and_data_is_not_markup(small):
    legs, _ = small
    deck = maps.corridor_deck(legs, CORRIDORS, geo.placed(NODES))
    assert set(deck._tooltip) == {"text", "style"}
    places = maps.place_records(geo.placed(NODES))
    assert places[1]["tooltip"].startswith("Alat <img src=x onerror=alert(1)>")  # shown as text, never parsed


def test_unplaced_nodes_and_their_legs_are_not_drawn(small):
    legs, skipped = small
    assert list(legs["seq"]) == [1]
    assert skipped.iloc[0]["reason"] == "no coordinates for xx_c"
    assert [r["id"] for r in maps.place_records(NODES)] == ["kz_a", "az_b"]


def test_legend_escapes_names_and_lists_modes_and_kinds():
    svg = maps.legend_svg(CORRIDORS, ["rail", "ferry"], ["caspian_port"])
    assert "Corridor &lt;one&gt;" in svg and "<one>" not in svg
    assert "Rail" in svg and "Caspian ferry" in svg and "Caspian port" in svg
    assert svg.count("<line") == 1 + 1 + 3  # one corridor; rail; ferry drawn over its outline (two lines)
    assert "<script" not in svg


@pytest.mark.parametrize(("name", "label"), [("Xi'an", "Xi’an"), ('A "b"', "A ”b”"), ("Алматы", "Алматы")])
def test_labels_avoid_quotes(name, label):
    assert maps.label_text(name) == label
    assert not set("'\"`\\") & set(maps.character_set([{"label": maps.label_text(name)}]))


@pytest.mark.parametrize(("flt", "legs", "places"), [
    (maps.MapFilter(("c1",), ("rail", "ferry"), ("caspian_port", "rail_hub")), 1, 2),
    (maps.MapFilter(("c1",), ("rail",), ("caspian_port",)), 0, 0),
    (maps.MapFilter(("c1",), ("ferry",), ("caspian_port",), ("AZE",)), 1, 1),
    (maps.MapFilter(("zz",), ("ferry",), ("caspian_port",)), 0, 0),
])
def test_filter_map(small, flt, legs, places):
    drawn, _ = small
    kept, shown = maps.filter_map(drawn, NODES, flt)
    assert (len(kept), len(shown)) == (legs, places)


def test_fit_view_frames_the_points():
    lon, lat, zoom = maps.fit_view([(50.0, 40.0), (52.0, 44.0)])
    assert lon == pytest.approx(51.0) and 41.5 < lat < 42.5 and 4 < zoom <= 6
    assert maps.fit_view([]) == (maps.OVERVIEW.longitude, maps.OVERVIEW.latitude, maps.OVERVIEW.zoom)


def test_presets_cover_every_corridor(shipped):
    legs, _ = geo.leg_paths(shipped["segments"], shipped["nodes"])
    presets = maps.view_presets(legs, shipped["corridors"])
    assert set(shipped["corridors"]["corridor_id"]) <= set(presets)
    titr = presets["titr_middle_corridor"]
    assert 40 < titr.longitude < 60 and 35 < titr.latitude < 50
    # the overview frames Europe to the Pacific with Kazakhstan in the middle
    assert 60 < maps.OVERVIEW.longitude < 80 and maps.OVERVIEW.zoom < 3


@pytest.mark.parametrize(("color", "rgb"), [("#1f77b4", [31, 119, 180]), ("bad", [128, 128, 128]),
                                            ("#zzzzzz", [128, 128, 128])])
def test_hex_to_rgb(color, rgb):
    assert maps.hex_to_rgb(color) == rgb


def test_standalone_html_needs_no_network(small):
    legs, _ = small
    deck = maps.corridor_deck(legs, CORRIDORS, geo.placed(NODES))
    page = maps.standalone_html(deck, "Map <b>", maps.legend_svg(CORRIDORS, ["ferry"], ["caspian_port"]),
                                "note <script>")
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']?https?:", page)
    assert "Map &lt;b&gt;" in page and "note &lt;script&gt;" in page
    spec = json.loads(re.search(r"jsonInput: (\{.*\}),\n  tooltip", page, re.S).group(1))
    assert "mapStyle" not in spec and "mapProvider" not in spec
    assert "extensions" not in json.dumps(spec)  # pydeck's bundle has no layer extensions registered
    assert [layer["id"] for layer in spec["layers"]][:3] == ["sea", "countries", "kazakhstan"]
    # data inside the JSON cannot close the script element
    assert "</img" not in page.split("<script>", 1)[-1]


@pytest.mark.parametrize(("lang", "label"), [("en", "Aktau"), ("ru", "Актау"), ("kk", "Ақтау")])
def test_labels_follow_the_page_language(lang, label):
    from qazdash.i18n import set_language

    set_language(lang)
    try:
        assert maps.place_records(geo.placed(NODES))[0]["label"] == label
    finally:
        set_language("en")


def test_declutter_keeps_the_more_important_label():
    records = maps.place_records(geo.placed(NODES))
    close = [dict(records[0]), dict(records[1], position=[51.16, 43.66], priority=5)]
    assert [r["id"] for r in maps.declutter(close, zoom=2)] == ["kz_a"]
    assert [r["id"] for r in maps.declutter(close, zoom=2, selected="az_b")] == ["az_b"]
    assert len(maps.declutter(close, zoom=12)) == 2


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")  # bold: the widest case of each text


def rendered_width(text: str) -> float:
    """The width of ``text`` drawn in DejaVu Sans Bold 13 px, Chromium's sans-serif here (measured, not estimated)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(DEJAVU), 13).getlength(text)


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu fonts to measure text")
@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_legend_columns_never_overlap_in_any_language(lang, shipped):
    from qazdash.i18n import set_language

    set_language(lang)
    try:
        svg = maps.legend_svg(shipped["corridors"], list(maps.MODE_STYLES), list(maps.KIND_STYLES))
    finally:
        set_language("en")
    width = float(re.search(r'<svg[^>]* width="(\d+)"', svg).group(1))
    pattern = r'<text x="([\d.]+)" y="(\d+)"[^>]*>([^<]*)</text>'
    texts = [(float(x), int(y), html.unescape(text)) for x, y, text in re.findall(pattern, svg)]
    by_line: dict[int, list[tuple[float, str]]] = {}
    for x, y, text in texts:
        by_line.setdefault(y, []).append((x, text))
    assert len(texts) == 3 + len(shipped["corridors"]) + len(maps.MODE_STYLES) + len(maps.KIND_STYLES)
    for line in by_line.values():
        line.sort()
        for (x, text), (next_x, _next) in zip(line, line[1:], strict=False):
            assert x + rendered_width(text) < next_x, (lang, text, _next)
        last_x, last = line[-1]
        assert last_x + rendered_width(last) <= width, (lang, last)


def test_a_corridor_preset_shows_that_corridor_alone_with_its_places(shipped):
    legs, _ = geo.leg_paths(shipped["segments"], shipped["nodes"])
    ids = list(shipped["corridors"]["corridor_id"])
    shown, places = maps.preset_map(legs, shipped["nodes"], ids, "titr_middle_corridor")
    assert set(shown["corridor_id"]) == {"titr_middle_corridor"}
    assert len(shown) == (legs["corridor_id"] == "titr_middle_corridor").sum()
    assert set(places["node_id"]) == (set(shown["from_node"]) | set(shown["to_node"])) & set(places["node_id"])
    assert {"kz_aktau_port", "ro_constanta"} <= set(places["node_id"]) and "cn_qingdao" not in set(places["node_id"])

    everything, all_places = maps.preset_map(legs, shipped["nodes"], ids, "overview")  # not a corridor id
    assert len(everything) == len(legs) and set(places["node_id"]) < set(all_places["node_id"])
    legend = maps.legend_for(shipped["corridors"], shown, places)
    assert "Middle Corridor" in legend and "Qingdao" not in legend  # only what the map draws
