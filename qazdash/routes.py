"""Leg figures with their basis, the corridor network as a graph, and route comparison.

Every figure says whether it is sourced or estimated. The basis is read from the ``notes`` of
``segments.csv`` (see ``distance_basis`` / ``days_basis``); where a leg has no transit time, it is
estimated from the distance with a stated assumption (``Assumptions``) and labelled as an estimate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from qazdash.i18n import N_

# Track gauge by country (mm). Sources: the break-of-gauge notes in data/segments.csv (Altynkol–Khorgos,
# Alashankou–Dostyk, Brest–Małaszewicze) and Wikipedia, "Track gauge" / "5 ft and 1520 mm gauge railways"
# (1520 mm: former Soviet networks incl. Kazakhstan, Russia, Belarus, Uzbekistan, Turkmenistan, Azerbaijan,
# Georgia; 1435 mm standard gauge in China, Iran, Türkiye and the EU). Georgia–Türkiye changes gauge at
# Akhalkalaki on the Baku–Tbilisi–Kars line; the data's node for that step is Kars.
GAUGE_MM: dict[str, int] = {
    **dict.fromkeys(("KAZ", "RUS", "BLR", "UZB", "TKM", "AZE", "GEO", "KGZ", "TJK", "UKR", "MNG", "ARM"),
                    1520),
    **dict.fromkeys(("CHN", "IRN", "TUR", "POL", "DEU", "ROU", "BGR", "ITA", "KOR", "NLD", "CZE", "SVK",
                     "HUN", "AUT", "FRA", "BEL", "LTU"), 1435),
}
KNOT_KM_PER_DAY = 1.852 * 24
QUOTED_TIME = re.compile(r"\d+(?:[–-]\d+)?\s*(?:days|h\b)|under \d+ days")

SOURCED = "sourced"
ESTIMATED = "estimated"
UNKNOWN = "unknown"

MODE_LABELS = {"rail": N_("rail"), "sea": N_("sea"), "ferry": N_("ferry"), "road": N_("road")}


@dataclass(frozen=True)
class Assumptions:
    """How transit days are estimated where the data has none; shown beside every estimate.

    ``rail_km_per_day`` default: the Xi'an–Duisburg train runs 9,908 km on a 12–14 day schedule
    (data/segments.csv, china_europe_rail seq 1, shiphub.co), i.e. about 700–830 km a day; the slower end
    is used. Straight-line rail distances are lower bounds, so estimated rail days are lower bounds too.
    """

    rail_km_per_day: float = 700.0
    sea_knots: float = 15.0  # the speed the data's own sea-day estimates use

    def text(self) -> str:
        return (f"rail {self.rail_km_per_day:,.0f} km/day (Xi'an–Duisburg schedule: 9,908 km in 12–14 days); "
                f"sea and ferry {self.sea_knots:g} knots, port time excluded")


# -- the basis of each figure ----------------------------------------------------------------------
def distance_basis(notes: str | None, distance_km: float | None) -> tuple[str, str]:
    """(sourced | estimated | unknown, what it is) for a leg's distance, read from its notes."""
    text = (notes or "").lower()
    if distance_km is None or pd.isna(distance_km):
        return UNKNOWN, "no distance given"
    if "distance sourced" in text:
        return SOURCED, "distance sourced"
    if "straight-line" in text or "geodesic" in text:
        return ESTIMATED, "straight-line (geodesic) estimate; rail distance is longer"
    if "sea-route estimate" in text:
        return ESTIMATED, "sea-route estimate (searoute 1.6.0)"
    return UNKNOWN, "basis not stated in the notes"


def days_basis(notes: str | None, days: float | None) -> tuple[str, str]:
    """(sourced | estimated | unknown, what it is) for a leg's given transit days, read from its notes."""
    text = (notes or "").lower()
    if days is None or pd.isna(days):
        return UNKNOWN, "no transit time given"
    if "days sourced" in text or "days implied by the cited" in text:
        return SOURCED, "transit time sourced"
    m = re.search(r"days = estimate at (\d+(?:\.\d+)?) knots", text)
    if m:
        return ESTIMATED, f"estimate at {m.group(1)} knots, port time excluded"
    if "estimate" in text and "days" in text:
        return ESTIMATED, "transit time estimated"
    return UNKNOWN, "basis not stated in the notes"


def is_branch(notes: str | None) -> bool:
    return (notes or "").strip().lower().startswith("branch")


