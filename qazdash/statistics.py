"""Statistics: comparable series, conflicts between sources, growth, targets and the figures built on them.

The rules, in one place (the Statistics page and the Overview tiles both use them):

* **Kinds of point.** ``full``: an ``actual`` value for a whole calendar year (``period`` is ``YYYY``).
  ``partial``: ``partial_period`` values, and ``actual`` values whose period is a month or a quarter.
  ``cumulative``: multi-year totals. ``reference``: ``capacity``, ``target_or_plan``, ``forecast``,
  ``commitment_or_estimate``. Only ``full`` points are joined by a line; the others are markers.
* **The line of a metric** (``comparable_series``) has at most one point per year. Where the metric has a
  preferred source (``qazdash.metrics.PREFERRED_SOURCES``, each with its reason) only that source's
  figures make the line. Otherwise a year's point is the figure all sources agree on; where they differ
  by at most ``ROUNDING_TOLERANCE`` (rounding) the line takes the exact figure (no "about"/"at least"),
  then the most precise one, then the one most sources give; where they differ by more, the year has no
  point on the line. Values are never averaged. Years that do not follow each other are not joined.
* **Conflicts** (``conflicts``): the same metric, unit, period, exact span and value type, reported with
  different values by different sources. All are listed side by side with their relative difference.
* **Growth** (``yoy_growth``): only between two consecutive years on the same line.
* **Targets and forecasts** (``gaps``): compared with the latest full year on the line (or with the
  actual figure of their own year, once that year has passed).
"""

from __future__ import annotations

import html
import re
import weakref
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_date
from babel.numbers import format_decimal

from qazdash.errors import QazdashDataError
from qazdash.i18n import N_, Message, _, get_language
from qazdash.metrics import (
    PREFERRED_SOURCES,
    basis,
    metric_info,
    metric_name,
    ordered_metrics,
    reference_metrics,
    unit_axis_title,
    unit_template,
)

FULL, PARTIAL, CUMULATIVE, REFERENCE = "full", "partial", "cumulative", "reference"
REFERENCE_TYPES = ("capacity", "target_or_plan", "forecast", "commitment_or_estimate")
ROUNDING_TOLERANCE = 0.01  # relative spread treated as rounding when choosing a line's point (never averaged)
REQUIRED_COLUMNS = ("metric_id", "metric", "unit", "period", "value", "source", "url", "value_type")

VALUE_TYPE_LABELS: dict[str, str] = {
    "actual": N_("Actual (full period)"),
    "partial_period": N_("Part of a period"),
    "cumulative": N_("Cumulative (several years)"),
    "capacity": N_("Capacity"),
    "target_or_plan": N_("Target or plan"),
    "forecast": N_("Forecast"),
    "commitment_or_estimate": N_("Commitment or estimate"),
}
QUALIFIER_LABELS: dict[str, str] = {"at_least": N_("at least"), "approximate": N_("about")}
VALUE_TYPE_SHORT: dict[str, str] = {
    "actual": N_("full period"),
    "partial_period": N_("part of a period"),
    "cumulative": N_("cumulative"),
    "capacity": N_("capacity"),
    "target_or_plan": N_("target or plan"),
    "forecast": N_("forecast"),
    "commitment_or_estimate": N_("commitment or estimate"),
}

_SPAN_START = re.compile(r"^\s*(?:Q([1-4])\s+(\d{4})|(\d{4})(?:-(\d{2})(?!\d))?)")


# --- numbers -----------------------------------------------------------------------------------------


LARGE_COUNT_UNITS = ("teu", "teu_per_year", "containers", "containers_per_year", "tonnes", "trips")


def format_value(value: float | int | None, unit: str, significant: int = 3, lang: str | None = None) -> str:
    """``value`` with its unit, readable: ``4.12 Mt``, ``$31.2 bn``, ``1,234 TEU``; an en dash if missing.

    Whole numbers keep all their digits; others are rounded to ``significant`` significant digits
    (at least the integer part). The unit template and the separators follow the language.
    """
    if value is None or value != value:  # None or NaN
        return "–"
    lang = lang or get_language()
    number = float(value)
    if abs(number) >= 1_000_000 and unit in LARGE_COUNT_UNITS:
        millions = format_value(number / 1_000_000, "", significant=significant, lang=lang).strip()
        return unit_template(unit).format(value=_("{number} million").format(number=millions))
    integer_digits = len(str(int(abs(number)))) if abs(number) >= 1 else 0
    if number.is_integer():
        digits = 0
    elif integer_digits:
        digits = max(0, significant - integer_digits)
    else:  # 0.0xyz: keep `significant` digits after the leading zeros
        decimals = f"{abs(number):.12f}".split(".")[1]
        leading_zeros = len(decimals) - len(decimals.lstrip("0"))
        digits = leading_zeros + significant
    pattern = "#,##0" if digits == 0 else "#,##0." + "#" * digits
    text = format_decimal(number, format=pattern, locale=lang)
    return unit_template(unit).format(value=text) if unit else text


def format_change(change: float | None, lang: str | None = None) -> str:
    """A relative change as signed per cent: ``-8.1%``, ``+6.9%``; an en dash if missing.

    The minus is ASCII ``-`` on purpose: ``st.metric`` reads a delta starting with ``-`` as a fall
    (red, arrow down); a typographic minus would show a fall as a rise.
    """
    if change is None or change != change:
        return "–"
    text = format_decimal(abs(change) * 100, format="#,##0.0", locale=lang or get_language())
    sign = "+" if change > 0 else ("-" if change < 0 else "±")
    return f"{sign}{text}%"


