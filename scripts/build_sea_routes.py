"""Precompute the drawn geometry of every leg of data/segments.csv into data/routes/legs.geojson.

Offline, reproducible, committed output. One feature per physical leg (the pair of nodes and
the ``mode``, in either direction); legs shared by several corridors are computed once.

* ``sea`` legs follow the maritime network of the ``searoute`` package (1.6.0, Apache-2.0; network
  credited to Eurostat's SeaRoute). searoute snaps both ends to its network; the snapped end points are
  replaced by the exact node points. Where the short connector between a node and the network would cross
  land (outside a small harbour buffer), it is replaced by a water path (below).
* ``ferry`` legs (the Caspian crossings) use a water path: the shortest 8-connected path over the water
  cells of a 0.02° grid rasterised from the shipped Natural Earth land (data/basemap/land.geojson),
  straightened by line of sight (no straightened segment touches land). searoute's Caspian network is
  too coarse for these legs (it snaps Kuryk and Aktau to the same node), and a straight Aktau→Alat line
  crosses the Absheron peninsula.
* ``rail`` and ``road`` legs are straight lines between their two nodes (the corridor's node sequence).
* Legs with an end that has no coordinates (e.g. ``kz_darbaza``) are skipped and listed under
  ``skipped`` in the output; legs whose two ends share one point are kept as zero-length lines.

Usage: ``.venv/bin/python scripts/build_sea_routes.py`` (needs ``searoute==1.6.0``, the ``dev`` extra).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point
from shapely.prepared import prep

ROOT = Path(__file__).resolve().parents[1]
GRID_DEG = 0.02
HARBOUR_BUFFER_DEG = 0.15  # ~15 km: a node may stand for a port a little inland (Alat, Kuryk village)
PRECISION = 4  # decimals kept in the output (~10 m)
COAST_MARGIN_DEG = 0.01
DETOUR_SLACK = 4  # searoute vertices dropped on each side of a step that crosses land


def geodesic_km(coords: list[tuple[float, float]]) -> float:
    """Length of a lon/lat polyline on the WGS84 ellipsoid, in km."""
    from pyproj import Geod

    return Geod(ellps="WGS84").line_length([c[0] for c in coords], [c[1] for c in coords]) / 1000


class Water:
    """Water/land tests and grid water paths against the shipped land polygons."""

    def __init__(self, land_path: Path, shifted: bool = False):
        polygons = gpd.read_file(land_path).geometry
        if shifted:  # a copy of the Americas east of 180° for the continuous trans-Pacific lines
            west = polygons[polygons.bounds["maxx"] < -20]
            polygons = pd.concat([polygons, west.translate(xoff=360)])
        self.land = shapely.union_all(polygons.values)
        self.prepared = prep(self.land)

    def coast_margin(self):
        if not hasattr(self, "_margin"):
            self._margin = self.land.buffer(COAST_MARGIN_DEG)
        return self._margin

    def crosses_land(self, line: LineString, ends: list[Point]) -> bool:
        land = self.land.difference(shapely.union_all([p.buffer(HARBOUR_BUFFER_DEG) for p in ends]))
        return line.intersects(land)

    def water_path(self, a: tuple[float, float], b: tuple[float, float], pad: float = 3.0) -> list[tuple]:
        """Shortest water path from ``a`` to ``b`` (lon, lat) on a grid, straightened by line of sight."""
        lon0, lon1 = min(a[0], b[0]) - pad, max(a[0], b[0]) + pad
        lat0, lat1 = min(a[1], b[1]) - pad, max(a[1], b[1]) + pad
        lons = np.arange(lon0, lon1 + GRID_DEG, GRID_DEG)
        lats = np.arange(lat0, lat1 + GRID_DEG, GRID_DEG)
        xx, yy = np.meshgrid(lons, lats)
        # water cells keep a ~1 km margin from the coast, except in the harbour buffers of the two ends
        water = ~shapely.contains_xy(self.coast_margin(), xx, yy)
        for end in (a, b):
            near = (xx - end[0]) ** 2 + (yy - end[1]) ** 2 < HARBOUR_BUFFER_DEG ** 2
            water |= near & ~shapely.contains_xy(self.land, xx, yy)
        graph = nx.Graph()
        rows, cols = water.shape
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            r0, r1 = 0, rows - dr
            c0, c1 = max(0, -dc), cols - max(0, dc)
            both = water[r0:r1, c0:c1] & water[r0 + dr:r1 + dr, c0 + dc:c1 + dc]
            for r, c in zip(*np.nonzero(both), strict=True):
                r, c = r + r0, c + c0
                lat = lats[r]
                w = math.hypot(dc * math.cos(math.radians(lat)), dr)
                graph.add_edge((r, c), (r + dr, c + dc), weight=w)

        def nearest_water(p: tuple[float, float]) -> tuple[int, int]:
            r, c = np.nonzero(water)
            d = (lons[c] - p[0]) ** 2 * math.cos(math.radians(p[1])) ** 2 + (lats[r] - p[1]) ** 2
            i = int(np.argmin(d))
            return int(r[i]), int(c[i])

        start, end = nearest_water(a), nearest_water(b)

        def h(u, v):
            return math.hypot((u[1] - v[1]) * math.cos(math.radians(lats[u[0]])), u[0] - v[0])

        cells = nx.astar_path(graph, start, end, heuristic=h, weight="weight")
        pts = [a] + [(float(lons[c]), float(lats[r])) for r, c in cells] + [b]
        return self.straighten(pts, [Point(a), Point(b)])

    def straighten(self, pts: list[tuple], ends: list[Point]) -> list[tuple]:
        """Drop vertices while every remaining segment stays off land (outside the harbour buffers)."""
        # a ~1 km margin keeps straightened segments clear of the coast after rounding
        land = self.coast_margin().difference(shapely.union_all([p.buffer(HARBOUR_BUFFER_DEG) for p in ends]))
        land_p = prep(land)
        out = [pts[0]]
        i = 0
        while i < len(pts) - 1:
            j = len(pts) - 1
            while j > i + 1 and land_p.intersects(LineString([pts[i], pts[j]])):
                j -= 1
            out.append(pts[j])
            i = j
        return out


def sea_path(water: Water, a: tuple[float, float], b: tuple[float, float]) -> tuple[list[tuple], str]:
    import searoute

    feature = searoute.searoute(list(a), list(b), units="km")
    inner = [tuple(c) for c in feature["geometry"]["coordinates"]]
    if len(inner) < 2:
        return water.water_path(a, b), "water path on Natural Earth land grid (searoute found no path)"
    method = "searoute 1.6.0 marnet, exact node points at the ends"
    # searoute keeps trans-Pacific lines continuous (longitudes past 180°): keep the ends on the same side
    a = (a[0] + 360 * round((inner[0][0] - a[0]) / 360), a[1])
    b = (b[0] + 360 * round((inner[-1][0] - b[0]) / 360), b[1])
    head, tail = [a, inner[0]], [inner[-1], b]
    ends = [Point(a), Point(b)]
    if water.crosses_land(LineString(head), ends):
        head = water.water_path(a, inner[0], pad=1.0)
        method += "; harbour connector by water path"
    if water.crosses_land(LineString(tail), ends):
        tail = water.water_path(inner[-1], b, pad=1.0)
        method += "; harbour connector by water path"
    coords = head[:-1] + inner + tail[1:]
    # searoute's network has a few shortcuts that the 1:50m coastline does not (e.g. the Corinth Canal,
    # which large ships do not use): such a step is replaced by a water path around the land
    fixed = [coords[0]]
    i, last = 0, len(coords) - 1

    def crosses(k: int) -> bool:  # segment k -> k+1, the harbour connectors at both ends excepted
        return 0 < k < last - 1 and water.crosses_land(LineString([coords[k], coords[k + 1]]), ends)

    while i < last:
        if crosses(i):
            j = i
            while j + 1 < last and (crosses(j + 1) or water.land.contains(Point(coords[j + 1]))):
                j += 1
            # start and end the detour a few steps away, so it does not run into the blocked gulf and back
            back = min(DETOUR_SLACK, len(fixed) - 1)
            start = fixed[-1 - back]
            del fixed[len(fixed) - back:]
            end = min(j + 1 + DETOUR_SLACK, last - 1)
            fixed.extend(water.water_path(start, coords[end], pad=2.0)[1:])
            j = end - 1
            if "; detour" not in method:
                method += "; detour by water path where the lane crossed Natural Earth land"
            i = j + 1
        else:
            fixed.append(coords[i + 1])
            i += 1
    return fixed, method


def build(data_dir: Path, out_path: Path) -> dict:
    nodes = pd.read_csv(data_dir / "nodes.csv", dtype=str, keep_default_na=False).set_index("node_id")
    segments = pd.read_csv(data_dir / "segments.csv", dtype=str, keep_default_na=False)
    water = Water(data_dir / "basemap" / "land.geojson", shifted=True)
    features, skipped, seen = [], [], set()
    for leg in segments.itertuples(index=False):
        key = (leg.from_node, leg.to_node, leg.mode)
        if (frozenset(key[:2]), leg.mode) in seen:  # the same track or lane, drawn once in either direction
            continue
        seen.add((frozenset(key[:2]), leg.mode))
        ends = [nodes.loc[n] for n in (leg.from_node, leg.to_node)]
        if any(not e["lat"] or not e["lon"] for e in ends):
            missing = [n for n, e in zip(key[:2], ends, strict=True) if not e["lat"] or not e["lon"]]
            skipped.append({"from_node": leg.from_node, "to_node": leg.to_node, "mode": leg.mode,
                            "reason": f"no coordinates for {', '.join(missing)}"})
            print(f"skip {leg.from_node} -> {leg.to_node}: no coordinates for {', '.join(missing)}")
            continue
        a, b = ((float(e["lon"]), float(e["lat"])) for e in ends)
        if leg.mode == "sea":
            coords, method = sea_path(water, a, b)
        elif leg.mode == "ferry":
            coords, method = water.water_path(a, b), "water path on Natural Earth land grid (0.02°)"
        else:
            coords, method = [a, b], "straight line between the nodes"
        coords = [(round(x, PRECISION), round(y, PRECISION)) for x, y in coords]
        features.append({
            "type": "Feature",
            "properties": {"from_node": leg.from_node, "to_node": leg.to_node, "mode": leg.mode,
                           "method": method, "length_km": round(geodesic_km(coords), 1)},
            "geometry": {"type": "LineString", "coordinates": coords},
        })
        print(f"{leg.mode:5} {leg.from_node} -> {leg.to_node}: {features[-1]['properties']['length_km']} km, "
              f"{len(coords)} points ({method})")
    collection = {"type": "FeatureCollection", "skipped": skipped, "features": features}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    out_path.write_text(text + "\n", encoding="utf-8")
    return collection


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "routes" / "legs.geojson")
    args = parser.parse_args()
    result = build(args.data, args.out)
    print(f"{args.out}: {len(result['features'])} legs, {len(result['skipped'])} skipped, "
          f"{args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
