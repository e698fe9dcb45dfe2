"""One pipeline for the upload page and the command line: read → map → normalise → validate → compare → commit.

``prepare(data, file_name, store, options)`` never writes: it returns a ``Prepared`` upload with the
detected settings, the kind and column mapping, the validation report (problems and warnings, each with
row, column, original value and rule) and the rows that duplicate current data. ``commit(prepared, ...)``
writes the valid rows as a new version of the dataset in one transaction (``Store.commit``).
Validation is ``qazdash.validation.validate`` with the schemas of ``qazdash.schema``; this module only
turns what analysts type (decimal commas, ``DD.MM.YYYY``, month names) into the schema's canonical text
first, and remembers the original text for the report.
"""

from __future__ import annotations

import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qazdash.errors import Problem, QazdashDataError
from qazdash.i18n import N_, Message
from qazdash.ingest import dates
from qazdash.ingest.detect import (
    CONST_PREFIX,
    IGNORE,
    OPTION_PREFIX,
    KindGuess,
    auto_mapping,
    check_mapping,
    detect_kind,
    split_mapping,
)
from qazdash.ingest.reading import MAX_CELL_CHARS, Detected, Progress, ReadOptions, TextTable, read_table
from qazdash.schema import DatasetSchema, get_schema
from qazdash.store import Store, Version, compress_raw, sha256_of
from qazdash.validation import (
    ColumnCheck,
    ValidationResult,
    any_first_byte,
    arrow_text,
    check_column,
    contains_bytes,
    first_bytes,
    float_cast,
    map_columns,
    plain_edges,
    replace_byte,
    validate,
)

OnDuplicate = Literal["skip", "update"]
WARNING_RULES = ("formula", "markup", "unmapped_column")
# Cells a spreadsheet would run as a formula (OWASP CSV injection): stored as text, flagged, defused on export.
_FORMULA = re.compile(r"^\s*(?:=|@|[+-]\s*[A-Za-z_(])|^[\t\r]")
_MARKUP = re.compile(r"<\s*/?\s*(?:script|iframe|img|a|svg|style|object|embed|form|input|body|html|div|span|p|b|i)\b"
                     r"|javascript:|\bon\w+\s*=", re.IGNORECASE)
_EXCEL_ERRORS = {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#ЗНАЧ!", "#ССЫЛКА!",
                 "#ДЕЛ/0!", "#ИМЯ?", "#ЧИСЛО!", "#ПУСТО!", "#Н/Д"}
# Prefilters, as one RE2 pass each: a cell that starts (after Unicode spaces) like a formula; a cell with "<",
# "javascript:" or "on" and "=" in any letter case (lower() maps no other character onto these ASCII letters).
_FORMULA_START = r"^[=@+\-\t\r]"
_MARKUP_HINT = r"(?s)<|[jJ][aA][vV][aA][sS][cC][rR][iI][pP][tT]:|[oO][nN].*=|=.*[oO][nN]"
# First bytes of a cell that may start like a formula: = @ + -, or whitespace before one (ASCII whitespace
# and the lead bytes of Unicode spaces: U+0085/U+00A0, U+1680/U+180E, U+2000-U+205F, U+3000, U+FEFF).
_FORMULA_FIRST_BYTE = np.zeros(256, dtype=bool)
_FORMULA_FIRST_BYTE[[*b"=@+-", *range(0x09, 0x0E), *range(0x1C, 0x21), 0xC2, 0xE1, 0xE2, 0xE3, 0xEF]] = True
_CANONICAL_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_FORMULA_WARNING = Message(N_("looks like a spreadsheet formula: stored as plain text and defused "
                              "(prefixed with ') in every export"))
_MARKUP_WARNING = Message(N_("contains HTML or script: stored and always shown as plain text, never run"))


@dataclass(frozen=True)
class UploadOptions:
    """What the analyst chose; ``None`` means "detect"."""

    kind: str | None = None
    mapping: dict[str, str] | None = None  # {file column: schema column}, plus "const:<col>" / "option:<name>"
    read: ReadOptions = field(default_factory=ReadOptions)
    day_first: bool | None = None
    reference_day: date | None = None


