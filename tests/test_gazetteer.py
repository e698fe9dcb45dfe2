"""The gazetteer: every spelling of a place reaches one node id."""

from __future__ import annotations

import pandas as pd
import pytest

from qazdash.gazetteer import PhraseMatcher, build_gazetteer, fold, name_variants, short_name


@pytest.fixture(scope="module")
def gazetteer(shipped):
    return build_gazetteer(shipped["nodes"], shipped["segments"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ақтау", "актау"),
        ("АКТАУ", "актау"),
        ("Қорғас", "коргас"),
        ("Жаңаөзен", "жанаозен"),
        ("Xi’an", "xian"),
        ("Małaszewicze", "malaszewicze"),
        ("Constanța", "constanta"),
        ("Ёлка", "елка"),
        ("Бейнеу", "бейнеу"),  # й is one letter, not и + breve
        (None, ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize("name", ["Актау", "Ақтау", "Aktau", "AKTAU", "aktau", "Aktau seaport", "Морской порт Актау"])
def test_aktau_spellings_resolve_to_one_place(gazetteer, name):
    assert gazetteer.resolve(name) == "kz_aktau_port"


@pytest.mark.parametrize(
    ("name", "node_id"),
    [
        ("Khorgos", "kz_khorgos_gateway"),
        ("Khorgas", "kz_khorgos_gateway"),
        ("Хоргос", "kz_khorgos_gateway"),
        ("Қорғас", "kz_khorgos_gateway"),
        ("Horgos", "cn_khorgos"),
        ("Almaty", "kz_almaty"),
        ("Alma-Ata", "kz_almaty"),
        ("Алма-Ата", "kz_almaty"),
        ("Astana", "kz_astana"),
        ("Nur-Sultan", "kz_astana"),
        ("Нур-Султан", "kz_astana"),
        ("Астана", "kz_astana"),
        ("Qingdao", "cn_qingdao_qianwan"),
        ("Циндао", "cn_qingdao_qianwan"),
        ("Lianyungang", "cn_lianyungang_base"),
        ("Xi'an", "cn_xian"),
        ("Xian", "cn_xian"),
        ("Kuryk", "kz_kuryk_port"),
        ("Құрық", "kz_kuryk_port"),
        ("Port of Kuryk", "kz_kuryk_port"),
        ("Baku", "az_alat_port"),
        ("Alat", "az_alat_port"),
        ("Petropavlovsk", "kz_petropavl"),
        ("Uzen", "kz_zhanaozen"),
        ("Alataw Pass", "cn_alashankou"),
        ("Tokyo", "jp_tokyo_yokohama"),
        ("Yokohama", "jp_tokyo_yokohama"),
        ("Astany", None),
        ("Beijing", None),
        ("Mangystau", None),
        ("", None),
    ],
)
def test_resolve(gazetteer, name, node_id):
    assert gazetteer.resolve(name) == node_id


def test_description_in_brackets_is_not_a_name(gazetteer):
    """'Anaklia (deep-sea port project)' must not make 'deep-sea port project' a place name."""
    assert gazetteer.resolve("deep-sea port project") is None
    assert gazetteer.resolve("China–Kazakhstan") is None  # the start of the Lianyungang base's long name


def test_unresolved_names_are_reported_not_dropped(gazetteer):
    ids, missing = gazetteer.resolve_names(["Qingdao", "Beijing", "Astana", "Nur-Sultan", "Beijing"])
    assert ids == ["cn_qingdao_qianwan", "kz_astana"]
    assert missing == ["Beijing"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At an Astana meeting, Qingdao officials offered a route", ["kz_astana", "cn_qingdao_qianwan"]),
        ("Паром из Актау в Баку", ["kz_aktau_port", "az_alat_port"]),
        ("Встреча в Астане и грузы через Хоргосе", ["kz_astana", "kz_khorgos_gateway"]),  # Russian case forms
        ("Ақтау теңіз портында жаңа терминал", ["kz_aktau_port"]),
        ("Nothing about places here", []),
        ("Kazakhstan and China", []),
    ],
)
def test_find_in_text(gazetteer, text, expected):
    assert gazetteer.find(text) == expected


def test_every_node_resolves_by_its_names(shipped, gazetteer):
    for row in shipped["nodes"].to_dict("records"):
        for column in ("name_en", "name_ru", "name_kk"):
            if isinstance(row[column], str) and row[column]:
                assert gazetteer.resolve(row[column]) in (
                    row["node_id"],
                    *gazetteer.ambiguous.get(" ".join(fold(row[column]).split()), []),
                ), (column, row[column])
        assert gazetteer.resolve(gazetteer.names[row["node_id"]]) == row["node_id"], row["node_id"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Zhanaozen (Uzen)", ["Zhanaozen (Uzen)", "Zhanaozen", "Uzen"]),
        ("Port of Kuryk", ["Port of Kuryk", "kuryk"]),
        ("Tokyo / Yokohama", ["Tokyo / Yokohama", "Tokyo", "Yokohama"]),
    ],
)
def test_name_variants(name, expected):
    variants = name_variants(name)
    for v in expected:
        assert v in variants


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"node_id": "kz_aktau_port", "name_en": "Aktau seaport"}, "Aktau"),
        ({"node_id": "kz_kuryk_port", "name_en": "Port of Kuryk"}, "Kuryk"),
        ({"node_id": "cn_alashankou", "name_en": "Alashankou (Alataw Pass)"}, "Alashankou"),
        (
            {"node_id": "cn_lianyungang_base", "name_en": "China–Kazakhstan (Lianyungang) Logistics Cooperation Base"},
            "Lianyungang",
        ),
    ],
)
def test_short_name(row, expected):
    assert short_name(row) == expected


