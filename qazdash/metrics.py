"""The catalogue of statistics metrics: a translatable name, a corridor group, a theme and a basis.

``metric`` ids in ``statistics.csv`` are snake_case names; this module gives each a name people read
(marked with ``N_`` and translated where shown), the corridor or subject it belongs to, a theme, the
statistical basis where two bases exist, the source whose series draws the line where several
sources report the same metric (``PREFERRED_SOURCES``) and the targets and forecasts that belong on
its chart (``REFERENCE_METRICS``). Metrics not in the catalogue (e.g. from an upload) still work: their
name is derived from the id and they are grouped under "Other".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qazdash.i18n import N_, _

# --- groups (corridors and subjects) -------------------------------------------------------------

TRADE = "kz_cn_trade"
TRANSIT = "kz_transit"
INVESTMENT = "investment"
OTHER = "other"

GROUP_LABELS: dict[str, str] = {
    "titr_middle_corridor": N_("Middle Corridor (Trans-Caspian route)"),
    "china_europe_rail": N_("China–Europe rail"),
    "qingdao_asia_pacific": N_("Qingdao / Shandong"),
    "lianyungang_asia_pacific": N_("Lianyungang"),
    "northern_route_russia": N_("Northern route via Russia"),
    "southern_route_iran": N_("Southern route via Turkmenistan and Iran"),
    TRADE: N_("Kazakhstan–China trade"),
    TRANSIT: N_("Transit through Kazakhstan"),
    INVESTMENT: N_("Investment and finance"),
    OTHER: N_("Other"),
}
GROUP_ORDER = tuple(GROUP_LABELS)
SHORT_GROUP_LABELS: dict[str, str] = {
    "titr_middle_corridor": N_("Middle Corridor"),
    "china_europe_rail": N_("China–Europe rail"),
    "qingdao_asia_pacific": N_("Qingdao"),
    "lianyungang_asia_pacific": N_("Lianyungang"),
    "northern_route_russia": N_("Northern route"),
    "southern_route_iran": N_("Southern route"),
    TRADE: N_("Trade"),
    TRANSIT: N_("Transit"),
    INVESTMENT: N_("Investment"),
    OTHER: N_("Other"),
}

# --- themes ----------------------------------------------------------------------------------------

CARGO, CONTAINERS, TRAINS, TRADE_VALUE, CAPACITY, TARGETS, MONEY, SERVICE = (
    "cargo",
    "containers",
    "trains",
    "trade",
    "capacity",
    "targets",
    "money",
    "service",
)
THEME_LABELS: dict[str, str] = {
    CARGO: N_("Cargo volumes"),
    CONTAINERS: N_("Containers"),
    TRAINS: N_("Trains"),
    TRADE_VALUE: N_("Trade value"),
    CAPACITY: N_("Capacity"),
    TARGETS: N_("Targets and forecasts"),
    MONEY: N_("Investment and costs"),
    SERVICE: N_("Service"),
}
THEME_ORDER = tuple(THEME_LABELS)

# --- bases -----------------------------------------------------------------------------------------

GACC = N_("Chinese customs, GACC")
KZ_STATS = N_("Kazakh statistics")
KZ_MINISTRY = N_("Kazakh Ministry of Transport")


@dataclass(frozen=True)
class MetricInfo:
    """What a ``metric`` id means for people: name, group, theme and (where it matters) basis."""

    metric: str
    label: str  # marked with N_; translate with _() where shown
    group: str
    theme: str
    basis: str = ""  # marked with N_; "" where the metric has a single basis

    def name(self) -> str:
        """The translated name, with its basis in brackets where it has one."""
        return f"{_(self.label)} ({_(self.basis)})" if self.basis else _(self.label)


def _m(metric: str, label: str, group: str, theme: str, basis: str = "") -> MetricInfo:
    return MetricInfo(metric, label, group, theme, basis)


MC, CE, QD, LYG = (
    "titr_middle_corridor",
    "china_europe_rail",
    "qingdao_asia_pacific",
    "lianyungang_asia_pacific",
)
NR = "northern_route_russia"

CATALOGUE: dict[str, MetricInfo] = {
    m.metric: m
    for m in (
        # Middle Corridor
        _m("titr_cargo_volume", N_("Middle Corridor cargo volume"), MC, CARGO),
        _m("titr_cargo_volume_plan", N_("Middle Corridor cargo plan (TITR Association)"), MC, TARGETS),
        _m("titr_cargo_target", N_("Middle Corridor cargo target"), MC, TARGETS),
        _m("titr_cargo_forecast", N_("Middle Corridor cargo forecast"), MC, TARGETS),
        _m("titr_caspian_cargo_forecast", N_("Trans-Caspian cargo forecast (World Bank)"), MC, TARGETS),
        _m(
            "titr_seaports_cargo_kz_az",
            N_("Middle Corridor cargo through Kazakh and Azerbaijani seaports"),
            MC,
            CARGO,
        ),
        _m("titr_container_teu", N_("Middle Corridor containers"), MC, CONTAINERS),
        _m("titr_container_target", N_("Middle Corridor container target"), MC, TARGETS),
        _m("titr_container_teu_target", N_("Middle Corridor container target (2029)"), MC, TARGETS),
        _m(
            "titr_china_container_trains",
            N_("Container trains from China on the Middle Corridor"),
            MC,
            TRAINS,
        ),
        _m("china_azerbaijan_block_trains_middle_corridor", N_("China–Azerbaijan block trains"), MC, TRAINS),
        _m("titr_delivery_time", N_("Middle Corridor delivery time"), MC, SERVICE),
        _m("aktau_port_cargo", N_("Aktau port cargo"), MC, CARGO),
        _m("aktau_kuryk_ports_cargo", N_("Aktau and Kuryk ports cargo"), MC, CARGO),
        _m("aktau_port_oil", N_("Aktau port oil cargo"), MC, CARGO),
        _m("aktau_port_petroleum_cargo", N_("Aktau port petrochemical cargo"), MC, CARGO),
        _m("aktau_port_container_teu", N_("Aktau port containers"), MC, CONTAINERS),
        _m("aktau_port_titr_teu", N_("Aktau port containers on the Middle Corridor"), MC, CONTAINERS),
        _m("aktau_port_capacity", N_("Aktau port capacity"), MC, CAPACITY),
        _m("aktau_port_container_capacity", N_("Aktau port container capacity"), MC, CAPACITY),
        _m("kuryk_port_cargo", N_("Kuryk port cargo"), MC, CARGO),
        _m("kuryk_port_transit_cargo", N_("Kuryk port transit cargo"), MC, CARGO),
        _m("kuryk_port_trucks", N_("Trucks through Kuryk port"), MC, SERVICE),
        _m("kz_sea_coastal_cargo", N_("Kazakh sea and coastal cargo"), MC, CARGO),
        _m("kmtf_feeder_capacity", N_("Kazmortransflot feeder capacity"), MC, CAPACITY),
        _m("baku_port_cargo", N_("Baku port cargo"), MC, CARGO),
        _m("baku_port_block_trains", N_("Baku port block trains"), MC, TRAINS),
        _m("baku_port_capacity", N_("Baku port capacity"), MC, CAPACITY),
        _m("poti_kz_terminal_capacity", N_("Kazakh terminal at Poti capacity"), MC, CAPACITY),
        # China–Europe rail and the Khorgos / Alashankou crossings
        _m("china_europe_train_trips_via_kz", N_("China–Europe train trips via Kazakhstan"), CE, TRAINS),
        _m(
            "china_europe_train_trips_via_kz_plan",
            N_("China–Europe train trips via Kazakhstan, plan"),
            CE,
            TARGETS,
        ),
        _m("china_europe_trains_via_kz", N_("China–Europe trains through Kazakhstan"), CE, TRAINS),
        _m(
            "china_europe_trains_khorgos_crossing",
            N_("China–Europe trains at Horgos (Chinese side)"),
            CE,
            TRAINS,
        ),
        _m("china_europe_trains_alashankou_crossing", N_("China–Europe trains at Alashankou"), CE, TRAINS),
        _m(
            "china_europe_trains_khorgos_alashankou",
            N_("China–Europe trains at Horgos and Alashankou"),
            CE,
            TRAINS,
        ),
        _m(
            "china_europe_trains_khorgos_alashankou_cumulative",
            N_("China–Europe trains at Horgos and Alashankou, cumulative"),
            CE,
            TRAINS,
        ),
        _m(
            "china_europe_transit_teu_via_kz",
            N_("China–Europe transit containers via Kazakhstan"),
            CE,
            CONTAINERS,
        ),
        _m("china_europe_containers_via_kz", N_("China–Europe containers via Kazakhstan"), CE, CONTAINERS),
        _m("china_europe_transit_containers_plan", N_("China–Europe transit containers, plan"), CE, TARGETS),
        _m(
            "china_kz_europe_transit_containers",
            N_("China–Kazakhstan–Europe transit containers"),
            CE,
            CONTAINERS,
        ),
        _m("chengdu_lodz_trains_via_kz", N_("Chengdu–Łódź trains via Kazakhstan"), CE, TRAINS),
        _m("khorgos_gateway_teu", N_("Khorgos Gateway dry port containers"), CE, CONTAINERS),
        _m("khorgos_gateway_capacity", N_("Khorgos Gateway capacity"), CE, CAPACITY),
        _m("khorgos_gateway_trains_monthly", N_("Khorgos Gateway trains per month"), CE, TRAINS),
        _m("khorgos_port_rail_cargo", N_("Horgos port rail cargo (Chinese side)"), CE, CARGO),
        _m(
            "khorgos_eastern_gate_jiangsu_investment",
            N_("Khorgos Eastern Gate investment from Jiangsu"),
            CE,
            MONEY,
        ),
        _m("ktz_xian_terminal_throughput", N_("KTZ terminal in Xi'an throughput"), CE, CONTAINERS),
        _m("ktz_xian_terminal_capacity", N_("KTZ terminal in Xi'an capacity"), CE, CAPACITY),
        _m("xian_aktau_container_trains", N_("Xi'an–Aktau container trains"), CE, TRAINS),
        _m(
            "xian_dry_port_china_europe_trains_cumulative",
            N_("Xi'an dry port China–Europe trains, cumulative"),
            CE,
            TRAINS,
        ),
        _m("xian_dry_port_kz_cargo_share", N_("Share of Xi'an dry port cargo from Kazakhstan"), CE, CARGO),
        _m("dostyk_moiynty_freight", N_("Dostyk–Moiynty line freight"), CE, CARGO),
        _m("dostyk_moiynty_capacity", N_("Dostyk–Moiynty line capacity"), CE, CAPACITY),
        _m("bakhty_ayagoz_cost", N_("Bakhty–Ayagoz railway cost"), CE, MONEY),
        _m(
            "kz_share_china_europe_land_transport",
            N_("Kazakhstan's share of China–Europe land transport"),
            CE,
            TRAINS,
        ),
        # Northern route
        _m("utlc_era_transit_teu", N_("UTLC ERA transit containers"), NR, CONTAINERS),
        _m(
            "russia_share_westbound_china_eu_rail",
            N_("Russia's share of westbound China–EU rail"),
            NR,
            TRAINS,
        ),
        # Qingdao / Shandong
        _m("qingdao_port_cargo_throughput", N_("Qingdao port cargo throughput"), QD, CARGO),
        _m("qingdao_port_container_teu", N_("Qingdao port container throughput"), QD, CONTAINERS),
        _m("qingdao_port_sea_rail_teu", N_("Qingdao port sea–rail containers"), QD, CONTAINERS),
        _m("qingdao_port_capacity_plan", N_("Qingdao port capacity plan"), QD, TARGETS),
        _m("qingdao_rizhao_yantai_cargo", N_("Qingdao, Rizhao and Yantai ports cargo"), QD, CARGO),
        _m(
            "qingdao_central_asia_trains_cumulative",
            N_("Qingdao–Central Asia trains, cumulative"),
            QD,
            TRAINS,
        ),
        _m("qingdao_central_asia_trains_plan", N_("Qingdao–Central Asia trains, plan"), QD, TARGETS),
        _m(
            "qingdao_multimodal_center_trains_teu_plan",
            N_("Qingdao multimodal centre containers, plan"),
            QD,
            TARGETS,
        ),
        _m(
            "qingdao_scoda_china_europe_trains_cumulative",
            N_("Qingdao SCODA China–Europe trains, cumulative"),
            QD,
            TRAINS,
        ),
        _m("shandong_port_group_cargo", N_("Shandong Port Group cargo"), QD, CARGO),
        _m("shandong_port_group_teu", N_("Shandong Port Group containers"), QD, CONTAINERS),
        _m("shandong_coastal_ports_cargo", N_("Shandong coastal ports cargo"), QD, CARGO),
        _m("shandong_central_asia_rail_trade", N_("Shandong–Central Asia trade by rail"), QD, TRADE_VALUE),
        _m("kz_shandong_trade", N_("Kazakhstan–Shandong trade"), QD, TRADE_VALUE),
        _m("qilu_trains", N_("Qilu China–Europe trains"), QD, TRAINS),
        _m("qilu_central_asia_trains_cumulative", N_("Qilu trains to Central Asia, cumulative"), QD, TRAINS),
        _m("scoda_china_europe_trains", N_("SCODA China–Europe trains"), QD, TRAINS),
        _m("scoda_china_europe_cargo", N_("SCODA China–Europe train cargo"), QD, CARGO),
        _m("scoda_international_train_routes", N_("SCODA international train routes"), QD, SERVICE),
        _m("scoda_international_trains_cumulative", N_("SCODA international trains, cumulative"), QD, TRAINS),
        _m("scoda_projects_investment", N_("SCODA projects investment"), QD, MONEY),
        # Lianyungang
        _m("lianyungang_port_container_teu", N_("Lianyungang port container throughput"), LYG, CONTAINERS),
        _m("lianyungang_kz_base_trains", N_("China–Kazakhstan Lianyungang base trains"), LYG, TRAINS),
        _m(
            "lianyungang_kz_base_trains_cumulative",
            N_("China–Kazakhstan Lianyungang base trains, cumulative"),
            LYG,
            TRAINS,
        ),
        _m(
            "lianyungang_kz_base_china_europe_teu",
            N_("Lianyungang base China–Europe containers"),
            LYG,
            CONTAINERS,
        ),
        _m(
            "lianyungang_kz_base_china_europe_teu_cumulative",
            N_("Lianyungang base China–Europe containers, cumulative"),
            LYG,
            CONTAINERS,
        ),
        _m(
            "lianyungang_kz_inbound_trains_from_kz",
            N_("Trains from Kazakhstan into Lianyungang"),
            LYG,
            TRAINS,
        ),
        _m(
            "lianyungang_kz_terminal_containers",
            N_("Lianyungang Kazakh terminal containers"),
            LYG,
            CONTAINERS,
        ),
        _m("lianyungang_kz_terminal_capacity", N_("Lianyungang Kazakh terminal capacity"), LYG, CAPACITY),
        _m("lianyungang_kz_terminal_target_teu", N_("Lianyungang Kazakh terminal target"), LYG, TARGETS),
        _m(
            "lianyungang_kz_wheat_transit_cumulative",
            N_("Kazakh wheat via Lianyungang, cumulative"),
            LYG,
            CARGO,
        ),
        # Kazakhstan–China trade
        _m("kz_cn_trade_turnover", N_("Kazakhstan–China trade turnover"), TRADE, TRADE_VALUE, GACC),
        _m(
            "kz_cn_trade_turnover_kz_stats",
            N_("Kazakhstan–China trade turnover"),
            TRADE,
            TRADE_VALUE,
            KZ_STATS,
        ),
        _m("kz_exports_to_cn", N_("Kazakhstan's exports to China"), TRADE, TRADE_VALUE, GACC),
        _m("kz_exports_to_cn_kz_stats", N_("Kazakhstan's exports to China"), TRADE, TRADE_VALUE, KZ_STATS),
        _m("kz_imports_from_cn", N_("Kazakhstan's imports from China"), TRADE, TRADE_VALUE, GACC),
        _m(
            "kz_imports_from_cn_kz_stats", N_("Kazakhstan's imports from China"), TRADE, TRADE_VALUE, KZ_STATS
        ),
        _m("kz_cn_trade_target", N_("Kazakhstan–China trade target"), TRADE, TARGETS),
        _m("kz_cn_agri_trade", N_("Kazakhstan–China agricultural trade"), TRADE, TRADE_VALUE),
        _m("kz_grain_exports_to_cn", N_("Kazakh grain exports to China"), TRADE, CARGO),
        _m(
            "kz_crude_exports_to_cn_pipeline",
            N_("Crude oil to China by the Kazakhstan–China pipeline"),
            TRADE,
            CARGO,
        ),
        _m("kz_rail_exports_to_cn", N_("Kazakh rail exports to China"), TRADE, CARGO),
        _m("kz_cn_rail_freight", N_("Kazakhstan–China rail freight"), TRADE, CARGO),
        _m("kz_cn_rail_transit", N_("Kazakhstan–China rail transit"), TRADE, CARGO),
        _m("kz_cn_rail_crossing_capacity", N_("Kazakhstan–China rail crossings capacity"), TRADE, CAPACITY),
        _m("cn_kz_road_freight", N_("China–Kazakhstan road freight"), TRADE, CARGO),
        _m("kz_cn_container_shipments", N_("Kazakhstan–China container shipments"), TRADE, CONTAINERS),
        _m("kz_cn_joint_projects_value", N_("Kazakhstan–China joint projects"), TRADE, MONEY),
        _m(
            "cn_kz_trade_via_china_europe_trains",
            N_("China–Kazakhstan trade by China–Europe trains"),
            TRADE,
            TRADE_VALUE,
        ),
        _m("cn_kz_transit_trade_volume", N_("China's transit trade via Kazakhstan"), TRADE, CARGO),
        _m("cn_central_asia_trade_turnover", N_("China–Central Asia trade turnover"), TRADE, TRADE_VALUE),
        _m(
            "cn_central_asia_transit_containers",
            N_("China transit containers through Central Asia"),
            TRADE,
            CONTAINERS,
        ),
        # Transit through Kazakhstan (all routes)
        _m("kz_transit_cargo", N_("Transit cargo through Kazakhstan"), TRANSIT, CARGO),
        _m("kz_transit_container_teu", N_("Transit containers through Kazakhstan"), TRANSIT, CONTAINERS),
        _m("kz_transit_containers", N_("Transit containers through Kazakhstan (count)"), TRANSIT, CONTAINERS),
        _m("kz_transit_revenue", N_("Transit revenue"), TRANSIT, MONEY),
        _m("ktz_freight_turnover", N_("KTZ freight turnover"), TRANSIT, CARGO),
        # Investment and finance
        _m("cn_fdi_into_kz", N_("Chinese direct investment in Kazakhstan"), INVESTMENT, MONEY),
        _m(
            "cn_fdi_into_kz_cumulative",
            N_("Chinese direct investment in Kazakhstan, cumulative"),
            INVESTMENT,
            MONEY,
        ),
        _m("kz_logistics_investment", N_("Investment in Kazakh logistics, cumulative"), INVESTMENT, MONEY),
        _m(
            "kz_transport_infrastructure_investment",
            N_("Investment in Kazakh transport infrastructure, cumulative"),
            INVESTMENT,
            MONEY,
        ),
        _m("ebrd_kz_transport_pipeline", N_("EBRD Kazakh transport pipeline"), INVESTMENT, MONEY),
        _m("eib_central_asia_transport_mou", N_("EIB Central Asia transport memoranda"), INVESTMENT, MONEY),
        _m(
            "eu_global_gateway_central_asia_package",
            N_("EU Global Gateway Central Asia package"),
            INVESTMENT,
            MONEY,
        ),
        _m(
            "eu_global_gateway_central_asia_transport_commitment",
            N_("EU Global Gateway Central Asia transport commitment"),
            INVESTMENT,
            MONEY,
        ),
        _m(
            "eu_ca_transport_study_hard_investments",
            N_("EU Central Asia transport study: hard investments"),
            INVESTMENT,
            MONEY,
        ),
    )
}


@dataclass(frozen=True)
class PreferredSource:
    """The source whose series draws a metric's line, and why. Other sources stay visible as markers."""

    pattern: str  # a regular expression searched in the ``source`` column
    basis: str  # marked with N_
    reason: str  # marked with N_