@dataclass
class Prepared:
    """An upload checked against the schema and the current data; nothing is written yet."""

    file_name: str
    data: bytes | memoryview
    sha256: str
    detected: Detected | None
    headers: list[str]
    guess: KindGuess | None
    kind: str | None
    mapping: dict[str, str]
    result: ValidationResult | None
    problems: list[Problem]
    warnings: list[Problem]
    duplicates: pd.DataFrame  # valid rows whose duplicate key is in the current data (index = row)
    preview: pd.DataFrame  # first rows as read (strings)
    extra_invalid: int = 0  # rows the reader could not split into cells
    packed: Future | None = field(default=None, repr=False, compare=False)  # the file as the store keeps it

    @property
    def rows(self) -> int:
        return (self.result.rows if self.result else 0) + self.extra_invalid

    @property
    def valid(self) -> int:
        return self.result.valid if self.result else 0

    @property
    def invalid(self) -> int:
        return self.rows - self.valid

    @property
    def ok(self) -> bool:
        """Every row valid (warnings allowed) and something to write."""
        return self.result is not None and not self.problems and self.valid > 0

    @property
    def valid_frame(self) -> pd.DataFrame:
        return self.result.frame if self.result is not None else pd.DataFrame()


def _arrow_mask(result) -> np.ndarray:
    """A boolean Arrow result as a numpy mask (missing → False)."""
    return pc.fill_null(result, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _may_contain(col: pd.Series, *needles: bytes, ascii_case: bool = False) -> bool:
    """False only when no cell of ``col`` can contain any of ``needles`` (byte scans of the Arrow text buffers).

    A scan of the whole buffer is far cheaper than a per-cell search, and clean columns skip the
    per-cell work entirely. ``ascii_case`` also finds needles in any ASCII letter case.
    """
    data = arrow_text(col)
    return any(contains_bytes(data, n, ascii_case) for n in needles)


def _strip(col: pd.Series) -> pd.Series:
    """``col.str.strip()``; ``col`` itself when no cell starts or ends with whitespace."""
    return col if isinstance(col.dtype, pd.StringDtype) and plain_edges(arrow_text(col)) else col.str.strip()


def _text_series(data: pa.ChunkedArray, like: pd.Series) -> pd.Series:
    """Arrow text as a Series with the index, name and string dtype of ``like`` (no copy)."""
    return pd.Series(pd.arrays.ArrowStringArray(data, dtype=like.dtype) if like.dtype.storage == "pyarrow"
                     else pd.array(data.to_pylist(), dtype=like.dtype), index=like.index, name=like.name, copy=False)


def _canonical_parse(col: pd.Series) -> pa.ChunkedArray | None:
    """The cells as floats when every filled cell surely is a canonical number (``_CANONICAL_NUMBER``), else None."""
    return float_cast(arrow_text(col))


def _max_bytes(col: pd.Series) -> int:
    """The longest cell in UTF-8 bytes (at least its length in characters)."""
    longest = pc.max(pc.binary_length(arrow_text(col))).as_py()
    return longest or 0


# -- normalising cells ---------------------------------------------------------------------------

def normalise_numbers(text: pd.Series, decimal: str, thousands: str) -> pd.Series:
    """``'1 234,5'`` → ``'1234.5'`` with the file's decimal mark and thousands separator; others unchanged."""
    return _normalise_numbers(text, decimal, thousands)[0]


def _normalise_numbers(text: pd.Series, decimal: str, thousands: str) -> tuple[pd.Series, pa.ChunkedArray | None]:
    """``normalise_numbers``, and Arrow's float parse of the result where it was needed to decide (else None)."""
    s = _strip(text)
    if decimal == "." and not thousands:
        return s, None
    if decimal == ".":
        parsed = _canonical_parse(s)
        if parsed is not None or s.str.fullmatch(_CANONICAL_NUMBER.pattern).fillna(True).all():
            return s, parsed
    out = s
    for sep in {thousands, " ", "\u00a0", "\u202f"} - {"", decimal}:
        if _may_contain(out, sep.encode()):  # replacing a separator no cell holds changes nothing
            out = out.str.replace(sep, "", regex=False)
    if decimal == "," and _may_contain(out, b","):
        out = _text_series(replace_byte(arrow_text(out), b",", b"."), out)  # as .str.replace(",", ".")
    parsed = _canonical_parse(out)
    if parsed is not None:  # (the usual case: one Arrow parse instead of a regular expression per cell)
        return out, parsed
    looks_numeric = out.str.fullmatch(_CANONICAL_NUMBER.pattern).fillna(False)
    return out.where(looks_numeric, s), None


def _normalise(frame: pd.DataFrame, schema: DatasetSchema, detected: Detected, options: UploadOptions,
               file_name: str) -> tuple[pd.DataFrame, dict[str, pd.Series], dict[tuple[int, str], Problem],
                                    list[Problem], dict[str, ColumnCheck]]:
    """Canonical text for numbers and dates, and each column's cell checks (``validation.check_column``).

    Returns ``(frame, original columns, problems by cell, warnings, checks by column)``. A column is
    checked on the worker that normalised it, right after: the two steps of a column run together.
    """
    originals: dict[str, pd.Series] = {}
    cell_problems: dict[tuple[int, str], Problem] = {}
    warnings: list[Problem] = []
    checks: dict[str, ColumnCheck] = {}
    out = frame
    fields = [f for f in schema.fields if f.name in frame.columns]

    def work(f):
        col, new, column_problems, column_warnings, numbers = _normalise_column(frame[f.name], f, detected, options,
                                                                                file_name)
        check = check_column(col if new is None else new, f, file_name, floats=numbers)
        return col, new, column_problems, column_warnings, check

    for f, (col, new, column_problems, column_warnings, check) in zip(
            fields, map_columns(work, fields, len(frame)), strict=True):
        cell_problems.update(column_problems)
        warnings += column_warnings
        checks[f.name] = check
        if new is not None and new is not col and not new.equals(col):
            originals[f.name] = col
            if out is frame:
                out = frame.copy(deep=False)
            out[f.name] = new
    return out, originals, cell_problems, warnings, checks


def _normalise_column(col: pd.Series, f, detected: Detected, options: UploadOptions, file_name: str
                      ) -> tuple[pd.Series, pd.Series | None, dict[tuple[int, str], Problem], list[Problem],
                                 pa.ChunkedArray | None]:
    """One column of ``_normalise``: ``(column, normalised column or None, problems by cell, warnings, floats)``.

    ``floats`` is Arrow's float parse of the normalised cells when normalising had to make it (else None).
    """
    cell_problems: dict[tuple[int, str], Problem] = {}
    warnings: list[Problem] = []
    numbers = None
    if f.dtype in ("int", "float"):
        errs = col[_strip(col).isin(_EXCEL_ERRORS)] if _may_contain(col, b"#") else col[:0]
        for idx, value in errs.items():
            cell_problems[(int(idx), f.name)] = Problem(
                file_name, int(idx), f.name, value, "excel_error",
                Message(N_("the spreadsheet shows the error {error} here instead of a number; fix the formula"),
                        error=value.strip()))
        new, numbers = _normalise_numbers(col, detected.decimal, detected.thousands)
    elif f.dtype in ("date", "partial_date", "period"):
        new = _normalise_dates(col, f, options, file_name, cell_problems)
    else:
        new = None
        if _max_bytes(col) > MAX_CELL_CHARS:  # a cell has at least as many bytes as characters
            lengths = col.str.len()
            for idx in lengths[lengths > MAX_CELL_CHARS].index:
                cell_problems[(int(idx), f.name)] = Problem(
                    file_name, int(idx), f.name, col[idx][:80] + "…", "too_long",
                    Message(N_("this cell holds {count:,} characters; the limit is {limit:,}"),
                            count=int(lengths[idx]), limit=MAX_CELL_CHARS))
        # cheap vectorised prefilters (one Arrow pass each), then the exact patterns on the few candidates
        # (the byte scans find no trigger character in most columns, and then skip the per-cell search)
        text = arrow_text(col)
        candidates = col[:0]
        maybe = None
        if any_first_byte(text, _FORMULA_FIRST_BYTE):  # a formula starts with one of these (after spaces)
            maybe = _FORMULA_FIRST_BYTE[first_bytes(text)]
        if maybe is not None and maybe.any():
            maybe_col = col[maybe]
            starts = pc.match_substring_regex(pc.utf8_ltrim_whitespace(arrow_text(maybe_col)), _FORMULA_START)
            candidates = maybe_col[_arrow_mask(starts)]
        for idx, value in candidates.items():
            if _FORMULA.search(value):
                warnings.append(Problem(file_name, int(idx), f.name, value[:200], "formula", _FORMULA_WARNING))
        marked = col[:0]
        # ("javascript:" in any case holds a 'j' or 'J', rare letters: two memchr scans before the slower one)
        if _may_contain(col, b"<", b"=") or (_may_contain(col, b"j", b"J")
                                             and _may_contain(col, b"javascript:", ascii_case=True)):
            marked = col[_arrow_mask(pc.match_substring_regex(text, _MARKUP_HINT))]
        for idx, value in marked.items():
            if _MARKUP.search(value):
                warnings.append(Problem(file_name, int(idx), f.name, value[:200], "markup", _MARKUP_WARNING))
    return col, new, cell_problems, warnings, numbers


def _normalise_dates(col: pd.Series, f, options: UploadOptions, file_name: str,
                     cell_problems: dict[tuple[int, str], Problem]) -> pd.Series:
    s = _strip(col)
    pattern = r"\d{4}-\d{2}-\d{2}|\d{4}(-\d{2})?" if f.dtype != "date" else r"\d{4}-\d{2}-\d{2}"
    if f.dtype == "period":
        pattern = r"\d{4}(-\d{2})?"
    # dates repeat: each distinct value is tested once, then the cells holding one that needs parsing
    distinct = pd.Series(s.unique(), dtype=s.dtype)
    needs = ~(distinct.str.fullmatch(pattern).fillna(True) | (distinct == ""))
    if not needs.any():
        return s
    todo = s.isin(distinct[needs])
    values = s[todo]
    uniques = distinct[needs].tolist()
    day_first = options.day_first
    if day_first is None:
        day_first = dates.column_day_first(uniques)
    parsed = {v: dates.parse_date(v, day_first=day_first, reference_day=options.reference_day) for v in uniques}
    mapped = {}
    for v, res in parsed.items():
        text = res.text
        if text is not None and f.dtype == "period" and len(text) == 10:
            text = None
            res = dates.DateResult(None, "date", Message(N_("'{value}' is a day; a period is YYYY or YYYY-MM"),
                                                         value=v))
        if text is not None and f.dtype == "date" and len(text) != 10:
            text = None
            res = dates.DateResult(None, "date", Message(N_("'{value}' is not a full date; write YYYY-MM-DD"),
                                                         value=v))
        mapped[v] = text if text is not None else v
        if text is None:
            parsed[v] = res
    failed = [v for v, res in parsed.items() if res.text is None]
    for idx, v in values[values.isin(failed)].items() if failed else ():
        res = parsed[v]
        cell_problems[(int(idx), f.name)] = Problem(file_name, int(idx), f.name, col[idx], res.rule, res.message)
    keys = pa.array(list(mapped), type=pa.large_string())
    replaced = pa.array(list(mapped.values()), type=pa.large_string())
    at = pc.index_in(arrow_text(values), value_set=keys)  # each cell's distinct value → its canonical text
    return s.where(~todo, _text_series(pa.chunked_array([replaced]).take(at), values))


# -- mapping -------------------------------------------------------------------------------------

def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str], schema: DatasetSchema) -> pd.DataFrame:
    """The file's columns renamed to schema columns (unmapped ones dropped) plus constant columns."""
    columns, constants, _ = split_mapping(mapping)
    keep = {src: dst for src, dst in columns.items() if dst != IGNORE and src in frame.columns}
    out = frame[list(keep)].rename(columns=keep)
    for column, value in constants.items():
        if column not in out.columns:
            out[column] = pd.Series(value, index=out.index, dtype="string")
    return out


