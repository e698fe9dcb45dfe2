"""Bytes → a table of strings, with what was detected (format, encoding, separator, header row, decimals).

Everything detected is returned in ``Detected`` so the page and the command line can show it, and every
detected setting can be overridden with ``ReadOptions``. Encodings other than UTF-8/UTF-16 are detected
with charset-normalizer. The table is parsed by ``pyarrow.csv`` (multi-threaded, no copy of a UTF-8 file)
into a frame of strings whose index is the row number as a spreadsheet shows it (header = its own row).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from qazdash.errors import Problem, QazdashDataError
from qazdash.i18n import N_, Message

SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("pipe")}
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1251", "cp1252", "latin-1")
SAMPLE_BYTES = 1 << 20  # 1 MiB is plenty to sniff separator, header and decimals
MAX_LINE_BYTES = 1 << 20  # a "table" with no line break in its first MiB is not a table
MAX_CELL_CHARS = 100_000

Progress = Callable[[float, str], None]

# Magic numbers of files that are commonly renamed to .csv by mistake.
_MAGIC = (
    (b"%PDF", N_("a PDF document")),
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"\xd0\xcf\x11\xe0", N_("an old Excel or Word file (.xls/.doc)")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"Rar!", N_("a RAR archive")),
    (b"7z\xbc\xaf", N_("a 7-Zip archive")),
    (b"SQLite format 3", N_("an SQLite database")),
    (b"\x7fELF", N_("a program")),
    (b"MZ", N_("a Windows program")),
)
# charset-normalizer ranks single-byte code pages by "chaos"; on short Excel files it often prefers a
# rare sibling (ptcp154, mac_latin2). Excel in a Russian/Kazakh locale writes Windows-1251; Western
# systems write Windows-1252/Latin-1. Among the library's candidates we prefer those.
_CYRILLIC_LANGUAGES = {"Russian", "Bulgarian", "Ukrainian", "Kazakh", "Serbian", "Macedonian", "Belarusian"}


@dataclass(frozen=True)
class ReadOptions:
    """Overrides of what is detected; ``None`` means "detect"."""

    encoding: str | None = None
    separator: str | None = None
    header_row: int | None = None  # 1-based row of the header; 0 = the file has no header
    decimal: str | None = None  # "." or ","
    thousands: str | None = None  # "", ",", ".", " "
    sheet: str | None = None  # XLSX sheet name

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Detected:
    """What the reader found (or was told): shown to the analyst, each item can be overridden."""

    format: str  # csv | xlsx
    encoding: str
    separator: str
    header_row: int  # 0 = no header
    decimal: str
    thousands: str
    sheet: str | None = None
    bom: bool = False
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"format": self.format, "encoding": self.encoding, "separator": self.separator,
                "header_row": self.header_row, "decimal": self.decimal, "thousands": self.thousands,
                "sheet": self.sheet, "bom": self.bom}


@dataclass
class TextTable:
    """The file as strings: ``frame`` index = spreadsheet row number; ``problems`` = rows that could not be read."""

    file_name: str
    frame: pd.DataFrame
    detected: Detected
    problems: list[Problem] = field(default_factory=list)
    columns_original: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def unreadable(file_name: str, message: Message, hint: str = "") -> QazdashDataError:
    """The error for a file that is not a readable table: ``message`` says why (after the file's name)."""
    err = QazdashDataError(N_("The file cannot be read"), Message(N_("{file}: {reason}"), file=file_name,
                                                                  reason=message), Message(hint) if hint else "")
    err.unreadable = True  # type: ignore[attr-defined]
    return err


# -- format and encoding --------------------------------------------------------------------------

def _sniff_format(data: memoryview, file_name: str) -> str:
    head = bytes(data[:16])
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            raise unreadable(file_name, Message(N_("it starts like a ZIP/XLSX file but the archive is damaged.")),
                             N_("Open it in Excel and save it again as .xlsx or CSV.")) from None
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise unreadable(file_name, Message(N_("it is a ZIP archive, not a spreadsheet.")),
                         N_("Unpack it and upload the CSV inside."))
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise unreadable(file_name, Message(N_("this is {what}, not a table (CSV, TSV or XLSX)."),
                                                what=Message(what)),
                             N_("Open it in the program that made it and save or export it as CSV or .xlsx."))
    return "csv"


def _bom_encoding(data: memoryview) -> str | None:
    head = bytes(data[:4])
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without BOM has a NUL in every other byte for ASCII characters."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    guess = None
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        guess = "utf-16-le"
    elif even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        guess = "utf-16-be"
    if guess is None:
        return None
    text = sample[: len(sample) // 2 * 2].decode(guess, errors="replace")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    return guess if controls <= 0.01 * len(text) else None


def _as_one_value(buffer: pa.Buffer | memoryview, utf8: bool = False) -> pa.Array:
    """The whole buffer as one binary (or string) value, without copying it: for Arrow's byte scans."""
    data = buffer if isinstance(buffer, pa.Buffer) else pa.py_buffer(buffer)
    offsets = pa.py_buffer(np.array([0, data.size], dtype=np.int64))
    return pa.Array.from_buffers(pa.large_string() if utf8 else pa.large_binary(), 1, [None, offsets, data])


def _is_utf8(data: memoryview) -> bool:
    """Whether all of ``data`` is valid UTF-8 (Arrow's vectorised check, no copy)."""
    try:
        _as_one_value(data, utf8=True).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _utf8_error(data: memoryview) -> int | None:
    """Byte offset of the first invalid UTF-8 sequence, or ``None``: decoded in chunks, nothing kept."""
    if _is_utf8(data):
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunk = 1 << 22
    for start in range(0, len(data), chunk):
        part = bytes(data[start:start + chunk])
        try:
            decoder.decode(part, final=start + chunk >= len(data))
        except UnicodeDecodeError as exc:
            return start + exc.start
    return None


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def detect_encoding(data: memoryview, file_name: str) -> tuple[str, bool, list[str]]:
    """``(encoding, has_bom, notes)``; raises when the bytes are binary or mix encodings."""
    bom = _bom_encoding(data)
    if bom:
        return bom, True, []
    sample = bytes(data[:SAMPLE_BYTES])
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16, False, []
    if b"\x00" in sample:
        first_nul = sample.index(b"\x00")
        raise unreadable(file_name, Message(N_("it contains NUL bytes (first at byte {at}): it is a binary file, "
                                               "not text."), at=first_nul),
                         N_("Export the data as CSV (UTF-8) and upload that file."))
    bad_at = _utf8_error(data)
    if bad_at is None:
        return "utf-8", False, []
    before = bytes(data[max(0, bad_at - SAMPLE_BYTES):bad_at])
    if len(_UTF8_MULTIBYTE.findall(before)) >= 3:
        line = bytes(data[:bad_at]).count(b"\n") + 1
        raise unreadable(
            file_name,
            Message(N_("it mixes encodings: the text before line {line} is UTF-8, but line {line} has bytes that "
                       "are not UTF-8 ({byte} at byte {at})."), line=line, byte=f"0x{data[bad_at]:02X}", at=bad_at),
            N_("Open the file in a text editor and save the whole file again as UTF-8."),
        )
    from charset_normalizer import from_bytes

    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        raise unreadable(file_name, Message(N_("its text encoding could not be recognised (it looks like binary "
                                               "data).")),
                         N_("Save it as CSV UTF-8 in Excel (File → Save as → CSV UTF-8)."))
    candidates = [m.encoding for m in matches]
    chosen = best.encoding
    if set(best.languages) & _CYRILLIC_LANGUAGES and "cp1251" in candidates:
        chosen = "cp1251"
    elif not set(best.languages) & _CYRILLIC_LANGUAGES:
        high = bytes(range(0x80, 0xA0))
        chosen = "cp1252" if any(b in high for b in sample) else "latin-1"
        try:
            bytes(data).decode(chosen)
        except UnicodeDecodeError:
            chosen = best.encoding
    return chosen, False, [f"charset-normalizer suggested {best.encoding}; read as {chosen}"]


# -- separator and header -------------------------------------------------------------------------

def _records(text: str, sep: str, limit: int = 200) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    out = []
    try:
        for row in reader:
            out.append(row)
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def detect_separator(text: str) -> str:
    """The separator that splits most lines of the sample into the same number (> 1) of fields."""
    best, best_score = ",", -1.0
    for sep in SEPARATORS:
        rows = [r for r in _records(text, sep) if r]
        if not rows:
            continue
        counts = Counter(len(r) for r in rows)
        width, n = counts.most_common(1)[0]
        if width < 2:
            continue
        score = n / len(rows) * min(width, 50) ** 0.5
        if score > best_score:
            best, best_score = sep, score
    return best


_NUMBERISH = re.compile(r"^[-+]?[\d\s.,\u00a0]+$")
_DATEISH = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_YEAR = re.compile(r"^(19|20)\d{2}$")


def _looks_like_header(row: list[str], width: int) -> bool:
    cells = [c.strip() for c in row]
    filled = [c for c in cells if c]
    if len(cells) < width or len(filled) < max(1, 0.6 * width):
        return False
    if any(_NUMBERISH.match(c) and not _YEAR.match(c) or _DATEISH.match(c) for c in filled):
        return False
    return len(set(filled)) >= 0.6 * len(filled)  # Excel exports may repeat a name ("Примечание" twice)


def detect_header(text: str, sep: str) -> int:
    """1-based record number of the header (metadata lines above it are skipped), 0 if there is none."""
    records = _records(text, sep)
    filled = [r for r in records if r and any(c.strip() for c in r)]
    widths = Counter(len(r) for r in filled[len(filled) // 2:])  # data rows dominate the end of the sample
    if not widths:
        return 1
    width = widths.most_common(1)[0][0]
    for i, row in enumerate(records[:30]):
        # a title line padded to the table's width ("Report;;;;" from Excel, every row of an XLSX sheet)
        # is not the header: it fills few cells before its trailing empty ones
        reach = max((j + 1 for j, c in enumerate(row) if c.strip()), default=0)
        if len(row) >= width and reach > width // 2:
            return i + 1 if _looks_like_header(row, width) else 0
    return 1


# -- decimals -------------------------------------------------------------------------------------

_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_DOT = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$")
_THOUSANDS_SPACE = re.compile(r"^[-+]?\d{1,3}([ \u00a0\u202f]\d{3})+(,\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[-+]?\d+,\d+$")
_DOT_DECIMAL = re.compile(r"^[-+]?\d+\.\d+$")


def detect_decimal(cells: list[str], sep: str) -> tuple[str, str]:
    """``(decimal, thousands)`` from numeric-looking cells; a ``;`` separator hints at a comma locale."""
    votes: Counter = Counter()
    for raw in cells:
        c = raw.strip()
        if not c or not _NUMBERISH.match(c):
            continue
        if _THOUSANDS_SPACE.match(c) and " " in c or "\u00a0" in c or "\u202f" in c:
            votes[(",", " ")] += 1
        elif _THOUSANDS_COMMA.match(c) and ("." in c or c.count(",") >= 2):
            votes[(".", ",")] += 1
        elif _THOUSANDS_DOT.match(c) and ("," in c or c.count(".") >= 2):
            votes[(",", ".")] += 1
        elif _COMMA_DECIMAL.match(c):
            if len(c.split(",")[1]) != 3 or sep != ",":
                votes[(",", "")] += 1
        elif _DOT_DECIMAL.match(c):
            votes[(".", "")] += 1
    if not votes:
        return ("," if sep == ";" else "."), ""
    (dec, thou), _n = votes.most_common(1)[0]
    if not thou:  # a thousands separator seen anywhere with the same decimal mark
        for (d, t), _ in votes.most_common():
            if d == dec and t:
                thou = t
                break
    return dec, thou


# -- reading ---------------------------------------------------------------------------------------

def _unique_names(names: list[str]) -> list[str]:
    out, seen = [], Counter()
    for i, name in enumerate(names):
        name = (name or "").strip().lstrip("\ufeff") or f"column_{i + 1}"
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _line_of(data: bytes, text: str) -> int | None:
    pos = data.find(text.encode("utf-8", "replace")[:200])
    return None if pos < 0 else data.count(b"\n", 0, pos) + 1


def _read_csv(data: memoryview, file_name: str, options: ReadOptions, progress: Progress | None) -> TextTable:
    if len(data) == 0 or not bytes(data[:SAMPLE_BYTES]).strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise unreadable(file_name, Message(N_("the file is empty.")),
                         N_("Upload a file with a header row and at least one row."))
    notes: list[str] = []
    if options.encoding:
        encoding, bom = options.encoding, bytes(data[:3]) == codecs.BOM_UTF8
        if encoding == "utf-8" and bom:
            encoding = "utf-8-sig"
    else:
        encoding, bom, notes = detect_encoding(data, file_name)
    sample_bytes = bytes(data[:SAMPLE_BYTES])
    truncated = len(data) > SAMPLE_BYTES
    try:
        sample = codecs.getincrementaldecoder(encoding)(errors="strict").decode(sample_bytes, final=not truncated)
    except UnicodeDecodeError as exc:
        raise unreadable(file_name, Message(N_("it is not valid {encoding} (byte {byte} at position {at} cannot be "
                                               "decoded)."), encoding=encoding,
                                            byte=f"0x{sample_bytes[exc.start]:02X}", at=exc.start),
                         N_("Choose another encoding, or save the file as CSV UTF-8.")) from None
    except LookupError:
        raise unreadable(file_name, Message(N_("unknown encoding {encoding}."), encoding=repr(encoding))) from None
    sample = sample.lstrip("\ufeff")
    if "\n" not in sample and "\r" not in sample and len(data) >= MAX_LINE_BYTES:
        raise unreadable(file_name, Message(N_("its first {size} MB hold no line break: it is one enormous line, "
                                               "not a table."), size=MAX_LINE_BYTES // (1 << 20)),
                         N_("Check that the file was exported as CSV with one row per line."))
    if truncated and "\n" in sample:  # the last record of the sample may be half a row
        sample = sample[: sample.rindex("\n") + 1]
    sep = options.separator or detect_separator(sample)
    if not truncated:  # the whole file is in the sample: let the strict csv module find broken quoting
        reader = csv.reader(io.StringIO(sample), delimiter=sep, strict=True)
        try:
            for _ in reader:
                pass
        except csv.Error:
            raise unreadable(file_name, Message(N_("a quoted cell opened on line {line} or before is never closed "
                                                   "(an opening \" without its closing \")."), line=reader.line_num),
                             N_("Check the quotes in the file, or export it again from the spreadsheet.")) from None
    header_row = options.header_row if options.header_row is not None else detect_header(sample, sep)
    records = _records(sample, sep, limit=max(header_row, 1) + 500)
    if header_row:
        if header_row > len(records):
            raise unreadable(file_name, Message(N_("it has no row {row} to use as the header."), row=header_row))
        names = _unique_names(records[header_row - 1])
        width = len(records[header_row - 1])
    else:
        width = Counter(len(r) for r in records if r).most_common(1)[0][0]
        names = [f"column_{i + 1}" for i in range(width)]
    body = records[header_row:] if header_row else records
    cells = [c for r in body[:500] for c in r]
    decimal, thousands = detect_decimal(cells, sep)
    decimal = options.decimal or decimal
    thousands = options.thousands if options.thousands is not None else thousands
    if progress:
        progress(0.05, N_("Reading the file"))

    # pyarrow reads UTF-8: pass a UTF-8 file as it is (no copy), transcode anything else once.
    # A file detected as UTF-8 or transcoded here is known to be valid UTF-8: pyarrow need not check it again.
    utf8_checked = encoding != "utf-8-sig" and not options.encoding
    if encoding in ("utf-8", "utf-8-sig"):
        buffer = pa.py_buffer(data[3:] if bom or bytes(data[:3]) == codecs.BOM_UTF8 else data)
    else:
        utf8_checked = True
        try:
            buffer = pa.py_buffer(codecs.decode(data, encoding).lstrip("\ufeff").encode("utf-8"))
        except UnicodeDecodeError as exc:
            raise unreadable(file_name, Message(N_("it is not valid {encoding} (byte {byte} at position {at})."),
                                                encoding=encoding, byte=f"0x{data[exc.start]:02X}", at=exc.start),
                             N_("Choose another encoding, or save the file as CSV UTF-8.")) from None
    quoted = pc.match_substring_regex(_as_one_value(buffer), '"').to_pylist()[0]  # RE2: memchr speed
    ragged: list[tuple[int, int, str]] = []

    def on_invalid(row) -> str:
        ragged.append((row.expected_columns, row.actual_columns, row.text))
        return "skip"

    try:
        table = pacsv.read_csv(
            buffer,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=max(header_row - 1, 0) if header_row else 0,
                skip_rows_after_names=1 if header_row else 0, block_size=1 << 24,
            ),
            # without a quote in the file no cell can hold a line break: pyarrow then splits the file
            # into blocks without tracking quotes (faster)
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=quoted,
                                             invalid_row_handler=on_invalid),
            # large_string is what pandas' Arrow strings hold: no conversion of the offsets afterwards
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False, check_utf8=not utf8_checked,
            ),
        )
    except pa.ArrowInvalid as exc:
        msg = str(exc)
        if "straddling" in msg or "quote" in msg.lower():
            raise unreadable(file_name, Message(N_("a quoted cell is never closed (an opening \" without its "
                                                   "closing \").")),
                             N_("Check the quotes in the file, or export it again from the spreadsheet.")) from None
        raise unreadable(file_name, Message(N_("the CSV parser stopped: {error}"), error=msg)) from None
    del buffer
    frame = table.to_pandas(types_mapper=lambda t: pd.StringDtype("pyarrow") if t == pa.large_string() else None)
    del table
    start = (header_row or 0) + 1
    frame.index = pd.RangeIndex(start, start + len(frame))
    problems = []
    raw_bytes = bytes(data[:SAMPLE_BYTES * 4]) if ragged else b""
    for expected, actual, text in ragged[:200]:
        line = _line_of(raw_bytes, text) if len(ragged) <= 200 else None
        problems.append(Problem(file_name, line, None, text[:200], "ragged",
                                Message(N_("this row has {cells} cells but the header has {expected}"),
                                        cells=actual, expected=expected)))
    if len(ragged) > 200:
        problems.append(Problem(file_name, None, None, None, "ragged",
                                Message(N_("{count} rows have a different number of cells than the header"),
                                        count=len(ragged))))
    detected = Detected("csv", encoding, sep, header_row, decimal, thousands, bom=bom, notes=notes)
    return TextTable(file_name, frame, detected, problems, names)


# Text of calamine's cell errors as Excel shows them (openpyxl returned the cell's text, e.g. "#DIV/0!").
_EXCEL_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
                 "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}
_CELL_ERROR = re.compile(r"'Error\((\w+)\)'")
# How fastexcel renders a non-text cell when asked for strings: booleans as true/false, dates as
# "YYYY-MM-DD HH:MM:SS[.fff]", numbers as Excel's "General" format shows them (11 significant digits,
# "6.04e-06"). Columns with such cells are read again typed, and those cells written as ``_cell_text`` does.
_BOOL_RENDERED = r"^(true|false)$"
_DATETIME_RENDERED = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$"
_NUMBER_RENDERED = r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$"
SAMPLE_ROWS = 200


def _timestamp_text(values: pa.Array, time_only_day: str) -> pa.Array:
    """Timestamps as ``_cell_text`` writes datetimes: a date at midnight as ``YYYY-MM-DD``, otherwise
    ``YYYY-MM-DD HH:MM:SS[.ffffff]``; values before day 1 of the workbook's epoch (``time_only_day``) are
    times of day (openpyxl's ``datetime.time``): ``HH:MM:SS[.ffffff]``."""
    micro = values.cast(pa.timestamp("us"))
    seconds = values.cast(pa.timestamp("s"), safe=False)
    day = pc.strftime(values, "%Y-%m-%d")
    whole = pc.equal(pc.cast(seconds, pa.timestamp("us")), micro)
    midnight = pc.equal(pc.cast(pc.cast(micro, pa.date32()), pa.timestamp("us")), micro)
    clock = pc.if_else(whole, pc.strftime(seconds, "%H:%M:%S"), pc.strftime(micro, "%H:%M:%S"))
    stamp = pc.if_else(midnight, day, pc.binary_join_element_wise(day, clock, " "))
    return pc.if_else(pc.equal(day, time_only_day), clock, stamp).cast(pa.large_string())


def _float_text(values: pa.Array) -> pa.Array:
    """Numbers as ``_cell_text`` writes them: integral values without ``.0``, others as Python's ``repr``."""
    integral = pc.and_(pc.equal(pc.floor(values), values), pc.less(pc.abs(values), 2.0 ** 63))
    as_int = pc.cast(pc.if_else(integral, values, 0.0), pa.int64(), safe=False).cast(pa.large_string())
    text = pc.if_else(integral, as_int, values.cast(pa.large_string()))
    # pyarrow's shortest round-trip digits are Python's; their notation differs outside [1e-4, 1e15)
    odd = pc.and_(pc.invert(integral), pc.or_(pc.less(pc.abs(values), 1e-4), pc.greater_equal(pc.abs(values), 1e15)))
    odd = pc.or_(odd, pc.greater_equal(pc.abs(values), 2.0 ** 63))
    if pc.any(odd).as_py():
        where = pc.indices_nonzero(pc.fill_null(odd, False)).to_pylist()
        fixed = text.to_pylist()
        for i, v in zip(where, values.take(where).to_pylist(), strict=True):
            fixed[i] = _cell_text(v)
        text = pa.array(fixed, pa.large_string())
    return text


def _one_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _replace_at(column: pa.Array, mask: pa.Array, replacement: pa.Array) -> pa.Array:
    return pc.if_else(pc.fill_null(mask, False), replacement, column)


def _xlsx_text(book, sheet_name: str) -> tuple[list[pa.Array], list[int]]:
    """The sheet as fastexcel renders it, one ``large_string`` array per column (null: empty, or a cell to
    look at typed), from row 1 and column A; and fastexcel's index of each column (-1: empty column A…)."""
    sheet = book.load_sheet(sheet_name, header_row=None, skip_rows=0, dtypes="string")
    infos = sheet.available_columns()
    table, errors = sheet.to_arrow_with_errors()
    del sheet
    if table.num_rows == 0 or not infos:
        return [], []
    positions = {info.index: k for k, info in enumerate(infos)}  # errors count from the first column read
    columns = [_one_array(table.column(k)).cast(pa.large_string()) for k in range(table.num_columns)]
    del table
    if errors is not None:  # cells holding a formula's error: Excel's text of the error, as openpyxl gave it
        patches: dict[int, dict[int, str]] = {}
        for err in errors.errors:
            m = _CELL_ERROR.search(err.detail)
            row, col = err.offset_position
            if m and col in positions:
                patches.setdefault(positions[col], {})[row] = _EXCEL_ERRORS.get(m.group(1), f"#{m.group(1)}")
        for k, cells in patches.items():
            values = columns[k].to_pylist()
            for row, text in cells.items():
                values[row] = text
            columns[k] = pa.array(values, pa.large_string())
    lead = infos[0].absolute_index  # fastexcel starts at the first column that holds something
    empty = pa.nulls(len(columns[0]), pa.large_string())
    return [empty] * lead + columns, [-1] * lead + [info.absolute_index for info in infos]  # use_columns: absolute


def _exact(book, sheet_name: str, columns: list[pa.Array], indexes: list[int], time_only_day: str) -> list[pa.Array]:
    """``columns`` (the sheet as rendered) with every boolean, date and number cell written as ``_cell_text``
    does, from those columns read again typed: as numbers where a cell looks like a number or a boolean, as
    dates where one looks like a date (one more pass over the sheet; two if a column has both). Empty: ""."""
    rows = len(columns[0]) if columns else 0
    marks: dict[int, tuple[pa.Array, pa.Array, pa.Array]] = {}
    wanted: list[dict[int, str]] = [{}, {}]
    for k, col in enumerate(columns):
        if indexes[k] < 0:
            continue
        numbers = pc.fill_null(pc.match_substring_regex(col, _NUMBER_RENDERED), False)
        stamps = pc.fill_null(pc.match_substring_regex(col, _DATETIME_RENDERED), False)
        bools = pc.fill_null(pc.match_substring_regex(col, _BOOL_RENDERED), False)
        marks[k] = (numbers, stamps, bools)
        as_number, as_date = pc.any(numbers).as_py() or pc.any(bools).as_py(), pc.any(stamps).as_py()
        if as_number:
            wanted[0][k] = "float"
        if as_date:
            wanted[0 if not as_number else 1][k] = "datetime"
    for dtypes in wanted:
        if not dtypes:
            continue
        use = [indexes[k] for k in dtypes]
        batch = book.load_sheet(sheet_name, header_row=None, skip_rows=0, use_columns=use,
                                dtypes={indexes[k]: dtype for k, dtype in dtypes.items()}).to_arrow()
        for j, (k, dtype) in enumerate(dtypes.items()):
            values = _one_array(batch.column(j))
            if len(values) < rows:
                continue
            values = values.slice(0, rows)
            numbers, stamps, bools = marks[k]
            col, valid = columns[k], pc.is_valid(values)
            if dtype == "float":
                # fastexcel rendered numbers as Excel's General format and parses text that looks like a number:
                # a number cell is one whose rendering lost digits; otherwise the rendering is the cell's text
                rendered = pc.cast(pc.if_else(numbers, col, "0"), pa.float64())
                lossy = pc.and_(pc.and_(numbers, valid), pc.not_equal(rendered, pc.fill_null(values, 0.0)))
                if pc.any(lossy).as_py():
                    col = _replace_at(col, lossy, _float_text(pc.fill_null(values, 0.0)))
                col = _replace_at(col, pc.and_(bools, valid), pc.if_else(pc.equal(col, "true"), "True", "False"))
            else:
                col = _replace_at(col, pc.and_(stamps, valid), _timestamp_text(values, time_only_day))
            columns[k] = col
        del batch
    return [pc.fill_null(c, "") for c in columns]


def _rows_of(columns: list[pa.Array], start: int, stop: int) -> list[list[str]]:
    cells = [c.slice(start, max(stop - start, 0)).to_pylist() for c in columns]
    return [list(r) for r in zip(*cells, strict=True)]


def _last_filled_row(columns: list[pa.Array]) -> int:
    """Index of the last row with a non-blank cell (-1: none): trailing blank rows are not part of the table."""
    rows = len(columns[0]) if columns else 0
    for tail in (1, 1024, rows):  # calamine ends the sheet at its last cell: usually the last row has text
        start = max(rows - tail, 0)
        filled = None
        for col in columns:
            has = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(col.slice(start)), ""), False)
            filled = has if filled is None else pc.or_(filled, has)
        if filled is not None and pc.any(filled).as_py():
            return start + pc.indices_nonzero(filled)[-1].as_py()
        if start == 0:
            break
    return -1


