"""Documentation of the schemas, generated from the schemas themselves."""

from __future__ import annotations

import re

import pandas as pd

from qazdash.config import data_dir
from qazdash.i18n import _
from qazdash.schema import DatasetSchema, Field

TYPE_NAMES = {
    "str": "text",
    "int": "whole number",
    "float": "number",
    "date": "date (YYYY-MM-DD)",
    "partial_date": "date (YYYY-MM-DD, YYYY-MM or YYYY)",
    "period": "period (YYYY or YYYY-MM)",
    "list": "list separated by ';'",
}


def rule_text(f: Field) -> str:
    """The rules of one column in words, e.g. 'required; unique; from -90 to 90'."""
    rules = []
    if f.required:
        rules.append(_("required"))
    if f.unique:
        rules.append(_("unique"))
    if f.allowed:
        rules.append(_("one of") + ": " + ", ".join(f.allowed))
    if f.min is not None and f.max is not None:
        rules.append(f"{f.min:g} … {f.max:g}")
    elif f.min is not None:
        rules.append(("> " if f.min_exclusive else "≥ ") + f"{f.min:g}")
    if f.pattern_hint:
        rules.append(f.pattern_hint)
    if f.references:
        rules.append(_("must exist in") + f" {f.references[0]}.{f.references[1]}")
    return "; ".join(rules)


def schema_table(schema: DatasetSchema) -> pd.DataFrame:
    """One row per column: name, type, rules, description."""
    return pd.DataFrame(
        {
            _("Column"): [f.name for f in schema.fields],
            _("Type"): [_(TYPE_NAMES[f.dtype]) for f in schema.fields],
            _("Rules"): [rule_text(f) for f in schema.fields],
            _("Description"): [f.description for f in schema.fields],
        }
    )


def sources_markdown(shift: int = 3) -> str:
    """``data/SOURCES.md`` to show inside a page: its headings ``shift`` levels lower (its title is an H1,
    which would otherwise be larger than the page's own title)."""
    text = (data_dir() / "SOURCES.md").read_text(encoding="utf-8")
    return re.sub(r"^(#{1,6})(?=\s)", lambda m: "#" * min(6, len(m.group(1)) + shift), text, flags=re.MULTILINE)