def mapping_options(mapping: dict[str, str] | None) -> ReadOptions:
    """Read options saved with a mapping (``option:separator`` etc.)."""
    _, _, opts = split_mapping(mapping or {})
    kw: dict = {}
    for name in ("encoding", "separator", "decimal", "thousands", "sheet"):
        if name in opts:
            kw[name] = opts[name]
    if "header_row" in opts:
        kw["header_row"] = int(opts["header_row"])
    return ReadOptions(**kw)


def _merge_options(base: ReadOptions, saved: ReadOptions) -> ReadOptions:
    merged = dict(saved.as_dict())
    merged.update(base.as_dict())
    return ReadOptions(**merged)


# -- comparison with the current data ----------------------------------------------------------

_CODE_LIMIT = 1 << 62  # combined key codes stay below this (int64)
_TABLE_LIMIT = 1 << 26  # up to this many codes, membership is looked up in a table of booleans


def _positions(part: pa.ChunkedArray, values: pa.Array) -> np.ndarray:
    """Position of each cell of ``part`` in ``values`` (-1 where it is not there)."""
    return pc.fill_null(pc.index_in(part, value_set=values), -1).to_numpy(zero_copy_only=False).astype(np.int64)


@dataclass
class _KeyCodes:
    """The duplicate key of each row as one integer: equal integers ⇔ equal keys (where ``found``)."""

    found: np.ndarray  # each part of the row's key is a value of that column in the current data
    mine: np.ndarray  # the incoming rows' codes (meaningful where found)
    theirs: np.ndarray  # the current rows' codes
    size: int  # codes are in range(size)

    def subset(self, keep: np.ndarray) -> _KeyCodes:
        return _KeyCodes(self.found[keep], self.mine[keep], self.theirs, self.size)


