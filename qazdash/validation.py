"""Turn raw text tables into typed frames and report every broken rule of the schema.

``validate(raw, schema, file_name=..., references=...)`` takes a frame of strings (as read from a
file; its index is the file's line number) and returns a ``ValidationResult``: the typed frame of
valid rows, the problems (file, row, column, value, rule, message) and the row counts. The value
rules (required, allowed values, ranges, patterns, uniqueness) run through pandera; parsing of
types and references between datasets are ours, because pandera does not see other tables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc
from pandera.errors import SchemaErrors

from qazdash.errors import Problem
from qazdash.schema import DatasetSchema, Field

LIST_SEPARATOR = ";"
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PERIOD = re.compile(r"^\d{4}(-\d{2})?$")


@dataclass
class ValidationResult:
    kind: str
    file_name: str
    frame: pd.DataFrame  # valid rows only, typed
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def invalid_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.row is not None}

    @property
    def valid(self) -> int:
        return len(self.frame)

    @property
    def invalid(self) -> int:
        return self.rows - self.valid

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "file": self.file_name,
            "rows": self.rows,
            "valid": self.valid,
            "invalid": self.invalid,
            "problems": [p.as_dict() for p in self.problems],
        }


def split_list(value: object) -> list[str]:
    """``'a; b;;c'`` → ``['a', 'b', 'c']``; empty for missing values."""
    if not isinstance(value, str):
        return []
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


@lru_cache(maxsize=65536)  # dates repeat: a million rows hold a few thousand distinct values
def _valid_partial_date(text: str) -> bool:
    if not _PARTIAL_DATE.match(text):
        return False
    fmt = {4: "%Y", 7: "%Y-%m", 10: "%Y-%m-%d"}[len(text)]
    return not pd.isna(pd.to_datetime(text, format=fmt, errors="coerce"))


def _valid_period(text: str) -> bool:
    return bool(_PERIOD.match(text)) and _valid_partial_date(text)


def _rule_text(f: Field) -> list[tuple[str, str, pandera.Check]]:
    """(rule id, message, pandera check) for each value rule of a field, in check order."""
    rules: list[tuple[str, str, pandera.Check]] = []
    if f.allowed is not None:
        rules.append(("allowed", f"expected one of: {', '.join(f.allowed)}", pandera.Check.isin(list(f.allowed))))
    if f.min is not None or f.max is not None:
        lo, hi = f.min, f.max
        if lo is not None and hi is not None:
            msg = f"expected a number from {lo:g} to {hi:g}"
            check = pandera.Check.in_range(lo, hi)
        elif f.min_exclusive:
            msg = f"expected a number greater than {lo:g}"
            check = pandera.Check.gt(lo)
        elif lo is not None:
            msg = f"expected a number of at least {lo:g}"
            check = pandera.Check.ge(lo)
        else:
            msg = f"expected a number of at most {hi:g}"
            check = pandera.Check.le(hi)
        rules.append(("range", msg, check))
    if f.pattern is not None:
        rules.append(("pattern", f"expected {f.pattern_hint or 'text matching ' + f.pattern}",
                      pandera.Check.str_matches(f.pattern)))
    return rules


def _pandera_schema(schema: DatasetSchema, present: list[str]) -> tuple[pandera.DataFrameSchema, dict]:
    columns = {}
    messages: dict[tuple[str, int | str], tuple[str, str]] = {}
    for f in schema.fields:
        if f.name not in present:
            continue
        rules = _rule_text(f)
        for i, (rule, msg, _) in enumerate(rules):
            messages[(f.name, i)] = (rule, msg)
        columns[f.name] = pandera.Column(
            checks=[check for _, _, check in rules],
            nullable=not f.required,
            unique=f.unique,
            required=False,
            coerce=False,
        )
    return pandera.DataFrameSchema(columns), messages


# -- columns as Arrow arrays --------------------------------------------------------------------
# Text stays in Arrow (pyarrow.compute) from the reader to the Parquet snapshot: turning a million cells
# into Python strings per column was most of the time and memory of a large upload.

TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' ``str``: what ``Store.read`` returns
_NA_TEXT = pd.StringDtype("pyarrow")  # what the checks used to parse numbers and dates from
_NULL_TEXT = pa.scalar(None, pa.string())
# Numbers the Arrow cast reads exactly as ``pd.to_numeric`` does (at most 15 digits, no exponent: both
# round them correctly); anything else goes through ``pd.to_numeric``.
_PARALLEL_ROWS = 100_000  # from this many rows, columns are checked two at a time
_PLAIN_NUMBER = r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$"


def arrow_text(col: pd.Series) -> pa.ChunkedArray:
    """The cells of ``col`` as an Arrow string array (no copy when the column is Arrow-backed already)."""
    s = col if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow" else col.astype("string")
    arr = s.array
    data = getattr(arr, "_pa_array", None)
    if data is None:  # pragma: no cover - other string storages
        data = pa.chunked_array([pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string())])
    return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])


def _to_series(data: pa.ChunkedArray, index: pd.Index, dtype: pd.StringDtype = TEXT_DTYPE) -> pd.Series:
    """An Arrow string array as a pandas ``str`` column (missing = NaN), without copying the text."""
    return pd.Series(pd.arrays.ArrowStringArray(data, dtype=dtype), index=index, copy=False)


def _mask(data: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """A boolean Arrow result as a numpy mask (null → False)."""
    return pc.fill_null(data, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _object_text(s: pd.Series) -> pd.Series:
    """A ``str`` column as Python objects with ``None`` for missing (what the value checks see)."""
    return s.astype(object).where(s.notna(), None)


def _parse_float(text: pa.ChunkedArray, present: np.ndarray) -> np.ndarray:
    """``pd.to_numeric(text, errors="coerce")`` as float64; the Arrow cast reads the plain numbers."""
    plain = _mask(pc.and_(pc.match_substring_regex(text, _PLAIN_NUMBER), pc.less_equal(pc.utf8_length(text), 15)))
    try:
        values = pc.cast(pc.if_else(pa.array(plain), text, _NULL_TEXT), pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # pragma: no cover - defensive
        plain = np.zeros(len(text), dtype=bool)
        values = np.full(len(text), np.nan)
    values = np.array(values, dtype="float64")
    rest = present & ~plain
    if rest.any():
        others = _to_series(text, pd.RangeIndex(len(text)), _NA_TEXT)[rest]
        values[rest] = pd.to_numeric(others, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
    return values


def map_columns(work: Callable, fields: list, rows: int) -> list:
    """``[work(f) for f in fields]``; on large frames two columns at a time (Arrow kernels release the GIL)."""
    if rows < _PARALLEL_ROWS or len(fields) < 2:
        return [work(f) for f in fields]
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        return list(pool.map(work, fields))  # results in field order, as the loop would give them


def _check_columns(raw: pd.DataFrame, schema: DatasetSchema, file_name: str
                   ) -> tuple[pd.DataFrame, list[Problem], np.ndarray]:
    """``_coerce`` and ``_suspects`` column by column: typed frame, type problems, suspect rows."""
    fields = [f for f in schema.fields if f.name in raw.columns]

    def work(f: Field) -> tuple[pd.Series, list[Problem], np.ndarray]:
        values, problems = _coerce_column(raw, f, file_name)
        return values, problems, _suspect_column(values, f)

    results = map_columns(work, fields, len(raw))
    typed = pd.DataFrame({f.name: values for f, (values, _, _) in zip(fields, results, strict=True)},
                         index=raw.index)
    suspect = np.zeros(len(raw), dtype=bool)
    for _, _, mask in results:
        suspect |= mask
    return typed, [p for _, problems, _ in results for p in problems], suspect


def _coerce(raw: pd.DataFrame, schema: DatasetSchema, file_name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed copy of ``raw`` (empty cells → missing) and a problem for each cell of the wrong type."""
    typed, problems, _ = _check_columns(raw, schema, file_name)
    return typed, problems


