"""Organisations the corridor news is about, with the names articles use for them.

A constant list rather than a data file: these are names, not figures, and each entry is a real body
(the first name is how the dashboard shows it; the aliases are other names, abbreviations and the
Russian/Kazakh forms). Used to tag uploaded articles and to merge spellings in the organisation filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from qazdash.gazetteer import PhraseMatcher, phrase_key


@dataclass(frozen=True)
class Organisation:
    name: str
    aliases: tuple[str, ...] = ()


ORGANISATIONS: tuple[Organisation, ...] = (
    Organisation(
        "Kazakh Invest",
        ("Kazakh Invest (investment agency)", "KAZAKH INVEST", "Казах Инвест", "Kazakh Invest NC"),
    ),
    Organisation(
        "KTZ",
        (
            "Kazakhstan Temir Zholy",
            "Kazakhstan Railways",
            "Kazakhstan Temir Zholy (KTZ)",
            "ҚТЖ",
            "КТЖ",
            "Қазақстан темір жолы",
            "Казахстан темир жолы",
            "KTZ national company",
        ),
    ),
    Organisation("KTZ Express", ("KTZE", "KTZ Express JSC", "КТЖ Экспресс", "ҚТЖ Экспресс")),
    Organisation(
        "Khorgos Gateway",
        (
            "KTZE-Khorgos Gateway",
            "KTZE Khorgos Gateway",
            "Khorgos Gateway dry port",
            "Khorgos dry port",
            "Хоргос Гейтвей",
            "Khorgos Eastern Gate SEZ",
            "Khorgos – Eastern Gate SEZ",
            "СЭЗ Хоргос – Восточные ворота",
        ),
    ),
    Organisation(
        "Qingdao Port",
        (
            "Qingdao Port Group",
            "SPG Qingdao Port Group",
            "Qingdao Port International",
            "Qingdao Port International Container Development",
            "порт Циндао",
        ),
    ),
    Organisation("Shandong Port Group", ("SPG", "Shandong Port", "Шаньдунская портовая группа")),
    Organisation("Lianyungang Port", ("Lianyungang Port Group", "порт Ляньюньган")),
    Organisation("ADY", ("Azerbaijan Railways", "ADY Container", "Азербайджанские железные дороги", "АЖД")),
    Organisation("Georgian Railway", ("Georgian Railways", "Грузинская железная дорога")),
    Organisation("Russian Railways", ("RZD", "РЖД", "Российские железные дороги")),
    Organisation(
        "Aktau Sea Port",
        (
            "Aktau port",
            "Aktau seaport",
            "Aktau Commercial Sea Port",
            "Aktau Sea Commercial Port",
            "Aktau International Sea Trade Port",
            "port of Aktau",
            "Актауский морской порт",
            "морской порт Актау",
            "порт Актау",
            "Ақтау теңіз порты",
        ),
    ),
    Organisation("Kuryk Port", ("port of Kuryk", "Kuryk seaport", "порт Курык", "Құрық порты")),
    Organisation(
        "Baku International Sea Trade Port",
        (
            "Port of Baku",
            "Baku port",
            "Бакинский морской порт",
            "Бакинский международный морской торговый порт",
        ),
    ),
    Organisation(
        "TITR Association",
        ("International Association Trans-Caspian International Transport Route", "Ассоциация ТМТМ"),
    ),
    Organisation("Middle Corridor Multimodal", ()),
    Organisation("Kazmortransflot", ("KMTF", "Казмортрансфлот")),
    Organisation("Samruk-Kazyna", ("Самрук-Казына", "Самұрық-Қазына")),
    Organisation("Development Bank of Kazakhstan", ("DBK", "Банк развития Казахстана")),
    Organisation("PTC Holding", ()),
    Organisation(
        "SCODA",
        (
            "China-SCO Local Economic and Trade Cooperation Demonstration Area",
            "China-SCO Local Economic and Trade Cooperation Demonstration Area (SCODA)",
        ),
    ),
    Organisation("SCO", ("Shanghai Cooperation Organisation", "Shanghai Cooperation Organization", "ШОС")),
    Organisation("China Railway Container Transport", ("CRCT", "CR Intermodal")),
    Organisation("China State Railway Group", ("China Railway", "China Railway Group")),
    Organisation("COSCO Shipping", ("COSCO",)),
    Organisation("EBRD", ("European Bank for Reconstruction and Development", "ЕБРР")),
    Organisation("EIB", ("European Investment Bank",)),
    Organisation("World Bank", ("Всемирный банк", "Дүниежүзілік банк")),
    Organisation("European Commission", ("Еврокомиссия", "Европейская комиссия")),
    Organisation(
        "Ministry of Transport of Kazakhstan",
        ("Kazakh Ministry of Transport", "Министерство транспорта РК", "Минтранс РК"),
    ),
    Organisation("Akorda", ("Акорда", "Ақорда")),
    Organisation("Government of Kazakhstan", ("Правительство Казахстана", "Правительство РК")),
    Organisation(
        "Lianyungang China-Kazakhstan International Logistics Co.", ("China-Kazakhstan Logistics Co.",)
    ),
    Organisation("UIC", ("International Union of Railways",)),
    Organisation("Poti Trans Terminals", ()),
    Organisation("Maersk", ()),
    Organisation("CMA CGM", ()),
)


@cache
def organisation_matcher() -> PhraseMatcher:
    """Every name and alias → the organisation's shown name."""
    matcher = PhraseMatcher()
    for org in ORGANISATIONS:
        for name in (org.name, *org.aliases):
            matcher.add(name, org.name)
    return matcher


@lru_cache(maxsize=65536)
def canonical_organisation(name: str) -> str:
    """The shown name of a known organisation ('Azerbaijan Railways' → 'ADY'); other names unchanged."""
    key = phrase_key(name)
    return organisation_matcher().index.get(key, name.strip())


def find_organisations(text: object) -> list[str]:
    """Known organisations mentioned in ``text``, each once, by shown name."""
    return organisation_matcher().find(text)