def _key_codes(valid: pd.DataFrame, current: pd.DataFrame, key: list[str]) -> _KeyCodes:
    """Each key column encoded as its position among the current column's distinct values (Arrow hash
    lookups), the positions combined into one integer per row: no Python object per cell."""
    mine = np.zeros(len(valid), dtype=np.int64)
    theirs = np.zeros(len(current), dtype=np.int64)
    found = np.ones(len(valid), dtype=bool)
    size = 1
    for column in key:
        current_part = _key_part(current, column)
        values = pc.unique(current_part)
        if isinstance(values, pa.ChunkedArray):  # pragma: no cover - pyarrow returns an Array
            values = values.combine_chunks()
        mine_part = _positions(_key_part(valid, column), values)
        found &= mine_part >= 0
        if not found.any():  # no incoming key is a current one: the codes are not needed
            return _KeyCodes(found, mine, theirs, size)
        if size * len(values) >= _CODE_LIMIT:  # renumber the combined codes densely before they could overflow
            distinct, theirs = np.unique(theirs, return_inverse=True)
            at = np.minimum(np.searchsorted(distinct, mine), len(distinct) - 1)
            found &= distinct[at] == mine
            mine, size = at, len(distinct)
        mine = mine * len(values) + np.maximum(mine_part, 0)
        theirs = theirs * len(values) + _positions(current_part, values)
        size *= len(values)
    return _KeyCodes(found, mine, theirs, size)


