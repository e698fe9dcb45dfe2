"""News timeline: prepare articles once per data version, filter them, and build the figures and tables.

``prepare_news`` does the expensive work once (dates, tagging, gazetteer, search text); everything
after it (``filter_articles``, ``timeline_figure``, ``place_counts``, ``article_table``) is cheap and
vectorised, so a filter change on 100,000 articles stays fast.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from qazdash.gazetteer import Gazetteer, build_gazetteer, fold
from qazdash.geo import AMERICAS_MAX_LON
from qazdash.i18n import N_, _, format_number, localized
from qazdash.maps import THEMES, OfflineDeck, basemap_layers, fit_view
from qazdash.organisations import canonical_organisation
from qazdash.tagging import tag_articles
from qazdash.validation import split_list

NO_CORRIDOR = "none"
NO_CORRIDOR_COLOR = "#bcbd22"
MUTED = "#5b6b7f"  # the monthly bars and the lane names: secondary to the coloured articles
LANE_MODES = ("corridor", "topic")
# Short lane labels for the known corridors (the full names are long for an axis).
CORRIDOR_SHORT: dict[str, str] = {
    "qingdao_asia_pacific": N_("Qingdao – Asia-Pacific"),
    "lianyungang_asia_pacific": N_("Lianyungang – Asia-Pacific"),
    "titr_middle_corridor": N_("Middle Corridor (TITR)"),
    "northern_route_russia": N_("Northern route (Russia)"),
    "southern_route_iran": N_("Southern route (Iran)"),
    "china_europe_rail": N_("China–Europe rail"),
}
TOPIC_LABELS: dict[str, str] = {
    "investment": N_("Investment"),
    "logistics": N_("Logistics"),
    "infrastructure": N_("Infrastructure"),
    "trade_agreement": N_("Trade agreement"),
    "event": N_("Event"),
    "statistics": N_("Statistics"),
    "policy": N_("Policy"),
}
PRECISION_NOTE = {"month": N_("month only"), "year": N_("year only")}


# -- dates ----------------------------------------------------------------------------------------
_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def partial_date_bounds(value: object) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """First and last day of a YYYY-MM-DD / YYYY-MM / YYYY value, and its precision (NaT, NaT, 'unknown')."""
    match = _PARTIAL.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return pd.NaT, pd.NaT, "unknown"
    y, m, d = match.groups()
    try:
        if d:
            start = pd.Timestamp(int(y), int(m), int(d))
            return start, start, "day"
        if m:
            start = pd.Timestamp(int(y), int(m), 1)
            return start, start + pd.offsets.MonthEnd(0), "month"
        start = pd.Timestamp(int(y), 1, 1)
        return start, pd.Timestamp(int(y), 12, 31), "year"
    except ValueError:
        return pd.NaT, pd.NaT, "unknown"


def date_label(value: object) -> str:
    """'2023-05-14', '2023-05 (month only)', '2023 (year only)'; '' when missing."""
    start, _end, precision = partial_date_bounds(value)
    if precision == "unknown":
        return ""
    text = str(value).strip()
    return f"{text} ({_(PRECISION_NOTE[precision])})" if precision in PRECISION_NOTE else text


def period_bounds(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Vectorised :func:`partial_date_bounds`: (first day, last day, precision) for a column of partial dates."""
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    length = text.str.len()
    day = pd.to_datetime(text.where(length == 10), format="%Y-%m-%d", errors="coerce")
    month = pd.to_datetime(text.where(length == 7), format="%Y-%m", errors="coerce")
    year = pd.to_datetime(text.where(length == 4), format="%Y", errors="coerce")
    start = day.fillna(month).fillna(year)
    end = day.fillna(month + pd.offsets.MonthEnd(0)).fillna(year + pd.offsets.YearEnd(0))
    precision = pd.Series(
        np.select([day.notna(), month.notna(), year.notna()], ["day", "month", "year"], "unknown"), index=values.index
    )
    return start, end, precision


def date_labels(values: pd.Series) -> pd.Series:
    """Vectorised :func:`date_label`."""
    _start, _end, precision = period_bounds(values)
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    out = text.where(precision != "unknown", "")
    for p, note in PRECISION_NOTE.items():
        out = out.where(precision != p, out + f" ({_(note)})")
    return out.astype(object)


