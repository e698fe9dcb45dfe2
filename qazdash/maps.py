"""pydeck builders for the corridor map: an offline basemap, legs by corridor and mode, places by kind.

No tile server is ever asked: ``map_style=None`` and ``map_provider=None``; sea, land, borders and
Kazakhstan are layers drawn from the shipped Natural Earth data (``qazdash.geo``).

Streamlit 1.67 draws its own Carto basemap when the deck's ``mapStyle`` is missing (``map_style=None``);
only pydeck's "no style given" sentinel (``NO_BASEMAP``) with ``map_provider=None`` draws none. An online
basemap can be switched on with ``QAZDASH_BASEMAP_STYLE`` (a MapLibre style URL); it is never required.
Every layer has an explicit ``id`` so the JSON is stable (tests snapshot it). Tooltips use the plain-text
template, so no data value is ever read as HTML, in Streamlit or in the exported HTML file.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

import pandas as pd
import pydeck as pdk

from qazdash import geo
from qazdash.gazetteer import short_label
from qazdash.i18n import N_, _, format_number, get_language, localized

Color = list[int]
PIXELS = "'pixels'"  # pydeck reads a bare string as an expression; quoted, it is the literal
NO_BASEMAP = "__MAP_STYLE__"  # pydeck's sentinel; Streamlit reads it as "no basemap at all"


def online_basemap_style() -> str | None:
    """The optional online basemap (``QAZDASH_BASEMAP_STYLE``, an http(s) MapLibre style URL), or None."""
    url = os.environ.get("QAZDASH_BASEMAP_STYLE", "").strip()
    return url if url.startswith(("https://", "http://")) else None


@dataclass(frozen=True)
class Theme:
    sea: Color
    land: Color
    border: Color
    kazakhstan: Color
    kazakhstan_border: Color
    text: Color
    text_outline: Color
    place_outline: Color
    highlight: Color


THEMES: dict[str, Theme] = {
    "light": Theme(sea=[170, 205, 230], land=[240, 236, 226], border=[150, 145, 135],
                   kazakhstan=[255, 226, 150], kazakhstan_border=[200, 140, 20], text=[25, 25, 35],
                   text_outline=[255, 255, 255], place_outline=[30, 30, 30], highlight=[255, 200, 0]),
    "dark": Theme(sea=[16, 32, 52], land=[58, 62, 70], border=[110, 115, 125],
                  kazakhstan=[110, 90, 40], kazakhstan_border=[240, 190, 70], text=[235, 235, 240],
                  text_outline=[10, 10, 15], place_outline=[240, 240, 240], highlight=[255, 220, 60]),
}


@dataclass(frozen=True)
class ModeStyle:
    """How a mode's legs look: width in pixels, opacity, and an outline ("casing") width (0 = none).

    No dashes: deck.gl's PathStyleExtension is not available in pydeck's offline bundle (the HTML export),
    so modes differ by width, opacity and outline, the same in the app and in the export.
    """

    label: str
    width: float
    alpha: int
    casing: float


MODE_STYLES: dict[str, ModeStyle] = {
    "rail": ModeStyle(N_("Rail"), 3.5, 255, 0),
    "sea": ModeStyle(N_("Sea"), 2.0, 170, 0),
    "ferry": ModeStyle(N_("Caspian ferry"), 3.0, 255, 7.0),
    "road": ModeStyle(N_("Road"), 2.5, 255, 5.0),
}


@dataclass(frozen=True)
class KindStyle:
    label: str
    color: Color
    radius: float  # pixels


KIND_STYLES: dict[str, KindStyle] = {
    "seaport": KindStyle(N_("Seaport"), [31, 78, 160], 6),
    "caspian_port": KindStyle(N_("Caspian port"), [0, 150, 140], 7),
    "dry_port": KindStyle(N_("Dry port"), [230, 120, 20], 7),
    "border_crossing": KindStyle(N_("Border crossing"), [200, 30, 60], 6),
    "rail_hub": KindStyle(N_("Rail hub"), [90, 90, 90], 5),
    "city": KindStyle(N_("City"), [255, 255, 255], 6),
    "logistics_base": KindStyle(N_("Logistics base"), [130, 60, 170], 7),
}


@dataclass(frozen=True)
class ViewPreset:
    label: str
    longitude: float
    latitude: float
    zoom: float


# Europe to the Pacific with Kazakhstan in the middle (about 0°–150° E at a 1,100 px wide map).
OVERVIEW = ViewPreset(N_("Europe to the Pacific"), 72.0, 43.0, 2.15)
FIXED_PRESETS: dict[str, ViewPreset] = {
    "overview": OVERVIEW,
    "kazakhstan": ViewPreset(N_("Kazakhstan"), 67.0, 47.5, 3.6),
    "caspian": ViewPreset(N_("Caspian crossing"), 50.5, 41.8, 5.2),
}
MAP_SIZE_PX = (900, 560)  # the size presets are fitted to (a little smaller than the page's map)


def hex_to_rgb(color: str) -> Color:
    """``#1f77b4`` → ``[31, 119, 180]``; grey for anything else."""
    c = (color or "").lstrip("#")
    if len(c) != 6:
        return [128, 128, 128]
    try:
        return [int(c[i:i + 2], 16) for i in (0, 2, 4)]
    except ValueError:
        return [128, 128, 128]