def find_duplicates(valid: pd.DataFrame, current: pd.DataFrame, schema: DatasetSchema,
                    codes: _KeyCodes | None = None) -> pd.DataFrame:
    """Valid rows whose duplicate key (same URL / place id / metric+period+source) is in ``current``.

    The keys are compared as integers (``_key_codes``; ``codes`` when the caller has them already).
    """
    key = list(schema.duplicate_key)
    if valid.empty or current is None or current.empty or not set(key) <= set(valid.columns):
        return valid.iloc[0:0][[c for c in key if c in valid.columns]]
    codes = codes or _key_codes(valid, current, key)
    if not codes.found.any():  # no incoming key is a current one (a boolean .loc over every row costs more)
        return valid.iloc[0:0][key]
    mask = codes.found.copy()
    if codes.size <= _TABLE_LIMIT:  # a table of the current codes: one lookup per row
        table = np.zeros(codes.size, dtype=bool)
        table[codes.theirs] = True
        mask[mask] = table[codes.mine[mask]]
    else:
        mask[mask] = np.isin(codes.mine[mask], codes.theirs)
    return valid.loc[mask, key]


def _key_part(frame: pd.DataFrame, column: str) -> pa.ChunkedArray:
    """One duplicate-key column as Arrow text (numbers as pandas writes them), missing → ""."""
    return arrow_text(frame[column].astype("string").fillna(""))