def leg_figures(segments: pd.DataFrame, nodes: pd.DataFrame, assumptions: Assumptions | None = None
                ) -> pd.DataFrame:
    """``segments`` plus the basis of every figure, estimated days where none are given, countries and
    the border/gauge flags of each leg."""
    a = assumptions or Assumptions()
    n = nodes.set_index("node_id")
    out = segments.copy()
    dist = [distance_basis(notes, d) for notes, d in zip(out["notes"], out["distance_km"], strict=True)]
    out["distance_basis"] = [b for b, _ in dist]
    out["distance_note"] = [t for _, t in dist]
    days, basis, note = [], [], []
    for row in out.itertuples(index=False):
        b, t = days_basis(row.notes, row.typical_transit_days)
        if b != UNKNOWN:
            days.append(float(row.typical_transit_days))
        elif row.distance_km is None or pd.isna(row.distance_km):
            days.append(float("nan"))
            b, t = UNKNOWN, "no distance, so no estimate"
        elif row.mode in ("rail", "road"):
            days.append(float(row.distance_km) / a.rail_km_per_day)
            b, t = ESTIMATED, f"estimate at {a.rail_km_per_day:,.0f} km/day"
        else:
            days.append(float(row.distance_km) / (a.sea_knots * KNOT_KM_PER_DAY))
            b, t = ESTIMATED, f"estimate at {a.sea_knots:g} knots, port time excluded"
        basis.append(b)
        note.append(t)
    out["days"] = days
    out["days_basis"] = basis
    out["days_note"] = note
    out["from_country"] = out["from_node"].map(n["country_iso3"])
    out["to_country"] = out["to_node"].map(n["country_iso3"])
    out["border_crossing"] = out["from_country"] != out["to_country"]
    gauge_from = out["from_country"].map(GAUGE_MM)
    gauge_to = out["to_country"].map(GAUGE_MM)
    out["gauge_break"] = ((out["mode"] == "rail") & gauge_from.notna() & gauge_to.notna()
                          & (gauge_from != gauge_to))
    out["branch"] = out["notes"].map(is_branch)
    return out


# -- the network -------------------------------------------------------------------------------------
def corridor_graph(figures: pd.DataFrame) -> nx.MultiGraph:
    """Undirected multigraph of physical legs (rail runs both ways); a leg used by several corridors is one
    edge whose ``corridors`` lists them all. Edge data: the leg's row as a dict."""
    graph = nx.MultiGraph()
    edges: dict[tuple[frozenset, str], dict] = {}
    for row in figures.to_dict("records"):
        key = (frozenset((row["from_node"], row["to_node"])), row["mode"])
        if key in edges:
            if row["corridor_id"] not in edges[key]["corridors"]:
                edges[key]["corridors"].append(row["corridor_id"])
            continue
        edges[key] = {**row, "corridors": [row["corridor_id"]]}
    for (_, mode), data in edges.items():
        graph.add_edge(data["from_node"], data["to_node"], key=mode, **data)
    return graph


@dataclass
class Route:
    """One path through the network: its legs in travel order and the totals."""

    nodes: list[str]
    legs: pd.DataFrame
    corridors: list[str] = field(default_factory=list)

    @property
    def distance_km(self) -> float:
        return float(self.legs["distance_km"].fillna(0).sum())

    @property
    def days(self) -> float:
        return float(self.legs["days"].fillna(0).sum())

    @property
    def sourced_days(self) -> float:
        return float(self.legs.loc[self.legs["days_basis"] == SOURCED, "days"].sum())

    @property
    def sourced_km(self) -> float:
        return float(self.legs.loc[self.legs["distance_basis"] == SOURCED, "distance_km"].sum())

    @property
    def border_crossings(self) -> list[tuple[str, str]]:
        legs = self.legs[self.legs["border_crossing"]]
        return list(zip(legs["from_node"], legs["to_node"], strict=True))

    @property
    def gauge_breaks(self) -> list[tuple[str, str]]:
        legs = self.legs[self.legs["gauge_break"]]
        return list(zip(legs["from_node"], legs["to_node"], strict=True))

    @property
    def mode_changes(self) -> int:
        modes = list(self.legs["mode"])
        return sum(1 for x, y in zip(modes, modes[1:], strict=False) if x != y)

    @property
    def share_by_mode(self) -> dict[str, float]:
        km = self.legs.groupby("mode")["distance_km"].sum()
        total = km.sum()
        return {m: float(v / total) for m, v in km.items()} if total else {}

    @property
    def km_by_mode(self) -> dict[str, float]:
        return {m: float(v) for m, v in self.legs.groupby("mode")["distance_km"].sum().items()}

    @property
    def countries(self) -> list[str]:
        seq = [self.legs["from_country"].iloc[0], *self.legs["to_country"]]
        return [c for i, c in enumerate(seq) if i == 0 or c != seq[i - 1]]

    @property
    def quoted_times(self) -> list[tuple[str, str]]:
        """End-to-end transit times the sources quote in the notes of this route's legs: (text, source)."""
        out: list[tuple[str, str]] = []
        for notes, source in zip(self.legs["notes"].fillna(""), self.legs["source"].fillna(""), strict=True):
            for part in re.split(r";|\.\s", notes):
                part = part.strip().rstrip(".")
                low = part.lower()
                if low.startswith(("days", "distance", "branch")) or not QUOTED_TIME.search(part):
                    continue
                if (part, source) not in out:
                    out.append((part, source))
        return out

    @property
    def missing_distance(self) -> int:
        return int(self.legs["distance_km"].isna().sum())


