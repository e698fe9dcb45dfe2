"""Exports are safe to open in Excel."""

import io

import pandas as pd
import pytest

from qazdash.exporting import defuse_formula, excel_safe_csv


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+7 701 000", "'+7 701 000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Aktau", "Aktau"),
        ("", ""),
        (4.5, 4.5),
    ],
)
def test_defuse_formula(cell, safe):
    assert defuse_formula(cell) == safe


def test_csv_keeps_numbers_and_cyrillic_and_defuses_text():
    frame = pd.DataFrame({"title": ["=cmd|' /C calc'!A0", "Актау"], "value": [-1.5, 2.0]})
    data = excel_safe_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 Cyrillic correctly
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["title"].tolist() == ["'=cmd|' /C calc'!A0", "Актау"]
    assert back["value"].tolist() == [-1.5, 2.0]