def _unique_conflicts(valid: pd.DataFrame, current: pd.DataFrame, schema: DatasetSchema,
                      file_name: str, codes: _KeyCodes | None = None) -> list[Problem]:
    """Unique ids (``article_id``, ``metric_id``) already used by a *different* current row.

    Each incoming id is looked up once in the current ids (the first current row with that id counts),
    and its duplicate key is compared with that row's as integers (``_key_codes``; ``codes`` when the
    caller has them): re-uploading the same rows is not a conflict, and only the real conflicts become
    ``Problem`` objects.
    """
    problems: list[Problem] = []
    if current is None or current.empty or valid.empty:
        return problems
    key = list(schema.duplicate_key)
    for f in schema.fields:
        if not f.unique or f.name in key or f.name not in valid.columns or f.name not in current.columns:
            continue
        ids = valid[f.name].astype("string")
        at = pc.index_in(arrow_text(ids), value_set=arrow_text(current[f.name].astype("string")).combine_chunks(),
                         skip_nulls=True)  # position of the first current row with the same id, null if none
        if at.null_count == len(at):
            continue
        codes = codes or _key_codes(valid, current, key)
        hit = _arrow_mask(pc.is_valid(at))
        theirs = codes.theirs[pc.fill_null(at, 0).to_numpy(zero_copy_only=False)]
        differs = hit & (~codes.found | (codes.mine != theirs))
        for idx, value in zip(valid.index[differs], ids[differs], strict=True):
            problems.append(Problem(file_name, int(idx), f.name, str(value), "unique_current", Message(
                N_("'{value}' is already the {column} of another row in the current {kind}; choose a new id"),
                value=str(value), column=f.name, kind=schema.kind)))
    return problems


def references_for(kind: str, store: Store) -> dict[str, pd.DataFrame]:
    schema = get_schema(kind)
    kinds = {f.references[0] for f in schema.fields if f.references and f.references[0] != kind}
    out = {}
    current = store.current_versions()
    for k in kinds:
        if k in current:
            out[k] = store.read(k)
    return out


# -- the pipeline --------------------------------------------------------------------------------

def _empty_prepared(file_name, data, sha256: str, table: TextTable | None, guess, kind, mapping, problems
                    ) -> Prepared:
    return Prepared(file_name, data, sha256, table.detected if table else None,
                    list(table.frame.columns) if table else [], guess, kind, mapping, None, problems, [],
                    pd.DataFrame(), table.frame.head(20) if table else pd.DataFrame())


# hashes and compresses uploads beside their checks (hashlib and zstd release the GIL on large buffers)
_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qazdash-upload")


def prepare(data: bytes | memoryview, file_name: str, store: Store | None, options: UploadOptions | None = None,
            progress: Progress | None = None) -> Prepared:
    """Read and check an upload without writing anything. Raises ``QazdashDataError`` when unreadable.

    Beside the checks, one background thread hashes the file (SHA-256) and then compresses it as the store
    keeps it, so that a commit after the analyst has read the report does not wait for that.
    """
    digest = _BACKGROUND.submit(sha256_of, data)
    packed = _BACKGROUND.submit(compress_raw, data)
    try:
        prepared = _prepare(data, file_name, store, options, progress, digest)
    except BaseException:
        packed.cancel()
        raise
    if prepared.result is None:
        packed.cancel()  # nothing to commit
    else:
        prepared.packed = packed
    return prepared