def qualified_value(value: float, unit: str, qualifier: str | None, significant: int = 3) -> str:
    """``format_value`` with its qualifier in words: ``about 2.3 Mt``, ``at least 24 $ bn``."""
    text = format_value(value, unit, significant=significant)
    if qualifier in QUALIFIER_LABELS:
        return f"{_(QUALIFIER_LABELS[qualifier])} {text}"
    return text


def _significant_digits(value: float) -> int:
    digits = f"{abs(value):.10g}".replace(".", "").lstrip("0").rstrip("0")
    return max(1, len(digits))


# --- preparing the frame -----------------------------------------------------------------------------


def _blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, float) and value != value)


def _span(period: str, detail: str | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start and end of the span a figure covers, from ``period`` (its end) and ``period_detail``."""
    if re.fullmatch(r"\d{4}", period):
        end = pd.Timestamp(int(period), 12, 31)
    elif re.fullmatch(r"\d{4}-\d{2}", period):
        end = pd.Timestamp(period + "-01") + pd.offsets.MonthEnd(0)
    else:
        raise QazdashDataError(
            N_("A statistics period cannot be read"),
            Message(N_("period {period!r} is neither YYYY nor YYYY-MM"), period=period),
            Message(N_("Fix the 'period' column of the statistics table.")),
        )
    whole_year = re.fullmatch(r"\d{4}", period) is not None
    start = pd.Timestamp(end.year, 1, 1) if whole_year else pd.Timestamp(end.year, end.month, 1)
    if not _blank(detail):
        m = _SPAN_START.match(str(detail))
        if m and m.group(1):  # "Q1 2024"
            start = pd.Timestamp(int(m.group(2)), 3 * int(m.group(1)) - 2, 1)
        elif m and m.group(3) and str(detail).strip() not in ("year",):
            start = pd.Timestamp(int(m.group(3)), int(m.group(4) or 1), 1)
    return min(start, end), end


def _month(ts: pd.Timestamp, lang: str) -> str:
    return format_date(ts.date(), "MMM", locale=lang)


def period_label(start: pd.Timestamp, end: pd.Timestamp, kind: str, lang: str | None = None) -> str:
    """``2024``, ``Jan–Nov 2024``, ``2014 – Mar 2023``: what a figure's span reads as."""
    lang = lang or get_language()
    whole_years = start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31
    if whole_years:
        return str(end.year) if start.year == end.year else f"{start.year}–{end.year}"
    if start.year == end.year:
        if start.month == end.month:
            return f"{_month(end, lang)} {end.year}"
        return f"{_month(start, lang)}–{_month(end, lang)} {end.year}"
    first = str(start.year) if start.month == 1 else f"{_month(start, lang)} {start.year}"
    return f"{first} – {_month(end, lang)} {end.year}"


def prepare(statistics: pd.DataFrame) -> pd.DataFrame:
    """The statistics table with the columns every function here uses.

    Adds ``kind`` (full / partial / cumulative / reference), ``span_start``, ``span_end``, ``year``,
    ``x`` (where a point is drawn: mid-year for whole years, the end of the span otherwise) and
    ``period_label``. Raises ``QazdashDataError`` when a required column is missing.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in statistics.columns]
    if missing:
        raise QazdashDataError(
            N_("The statistics table is incomplete"),
            Message(N_("statistics: expected columns {expected}, missing {missing}"),
                    expected=", ".join(REQUIRED_COLUMNS), missing=", ".join(missing)),
            Message(N_("Upload a statistics table with these columns.")),
        )
    frame = statistics.copy()
    for column in ("notes", "period_detail", "qualifier"):
        if column not in frame.columns:
            frame[column] = None
    frame = frame.astype({"value": float})
    for column in ("qualifier", "period_detail", "notes", "url"):
        frame[column] = frame[column].map(lambda v: None if _blank(v) else str(v))
    frame["period"] = frame["period"].astype(str).str.strip()

    def kind(row) -> str:
        if row["value_type"] in REFERENCE_TYPES:
            return REFERENCE
        if row["value_type"] == "cumulative":
            return CUMULATIVE
        if row["value_type"] == "actual" and re.fullmatch(r"\d{4}", row["period"]):
            return FULL
        return PARTIAL

    frame["kind"] = frame.apply(kind, axis=1) if len(frame) else pd.Series(dtype=str)
    spans = [_span(p, d) for p, d in zip(frame["period"], frame["period_detail"], strict=True)]
    empty = pd.Series(dtype="datetime64[ns]")
    frame["span_start"] = pd.to_datetime([s for s, _e in spans]) if spans else empty
    frame["span_end"] = pd.to_datetime([e for _s, e in spans]) if spans else empty
    frame["year"] = frame["span_end"].dt.year.astype(int)
    whole_year = frame["period"].str.fullmatch(r"\d{4}") & (frame["kind"] != CUMULATIVE)
    mid_year = pd.to_datetime(frame["year"].astype(str) + "-07-01")
    frame["x"] = mid_year.where(whole_year, frame["span_end"])
    frame["period_label"] = [
        period_label(s, e, k) if k != FULL else str(e.year)
        for s, e, k in zip(frame["span_start"], frame["span_end"], frame["kind"], strict=True)
    ]
    # Plain object columns: the frame is small and filtered many times; Arrow strings cost more per operation.
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c]) and frame[c].dtype != object]
    frame[text] = frame[text].astype(object).where(frame[text].notna(), None)
    return frame.sort_values(["metric", "span_end", "metric_id"], kind="stable").reset_index(drop=True)


def _ensure_prepared(statistics: pd.DataFrame) -> pd.DataFrame:
    return statistics if "kind" in statistics.columns else prepare(statistics)


# Results per prepared frame, so one page run computes a metric's line once. Prepared frames are treated
# as immutable; an entry lives as long as its frame (the weak reference guards against a reused id()).
_MEMO: dict[int, tuple[weakref.ref, dict]] = {}


def _memo(frame: pd.DataFrame, key: tuple, compute):
    frame_id = id(frame)
    entry = _MEMO.get(frame_id)
    if entry is None or entry[0]() is not frame:
        entry = (weakref.ref(frame, lambda _ref: _MEMO.pop(frame_id, None)), {})
        _MEMO[frame_id] = entry
    cache = entry[1]
    if key not in cache:
        cache[key] = compute()
    return cache[key].copy()


# --- the line: comparable points --------------------------------------------------------------------


def preferred_mask(frame: pd.DataFrame, metric: str) -> pd.Series:
    """Rows of ``frame`` from ``metric``'s preferred source (all False where it has none)."""
    rule = PREFERRED_SOURCES.get(metric)
    if rule is None:
        return pd.Series(False, index=frame.index)
    return (frame["metric"] == metric) & frame["source"].astype(str).str.contains(rule.pattern, regex=True)


def _pick(rows: list[dict]) -> tuple[dict, str] | None:
    """The row that stands for one year on the line, and why; ``None`` where sources really differ."""
    values = [r["value"] for r in rows]
    if len(set(values)) == 1:
        return rows[0], ("single" if len(rows) == 1 else "agree")
    low, high = min(values), max(values)
    if low <= 0 or (high - low) / low > ROUNDING_TOLERANCE:
        return None
    reports = {v: values.count(v) for v in values}
    ranked = sorted(rows, key=lambda r: (not _blank(r["qualifier"]), -_significant_digits(r["value"]),
                                         -reports[r["value"]], str(r["metric_id"])))
    return ranked[0], "rounding"


LINE_EXTRA_COLUMNS = ["selection", "sources", "n_reports"]


def comparable_series(statistics: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The points of ``metric``'s line: one full-year value per year, chosen by the rules above.

    Extra columns: ``selection`` (preferred / single / agree / rounding), ``sources`` (every source
    giving the chosen value for that year, the chosen one first, ``; ``-separated) and ``n_reports``.
    """
    frame = _ensure_prepared(statistics)
    return _memo(frame, ("line", metric), lambda: _comparable_series(frame, metric))


def _comparable_series(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    full = frame[(frame["metric"] == metric) & (frame["kind"] == FULL)]
    if full["unit"].nunique() > 1:  # one line per unit: figures in different units are never compared
        full = full[full["unit"] == full["unit"].mode().iloc[0]]
    columns = [*full.columns, *LINE_EXTRA_COLUMNS]
    records = full.to_dict("records")  # a few rows per metric: plain Python is faster than pandas here
    rule = PREFERRED_SOURCES.get(metric)
    preferred = [r for r in records if rule and re.search(rule.pattern, str(r["source"]))]
    pool = preferred or records
    by_year: dict[int, list[dict]] = {}
    for r in pool:
        by_year.setdefault(int(r["year"]), []).append(r)
    picked = []
    for year in sorted(by_year):
        choice = _pick(by_year[year])
        if choice is None:
            continue
        row, how = choice
        same = [r for r in records if int(r["year"]) == year and r["value"] == row["value"]]
        sources = dict.fromkeys([row["source"], *(r["source"] for r in same)])
        picked.append({**row, "selection": "preferred" if preferred else how, "sources": "; ".join(sources),
                       "n_reports": len(same)})
    return pd.DataFrame(picked, columns=columns)


def line_ids(statistics: pd.DataFrame, metrics: list[str]) -> set[str]:
    """``metric_id`` of every row drawn on a line (the chosen points of ``comparable_series``)."""
    frame = _ensure_prepared(statistics)
    return {mid for m in metrics for mid in comparable_series(frame, m)["metric_id"]}


# --- conflicts ---------------------------------------------------------------------------------------

CONFLICT_KEY = ("metric", "unit", "period", "period_detail", "value_type")


def conflicts(statistics: pd.DataFrame, metrics: list[str] | None = None) -> pd.DataFrame:
    """Comparable figures that disagree: one row per source figure, grouped by ``conflict``.

    Comparable = same metric, unit, period, exact span and value type. A group is a conflict when it
    holds at least two different values from at least two different sources. Columns: ``conflict``
    (a key), the row's own columns, ``reference_value`` (the preferred source's figure where the
    metric has one, else the lowest), ``difference`` (value / reference − 1), ``spread``
    (highest / lowest − 1) and ``is_reference``.
    """
    frame = _ensure_prepared(statistics)
    if metrics is not None:
        frame = frame[frame["metric"].isin(metrics)]
    keyed = frame.assign(_detail=frame["period_detail"].fillna(""))
    out: list[pd.DataFrame] = []
    for key, rows in keyed.groupby(["metric", "unit", "period", "_detail", "value_type"], sort=True):
        if rows["value"].nunique() < 2 or rows["source"].nunique() < 2:
            continue
        preferred = rows[preferred_mask(rows, key[0])]
        reference = float(preferred["value"].iloc[0]) if len(preferred) else float(rows["value"].min())
        low = float(rows["value"].min())
        group = rows.drop(columns="_detail").assign(
            conflict=" | ".join(str(k) for k in key),
            reference_value=reference,
            difference=rows["value"] / reference - 1 if reference else float("nan"),
            spread=float(rows["value"].max()) / low - 1 if low else float("nan"),
            is_reference=(rows.index.isin(preferred.index[:1]) if len(preferred)
                          else (rows["value"] == low) & ~rows["value"].duplicated()),
            reference_kind="preferred" if len(preferred) else "lowest",
        )
        out.append(group.sort_values(["value", "metric_id"]))
    if not out:
        return frame.iloc[0:0].assign(conflict=pd.Series(dtype=str), reference_value=pd.Series(dtype=float),
                                      difference=pd.Series(dtype=float), spread=pd.Series(dtype=float),
                                      is_reference=pd.Series(dtype=bool), reference_kind=pd.Series(dtype=str))
    return pd.concat(out, ignore_index=True)


def conflict_summary(conflict_rows: pd.DataFrame) -> pd.DataFrame:
    """One line per conflict: metric, period, value type, number of sources, lowest, highest, spread."""
    if conflict_rows.empty:
        return pd.DataFrame(columns=["conflict", "metric", "unit", "period_label", "value_type", "n_sources",
                                     "low", "high", "spread"])
    grouped = conflict_rows.groupby("conflict", sort=False)
    return pd.DataFrame({
        "metric": grouped["metric"].first(),
        "unit": grouped["unit"].first(),
        "period_label": grouped["period_label"].first(),
        "value_type": grouped["value_type"].first(),
        "n_sources": grouped["source"].nunique(),
        "low": grouped["value"].min(),
        "high": grouped["value"].max(),
        "spread": grouped["spread"].first(),
    }).reset_index()


# --- growth ------------------------------------------------------------------------------------------


def yoy_growth(statistics: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Year-on-year change between consecutive years of ``metric``'s line (``comparable_series``).

    Columns: ``metric, year, previous_year, value, previous_value, change`` (value − previous),
    ``change_pct`` (value / previous − 1), ``unit, source, previous_source``.
    """
    series = comparable_series(statistics, metric)
    rows = []
    by_year = {int(r["year"]): r for _i, r in series.iterrows()}
    for year, row in sorted(by_year.items()):
        prev = by_year.get(year - 1)
        if prev is None or not prev["value"]:
            continue
        rows.append({
            "metric": metric, "year": year, "previous_year": year - 1,
            "value": row["value"], "previous_value": prev["value"],
            "change": row["value"] - prev["value"], "change_pct": row["value"] / prev["value"] - 1,
            "unit": row["unit"], "source": row["source"], "previous_source": prev["source"],
        })
    columns = ["metric", "year", "previous_year", "value", "previous_value", "change", "change_pct", "unit",
               "source", "previous_source"]
    return pd.DataFrame(rows, columns=columns)


# --- targets and forecasts ---------------------------------------------------------------------------


def reference_points(statistics: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Targets, plans, capacities, forecasts and commitments that belong on ``metric``'s chart.

    Those given for the metric itself and those of its ``qazdash.metrics.REFERENCE_METRICS``, in the
    same unit only (a capacity per year is not drawn on an axis of tonnes). Adds ``for_metric``.
    """
    frame = _ensure_prepared(statistics)
    return _memo(frame, ("refs", metric), lambda: _reference_points(frame, metric))


def _reference_points(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    own = frame[(frame["metric"] == metric) & (frame["kind"] == REFERENCE)]
    units = set(frame.loc[frame["metric"] == metric, "unit"])
    linked = frame[frame["metric"].isin(reference_metrics(metric)) & frame["unit"].isin(units)]
    return pd.concat([own, linked]).assign(for_metric=metric).sort_values(["span_end", "metric_id"])


def gaps(statistics: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Each target or forecast of ``metric`` against the actual figures of its line.

    A target for a later year is compared with the latest year on the line: ``gap`` (target − latest),
    ``gap_pct`` (target / latest − 1) and ``annual_growth_needed`` ((target / latest)^(1/years) − 1).
    A target whose year has passed is compared with that year's actual figure (``compared_year``),
    where the line has one.
    """
    frame = _ensure_prepared(statistics)
    series = comparable_series(frame, metric)
    refs = reference_points(frame, metric)
    by_year = {int(r["year"]): r for _i, r in series.iterrows()}
    latest = series.iloc[-1] if len(series) else None
    rows = []
    for _i, ref in refs.iterrows():
        year = int(ref["year"])
        base = None
        if latest is not None and year > int(latest["year"]):
            base = latest
        elif year in by_year:
            base = by_year[year]
        row = {
            "metric": metric, "reference_metric": ref["metric"], "metric_id": ref["metric_id"],
            "value_type": ref["value_type"], "period_label": ref["period_label"], "year": year,
            "value": ref["value"], "unit": ref["unit"], "qualifier": ref["qualifier"],
            "source": ref["source"], "url": ref["url"], "notes": ref["notes"],
            "compared_year": None, "compared_value": None, "compared_source": None,
            "gap": None, "gap_pct": None, "annual_growth_needed": None,
        }
        if base is not None:
            row.update(compared_year=int(base["year"]), compared_value=base["value"],
                       compared_source=base["source"], gap=ref["value"] - base["value"])
            if base["value"]:
                row["gap_pct"] = ref["value"] / base["value"] - 1
                years = year - int(base["year"])
                if years > 0 and ref["value"] > 0:
                    row["annual_growth_needed"] = (ref["value"] / base["value"]) ** (1 / years) - 1
        rows.append(row)
    columns = ["metric", "reference_metric", "metric_id", "value_type", "period_label", "year", "value",
               "unit", "qualifier", "source", "url", "notes", "compared_year", "compared_value",
               "compared_source", "gap", "gap_pct", "annual_growth_needed"]
    return pd.DataFrame(rows, columns=columns)


# --- what the page shows -----------------------------------------------------------------------------


def visible_rows(statistics: pd.DataFrame, metrics: list[str], show_partial: bool = True,
                 show_targets: bool = True) -> pd.DataFrame:
    """The rows behind the charts of ``metrics``: their own figures plus their targets and forecasts.

    ``show_partial`` keeps part-of-year and cumulative figures; ``show_targets`` keeps references.
    Adds ``on_line`` (the row is a point of its metric's line) and ``chart_metric`` (whose chart).
    """
    frame = _ensure_prepared(statistics)
    own = frame[frame["metric"].isin(metrics)].assign(chart_metric=frame["metric"])
    parts = [own]
    if show_targets:
        for metric in metrics:
            refs = reference_points(frame, metric)
            linked = refs[refs["metric"] != metric].assign(chart_metric=metric)
            parts.append(linked.drop(columns="for_metric"))
    rows = pd.concat(parts).drop_duplicates("metric_id")
    if not show_partial:
        rows = rows[~rows["kind"].isin([PARTIAL, CUMULATIVE])]
    if not show_targets:
        rows = rows[rows["kind"] != REFERENCE]
    on_line = line_ids(frame, metrics)
    return rows.assign(on_line=rows["metric_id"].isin(on_line)).sort_values(
        ["chart_metric", "span_end", "metric_id"]).reset_index(drop=True)


PROVENANCE_COLUMNS = ["metric_name", "period_label", "period_detail", "value", "value_text", "unit",
                      "value_type", "value_type_label", "qualifier", "qualifier_label", "source", "url", "on_line",
                      "notes", "metric", "metric_id"]


def provenance_table(statistics: pd.DataFrame, metrics: list[str], show_partial: bool = True,
                     show_targets: bool = True) -> pd.DataFrame:
    """Every figure shown, with its provenance: the table under the charts and the CSV download.

    ``value``, ``value_type`` and ``qualifier`` stay as published (codes); ``*_label`` columns are translated.
    """
    rows = visible_rows(statistics, metrics, show_partial, show_targets)
    if rows.empty:
        return pd.DataFrame(columns=PROVENANCE_COLUMNS)
    out = pd.DataFrame({
        "metric_name": rows["metric"].map(metric_name),
        "period_label": rows["period_label"],
        "period_detail": rows["period_detail"].fillna(""),
        "value": rows["value"],
        "value_text": [qualified_value(v, u, q, significant=6)
                       for v, u, q in zip(rows["value"], rows["unit"], rows["qualifier"], strict=True)],
        "unit": rows["unit"],
        "value_type": rows["value_type"],
        "value_type_label": rows["value_type"].map(lambda t: _(VALUE_TYPE_LABELS.get(t, t))),
        "qualifier": rows["qualifier"].fillna(""),
        "qualifier_label": rows["qualifier"].map(lambda q: _(QUALIFIER_LABELS[q]) if q in QUALIFIER_LABELS else ""),
        "source": rows["source"],
        "url": rows["url"].fillna(""),
        "on_line": rows["on_line"],
        "notes": rows["notes"].fillna(""),
        "metric": rows["metric"],
        "metric_id": rows["metric_id"],
    })
    return out[PROVENANCE_COLUMNS]


def unit_groups(statistics: pd.DataFrame, metrics: list[str]) -> dict[str, list[str]]:
    """``metrics`` grouped by unit, in picker order: one chart per unit, never two units on one axis.

    A metric reported in several units appears in each unit's group.
    """
    frame = _ensure_prepared(statistics)
    groups: dict[str, list[str]] = {}
    for metric in ordered_metrics(m for m in metrics if (frame["metric"] == m).any()):
        for unit in dict.fromkeys(frame.loc[frame["metric"] == metric, "unit"]):
            groups.setdefault(unit, []).append(metric)
    return groups


def chart_sources(statistics: pd.DataFrame, metrics: list[str], unit: str, show_partial: bool = True,
                  show_targets: bool = True) -> pd.DataFrame:
    """The distinct sources (name, url) behind one unit's chart, in order of first appearance."""
    rows = visible_rows(statistics, metrics, show_partial, show_targets)
    rows = rows[rows["unit"] == unit]
    return rows[["source", "url"]].drop_duplicates().reset_index(drop=True)


# --- figures -----------------------------------------------------------------------------------------

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
REFERENCE_STYLE: dict[str, tuple[str, str]] = {  # value_type -> (marker symbol, line dash)
    "target_or_plan": ("diamond-open", "dash"),
    "forecast": ("circle-open", "dot"),
    "capacity": ("square-open", "dashdot"),
    "commitment_or_estimate": ("x-open", "longdash"),
}


def _hover_rows(rows: pd.DataFrame) -> list[list[str]]:
    """customdata for the hover: name, value, period, span, type, source — escaped (data is never HTML)."""
    out = []
    for _i, r in rows.iterrows():
        span = r["period_detail"] if r["period_detail"] and r["period_detail"] != "year" else ""
        out.append([html.escape(str(x)) for x in (
            metric_name(r["metric"]),
            qualified_value(r["value"], r["unit"], r["qualifier"], significant=6),
            r["period_label"] + (f" ({span})" if span else ""),
            _(VALUE_TYPE_LABELS.get(r["value_type"], r["value_type"])),
            r["source"],
        )])
    return out


def _hovertemplate() -> str:
    period, kind, source = (html.escape(_(t)) for t in ("Period", "Type", "Source"))
    return (f"<b>%{{customdata[0]}}</b><br>%{{customdata[1]}}<br>{period}: %{{customdata[2]}}"
            f"<br>{kind}: %{{customdata[3]}}<br>{source}: %{{customdata[4]}}<extra></extra>")


def _line_xy(series: pd.DataFrame) -> tuple[list, list, list]:
    """x, y and row positions of a line, with a break (None) between years that do not follow each other."""
    xs, ys, idx = [], [], []
    previous = None
    for i, (_j, r) in enumerate(series.iterrows()):
        if previous is not None and int(r["year"]) != previous + 1:
            xs.append(None)
            ys.append(None)
            idx.append(None)
        xs.append(r["x"].strftime("%Y-%m-%d"))
        ys.append(float(r["value"]))
        idx.append(i)
        previous = int(r["year"])
    return xs, ys, idx


def _dates(values) -> list[str]:
    return [pd.Timestamp(v).strftime("%Y-%m-%d") for v in values]


def _label_positions(xs: list[pd.Timestamp], labelled: list[bool]) -> list[str]:
    """Text positions for labels: above the marker; an earlier label less than two years before another
    goes to the left of its marker so the two do not overlap."""
    positions = ["top center"] * len(xs)
    order = sorted((i for i in range(len(xs)) if labelled[i]), key=lambda i: xs[i])
    for before, after in zip(order, order[1:], strict=False):
        if abs((xs[after] - xs[before]).days) < 730:
            positions[before] = "middle left"
    return positions


def statistics_figure(statistics: pd.DataFrame, metrics: list[str], unit: str, show_partial: bool = True,
                      show_targets: bool = True, log_y: bool = False) -> go.Figure:
    """One chart: every metric of ``metrics`` reported in ``unit``, over time.

    Per metric: its line (solid, filled markers), other sources' full-year figures (diamonds, offset
    beside the line's point so they sit side by side), part-of-year and cumulative figures (triangles
    and stars, never joined), and targets and forecasts (hollow markers with a dashed line from the
    latest full year). Hover gives value, qualifier, period and exact span, type and source.
    """
    frame = _ensure_prepared(statistics)
    fig = go.Figure()
    hovertemplate = _hovertemplate()
    shown = [m for m in metrics if ((frame["metric"] == m) & (frame["unit"] == unit)).any()]
    for i, metric in enumerate(shown):
        color = PALETTE[i % len(PALETTE)]
        name = metric_name(metric)
        rows = frame[(frame["metric"] == metric) & (frame["unit"] == unit)]
        series = comparable_series(frame, metric)
        series = series[series["unit"] == unit]
        line_basis = basis(metric)
        if len(series):
            xs, ys, idx = _line_xy(series)
            hover = _hover_rows(series.assign(source=series["sources"]))
            line_name = name if not PREFERRED_SOURCES.get(metric) else f"{name} — {line_basis}"
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines+markers", name=line_name, legendgroup=metric,
                line={"color": color, "width": 2.5}, marker={"color": color, "size": 8, "symbol": "circle"},
                customdata=[hover[k] if k is not None else [""] * 5 for k in idx],
                hovertemplate=hovertemplate, connectgaps=False,
            ))
        on_line = set(zip(series["year"], series["value"], strict=True))
        off_line = pd.Series([(y, v) not in on_line for y, v in zip(rows["year"], rows["value"], strict=True)],
                             index=rows.index, dtype=bool)
        others = rows[(rows["kind"] == FULL) & off_line]
        if len(others):
            offset = others.groupby("year").cumcount() + 1
            xs = [pd.Timestamp(x) + pd.Timedelta(days=40 * int(k))
                  for x, k in zip(others["x"], offset, strict=True)]
            fig.add_trace(go.Scatter(
                x=_dates(xs), y=others["value"].astype(float).tolist(), mode="markers",
                name=f"{name} — " + _("other sources (full year)"), legendgroup=metric,
                marker={"color": color, "size": 9, "symbol": "diamond", "opacity": 0.55,
                        "line": {"color": color, "width": 1}},
                customdata=_hover_rows(others), hovertemplate=hovertemplate,
            ))
        if show_partial:
            for kind, symbol, label in ((PARTIAL, "triangle-up", _("part of a year")),
                                        (CUMULATIVE, "star", _("cumulative, several years"))):
                part = rows[rows["kind"] == kind]
                if part.empty:
                    continue
                fig.add_trace(go.Scatter(
                    x=_dates(part["x"]), y=part["value"].astype(float).tolist(), mode="markers",
                    name=f"{name} — {label}", legendgroup=metric,
                    marker={"color": color, "size": 9, "symbol": symbol, "opacity": 0.8},
                    customdata=_hover_rows(part), hovertemplate=hovertemplate,
                ))
        if show_targets:
            refs = reference_points(frame, metric)
            refs = refs[refs["unit"] == unit]
            latest = series.iloc[-1] if len(series) else None
            for value_type, group in refs.groupby("value_type", sort=False):
                symbol, dash = REFERENCE_STYLE.get(value_type, ("circle-open", "dash"))
                type_label = _(VALUE_TYPE_SHORT.get(value_type, value_type))
                # Only targets ahead of the latest full year are labelled: past ones sit among the actuals.
                ahead = [latest is None or int(y) > int(latest["year"]) for y in group["year"]]
                seen = group.assign(_x=group["x"]).duplicated(["_x", "value"]).tolist()
                labels = [format_value(v, unit) + f" ({p})" if a and not dup else ""
                          for v, p, a, dup in zip(group["value"], group["period_label"], ahead, seen,
                                                  strict=True)]
                fig.add_trace(go.Scatter(
                    x=_dates(group["x"]), y=group["value"].astype(float).tolist(), mode="markers+text",
                    name=f"{name} — {type_label}", legendgroup=metric,
                    marker={"color": color, "size": 13, "symbol": symbol,
                            "line": {"width": 2, "color": color}},
                    text=labels,
                    textposition=_label_positions([pd.Timestamp(x) for x in group["x"]], [bool(t) for t in labels]),
                    textfont={"size": 11, "color": color},
                    customdata=_hover_rows(group), hovertemplate=hovertemplate,
                ))
                if latest is None:
                    continue
                for _j, ref in group[group["year"] > int(latest["year"])].iterrows():
                    fig.add_trace(go.Scatter(
                        x=_dates([latest["x"], ref["x"]]), y=[float(latest["value"]), float(ref["value"])],
                        mode="lines", showlegend=False, legendgroup=metric, hoverinfo="skip",
                        name=f"{name} — {type_label} {ref['period_label']}",
                        line={"color": color, "width": 1.5, "dash": dash},
                    ))
    xs = [pd.Timestamp(x) for trace in fig.data for x in (trace.x or ()) if x is not None]
    x_range = ([(min(xs) - pd.Timedelta(days=240)).strftime("%Y-%m-%d"),
                (max(xs) + pd.Timedelta(days=300)).strftime("%Y-%m-%d")] if xs else None)
    fig.update_layout(
        height=520,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0},
        xaxis={"type": "date", "dtick": "M12", "range": x_range, "tickformat": "%Y", "ticklabelmode": "period",
               "showgrid": True, "title": {"text": ""}},
        yaxis={"title": {"text": unit_axis_title(unit) + (" (" + _("log scale") + ")" if log_y else "")},
               "type": "log" if log_y else "linear", "rangemode": "normal" if log_y else "tozero",
               "separatethousands": True, "tickformat": ",~r"},
        separators=_separators(),
    )
    return fig