def fit_view(points: list[tuple[float, float]], size: tuple[int, int] = MAP_SIZE_PX,
             padding: float = 0.12, max_zoom: float = 6.0) -> tuple[float, float, float]:
    """(longitude, latitude, zoom) that frames ``points`` (lon, lat) in a Web Mercator map of ``size``."""
    if not points:
        return OVERVIEW.longitude, OVERVIEW.latitude, OVERVIEW.zoom
    lons = [p[0] for p in points]
    lats = [max(min(p[1], 80), -80) for p in points]

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    x0, x1 = min(lons), max(lons)
    y0, y1 = merc_y(min(lats)), merc_y(max(lats))
    width = max((x1 - x0) / 360, 1e-6) * (1 + 2 * padding)
    height = max((y1 - y0) / (2 * math.pi), 1e-6) * (1 + 2 * padding)
    zoom = min(math.log2(size[0] / 512 / width), math.log2(size[1] / 512 / height), max_zoom)
    lat_c = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2)) - math.pi / 2)
    return (x0 + x1) / 2, lat_c, round(zoom, 2)


def corridor_presets(legs: pd.DataFrame, corridors: pd.DataFrame) -> dict[str, ViewPreset]:
    """One preset per corridor, framing its trunk and the branches west of 180° (drawable legs)."""
    out: dict[str, ViewPreset] = {}
    for row in corridors.to_dict("records"):
        mine = legs[legs["corridor_id"] == row["corridor_id"]]
        pts = [tuple(p) for path in mine["path"] for p in path if p[0] <= 180]
        lon, lat, zoom = fit_view(pts)
        out[row["corridor_id"]] = ViewPreset(localized(row, "name"), lon, lat, zoom)
    return out


def view_presets(legs: pd.DataFrame, corridors: pd.DataFrame) -> dict[str, ViewPreset]:
    """Fixed presets, then one per corridor (keys are the URL values)."""
    return {**FIXED_PRESETS, **corridor_presets(legs, corridors)}


def preset_label(preset: ViewPreset, key: str) -> str:
    return _(preset.label) if key in FIXED_PRESETS else preset.label


# -- names and options -------------------------------------------------------------------------------
def node_names(nodes: pd.DataFrame) -> dict[str, str]:
    """``node_id`` → name in the page language (English where no translation exists)."""
    return {r["node_id"]: localized(r, "name") or r["node_id"] for r in nodes.to_dict("records")}


def corridor_names(corridors: pd.DataFrame) -> dict[str, str]:
    return {r["corridor_id"]: localized(r, "name") or r["corridor_id"] for r in corridors.to_dict("records")}


def country_options(nodes: pd.DataFrame, segments: pd.DataFrame) -> list[str]:
    """ISO3 codes of the countries with a place on some leg, Kazakhstan first, then alphabetical."""
    used = set(segments["from_node"]) | set(segments["to_node"])
    codes = sorted(set(nodes.loc[nodes["node_id"].isin(used), "country_iso3"]))
    return sorted(codes, key=lambda c: (c != "KAZ", c))


