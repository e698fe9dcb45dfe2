"""The shipped data in ``data/``: read as text, validated by the schemas, returned as typed frames."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from qazdash.config import data_dir
from qazdash.errors import QazdashDataError
from qazdash.schema import KIND_ORDER, get_schema
from qazdash.validation import ValidationResult, validate


def read_text_table(path: Path) -> pd.DataFrame:
    """A UTF-8 CSV as strings; the index is each record's row number as a spreadsheet shows it."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame


def validate_shipped(directory: Path | None = None) -> dict[str, ValidationResult]:
    """Validate every shipped table, in reference order, each against the ones before it."""
    directory = directory or data_dir()
    results: dict[str, ValidationResult] = {}
    frames: dict[str, pd.DataFrame] = {}
    for kind in KIND_ORDER:
        schema = get_schema(kind)
        path = directory / schema.file_name
        result = validate(read_text_table(path), schema, file_name=f"data/{schema.file_name}", references=frames)
        results[kind] = result
        frames[kind] = result.frame
    return results


def load_shipped(directory: Path | None = None) -> dict[str, pd.DataFrame]:
    """The shipped tables as typed frames; raises ``QazdashDataError`` listing problems if any."""
    results = validate_shipped(directory)
    problems = [p for r in results.values() for p in r.problems]
    if problems:
        shown = "\n".join(f"- {p}" for p in problems[:20])
        raise QazdashDataError(
            "Shipped data is invalid",
            f"{len(problems)} problem(s) in data/:\n{shown}",
            "Fix the files in data/ (see data/SOURCES.md) and start again.",
            problems,
        )
    return {kind: r.frame.reset_index(drop=True) for kind, r in results.items()}


def shipped_digests(directory: Path | None = None) -> dict[str, str]:
    """``{kind: sha256 of its file in data/}``: cheap, so a start can tell whether the shipped data changed."""
    directory = directory or data_dir()
    return {kind: hashlib.sha256((directory / get_schema(kind).file_name).read_bytes()).hexdigest()
            for kind in KIND_ORDER}