PREFERRED_SOURCES: dict[str, PreferredSource] = {
    "titr_cargo_volume": PreferredSource(
        pattern=r"Ministry of Transport of Kazakhstan",
        basis=KZ_MINISTRY,
        reason=N_(
            "The Kazakh Ministry of Transport's official annual series (published by Report.az in "
            "March 2026) is the only one covering every year from 2019 to 2025 on one definition. "
            "Figures from KTZ, the government, the TITR Association and officials differ in scope "
            "(Kazakh section only, association members only, seaports only) and rounding, so they "
            "are shown as separate points, not joined to it."
        ),
    ),
}

# Targets, plans and forecasts drawn on a metric's chart (same unit only).
REFERENCE_METRICS: dict[str, tuple[str, ...]] = {
    "titr_cargo_volume": (
        "titr_cargo_target",
        "titr_caspian_cargo_forecast",
        "titr_cargo_forecast",
        "titr_cargo_volume_plan",
    ),
    "titr_container_teu": ("titr_container_teu_target", "titr_container_target"),
    "kz_cn_trade_turnover": ("kz_cn_trade_target",),
    "china_europe_train_trips_via_kz": ("china_europe_train_trips_via_kz_plan",),
    "lianyungang_kz_terminal_containers": (),
}


def metric_info(metric: str) -> MetricInfo:
    """The catalogue entry for ``metric``; a derived one (name from the id, group "Other") if unknown."""
    found = CATALOGUE.get(metric)
    if found is not None:
        return found
    words = re.sub(r"[_\s]+", " ", metric).strip()
    return MetricInfo(metric, words[:1].upper() + words[1:], OTHER, CARGO)