def sorted_places(nodes: pd.DataFrame) -> list[str]:
    """Node ids, Kazakhstan first, then by country and name."""
    frame = nodes.assign(_kz=nodes["country_iso3"] != "KAZ").sort_values(["_kz", "country_iso3", "name_en"])
    return list(frame["node_id"])


# -- filters -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapFilter:
    """What the map shows. ``countries`` empty means every country."""

    corridors: tuple[str, ...]
    modes: tuple[str, ...]
    kinds: tuple[str, ...]
    countries: tuple[str, ...] = ()


def filter_map(legs: pd.DataFrame, nodes: pd.DataFrame, flt: MapFilter, all_corridors: bool = False,
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(legs, places) to draw. A leg is kept when its corridor and mode are chosen and, with a country
    filter, one of its ends lies in a chosen country. Places: of a chosen kind (and country), on a kept
    leg; with every corridor chosen, places on no leg (alternative gateways) are shown too."""
    countries = nodes.set_index("node_id")["country_iso3"]
    keep = legs["corridor_id"].isin(flt.corridors) & legs["mode"].isin(flt.modes)
    if flt.countries:
        in_country = (legs["from_node"].map(countries).isin(flt.countries)
                      | legs["to_node"].map(countries).isin(flt.countries))
        keep &= in_country
    kept = legs[keep]
    on_leg = set(kept["from_node"]) | set(kept["to_node"])
    unused = set(nodes["node_id"]) - set(legs["from_node"]) - set(legs["to_node"])
    places = geo.placed(nodes)
    mask = places["kind"].isin(flt.kinds) & (places["node_id"].isin(on_leg)
                                             | (places["node_id"].isin(unused) & all_corridors))
    if flt.countries:
        mask &= places["country_iso3"].isin(flt.countries)
    return kept, places[mask]


def preset_map(legs: pd.DataFrame, nodes: pd.DataFrame, corridor_ids: Sequence[str], preset_key: str,
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(legs, places) of a presentation view: a corridor preset shows that corridor alone, any other preset
    every corridor; places are those on the legs shown (``filter_map`` with every mode and kind)."""
    shown = (preset_key,) if preset_key in set(corridor_ids) else tuple(corridor_ids)
    return filter_map(legs, nodes, MapFilter(shown, tuple(MODE_STYLES), tuple(KIND_STYLES)))


# -- layer data ----------------------------------------------------------------------------------------
def leg_records(legs: pd.DataFrame, corridors: pd.DataFrame, nodes: pd.DataFrame) -> list[dict]:
    """Small dicts for the path layers: id, corridor, mode, colour, path, plain-text tooltip."""
    names = {r["node_id"]: localized(r, "name") for r in nodes.to_dict("records")}
    cor = {r["corridor_id"]: r for r in corridors.to_dict("records")}
    out = []
    for leg in legs.to_dict("records"):
        c = cor.get(leg["corridor_id"], {})
        km = leg.get("distance_km")
        parts = [
            f"{names.get(leg['from_node'], leg['from_node'])} → {names.get(leg['to_node'], leg['to_node'])}",
            f"{localized(c, 'name') if c else leg['corridor_id']}",
            f"{_(MODE_STYLES.get(leg['mode'], MODE_STYLES['rail']).label)}"
            + (f" · {format_number(km, 0)} km" if km is not None and not pd.isna(km) else ""),
        ]
        out.append({
            "kind": "leg",
            "id": f"{leg['corridor_id']}:{int(leg['seq'])}",
            "from": leg["from_node"],
            "to": leg["to_node"],
            "corridor": leg["corridor_id"],
            "mode": leg["mode"],
            "color": hex_to_rgb(c.get("color_hex", "")) + [MODE_STYLES.get(leg["mode"], MODE_STYLES["rail"]).alpha],
            "path": [[round(x, 4), round(y, 4)] for x, y in leg["path"]],
            "tooltip": "\n".join(parts),
        })
    return out


def place_records(nodes: pd.DataFrame) -> list[dict]:
    """Small dicts for the place layers: id, kind, position, colour, radius, label, tooltip."""
    out = []
    for row in geo.placed(nodes).to_dict("records"):
        style = KIND_STYLES.get(row["kind"], KindStyle(row["kind"], [128, 128, 128], 5))
        name = localized(row, "name")
        short = short_label(row, get_language())
        out.append({
            "kind": "place",
            "id": row["node_id"],
            "place_kind": row["kind"],
            "position": [round(float(row["lon"]), 4), round(float(row["lat"]), 4)],
            "color": style.color,
            "radius": style.radius,
            "label": label_text(short or name),
            "priority": LABEL_PRIORITY.get(row["kind"], 9),
            "tooltip": f"{name}\n{_(style.label)} · {row['country_iso3']}",
        })
    return out


class OfflineDeck(pdk.Deck):
    """A ``pdk.Deck`` whose JSON has no indentation (pydeck indents by 2, which more than doubles the
    basemap's size on every Streamlit rerun)."""

    def to_json(self) -> str:
        from pydeck.bindings.json_tools import default_serialize

        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


TOOLTIP = {"text": "{tooltip}", "style": {"fontSize": "12px", "whiteSpace": "pre-line"}}


def _sea_polygon() -> list[dict]:
    return [{"polygon": [[-180, -85], [540, -85], [540, 85], [-180, 85]]}]


def basemap_layers(theme: Theme) -> list[pdk.Layer]:
    """Sea, land with country borders, Kazakhstan emphasised: all from shipped data."""
    return [
        pdk.Layer("PolygonLayer", id="sea", data=_sea_polygon(), get_polygon="polygon",
                  get_fill_color=theme.sea, stroked=False, pickable=False),
        pdk.Layer("GeoJsonLayer", id="countries", data=geo.countries_geojson(), filled=True, stroked=True,
                  get_fill_color=theme.land, get_line_color=theme.border, line_width_min_pixels=0.6,
                  get_line_width=0, pickable=False),
        pdk.Layer("GeoJsonLayer", id="kazakhstan", data=geo.kazakhstan_geojson(), filled=True, stroked=True,
                  get_fill_color=theme.kazakhstan, get_line_color=theme.kazakhstan_border,
                  line_width_min_pixels=2, get_line_width=0, pickable=False),
    ]


def leg_layers(records: list[dict], theme: Theme, highlight: set[tuple[frozenset, str]] | None = None,
               ) -> list[pdk.Layer]:
    """A highlight under the chosen route's legs ((pair of nodes, mode) keys), then one path layer per
    mode (an outline under ferry and road legs)."""
    layers = []
    if highlight:
        seen, chosen = set(), []
        for r in records:
            key = (frozenset((r["from"], r["to"])), r["mode"])
            if key in highlight and key not in seen:
                seen.add(key)
                chosen.append(r)
        layers.append(pdk.Layer("PathLayer", id="route-highlight", data=chosen, get_path="path",
                                get_color=theme.highlight + [230], get_width=12, width_units=PIXELS,
                                cap_rounded=True, joint_rounded=True, pickable=False))
    for mode, style in MODE_STYLES.items():
        data = [r for r in records if r["mode"] == mode]
        if not data:
            continue
        if style.casing:
            layers.append(pdk.Layer("PathLayer", id=f"legs-{mode}-casing", data=data, get_path="path",
                                    get_color=theme.text_outline + [255], get_width=style.casing,
                                    width_units=PIXELS, cap_rounded=True, joint_rounded=True, pickable=False))
        layers.append(pdk.Layer("PathLayer", id=f"legs-{mode}", data=data, get_path="path", get_color="color",
                                get_width=style.width, width_units=PIXELS, width_min_pixels=1.5,
                                cap_rounded=True, joint_rounded=True, pickable=True,
                                auto_highlight=True, highlight_color=theme.highlight + [200]))
    return layers


# Which labels win where they would overlap: cities and ports first, rail hubs last.
LABEL_PRIORITY = {"city": 0, "seaport": 1, "caspian_port": 1, "logistics_base": 2, "dry_port": 3,
                  "border_crossing": 4, "rail_hub": 5}
LABEL_CHAR_PX = 6.5  # approximate width of one label character at 12 px


def declutter(records: list[dict], zoom: float, selected: str | None = None) -> list[dict]:
    """The labels that fit at ``zoom`` without overlapping: greedy by kind priority (the selected place
    first), each label's box estimated from its length in Web Mercator pixels."""
    scale = 512 * 2 ** zoom
    placed_boxes: list[tuple[float, float, float, float]] = []
    keep = []
    order = sorted(records, key=lambda r: (r["id"] != selected, r["priority"], r["label"]))
    for r in order:
        lon, lat = r["position"]
        x = (lon + 180) / 360 * scale
        y = (1 - math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 85), -85)) / 2)) / math.pi) / 2 * scale
        half = len(r["label"]) * LABEL_CHAR_PX / 2
        box = (x - half - 2, y - 30, x + half + 2, y - 12)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed_boxes):
            continue
        placed_boxes.append(box)
        keep.append(r)
    return keep


