"""AppTest of /map: filters and selection from the URL, selection details, route comparison."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from qazdash.ui import map_state
from tests.app.conftest import assert_no_errors, open_page, page_text


def table_with(at, column: str):
    """The dataframe on the page that has ``column`` (AppTest does not expose dataframe keys)."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")


@pytest.fixture(scope="module")
def default_page():
    return open_page("map")


def test_opens_with_the_default_comparison(default_page):
    at = default_page
    assert_no_errors(at)
    text = page_text(at)
    assert "Corridor map" in text and "Compare routes" in text
    assert at.selectbox(key="map_origin").value == "kz_almaty"
    assert at.selectbox(key="map_destination").value == "kr_busan"
    routes_table = table_with(at, "border_crossings")
    vias = list(routes_table["via"])
    assert any("Qingdao" in v for v in vias) and any("Lianyungang" in v for v in vias)
    # rail days are labelled as estimates with the stated assumption
    assert "700 km/day" in text
    assert "Not drawn: Darbaza → Maktaaral" in text


def test_url_reproduces_filters_view_selection_and_route():
    at = open_page("map", {
        "map_corridors": "titr_middle_corridor",
        "map_modes": ["rail", "ferry"],
        "map_view": "caspian",
        "map_place": "kz_kuryk_port",
        "map_origin": "kz_almaty",
        "map_destination": "ro_constanta",
        "map_route": "2",
    })
    assert_no_errors(at)
    assert at.multiselect(key="map_corridors").value == ["titr_middle_corridor"]
    assert at.multiselect(key="map_modes").value == ["rail", "ferry"]
    assert at.selectbox(key="map_view").value == "caspian"
    assert at.selectbox(key="map_place").value == "kz_kuryk_port"
    assert at.radio(key="map_route").value == "2"
    text = page_text(at)
    assert "#### Port of Kuryk" in text
    # two Trans-Caspian routes and one via Russia and Novorossiysk; the corridors towards Asia connect nothing
    vias = list(table_with(at, "border_crossings")["via"])
    assert len(vias) == 3 and all("Alat" in v for v in vias[:2]) and vias[2] == "Novorossiysk"
    assert "No route in the data connects these places through:" in text
    assert "Kazakhstan – Qingdao – Asia-Pacific" in text and "Northern route via Russia" not in text
    assert "KTZ reported Altynkol→Constanta via Poti/Batumi in 20–22 days (2024)" in text


def test_selecting_a_place_shows_its_details():
    at = open_page("map")
    at.selectbox(key="map_place").set_value("kz_aktau_port").run()
    assert_no_errors(at)
    text = page_text(at)
    for expected in ("Aktau seaport", "Морской порт Актау", "Ақтау теңіз порты", "KZAAU", "Caspian port",
                     "43.65, 51.15 — APPROXIMATE", "Legs through this place", "News that mentions it"):
        assert expected in text, expected
    legs = table_with(at, "corridor")
    assert set(legs["to"]) >= {"Aktau seaport", "Baku International Sea Trade Port (Alat)"}


def test_selecting_a_corridor_lists_its_legs_with_the_basis_of_each_figure():
    at = open_page("map", {"map_corridor": "titr_middle_corridor"})
    assert_no_errors(at)
    legs = table_with(at, "days basis")
    assert len(legs) == 21
    ferry = legs[(legs["from"] == "Aktau seaport")].iloc[0]
    assert ferry["days basis"] == "sourced" and ferry["km basis"] == "estimated"
    assert legs.iloc[0]["km basis"] == "sourced"  # Dostyk–Aktogay 304 km
    labels = [m.label for m in at.metric]
    assert "Trunk distance (km)" in labels


def test_filters_that_match_nothing_say_what_to_change():
    at = open_page("map", {"map_corridors": "northern_route_russia", "map_modes": "ferry"})
    assert_no_errors(at)
    assert any("Nothing matches these filters" in i.value for i in at.info)


@pytest.mark.parametrize(("objects", "expected"), [
    ({"places": [{"kind": "place", "id": "kz_aktau_port"}]}, {"map_place": "kz_aktau_port"}),
    ({"legs-sea": [{"kind": "leg", "id": "titr_middle_corridor:8", "corridor": "titr_middle_corridor"}]},
     {"map_corridor": "titr_middle_corridor", "map_place": "", "map_leg": "titr_middle_corridor:8"}),
    ({}, {}),
    ({"countries": [{"kind": "x"}]}, {}),
])
def test_a_click_on_the_map_selects_the_place_or_the_legs_corridor(monkeypatch, objects, expected):
    state = {"map_deck": {"selection": {"objects": objects, "indices": {}}}}
    monkeypatch.setattr(map_state, "st", SimpleNamespace(session_state=state))
    map_state.on_deck_select("map_deck")
    assert {k: v for k, v in state.items() if k in expected} == expected
    assert "map_corridor" in state or "map_place" in state or not expected


def test_comparison_without_a_connection_is_an_empty_state_not_an_error():
    at = open_page("map", {"map_origin": "kz_kostanay", "map_destination": "ir_bandar_abbas"})
    assert_no_errors(at)
    assert at.selectbox(key="map_origin").value == "kz_kostanay"
    # Kostanay's only leg leads into Russia; coming back into Kazakhstan is not a route
    assert any("No route in the corridor data connects Kostanay and Bandar Abbas" in i.value for i in at.info)


def test_legs_not_drawn_are_explained_in_the_page_language():
    at = open_page("map", {"lang": "ru"})
    assert_no_errors(at)
    assert any("нет координат для: Дарбаза" in c.value for c in at.caption), [c.value for c in at.caption]
