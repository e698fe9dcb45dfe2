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
from qazdash.i18n import N_, Message
from qazdash.schema import DatasetSchema, Field

LIST_SEPARATOR = ";"
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PERIOD = re.compile(r"^\d{4}(-\d{2})?$")
_REQUIRED = Message(N_("a value is required here"))


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


def _rule_text(f: Field) -> list[tuple[str, Message, pandera.Check]]:
    """(rule id, message, pandera check) for each value rule of a field, in check order.

    The message is built once per rule and shared by every cell that breaks it.
    """
    rules: list[tuple[str, Message, pandera.Check]] = []
    if f.allowed is not None:
        rules.append(("allowed", Message(N_("expected one of: {values}"), values=", ".join(f.allowed)),
                      pandera.Check.isin(list(f.allowed))))
    if f.min is not None or f.max is not None:
        lo, hi = f.min, f.max
        if lo is not None and hi is not None:
            msg = Message(N_("expected a number from {lo:g} to {hi:g}"), lo=lo, hi=hi)
            check = pandera.Check.in_range(lo, hi)
        elif f.min_exclusive:
            msg = Message(N_("expected a number greater than {lo:g}"), lo=lo)
            check = pandera.Check.gt(lo)
        elif lo is not None:
            msg = Message(N_("expected a number of at least {lo:g}"), lo=lo)
            check = pandera.Check.ge(lo)
        else:
            msg = Message(N_("expected a number of at most {hi:g}"), hi=hi)
            check = pandera.Check.le(hi)
        rules.append(("range", msg, check))
    if f.pattern is not None:
        msg = (Message(N_("expected {what}"), what=Message(f.pattern_hint)) if f.pattern_hint
               else Message(N_("expected text matching {pattern}"), pattern=f.pattern))
        rules.append(("pattern", msg, pandera.Check.str_matches(f.pattern)))
    return rules


def _pandera_schema(schema: DatasetSchema, present: list[str]) -> tuple[pandera.DataFrameSchema, dict]:
    columns = {}
    messages: dict[tuple[str, int | str], tuple[str, Message]] = {}
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


# -- byte-level facts about a text column ---------------------------------------------------------
# Whole-column answers from the bytes behind an Arrow string column (a few ms per million cells) let
# the usual clean column skip per-cell work; whenever a fact does not hold, the exact per-cell path runs.

