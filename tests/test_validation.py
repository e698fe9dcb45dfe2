"""Each schema rule rejects a bad row with a message naming file, row, column, value and the rule."""

from __future__ import annotations

import pandas as pd
import pytest

from qazdash.datasets import read_text_table, validate_shipped
from qazdash.schema import SCHEMAS, get_schema
from qazdash.validation import split_list, validate


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
