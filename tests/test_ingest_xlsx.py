"""XLSX uploads (read with fastexcel): every cell becomes the text openpyxl's reader gave before."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pyarrow as pa
import pytest

from qazdash.errors import QazdashDataError
from qazdash.ingest.reading import ReadOptions, read_table

openpyxl = pytest.importorskip("openpyxl")


def workbook(rows: list[list], *, sheets: dict[str, list[list]] | None = None, cached: dict[str, str] | None = None,
             errors: dict[str, str] | None = None) -> bytes:
    """An .xlsx of ``rows`` (first sheet) and ``sheets``; ``cached`` gives formula cells a cached value (what
    Excel stores when it saves; openpyxl cannot write one), ``errors`` an error value such as ``#DIV/0!``."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for name, more in (sheets or {}).items():
        sheet = book.create_sheet(name)
        for row in more:
            sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for ref, value in (cached or {}).items():
                    start = data.index(f'<c r="{ref}">'.encode())
                    end = data.index(b"<v />", start)
                    data = data[:end] + f"<v>{value}</v>".encode() + data[end + 5:]
                for ref, value in (errors or {}).items():
                    start = data.index(f'<c r="{ref}">'.encode())
                    end = data.index(b"<v />", start)
                    data = (data[:start] + f'<c r="{ref}" t="e">'.encode() + data[start + len(f'<c r="{ref}">'):end]
                            + f"<v>{value}</v>".encode() + data[end + 5:])
            zout.writestr(item, data)
    return out.getvalue()


def test_cells_of_every_type_become_the_same_text():
    data = workbook([
        ["date", "datetime", "integral", "decimal", "flag", "empty", "formula", "text"],
        [dt.date(2025, 1, 2), dt.datetime(2025, 1, 2, 10, 30), 3.0, 43.65, True, None, "=2+3", "Астана"],
        [dt.datetime(2024, 12, 31), dt.datetime(2025, 1, 2, 10, 30, 5, 500000), 1234567890123.0, 676.8485398499744,
         False, None, "=2+3", " x "],
        [dt.date(2025, 3, 4), dt.time(7, 5), -2.0, 6.0398e-06, True, None, None, "1.50"],
    ], cached={"G2": "5", "G3": "5.25"})
    table = read_table(data, "cells.xlsx")
    assert table.detected.format == "xlsx" and table.detected.header_row == 1
    assert table.frame.loc[2].tolist() == ["2025-01-02", "2025-01-02 10:30:00", "3", "43.65", "True", "", "5", "Астана"]
    # every digit of a number (fastexcel's text would be Excel's 11-digit "General" display)
    assert table.frame.loc[3].tolist() == ["2024-12-31", "2025-01-02 10:30:05.500000", "1234567890123",
                                           "676.8485398499744", "False", "", "5.25", " x "]
    assert table.frame.loc[4].tolist() == ["2025-03-04", "07:05:00", "-2", "6.0398e-06", "True", "", "", "1.50"]


def test_frame_is_arrow_strings_like_the_csv_reader():
    table = read_table(workbook([["a", "b"], [1.5, "x"]]), "f.xlsx")
    csv = read_table(b"a,b\n1.5,x\n", "f.csv")
    assert table.frame.dtypes.tolist() == csv.frame.dtypes.tolist() == [pd.StringDtype("pyarrow")] * 2
    assert pa.types.is_large_string(table.frame["a"].array._pa_array.type)
    assert table.frame.index.tolist() == csv.frame.index.tolist() == [2]


def test_mixed_columns_keep_each_cells_text():
    data = workbook([
        ["value", "when", "flag"],
        [1.5, dt.date(2025, 1, 2), True],
        ["n/a", "unknown", "yes"],
        [676.8485398499744, "2025-01-02 00:00:00", "true"],  # text that looks like fastexcel's own rendering
        ["2.50", dt.datetime(2025, 1, 2, 8, 0), 3.0],
        [True, 4.25, None],
        [None, "=1/0", "=1/0"],
    ], errors={"B7": "#DIV/0!", "C7": "#N/A"})
    frame = read_table(data, "mixed.xlsx").frame
    assert frame["value"].tolist() == ["1.5", "n/a", "676.8485398499744", "2.50", "True", ""]
    assert frame["when"].tolist() == ["2025-01-02", "unknown", "2025-01-02 00:00:00", "2025-01-02 08:00:00", "4.25",
                                      "#DIV/0!"]
    assert frame["flag"].tolist() == ["True", "yes", "true", "3", "", "#N/A"]