def _separators() -> str:
    """Plotly's decimal and thousands separators for the active language."""
    sample = format_decimal(1234.5, format="#,##0.0", locale=get_language())
    return sample[-2] + (sample[1] if not sample[1].isdigit() else "")


def statistics_figures(statistics: pd.DataFrame, metrics: list[str], show_partial: bool = True,
                       show_targets: bool = True, log_y: bool = False) -> list[tuple[str, list[str], go.Figure]]:
    """One ``(unit, metrics, figure)`` per unit among ``metrics``, in picker order."""
    frame = _ensure_prepared(statistics)
    return [(unit, group, statistics_figure(frame, group, unit, show_partial, show_targets, log_y))
            for unit, group in unit_groups(frame, metrics).items()]


# --- overview tiles ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """One headline figure: the latest full year on a metric's line, its change and its source.

    ``label`` and ``basis`` are translated; ``value`` is the number as published in ``unit`` (render
    it with ``format_value(tile.value, tile.unit)``); ``period`` is the year (``"2025"``); ``change`` is
    the relative change from the year before on the same line (``-0.081``), ``None`` where that year is
    missing; ``source``/``url`` cite the figure (one source, its page); ``note`` says where sources
    differ for that year and which other sources give the same figure.
    """

    label: str
    value: float
    unit: str
    period: str
    change: float | None
    basis: str
    source: str
    url: str
    value_type: str
    metric: str = ""
    previous_value: float | None = None
    previous_period: str | None = None
    note: str = ""

    @property
    def value_text(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def change_text(self) -> str:
        return format_change(self.change)


# The Overview's headline figures, in order: Middle Corridor cargo (ministry series), Kazakhstan–China
# trade on both bases, Qingdao port containers, transit containers through Kazakhstan.
TILE_METRICS: tuple[str, ...] = (
    "titr_cargo_volume",
    "kz_cn_trade_turnover",
    "kz_cn_trade_turnover_kz_stats",
    "qingdao_port_container_teu",
    "kz_transit_container_teu",
)


def latest_tile(statistics: pd.DataFrame, metric: str) -> Tile | None:
    """The tile of ``metric``: the latest year on its line; ``None`` where the line is empty."""
    frame = _ensure_prepared(statistics)
    series = comparable_series(frame, metric)
    if series.empty:
        return None
    latest = series.iloc[-1]
    growth = yoy_growth(frame, metric)
    growth = growth[growth["year"] == int(latest["year"])]
    change = float(growth["change_pct"].iloc[0]) if len(growth) else None
    previous = series[series["year"] == int(latest["year"]) - 1]
    same_year = frame[(frame["metric"] == metric) & (frame["kind"] == FULL)
                      & (frame["year"] == latest["year"])]
    note = ""
    if same_year["value"].nunique() > 1:
        low, high = same_year["value"].min(), same_year["value"].max()
        note = _("Sources differ for {year}: {low} to {high}").format(
            year=int(latest["year"]), low=format_value(low, latest["unit"], 6),
            high=format_value(high, latest["unit"], 6))
    also = [x for x in str(latest["sources"]).split("; ") if x and x != latest["source"]]
    if also:
        note = " ".join(filter(None, [note, _("Also reported by {sources}.").format(sources="; ".join(also))]))
    return Tile(
        label=metric_name(metric) if not PREFERRED_SOURCES.get(metric) else _(metric_info(metric).label),
        value=float(latest["value"]),
        unit=str(latest["unit"]),
        period=str(int(latest["year"])),
        change=change,
        basis=basis(metric),
        source=str(latest["source"]),
        url=str(latest["url"] or ""),
        value_type=str(latest["value_type"]),
        metric=metric,
        previous_value=float(previous["value"].iloc[0]) if len(previous) else None,
        previous_period=str(int(latest["year"]) - 1) if len(previous) else None,
        note=note,
    )


def overview_tiles(statistics: pd.DataFrame, metrics: tuple[str, ...] = TILE_METRICS) -> list[Tile]:
    """The Overview's headline tiles: for each of ``metrics``, the latest comparable full-year value.

    Takes the raw or the prepared statistics frame; metrics with no full-year value are left out.
    Same rules as the Statistics page (preferred source, no averaging, year-on-year change only
    between consecutive years of the same line).
    """
    frame = _ensure_prepared(statistics)
    tiles = [latest_tile(frame, m) for m in metrics]
    return [t for t in tiles if t is not None]


# --- tables for people (translated headers, formatted numbers) ----------------------------------------


def _percent(value) -> str:
    return format_change(None if value is None or value != value else float(value))


def conflict_sentences(statistics: pd.DataFrame, metrics: list[str]) -> list[str]:
    """One plain sentence per conflict: which figures differ, from how many sources, by how much."""
    rows = conflicts(statistics, metrics)
    out = []
    for _i, c in conflict_summary(rows).iterrows():
        sentence = _("{metric}, {period} ({type}): {n} sources give {low} to {high}; "
                     "they differ by {spread}.")
        out.append(sentence.format(
            metric=metric_name(c["metric"]), period=c["period_label"],
            type=_(VALUE_TYPE_SHORT.get(c["value_type"], c["value_type"])),
            n=int(c["n_sources"]), low=format_value(c["low"], c["unit"], 6),
            high=format_value(c["high"], c["unit"], 6), spread=_percent(c["spread"]).lstrip("+")))
    return out


def link_column() -> str:
    """The translated header of the link column in the tables below (for ``st.column_config.LinkColumn``)."""
    return _("Link")


def conflict_table(statistics: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """The conflicting figures side by side: one row per source, grouped by metric and period."""
    rows = conflicts(statistics, metrics)
    if rows.empty:
        return pd.DataFrame()
    return pd.DataFrame({
        _("Metric"): rows["metric"].map(metric_name),
        _("Period"): rows["period_label"],
        _("Type"): rows["value_type"].map(lambda t: _(VALUE_TYPE_LABELS.get(t, t))),
        _("Value"): [qualified_value(v, u, q, 6) for v, u, q in zip(rows["value"], rows["unit"],
                                                                    rows["qualifier"], strict=True)],
        _("Compared with"): [(_("preferred source") if kind == "preferred" else _("lowest figure")) if ref
                             else _percent(d) for ref, kind, d in zip(rows["is_reference"], rows["reference_kind"],
                                                                      rows["difference"], strict=True)],
        _("Source"): rows["source"],
        link_column(): rows["url"].fillna(""),
    })


def growth_table(statistics: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Year-on-year change of each metric's line, newest first."""
    frames = [yoy_growth(statistics, m) for m in metrics]
    rows = pd.concat([f for f in frames if not f.empty]) if any(not f.empty for f in frames) else None
    if rows is None:
        return pd.DataFrame()
    rows = rows.sort_values(["metric", "year"], ascending=[True, False])
    return pd.DataFrame({
        _("Metric"): rows["metric"].map(metric_name),
        _("Year"): rows["year"].astype(str),
        _("Value"): [format_value(v, u, 6) for v, u in zip(rows["value"], rows["unit"], strict=True)],
        _("Year before"): [format_value(v, u, 6)
                           for v, u in zip(rows["previous_value"], rows["unit"], strict=True)],
        _("Change"): [("+" if v > 0 else "-" if v < 0 else "±") + format_value(abs(v), u, 3)
                      for v, u in zip(rows["change"], rows["unit"], strict=True)],
        _("Change, %"): rows["change_pct"].map(_percent),
        _("Source"): rows["source"],
    })