def _prepare(data: bytes | memoryview, file_name: str, store: Store | None, options: UploadOptions | None,
             progress: Progress | None, digest: Future) -> Prepared:
    from qazdash.ingest import realworld

    options = options or UploadOptions()
    read_opts = _merge_options(options.read, mapping_options(options.mapping))
    table = read_table(data, file_name, read_opts, progress)
    _, constants, saved_opts = split_mapping(options.mapping or {})
    converter = saved_opts.get("converter")
    if converter:
        table = realworld.convert(converter, table, saved_opts, options)
    if options.reference_day is None and saved_opts.get("reference_day"):
        options = replace(options, reference_day=realworld.reference_day(saved_opts["reference_day"]))
    headers = list(table.frame.columns)
    guess = detect_kind(headers)
    kind = options.kind or guess.kind
    if not len(table.frame) and not table.problems:
        return _empty_prepared(file_name, data, digest.result(), table, guess, kind, {}, [Problem(
            file_name, None, None, None, "no_rows", Message(N_("the file has a header but no data rows")))])
    if options.mapping is not None:
        mapping = dict(options.mapping)
    elif kind is not None:
        mapping = guess.mapping if kind == guess.kind else auto_mapping(headers, get_schema(kind))
    else:
        mapping = {}
    if kind is None:
        hint = realworld.hint(table)
        return _empty_prepared(file_name, data, digest.result(), table, guess, None, mapping, [Problem(
            file_name, None, None, None, "kind",
            Message(N_("cannot tell which dataset this is (articles, places, legs or statistics): no column name "
                       "matches; choose the kind and map the columns. {hint}"), hint=hint) if hint else
            Message(N_("cannot tell which dataset this is (articles, places, legs or statistics): no column name "
                       "matches; choose the kind and map the columns")))])
    schema = get_schema(kind)
    mapping_errors = check_mapping({k: v for k, v in mapping.items() if not k.startswith(OPTION_PREFIX)},
                                   headers, kind)
    if mapping_errors:
        return _empty_prepared(file_name, data, digest.result(), table, guess, kind, mapping, [
            Problem(file_name, None, None, None, "mapping",
                    Message(N_("the column mapping cannot be used: {reason}"), reason=e))
            for e in mapping_errors])

    mapped = apply_mapping(table.frame, mapping, schema)
    warnings = list(table.warnings)
    suggestion = realworld.hint(table) if options.mapping is None else ""
    if suggestion:
        warnings.append(Problem(file_name, None, None, None, "suggestion", suggestion))
    warnings += [Problem(file_name, None, h, None, "unmapped_column",
                         Message(N_("column '{column}' is not imported"), column=h))
                for h in headers if mapping.get(h, IGNORE) == IGNORE and table.frame[h].str.strip().ne("").any()
                and CONST_PREFIX + h not in mapping]
    if progress:
        progress(0.5, N_("Checking values"))
    mapped, originals, cell_problems, value_warnings, checks = _normalise(mapped, schema, table.detected, options,
                                                                         file_name)
    warnings += value_warnings
    result = validate(mapped, schema, file_name=file_name, references=references_for(kind, store) if store else {},
                      checked=checks)
    if progress:
        progress(0.8, N_("Comparing with the current data"))

    problems: list[Problem] = list(table.problems)
    seen: set[tuple[int, str]] = set()
    for p in result.problems:
        key = (p.row, p.column)
        if key in cell_problems:
            if key not in seen:
                problems.append(cell_problems[key])
                seen.add(key)
            continue
        if p.rule == "missing_column":
            shown = ", ".join(f"{h} (→ {mapping[h]})" if mapping.get(h) not in (None, IGNORE, h) else h
                              for h in headers)
            p = Problem(p.file, None, p.column, None, p.rule,
                        Message(N_("required column '{column}' is missing; the file's columns are: {columns}"),
                                column=p.column, columns=shown))
        elif p.column in originals and p.row is not None:
            p = replace(p, value=str(originals[p.column].get(p.row, p.value)))
        problems.append(p)
    for key, problem in cell_problems.items():  # rules the schema validator does not know (e.g. too_long)
        if key not in seen and not any(p.row == key[0] and p.column == key[1] for p in result.problems):
            problems.append(problem)
    if cell_problems:
        bad_rows = {row for row, _ in cell_problems}
        result.frame = result.frame[~result.frame.index.isin(bad_rows)]
    current = None
    if store is not None and kind in store.current_versions():
        current = store.read(kind)
    codes = None  # the duplicate keys as integers, shared by the two comparisons with the current data
    if current is not None and not current.empty and not result.frame.empty \
            and set(schema.duplicate_key) <= set(result.frame.columns):
        codes = _key_codes(result.frame, current, list(schema.duplicate_key))
    conflicts = _unique_conflicts(result.frame, current, schema, file_name, codes)
    if conflicts:
        bad = {p.row for p in conflicts}
        keep = ~result.frame.index.isin(bad)
        result.frame = result.frame[keep]
        codes = codes.subset(keep) if codes is not None else None
        problems += conflicts
    problems.sort(key=lambda p: (p.row if p.row is not None else -1, p.column or ""))
    duplicates = find_duplicates(result.frame, current, schema, codes) if current is not None else pd.DataFrame()
    if progress:
        progress(0.9, N_("Report ready"))
    return Prepared(file_name, data, digest.result(), table.detected, headers, guess, kind, mapping, result,
                    problems, warnings, duplicates, table.frame.head(20), extra_invalid=len(table.problems))


