"""Build the offline basemap in data/basemap/ from Natural Earth (via the npm package world-atlas 2.0.2).

Natural Earth is public domain; world-atlas (ISC) packages it as TopoJSON. The script

1. runs ``npm pack world-atlas@2.0.2`` in a temporary folder and unpacks it (or reads ``--package DIR``,
   an already unpacked package),
2. reads the 1:50m ``countries`` and ``land`` layers with geopandas/pyogrio (the TopoJSON driver returns
   no CRS, so WGS84 is set; a few shapes such as Russia and Fiji are invalid and are repaired with
   ``make_valid()``),
3. simplifies them (``--tolerance`` degrees, topology preserved), rounds coordinates to ``--grid`` degrees,
   Rings that cross 180° are unwrapped (kept continuous east of 180°); Antarctica is left out.
4. writes ``countries.geojson`` (``iso_n3`` = ISO 3166-1 numeric as a zero-padded string, empty for the
   few entities without one, e.g. N. Cyprus, Somaliland, Kosovo; ``name``) and ``land.geojson``.

The Caspian Sea is water in Natural Earth (inside no polygon); the corridor map relies on that.

Usage: ``.venv/bin/python scripts/build_basemap.py [--package DIR] [--out data/basemap]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely

PACKAGE = "world-atlas@2.0.2"
ROOT = Path(__file__).resolve().parents[1]


def fetch_package(workdir: Path) -> Path:
    """``npm pack`` the package into ``workdir`` and unpack it; returns the package folder."""
    out = subprocess.run(["npm", "pack", PACKAGE], cwd=workdir, check=True, capture_output=True, text=True)
    tarball = workdir / out.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package"


def unwrap_antimeridian(geom):
    """Rings that jump across 180° (Chukotka, Wrangel Island, Fiji) are made continuous (longitudes past
    180°), so they stay one shape instead of a band around the whole world."""
    import numpy as np
    from shapely.geometry import MultiPolygon, Polygon

    def ring(coords):
        xy = np.array(coords, dtype=float)
        if len(xy) > 1 and np.abs(np.diff(xy[:, 0])).max() > 180:
            lon = np.unwrap(xy[:, 0], period=360)
            xy[:, 0] = lon - 360 * np.round(np.median(lon) / 360)  # most of the ring within ±180°
        return xy

    def polygon(p):
        return Polygon(ring(p.exterior.coords), [ring(i.coords) for i in p.interiors])

    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type == "Polygon":
        return polygon(geom)
    if geom.geom_type == "MultiPolygon":
        return MultiPolygon([polygon(p) for p in geom.geoms])
    return geom


def read_layer(path: Path, layer: str, tolerance: float, grid: float) -> gpd.GeoDataFrame:
    frame = gpd.read_file(path, layer=layer)
    if frame.crs is None:
        frame = frame.set_crs(4326)
    # Antarctica is dropped: its ring runs around the pole, and the map never shows south of 60° S.
    frame = frame[frame.geometry.bounds["maxy"] > -60].copy()
    geom = frame.geometry.map(unwrap_antimeridian).set_crs(4326).make_valid()
    # make_valid can turn a polygon into a collection with stray lines: keep the polygonal part only
    geom = geom.apply(lambda g: shapely.union_all([p for p in getattr(g, "geoms", [g])
                                                  if p.geom_type in ("Polygon", "MultiPolygon")]))
    geom = geom.simplify(tolerance, preserve_topology=True)
    frame = frame.set_geometry(shapely.set_precision(geom.values, grid))
    frame = frame[~frame.geometry.is_empty]
    return frame


def write_compact(frame: gpd.GeoDataFrame, path: Path) -> int:
    """GeoJSON without whitespace; returns the size in bytes."""
    data = json.loads(frame.to_json(drop_id=True))
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def build(package: Path, out: Path, tolerance: float, grid: float) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    countries = read_layer(package / "countries-50m.json", "countries", tolerance, grid)
    countries = countries.rename(columns={"id": "iso_n3"})
    countries["iso_n3"] = countries["iso_n3"].fillna("").astype(str)
    countries = countries[["iso_n3", "name", "geometry"]].sort_values(["name"]).reset_index(drop=True)
    land = read_layer(package / "land-50m.json", "land", tolerance, grid)
    land = land[["geometry"]].explode(index_parts=False).reset_index(drop=True)
    land = land[shapely.area(land.geometry.values) > grid * grid * 4]  # drop specks below the grid
    land = land[land.geometry.bounds["maxy"] > -60].reset_index(drop=True)  # no Antarctica
    return {
        "countries.geojson": write_compact(countries, out / "countries.geojson"),
        "land.geojson": write_compact(land, out / "land.geojson"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="an unpacked world-atlas package (default: npm pack)")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "basemap")
    parser.add_argument("--tolerance", type=float, default=0.03, help="simplification tolerance, degrees")
    parser.add_argument("--grid", type=float, default=0.001, help="coordinate rounding grid, degrees")
    args = parser.parse_args()
    if args.package:
        sizes = build(args.package, args.out, args.tolerance, args.grid)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            sizes = build(fetch_package(Path(tmp)), args.out, args.tolerance, args.grid)
    for name, size in sizes.items():
        print(f"{args.out / name}: {size:,} bytes")


if __name__ == "__main__":
    main()
