"""Files written by other systems: converters into a schema's columns, and the mappings analysts would choose.

A converter is chosen by a saved mapping's ``option:converter`` and turns the file as read (strings) into
a text table with the schema's column names; the pipeline then validates it like any upload. ``PRESETS``
are ready-made mappings (read options, converter, constants) for the files in ``tests/fixtures/realworld``:

* ``unlocode_kz_places``: UN/LOCODE code list (Latin-1, no header) → the Kazakh places with coordinates.
* ``wdi_kaz_statistics``: World Bank WDI wide file (one column per year) → yearly statistics for Kazakhstan.
* ``comtrade_china_kz``: UN Comtrade (China as reporter) → China's exports to / imports from Kazakhstan;
  rejected, with the partners it does hold, when Kazakhstan is not a partner.
* ``tengrinews_articles``: a news scrape (``title, link, date_raw``) → articles; relative dates need a
  reference day.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import replace
from datetime import date

import pandas as pd

from qazdash.errors import Problem, QazdashDataError
from qazdash.i18n import N_, Message
from qazdash.ingest.reading import TextTable

ISO2_TO_ISO3 = {
    "KZ": "KAZ", "CN": "CHN", "RU": "RUS", "UZ": "UZB", "KG": "KGZ", "TM": "TKM", "AZ": "AZE", "GE": "GEO",
    "TR": "TUR", "IR": "IRN", "MN": "MNG", "TJ": "TJK", "AF": "AFG", "BY": "BLR", "PL": "POL", "DE": "DEU",
    "NL": "NLD", "IT": "ITA", "JP": "JPN", "KR": "KOR", "LT": "LTU", "LV": "LVA", "RO": "ROU", "BG": "BGR",
    "UA": "UKR", "HU": "HUN", "GR": "GRC", "ES": "ESP", "FR": "FRA", "GB": "GBR", "IN": "IND", "PK": "PAK",
}
# Kazakhstan's extent (Natural Earth, rounded outward): UN/LOCODE rows outside it are flagged.
KZ_BBOX = (40.5, 55.5, 46.4, 87.4)  # lat min, lat max, lon min, lon max
_COORD = re.compile(r"^(\d{2})(\d{2})([NS])\s+(\d{3})(\d{2})([EW])$")
UNLOCODE_COLUMNS = ("change", "country", "location", "name", "name_ascii", "subdivision", "function", "status",
                    "date", "iata", "coordinates", "remarks")
# UN/LOCODE function classifier positions → our kind of place (first match wins).
_FUNCTION_KIND = (("B", "border_crossing"), ("1", "caspian_port"), ("6", "logistics_base"), ("2", "rail_hub"))
_OUTSIDE_KAZAKHSTAN = Message(N_("this UN/LOCODE coordinate lies outside Kazakhstan; check it before use"))


def snake(text: str) -> str:
    """``'Aqtöbe (Aktyubinsk)'`` → ``'aqtobe_aktyubinsk'``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def parse_unlocode_coordinates(text: str) -> tuple[float, float] | None:
    """``'4315N 07657E'`` (degrees and minutes) → ``(43.25, 76.95)``; ``None`` if empty or malformed."""
    m = _COORD.match((text or "").strip())
    if not m or int(m[2]) >= 60 or int(m[5]) >= 60:  # e.g. "01170W" (70 minutes) in the GB list
        return None
    lat = int(m[1]) + int(m[2]) / 60
    lon = int(m[4]) + int(m[5]) / 60
    return (round(-lat if m[3] == "S" else lat, 4), round(-lon if m[6] == "W" else lon, 4))


def _kind_from_function(function: str) -> str:
    for flag, kind in _FUNCTION_KIND:
        if flag in (function or ""):
            return kind
    return "city"


def _text_frame(rows: list[dict], index: list[int], columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, index=index, columns=list(columns)).fillna("")
    return frame.astype("string")