def rows_to_commit(prepared: Prepared, on_duplicate: OnDuplicate = "skip", mode: str = "append") -> pd.DataFrame:
    """The valid rows that a commit would write (duplicates dropped for "skip" when appending)."""
    frame = prepared.valid_frame
    if mode == "append" and on_duplicate == "skip" and len(prepared.duplicates):
        frame = frame[~frame.index.isin(prepared.duplicates.index)]
    return frame


def _tag(frame: pd.DataFrame, store: Store) -> pd.DataFrame:
    """Fill blank places/corridors/organisations of uploaded articles with the news tagger."""
    try:
        from qazdash.gazetteer import build_gazetteer
        from qazdash.tagging import tag_articles
    except ImportError:  # the tagger is optional; untagged articles are still valid
        return frame
    gazetteer = build_gazetteer(store.read("nodes"), store.read("segments"))
    return tag_articles(frame, gazetteer)


def commit(prepared: Prepared, store: Store, *, author: str, mode: Literal["append", "replace"] = "append",
           on_duplicate: OnDuplicate = "skip", note: str = "", allow_invalid: bool = False,
           progress: Progress | None = None) -> Version:
    """Write the valid rows as a new current version (all or nothing); the raw file is kept with it."""
    if prepared.result is None or prepared.kind is None:
        raise QazdashDataError(N_("Nothing to commit"),
                               Message(N_("The file was not checked against a dataset kind.")))
    if prepared.problems and not allow_invalid:
        raise QazdashDataError(N_("The file has invalid rows"),
                               Message(N_("{invalid} of {rows} rows are invalid; nothing was written."),
                                       invalid=prepared.invalid, rows=prepared.rows),
                               Message(N_("Fix the file and upload it again, or choose to commit only the valid "
                                          "rows.")))
    frame = rows_to_commit(prepared, on_duplicate, mode)
    if frame.empty:
        raise QazdashDataError(N_("Nothing to commit"),
                               Message(N_("No valid new rows remain (all were invalid or duplicates).")))
    if progress:
        progress(0.92, N_("Writing the new version"))
    if prepared.kind == "articles":
        frame = _tag(frame, store)
    skipped = len(prepared.duplicates) if mode == "append" and on_duplicate == "skip" else 0
    counts = (f"rows {prepared.rows}, valid {prepared.valid}, invalid {prepared.invalid}, written {len(frame)}, "
              f"duplicates {len(prepared.duplicates)} ({'skipped' if skipped else 'updated'})")
    full_note = f"{note.strip()} [{counts}]".strip()
    version = store.commit(prepared.kind, frame, author=author, source_name=prepared.file_name,
                           raw=prepared.data, raw_sha256=prepared.sha256, mode=mode, note=full_note,
                           raw_packed=prepared.packed.result if prepared.packed is not None else None,
                           replace_keys=(mode == "append" and on_duplicate == "update"))
    if progress:
        progress(1.0, N_("Committed"))
    return version