def _oriented(data: dict, start: str) -> dict:
    """The edge's row as travelled from ``start``."""
    row = dict(data)
    if row["from_node"] != start:
        row["from_node"], row["to_node"] = row["to_node"], row["from_node"]
        row["from_country"], row["to_country"] = row["to_country"], row["from_country"]
        row["reversed"] = True
    else:
        row["reversed"] = False
    return row


def find_routes(graph: nx.MultiGraph, origin: str, destination: str, max_legs: int = 16,
                limit: int = 50) -> list[Route]:
    """Every simple path from ``origin`` to ``destination``, shortest first.

    Rule: a route never re-enters a country it has left (this drops detours such as Almaty → China →
    Dostyk → Kazakhstan, or a sea leg out of one Chinese port and into another). Missing distances count
    as 0 km (``Route.missing_distance`` says how many).
    """
    for name, node in (("origin", origin), ("destination", destination)):
        if node not in graph:
            raise ValueError(f"{name} {node!r} is not on any leg of the corridor network")
    if origin == destination:
        return []
    routes = []
    for edge_path in nx.all_simple_edge_paths(graph, origin, destination, cutoff=max_legs):
        rows, here = [], origin
        for u, v, k in edge_path:
            data = graph.edges[u, v, k]
            row = _oriented(data, here)
            rows.append(row)
            here = row["to_node"]
        countries = [rows[0]["from_country"]] + [r["to_country"] for r in rows]
        if _reenters(countries):
            continue
        legs = pd.DataFrame(rows)
        legs["corridor_id"] = _corridor_cover(list(legs["corridors"]))
        corridors = list(dict.fromkeys(legs["corridor_id"]))
        routes.append(Route(nodes=[origin] + list(legs["to_node"]), legs=legs, corridors=corridors))
    routes.sort(key=lambda r: (r.distance_km, len(r.corridors), len(r.legs)))
    return _one_per_gateway_sequence(routes, graph)[:limit]


def _corridor_cover(leg_corridors: list[list[str]]) -> list[str]:
    """A corridor for each leg, switching corridor as rarely as possible (greedy: the corridor that
    covers the longest run of legs from here)."""
    out: list[str] = []
    i = 0
    while i < len(leg_corridors):
        best, best_run = leg_corridors[i][0], 0
        for c in leg_corridors[i]:
            run = 0
            while i + run < len(leg_corridors) and c in leg_corridors[i + run]:
                run += 1
            if run > best_run:
                best, best_run = c, run
        out.extend([best] * best_run)
        i += best_run
    return out


GATEWAY_KINDS = ("border_crossing", "seaport", "caspian_port", "dry_port", "logistics_base")


def _one_per_gateway_sequence(routes: list[Route], graph: nx.MultiGraph) -> list[Route]:
    """Routes through the same gateways (e.g. Lanzhou–Zhengzhou direct or via Xi'an on the same Longhai
    line) are shown once: the one that changes corridor least, then the shortest."""
    kinds = nx.get_node_attributes(graph, "kind")
    best: dict[tuple, Route] = {}
    order: list[tuple] = []
    for r in routes:
        key = tuple(n for n in r.nodes if kinds.get(n) in GATEWAY_KINDS) + tuple(r.legs["mode"].unique())
        if key not in best:
            order.append(key)
            best[key] = r
        elif len(r.corridors) < len(best[key].corridors):
            best[key] = r
    return [best[k] for k in order]