def _coerce_column(raw: pd.DataFrame, f: Field, file_name: str) -> tuple[pd.Series, list[Problem]]:
    """One column of ``_coerce``."""
    problems: list[Problem] = []
    trimmed = pc.utf8_trim_whitespace(arrow_text(raw[f.name]))  # as pandas' .str.strip() on Arrow text
    empty = pc.equal(trimmed, "")
    arrow = pc.if_else(empty, _NULL_TEXT, trimmed) if pc.any(empty).as_py() else trimmed
    present = _mask(pc.is_valid(arrow)) if arrow.null_count else np.ones(len(arrow), dtype=bool)
    if f.dtype == "float":
        numbers = _parse_float(arrow, present)
        bad = present & np.isnan(numbers)
        values = pd.Series(numbers, index=raw.index, dtype="float64")
        expected = "a number (use '.' for decimals)"
    elif f.dtype == "int":
        text = _to_series(arrow, raw.index, _NA_TEXT)  # as before: masked results, pd.NA
        values = pd.to_numeric(text, errors="coerce")
        bad_s = pd.Series(present, index=raw.index) & values.isna()
        whole = values.dropna() == values.dropna().round()
        bad_s |= pd.Series(present, index=raw.index) & ~whole.reindex(values.index, fill_value=True)
        values = values.where(~bad_s).astype("Int64")
        bad = bad_s.to_numpy(dtype=bool)
        expected = "a whole number"
    elif f.dtype == "date":
        values = pd.to_datetime(_to_series(arrow, raw.index, _NA_TEXT), format="%Y-%m-%d", errors="coerce")
        bad = present & values.isna().to_numpy()
        expected = "a date as YYYY-MM-DD"
    elif f.dtype in ("partial_date", "period"):
        # few distinct values even in a large file: check each once, then look the cells up
        check = _valid_partial_date if f.dtype == "partial_date" else _valid_period
        distinct = pc.drop_null(pc.unique(arrow)).to_pylist()
        good = pa.array([v for v in distinct if check(v)], type=pa.string())
        bad = present & ~_mask(pc.is_in(arrow, value_set=good))
        values = _to_series(pc.if_else(pa.array(bad), _NULL_TEXT, arrow) if bad.any() else arrow, raw.index)
        expected = ("a date as YYYY-MM-DD (or YYYY-MM / YYYY where only that is known)"
                    if f.dtype == "partial_date" else "a period as YYYY or YYYY-MM")
    else:
        values = _to_series(arrow, raw.index)
        bad = np.zeros(len(raw), dtype=bool)
        expected = ""
    for idx in raw.index[bad]:
        value = str(raw.at[idx, f.name])
        problems.append(Problem(file_name, int(idx), f.name, value, "type", f"expected {expected}"))
    return values, problems