def test_second_sheet_by_name_and_a_missing_sheet():
    data = workbook([["a"], [1]], sheets={"Данные": [["metric", "value"], ["gdp", 12.5]]})
    table = read_table(data, "two.xlsx", ReadOptions(sheet="Данные"))
    assert table.detected.sheet == "Данные"
    assert table.frame.to_dict("list") == {"metric": ["gdp"], "value": ["12.5"]}
    assert read_table(data, "two.xlsx").detected.sheet == "Sheet"
    with pytest.raises(QazdashDataError, match="no sheet 'Нет'; sheets: Sheet, Данные"):
        read_table(data, "two.xlsx", ReadOptions(sheet="Нет"))


def test_header_on_row_3_after_metadata_lines():
    data = workbook([
        ["Бюро национальной статистики"],
        ["Экспорт, млн долларов США"],
        ["Страна", "Год", "Значение"],
        ["Китай", 2024, 1234.5],
        ["Россия", 2024, 987.25],
    ])
    # the title lines are padded to the sheet's width, but fill only their first cell: not the header
    detected = read_table(data, "meta.xlsx")
    assert detected.detected.header_row == 3
    assert detected.frame.to_dict("list") == {"Страна": ["Китай", "Россия"], "Год": ["2024", "2024"],
                                              "Значение": ["1234.5", "987.25"]}
    table = read_table(data, "meta.xlsx", ReadOptions(header_row=3))  # and the analyst may say so
    assert table.detected.header_row == 3
    assert table.columns_original == ["Страна", "Год", "Значение"]
    assert table.frame.index.tolist() == [4, 5]  # the rows as Excel numbers them
    assert table.frame.loc[5].tolist() == ["Россия", "2024", "987.25"]


def test_ragged_rows_empty_column_a_and_trailing_empty_rows():
    book_rows = [
        [None, "a", "b", "c"],
        [None, "1", "2"],  # short: padded
        [None, "1", "2", "3", "extra"],  # longer than the header: the sheet is as wide as its widest row
        [None, "x"],
        [None, "   "],  # blank rows at the end are not data
        [],
    ]
    table = read_table(workbook(book_rows), "ragged.xlsx")
    assert table.columns_original == ["column_1", "a", "b", "c", "column_5"]
    assert table.frame.index.tolist() == [2, 3, 4]
    assert table.frame.loc[2].tolist() == ["", "1", "2", "", ""]
    assert table.frame.loc[3].tolist() == ["", "1", "2", "3", "extra"]
    assert table.frame.loc[4].tolist() == ["", "x", "", "", ""]


def test_decimal_comma_text_and_duplicate_header_names():
    table = read_table(workbook([["Цена", "Цена", "Код", None], ["1 234,5", "3,5", "x", None],
                                 ["2,25", "0,5", "y", "z"]]), "ru.xlsx")
    assert table.detected.decimal == "," and table.detected.thousands == " "
    assert table.columns_original == ["Цена", "Цена (2)", "Код", "column_4"]


def test_empty_sheet_and_damaged_workbook_are_unreadable():
    with pytest.raises(QazdashDataError, match="the sheet 'Sheet' is empty"):
        read_table(workbook([[None], ["  "]]), "empty.xlsx")
    good = workbook([["a"], [1]])
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, b"<worksheet><sheetData><row" if "worksheets" in item.filename else zin.read(item))
    with pytest.raises(QazdashDataError, match="damaged") as exc:
        read_table(broken.getvalue(), "broken.xlsx")
    assert exc.value.unreadable


def test_header_row_option_beyond_the_sheet():
    with pytest.raises(QazdashDataError, match="no row 9 to use as the header"):
        read_table(workbook([["a"], [1]]), "f.xlsx", ReadOptions(header_row=9))


def test_progress_is_reported_while_reading():
    seen = []
    read_table(workbook([["a"], [1]]), "f.xlsx", progress=lambda f, text: seen.append((f, text)))
    assert seen == [(0.05, "Reading the file"), (0.4, "File read")]