def place_layers(records: list[dict], theme: Theme, selected: str | None = None,
                 labels: bool = True, zoom: float | None = None) -> list[pdk.Layer]:
    layers = [pdk.Layer("ScatterplotLayer", id="places", data=records, get_position="position",
                        get_fill_color="color", get_line_color=theme.place_outline, get_radius="radius",
                        radius_units=PIXELS, stroked=True, line_width_min_pixels=1.2, pickable=True,
                        auto_highlight=True, highlight_color=theme.highlight + [255])]
    if selected:
        chosen = [r for r in records if r["id"] == selected]
        layers.append(pdk.Layer("ScatterplotLayer", id="selected-place", data=chosen, get_position="position",
                                get_fill_color=[0, 0, 0, 0], get_line_color=theme.highlight, get_radius=14,
                                radius_units=PIXELS, stroked=True, filled=False, line_width_min_pixels=3,
                                pickable=False))
    if labels:
        shown = declutter(records, zoom, selected) if zoom is not None else records
        layers.append(pdk.Layer("TextLayer", id="place-labels", data=shown, get_position="position",
                                get_text="label", get_size=12, size_units=PIXELS, get_color=theme.text,
                                get_pixel_offset=[0, -14], get_text_anchor="'middle'",
                                get_alignment_baseline="'bottom'",
                                character_set=pdk.types.String("".join(character_set(records))),
                                font_weight=600, font_family=pdk.types.String("Helvetica, Arial, sans-serif"),
                                outline_width=3, outline_color=theme.text_outline + [255],
                                font_settings={"sdf": True}, pickable=False))
    return layers