def _suspects(typed: pd.DataFrame, schema: DatasetSchema) -> np.ndarray:
    """Rows that may break a value rule (a cheap vectorised superset); pandera checks only these.

    Every rule but uniqueness looks at one cell, and a duplicated value brings all its copies, so
    pandera's failure cases on these rows are exactly its failure cases on the whole frame.
    """
    suspect = np.zeros(len(typed), dtype=bool)
    for f in schema.fields:
        if f.name in typed.columns:
            suspect |= _suspect_column(typed[f.name], f)
    return suspect


def _suspect_column(col: pd.Series, f: Field) -> np.ndarray:
    """One column of ``_suspects``."""
    suspect = np.zeros(len(col), dtype=bool)
    null = col.isna().to_numpy()
    if f.required:
        suspect |= null
    if f.unique:
        suspect |= _duplicated(col)
    if f.allowed is not None:
        suspect |= ~null & ~col.isin(list(f.allowed)).to_numpy()
    if f.min is not None or f.max is not None:
        num = col.to_numpy(dtype="float64", na_value=np.nan)
        ok = np.ones(len(num), dtype=bool)
        with np.errstate(invalid="ignore"):
            if f.min is not None and f.max is not None:
                ok = (num >= f.min) & (num <= f.max)
            elif f.min_exclusive:
                ok = num > f.min
            elif f.min is not None:
                ok = num >= f.min
            else:
                ok = num <= f.max
        suspect |= ~null & ~ok
    if f.pattern is not None:
        suspect |= ~null & ~_maybe_matches(col, f.pattern)
    return suspect


def _duplicated(col: pd.Series) -> np.ndarray:
    """Every copy of a repeated value (missing values count as one value), as a mask."""
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        data = arrow_text(col)
        if len(pc.unique(data)) == len(data):  # (missing counts as one value; faster than count_distinct)
            return np.zeros(len(col), dtype=bool)
    return col.duplicated(keep=False).to_numpy()