_ISO_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
# Clauses that talk about where a date came from, not about an event.
_PROVENANCE = re.compile(
    r"\b(dated|date field|id|ids|between|published|accessed|retrieved|page|timestamp)\b", re.IGNORECASE
)
_TRAILING_WORDS = re.compile(
    r"(\s+(for|on|at|in|by|of|from|to|until|planned|scheduled|set|is|was|be))+\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class NoteDate:
    date: str  # YYYY-MM-DD
    label: str  # a few words from the note that say what the date is


def note_dates(notes: object, skip: tuple[str, ...] = ()) -> list[NoteDate]:
    """ISO dates mentioned in free-text notes, each with the words before it as a short label.

    Clauses are split at ';'. A clause about provenance ('Trend id falls between items dated …',
    'date field …') is ignored, and so are dates in ``skip`` (e.g. the published and event dates).
    """
    if not isinstance(notes, str) or not notes:
        return []
    found: list[NoteDate] = []
    for clause in notes.split(";"):
        if _PROVENANCE.search(clause):
            continue
        for match in _ISO_DATE.finditer(clause):
            iso = match.group(1)
            start, _end, precision = partial_date_bounds(iso)
            if precision != "day" or iso in skip or any(n.date == iso for n in found):
                continue
            before = clause[: match.start()].strip(" ,:(-–")
            words = before.split()[-8:]
            label = _TRAILING_WORDS.sub("", " ".join(words)).strip(" ,:(-–")
            found.append(NoteDate(iso, label or _("date in notes")))
    return found


# -- preparation ------------------------------------------------------------------------------------
def _key(items: list[str]) -> str:
    """';a;b;' so that membership is one substring test per selected value."""
    return ";" + ";".join(items) + ";" if items else ""


@dataclass(frozen=True)
class _Coded:
    """A column of few distinct strings as integer codes (fast to take, count and group)."""

    codes: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, items: list[str]) -> _Coded:
        codes, values = pd.factorize(np.asarray(items, dtype=object))
        return cls(codes.astype(np.int32), np.asarray(values, dtype=object))


@dataclass
class NewsIndex:
    """Articles ready to filter and draw, with what is needed to draw them."""

    articles: pd.DataFrame  # one row per shown article, ``pos`` = its row number
    place_links: pd.DataFrame  # pos, node_id: the resolved places of each article
    gazetteer: Gazetteer
    corridors: pd.DataFrame  # corridor_id, name_*, color_hex
    unresolved: pd.DataFrame  # place, articles: place names the gazetteer could not place
    hidden: int = 0  # rows left out (no date or a supplied headline in square brackets)
    options: dict[str, list[str]] = field(default_factory=dict)  # filter choices, most frequent first
    corridor_pos: np.ndarray = field(default_factory=lambda: np.array([], dtype=np.int64))  # article of each link
    corridor_ids: _Coded | None = None  # the corridor of each link (or 'none')
    topic_ids: _Coded | None = None  # per article
    first_corridor: _Coded | None = None  # per article: the colour in topic lanes

    @property
    def colors(self) -> dict[str, str]:
        return dict(zip(self.corridors["corridor_id"], self.corridors["color_hex"], strict=True)) | {
            NO_CORRIDOR: NO_CORRIDOR_COLOR
        }


def _ranked(series: pd.Series) -> list[str]:
    """Distinct ';'-keyed values, most frequent first, then by name."""
    values = series[series != ""].str.strip(";").str.split(";").explode()
    counts = values[values != ""].value_counts()
    return sorted(counts.index, key=lambda v: (-counts[v], str(v).casefold()))