def _cell_bytes(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``(offsets, data)`` of a string chunk as numpy views: cell ``i`` is ``data[offsets[i]:offsets[i + 1]]``."""
    wide = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
    buffers = chunk.buffers()
    if buffers[1] is None:  # an empty array may come without buffers
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)
    offsets = offsets[chunk.offset:chunk.offset + len(chunk) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data


def _is_text(data: pa.ChunkedArray) -> bool:
    return pa.types.is_string(data.type) or pa.types.is_large_string(data.type)


def _chunk_as_one_value(chunk: pa.Array) -> pa.Array:
    """All cells of a string chunk as one binary value (no copy), for Arrow's byte scans."""
    offsets, _ = _cell_bytes(chunk)
    data = chunk.buffers()[2]
    if data is None or not len(offsets) or offsets[-1] == offsets[0]:
        return pa.array([b""], type=pa.large_binary())
    bounds = pa.py_buffer(np.array([0, offsets[-1] - offsets[0]], dtype=np.int64))
    return pa.Array.from_buffers(pa.large_binary(), 1, [None, bounds, data.slice(int(offsets[0]),
                                                                                 int(offsets[-1] - offsets[0]))])


def contains_bytes(data: pa.ChunkedArray, needle: bytes, ascii_case: bool = False) -> bool:
    """Whether any cell of ``data`` contains ``needle`` (in any ASCII letter case with ``ascii_case``).

    One RE2 search over each chunk's bytes (memchr speed for a literal), not one per cell.
    """
    if not _is_text(data):
        return True
    pattern = ("(?i)" if ascii_case else "") + "".join(f"\\x{{{b:02x}}}" for b in needle)
    whole = [_chunk_as_one_value(chunk) for chunk in data.chunks if len(chunk)]
    return bool(whole) and pc.any(pc.match_substring_regex(pa.chunked_array(whole), pattern)).as_py()


def replace_byte(data: pa.ChunkedArray, old: bytes, new: bytes) -> pa.ChunkedArray:
    """``pc.replace_substring(data, old, new)`` for one ASCII character by another: one pass over the bytes.

    An ASCII byte never occurs inside a multi-byte UTF-8 character, and the lengths do not change, so
    the offsets and missing values are kept as they are (numpy works without holding the GIL).
    """
    assert len(old) == len(new) == 1 and old.isascii() and new.isascii()
    chunks = []
    for chunk in data.chunks:
        buffers = chunk.buffers()
        if buffers[2] is None:
            chunks.append(chunk)
            continue
        text = np.frombuffer(buffers[2], dtype=np.uint8).copy()
        text[text == old[0]] = new[0]
        chunks.append(pa.Array.from_buffers(chunk.type, len(chunk), [buffers[0], buffers[1], pa.py_buffer(text)],
                                            null_count=chunk.null_count, offset=chunk.offset))
    return pa.chunked_array(chunks, type=data.type)


def any_first_byte(data: pa.ChunkedArray, table: np.ndarray) -> bool:
    """False only when no cell starts with a byte marked in ``table`` (256 booleans); a quick look, no mask.

    An empty cell's first byte is read as the next cell's (or the last byte of the cells): that can
    only answer True more often, never False wrongly.
    """
    for chunk in data.chunks:
        offsets, values = _cell_bytes(chunk)
        if not len(values):
            continue
        starts = offsets[:-1]
        if len(starts) and starts[-1] >= len(values):  # trailing empty cells: clip into the buffer
            starts = np.minimum(starts, len(values) - 1)
        if table[values[starts]].any():
            return True
    return False


def first_bytes(data: pa.ChunkedArray) -> np.ndarray:
    """The first byte of each cell (0 for an empty cell)."""
    parts = []
    for chunk in data.chunks:
        offsets, values = _cell_bytes(chunk)
        if not len(values):
            parts.append(np.zeros(len(chunk), dtype=np.uint8))
            continue
        starts = offsets[:-1]
        first = values[np.minimum(starts, len(values) - 1)]
        parts.append(np.where(offsets[1:] > starts, first, np.uint8(0)))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)


def plain_edges(data: pa.ChunkedArray) -> bool:
    """True when no cell starts or ends with a space, a control character or a non-ASCII character.

    Then trimming whitespace (ASCII or Unicode) changes nothing.
    """
    if not _is_text(data):
        return False
    for chunk in data.chunks:
        offsets, values = _cell_bytes(chunk)
        if not len(values):
            continue
        # An empty cell's start is the next cell's first byte and its end - 1 the previous cell's last
        # byte (or a byte outside the cells): looking at those as well can only answer False, never wrongly True.
        first = values[np.minimum(offsets[:-1], len(values) - 1)]
        last = values[offsets[1:] - 1]  # (-1 → the buffer's last byte, as above)
        # printable ASCII is 0x21..0x7E: anything else (wrapping below 0x21) is >= 0x5E after the shift
        if (first - np.uint8(0x21) >= np.uint8(0x5E)).any() or (last - np.uint8(0x21) >= np.uint8(0x5E)).any():
            return False
    return True


def trim_text(data: pa.ChunkedArray) -> pa.ChunkedArray:
    """``pc.utf8_trim_whitespace`` (as pandas' ``.str.strip()`` on Arrow text); the same array when nothing to trim."""
    return data if plain_edges(data) else pc.utf8_trim_whitespace(data)