def metric_name(metric: str) -> str:
    """The translated name of ``metric`` with its basis where it has one."""
    return metric_info(metric).name()


def group_label(group: str) -> str:
    return _(GROUP_LABELS.get(group, GROUP_LABELS[OTHER]))


def short_group_label(group: str) -> str:
    return _(SHORT_GROUP_LABELS.get(group, SHORT_GROUP_LABELS[OTHER]))


def theme_label(theme: str) -> str:
    return _(THEME_LABELS.get(theme, theme))


def option_label(metric: str) -> str:
    """How a metric reads in the picker: "Name · Group › Theme" (options are sorted by group and theme)."""
    info = metric_info(metric)
    return f"{info.name()} · {short_group_label(info.group)} › {theme_label(info.theme)}"


def sort_key(metric: str) -> tuple[int, int, str]:
    info = metric_info(metric)
    group = GROUP_ORDER.index(info.group) if info.group in GROUP_ORDER else len(GROUP_ORDER)
    theme = THEME_ORDER.index(info.theme) if info.theme in THEME_ORDER else len(THEME_ORDER)
    return group, theme, info.name().lower()


def ordered_metrics(metrics) -> list[str]:
    """``metrics`` (unique) in picker order: by corridor group, then theme, then name."""
    return sorted(set(metrics), key=sort_key)