def _epoch_day(data: memoryview) -> str:
    """The day fastexcel gives an Excel time of day (serial number below 1): the epoch's day 0."""
    try:
        workbook = zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    except (KeyError, zipfile.BadZipFile):
        return "1899-12-31"
    return "1904-01-01" if re.search(rb'date1904="(1|true)"', workbook) else "1899-12-31"


def _damaged_workbook(file_name: str, exc: Exception) -> QazdashDataError:
    return unreadable(file_name, Message(N_("the Excel workbook is damaged ({error})."), error=type(exc).__name__),
                      N_("Open it in Excel and save it again."))


def _read_xlsx(data: memoryview, file_name: str, options: ReadOptions, progress: Progress | None) -> TextTable:
    import fastexcel

    try:
        book = fastexcel.read_excel(bytes(data))
        sheet_names = book.sheet_names
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for damaged files
        raise _damaged_workbook(file_name, exc) from None
    sheet_name = options.sheet or sheet_names[0]
    if sheet_name not in sheet_names:
        raise unreadable(file_name, Message(N_("it has no sheet {sheet}; sheets: {sheets}."), sheet=repr(sheet_name),
                                            sheets=", ".join(sheet_names)))
    if progress:
        progress(0.05, N_("Reading the file"))
    time_only_day = _epoch_day(data)
    try:
        columns, indexes = _xlsx_text(book, sheet_name)
        last = _last_filled_row(columns)
        if last < 0:
            raise unreadable(file_name, Message(N_("the sheet {sheet} is empty."), sheet=repr(sheet_name)))
        columns = [c.slice(0, last + 1) for c in columns]
        width = len(columns)
        columns = _exact(book, sheet_name, columns, indexes, time_only_day)
    except fastexcel.FastExcelError as exc:
        raise _damaged_workbook(file_name, exc) from None
    del book
    sample = _rows_of(columns, 0, SAMPLE_ROWS)
    text = "\n".join("\t".join(c.replace("\t", " ").replace("\n", " ") for c in r) for r in sample)
    header_row = options.header_row if options.header_row is not None else detect_header(text, "\t")
    if header_row > last + 1:
        raise unreadable(file_name, Message(N_("it has no row {row} to use as the header."), row=header_row))
    body = [c.slice(header_row) for c in columns]
    if header_row:
        names = _unique_names(_rows_of(columns, header_row - 1, header_row)[0])
    else:
        names = [f"column_{i + 1}" for i in range(width)]
    decimal, thousands = detect_decimal([c for r in _rows_of(body, 0, 500) for c in r], "\t")
    frame = pa.table(body, names=[f"c{i}" for i in range(width)]).rename_columns(names).to_pandas(
        types_mapper=lambda t: pd.StringDtype("pyarrow") if t == pa.large_string() else None)
    start = (header_row or 0) + 1
    frame.index = pd.RangeIndex(start, start + len(frame))
    detected = Detected("xlsx", "xlsx", "", header_row, options.decimal or decimal,
                        options.thousands if options.thousands is not None else thousands, sheet=sheet_name)
    return TextTable(file_name, frame, detected, [], names)


def _cell_text(value: object) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(data: bytes | memoryview, file_name: str, options: ReadOptions | None = None,
               progress: Progress | None = None) -> TextTable:
    """Read CSV/TSV/XLSX bytes into strings; raises ``QazdashDataError`` (``.unreadable``) when it cannot."""
    options = options or ReadOptions()
    view = memoryview(data)
    fmt = _sniff_format(view, file_name) if len(view) else "csv"
    table = (_read_xlsx if fmt == "xlsx" else _read_csv)(view, file_name, options, progress)
    if table.frame.shape[1] == 0:
        raise unreadable(file_name, Message(N_("no columns were found.")))
    if progress:
        progress(0.4, N_("File read"))
    return table