def _reenters(countries: list[str]) -> bool:
    seen, last = set(), None
    for c in countries:
        if c != last:
            if c in seen:
                return True
            seen.add(c)
            last = c
    return False


def via_label(route: Route, nodes: pd.DataFrame, name_of) -> str:
    """The gateways a route passes (border crossings, ports, dry ports, logistics bases), in order."""
    kinds = nodes.set_index("node_id")["kind"]
    gateways = [n for n in route.nodes[1:-1] if kinds.get(n) in GATEWAY_KINDS]
    return " – ".join(name_of(n) for n in gateways)


def routes_table(routes: list[Route], nodes: pd.DataFrame, name_of, corridor_name) -> pd.DataFrame:
    """One row per route: what a comparison table shows (numbers unformatted)."""
    rows = []
    for i, r in enumerate(routes, start=1):
        rows.append({
            "route": i,
            "via": via_label(r, nodes, name_of),
            "corridors": ", ".join(corridor_name(c) for c in r.corridors),
            "legs": len(r.legs),
            "distance_km": r.distance_km,
            "sourced_km_share": r.sourced_km / r.distance_km if r.distance_km else 0.0,
            "days": r.days,
            "sourced_days": r.sourced_days,
            "countries": " → ".join(r.countries),
            "border_crossings": len(r.border_crossings),
            "mode_changes": r.mode_changes,
            "gauge_breaks": len(r.gauge_breaks),
            **{f"share_{m}": r.share_by_mode.get(m, 0.0) for m in ("rail", "sea", "ferry", "road")},
            "missing_distances": r.missing_distance,
        })
    return pd.DataFrame(rows)


def route_legs_table(route: Route, name_of) -> pd.DataFrame:
    """The legs of one route for display: from, to, mode, km and days with their basis, source."""
    legs = route.legs
    return pd.DataFrame({
        "from": [name_of(n) for n in legs["from_node"]],
        "to": [name_of(n) for n in legs["to_node"]],
        "mode": legs["mode"],
        "distance_km": legs["distance_km"],
        "distance_basis": legs["distance_basis"],
        "days": legs["days"],
        "days_basis": legs["days_basis"],
        "days_note": legs["days_note"],
        "border": legs["border_crossing"],
        "gauge_break": legs["gauge_break"],
        "source": legs["source"].fillna(""),
    })


def add_node_countries(graph: nx.MultiGraph, nodes: pd.DataFrame) -> nx.MultiGraph:
    table = nodes.set_index("node_id")
    for column, attr in (("country_iso3", "country"), ("kind", "kind")):
        values = table[column].to_dict()
        nx.set_node_attributes(graph, {n: values.get(n) for n in graph.nodes}, attr)
    return graph


def network(segments: pd.DataFrame, nodes: pd.DataFrame, assumptions: Assumptions | None = None
            ) -> nx.MultiGraph:
    """The corridor network ready for ``find_routes``."""
    return add_node_countries(corridor_graph(leg_figures(segments, nodes, assumptions)), nodes)


def origins(nodes: pd.DataFrame, segments: pd.DataFrame) -> list[str]:
    """Kazakh cities on the network (the origins the comparison offers)."""
    used = set(segments["from_node"]) | set(segments["to_node"])
    pick = nodes[(nodes["country_iso3"] == "KAZ") & (nodes["kind"] == "city") & nodes["node_id"].isin(used)]
    return list(pick["node_id"])


def destinations(nodes: pd.DataFrame, segments: pd.DataFrame) -> list[str]:
    """Ports and terminals outside Kazakhstan that end a corridor leg (seaports, and rail terminals)."""
    used = set(segments["from_node"]) | set(segments["to_node"])
    outside = nodes[(nodes["country_iso3"] != "KAZ") & nodes["node_id"].isin(used)]
    ends = set(segments["to_node"]) - set(segments["from_node"])
    pick = outside[(outside["kind"] == "seaport") | outside["node_id"].isin(ends)]
    return list(pick["node_id"])


def corridors_not_connecting(routes: list[Route], corridor_ids: list[str]) -> list[str]:
    """Corridors that no found route uses: the data has no connection between the two places through them."""
    used = {c for r in routes for cs in r.legs["corridors"] for c in cs}
    return [c for c in corridor_ids if c not in used]