def convert_unlocode(table: TextTable, params: dict[str, str]) -> TextTable:
    frame = table.frame
    if frame.shape[1] < 11:
        raise QazdashDataError(N_("Not a UN/LOCODE list"), Message(
            N_("{file}: a UN/LOCODE code list has 12 columns; this file has {count}."),
            file=table.file_name, count=frame.shape[1]))
    frame = frame.iloc[:, :12].copy()
    frame.columns = list(UNLOCODE_COLUMNS[: frame.shape[1]])
    country = params.get("country", "KZ").upper()
    rows = frame[(frame["country"] == country) & (frame["location"].str.strip() != "")]
    if rows.empty:
        present = sorted(set(frame["country"].str.strip()) - {""})
        raise QazdashDataError(N_("No places for this country"), Message(
            N_("{file}: the list has no locations for {country}; it covers {first}–{last} ({count} countries)."),
            file=table.file_name, country=country, first=present[0], last=present[-1], count=len(present)),
            Message(N_("UN/LOCODE is published in parts; use the part that holds the country.")))
    iso3 = ISO2_TO_ISO3.get(country, "")
    out, index, warnings = [], [], []
    for idx, r in rows.iterrows():
        coords = parse_unlocode_coordinates(r["coordinates"])
        name_ascii = (r["name_ascii"] or r["name"]).strip()
        record = {
            "node_id": f"{country.lower()}_{snake(name_ascii)}",
            "name_en": r["name"].strip(),
            "country_iso3": iso3,
            "kind": params.get("kind") or _kind_from_function(r["function"]),
            "lat": "" if coords is None else f"{coords[0]:.4f}",
            "lon": "" if coords is None else f"{coords[1]:.4f}",
            "locode": f"{country}{r['location'].strip()}",
            "coord_check": "UN/LOCODE minute grid" if coords else "NOT PLACED | no coordinate in UN/LOCODE",
            "notes": "; ".join(x for x in (f"UN/LOCODE function {r['function']}, status {r['status']}",
                                           r["remarks"].strip()) if x),
            "source": "UNECE UN/LOCODE 2023-1 (https://unece.org/trade/cefact/unlocode-code-list-country-and-territory)",
        }
        if coords and country == "KZ" and not (KZ_BBOX[0] <= coords[0] <= KZ_BBOX[1]
                                               and KZ_BBOX[2] <= coords[1] <= KZ_BBOX[3]):
            warnings.append(Problem(table.file_name, int(idx), "lat", r["coordinates"], "outside_country",
                                    _OUTSIDE_KAZAKHSTAN))
        out.append(record)
        index.append(int(idx))
    columns = ("node_id", "name_en", "country_iso3", "kind", "lat", "lon", "locode", "coord_check", "notes", "source")
    return replace(table, frame=_text_frame(out, index, columns), warnings=table.warnings + warnings)


def convert_wdi(table: TextTable, params: dict[str, str]) -> TextTable:
    frame = table.frame
    needed = {"Country Name", "Country Code", "Indicator Name", "Indicator Code"}
    if not needed <= set(frame.columns):
        raise QazdashDataError(N_("Not a World Bank WDI file"), Message(
            N_("{file}: expected the columns {columns}."), file=table.file_name, columns=", ".join(sorted(needed))))
    countries = [c.strip().upper() for c in params.get("countries", "KAZ").split(",") if c.strip()]
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}", str(c))]
    rows = frame[frame["Country Code"].isin(countries)]
    if rows.empty:
        raise QazdashDataError(N_("No rows for these countries"), Message(
            N_("{file}: no row has Country Code {codes}."), file=table.file_name, codes=", ".join(countries)))
    out, index = [], []
    for idx, r in rows.iterrows():
        code = r["Indicator Code"].strip()
        unit = "usd" if "US$" in r["Indicator Name"] else snake(r["Indicator Name"])
        for year in years:
            value = r[year].strip()
            if not value:
                continue
            out.append({
                "metric_id": f"wdi-{code}-{r['Country Code']}-{year}",
                "metric": f"wdi_{snake(code)}_{r['Country Code'].lower()}",
                "unit": unit, "period": year, "value": value, "source": "World Bank WDI",
                "url": f"https://data.worldbank.org/indicator/{code}",
                "notes": f"{r['Indicator Name']}, {r['Country Name']}", "period_detail": "year",
                "value_type": "actual",
            })
            index.append(int(idx))
    columns = ("metric_id", "metric", "unit", "period", "value", "source", "url", "notes", "period_detail",
               "value_type")
    frame = _text_frame(out, index, columns)
    # one file row becomes one statistic per year: keep the file row as the reported row number
    return replace(table, frame=frame)


def convert_comtrade(table: TextTable, params: dict[str, str]) -> TextTable:
    frame = table.frame
    needed = {"refYear", "reporterDesc", "partnerDesc", "flowCode"}
    if not needed <= set(frame.columns):
        raise QazdashDataError(N_("Not a UN Comtrade file"), Message(
            N_("{file}: expected the columns {columns}."), file=table.file_name, columns=", ".join(sorted(needed))))
    value_col = next((c for c in ("primaryValue", "primaryValueFormated") if c in frame.columns), None)
    if value_col is None:
        raise QazdashDataError(N_("Not a UN Comtrade file"), Message(
            N_("{file}: no primaryValue column."), file=table.file_name))
    partner = params.get("partner", "Kazakhstan")
    reporters = sorted(set(frame["reporterDesc"]))
    rows = frame[frame["partnerDesc"].str.strip() == partner]
    if rows.empty:
        partners = sorted(set(frame["partnerDesc"].str.strip()))
        raise QazdashDataError(
            N_("Not about Kazakhstan"),
            Message(N_("{file}: this UN Comtrade extract reports trade of {reporters} with {partners}; {partner} is "
                       "not among the partners, so there is nothing to import."),
                    file=table.file_name, reporters=", ".join(reporters), partners=", ".join(partners),
                    partner=partner),
            Message(N_("Download the extract with Kazakhstan as reporter or partner.")))
    out, index = [], []
    flows = {"X": "exports_to", "M": "imports_from"}
    for idx, r in rows.iterrows():
        flow = flows.get(r["flowCode"].strip())
        if flow is None:
            continue
        reporter = snake(r["reporterDesc"])
        out.append({
            "metric_id": f"comtrade-{reporter}-{flow}-{snake(partner)}-{r['refYear']}",
            "metric": f"{reporter}_{flow}_{snake(partner)}", "unit": "usd", "period": r["refYear"].strip(),
            "value": r[value_col], "source": f"UN Comtrade ({r['reporterDesc']} as reporter)",
            "url": "https://comtradeplus.un.org/", "notes": f"commodity {r.get('cmdCode', '')}",
            "period_detail": "year", "value_type": "actual",
        })
        index.append(int(idx))
    columns = ("metric_id", "metric", "unit", "period", "value", "source", "url", "notes", "period_detail",
               "value_type")
    return replace(table, frame=_text_frame(out, index, columns))


