"""Shipped geometry: the Natural Earth basemap and the precomputed leg geometries, plus GIS exports.

Pure functions, no streamlit. The files come from ``scripts/build_basemap.py`` (``data/basemap/``)
and ``scripts/build_sea_routes.py`` (``data/routes/legs.geojson``).
"""

from __future__ import annotations

import json
import math
import tempfile
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point

from qazdash.config import DATA_DIR

KAZAKHSTAN_ISO_N3 = "398"
BASEMAP_DIR = DATA_DIR / "basemap"
LEGS_PATH = DATA_DIR / "routes" / "legs.geojson"
# Trans-Pacific lines run continuously past 180°; a copy of the Americas is drawn there too.
AMERICAS_MAX_LON = -20.0
# A precomputed geometry is used only while its ends still match the node points (degrees, ~1 km).
END_TOLERANCE_DEG = 0.01
STRAIGHT = "straight line between the nodes"


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def countries_geojson(shift_americas: bool = True) -> dict:
    """Natural Earth 1:50m countries (``iso_n3``, ``name``) as a GeoJSON dict; treat it as read-only.

    With ``shift_americas`` the countries west of 20° W appear a second time shifted by 360°, so that
    trans-Pacific sea lanes (drawn continuously past 180°) end on land.
    """
    data = _read_json(BASEMAP_DIR / "countries.geojson")
    if not shift_americas:
        return data
    shifted = []
    for feature in data["features"]:
        geometry = feature["geometry"]
        parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        west = [part for part in parts if max(_lons(part)) < AMERICAS_MAX_LON]
        if west:
            shifted.append({"type": "Feature", "properties": {**feature["properties"], "copy": True},
                            "geometry": _shift({"type": "MultiPolygon", "coordinates": west}, 360.0)})
    return {"type": "FeatureCollection", "features": data["features"] + shifted}


def _lons(coords) -> list[float]:
    if isinstance(coords[0], (int, float)):
        return [coords[0]]
    out: list[float] = []
    for c in coords:
        out.extend(_lons(c))
    return out


def _shift(geometry: dict, dx: float) -> dict:
    def walk(coords):
        if isinstance(coords[0], (int, float)):
            return [round(coords[0] + dx, 3), coords[1]]
        return [walk(c) for c in coords]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def kazakhstan_geojson() -> dict:
    """Only Kazakhstan (ISO 3166-1 numeric 398), for the emphasis layer."""
    features = [f for f in countries_geojson(False)["features"]
                if f["properties"]["iso_n3"] == KAZAKHSTAN_ISO_N3]
    return {"type": "FeatureCollection", "features": features}


@cache
def land() -> gpd.GeoDataFrame:
    """Natural Earth 1:50m land polygons (WGS84)."""
    return gpd.read_file(BASEMAP_DIR / "land.geojson")


@cache
def _leg_geometries() -> tuple[dict[tuple[frozenset, str], dict], tuple[dict, ...]]:
    data = _read_json(LEGS_PATH)
    table = {}
    for feature in data["features"]:
        p = feature["properties"]
        table[(frozenset((p["from_node"], p["to_node"])), p["mode"])] = feature
    return table, tuple(data.get("skipped", ()))


def precomputed_skipped() -> list[dict]:
    """Legs the build script skipped, with the reason (e.g. a node without coordinates)."""
    return [dict(s) for s in _leg_geometries()[1]]


def leg_path(from_node: str, to_node: str, mode: str, a: tuple[float, float], b: tuple[float, float],
             ) -> tuple[list[list[float]], str]:
    """The drawn path of one leg from point ``a`` to ``b`` (lon, lat) and how it was made.

    The precomputed geometry is used where one exists for the pair and mode and its ends still match the
    node points (reversed when the leg runs the other way); otherwise a straight line, labelled as such.
    """
    feature = _leg_geometries()[0].get((frozenset((from_node, to_node)), mode))
    if feature is not None:
        coords = [list(c) for c in feature["geometry"]["coordinates"]]
        if feature["properties"]["from_node"] != from_node:
            coords.reverse()
        if _near(coords[0], a) and _near(coords[-1], b):
            return coords, feature["properties"]["method"]
    return [[a[0], a[1]], [b[0], b[1]]], STRAIGHT