def test_build_gazetteer_names_missing_columns():
    with pytest.raises(ValueError, match="node_id and name_en"):
        build_gazetteer(pd.DataFrame({"name": ["x"]}))


def test_phrase_matcher_prefers_the_longest_phrase():
    m = PhraseMatcher()
    m.add("KTZ", "KTZ")
    m.add("KTZ Express", "KTZ Express")
    assert m.find("KTZ Express and KTZ signed") == ["KTZ Express", "KTZ"]


def test_missing_names_add_no_variant():
    nodes = pd.DataFrame([{"node_id": "cn_x", "name_en": "Xland", "name_ru": float("nan"), "name_kk": None}])
    gaz = build_gazetteer(nodes)
    assert gaz.resolve("nan") is None and gaz.resolve("none") is None
    assert gaz.resolve("Xland") == "cn_x"


@pytest.mark.parametrize(
    ("node_id", "lang", "expected"),
    [
        ("kz_aktau_port", "ru", "Актау"),
        ("kz_aktau_port", "kk", "Ақтау"),
        ("kz_kuryk_port", "ru", "Курык"),
        ("kz_kuryk_port", "kk", "Құрық"),
        ("kz_khorgos_gateway", "ru", "Хоргос"),
        ("kz_khorgos_gateway", "kk", "Қорғас"),
        ("az_alat_port", "ru", "Баку (Алят)"),
        ("az_alat_port", "kk", "Baku (Alat)"),  # no Kazakh name in the data: the English short name
        ("az_alat_port", "en", "Baku (Alat)"),
        ("kz_beineu", "ru", "Бейнеу"),
    ],
)
def test_map_labels_are_short_in_every_language(node_id, lang, expected):
    """Long facility names ('Бакинский международный морской торговый порт (Алят)') would cross the Caspian."""
    from qazdash.datasets import load_shipped
    from qazdash.gazetteer import short_label

    nodes = load_shipped()["nodes"].set_index("node_id", drop=False)
    assert short_label(nodes.loc[node_id].to_dict(), lang) == expected