_QUOTES = "'\"`\\"  # kept out of the atlas string (pydeck reads quoted strings as literals)
_BASIC_CHARS = " ()-–/.,0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz’"


def label_text(name: str) -> str:
    """A label safe for the TextLayer's font atlas: straight quotes become typographic ones."""
    return name.replace("'", "’").replace('"', "”").replace("`", "’").replace("\\", "/")


def character_set(records: list[dict]) -> list[str]:
    """Every character the labels use (Cyrillic, Kazakh, accents), for the TextLayer's font atlas."""
    chars = set("".join(r["label"] for r in records)) | set(_BASIC_CHARS)
    return sorted(chars - set(_QUOTES))


def corridor_deck(legs: pd.DataFrame, corridors: pd.DataFrame, nodes: pd.DataFrame, *,
                  theme: str = "light", view: ViewPreset = OVERVIEW, selected_place: str | None = None,
                  highlight_legs: set[tuple[frozenset, str]] | None = None, labels: bool = True,
                  height: int = 620, online_style: str | None = None) -> pdk.Deck:
    """The whole map: basemap, legs (``geo.leg_paths`` output, already filtered), places (filtered).

    With ``online_style`` (a MapLibre style URL) that basemap is drawn under the corridors instead of the
    shipped sea and land; Kazakhstan stays emphasised.
    """
    t = THEMES.get(theme, THEMES["light"])
    base = basemap_layers(t)
    if online_style:
        base = base[2:]
    layers = [
        *base,
        *leg_layers(leg_records(legs, corridors, nodes), t, highlight_legs),
        *place_layers(place_records(nodes), t, selected_place, labels, zoom=view.zoom),
    ]
    return OfflineDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(longitude=view.longitude, latitude=view.latitude, zoom=view.zoom,
                                         min_zoom=1, max_zoom=10, pitch=0, bearing=0),
        views=[pdk.View(type="MapView", controller=True)],
        map_style=online_style or NO_BASEMAP,
        map_provider="carto" if online_style else None,
        tooltip=TOOLTIP,
        height=height,
    )