def _near(c: list[float], p: tuple[float, float]) -> bool:
    dx = (c[0] - p[0] + 180) % 360 - 180  # the same point seen across the antimeridian
    return abs(dx) <= END_TOLERANCE_DEG and abs(c[1] - p[1]) <= END_TOLERANCE_DEG


def placed(nodes: pd.DataFrame) -> pd.DataFrame:
    """Nodes that have both coordinates."""
    return nodes[nodes["lat"].notna() & nodes["lon"].notna()]


def leg_paths(segments: pd.DataFrame, nodes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(drawable legs with ``path`` and ``geometry_method``, skipped legs with ``reason``)."""
    pts = placed(nodes).set_index("node_id")[["lon", "lat"]]
    rows, skipped = [], []
    for leg in segments.to_dict("records"):
        missing = [n for n in (leg["from_node"], leg["to_node"]) if n not in pts.index]
        if missing:
            skipped.append({**leg, "reason": "no coordinates for " + ", ".join(missing)})
            continue
        a = tuple(pts.loc[leg["from_node"]])
        b = tuple(pts.loc[leg["to_node"]])
        path, method = leg_path(leg["from_node"], leg["to_node"], leg["mode"], a, b)
        rows.append({**leg, "path": path, "geometry_method": method})
    columns = [*segments.columns, "path", "geometry_method"]
    return pd.DataFrame(rows, columns=columns), pd.DataFrame(skipped, columns=[*segments.columns, "reason"])


def path_crosses_land(path: list[list[float]], buffer_deg: float = 0.15) -> float:
    """Length in km (roughly) of ``path`` over land, ignoring ``buffer_deg`` around its two ends."""
    import shapely

    land_union = _land_union_with_copy()
    ends = shapely.union_all([Point(path[0]).buffer(buffer_deg), Point(path[-1]).buffer(buffer_deg)])
    over = LineString(path).intersection(land_union.difference(ends))
    lat = (path[0][1] + path[-1][1]) / 2
    return over.length * 111.32 * max(math.cos(math.radians(lat)), 0.2)


@cache
def _land_union_with_copy():
    import shapely

    polys = land().geometry.explode(index_parts=False)
    west = polys[polys.bounds["maxx"] < AMERICAS_MAX_LON]
    return shapely.union_all(pd.concat([polys, west.translate(xoff=360)]).values)


# -- GIS exports -------------------------------------------------------------------------------------
def _unwrap_lon(lon: float) -> float:
    return (lon + 180) % 360 - 180


def legs_geodataframe(legs: pd.DataFrame) -> gpd.GeoDataFrame:
    """Drawable legs (from ``leg_paths``) as a GeoDataFrame in WGS84, longitudes within ±180°.

    Lines that cross the antimeridian are split into a MultiLineString so that QGIS draws them right.
    """
    from shapely.geometry import MultiLineString

    def geometry(path):
        parts, current = [], []
        for lon, lat in path:
            x = _unwrap_lon(lon)
            if current and abs(x - current[-1][0]) > 180:
                edge = 180.0 if current[-1][0] > 0 else -180.0
                current.append((edge, lat))
                parts.append(current)
                current = [(-edge, lat)]
            current.append((x, lat))
        parts.append(current)
        return LineString(parts[0]) if len(parts) == 1 else MultiLineString(parts)

    frame = legs.drop(columns=["path"]).copy()
    return gpd.GeoDataFrame(frame, geometry=[geometry(p) for p in legs["path"]], crs=4326)


def places_geodataframe(nodes: pd.DataFrame) -> gpd.GeoDataFrame:
    """Placed nodes as points in WGS84."""
    frame = placed(nodes).copy()
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=4326)


def _export_ready(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    for column in out.columns:
        if column != out.geometry.name and out[column].dtype == object:
            out[column] = out[column].map(
                lambda v: v if v is None or isinstance(v, (str, int, float)) else str(v))
    return out


def to_geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    return _export_ready(frame).to_json(drop_id=True, ensure_ascii=False).encode("utf-8")


def to_geopackage_bytes(layers: dict[str, gpd.GeoDataFrame]) -> bytes:
    """One GeoPackage file holding each frame as a layer (named by the dict keys)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "qazdash.gpkg"
        for name, frame in layers.items():
            _export_ready(frame).to_file(path, layer=name, driver="GPKG", engine="pyogrio")
        return path.read_bytes()