def corridor_legs(figures: pd.DataFrame, corridor_id: str) -> pd.DataFrame:
    """The legs of one corridor in ``seq`` order (trunk, then branches)."""
    return figures[figures["corridor_id"] == corridor_id].sort_values("seq")


def corridor_totals(legs: pd.DataFrame) -> dict[str, float]:
    """Totals over the trunk legs (branches are alternatives, not steps)."""
    trunk = legs[~legs["branch"]]
    return {
        "trunk_legs": int(len(trunk)),
        "branch_legs": int(legs["branch"].sum()),
        "trunk_km": float(trunk["distance_km"].fillna(0).sum()),
        "trunk_sourced_km": float(trunk.loc[trunk["distance_basis"] == SOURCED, "distance_km"].sum()),
        "trunk_days": float(trunk["days"].fillna(0).sum()),
    }


# -- places ----------------------------------------------------------------------------------------------
COORD_STATUS: dict[str, str] = {
    "VERIFIED": N_("an independent reference lies within 5 km"),
    "CHECKED": N_("the nearest independent reference is 5–10 km away"),
    "SINGLE SOURCE": N_("one source only, plus a country-outline test"),
    "APPROXIMATE": N_("the point stands in for the facility (a village, city centre or general port "
                      "position)"),
    "DERIVED": N_("computed, not looked up (about ±30 km)"),
    "NOT PLACED": N_("no coordinate"),
}


def coord_status(coord_check: str | None) -> tuple[str, str]:
    """(status word, what it means) from a node's ``coord_check`` (e.g. ``'VERIFIED | primary: …'``)."""
    text = (coord_check or "").strip()
    for status in sorted(COORD_STATUS, key=len, reverse=True):
        if text.upper().startswith(status):
            return status, COORD_STATUS[status]
    return "", N_("not stated")


def legs_through(figures: pd.DataFrame, node_id: str) -> pd.DataFrame:
    """Every leg (of every corridor) that starts or ends at ``node_id``, by corridor and order."""
    mask = (figures["from_node"] == node_id) | (figures["to_node"] == node_id)
    return figures[mask].sort_values(["corridor_id", "seq"])


def articles_for_place(articles: pd.DataFrame, place_links: pd.DataFrame, node_id: str) -> pd.DataFrame:
    """Articles whose places resolve to ``node_id`` (from the news index), newest first."""
    positions = place_links.loc[place_links["node_id"] == node_id, "pos"].unique()
    found = articles[articles["pos"].isin(positions)]
    return found.sort_values("date", ascending=False) if "date" in found.columns else found


MODE_COLORS = {"rail": "#4c4c4c", "sea": "#1f6fb4", "ferry": "#00968c", "road": "#b07a1f"}


def comparison_figure(table: pd.DataFrame, chosen: int | None = None):
    """Stacked bars of km by mode for each route (from ``routes_table``), with total days as text.

    ``table`` needs ``route``, ``label``, ``distance_km``, ``days`` and ``share_<mode>`` columns.
    """
    import plotly.graph_objects as go

    from qazdash.i18n import _, format_number

    fig = go.Figure()
    labels = [("▶ " if chosen == r else "") + label for r, label in zip(table["route"], table["label"], strict=True)]
    for mode in ("rail", "ferry", "sea", "road"):
        km = table[f"share_{mode}"] * table["distance_km"]
        if not (km > 0).any():
            continue
        fig.add_trace(go.Bar(
            y=labels, x=km, orientation="h", name=_(MODE_LABELS[mode]), marker_color=MODE_COLORS[mode],
            hovertemplate="%{y}<br>" + _(MODE_LABELS[mode]) + ": %{x:,.0f} km<extra></extra>",
        ))
    fig.add_trace(go.Scatter(
        y=labels, x=table["distance_km"], mode="text", showlegend=False, hoverinfo="skip",
        text=[f"  {format_number(d, 0)} km · ≈{format_number(t, 1)} " + _("days") for d, t in
              zip(table["distance_km"], table["days"], strict=True)],
        textposition="middle right",
    ))
    fig.update_layout(
        barmode="stack", height=140 + 44 * len(table), margin={"l": 10, "r": 10, "t": 50, "b": 40},
        xaxis_title=_("km by mode"), yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    fig.update_xaxes(range=[0, float(table["distance_km"].max()) * 1.35 if len(table) else 1])
    return fig