def deck_json(deck: pdk.Deck) -> dict:
    """The deck's JSON as a dict (what snapshots compare)."""
    return json.loads(deck.to_json())


# -- legend ----------------------------------------------------------------------------------------------
def _text_width(text: str, bold: bool = False) -> float:
    """A generous width in pixels of ``text`` at the legend's 13 px sans-serif, Latin or Cyrillic (DejaVu Sans,
    the widest common default, averages ~6.6 px a Latin and ~8.1 px a Cyrillic letter; bold ~10 % more)."""
    return (9.2 if bold else 8.4) * len(text)


def legend_for(corridors: pd.DataFrame, legs: pd.DataFrame, places: pd.DataFrame, theme: str = "light") -> str:
    """``legend_svg`` of what a map draws: the corridors, modes and place kinds of ``legs`` and ``places``."""
    return legend_svg(corridors[corridors["corridor_id"].isin(set(legs["corridor_id"]))],
                      [m for m in MODE_STYLES if m in set(legs["mode"])],
                      [k for k in KIND_STYLES if k in set(places["kind"])], theme)


def legend_svg(corridors: pd.DataFrame, modes: list[str], kinds: list[str], theme: str = "light") -> str:
    """The legend as a standalone SVG in three columns (corridor colours, mode line styles, place kinds);
    every text is XML-escaped, and the SVG is shown as an image, so nothing in it can run."""
    t = THEMES.get(theme, THEMES["light"])
    fg = "rgb({},{},{})".format(*t.text)
    outline = "rgb({},{},{})".format(*t.place_outline)
    outline_fill = "rgb({},{},{})".format(*t.text_outline)
    rows: list[str] = []
    corridor_names = [localized(row, "name") for row in corridors.to_dict("records")]
    mode_labels = [_(MODE_STYLES[m].label) for m in modes]
    kind_labels = [_(KIND_STYLES[k].label) for k in kinds]
    titles = (_("Corridors"), _("Transport mode"), _("Places"))
    # column positions from the longest text in each (names differ by language), so nothing overlaps
    x_modes = 10 + max([_text_width(titles[0], bold=True)] + [40 + _text_width(n) for n in corridor_names]) + 24
    x_places = x_modes + max([_text_width(titles[1], bold=True)] + [48 + _text_width(m) for m in mode_labels]) + 24
    kind_column = 22 + max([_text_width(k) for k in kind_labels] or [0]) + 18
    for x, title in zip((10, x_modes, x_places), titles, strict=True):
        rows.append(f'<text x="{x:.0f}" y="18" font-weight="700" fill="{fg}">{xml_escape(title)}</text>')
    y = 40
    for row, name in zip(corridors.to_dict("records"), corridor_names, strict=True):
        r, g, b = hex_to_rgb(row.get("color_hex", ""))
        rows.append(f'<line x1="12" y1="{y - 4}" x2="42" y2="{y - 4}" stroke="rgb({r},{g},{b})" '
                    f'stroke-width="5" stroke-linecap="round"/>')
        rows.append(f'<text x="50" y="{y}" fill="{fg}">{xml_escape(name)}</text>')
        y += 20
    bottom = y
    y = 40
    x1, x2 = x_modes + 2, x_modes + 42
    for mode, label in zip(modes, mode_labels, strict=True):
        style = MODE_STYLES[mode]
        if style.casing:
            rows.append(f'<line x1="{x1:.0f}" y1="{y - 4}" x2="{x2:.0f}" y2="{y - 4}" stroke="{fg}" '
                        f'stroke-width="{style.casing + 2:g}"/>')
            rows.append(f'<line x1="{x1:.0f}" y1="{y - 4}" x2="{x2:.0f}" y2="{y - 4}" stroke="{outline_fill}" '
                        f'stroke-width="{style.casing:g}"/>')
        rows.append(f'<line x1="{x1:.0f}" y1="{y - 4}" x2="{x2:.0f}" y2="{y - 4}" stroke="{fg}" '
                    f'stroke-opacity="{style.alpha / 255:.2f}" stroke-width="{style.width:g}"/>')
        rows.append(f'<text x="{x_modes + 50:.0f}" y="{y}" fill="{fg}">{xml_escape(label)}</text>')
        y += 20
    bottom = max(bottom, y)
    for i, (kind, label) in enumerate(zip(kinds, kind_labels, strict=True)):
        style = KIND_STYLES[kind]
        x = x_places + 2 + (i % 2) * kind_column
        y = 40 + (i // 2) * 20
        r, g, b = style.color
        rows.append(f'<circle cx="{x + 8:.0f}" cy="{y - 5}" r="{min(style.radius, 7):g}" fill="rgb({r},{g},{b})" '
                    f'stroke="{outline}" stroke-width="1.2"/>')
        rows.append(f'<text x="{x + 22:.0f}" y="{y}" fill="{fg}">{xml_escape(label)}</text>')
        bottom = max(bottom, y + 20)
    right = x_places + max(2 * kind_column if len(kinds) > 1 else kind_column, _text_width(titles[2], bold=True))
    width, height = max(1020, round(right) + 10), bottom
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="13">'
            + "".join(rows) + "</svg>")


