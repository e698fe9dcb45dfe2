"""Each schema rule rejects a bad row with a message naming file, row, column, value and the rule."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from qazdash.datasets import read_text_table, validate_shipped
from qazdash.schema import SCHEMAS, get_schema
from qazdash.validation import (
    TEXT_DTYPE,
    _duplicated,
    _maybe_matches,
    any_first_byte,
    arrow_text,
    check_column,
    contains_bytes,
    first_bytes,
    float_cast,
    replace_byte,
    split_list,
    trim_text,
    validate,
)


def test_shipped_data_is_valid():
    results = validate_shipped()
    assert {k: r.problems for k, r in results.items()} == {k: [] for k in results}
    assert {k: r.rows for k, r in results.items()} == {
        "corridors": 6, "nodes": 72, "segments": 95, "articles": 189, "statistics": 259,
    }


def _one_row(kind: str) -> pd.DataFrame:
    """The first shipped row of ``kind`` as text, at spreadsheet row 2."""
    schema = get_schema(kind)
    return read_text_table(__import__("qazdash.config").config.data_dir() / schema.file_name).head(1).copy()


# (kind, column, bad value, rule, words the message must contain)
BAD_CELLS = [
    ("nodes", "lat", "91", "range", "from -90 to 90"),
    ("nodes", "lat", "-90.5", "range", "from -90 to 90"),
    ("nodes", "lon", "180.01", "range", "from -180 to 180"),
    ("nodes", "lon", "43°15'N", "type", "a number"),
    ("nodes", "kind", "airport", "allowed", "one of: seaport"),
    ("nodes", "node_id", "Almaty City", "pattern", "snake_case"),
    ("nodes", "country_iso3", "KZ", "pattern", "alpha-3"),
    ("nodes", "locode", "KZ-ALA", "pattern", "UN/LOCODE"),
    ("nodes", "name_en", "", "required", "required"),
    ("segments", "mode", "bus", "allowed", "rail, sea, ferry, road"),
    ("segments", "distance_km", "0", "range", "greater than 0"),
    ("segments", "distance_km", "-12", "range", "greater than 0"),
    ("segments", "typical_transit_days", "1,5", "type", "a number"),
    ("segments", "seq", "2.5", "type", "whole number"),
    ("segments", "seq", "0", "range", "at least 1"),
    ("articles", "published", "10.11.2022", "type", "YYYY-MM-DD"),
    ("articles", "published", "2022-02-30", "type", "YYYY-MM-DD"),
    ("articles", "url", "javascript:alert(1)", "pattern", "http"),
    ("articles", "url", "https://example.org/a\x0bb", "pattern", "http"),  # Python's \S: no vertical tab
    ("articles", "url", "https://", "pattern", "http"),
    ("articles", "article_id", "a-\u0661", "pattern", "letters, digits"),
    ("articles", "topic", "gossip", "allowed", "one of: investment"),
    ("articles", "language", "english", "pattern", "two-letter"),
    ("articles", "title", "", "required", "required"),
    ("statistics", "period", "2024-Q1", "type", "YYYY or YYYY-MM"),
    ("statistics", "value", "about 4", "type", "a number"),
    ("statistics", "value_type", "guess", "allowed", "one of: actual"),
    ("statistics", "qualifier", "roughly", "allowed", "at_least, approximate"),
    ("corridors", "color_hex", "red", "pattern", "#1f77b4"),
]


@pytest.mark.parametrize(("kind", "column", "value", "rule", "words"), BAD_CELLS)
def test_bad_cell_is_rejected_with_a_precise_message(kind, column, value, rule, words, shipped):
    raw = _one_row(kind)
    raw.loc[2, column] = value
    result = validate(raw, SCHEMAS[kind], file_name=f"upload_{kind}.csv", references=shipped)
    assert result.valid == 0 and result.invalid == 1
    [problem] = [p for p in result.problems if p.column == column]
    assert (problem.file, problem.row, problem.column, problem.value, problem.rule) == (
        f"upload_{kind}.csv", 2, column, value, rule)
    assert words in problem.message
    text = str(problem)
    assert f"upload_{kind}.csv" in text and "row 2" in text and column in text


def test_missing_required_column_is_one_problem_for_the_file():
    raw = _one_row("nodes").drop(columns=["kind"])
    result = validate(raw, SCHEMAS["nodes"], file_name="places.csv")
    [problem] = result.problems
    assert (problem.row, problem.column, problem.rule) == (None, "kind", "missing_column")
    assert "required column 'kind' is missing" in problem.message
    assert result.valid == 0


def test_duplicate_id_names_the_first_row():
    raw = read_text_table(__import__("qazdash.config").config.data_dir() / "nodes.csv").head(3).copy()
    raw.loc[4, "node_id"] = raw.loc[2, "node_id"]
    result = validate(raw, SCHEMAS["nodes"], file_name="places.csv")
    [problem] = result.problems
    assert (problem.row, problem.column, problem.rule) == (4, "node_id", "unique")
    assert "first seen on row 2" in problem.message
    assert result.valid == 2


def test_duplicate_leg_key_is_rejected():
    raw = read_text_table(__import__("qazdash.config").config.data_dir() / "segments.csv").head(2).copy()
    raw.loc[3, "seq"] = raw.loc[2, "seq"]
    result = validate(raw, SCHEMAS["segments"], file_name="legs.csv")
    assert [(p.row, p.rule) for p in result.problems] == [(3, "unique")]


@pytest.mark.parametrize(
    ("kind", "column", "value", "missing"),
    [
        ("segments", "from_node", "kz_atlantis", "'kz_atlantis'"),
        ("segments", "corridor_id", "arctic_route", "'arctic_route'"),
        ("articles", "corridors", "titr_middle_corridor;moon_route", "'moon_route'"),
    ],
)
def test_references_must_exist(kind, column, value, missing, shipped):
    raw = _one_row(kind)
    raw.loc[2, column] = value
    result = validate(raw, SCHEMAS[kind], file_name="x.csv", references=shipped)
    [problem] = result.problems
    assert problem.rule == "reference" and missing in problem.message and problem.value == value


def test_valid_rows_are_typed():
    raw = _one_row("nodes")
    frame = validate(raw, SCHEMAS["nodes"], file_name="n.csv").frame
    assert frame["lat"].dtype == "float64" and frame.loc[2, "lat"] == pytest.approx(43.2525)
    seg = validate(_one_row("segments"), SCHEMAS["segments"], file_name="s.csv").frame
    assert str(seg["seq"].dtype) == "Int64"


@pytest.mark.parametrize(("text", "items"), [("a;b", ["a", "b"]), (" a ; ;b ", ["a", "b"]), ("", []), (None, [])])
def test_split_list(text, items):
    assert split_list(text) == items


# -- the byte-level shortcuts agree with the per-cell paths they replace -------------------------

CELL_SETS = {
    "plain": ["a-1", "b", "xyz", "0.5"],
    "empty cells": ["", "a", "", "b", ""],
    "all empty": ["", ""],
    "missing": [None, "a", None],
    "spaces": [" a", "b ", "c"],
    "inner space": ["a b", "c"],
    "tab and nbsp": ["\ta", "b\u00a0", "\u3000c"],
    "vertical tab inside": ["a\x0bb"],
    "cyrillic": ["Тест", "Қазақ "],
    "newline": ["a\n", "b"],
    "nothing": [],
}


def _chunked(cells: list, split: int | None = None, offset: int = 0) -> pa.ChunkedArray:
    """``cells`` as Arrow text, optionally in two chunks and as a slice of a longer array."""
    arr = pa.array(["  pad ", "<=x"] * offset + cells, type=pa.large_string()).slice(2 * offset)
    if split is None:
        return pa.chunked_array([arr], type=pa.large_string())
    return pa.chunked_array([arr.slice(0, split), arr.slice(split)], type=pa.large_string())


LAYOUTS = [{}, {"split": 1}, {"offset": 1}, {"split": 2, "offset": 2}]


@pytest.mark.parametrize("layout", LAYOUTS, ids=str)
@pytest.mark.parametrize("name", CELL_SETS)
def test_trim_text_is_utf8_trim_whitespace(name, layout):
    data = _chunked(CELL_SETS[name], **layout)
    assert trim_text(data).to_pylist() == pc.utf8_trim_whitespace(data).to_pylist()
    if name in ("plain", "empty cells", "all empty", "missing", "inner space", "nothing"):
        assert trim_text(data) is data  # nothing to trim: no new array


@pytest.mark.parametrize("layout", LAYOUTS, ids=str)
@pytest.mark.parametrize("name", CELL_SETS)
def test_byte_scans_see_exactly_the_cells(name, layout):
    cells = CELL_SETS[name]
    data = _chunked(cells, **layout)
    texts = [c for c in cells if c is not None]
    for needle in ("<", "=", " ", "\u00a0", "-", "Т", "\x0b"):
        assert contains_bytes(data, needle.encode()) == any(needle in c for c in texts)
    assert contains_bytes(data, b"javascript:", ascii_case=True) == any("javascript:" in c.lower() for c in texts)
    assert first_bytes(data).tolist() == [c.encode()[0] if c else 0 for c in cells]
    table = np.zeros(256, dtype=bool)
    table[[*b" <\t", 0xC2, 0xE3, 0xD0]] = True
    exact = any(c and table[c.encode()[0]] for c in texts)
    assert any_first_byte(data, table) or not exact  # a quick look: never False when a cell starts so
    assert any_first_byte(data, np.zeros(256, dtype=bool)) is False
    assert replace_byte(data, b"a", b"A").to_pylist() == pc.replace_substring(data, "a", "A").to_pylist()


def test_contains_bytes_in_any_ascii_case():
    data = _chunked(["x", "JavaScript:alert(1)"], split=1)
    assert contains_bytes(data, b"javascript:", ascii_case=True)
    assert not contains_bytes(data, b"javascript:")


@pytest.mark.parametrize(
    ("cells", "exponent", "parsed"),
    [
        (["1", "2.5", "-3", ".5", "4.", "+6", None, ""], False, [1.0, 2.5, -3.0, 0.5, 4.0, 6.0, None, None]),
        (["1", "1.2.3"], False, None),  # not a number: None, the caller takes the per-cell path
        (["1", "-"], False, None),
        (["1", "1e5"], False, None),  # no exponent wanted
        (["1", "1e5", "-2.5E-1"], True, [1.0, 100000.0, -0.25]),
        (["1", "1e400"], True, None),  # a number, but not a finite one
        (["1", "inf"], True, None),
        (["NaN"], True, None),
        (["1", " 2"], True, None),
        ([None, ""], True, [None, None]),
        ([], True, []),
    ],
)
def test_float_cast_parses_only_when_every_cell_is_a_number(cells, exponent, parsed):
    out = float_cast(_chunked(cells, split=1 if len(cells) > 1 else None), exponent=exponent)
    assert (out.to_pylist() if out is not None else None) == parsed


PATTERNS = sorted({f.pattern for schema in SCHEMAS.values() for f in schema.fields if f.pattern})
PATTERN_CELLS = [
    "a", "ab", "abc", "a-1", "a_b", "a.b:c-d", "kz_aktau_port", "kz_", "KAZ", "KZAAU", "KZAA", "kz", "en", "eng",
    "#1f77b4", "#1F77B4", "#1f77b", "titr_cargo_volume", "Bad-Metric", "a b", "a\tb", "a\x0bb", "a\x1cb", "ид",
    "a\u0661", "https://example.org/x", "http://a", "https://", "http://", "HTTPS://x", "https://x y",
    "https://ä.org", "ftp://x", "https://a\x0bb", "https://a\x85b", "javascript:alert(1)", "https://x\n",
    "https://a<b>", "x" * 300,
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_patterns_surely_match_only_where_python_matches(pattern):
    cells = [*PATTERN_CELLS, None]
    col = pd.Series(pd.arrays.ArrowStringArray(_chunked(cells, split=7)), dtype=TEXT_DTYPE)
    sure = _maybe_matches(col, pattern)
    python = [c is not None and re.match(pattern, c) is not None for c in cells]
    assert [c for c, s, p in zip(cells, sure, python, strict=True) if s and not p] == []  # never wrongly sure
    # a column of matching printable ASCII cells is sure without pandera (other text is left to pandera)
    clean = [c for c, p in zip(cells, python, strict=True) if p and c.isascii() and c.isprintable()]
    assert _maybe_matches(pd.Series(clean, dtype=TEXT_DTYPE), pattern).all(), clean


@pytest.mark.parametrize(
    "cells",
    [["a", "b", "c"], ["a", "c", "b"], ["a", "b", "b"], ["b", "a", "a"], ["a", None, "b"], [None, None],
     ["x"], [], ["a", "b", "a"]],
)
def test_duplicated_marks_every_copy(cells):
    col = pd.Series(cells, dtype=TEXT_DTYPE)
    assert _duplicated(col).tolist() == col.duplicated(keep=False).tolist()


@pytest.mark.parametrize(
    "cells",
    [["1.5", "2", "", None], ["1e5", "2"], ["1234567890123456", "1"], ["+1", "-.5", "x"], ["1", " 2"]],
)
def test_check_column_gives_the_same_with_floats_already_parsed(cells):
    field = get_schema("statistics").field("value")
    col = pd.Series(cells, dtype=pd.StringDtype("pyarrow"), index=range(2, 2 + len(cells)))
    known = float_cast(arrow_text(col))
    plain, reused = check_column(col, field, "x.csv"), check_column(col, field, "x.csv", floats=known)
    assert plain[0].equals(reused[0]) and plain[1] == reused[1] and (plain[2] == reused[2]).all()
