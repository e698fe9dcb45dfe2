"""Tagging articles that arrive without places, corridors or organisations."""

from __future__ import annotations

import pandas as pd
import pytest

from qazdash.gazetteer import build_gazetteer
from qazdash.organisations import ORGANISATIONS, canonical_organisation, find_organisations
from qazdash.tagging import corridors_for_places, tag_article, tag_articles


@pytest.fixture(scope="module")
def gazetteer(shipped):
    return build_gazetteer(shipped["nodes"], shipped["segments"])


@pytest.fixture(scope="module")
def seed(shipped):
    articles = shipped["articles"]
    return articles[articles["article_id"] == "a-0089"].iloc[0]


def test_seed_article_is_tagged_with_qingdao_astana_and_the_qingdao_corridor(seed, gazetteer):
    assert seed["source"] == "QazMonitor" and seed["published"] == "2022-11-10"
    tags = tag_article(seed["title"], seed["summary"], gazetteer)
    assert {"Qingdao", "Astana"} <= set(tags.places)
    assert {"cn_qingdao_qianwan", "kz_astana"} <= set(tags.place_ids)
    assert "qingdao_asia_pacific" in tags.corridors
    assert "Qingdao Port" in tags.organisations


def test_seed_article_without_tags_gets_them_from_its_text(seed, gazetteer):
    upload = pd.DataFrame([{**seed.to_dict(), "places": None, "corridors": None, "organisations": None}])
    tagged = tag_articles(upload, gazetteer).iloc[0]
    assert tagged["places"].split(";")[:2] == ["Qingdao", "Astana"]
    assert "qingdao_asia_pacific" in tagged["corridors"].split(";")
    assert tagged["tagged"] == "places;corridors;organisations"


@pytest.mark.parametrize("spelling", ["Актау", "Ақтау", "Aktau"])
def test_aktau_spellings_tag_the_same_place(gazetteer, spelling):
    tags = tag_article(f"New ferry line from {spelling}", "", gazetteer)
    assert tags.place_ids == ["kz_aktau_port"]
    assert tags.places == ["Aktau"]
    assert tags.corridors == ["titr_middle_corridor"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kazakh Invest and KTZ Express met Qingdao Port and Shandong Port Group",
            ["Kazakh Invest", "KTZ Express", "Qingdao Port", "Shandong Port Group"],
        ),
        ("Azerbaijan Railways (ADY) and KTZ signed", ["ADY", "KTZ"]),
        ("КТЖ и порт Актау подписали соглашение", ["KTZ", "Aktau Sea Port"]),
        ("Aktau and Kuryk ports: port of Kuryk expands", ["Kuryk Port"]),
        ("Khorgos Gateway handled more containers", ["Khorgos Gateway"]),
        ("No organisation here", []),
    ],
)
def test_find_organisations(text, expected):
    assert find_organisations(text) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Azerbaijan Railways", "ADY"),
        ("KTZE-Khorgos Gateway", "Khorgos Gateway"),
        ("kazakh invest", "Kazakh Invest"),
        ("Some Ministry", "Some Ministry"),
    ],
)
def test_canonical_organisation(name, expected):
    assert canonical_organisation(name) == expected


def test_organisation_names_are_unique():
    names = [o.name for o in ORGANISATIONS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("places", "expected"),
    [
        (["cn_qingdao_qianwan", "kz_astana"], ["qingdao_asia_pacific"]),  # the hub adds nothing
        (["kz_astana"], []),  # a hub alone says little
        (["kz_astana", "kz_petropavl"], ["china_europe_rail", "northern_route_russia"]),  # shared corridors
        (["kz_aktau_port", "cn_lianyungang_base"], ["titr_middle_corridor", "lianyungang_asia_pacific"]),
        ([], []),
    ],
)
def test_corridors_for_places(gazetteer, places, expected):
    assert corridors_for_places(places, gazetteer) == expected


def test_curated_columns_are_never_changed(seed, gazetteer):
    row = pd.DataFrame([{**seed.to_dict(), "places": "Beijing", "organisations": "Somebody"}])
    tagged = tag_articles(row, gazetteer).iloc[0]
    assert tagged["places"] == "Beijing"
    assert tagged["organisations"] == "Somebody"
    assert tagged["tagged"] == ""


def test_corridors_from_curated_places_and_corridor_names(seed, gazetteer):
    row = pd.DataFrame(
        [{**seed.to_dict(), "places": "Kuryk;Baku", "corridors": None, "title": "Middle Corridor ferry", "summary": ""}]
    )
    tagged = tag_articles(row, gazetteer).iloc[0]
    assert tagged["corridors"] == "titr_middle_corridor"
    assert tagged["tagged"] == "corridors"


def test_missing_values_of_any_kind_count_as_blank(seed, gazetteer):
    rows = pd.DataFrame(
        [
            {**seed.to_dict(), "places": value, "corridors": value, "organisations": value}
            for value in (None, float("nan"), pd.NA, "", " ; ")
        ]
    )
    tagged = tag_articles(rows, gazetteer)
    assert (tagged["tagged"] == "places;corridors;organisations").all()
