"""The shipped basemap and leg geometries: water stays water, sea and ferry legs stay off land."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from qazdash import geo

LEGS = json.loads(geo.LEGS_PATH.read_text(encoding="utf-8"))
WATER_LEGS = [f for f in LEGS["features"] if f["properties"]["mode"] in ("sea", "ferry")]


def test_basemap_has_kazakhstan_and_the_caspian_is_water():
    countries = geo.countries_geojson(False)["features"]
    kaz = [f for f in countries if f["properties"]["iso_n3"] == "398"]
    assert [f["properties"]["name"] for f in kaz] == ["Kazakhstan"]
    land = geo.land().geometry.union_all()
    assert land.contains(Point(76.9, 43.25))  # Almaty
    assert not land.contains(Point(50.5, 42.0))  # the middle Caspian
    assert not land.contains(Point(51.0, 39.5))  # the south Caspian


def test_basemap_files_are_compact():
    sizes = [p.stat().st_size for p in geo.BASEMAP_DIR.glob("*.geojson")]
    assert len(sizes) == 2
    assert all(100_000 < s < 1_500_000 for s in sizes), sizes


def test_no_polygon_wraps_around_the_world():
    """Rings across 180° are unwrapped: no country part spans more than 180° of longitude."""
    for feature in geo.countries_geojson(False)["features"]:
        geom = feature["geometry"]
        parts = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for part in parts:
            lons = [c[0] for c in part[0]]
            assert max(lons) - min(lons) < 180, feature["properties"]["name"]


def test_americas_are_repeated_east_of_180_for_transpacific_lanes():
    copies = [f for f in geo.countries_geojson()["features"] if f["properties"].get("copy")]
    names = {f["properties"]["name"] for f in copies}
    assert {"Canada", "United States of America", "Mexico"} <= names


@pytest.mark.parametrize("feature", WATER_LEGS,
                         ids=[f"{f['properties']['from_node']}-{f['properties']['to_node']}" for f in WATER_LEGS])
def test_sea_and_ferry_legs_stay_off_land(feature):
    """Outside 0.15° (~15 km) of its two ports, no sea or ferry leg touches the shipped land."""
    path = feature["geometry"]["coordinates"]
    assert len(path) >= 2
    assert geo.path_crosses_land(path) == pytest.approx(0.0, abs=0.5)


def test_a_straight_aktau_alat_line_would_cross_land():
    """Why the ferry needs a water path: the straight line crosses the Absheron peninsula."""
    straight = [[51.15, 43.65], [49.4067, 39.9483]]
    assert geo.path_crosses_land(straight) > 10


def test_ferry_paths_are_longer_than_the_straight_line_but_not_absurd():
    ferry = {(f["properties"]["from_node"], f["properties"]["to_node"]): f["properties"]["length_km"]
             for f in LEGS["features"] if f["properties"]["mode"] == "ferry"}
    assert 436 < ferry[("kz_aktau_port", "az_alat_port")] < 436 * 1.3
    assert 406 < ferry[("kz_kuryk_port", "az_alat_port")] < 406 * 1.3


def test_sea_legs_end_exactly_at_their_nodes(shipped):
    nodes = shipped["nodes"].set_index("node_id")
    for f in WATER_LEGS:
        p = f["properties"]
        for node, coord in ((p["from_node"], f["geometry"]["coordinates"][0]),
                            (p["to_node"], f["geometry"]["coordinates"][-1])):
            lon = (coord[0] + 180) % 360 - 180
            assert lon == pytest.approx(nodes.loc[node, "lon"], abs=1e-4)
            assert coord[1] == pytest.approx(nodes.loc[node, "lat"], abs=1e-4)


def test_skipped_legs_are_listed_with_the_reason():
    assert geo.precomputed_skipped() == [
        {"from_node": "kz_darbaza", "to_node": "kz_maktaaral", "mode": "rail",
         "reason": "no coordinates for kz_darbaza"}]


def test_leg_paths_uses_precomputed_lanes_and_straight_rail(shipped):
    legs, skipped = geo.leg_paths(shipped["segments"], shipped["nodes"])
    assert len(legs) + len(skipped) == len(shipped["segments"])
    assert list(skipped["from_node"]) == ["kz_darbaza"]
    by_key = legs.set_index(["corridor_id", "seq"])
    rail = by_key.loc[("qingdao_asia_pacific", 1)]
    assert rail["geometry_method"] == geo.STRAIGHT and len(rail["path"]) == 2
    sea = by_key.loc[("qingdao_asia_pacific", 8)]
    assert sea["geometry_method"].startswith("searoute") and len(sea["path"]) > 5
    # a leg drawn in the other direction reuses the same geometry, reversed
    back = by_key.loc[("china_europe_rail", 2)]  # Lanzhou -> Urumqi
    assert back["path"][0] == pytest.approx([103.8343, 36.0564], abs=0.01)


@pytest.mark.parametrize(("mode", "a", "b", "expected"), [
    ("sea", (120.3, 36.05), (129.04, 35.1), geo.STRAIGHT),  # not the node points of any stored lane
    ("rail", (0.0, 0.0), (1.0, 1.0), geo.STRAIGHT),
])
def test_unknown_or_moved_legs_fall_back_to_a_labelled_straight_line(mode, a, b, expected):
    path, method = geo.leg_path("xx_a", "xx_b", mode, a, b)
    assert method == expected
    assert path == [list(a), list(b)]


def test_gis_exports_round_trip(shipped, tmp_path):
    legs, _ = geo.leg_paths(shipped["segments"], shipped["nodes"])
    legs_gdf = geo.legs_geodataframe(legs)
    places = geo.places_geodataframe(shipped["nodes"])
    assert legs_gdf.crs.to_epsg() == 4326
    assert legs_gdf.total_bounds[0] >= -180 and legs_gdf.total_bounds[2] <= 180
    # the trans-Pacific lanes are split at 180° for GIS use
    vancouver = legs_gdf[legs_gdf["to_node"] == "ca_vancouver"].geometry.iloc[0]
    assert vancouver.geom_type == "MultiLineString"
    gpkg = tmp_path / "x.gpkg"
    gpkg.write_bytes(geo.to_geopackage_bytes({"legs": legs_gdf, "places": places}))
    import geopandas as gpd
    import pyogrio

    assert sorted(pyogrio.list_layers(gpkg)[:, 0]) == ["legs", "places"]
    back = gpd.read_file(gpkg, layer="places")
    assert len(back) == len(places) == len(shipped["nodes"]) - 1  # Darbaza is not placed
    data = json.loads(geo.to_geojson_bytes(legs_gdf))
    assert len(data["features"]) == len(legs)
    assert isinstance(LineString(data["features"][0]["geometry"]["coordinates"]), LineString)
    assert isinstance(pd.DataFrame(data["features"]), pd.DataFrame)
