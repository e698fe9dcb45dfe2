"""Reading what analysts really have: encodings, separators, decimals, header rows, quoted newlines, XLSX."""

from __future__ import annotations

import codecs
import io

import pytest

from qazdash.errors import QazdashDataError
from qazdash.ingest.pipeline import normalise_numbers
from qazdash.ingest.reading import ReadOptions, detect_decimal, read_table

TEXT = "Заголовок;Дата;Цена\nКазахстан — Китай;01.12.2025;3,5\nÄpfel café;02.12.2025;1 234,5\n"


@pytest.mark.parametrize(
    ("encoding", "raw", "expected"),
    [
        ("utf-8", TEXT.encode("utf-8"), "utf-8"),
        ("utf-8 with BOM", codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        ("utf-16 with BOM", TEXT.encode("utf-16"), "utf-16"),
        ("utf-16-le without BOM", TEXT.encode("utf-16-le"), "utf-16-le"),
        ("windows-1251", TEXT.replace("Äpfel café", "Яблоко").encode("cp1251"), "cp1251"),
    ],
)
def test_encodings_are_detected_and_text_survives(encoding, raw, expected):
    table = read_table(raw, "f.csv")
    assert table.detected.encoding == expected
    assert table.detected.separator == ";"
    assert table.frame.iloc[0, 0] == "Казахстан — Китай"
    assert list(table.frame.columns) == ["Заголовок", "Дата", "Цена"]


def test_latin1_is_read_as_latin1():
    raw = "name,city\nAqtöbe,Zürich\nMünchen,Kraków\n".replace("Kraków", "Köln").encode("latin-1")
    table = read_table(raw, "f.csv")
    assert table.detected.encoding in ("latin-1", "cp1252")
    assert table.frame.iloc[0, 0] == "Aqtöbe"


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separators(sep):
    raw = sep.join(["a", "b", "c"]) + "\n" + sep.join(["1", "x y", "3"]) + "\n"
    table = read_table(raw.encode(), "f.txt")
    assert table.detected.separator == sep
    assert table.frame.loc[2].tolist() == ["1", "x y", "3"]


def test_quoted_newline_and_doubled_quotes_stay_in_one_cell():
    raw = 'id;title\n1;"Crash ""PS4"""\n2;"line one\nline two"\n3;x\n'.encode("cp1251")
    table = read_table(raw, "f.csv")
    assert table.frame.loc[2, "title"] == 'Crash "PS4"'
    assert table.frame.loc[3, "title"] == "line one\nline two"
    assert table.frame.index.tolist() == [2, 3, 4]  # spreadsheet rows: one record = one row


def test_metadata_lines_above_header_shift_row_numbers():
    raw = b'"Data Source","WDI",\n\n"Last Updated","2018-10-18",\n\n"Country","Code","1960",\n"Aruba","ABW","1",\n'
    table = read_table(raw, "wdi.csv")
    assert table.detected.header_row == 5
    assert table.frame.index.tolist() == [6]
    assert table.frame.loc[6, "Country"] == "Aruba"


def test_header_row_can_be_overridden_and_no_header():
    raw = b"x,1,2\ny,3,4\n"
    table = read_table(raw, "f.csv", ReadOptions(header_row=0))
    assert list(table.frame.columns) == ["column_1", "column_2", "column_3"]
    assert table.frame.index.tolist() == [1, 2]


@pytest.mark.parametrize(
    ("cells", "sep", "expected"),
    [
        (["3,999", "2,199"], ";", (",", "")),
        (["23,837,402,142.0", "28,691.0"], ";", (".", ",")),
        (["1.234.567,5", "12,5"], ";", (",", ".")),
        (["1 234,5", "12 000"], ";", (",", " ")),
        (["1.5", "2.25"], ",", (".", "")),
        (["x", "y"], ",", (".", "")),
    ],
)
def test_decimal_detection(cells, sep, expected):
    assert detect_decimal(cells, sep) == expected


@pytest.mark.parametrize(
    ("values", "decimal", "thousands", "expected"),
    [
        (["3,999", "-2,5", "abc"], ",", "", ["3.999", "-2.5", "abc"]),
        (["23,837,402,142.0"], ".", ",", ["23837402142.0"]),
        (["1 234,5", "1\u00a0000"], ",", " ", ["1234.5", "1000"]),
        (["1.5"], ".", "", ["1.5"]),
        # every cell a number after the replacements (the shortcut) or not (the per-cell path): same rule
        (["3,5", "-2,25", "1e3", ",5", "", " 7,0 "], ",", "", ["3.5", "-2.25", "1e3", ".5", "", "7.0"]),
        (["3,5", "1,2,3", "+-1", "1.5e", "inf"], ",", "", ["3.5", "1,2,3", "+-1", "1.5e", "inf"]),
        (["1,234.5", "2"], ".", ",", ["1234.5", "2"]),
        (["1.5", "2e-3", "-.5"], ".", ",", ["1.5", "2e-3", "-.5"]),
        (["1.5", "1 5"], ".", ",", ["1.5", "15"]),
    ],
)
def test_number_normalisation(values, decimal, thousands, expected):
    import pandas as pd

    assert normalise_numbers(pd.Series(values, dtype="string"), decimal, thousands).tolist() == expected


def test_xlsx_is_read():
    openpyxl = pytest.importorskip("openpyxl")
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Широта", "Долгота", "Дата"])
    sheet.append([43.65, 51.15, dt.datetime(2025, 1, 2)])
    buf = io.BytesIO()
    book.save(buf)
    table = read_table(buf.getvalue(), "places.xlsx")
    assert table.detected.format == "xlsx"
    assert table.frame.loc[2].tolist() == ["43.65", "51.15", "2025-01-02"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
        (b"%PDF-1.4\n", "PDF"),
        (b"PK\x03\x04garbage", "damaged"),
        (b"a,b\n" + bytes([0, 1, 2, 3]) * 10, "NUL bytes"),
        (b'a,b\n1,"never closed\n2,3\n', "never closed"),
    ],
)
def test_unreadable_files_say_why(raw, message):
    with pytest.raises(QazdashDataError) as info:
        read_table(raw, "bad.csv")
    assert message in info.value.message
    assert getattr(info.value, "unreadable", False)


