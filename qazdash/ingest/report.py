"""The validation report of an upload: as a frame (page), JSON (command line) and CSV (download).

``message`` is always English (the contract of the command line and JSON); the page's frame and CSV
add ``message_<lang>``, the same message in the page language, when that is not English.
"""

from __future__ import annotations

import pandas as pd

from qazdash.errors import Problem
from qazdash.exporting import excel_safe_csv
from qazdash.i18n import DEFAULT_LANGUAGE, localize, normalize_language
from qazdash.ingest.pipeline import WARNING_RULES, Prepared

REPORT_COLUMNS = ["severity", "row", "column", "value", "rule", "message"]


def _rows(problems: list[Problem], severity: str) -> list[dict]:
    return [{"severity": severity, "row": p.row, "column": p.column, "value": p.value, "rule": p.rule,
             "message": p.message} for p in problems]


def localized_column(lang: str | None) -> str | None:
    """The report column of the messages in ``lang`` (``message_ru``); None for English."""
    lang = normalize_language(lang)
    return None if lang == DEFAULT_LANGUAGE else f"message_{lang}"


def report_frame(prepared: Prepared, *, include_warnings: bool = True, lang: str | None = None) -> pd.DataFrame:
    """One line per problem (then per warning): severity, row, column, value, rule, message.

    With ``lang`` other than English, a ``message_<lang>`` column follows ``message`` with its translation.
    """
    rows = _rows(prepared.problems, "error")
    if include_warnings:
        rows += _rows(prepared.warnings, "warning")
    columns = list(REPORT_COLUMNS)
    target = localized_column(lang)
    if target is not None:
        seen: dict[str, str] = {}  # problems of one rule in one column share their message: translate it once
        for row in rows:
            message = row["message"]
            if message not in seen:
                seen[message] = localize(message, lang)
            row[target] = seen[message]
        columns.append(target)
    frame = pd.DataFrame(rows, columns=columns)
    frame["row"] = frame["row"].astype("Int64")
    for column in ("column", "value"):
        frame[column] = frame[column].fillna("")
    return frame


def duplicates_frame(prepared: Prepared) -> pd.DataFrame:
    """The rows that match current data by the kind's duplicate key, with their row number."""
    if prepared.duplicates is None or prepared.duplicates.empty:
        return pd.DataFrame(columns=["row"])
    out = prepared.duplicates.copy()
    out.insert(0, "row", out.index.astype(int))
    return out.reset_index(drop=True)


def report_json(prepared: Prepared) -> dict:
    """``kind, rows, valid, invalid, problems[{row, column, value, message, rule}]`` plus warnings and settings."""
    return {
        "file": prepared.file_name,
        "sha256": prepared.sha256,
        "kind": prepared.kind,
        "rows": prepared.rows,
        "valid": prepared.valid,
        "invalid": prepared.invalid,
        "duplicates": len(prepared.duplicates) if prepared.duplicates is not None else 0,
        "detected": prepared.detected.as_dict() if prepared.detected else None,
        "mapping": prepared.mapping,
        "problems": [{"row": p.row, "column": p.column, "value": p.value, "message": p.message, "rule": p.rule}
                     for p in prepared.problems],
        "warnings": [{"row": p.row, "column": p.column, "value": p.value, "message": p.message, "rule": p.rule}
                     for p in prepared.warnings],
    }


def report_csv(prepared: Prepared, lang: str | None = None) -> bytes:
    """The report as an Excel-safe CSV (formula-like values defused), with ``message_<lang>`` for ``lang``."""
    return excel_safe_csv(report_frame(prepared, lang=lang))


def report_text(prepared: Prepared, limit: int = 50) -> str:
    """A plain-text summary for the terminal."""
    lines = [f"{prepared.file_name}: kind {prepared.kind or '?'}; rows {prepared.rows}, valid {prepared.valid}, "
             f"invalid {prepared.invalid}, duplicates of current data {len(prepared.duplicates)}"]
    if prepared.detected:
        d = prepared.detected
        sep = {"\t": "tab"}.get(d.separator, d.separator)
        lines.append(f"read as {d.format}, encoding {d.encoding}, separator {sep!r}, header row {d.header_row}, "
                     f"decimal {d.decimal!r}, thousands {d.thousands!r}")
    for p in prepared.problems[:limit]:
        lines.append(f"  error: {p}  [{p.rule}]")
    if len(prepared.problems) > limit:
        lines.append(f"  … and {len(prepared.problems) - limit} more problems")
    for p in prepared.warnings[:limit]:
        lines.append(f"  warning: {p}  [{p.rule}]")
    return "\n".join(lines)


__all__ = ["WARNING_RULES", "report_frame", "report_json", "report_csv", "report_text", "duplicates_frame"]
