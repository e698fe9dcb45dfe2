"""Tag articles that arrive without places, corridors or organisations (e.g. uploads).

Headline and summary are matched against the gazetteer and the organisation list; corridors come
from the places found (see :func:`corridors_for_places`) and from corridor names in the text.
Columns the curators filled are never changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qazdash.gazetteer import Gazetteer, PhraseMatcher
from qazdash.organisations import find_organisations
from qazdash.validation import split_list

# Names of the corridors as articles write them (English, Russian, Kazakh). Each maps to one corridor id.
CORRIDOR_PHRASES: dict[str, tuple[str, ...]] = {
    "titr_middle_corridor": (
        "Middle Corridor",
        "Trans-Caspian International Transport Route",
        "TITR",
        "Trans-Caspian route",
        "Trans-Caspian corridor",
        "Средний коридор",
        "Транскаспийский международный транспортный маршрут",
        "ТМТМ",
        "Орта дәліз",
        "Транскаспий халықаралық көлік бағыты",
    ),
    "china_europe_rail": (
        "China-Europe Railway Express",
        "China-Europe rail",
        "China-Europe train",
        "China-Europe trains",
        "China-Europe freight train",
        "China-Europe freight trains",
        "China Railway Express",
        "Китай – Европа",
        "Китай-Европа",
    ),
    "southern_route_iran": (
        "Kazakhstan-Turkmenistan-Iran",
        "Казахстан – Туркменистан – Иран",
        "Казахстан-Туркменистан-Иран",
    ),
}


def corridor_matcher() -> PhraseMatcher:
    matcher = PhraseMatcher()
    for corridor, phrases in CORRIDOR_PHRASES.items():
        for phrase in phrases:
            matcher.add(phrase, corridor)
    return matcher


_CORRIDORS = corridor_matcher()


def corridors_for_places(node_ids: list[str], gazetteer: Gazetteer) -> list[str]:
    """Corridors implied by places: those of places on one corridor only; else those all places share.

    Hubs such as Almaty or Astana lie on several corridors and say little alone: they only count
    when no place is specific and every place found lies on the same corridors.
    """
    sets = [gazetteer.corridors.get(n, ()) for n in node_ids]
    sets = [s for s in sets if s]
    specific = [s[0] for s in sets if len(s) == 1]
    if specific:
        return list(dict.fromkeys(specific))
    if len(sets) >= 2:
        shared = set(sets[0]).intersection(*map(set, sets[1:]))
        return sorted(shared)
    return []


@dataclass(frozen=True)
class Tags:
    places: list[str]  # short names of the places found
    place_ids: list[str]
    corridors: list[str]
    organisations: list[str]


def tag_text(text: str, gazetteer: Gazetteer) -> Tags:
    """Places, corridors and organisations mentioned in ``text``."""
    place_ids = gazetteer.find(text)
    corridors = list(dict.fromkeys([*corridors_for_places(place_ids, gazetteer), *_CORRIDORS.find(text)]))
    return Tags(
        places=[gazetteer.names[n] for n in place_ids],
        place_ids=place_ids,
        corridors=corridors,
        organisations=find_organisations(text),
    )


def tag_article(title: str | None, summary: str | None, gazetteer: Gazetteer) -> Tags:
    return tag_text(f"{title or ''}. {summary or ''}", gazetteer)


def _is_blank(value: object) -> bool:
    """None, NaN, pd.NA, '' or only separators."""
    if isinstance(value, str):
        return not split_list(value)
    return value is None or bool(pd.isna(value))


def tag_articles(articles: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """``articles`` with blank ``places``, ``corridors``, ``organisations`` filled from headline and summary.

    Adds a ``tagged`` column naming the columns that were filled automatically (';'-separated).
    """
    out = articles.copy()
    for column in ("places", "corridors", "organisations"):
        if column not in out.columns:
            out[column] = None
    tagged: list[str] = []
    places, corridors, orgs = out["places"].tolist(), out["corridors"].tolist(), out["organisations"].tolist()
    for i, (title, summary) in enumerate(
        zip(out["title"].tolist(), out.get("summary", pd.Series([""] * len(out))).tolist(), strict=True)
    ):
        blank = [
            c
            for c, v in (("places", places[i]), ("corridors", corridors[i]), ("organisations", orgs[i]))
            if _is_blank(v)
        ]
        if not blank:
            tagged.append("")
            continue
        tags = tag_article(title, summary, gazetteer)
        filled = []
        if "places" in blank and tags.places:
            places[i] = ";".join(tags.places)
            filled.append("places")
        if "corridors" in blank:
            if "places" in blank:
                derived = tags.corridors
            else:  # curated places: corridors from those places and from corridor names in the text
                ids, _ = gazetteer.resolve_names(split_list(places[i]))
                text = f"{title or ''}. {summary or ''}"
                derived = list(dict.fromkeys([*corridors_for_places(ids, gazetteer), *_CORRIDORS.find(text)]))
            if derived:
                corridors[i] = ";".join(derived)
                filled.append("corridors")
        if "organisations" in blank and tags.organisations:
            orgs[i] = ";".join(tags.organisations)
            filled.append("organisations")
        tagged.append(";".join(filled))
    out["places"], out["corridors"], out["organisations"] = places, corridors, orgs
    out["tagged"] = tagged
    return out