def convert_news_scrape(table: TextTable, params: dict[str, str]) -> TextTable:
    frame = table.frame
    needed = {"title", "link", "date_raw"}
    if not needed <= set(frame.columns):
        raise QazdashDataError(N_("Not a news scrape"), Message(
            N_("{file}: expected the columns {columns}."), file=table.file_name, columns="title, link, date_raw"))
    prefix = params.get("id_prefix", "news")
    out = []
    for _, r in frame.iterrows():
        url = r["link"].strip()
        number = re.search(r"(\d+)/?$", url)
        ident = number[1] if number else f"{zlib.crc32(url.encode()):08x}"
        out.append({"article_id": f"{prefix}-{ident}", "published": r["date_raw"], "title": r["title"],
                    "url": url, "notes": f"category: {r.get('category', '')}; scraped listing"})
    columns = ("article_id", "published", "title", "url", "notes")
    return replace(table, frame=_text_frame(out, list(frame.index), columns))


CONVERTERS = {
    "unlocode": convert_unlocode,
    "wdi": convert_wdi,
    "comtrade": convert_comtrade,
    "news_scrape": convert_news_scrape,
}


def convert(name: str, table: TextTable, params: dict[str, str], options=None) -> TextTable:
    """Apply the converter ``name`` (from a mapping's ``option:converter``)."""
    if name not in CONVERTERS:
        raise QazdashDataError(N_("Unknown converter"), Message(
            N_("No converter {name}; known: {known}."), name=repr(name), known=", ".join(CONVERTERS)))
    return CONVERTERS[name](table, params)


def identity(columns: tuple[str, ...]) -> dict[str, str]:
    return {c: c for c in columns}


PRESETS: dict[str, tuple[str, dict[str, str]]] = {
    "unlocode_kz_places": ("nodes", {
        "option:converter": "unlocode", "option:country": "KZ", "option:encoding": "latin-1",
        "option:header_row": "0", "option:separator": ",",
        **identity(("node_id", "name_en", "country_iso3", "kind", "lat", "lon", "locode", "coord_check", "notes",
                    "source")),
    }),
    "wdi_kaz_statistics": ("statistics", {
        "option:converter": "wdi", "option:countries": "KAZ",
        **identity(("metric_id", "metric", "unit", "period", "value", "source", "url", "notes", "period_detail",
                    "value_type")),
    }),
    "comtrade_china_kz": ("statistics", {
        "option:converter": "comtrade", "option:partner": "Kazakhstan",
        **identity(("metric_id", "metric", "unit", "period", "value", "source", "url", "notes", "period_detail",
                    "value_type")),
    }),
    "tengrinews_articles": ("articles", {
        "option:converter": "news_scrape", "option:id_prefix": "tengri",
        "const:source": "Tengrinews", "const:language": "ru",
        **identity(("article_id", "published", "title", "url", "notes")),
    }),
}


def hint(table: TextTable) -> Message | str:
    """A suggestion of the preset mapping for a file nobody recognised, or ``''``."""
    cols = set(table.frame.columns)
    if table.frame.shape[1] >= 11 and table.detected.header_row == 0:
        sample = table.frame.iloc[:200, 10] if table.frame.shape[1] > 10 else pd.Series(dtype="string")
        if sample.str.match(_COORD.pattern).any():
            return Message(N_("it looks like a UN/LOCODE code list: use the mapping '{mapping}'"),
                           mapping="unlocode_kz_places")
    if {"Country Code", "Indicator Code"} <= cols:
        return Message(N_("it looks like a World Bank WDI download: use the mapping '{mapping}'"),
                       mapping="wdi_kaz_statistics")
    if {"reporterDesc", "partnerDesc"} <= cols:
        return Message(N_("it looks like a UN Comtrade extract: use the mapping '{mapping}'"),
                       mapping="comtrade_china_kz")
    if {"title", "link", "date_raw"} <= cols:
        return Message(N_("it looks like a news scrape: use the mapping '{mapping}' and give the reference day"),
                       mapping="tengrinews_articles")
    return ""


def reference_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