def prepare_news(
    articles: pd.DataFrame, nodes: pd.DataFrame, segments: pd.DataFrame, corridors: pd.DataFrame
) -> NewsIndex:
    """Dates, tags, resolved places and search text for every dated article with a real headline."""
    gaz = build_gazetteer(nodes, segments)
    frame = articles.copy()
    title = frame["title"].fillna("").astype(str)
    frame["date"], frame["date_end"], precision = period_bounds(frame["published"])
    keep = frame["date"].notna() & (title.str.strip() != "") & ~title.str.strip().str.startswith("[")
    hidden = int((~keep).sum())
    frame = frame[keep].reset_index(drop=True)
    frame = tag_articles(frame, gaz)

    n = len(frame)
    place_names: list[str] = []
    place_links_pos: list[int] = []
    place_links_node: list[str] = []
    unresolved: dict[str, int] = {}
    cache: dict[str, str | None] = {}
    place_keys, org_keys, corridor_keys, search = [], [], [], []
    titles, summaries = frame["title"].fillna("").tolist(), frame["summary"].fillna("").tolist()
    for pos, (places, orgs, cors) in enumerate(
        zip(
            frame["places"].tolist(),
            frame["organisations"].tolist(),
            frame["corridors"].tolist(),
            strict=True,
        )
    ):
        shown: list[str] = []
        node_terms: list[str] = []
        for name in split_list(places) if isinstance(places, str) else []:
            if name not in cache:
                cache[name] = gaz.resolve(name)
            node = cache[name]
            label = gaz.names[node] if node else name
            if node is None:
                unresolved[name] = unresolved.get(name, 0) + 1
            if label not in shown:
                shown.append(label)
                if node:
                    place_links_pos.append(pos)
                    place_links_node.append(node)
                    node_terms.append(gaz.search_terms(node))
                else:
                    node_terms.append(fold(name))
        org_list = (
            list(dict.fromkeys(canonical_organisation(o) for o in split_list(orgs))) if isinstance(orgs, str) else []
        )
        cor_list = split_list(cors) if isinstance(cors, str) else []
        place_names.append("; ".join(shown))
        place_keys.append(_key(shown))
        org_keys.append(_key(org_list))
        corridor_keys.append(_key(cor_list))
        search.append(" ".join([fold(titles[pos]), fold(summaries[pos]), *node_terms]))
    frame["place_names"] = place_names
    frame["place_key"] = pd.array(place_keys, dtype="str")
    frame["org_key"] = pd.array(org_keys, dtype="str")
    frame["corridor_key"] = pd.array(corridor_keys, dtype="str")
    frame["search"] = pd.array(search, dtype="str")
    frame["first_corridor"] = [k.strip(";").split(";")[0] if k else NO_CORRIDOR for k in corridor_keys]
    frame["date_label"] = date_labels(frame["published"])
    frame["event"], _end, _precision = period_bounds(frame["event_date"])
    frame["event_label"] = date_labels(frame["event_date"])
    notes = frame["notes"].astype(object).where(frame["notes"].notna(), "")
    has_date = notes.astype(str).str.contains(r"\d{4}-\d{2}-\d{2}", regex=True).to_numpy()
    dated = [[] for _ in range(len(frame))]
    for i in np.flatnonzero(has_date):
        dated[i] = note_dates(notes.iat[i], skip=(str(frame["published"].iat[i]), str(frame["event_date"].iat[i])))
    frame["note_dates"] = dated
    frame["pos"] = np.arange(n)
    for column in ("source", "language", "topic"):
        frame[column] = frame[column].fillna("").astype(str)
    links = pd.DataFrame({"pos": np.array(place_links_pos, dtype=np.int64), "node_id": place_links_node})
    unresolved_frame = pd.DataFrame(
        sorted(unresolved.items(), key=lambda kv: (-kv[1], kv[0])), columns=["place", "articles"]
    )
    options = {
        "corridors": _ranked(frame["corridor_key"]),
        "places": _ranked(frame["place_key"]),
        "organisations": _ranked(frame["org_key"]),
        "topics": [t for t in frame["topic"].value_counts().index if t],
        "sources": [s for s in frame["source"].value_counts().index if s],
        "languages": [lang for lang in frame["language"].value_counts().index if lang],
    }
    corridor_meta = corridors[
        [c for c in corridors.columns if c in ("corridor_id", "name_en", "name_ru", "name_kk", "color_hex")]
    ].reset_index(drop=True)
    cor_pos: list[int] = []
    cor_ids: list[str] = []
    for pos, key in enumerate(corridor_keys):
        for corridor in key.strip(";").split(";") if key else [NO_CORRIDOR]:
            cor_pos.append(pos)
            cor_ids.append(corridor)
    return NewsIndex(
        frame,
        links,
        gaz,
        corridor_meta,
        unresolved_frame,
        hidden,
        options,
        corridor_pos=np.array(cor_pos, dtype=np.int64),
        corridor_ids=_Coded.of(cor_ids),
        topic_ids=_Coded.of([t or "none" for t in frame["topic"].tolist()]),
        first_corridor=_Coded.of(frame["first_corridor"].tolist()),
    )