def reference_metrics(metric: str) -> tuple[str, ...]:
    return REFERENCE_METRICS.get(metric, ())


def basis(metric: str) -> str:
    """The translated basis of a metric's line: its preferred source's, or its catalogue basis, or ""."""
    preferred = PREFERRED_SOURCES.get(metric)
    if preferred is not None:
        return _(preferred.basis)
    info = metric_info(metric)
    return _(info.basis) if info.basis else ""


# --- units -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """How a unit reads: a value template (``{value}`` is the formatted number) and an axis title."""

    template: str  # marked with N_
    axis: str  # marked with N_


UNITS: dict[str, Unit] = {
    "million_tonnes": Unit(N_("{value} Mt"), N_("Million tonnes")),
    "million_tonnes_per_year": Unit(N_("{value} Mt/year"), N_("Million tonnes per year")),
    "tonnes": Unit(N_("{value} t"), N_("Tonnes")),
    "usd_billion": Unit(N_("${value} bn"), N_("US$ billion")),
    "usd_million": Unit(N_("${value} m"), N_("US$ million")),
    "eur_billion": Unit(N_("€{value} bn"), N_("€ billion")),
    "cny_billion": Unit(N_("CN¥{value} bn"), N_("Yuan billion")),
    "kzt_billion": Unit(N_("₸{value} bn"), N_("Tenge billion")),
    "teu": Unit(N_("{value} TEU"), N_("TEU (twenty-foot equivalent units)")),
    "teu_per_year": Unit(N_("{value} TEU/year"), N_("TEU per year")),
    "teu_per_vessel": Unit(N_("{value} TEU per vessel"), N_("TEU per vessel")),
    "containers": Unit(N_("{value} containers"), N_("Containers")),
    "containers_per_year": Unit(N_("{value} containers/year"), N_("Containers per year")),
    "trips": Unit(N_("{value} trains"), N_("Train runs")),
    "trains_per_month": Unit(N_("{value} trains/month"), N_("Trains per month")),
    "train_pairs_per_day": Unit(N_("{value} train pairs/day"), N_("Train pairs per day")),
    "trucks": Unit(N_("{value} trucks"), N_("Trucks")),
    "percent": Unit(N_("{value}%"), N_("Per cent")),
    "days": Unit(N_("{value} days"), N_("Days")),
    "billion_tkm": Unit(N_("{value} bn t-km"), N_("Billion tonne-kilometres")),
    "projects": Unit(N_("{value} projects"), N_("Projects")),
    "routes": Unit(N_("{value} routes"), N_("Routes")),
}


def unit_axis_title(unit: str) -> str:
    """The translated axis title of ``unit`` (the raw unit id where it is not catalogued)."""
    found = UNITS.get(unit)
    return _(found.axis) if found else unit


def unit_template(unit: str) -> str:
    """The translated value template of ``unit``: ``"{value} Mt"``; ``"{value} <unit>"`` if unknown."""
    found = UNITS.get(unit)
    return _(found.template) if found else "{value} " + unit.replace("_", " ")
