"""Downloadable CSV templates: each kind's columns and its two ``example`` rows from the schema."""

from __future__ import annotations

import pandas as pd

from qazdash.exporting import excel_safe_csv
from qazdash.ingest.detect import UPLOAD_KINDS
from qazdash.schema import get_schema


def template_frame(kind: str) -> pd.DataFrame:
    schema = get_schema(kind)
    return pd.DataFrame({f.name: list(f.example) for f in schema.fields}, columns=schema.columns)


def template_csv(kind: str) -> bytes:
    """UTF-8 (with BOM, for Excel) CSV with the header and two example rows."""
    return excel_safe_csv(template_frame(kind))


def template_file_name(kind: str) -> str:
    return f"qazdash_{kind}_template.csv"


TEMPLATE_KINDS = UPLOAD_KINDS
