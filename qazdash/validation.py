"""Turn raw text tables into typed frames and report every broken rule of the schema.

``validate(raw, schema, file_name=..., references=...)`` takes a frame of strings (as read from a
file; its index is the file's line number) and returns a ``ValidationResult``: the typed frame of
valid rows, the problems (file, row, column, value, rule, message) and the row counts. The value
rules (required, allowed values, ranges, patterns, uniqueness) run through pandera; parsing of
types and references between datasets are ours, because pandera does not see other tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd
import pandera.pandas as pa
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


def _rule_text(f: Field) -> list[tuple[str, str, pa.Check]]:
    """(rule id, message, pandera check) for each value rule of a field, in check order."""
    rules: list[tuple[str, str, pa.Check]] = []
    if f.allowed is not None:
        rules.append(("allowed", f"expected one of: {', '.join(f.allowed)}", pa.Check.isin(list(f.allowed))))
    if f.min is not None or f.max is not None:
        lo, hi = f.min, f.max
        if lo is not None and hi is not None:
            msg = f"expected a number from {lo:g} to {hi:g}"
            check = pa.Check.in_range(lo, hi)
        elif f.min_exclusive:
            msg = f"expected a number greater than {lo:g}"
            check = pa.Check.gt(lo)
        elif lo is not None:
            msg = f"expected a number of at least {lo:g}"
            check = pa.Check.ge(lo)
        else:
            msg = f"expected a number of at most {hi:g}"
            check = pa.Check.le(hi)
        rules.append(("range", msg, check))
    if f.pattern is not None:
        rules.append(("pattern", f"expected {f.pattern_hint or 'text matching ' + f.pattern}",
                      pa.Check.str_matches(f.pattern)))
    return rules


def _pandera_schema(schema: DatasetSchema, present: list[str]) -> tuple[pa.DataFrameSchema, dict]:
    columns = {}
    messages: dict[tuple[str, int | str], tuple[str, str]] = {}
    for f in schema.fields:
        if f.name not in present:
            continue
        rules = _rule_text(f)
        for i, (rule, msg, _) in enumerate(rules):
            messages[(f.name, i)] = (rule, msg)
        columns[f.name] = pa.Column(
            checks=[check for _, _, check in rules],
            nullable=not f.required,
            unique=f.unique,
            required=False,
            coerce=False,
        )
    return pa.DataFrameSchema(columns), messages


def _coerce(raw: pd.DataFrame, schema: DatasetSchema, file_name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed copy of ``raw`` (empty cells → missing) and a problem for each cell of the wrong type."""
    problems: list[Problem] = []
    typed: dict[str, pd.Series] = {}
    for f in schema.fields:
        if f.name not in raw.columns:
            continue
        text = raw[f.name].astype("string").str.strip()
        text = text.mask(text == "")
        present = text.notna()
        if f.dtype in ("int", "float"):
            values = pd.to_numeric(text, errors="coerce")
            bad = present & values.isna()
            if f.dtype == "int":
                whole = values.dropna() == values.dropna().round()
                bad |= present & ~whole.reindex(values.index, fill_value=True)
                values = values.where(~bad).astype("Int64")
            else:
                values = values.astype("float64")
            expected = "a whole number" if f.dtype == "int" else "a number (use '.' for decimals)"
        elif f.dtype == "date":
            values = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            bad = present & values.isna()
            expected = "a date as YYYY-MM-DD"
        elif f.dtype == "partial_date":
            ok = text.dropna().map(_valid_partial_date)
            bad = present & ~ok.reindex(text.index, fill_value=True).astype(bool)
            values = text.where(~bad).astype(object)
            expected = "a date as YYYY-MM-DD (or YYYY-MM / YYYY where only that is known)"
        elif f.dtype == "period":
            ok = text.dropna().map(lambda s: bool(_PERIOD.match(s)) and _valid_partial_date(s))
            bad = present & ~ok.reindex(text.index, fill_value=True).astype(bool)
            values = text.where(~bad).astype(object)
            expected = "a period as YYYY or YYYY-MM"
        else:
            values = text.astype(object).where(present, None)
            bad = pd.Series(False, index=text.index)
            expected = ""
        for idx in bad[bad].index:
            value = str(raw.at[idx, f.name])
            problems.append(Problem(file_name, int(idx), f.name, value, "type", f"expected {expected}"))
        typed[f.name] = values
    return pd.DataFrame(typed, index=raw.index), problems


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
        for idx, value in frame[f.name].dropna().items():
            items = split_list(value) if f.dtype == "list" else [value]
            missing = [item for item in items if item not in known]
            if missing:
                names = ", ".join(map(repr, missing))
                problems.append(Problem(file_name, int(idx), f.name, str(value), "reference",
                                        f"unknown {kind} id {names}: not in the current {kind}"))
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

    typed, type_problems = _coerce(raw, schema, file_name)
    problems += type_problems

    pandera_schema, messages = _pandera_schema(schema, list(typed.columns))
    try:
        pandera_schema.validate(typed, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
        for case in cases.itertuples(index=False):
            column, check, idx = case.column, str(case.check), case.index
            if idx is None or pd.isna(idx):
                continue
            idx = int(idx)
            if check == "not_nullable":
                if any(p.row == idx and p.column == column for p in type_problems):
                    continue  # already reported as unreadable
                rule, msg = "required", "a value is required here"
                value = str(raw.at[idx, column]) if column in raw.columns else ""
            elif check == "field_uniqueness":
                first = typed.index[typed[column] == typed.at[idx, column]][0]
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
