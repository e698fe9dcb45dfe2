"""Files from other systems (tests/fixtures/realworld): imported with the mapping an analyst would choose,
or rejected with the exact reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qazdash.errors import QazdashDataError
from qazdash.ingest.pipeline import UploadOptions, commit, normalise_numbers, prepare
from qazdash.ingest.reading import read_table
from qazdash.ingest.realworld import PRESETS, parse_unlocode_coordinates, snake
from tests.ingest_support import seeded_store_fixture, seeded_template_fixture  # noqa: F401

REAL = Path(__file__).parent / "fixtures" / "realworld"
UNLOCODE = REAL / "unece_unlocode_2023-1_CodeListPart2.csv"
RU_EXCEL = REAL / "ru_excel_export_cp1251_semicolon.csv"
WDI = REAL / "wdi_API_NY.GDP.PCAP.CD_DS2_en_csv_v2_10181232.csv"
COMTRADE = REAL / "comtrade_api_china_plp_2019-2021_semicolon.csv"
TENGRI = REAL / "news_tengrinews_kz_raw_scrape.csv"


def _preset(name: str) -> UploadOptions:
    kind, mapping = PRESETS[name]
    return UploadOptions(kind=kind, mapping=mapping)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4315N 07657E", (43.25, 76.95)), ("0045S 00927E", (-0.75, 9.45)), ("5149N 01170W", None),
     ("", None), ("43N 76E", None)],
)
def test_unlocode_coordinates(text, expected):
    assert parse_unlocode_coordinates(text) == expected


def test_snake():
    assert snake("Aqtöbe (Aktyubinsk)") == "aqtobe_aktyubinsk"


def test_unlocode_yields_kazakh_places_with_coordinates(seeded_store):
    p = prepare(UNLOCODE.read_bytes(), UNLOCODE.name, seeded_store, _preset("unlocode_kz_places"))
    assert p.detected.encoding == "latin-1" and p.detected.header_row == 0
    frame = p.valid_frame
    assert len(frame) == 85 and not p.problems
    assert (frame["country_iso3"] == "KAZ").all() and frame["locode"].str.startswith("KZ").all()
    almaty = frame.set_index("locode").loc["KZALA"]
    assert (almaty.node_id, almaty.lat, almaty.lon) == ("kz_almaty", 43.25, 76.95)
    aktobe = frame.set_index("locode").loc["KZAKX"]
    assert aktobe.name_en == "Aqtöbe (Aktyubinsk)"  # Latin-1 ö read right
    assert frame.set_index("locode").loc["KZAAU", "kind"] == "caspian_port"
    placed = frame.dropna(subset=["lat"])
    assert len(placed) >= 60
    # the one KZ record whose coordinate lies in Afghanistan (remark "Baghlan region") is flagged
    assert [(w.rule, w.value) for w in p.warnings if w.rule == "outside_country"] == [
        ("outside_country", "3610N 06910E")]
    before = len(seeded_store.read("nodes"))
    commit(p, seeded_store, author="analyst", on_duplicate="skip")
    assert len(seeded_store.read("nodes")) == before + 85 - len(p.duplicates)


def test_russian_excel_file_is_read_intact_and_rejected_with_reason(seeded_store):
    table = read_table(RU_EXCEL.read_bytes(), RU_EXCEL.name)
    d = table.detected
    assert (d.encoding, d.separator, d.decimal) == ("cp1251", ";", ",")
    assert table.frame["Название"].tolist() == ['Crash Bandicoot "PS4"', "Одни из нас™\nобновленная версия",
                                               "Орден 1886™"]
    assert normalise_numbers(table.frame["Цена"], d.decimal, d.thousands).tolist() == ["3.999", "2.199", "1.799"]
    p = prepare(RU_EXCEL.read_bytes(), RU_EXCEL.name, seeded_store)
    assert p.valid == 0
    messages = [x.message for x in p.problems]
    assert "required column 'published' is missing; the file's columns are: № (→ article_id), " \
           "Название (→ title), Цена" in messages


def test_wdi_wide_years_melt_into_statistics(seeded_store):
    p = prepare(WDI.read_bytes(), WDI.name, seeded_store, _preset("wdi_kaz_statistics"))
    assert p.detected.header_row == 5 and p.detected.bom
    frame = p.valid_frame
    assert p.ok and len(frame) == 28  # Kazakhstan has values for 1990-2017
    assert set(frame["metric"]) == {"wdi_ny_gdp_pcap_cd_kaz"} and frame["period"].min() == "1990"
    assert (frame.index == 124).all()  # every value comes from the file row of Kazakhstan


def test_wdi_without_mapping_says_what_it_is(seeded_store):
    p = prepare(WDI.read_bytes(), WDI.name, seeded_store)
    assert p.valid == 0
    assert any("World Bank WDI" in w.message for w in p.warnings + p.problems)


def test_comtrade_china_extract_is_rejected_with_its_partners(seeded_store):
    with pytest.raises(QazdashDataError) as info:
        prepare(COMTRADE.read_bytes(), COMTRADE.name, seeded_store, _preset("comtrade_china_kz"))
    message = info.value.message
    assert "reports trade of China with Angola, Brazil" in message
    assert "Kazakhstan is not among the partners" in message


def test_comtrade_values_read_with_thousands_separators():
    table = read_table(COMTRADE.read_bytes(), COMTRADE.name)
    assert (table.detected.decimal, table.detected.thousands) == (".", ",")
    value = normalise_numbers(table.frame["primaryValueFormated"].head(1), ".", ",").tolist()
    assert value == ["23837402142.0"]


def test_news_scrape_needs_a_reference_day(seeded_store):
    p = prepare(TENGRI.read_bytes(), TENGRI.name, seeded_store, _preset("tengrinews_articles"))
    relative = [x for x in p.problems if x.rule == "relative_date"]
    assert {x.value for x in relative} == {"Сегодня", "Вчера"}
    options = UploadOptions(kind="articles", mapping=PRESETS["tengrinews_articles"][1], reference_day=date(2025, 12, 1))
    p = prepare(TENGRI.read_bytes(), TENGRI.name, seeded_store, options)
    assert not [x for x in p.problems if x.rule == "relative_date"]
    frame = p.valid_frame
    assert frame.loc[2, "published"] == "2025-12-01"  # "Сегодня"
    assert "2025-11-30" in set(frame["published"])  # "Вчера"
    assert frame.loc[2, "article_id"] == "tengri-587153" and (frame["source"] == "Tengrinews").all()
    # rows whose date cell holds something else are rejected with the value shown
    assert all(x.rule == "date" and x.column == "published" for x in p.problems)
