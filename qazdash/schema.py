"""One declarative schema per dataset kind.

A schema is data: the same ``DatasetSchema`` drives loading the shipped files, validating uploads,
mapping uploaded headers (``synonyms``), the downloadable templates (``example``) and the docs on the
Data & sources page. Validation itself is ``qazdash.validation``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from qazdash.i18n import N_

DType = Literal["str", "int", "float", "date", "partial_date", "period", "list"]

CORRIDOR_IDS = (
    "qingdao_asia_pacific",
    "lianyungang_asia_pacific",
    "titr_middle_corridor",
    "northern_route_russia",
    "southern_route_iran",
    "china_europe_rail",
)
NODE_KINDS = ("seaport", "dry_port", "border_crossing", "rail_hub", "city", "logistics_base", "caspian_port")
MODES = ("rail", "sea", "ferry", "road")
TOPICS = ("investment", "logistics", "infrastructure", "trade_agreement", "event", "statistics", "policy")
DATE_PRECISIONS = ("day", "month", "year", "unknown")
VALUE_TYPES = (
    "actual",
    "partial_period",
    "cumulative",
    "capacity",
    "target_or_plan",
    "forecast",
    "commitment_or_estimate",
)
QUALIFIERS = ("at_least", "approximate")
URL_PATTERN = r"^https?://\S+$"


@dataclass(frozen=True)
class Field:
    """One column: its type and the rules every value must follow."""

    name: str
    dtype: DType = "str"
    required: bool = False
    description: str = ""
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    pattern: str | None = None
    pattern_hint: str = ""
    unique: bool = False
    references: tuple[str, str] | None = None  # (kind, column) that each value (or list item) must exist in
    synonyms: tuple[str, ...] = ()  # header names analysts use, in English, Russian and Kazakh
    example: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class DatasetSchema:
    kind: str
    title: str  # marked with N_, translated where shown
    file_name: str  # under data/
    description: str
    fields: tuple[Field, ...]
    duplicate_key: tuple[str, ...]  # what makes an uploaded row "the same" as a current one
    unique_together: tuple[str, ...] = ()
    order_by: tuple[str, ...] = field(default_factory=tuple)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required_columns(self) -> list[str]:
        return [f.name for f in self.fields if f.required]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.kind} has no column {name!r}; columns are {self.columns}")


ARTICLES = DatasetSchema(
    kind="articles",
    title=N_("News articles"),
    file_name="articles.csv",
    description=N_("Cooperation news: agreements, meetings, new services, investments."),
    duplicate_key=("url",),
    order_by=("published", "article_id"),
    fields=(
        Field("article_id", required=True, unique=True, pattern=r"^[A-Za-z0-9_.:-]+$",
              pattern_hint=N_("letters, digits, '-', '_', '.' or ':'"),
              description="Stable id of the article", synonyms=("id", "article id", "№", "номер", "нөмір"),
              example=("up-0001", "up-0002")),
        Field("published", "partial_date", required=True,
              description="Publication date: YYYY-MM-DD, or YYYY-MM / YYYY where only that was shown",
              synonyms=("date", "published", "publication date", "дата", "дата публикации", "күні", "жарияланған күні"),
              example=("2024-05-21", "2025-01-14")),
        Field("title", required=True, description="Headline as published",
              synonyms=("headline", "title", "заголовок", "название", "тақырып", "атауы"),
              example=("Kazakhstan and China open a new container service", "Aktau port handles record cargo")),
        Field("source", required=True, description="Publisher",
              synonyms=("source", "publisher", "источник", "издание", "дереккөз"),
              example=("Kazinform", "Astana Times")),
        Field("url", required=True, pattern=URL_PATTERN, pattern_hint=N_("a web address starting with http:// or https://"),
              description="Link to the article", synonyms=("url", "link", "ссылка", "сілтеме"),
              example=("https://example.org/news/1", "https://example.org/news/2")),
        Field("language", pattern=r"^[a-z]{2}$", pattern_hint=N_("a two-letter ISO 639-1 code such as en, ru, kk, zh"),
              description="Language of the article", synonyms=("language", "lang", "язык", "тілі"),
              example=("en", "ru")),
        Field("corridors", "list", references=("corridors", "corridor_id"),
              description="Corridor ids, separated by ';'", synonyms=("corridors", "коридоры", "дәліздер"),
              example=("titr_middle_corridor", "qingdao_asia_pacific;china_europe_rail")),
        Field("places", "list", description="Places mentioned, separated by ';'",
              synonyms=("places", "места", "локации", "орындар"), example=("Aktau;Baku", "Qingdao")),
        Field("organisations", "list", description="Organisations mentioned, separated by ';'",
              synonyms=("organisations", "organizations", "организации", "ұйымдар"), example=("KTZ", "Kazakh Invest")),
        Field("topic", allowed=TOPICS, description="Topic", synonyms=("topic", "тема", "тақырыбы"),
              example=("logistics", "investment")),
        Field("summary", description="One-sentence summary in our own words",
              synonyms=("summary", "description", "аннотация", "описание", "сипаттама"),
              example=("A new weekly container train links Xi'an and Aktau.", "The port reported its yearly volume.")),
        Field("event_date", "partial_date", description="Date of the event where it differs from publication",
              synonyms=("event date", "дата события", "оқиға күні"), example=("", "2025-01-10")),
        Field("date_precision", allowed=DATE_PRECISIONS, description="How precise 'published' is",
              synonyms=("date precision",), example=("day", "day")),
        Field("year_inferred", "int", min=1990, max=2100, description="Year inferred for undated items (estimate)",
              example=("", "")),
        Field("notes", description="Provenance notes", synonyms=("notes", "примечание", "ескертпе"),
              example=("", "")),
    ),
)

NODES = DatasetSchema(
    kind="nodes",
    title=N_("Places"),
    file_name="nodes.csv",
    description=N_("Places on the corridors: cities, border crossings, dry ports, rail hubs, sea and Caspian ports."),
    duplicate_key=("node_id",),
    order_by=("node_id",),
    fields=(
        Field("node_id", required=True, unique=True, pattern=r"^[a-z]{2}_[a-z0-9_]+$",
              pattern_hint=N_("snake_case with a two-letter country prefix, e.g. kz_aktau_port"),
              description="Place id", synonyms=("id", "node id", "place id", "код", "идентификатор"),
              example=("kz_example_station", "kz_example_port")),
        Field("name_en", required=True, description="Name in English",
              synonyms=("name", "name en", "english name", "название", "наименование", "атауы"),
              example=("Example station", "Example port")),
        Field("name_ru", description="Name in Russian", synonyms=("name ru", "название (рус)", "название на русском"),
              example=("Пример", "Порт Пример")),
        Field("name_kk", description="Name in Kazakh", synonyms=("name kk", "атауы (қаз)", "қазақша атауы"),
              example=("Мысал", "Мысал порты")),
        Field("country_iso3", required=True, pattern=r"^[A-Z]{3}$",
              pattern_hint=N_("an ISO 3166 alpha-3 code such as KAZ"),
              description="Country (ISO 3166 alpha-3)", synonyms=("country", "страна", "ел", "iso3"),
              example=("KAZ", "KAZ")),
        Field("kind", required=True, allowed=NODE_KINDS, description="Kind of place",
              synonyms=("kind", "type", "тип", "вид", "түрі"), example=("rail_hub", "caspian_port")),
        Field("lat", "float", min=-90, max=90, description="Latitude, WGS84 decimal degrees",
              synonyms=("lat", "latitude", "широта", "ендік"), example=("43.65", "43.18")),
        Field("lon", "float", min=-180, max=180, description="Longitude, WGS84 decimal degrees",
              synonyms=("lon", "lng", "longitude", "долгота", "бойлық"), example=("51.15", "51.68")),
        Field("locode", pattern=r"^[A-Z]{2}[A-Z0-9]{3}$", pattern_hint=N_("a UN/LOCODE such as KZAAU"),
              description="UN/LOCODE, where confirmed", synonyms=("locode", "un/locode", "unlocode"),
              example=("", "")),
        Field("coord_check", description="How the coordinates were checked, starting with a status word",
              synonyms=("coord check", "coordinate check"), example=("APPROXIMATE | example", "APPROXIMATE | example")),
        Field("notes", description="Notes", synonyms=("notes", "примечание", "ескертпе"), example=("", "")),
        Field("source", description="Source of the facts", synonyms=("source", "источник", "дереккөз"),
              example=("https://example.org/a", "https://example.org/b")),
    ),
)

CORRIDORS = DatasetSchema(
    kind="corridors",
    title=N_("Corridors"),
    file_name="corridors.csv",
    description=N_("The trade corridors, with names in three languages and a display colour."),
    duplicate_key=("corridor_id",),
    order_by=(),
    fields=(
        Field("corridor_id", required=True, unique=True, pattern=r"^[a-z0-9_]+$", pattern_hint=N_("snake_case"),
              description="Corridor id", synonyms=("id", "corridor id", "коридор"),
              example=("example_route", "other_route")),
        Field("name_en", required=True, description="Name in English", synonyms=("name", "name en"),
              example=("Example route", "Other route")),
        Field("name_ru", description="Name in Russian", synonyms=("name ru",), example=("", "")),
        Field("name_kk", description="Name in Kazakh", synonyms=("name kk",), example=("", "")),
        Field("description", description="One-line description", synonyms=("description", "описание"),
              example=("", "")),
        Field("color_hex", required=True, pattern=r"^#[0-9A-Fa-f]{6}$", pattern_hint=N_("a colour such as #1f77b4"),
              description="Display colour", synonyms=("color", "colour"), example=("#1f77b4", "#ff7f0e")),
        Field("source", description="Source", synonyms=("source", "источник"), example=("", "")),
    ),
)

SEGMENTS = DatasetSchema(
    kind="segments",
    title=N_("Route legs"),
    file_name="segments.csv",
    description=N_("Ordered legs of each corridor with mode, distance, transit time and sources."),
    duplicate_key=("corridor_id", "seq"),
    unique_together=("corridor_id", "seq"),
    order_by=("corridor_id", "seq"),
    fields=(
        Field("corridor_id", required=True, references=("corridors", "corridor_id"), description="Corridor id",
              synonyms=("corridor", "коридор", "дәліз"), example=("titr_middle_corridor", "titr_middle_corridor")),
        Field("seq", "int", required=True, min=1, description="Order within the corridor (trunk first, then branches)",
              synonyms=("seq", "order", "№", "порядок"), example=("22", "23")),
        Field("from_node", required=True, references=("nodes", "node_id"), description="Place id where the leg starts",
              synonyms=("from", "origin", "откуда", "от"), example=("kz_aktau_port", "kz_kuryk_port")),
        Field("to_node", required=True, references=("nodes", "node_id"), description="Place id where the leg ends",
              synonyms=("to", "destination", "куда", "до"), example=("az_alat_port", "az_alat_port")),
        Field("mode", required=True, allowed=MODES, description="Transport mode",
              synonyms=("mode", "вид транспорта", "көлік түрі"), example=("ferry", "ferry")),
        Field("distance_km", "float", min=0, min_exclusive=True, description="Distance in km (see notes for its basis)",
              synonyms=("distance", "km", "distance km", "расстояние", "қашықтық"), example=("436", "406")),
        Field("typical_transit_days", "float", min=0, min_exclusive=True, description="Typical transit time in days",
              synonyms=("days", "transit days", "дни", "срок", "күн"), example=("0.9", "0.75")),
        Field("notes", description="What the figures are based on", synonyms=("notes", "примечание"), example=("", "")),
        Field("source", description="Sources", synonyms=("source", "источник"), example=("", "")),
    ),
)

STATISTICS = DatasetSchema(
    kind="statistics",
    title=N_("Statistics"),
    file_name="statistics.csv",
    description=N_("Sourced figures: cargo volumes, trade turnover, port throughput, targets and forecasts."),
    duplicate_key=("metric", "period", "source"),
    order_by=("metric", "period"),
    fields=(
        Field("metric_id", required=True, unique=True, pattern=r"^[A-Za-z0-9_.:-]+$",
              pattern_hint=N_("letters, digits, '-', '_', '.' or ':'"), description="Row id",
              synonyms=("id", "metric id"), example=("up-m-0001", "up-m-0002")),
        Field("metric", required=True, pattern=r"^[a-z0-9_]+$", pattern_hint=N_("snake_case such as titr_cargo_volume"),
              description="Metric name", synonyms=("metric", "indicator", "показатель", "көрсеткіш"),
              example=("titr_cargo_volume", "aktau_port_cargo")),
        Field("unit", required=True, description="Unit, e.g. million_tonnes, usd_billion, teu",
              synonyms=("unit", "units", "единица", "ед. изм.", "өлшем бірлігі"),
              example=("million_tonnes", "million_tonnes")),
        Field("period", "period", required=True,
              description="YYYY, or YYYY-MM for the END of a partial or monthly span",
              synonyms=("period", "year", "период", "год", "кезең", "жыл"), example=("2025", "2025-06")),
        Field("value", "float", required=True, description="The figure", synonyms=("value", "значение", "мәні"),
              example=("4.119", "2.3")),
        Field("source", required=True, description="Who published the figure",
              synonyms=("source", "источник", "дереккөз"), example=("Report.az", "Kazinform")),
        Field("url", pattern=URL_PATTERN, pattern_hint=N_("a web address starting with http:// or https://"),
              description="Link to the source", synonyms=("url", "link", "ссылка", "сілтеме"),
              example=("https://example.org/a", "https://example.org/b")),
        Field("notes", description="Notes", synonyms=("notes", "примечание", "ескертпе"), example=("", "")),
        Field("period_detail", description="The exact span behind 'period', e.g. 2025-01 to 2025-06",
              synonyms=("period detail", "span"), example=("year", "2025-01 to 2025-06")),
        Field("value_type", required=True, allowed=VALUE_TYPES, description="What kind of figure it is",
              synonyms=("value type", "type", "тип значения"), example=("actual", "partial_period")),
        Field("qualifier", allowed=QUALIFIERS, description="'at_least' (over, more than) or 'approximate' (about)",
              synonyms=("qualifier",), example=("", "approximate")),
    ),
)

SCHEMAS: dict[str, DatasetSchema] = {s.kind: s for s in (CORRIDORS, NODES, SEGMENTS, ARTICLES, STATISTICS)}
# Load and validate in this order so that references resolve against what is already loaded.
KIND_ORDER: tuple[str, ...] = ("corridors", "nodes", "segments", "articles", "statistics")


def get_schema(kind: str) -> DatasetSchema:
    try:
        return SCHEMAS[kind]
    except KeyError:
        raise KeyError(f"unknown dataset kind {kind!r}; expected one of {sorted(SCHEMAS)}") from None