# -- filtering ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NewsFilter:
    """What the user asked for. Empty tuples and None mean 'no restriction'."""

    date_from: date | None = None
    date_to: date | None = None
    corridors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    query: str = ""

    @property
    def active(self) -> bool:
        return self != NewsFilter()


def _any_of(keys: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    mask = np.zeros(len(keys), dtype=bool)
    for value in values:
        mask |= keys.str.contains(f";{value};", regex=False).to_numpy(dtype=bool)
    return mask


def search_terms(query: str) -> list[str]:
    """The folded words of a search: each must occur in headline, summary or place names."""
    return [t for t in fold(query).split() if t]


def filter_articles(df: pd.DataFrame, flt: NewsFilter) -> pd.DataFrame:
    """The rows of a ``prepare_news`` frame that pass every part of ``flt`` (lists: any of the values).

    A partial date passes when its period overlaps the range: '2023-05' passes from 2023-05-20.
    """
    mask = np.ones(len(df), dtype=bool)
    if flt.date_from is not None:
        mask &= (df["date_end"] >= pd.Timestamp(flt.date_from)).to_numpy()
    if flt.date_to is not None:
        mask &= (df["date"] <= pd.Timestamp(flt.date_to)).to_numpy()
    if flt.corridors:
        wanted = tuple(c for c in flt.corridors if c != NO_CORRIDOR)
        part = _any_of(df["corridor_key"], wanted)
        if NO_CORRIDOR in flt.corridors:
            part |= (df["corridor_key"] == "").to_numpy()
        mask &= part
    if flt.places:
        mask &= _any_of(df["place_key"], flt.places)
    if flt.organisations:
        mask &= _any_of(df["org_key"], flt.organisations)
    if flt.topics:
        mask &= df["topic"].isin(flt.topics).to_numpy()
    if flt.sources:
        mask &= df["source"].isin(flt.sources).to_numpy()
    if flt.languages:
        mask &= df["language"].isin(flt.languages).to_numpy()
    for term in search_terms(flt.query):
        if not mask.any():
            break
        mask &= df["search"].str.contains(term, regex=False).to_numpy(dtype=bool)
    return df[mask]


# -- counts ------------------------------------------------------------------------------------------
def monthly_counts(df: pd.DataFrame) -> pd.DataFrame:
    """month (first day), articles: publications per month, with empty months between as 0."""
    if df.empty:
        return pd.DataFrame({"month": pd.to_datetime([]), "articles": pd.Series([], dtype="int64")})
    months = df["date"].to_numpy().astype("datetime64[M]").astype(np.int64)
    first = months.min()
    counts = np.bincount(months - first)
    full = (np.arange(len(counts)) + first).astype("datetime64[M]").astype("datetime64[ns]")
    return pd.DataFrame({"month": full, "articles": counts.astype(np.int64)})


def place_counts(df: pd.DataFrame, index: NewsIndex) -> pd.DataFrame:
    """node_id, name (in the page's language), lat, lon, articles: how many of the filtered articles mention
    each placed node."""
    links = index.place_links
    if not len(links) or df.empty:
        return pd.DataFrame(columns=["node_id", "name", "lat", "lon", "articles"])
    member = np.zeros(len(index.articles), dtype=bool)
    member[df["pos"].to_numpy()] = True
    selected = links[member[links["pos"].to_numpy()]]
    per_node = selected["node_id"].value_counts()
    rows = [
        (node, index.gazetteer.label(node), *index.gazetteer.coords[node], int(count))
        for node, count in per_node.items()
        if node in index.gazetteer.coords
    ]
    out = pd.DataFrame(rows, columns=["node_id", "name", "lat", "lon", "articles"])
    return out.sort_values(["articles", "name"], ascending=[False, True], ignore_index=True)


# -- figures ---------------------------------------------------------------------------------------
def corridor_label(corridor_id: str, corridors: pd.DataFrame | None = None) -> str:
    if corridor_id == NO_CORRIDOR:
        return _("No corridor")
    if corridor_id in CORRIDOR_SHORT:
        return _(CORRIDOR_SHORT[corridor_id])
    if corridors is not None:
        match = corridors[corridors["corridor_id"] == corridor_id]
        if len(match):
            return localized(match.iloc[0].to_dict(), "name") or corridor_id
    return corridor_id


def topic_label(topic: str) -> str:
    return _(TOPIC_LABELS[topic]) if topic in TOPIC_LABELS else (topic or _("No topic"))


def _hover(titles: pd.Series, sources: pd.Series, labels: pd.Series, prefix: str = "") -> list[str]:
    """Hover text with data HTML-escaped (plotly renders a subset of HTML in hover labels)."""
    return [
        f"{prefix}<b>{html.escape(t)}</b><br>{html.escape(s)} · {html.escape(d)}"
        for t, s, d in zip(titles.tolist(), sources.tolist(), labels.tolist(), strict=True)
    ]


def _lane_points(
    df: pd.DataFrame, index: NewsIndex, lanes: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(article position, lane codes, lane values, colour codes, colour values) per point.

    Articles on two corridors are points in both corridor lanes.
    """
    pos = df["pos"].to_numpy()
    if lanes == "topic":
        topic, first = index.topic_ids, index.first_corridor
        return pos, topic.codes[pos], topic.values, first.codes[pos], first.values
    member = np.zeros(len(index.articles), dtype=bool)
    member[pos] = True
    chosen = member[index.corridor_pos]
    cor = index.corridor_ids
    codes = cor.codes[chosen]
    return index.corridor_pos[chosen], codes, cor.values, codes, cor.values


def _aggregate(
    dates: np.ndarray,
    lane: np.ndarray,
    lane_values: np.ndarray,
    color: np.ndarray,
    color_values: np.ndarray,
    max_points: int,
) -> tuple[pd.DataFrame, str]:
    """Points grouped per (colour, lane, week or month), so that at most about ``max_points`` remain."""
    n_lanes = len(lane_values)
    pair = color.astype(np.int64) * n_lanes + lane
    for unit in ("W", "M", "Y"):
        bins = dates.astype(f"datetime64[{unit}]").astype(np.int64)
        first = bins.min()
        span = int(bins.max() - first) + 1
        keys, counts = np.unique(pair * span + (bins - first), return_counts=True)
        if len(keys) <= max_points or unit == "Y":
            pairs, offsets = np.divmod(keys, span)
            grouped = pd.DataFrame(
                {
                    "color": color_values[pairs // n_lanes],
                    "lane": lane_values[pairs % n_lanes],
                    "bin": (offsets + first).astype(f"datetime64[{unit}]").astype("datetime64[ns]"),
                    "n": counts,
                }
            )
            return grouped, unit
    raise AssertionError("unreachable")


def timeline_figure(
    df: pd.DataFrame,
    index: NewsIndex,
    lanes: str = "corridor",
    *,
    selected: str | None = None,
    max_points: int = 3000,
) -> go.Figure:
    """Articles at their dates in lanes (by corridor or topic), coloured by corridor; monthly counts beneath.

    Each article point carries its ``article_id`` as ``customdata`` (for ``on_select``). Event dates and
    dates mentioned in notes are secondary markers in the same lane. Above ``max_points`` points per
    figure, articles are grouped by week or month per lane and drawn as sized markers.
    """
    if lanes not in LANE_MODES:
        raise ValueError(f"lanes must be one of {LANE_MODES}, got {lanes!r}")
    colors = index.colors
    fig = go.Figure()
    point_pos, lane_codes, lane_values, color_codes, color_values = _lane_points(df, index, lanes)
    present = set(lane_values[np.unique(lane_codes)])
    label_of = (lambda v: corridor_label(v, index.corridors)) if lanes == "corridor" else topic_label
    if lanes == "corridor":
        lane_order = [c for c in [*index.corridors["corridor_id"], NO_CORRIDOR] if c in present]
        lane_order += sorted(present - set(lane_order))
    else:
        lane_order = sorted(
            present, key=lambda t: (t not in TOPIC_LABELS, list(TOPIC_LABELS).index(t) if t in TOPIC_LABELS else 0, t)
        )
    lane_labels = {lane: label_of(lane) for lane in lane_order}
    # in corridor lanes each lane is its colour and is labelled: the legend keeps only the date symbols
    # (one row even on a phone); by topic, colours cross lanes and the legend names them
    colour_legend = lanes != "corridor"
    aggregated = len(point_pos) > max_points
    color_present = set(color_values[np.unique(color_codes)])
    color_order = [c for c in [*index.corridors["corridor_id"], NO_CORRIDOR] if c in color_present]
    color_order += sorted(color_present - set(color_order))
    if aggregated:
        dates = index.articles["date"].to_numpy()[point_pos]
        grouped, unit = _aggregate(dates, lane_codes, lane_values, color_codes, color_values, max_points)
        unit_label = {"W": _("week of"), "M": _("month of"), "Y": _("year")}[unit]
        for color_key in color_order:
            part = grouped[grouped["color"] == color_key]
            fig.add_trace(
                go.Scatter(
                    x=part["bin"].to_numpy(),
                    y=part["lane"].map(lane_labels).to_numpy(),
                    mode="markers",
                    name=corridor_label(color_key, index.corridors),
                    legendgroup=color_key,
                    showlegend=colour_legend,
                    marker={
                        "color": colors.get(color_key, NO_CORRIDOR_COLOR),
                        "opacity": 0.75,
                        "size": np.clip(4 + 3 * np.sqrt(part["n"].to_numpy()), 5, 28).round(1),
                    },
                    customdata=np.full(len(part), "", dtype=object),
                    text=part["n"].to_numpy(),
                    hovertemplate="%{text} " + _("articles") + " · " + unit_label + " %{x|%Y-%m-%d}<extra></extra>",
                ),
            )
        points = None
    else:
        points = df.set_index("pos", drop=False).loc[point_pos]
        points = points.assign(lane=lane_values[lane_codes], color_key=color_values[color_codes])
        points["y"] = points["lane"].map(lane_labels)
        for color_key in color_order:
            part = points[points["color_key"] == color_key]
            fig.add_trace(
                go.Scatter(
                    x=part["date"],
                    y=part["y"],
                    mode="markers",
                    name=corridor_label(color_key, index.corridors),
                    legendgroup=color_key,
                    showlegend=colour_legend,
                    marker={
                        "color": colors.get(color_key, NO_CORRIDOR_COLOR),
                        "size": 10,
                        "opacity": 0.85,
                        "line": {"width": 1, "color": "white"},
                    },
                    customdata=part["article_id"].tolist(),
                    hovertext=_hover(part["title"], part["source"], part["date_label"]),
                    hoverinfo="text",
                ),
            )
    if points is not None:
        events = points[points["event"].notna()]
        if len(events):
            fig.add_trace(
                go.Scatter(
                    x=events["event"],
                    y=events["y"],
                    mode="markers",
                    name=_("Event date"),
                    marker={"symbol": "diamond-open", "size": 11, "color": "#444", "line": {"width": 1.5}},
                    customdata=events["article_id"].tolist(),
                    hovertext=_hover(events["title"], events["source"], events["event_label"], _("Event") + ": "),
                    hoverinfo="text",
                ),
            )
        noted = points[points["note_dates"].map(bool)]
        if len(noted):
            xs, ys, ids, texts = [], [], [], []
            for row in noted.itertuples(index=False):
                for nd in row.note_dates:
                    xs.append(pd.Timestamp(nd.date))
                    ys.append(row.y)
                    ids.append(row.article_id)
                    texts.append(
                        f"{html.escape(nd.label)}: {nd.date}<br><b>{html.escape(row.title)}</b>"
                        f"<br>{html.escape(row.source)} (" + _("date from the notes") + ")"
                    )
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="markers",
                    name=_("Date in notes"),
                    marker={"symbol": "star-open", "size": 12, "color": "#444", "line": {"width": 1.5}},
                    customdata=ids,
                    hovertext=texts,
                    hoverinfo="text",
                ),
            )
        if selected is not None:
            sel = points[points["article_id"] == selected]
            if len(sel):
                fig.add_trace(
                    go.Scatter(
                        x=sel["date"],
                        y=sel["y"],
                        mode="markers",
                        name=_("Selected"),
                        showlegend=False,
                        marker={"symbol": "circle-open", "size": 20, "color": "#111", "line": {"width": 2.5}},
                        customdata=sel["article_id"].tolist(),
                        hoverinfo="skip",
                    ),
                )
    counts = monthly_counts(df)
    fig.add_trace(
        go.Bar(
            x=counts["month"],
            y=counts["articles"],
            name=_("Articles per month"),
            marker={"color": MUTED},
            hovertemplate="%{x|%Y-%m}: %{y} " + _("articles") + "<extra></extra>",
            showlegend=False,
            customdata=np.full(len(counts), "", dtype=object),
            xaxis="x2",
            yaxis="y2",
        ),
    )
    fig.update_layout(
        xaxis={"type": "date", "anchor": "y", "matches": "x2", "showticklabels": False, "domain": [0, 1]},
        # lane names sit above their lanes inside the plot, not as tick labels in a left margin: on a
        # phone the long corridor names left the dates about 80 px of a 390 px screen
        yaxis={
            "domain": [0.3, 1],
            "categoryorder": "array",
            "categoryarray": [lane_labels[v] for v in reversed(lane_order)],
            "showticklabels": False,
        },
        annotations=[
            {"x": 0, "xref": "paper", "xanchor": "left", "y": lane_labels[v], "yref": "y", "yshift": 15,
             "text": html.escape(lane_labels[v]), "showarrow": False, "font": {"size": 12, "color": MUTED}}
            for v in lane_order
        ],
        xaxis2={"type": "date", "anchor": "y2", "domain": [0, 1], "rangeslider": {"visible": True, "thickness": 0.08}},
        yaxis2={"domain": [0, 0.24], "title": {"text": _("per month")}, "rangemode": "tozero"},
        height=max(380, 170 + 46 * len(lane_order)) + 120,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "font": {"size": 11}},
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
    )
    return fig


@lru_cache(maxsize=4)
def _deck_class(theme: str) -> type[OfflineDeck]:
    """An ``OfflineDeck`` class that splices the basemap layers in as JSON serialised once per theme.

    The basemap (sea, countries, Kazakhstan) is about 0.9 MB of JSON and never changes; serialising it
    on every rerun cost more than everything else on the page.
    """
    from pydeck.bindings.json_tools import default_serialize

    layers = basemap_layers(THEMES.get(theme, THEMES["light"]))
    basemap = ",".join(
        json.dumps(layer, sort_keys=True, default=default_serialize, separators=(",", ":")) for layer in layers
    )

    class NewsDeck(OfflineDeck):
        def to_json(self) -> str:
            text = super().to_json()
            return text.replace('"layers":[', '"layers":[' + basemap + ("," if self.layers else ""), 1)

    return NewsDeck


def news_map_deck(counts: pd.DataFrame, theme: str = "light") -> pdk.Deck:
    """Places sized by how many filtered articles mention them, on the offline basemap of ``qazdash.maps``.

    The layer id is ``news-places`` (selections arrive under it). Places west of 20° W are drawn 360° east,
    next to the Pacific, where the basemap repeats the Americas.
    """
    data = counts[["node_id", "name", "lat", "lon", "articles"]].copy()
    data["lat"] = data["lat"].astype(float).round(4)
    lon = data["lon"].astype(float)
    data["lon"] = lon.where(lon >= AMERICAS_MAX_LON, lon + 360).round(4)
    data["radius"] = (20_000 + 18_000 * np.sqrt(data["articles"].astype(float))).round(0)
    data["label"] = [f"{format_number(n, 0)} " + _("articles") for n in data["articles"]]
    layer = pdk.Layer(
        "ScatterplotLayer",
        data=data,
        id="news-places",
        get_position=["lon", "lat"],
        get_radius="radius",
        radius_min_pixels=4,
        radius_max_pixels=40,
        get_fill_color=[214, 39, 40, 180],
        get_line_color=[255, 255, 255, 230],
        line_width_min_pixels=1,
        stroked=True,
        pickable=True,
        auto_highlight=True,
    )
    longitude, latitude, zoom = fit_view(list(zip(data["lon"], data["lat"], strict=True)), size=(540, 420))
    return _deck_class(theme)(
        layers=[layer],
        initial_view_state=pdk.ViewState(latitude=latitude, longitude=longitude, zoom=max(zoom, 1.0)),
        map_style=None,
        map_provider=None,
        tooltip={"text": "{name}\n{label}"},
    )


# -- tables ------------------------------------------------------------------------------------------
TABLE_COLUMNS = {
    "date_label": N_("Published"),
    "title": N_("Headline"),
    "source": N_("Source"),
    "language": N_("Language"),
    "corridors": N_("Corridors"),
    "place_names": N_("Places"),
    "organisations": N_("Organisations"),
    "topic": N_("Topic"),
    "event_label": N_("Event date"),
    "summary": N_("Summary"),
    "url": N_("Link"),
    "article_id": N_("Article id"),
}


def newest(df: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` most recently published rows of ``df``, newest first."""
    if len(df) <= n:
        return df
    order = np.argsort(df["date"].to_numpy(), kind="stable")[::-1][:n]
    return df.iloc[order]


def article_table(df: pd.DataFrame, index: NewsIndex) -> pd.DataFrame:
    """The filtered articles as a display/CSV table, newest first; column names translated."""
    ordered = df.sort_values(["date", "article_id"], ascending=[False, True])
    # labels are translated once per distinct value, not once per row (100k rows: tens of ms saved)
    corridor_text = {
        k: ", ".join(corridor_label(c, index.corridors) for c in k.strip(";").split(";") if c)
        for k in ordered["corridor_key"].unique()
    }
    org_text = {k: k.strip(";").replace(";", "; ") for k in ordered["org_key"].unique()}
    topic_text = {t: topic_label(t) if isinstance(t, str) and t else "" for t in ordered["topic"].unique()}
    out = pd.DataFrame(
        {
            "date_label": ordered["date_label"],
            "title": ordered["title"],
            "source": ordered["source"],
            "language": ordered["language"],
            "corridors": ordered["corridor_key"].map(corridor_text),
            "place_names": ordered["place_names"],
            "organisations": ordered["org_key"].map(org_text),
            "topic": ordered["topic"].map(topic_text).fillna(""),
            "event_label": ordered["event_label"],
            "summary": ordered["summary"].fillna(""),
            "url": ordered["url"],
            "article_id": ordered["article_id"],
        }
    )
    return out.rename(columns={k: _(v) for k, v in TABLE_COLUMNS.items()}).reset_index(drop=True)


def article_record(index: NewsIndex, article_id: str) -> dict | None:
    """Everything the article card shows, or None for an unknown id."""
    rows = index.articles[index.articles["article_id"] == article_id]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {
        "article_id": row["article_id"],
        "title": row["title"],
        "url": row["url"],
        "source": row["source"],
        "published": row["date_label"],
        "event": row["event_label"] if row["event_label"] and row["event_date"] != row["published"] else "",
        "language": row["language"],
        "corridors": [corridor_label(c, index.corridors) for c in row["corridor_key"].strip(";").split(";") if c],
        "places": [p for p in row["place_names"].split("; ") if p],
        "organisations": [o for o in row["org_key"].strip(";").split(";") if o],
        "summary": row["summary"] if isinstance(row["summary"], str) else "",
        "note_dates": list(row["note_dates"]),
        "tagged": [t for t in str(row.get("tagged", "") or "").split(";") if t],
    }


def selected_from_points(points: list[dict]) -> str | None:
    """The article id of the first clicked point that stands for one article (customdata), else None."""
    for point in points or []:
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if isinstance(data, str) and data:
            return data
    return None