def _maybe_matches(col: pd.Series, pattern: str) -> np.ndarray:
    """True where ``pattern`` surely matches (RE2 on ASCII text agrees with Python's ``re.match``)."""
    if not (isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow"):
        return np.zeros(len(col), dtype=bool)
    data = arrow_text(col)
    try:
        matched = pc.match_substring_regex(data, f"^(?:{pattern})")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a pattern RE2 cannot run
        return np.zeros(len(col), dtype=bool)
    return _mask(pc.and_(matched, pc.string_is_ascii(data)))


def _reference_problems(
    frame: pd.DataFrame, schema: DatasetSchema, file_name: str, references: Mapping[str, pd.DataFrame]
) -> list[Problem]:
    problems: list[Problem] = []
    for f in schema.fields:
        if f.references is None or f.name not in frame.columns:
            continue
        kind, column = f.references
        if kind == schema.kind and kind not in references:
            known = set(frame[column].dropna())
        elif kind in references:
            known = set(references[kind][column].dropna())
        else:
            continue
        values = frame[f.name].dropna()
        unknown: dict[object, str] = {}  # each distinct value checked once, then the rows that hold one
        for value in values.unique():
            items = split_list(value) if f.dtype == "list" else [value]
            missing = [item for item in items if item not in known]
            if missing:
                unknown[value] = ", ".join(map(repr, missing))
        if not unknown:
            continue
        for idx, value in values[values.isin(list(unknown))].items():
            problems.append(Problem(file_name, int(idx), f.name, str(value), "reference",
                                    f"unknown {kind} id {unknown[value]}: not in the current {kind}"))
    return problems


def validate(
    raw: pd.DataFrame,
    schema: DatasetSchema,
    *,
    file_name: str,
    references: Mapping[str, pd.DataFrame] | None = None,
) -> ValidationResult:
    """Check ``raw`` (strings; index = line number in the file) against ``schema``.

    A missing required column is one problem for the whole file; then every cell is checked and
    each broken rule becomes one ``Problem``. The result's frame holds the rows without problems.
    """
    problems: list[Problem] = []
    missing = [c for c in schema.required_columns if c not in raw.columns]
    for column in missing:
        has = ", ".join(map(str, raw.columns))
        problems.append(Problem(file_name, None, column, None, "missing_column",
                                f"required column '{column}' is missing; the file has: {has}"))
    if missing:
        return ValidationResult(schema.kind, file_name, raw.iloc[0:0], problems, rows=len(raw))

    typed, type_problems, suspects = _check_columns(raw, schema, file_name)
    problems += type_problems

    pandera_schema, messages = _pandera_schema(schema, list(typed.columns))
    checked = typed[suspects]
    for name in checked.columns:  # pandera sees text as Python strings, as it always did (re.match semantics)
        if isinstance(checked[name].dtype, pd.StringDtype):
            checked[name] = _object_text(checked[name])
    type_cells = {(p.row, p.column) for p in type_problems}
    first_seen: dict[str, dict] = {}
    try:
        if len(checked):
            pandera_schema.validate(checked, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        for case in cases.itertuples(index=False):
            column, check, idx = case.column, str(case.check), case.index
            if idx is None or pd.isna(idx):
                continue
            idx = int(idx)
            if check == "not_nullable":
                if (idx, column) in type_cells:
                    continue  # already reported as unreadable
                rule, msg = "required", "a value is required here"
                value = str(raw.at[idx, column]) if column in raw.columns else ""
            elif check == "field_uniqueness":
                if column not in first_seen:  # every copy of a repeated value is among the checked rows
                    repeated = checked[column].dropna()
                    first_seen[column] = dict(zip(repeated.to_numpy()[::-1], repeated.index[::-1], strict=True))
                first = first_seen[column][checked.at[idx, column]]
                rule, msg = "unique", f"duplicate value: '{column}' must be unique (first seen on row {first})"
                value = str(case.failure_case)
            else:
                number = case.check_number
                rule, msg = messages.get((column, int(number)) if number is not None else (column, -1), ("rule", check))
                value = str(case.failure_case)
            if rule == "unique" and typed.index.get_loc(idx) == typed.index.get_loc(first):
                continue
            if column in raw.columns and idx in raw.index:
                value = str(raw.at[idx, column])
            problems.append(Problem(file_name, idx, column, value, rule, msg))

    if schema.unique_together:
        key = list(schema.unique_together)
        dup = typed.duplicated(subset=key, keep="first") & typed[key].notna().all(axis=1)
        for idx in dup[dup].index:
            value = ", ".join(str(typed.at[idx, c]) for c in key)
            problems.append(Problem(file_name, int(idx), "+".join(key), value, "unique",
                                    f"duplicate key: ({', '.join(key)}) must be unique together"))

    problems += _reference_problems(typed, schema, file_name, references or {})
    problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column or ""))
    bad_rows = {p.row for p in problems if p.row is not None}
    valid = typed[~typed.index.isin(bad_rows)]
    return ValidationResult(schema.kind, file_name, valid, problems, rows=len(raw))