def gap_table(statistics: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """Targets and forecasts against the latest actual figure (or the outturn of their own year)."""
    frames = [gaps(statistics, m) for m in metrics]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame()
    rows = pd.concat(frames)

    def compared(r) -> str:
        if r["compared_year"] is None or r["compared_year"] != r["compared_year"]:
            return _("no full-year figure for {year}").format(year=r["year"])
        return f"{format_value(r['compared_value'], r['unit'], 6)} ({int(r['compared_year'])})"

    return pd.DataFrame({
        _("Metric"): rows["reference_metric"].map(metric_name),
        _("Type"): rows["value_type"].map(lambda t: _(VALUE_TYPE_LABELS.get(t, t))),
        _("Year"): rows["period_label"],
        _("Value"): [qualified_value(v, u, q, 6) for v, u, q in zip(rows["value"], rows["unit"],
                                                                    rows["qualifier"], strict=True)],
        _("Actual compared"): [compared(r) for _i, r in rows.iterrows()],
        _("Difference from actual"): [_percent(g) for g in rows["gap_pct"]],
        _("Growth needed a year"): [_percent(g) if g is not None and g == g else "–"
                                    for g in rows["annual_growth_needed"]],
        _("Source"): rows["source"],
        link_column(): rows["url"].fillna(""),
    })


def provenance_display(statistics: pd.DataFrame, metrics: list[str], show_partial: bool = True,
                       show_targets: bool = True) -> pd.DataFrame:
    """``provenance_table`` with translated headers, as the page shows it."""
    table = provenance_table(statistics, metrics, show_partial, show_targets)
    return pd.DataFrame({
        _("Metric"): table["metric_name"],
        _("Period"): table["period_label"],
        _("Exact span"): table["period_detail"],
        _("Value"): table["value_text"],
        _("Type"): table["value_type_label"],
        _("On the line"): table["on_line"],
        _("Source"): table["source"],
        link_column(): table["url"],
        _("Notes"): table["notes"],
    })


def line_notes(metrics: list[str]) -> list[str]:
    """For each metric with a preferred source: which series draws its line, and why (translated)."""
    return [_("{metric}: the line is the {basis} series. {reason}").format(
        metric=metric_name(m), basis=_(PREFERRED_SOURCES[m].basis), reason=_(PREFERRED_SOURCES[m].reason))
        for m in metrics if m in PREFERRED_SOURCES]