# -- standalone HTML -------------------------------------------------------------------------------------
def standalone_html(deck: pdk.Deck, title: str, legend: str = "", note: str = "") -> str:
    """The map as one HTML file that needs no internet: deck.gl is inlined from the bundle pydeck ships
    (``pydeck/nbextension/static/index.js``) and the basemap is in the deck's own layers.

    ``legend`` is an SVG from ``legend_svg`` (shown as an image, so nothing in it can run); ``title`` and
    ``note`` are escaped.
    """
    from pydeck.io.html import cdn_picker

    bundle = cdn_picker(offline=True)
    data = json.loads(deck.to_json())
    data.pop("mapStyle", None)  # no basemap service: sea and land are layers
    data.pop("mapProvider", None)
    spec = _without_extensions(data)
    spec = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    tooltip = json.dumps(deck._tooltip).replace("</", "<\\/")
    legend_img = ""
    if legend:
        import base64

        data = base64.b64encode(legend.encode("utf-8")).decode("ascii")
        legend_img = f'<img id="legend" alt="legend" src="data:image/svg+xml;base64,{data}"/>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/>
<title>{html.escape(title)}</title>
<style>
html, body {{ margin: 0; padding: 0; height: 100%; font-family: sans-serif; }}
#deck-container {{ position: absolute; inset: 0; }}
#legend {{ position: absolute; left: 12px; top: 12px; background: rgba(255,255,255,0.88);
          border-radius: 6px; max-width: 70vw; padding: 4px; }}
#note {{ position: absolute; left: 12px; bottom: 8px; font-size: 11px; background: rgba(255,255,255,0.8);
        padding: 2px 6px; border-radius: 4px; }}
</style>
{bundle}
</head><body>
<div id="deck-container"></div>
{legend_img}
<div id="note">{html.escape(note)}</div>
<script>
const deckInstance = createDeck({{
  container: document.getElementById('deck-container'),
  jsonInput: {spec},
  tooltip: {tooltip},
}});
</script>
</body></html>
"""


def _without_extensions(spec: dict) -> dict:
    """pydeck's bundled deck.gl has no layer extensions registered: drop them (sea and ferry legs are then
    drawn solid in the exported file; colours, widths and the legend still tell the modes apart)."""
    for layer in spec.get("layers", []):
        layer.pop("extensions", None)
        for key in ("getDashArray", "dashJustified", "collisionEnabled", "getCollisionPriority"):
            layer.pop(key, None)
    return spec
