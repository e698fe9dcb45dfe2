"""Leg figures and their basis, the network, and route comparison against hand-checked figures."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from qazdash import routes

GEODESIC = "Via Kokshetau; distance = straight-line (geodesic) estimate between node points; actual rail distance"
SEA = ("branch: one of the alternative sea legs; distance = sea-route estimate (searoute 1.6.0 marnet), not "
       "sourced; days = estimate at 15 knots, port time excluded")


@pytest.mark.parametrize(("notes", "km", "expected"), [
    ("Lanzhou–Xinjiang (Lanxin) railway, conventional line length; distance sourced", 1904, routes.SOURCED),
    (GEODESIC, 439, routes.ESTIMATED),
    (SEA, 891, routes.ESTIMATED),
    ("no distance given; distance not computed (node not placed / shared point)", None, routes.UNKNOWN),
    ("something else", 10, routes.UNKNOWN),
    (None, 10, routes.UNKNOWN),
])
def test_distance_basis(notes, km, expected):
    assert routes.distance_basis(notes, km)[0] == expected


@pytest.mark.parametrize(("notes", "days", "expected"), [
    ("Kuryk–Alat ferry; 18 h ...; days sourced", 0.75, routes.SOURCED),
    ("about 22 h ...; days implied by the cited port statement", 0.9, routes.SOURCED),
    (SEA, 1.3, routes.ESTIMATED),
    (GEODESIC, None, routes.UNKNOWN),
])
def test_days_basis(notes, days, expected):
    assert routes.days_basis(notes, days)[0] == expected


def test_estimate_at_15_knots_is_read_from_the_notes():
    assert routes.days_basis(SEA, 1.3)[1] == "estimate at 15 knots, port time excluded"


@pytest.mark.parametrize(("notes", "branch"), [("branch: x", True), ("Branch: y", True), ("Via Shalkar", False),
                                               (None, False)])
def test_is_branch(notes, branch):
    assert routes.is_branch(notes) is branch


# -- a tiny network, hand-checked ------------------------------------------------------------------
NODES = pd.DataFrame({
    "node_id": ["kz_a", "kz_b", "cn_c", "cn_d", "kr_e", "az_f"],
    "name_en": ["A", "B", "C", "D", "E", "F"],
    "country_iso3": ["KAZ", "KAZ", "CHN", "CHN", "KOR", "AZE"],
    "kind": ["city", "border_crossing", "border_crossing", "seaport", "seaport", "caspian_port"],
})


def seg(corridor, seq, a, b, mode, km, days=None, notes=""):
    return {"corridor_id": corridor, "seq": seq, "from_node": a, "to_node": b, "mode": mode,
            "distance_km": km, "typical_transit_days": days, "notes": notes, "source": "https://example.org"}


SEGMENTS = pd.DataFrame([
    seg("x", 1, "kz_a", "kz_b", "rail", 700.0, notes="distance sourced"),
    seg("x", 2, "kz_b", "cn_c", "rail", 14.0, notes="distance = straight-line (geodesic) estimate"),
    seg("x", 3, "cn_c", "cn_d", "rail", 1400.0, notes="distance sourced"),
    seg("x", 4, "cn_d", "kr_e", "sea", 666.72, 1.0, notes=SEA),
    seg("y", 1, "kz_a", "kz_b", "rail", 700.0, notes="distance sourced"),
    seg("y", 2, "kz_a", "az_f", "ferry", 400.0, 0.75, notes="days sourced; distance = straight-line (geodesic)"),
])


def test_leg_figures_estimate_rail_days_at_the_stated_speed():
    fig = routes.leg_figures(SEGMENTS, NODES, routes.Assumptions(rail_km_per_day=700))
    rail = fig.iloc[0]
    assert rail["days"] == pytest.approx(1.0)
    assert rail["days_basis"] == routes.ESTIMATED and rail["days_note"] == "estimate at 700 km/day"
    assert fig.iloc[3]["days"] == 1.0 and fig.iloc[3]["days_basis"] == routes.ESTIMATED  # given 15 kn figure
    assert fig.iloc[5]["days_basis"] == routes.SOURCED
    assert list(fig["border_crossing"]) == [False, True, False, True, False, True]
    assert list(fig["gauge_break"]) == [False, True, False, False, False, False]  # KAZ 1520 → CHN 1435


def test_shared_legs_become_one_edge_with_both_corridors():
    graph = routes.network(SEGMENTS, NODES)
    assert graph.number_of_edges() == 5
    assert sorted(graph.edges["kz_a", "kz_b", "rail"]["corridors"]) == ["x", "y"]


def test_route_metrics_by_hand():
    graph = routes.network(SEGMENTS, NODES, routes.Assumptions(rail_km_per_day=700))
    [route] = routes.find_routes(graph, "kz_a", "kr_e")
    assert route.nodes == ["kz_a", "kz_b", "cn_c", "cn_d", "kr_e"]
    assert route.distance_km == pytest.approx(700 + 14 + 1400 + 666.72)
    assert route.days == pytest.approx(1 + 14 / 700 + 2 + 1)
    assert route.sourced_km == pytest.approx(2100)
    assert route.border_crossings == [("kz_b", "cn_c"), ("cn_d", "kr_e")]
    assert route.gauge_breaks == [("kz_b", "cn_c")]
    assert route.mode_changes == 1
    assert route.countries == ["KAZ", "CHN", "KOR"]
    assert route.share_by_mode["sea"] == pytest.approx(666.72 / 2780.72)
    assert route.corridors == ["x"]


def test_legs_run_both_ways_in_the_network():
    graph = routes.network(SEGMENTS, NODES)
    [route] = routes.find_routes(graph, "az_f", "kz_b")
    assert route.nodes == ["az_f", "kz_a", "kz_b"]
    assert list(route.legs["reversed"]) == [True, False]


def test_routes_never_reenter_a_country():
    extra = pd.concat([SEGMENTS, pd.DataFrame([seg("z", 1, "cn_c", "kz_a", "rail", 5.0)])], ignore_index=True)
    graph = routes.network(extra, NODES)
    found = routes.find_routes(graph, "kz_b", "kr_e")
    # kz_b → kz_a → cn_c → ... is fine; kz_b → cn_c → kz_a would re-enter Kazakhstan and never appears
    assert all(routes._reenters([*r.countries]) is False for r in found)
    assert ["kz_b", "cn_c", "cn_d", "kr_e"] in [r.nodes for r in found]


def test_unknown_place_is_a_clear_error():
    graph = routes.network(SEGMENTS, NODES)
    with pytest.raises(ValueError, match="origin 'kz_zz' is not on any leg"):
        routes.find_routes(graph, "kz_zz", "kr_e")


@pytest.mark.parametrize(("legs", "expected"), [
    ([["a"], ["a", "b"], ["b"]], ["a", "a", "b"]),
    ([["a", "b"], ["b"], ["a", "b"]], ["b", "b", "b"]),
    ([["q", "l", "e"], ["q", "l"], ["q"], ["l"]], ["q", "q", "q", "l"]),
])
def test_corridor_cover_switches_corridor_as_rarely_as_possible(legs, expected):
    assert routes._corridor_cover(legs) == expected


@pytest.mark.parametrize(("coord_check", "status"), [
    ("VERIFIED | primary: GeoNames", "VERIFIED"),
    ("CHECKED (city centre vs port) | ...", "CHECKED"),
    ("SINGLE SOURCE | GeoNames only", "SINGLE SOURCE"),
    ("APPROXIMATE | village", "APPROXIMATE"),
    ("NOT PLACED", "NOT PLACED"),
    ("", ""),
])
def test_coord_status(coord_check, status):
    assert routes.coord_status(coord_check)[0] == status


# -- the shipped network: the examples --------------------------------------------------------
@pytest.fixture(scope="module")
def shipped_graph(shipped):
    return routes.network(shipped["segments"], shipped["nodes"])


def test_almaty_busan_via_qingdao_and_via_lianyungang(shipped_graph):
    found = routes.find_routes(shipped_graph, "kz_almaty", "kr_busan")
    by_port = {r.nodes[-2]: r for r in found if "kz_altynkol" in r.nodes}
    lyg, qd = by_port["cn_lianyungang_base"], by_port["cn_qingdao_qianwan"]
    # hand sum of segments.csv: 291 + 11 + 667.5 + 1904 + 676 + 511 + 572 + 925 (Lianyungang, via Xi'an)
    assert lyg.distance_km == pytest.approx(5557.5)
    assert lyg.corridors == ["lianyungang_asia_pacific"]
    # 291 + 11 + 667.5 + 1904 + 1187 + 618 + 891 (Qingdao)
    assert qd.distance_km == pytest.approx(5569.5)
    assert qd.corridors == ["qingdao_asia_pacific"]
    for r in (lyg, qd):
        assert r.countries == ["KAZ", "CHN", "KOR"]
        assert len(r.border_crossings) == 2 and r.gauge_breaks == [("kz_altynkol", "cn_khorgos")]
        assert r.mode_changes == 1 and r.sourced_days == 0
    # sea days are the data's own 15-knot estimates: 1.3 (Qingdao) and 1.4 (Lianyungang)
    assert qd.legs["days"].iloc[-1] == 1.3 and lyg.legs["days"].iloc[-1] == 1.4
    assert any("about 5 days" in text for text, _ in lyg.quoted_times)


def test_almaty_constanta_trans_caspian_is_unchanged_by_the_russian_route(shipped_graph):
    found = routes.find_routes(shipped_graph, "kz_almaty", "ro_constanta")
    assert [r.nodes[3] for r in found] == ["kz_kuryk_port", "kz_aktau_port", "kz_aktobe"]
    kuryk, aktau = found[0], found[1]
    # 1307 + 499 + 372 + 436 (ferry) + 695 + 1077 (sea)
    assert aktau.distance_km == pytest.approx(4386)
    assert aktau.sourced_days == pytest.approx(0.9)  # the Aktau–Alat ferry, implied by the port statement
    assert aktau.countries == ["KAZ", "AZE", "GEO", "ROU"]
    assert aktau.gauge_breaks == [] and aktau.mode_changes == 3
    assert kuryk.distance_km == pytest.approx(1307 + 499 + 368 + 406 + 695 + 1077)
    assert kuryk.sourced_days == pytest.approx(0.75)
    assert kuryk.corridors == aktau.corridors == ["titr_middle_corridor"]
    assert len(kuryk.border_crossings) == len(aktau.border_crossings) == 3
    assert any("20–22 days" in text for text, _ in aktau.quoted_times)


def test_almaty_constanta_via_russia_and_novorossiysk(shipped_graph, shipped):
    """Issue #3's last example. Hand sum of the rows in segments.csv: Almaty–Saksaulskaya 1307,
    Saksaulskaya–Beineu 499, Beineu–Aktobe 572 (rail, geodesic estimates), Aktobe–Novorossiysk 1582 (rail,
    geodesic estimate), Novorossiysk–Constanța 774 (sea, searoute estimate, 1.2 days at 15 knots)."""
    found = routes.find_routes(shipped_graph, "kz_almaty", "ro_constanta")
    [russia] = [r for r in found if "RUS" in r.countries]
    assert russia.nodes == ["kz_almaty", "kz_saksaulskaya", "kz_beineu", "kz_aktobe", "ru_novorossiysk",
                            "ro_constanta"]
    assert russia.distance_km == pytest.approx(4734)
    assert russia.km_by_mode == {"rail": 3960, "sea": 774}
    assert russia.share_by_mode["rail"] == pytest.approx(3960 / 4734)
    assert russia.share_by_mode["sea"] == pytest.approx(774 / 4734)
    assert russia.countries == ["KAZ", "RUS", "ROU"]
    assert russia.border_crossings == [("kz_aktobe", "ru_novorossiysk"), ("ru_novorossiysk", "ro_constanta")]
    assert russia.gauge_breaks == [] and russia.mode_changes == 1
    # nothing on this route is sourced: every distance and every day is an estimate, and says so
    assert russia.sourced_km == 0 and russia.sourced_days == 0
    assert russia.days == pytest.approx(3960 / 700 + 1.2)
    assert set(russia.legs["days_basis"]) == {routes.ESTIMATED}
    assert russia.corridors == ["titr_middle_corridor", "southern_route_iran", "northern_route_russia"]
    assert [t for t, _ in russia.quoted_times] == [
        "Kazzinc said container trains bring its cargo from Novo-Ust-Kamenogorsk to the Russian port within 7 days"]
    assert "metalukraine.com" in russia.quoted_times[0][1]
    # it is the longest of the three, and now every corridor towards Europe by the Black Sea connects
    assert found[-1] is russia
    assert "northern_route_russia" not in routes.corridors_not_connecting(
        found, list(shipped["corridors"]["corridor_id"]))


def test_astana_duisburg_via_russia_crosses_two_gauges(shipped_graph):
    [route] = routes.find_routes(shipped_graph, "kz_astana", "de_duisburg")
    assert route.countries == ["KAZ", "RUS", "BLR", "POL", "DEU"]
    assert route.gauge_breaks == [("by_brest", "pl_malaszewicze")]
    assert route.distance_km == pytest.approx(439 + 1987 + 997 + 16 + 174 + 984)


def test_routes_table_and_figure(shipped_graph, shipped):
    found = routes.find_routes(shipped_graph, "kz_almaty", "ro_constanta")
    names = dict(zip(shipped["nodes"]["node_id"], shipped["nodes"]["name_en"], strict=True))
    table = routes.routes_table(found, shipped["nodes"], names.get, str)
    assert list(table["route"]) == [1, 2, 3]
    assert table.loc[1, "via"] == "Aktau seaport – Baku International Sea Trade Port (Alat) – Poti"
    assert table.loc[1, "border_crossings"] == 3
    russia = table.loc[2]
    assert (russia["via"], russia["countries"], russia["border_crossings"]) == ("Novorossiysk", "KAZ → RUS → ROU", 2)
    assert (russia["distance_km"], russia["share_ferry"], russia["gauge_breaks"]) == (4734, 0, 0)
    table["label"] = ["a", "b", "c"]
    fig = routes.comparison_figure(table, 2)
    assert [t.name for t in fig.data if t.type == "bar"] == ["rail", "ferry", "sea"]


def test_origins_and_destinations(shipped):
    origins = routes.origins(shipped["nodes"], shipped["segments"])
    destinations = routes.destinations(shipped["nodes"], shipped["segments"])
    assert "kz_almaty" in origins and all(o.startswith("kz_") for o in origins)
    assert {"kr_busan", "ro_constanta", "de_duisburg", "ru_novorossiysk"} <= set(destinations)
    assert "cn_tianjin" not in destinations  # listed in nodes.csv but on no leg


# -- the qazdash additions to the reference set (scripts/seed_reference_data.py) ---------------------------
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seed():
    spec = importlib.util.spec_from_file_location("seed_reference_data", ROOT / "scripts" / "seed_reference_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["nodes", "segments"])
def test_shipped_tables_are_the_reference_plus_the_documented_additions(seed, name):
    """Re-running the seed script gives the shipped file byte for byte: the additions survive a re-seed."""
    reference = seed.DEFAULT_REFERENCE / f"{name}.csv"
    if not reference.exists():
        pytest.skip(f"reference set not found at {reference}")
    frame = pd.read_csv(reference, dtype=str, keep_default_na=False)
    out = seed.with_additions(name, frame).to_csv(index=False)
    assert out == (ROOT / "data" / f"{name}.csv").read_text(encoding="utf-8")
    assert len(out.splitlines()) == len(frame) + len(seed.ADDITIONS[name]) + 1


def test_an_addition_whose_key_the_reference_gains_stops_the_seed(seed):
    segments = pd.DataFrame([seed.ADDITIONS["segments"][0]])
    with pytest.raises(SystemExit, match=r"key \['northern_route_russia', '8'\]"):
        seed.with_additions("segments", segments)


def test_additions_are_sourced_and_their_figures_are_the_computed_ones(seed, shipped):
    """The rail leg is the WGS84 geodesic between the node points, the sea leg searoute's length at 15 knots;
    every row cites the page it relies on and says it is a qazdash addition."""
    nodes = shipped["nodes"].set_index("node_id")
    for row in seed.ADDITIONS["nodes"] + seed.ADDITIONS["segments"]:
        assert row["source"].startswith(seed.NOVOROSSIYSK_SOURCE) and "qazdash addition" in row["notes"]
    rail, sea = seed.ADDITIONS["segments"]
    from pyproj import Geod

    a, b = nodes.loc[rail["from_node"]], nodes.loc[rail["to_node"]]
    km = Geod(ellps="WGS84").inv(a["lon"], a["lat"], b["lon"], b["lat"])[2] / 1000
    assert rail["distance_km"] == f"{km:.0f}" == "1582"
    assert routes.distance_basis(rail["notes"], km)[0] == routes.ESTIMATED
    assert rail["typical_transit_days"] == ""  # no source gives this leg's time
    searoute = pytest.importorskip("searoute")
    a, b = nodes.loc[sea["from_node"]], nodes.loc[sea["to_node"]]
    km = searoute.searoute([a["lon"], a["lat"]], [b["lon"], b["lat"]], units="km")["properties"]["length"]
    assert sea["distance_km"] == f"{km:.0f}" == "774"
    assert sea["typical_transit_days"] == f"{km / routes.KNOT_KM_PER_DAY / 15:.1f}" == "1.2"
    assert routes.days_basis(sea["notes"], 1.2) == (routes.ESTIMATED, "estimate at 15 knots, port time excluded")


def test_novorossiysk_lies_in_russia_on_the_shipped_basemap(shipped):
    import geopandas as gpd
    from shapely.geometry import Point

    node = shipped["nodes"].set_index("node_id").loc["ru_novorossiysk"]
    countries = gpd.read_file(ROOT / "data" / "basemap" / "countries.geojson")
    inside = countries[countries.contains(Point(node["lon"], node["lat"]))]
    assert list(inside["name"]) == ["Russia"]
    assert node["coord_check"].startswith("VERIFIED") and "inside RUS (Natural Earth 50m" in node["coord_check"]