def float_cast(data: pa.ChunkedArray, exponent: bool = True) -> pa.ChunkedArray | None:
    r"""Arrow's float parse of every cell when it accepts all filled cells as finite numbers; else None.

    Arrow parses with fast_float, which accepts ``[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?`` and the
    words inf, infinity and nan (any case, with a sign): a cell it reads as a finite number is a
    canonical number. Without ``exponent``, a column holding any 'e' or 'E' is refused, so every
    cell is a plain number ``[-+]?(\d+(\.\d*)?|\.\d+)``.
    """
    if not _is_text(data):
        return None
    if not exponent and (contains_bytes(data, b"e") or contains_bytes(data, b"E")):
        return None
    if pc.min(pc.binary_length(data)).as_py() == 0:  # an empty cell is not a number (missing is)
        data = pc.if_else(pc.equal(pc.binary_length(data), 0), _NULL_TEXT, data)
    try:
        parsed = pc.cast(data, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return parsed if pc.all(pc.is_finite(parsed)).as_py() is not False else None


def _object_text(s: pd.Series) -> pd.Series:
    """A ``str`` column as Python objects with ``None`` for missing (what the value checks see)."""
    return s.astype(object).where(s.notna(), None)


def _parse_float(text: pa.ChunkedArray, present: np.ndarray, floats: pa.ChunkedArray | None = None) -> np.ndarray:
    """``pd.to_numeric(text, errors="coerce")`` as float64; the Arrow cast reads the plain numbers.

    ``floats``: ``float_cast(text)`` when already known (it is then not parsed again).
    """
    if (pc.max(pc.binary_length(text)).as_py() or 0) <= 15:
        if floats is not None and not (contains_bytes(text, b"e") or contains_bytes(text, b"E")):
            parsed = floats  # (as float_cast(text, exponent=False) would give)
        else:
            parsed = float_cast(text, exponent=False)  # every cell a plain number of at most 15 characters
        if parsed is not None:
            return np.array(parsed.to_numpy(zero_copy_only=False), dtype="float64")
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


def _effort(f: Field) -> int:
    """A rough rank of the work a column needs (numbers and dates most, free text least)."""
    if f.dtype in ("int", "float"):
        return 3
    return 2 if f.dtype in ("date", "partial_date", "period") or f.pattern or f.unique else int(f.allowed is not None)


def map_columns(work: Callable, fields: list, rows: int) -> list:
    """``[work(f) for f in fields]``; on large frames two columns at a time (Arrow kernels release the GIL).

    The costliest columns start first, so that the two workers finish at about the same time.
    """
    if rows < _PARALLEL_ROWS or len(fields) < 2:
        return [work(f) for f in fields]
    order = sorted(range(len(fields)), key=lambda i: -_effort(fields[i]) if isinstance(fields[i], Field) else 0)
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        done = dict(zip(order, pool.map(work, [fields[i] for i in order]), strict=True))
    return [done[i] for i in range(len(fields))]  # results in field order, as the loop would give them


ColumnCheck = tuple[pd.Series, list[Problem], np.ndarray]  # typed values, type problems, suspect rows


def check_column(col: pd.Series, f: Field, file_name: str, floats: pa.ChunkedArray | None = None) -> ColumnCheck:
    """One column of ``validate``'s cell checks: its typed values, type problems and rows pandera must see.

    ``floats``: ``float_cast`` of these cells (empty = missing) when the caller has it already.
    """
    values, problems = _coerce_column(col, f, file_name, floats)
    return values, problems, _suspect_column(values, f)


def _check_columns(raw: pd.DataFrame, schema: DatasetSchema, file_name: str,
                   checked: Mapping[str, ColumnCheck] | None = None) -> tuple[pd.DataFrame, list[Problem], np.ndarray]:
    """``_coerce`` and ``_suspects`` column by column: typed frame, type problems, suspect rows."""
    fields = [f for f in schema.fields if f.name in raw.columns]
    checked = checked or {}
    todo = [f for f in fields if f.name not in checked]
    done = dict(zip([f.name for f in todo],
                    map_columns(lambda f: check_column(raw[f.name], f, file_name), todo, len(raw)), strict=True))
    results = [checked[f.name] if f.name in checked else done[f.name] for f in fields]
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


def _coerce_column(col: pd.Series, f: Field, file_name: str, floats: pa.ChunkedArray | None = None
                   ) -> tuple[pd.Series, list[Problem]]:
    """One column of ``_coerce``."""
    problems: list[Problem] = []
    source = arrow_text(col)
    trimmed = trim_text(source)  # as pandas' .str.strip() on Arrow text
    if pc.min(pc.binary_length(trimmed)).as_py() == 0:  # some cell is empty: it becomes missing
        arrow = pc.if_else(pc.equal(trimmed, ""), _NULL_TEXT, trimmed)
    else:
        arrow = trimmed
    present = _mask(pc.is_valid(arrow)) if arrow.null_count else np.ones(len(arrow), dtype=bool)
    if f.dtype == "float":
        numbers = _parse_float(arrow, present, floats if trimmed is source else None)
        bad = present & np.isnan(numbers)
        values = pd.Series(numbers, index=col.index, dtype="float64")
        expected = N_("expected a number (use '.' for decimals)")
    elif f.dtype == "int":
        text = _to_series(arrow, col.index, _NA_TEXT)  # as before: masked results, pd.NA
        values = pd.to_numeric(text, errors="coerce")
        bad_s = pd.Series(present, index=col.index) & values.isna()
        whole = values.dropna() == values.dropna().round()
        bad_s |= pd.Series(present, index=col.index) & ~whole.reindex(values.index, fill_value=True)
        values = values.where(~bad_s).astype("Int64")
        bad = bad_s.to_numpy(dtype=bool)
        expected = N_("expected a whole number")
    elif f.dtype == "date":
        values = pd.to_datetime(_to_series(arrow, col.index, _NA_TEXT), format="%Y-%m-%d", errors="coerce")
        bad = present & values.isna().to_numpy()
        expected = N_("expected a date as YYYY-MM-DD")
    elif f.dtype in ("partial_date", "period"):
        # few distinct values even in a large file: check each once, then look the cells up
        check = _valid_partial_date if f.dtype == "partial_date" else _valid_period
        distinct = pc.drop_null(pc.unique(arrow)).to_pylist()
        good = [v for v in distinct if check(v)]
        if len(good) == len(distinct):
            bad = np.zeros(len(arrow), dtype=bool)
        else:
            bad = present & ~_mask(pc.is_in(arrow, value_set=pa.array(good, type=pa.string())))
        values = _to_series(pc.if_else(pa.array(bad), _NULL_TEXT, arrow) if bad.any() else arrow, col.index)
        expected = (N_("expected a date as YYYY-MM-DD (or YYYY-MM / YYYY where only that is known)")
                    if f.dtype == "partial_date" else N_("expected a period as YYYY or YYYY-MM"))
    else:
        values = _to_series(arrow, col.index)
        bad = np.zeros(len(col), dtype=bool)
        expected = ""
    message = Message(expected) if bad.any() else None  # one message for every bad cell of the column
    for idx in col.index[bad]:
        value = str(col.at[idx])
        problems.append(Problem(file_name, int(idx), f.name, value, "type", message))
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
        if len(data) > 1 and not data.null_count and pc.all(pc.greater(data[1:], data[:-1])).as_py():
            return np.zeros(len(col), dtype=bool)  # strictly increasing (ids in order): no value repeats
        if len(pc.unique(data)) == len(data):  # (missing counts as one value; faster than count_distinct)
            return np.zeros(len(col), dtype=bool)
    return col.duplicated(keep=False).to_numpy()


_CLASS_PATTERN = re.compile(r"\^\[([^\]\[\\^&~|][^\]\[\\&~|]*)\](?:(\+)|\{(\d+)\}|\{(\d+),(\d*)\})\$")
_URL_PATTERN = r"^https?://\S+$"


def _class_bytes(body: str) -> bytes | None:
    """The characters of a plain character class such as ``A-Za-z0-9_.:-`` (printable ASCII only), else None."""
    chars: set[str] = set()
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            if body[i] > body[i + 2]:
                return None
            chars.update(map(chr, range(ord(body[i]), ord(body[i + 2]) + 1)))
            i += 3
        else:
            chars.add(body[i])
            i += 1
    if not all(" " < c <= "~" for c in chars):
        return None
    return "".join(sorted(chars)).encode()


def _printable_ascii(chunk: pa.Array) -> bool:
    """Every byte of the chunk's cells is printable ASCII other than space (0x21..0x7E)."""
    offsets, data = _cell_bytes(chunk)
    cells = data[offsets[0]:offsets[-1]] if len(offsets) else data[:0]
    return not len(cells) or (int(cells.min()) >= 0x21 and int(cells.max()) <= 0x7E)


@lru_cache(maxsize=64)
def _shortcut(pattern: str) -> tuple[str, bytes, int, int | None] | None:
    """How ``_maybe_matches`` can answer for ``pattern`` from whole-chunk facts: ``(kind, bytes, min, max)``.

    ``^[class]+$`` / ``^[class]{m,n}$`` → ``("class", class bytes, m, n)``: when every byte is in the
    class, a cell matches if its length fits. ``^https?://\\S+$`` → ``("url", ...)``: when every byte is
    printable ASCII other than space, a cell matches if it starts with ``http://`` or ``https://`` and
    has something after it. Other patterns: None.
    """
    if pattern == _URL_PATTERN:
        return ("url", b"", 0, None)
    spec = _CLASS_PATTERN.fullmatch(pattern)
    allowed = _class_bytes(spec.group(1)) if spec else None
    if allowed is None:
        return None
    if spec.group(2):
        return ("class", allowed, 1, None)
    if spec.group(3):
        return ("class", allowed, int(spec.group(3)), int(spec.group(3)))
    return ("class", allowed, int(spec.group(4)), int(spec.group(5)) if spec.group(5) else None)


def _shortcut_holds(chunk: pa.Array, shortcut: tuple[str, bytes, int, int | None]) -> bool:
    """Whether the chunk's bytes allow the shortcut (numpy passes, which run without holding the GIL)."""
    kind, allowed, _, _ = shortcut
    if kind == "url":
        return _printable_ascii(chunk)
    offsets, data = _cell_bytes(chunk)
    cells = data[offsets[0]:offsets[-1]] if len(offsets) else data[:0]
    if not len(cells):
        return True
    low, high = int(cells.min()), int(cells.max())  # only the gaps of the class between these can occur
    inside = [b for b in range(low, high + 1) if b not in allowed]
    gaps = []
    for b in inside:
        if gaps and gaps[-1][1] == b - 1:
            gaps[-1][1] = b
        else:
            gaps.append([b, b])
    return not any(((cells - np.uint8(lo)) <= np.uint8(hi - lo)).any() for lo, hi in gaps)


def _shortcut_matches(data: pa.Array | pa.ChunkedArray, shortcut: tuple[str, bytes, int, int | None]):
    """Per-cell matches of cells for which ``_shortcut_holds``."""
    kind, _, low, high = shortcut
    length = pc.binary_length(data)  # bytes = characters: every byte is ASCII
    if kind == "url":
        return pc.or_(pc.and_(pc.starts_with(data, "https://"), pc.greater_equal(length, 9)),
                      pc.and_(pc.starts_with(data, "http://"), pc.greater_equal(length, 8)))
    fits = pc.greater_equal(length, low)
    return fits if high is None else pc.and_(fits, pc.less_equal(length, high))


def _maybe_matches(col: pd.Series, pattern: str) -> np.ndarray:
    """True where ``pattern`` surely matches as Python's ``re.match`` does (pandera checks the other cells).

    RE2 agrees with Python's ``re`` on printable ASCII text; other cells are left to pandera. Chunks
    for which a ``_shortcut`` holds skip the per-cell regular expression.
    """
    if not (isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow"):
        return np.zeros(len(col), dtype=bool)
    data = arrow_text(col)
    shortcut = _shortcut(pattern)
    holds = [shortcut is not None and len(chunk) > 0 and _shortcut_holds(chunk, shortcut) for chunk in data.chunks]
    if holds and all(holds):
        return _mask(_shortcut_matches(data, shortcut))  # (one set of Arrow calls for the whole column)
    parts = []
    for chunk, fast in zip(data.chunks, holds, strict=True):
        if fast:
            matched = _shortcut_matches(chunk, shortcut)
        else:
            try:
                matched = pc.and_(pc.match_substring_regex(chunk, f"^(?:{pattern})"), pc.ascii_is_printable(chunk))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a pattern RE2 cannot run
                return np.zeros(len(col), dtype=bool)
        parts.append(_mask(matched))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


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
                unknown[value] = Message(N_("unknown {kind} id {ids}: not in the current {kind}"), kind=kind,
                                         ids=", ".join(map(repr, missing)))
        if not unknown:
            continue
        for idx, value in values[values.isin(list(unknown))].items():
            problems.append(Problem(file_name, int(idx), f.name, str(value), "reference", unknown[value]))
    return problems


def validate(
    raw: pd.DataFrame,
    schema: DatasetSchema,
    *,
    file_name: str,
    references: Mapping[str, pd.DataFrame] | None = None,
    checked: Mapping[str, ColumnCheck] | None = None,
) -> ValidationResult:
    """Check ``raw`` (strings; index = line number in the file) against ``schema``.

    ``checked`` holds ``check_column`` results of columns of ``raw`` already checked (the upload
    pipeline checks each column as soon as it is normalised, on the same worker thread).

    A missing required column is one problem for the whole file; then every cell is checked and
    each broken rule becomes one ``Problem``. The result's frame holds the rows without problems.
    """
    problems: list[Problem] = []
    missing = [c for c in schema.required_columns if c not in raw.columns]
    for column in missing:
        has = ", ".join(map(str, raw.columns))
        problems.append(Problem(file_name, None, column, None, "missing_column",
                                Message(N_("required column '{column}' is missing; the file has: {columns}"),
                                        column=column, columns=has)))
    if missing:
        return ValidationResult(schema.kind, file_name, raw.iloc[0:0], problems, rows=len(raw))

    typed, type_problems, suspects = _check_columns(raw, schema, file_name, checked)
    problems += type_problems

    pandera_schema, messages = _pandera_schema(schema, list(typed.columns))
    checked = typed[suspects] if suspects.any() else typed.iloc[:0]  # (a boolean take would join the chunks)
    for name in checked.columns if len(checked) else ():  # pandera sees text as Python strings (re.match)
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
                rule, msg = "required", _REQUIRED
                value = str(raw.at[idx, column]) if column in raw.columns else ""
            elif check == "field_uniqueness":
                if column not in first_seen:  # every copy of a repeated value is among the checked rows
                    repeated = checked[column].dropna()
                    first_seen[column] = dict(zip(repeated.to_numpy()[::-1], repeated.index[::-1], strict=True))
                first = first_seen[column][checked.at[idx, column]]
                rule, msg = "unique", Message(
                    N_("duplicate value: '{column}' must be unique (first seen on row {first})"), column=column,
                    first=first)
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
        together = Message(N_("duplicate key: ({columns}) must be unique together"), columns=", ".join(key))
        for idx in dup[dup].index:
            value = ", ".join(str(typed.at[idx, c]) for c in key)
            problems.append(Problem(file_name, int(idx), "+".join(key), value, "unique", together))

    problems += _reference_problems(typed, schema, file_name, references or {})
    problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column or ""))
    bad_rows = {p.row for p in problems if p.row is not None}
    valid = typed[~typed.index.isin(bad_rows)] if bad_rows else typed
    return ValidationResult(schema.kind, file_name, valid, problems, rows=len(raw))
