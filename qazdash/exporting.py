"""Exports that are safe for the tools people open them with."""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with ``'`` (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def excel_safe_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (Excel then reads Cyrillic right) and every formula-like cell defused."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(defuse_formula)
    return safe.to_csv(index=False).encode("utf-8-sig")