def test_ragged_rows_are_reported_with_their_line():
    table = read_table(b"a,b,c\n1,2,3\n4,5\n6,7,8\n", "r.csv")
    assert [p.rule for p in table.problems] == ["ragged"]
    assert table.problems[0].row == 3
    assert "2 cells" in table.problems[0].message
    assert len(table.frame) == 2


def test_repeated_header_names_are_kept_apart():
    table = read_table("Дата;Заголовок;Примечание;Примечание\n01.12.2025;Тест;a;b\n".encode(), "f.csv")
    assert table.detected.header_row == 1
    assert list(table.frame.columns) == ["Дата", "Заголовок", "Примечание", "Примечание (2)"]


def test_bytes_that_are_not_utf8_after_the_first_mebibyte_are_found():
    good = "id;название\n" + "".join(f"{i};Тест {i}\n" for i in range(1, 60_000))
    bad_line = "60000;Тест\n".encode("cp1251")
    raw = good.encode() + bad_line + "60001;Тест\n".encode()
    assert len(good.encode()) > 1 << 20
    with pytest.raises(QazdashDataError) as info:
        read_table(raw, "big.csv")
    at = len(good.encode()) + len(b"60000;")
    assert (f"the text before line 60001 is UTF-8, but line 60001 has bytes that are not UTF-8 "
            f"(0x{raw[at]:02X} at byte {at})") in info.value.message


@pytest.mark.parametrize("quoted", [False, True])
def test_a_file_with_or_without_quotes_reads_the_same_cells(quoted):
    rows = [["1", "Aktau", "43.65"], ["2", "Baku port", "40.35"], ["3", "", "41.0"]]
    text = "id,name,lat\n" + "".join(
        ",".join(f'"{c}"' if quoted and c else c for c in row) + "\n" for row in rows)
    table = read_table(text.encode(), "f.csv")
    assert table.frame.to_numpy().tolist() == rows
    assert table.frame.index.tolist() == [2, 3, 4]


def test_title_lines_padded_with_separators_are_not_the_header():
    """Excel writes a title row of a sheet as 'Title;;;;' in CSV: it is metadata, not the header."""
    text = ("Экспорт из системы мониторинга СМИ;;;\n"
            "Дата выгрузки: 01.12.2025;;;\n"
            ";;;\n"
            "Дата;Заголовок;Источник;Ссылка\n"
            "01.12.2025;Паром Курык — Алят;Тест;https://example.org/1\n"
            "02.12.2025;Второй;Тест;https://example.org/2\n").encode()
    table = read_table(text, "padded.csv")
    assert table.detected.header_row == 4
    assert list(table.frame.columns) == ["Дата", "Заголовок", "Источник", "Ссылка"]
    assert table.frame.index.tolist() == [5, 6]
