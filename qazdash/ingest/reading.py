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
        if len(row) >= width and any(c.strip() for c in row):
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


def _read_xlsx(data: memoryview, file_name: str, options: ReadOptions, progress: Progress | None) -> TextTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        raise unreadable(file_name, Message(N_("the Excel workbook is damaged ({error})."),
                                            error=type(exc).__name__),
                         N_("Open it in Excel and save it again.")) from None
    sheet_name = options.sheet or book.sheetnames[0]
    if sheet_name not in book.sheetnames:
        raise unreadable(file_name, Message(N_("it has no sheet {sheet}; sheets: {sheets}."), sheet=repr(sheet_name),
                                            sheets=", ".join(book.sheetnames)))
    rows = []
    for values in book[sheet_name].iter_rows(values_only=True):
        rows.append(["" if v is None else _cell_text(v) for v in values])
    book.close()
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise unreadable(file_name, Message(N_("the sheet {sheet} is empty."), sheet=repr(sheet_name)))
    text = "\n".join("\t".join(c.replace("\t", " ").replace("\n", " ") for c in r) for r in rows[:200])
    header_row = options.header_row if options.header_row is not None else detect_header(text, "\t")
    if header_row:
        names = _unique_names(rows[header_row - 1])
        body = rows[header_row:]
    else:
        width = max(len(r) for r in rows)
        names = [f"column_{i + 1}" for i in range(width)]
        body = rows
    width = len(names)
    body = [(r + [""] * width)[:width] for r in body]
    frame = pd.DataFrame(body, columns=names, dtype="string")
    start = (header_row or 0) + 1
    frame.index = pd.RangeIndex(start, start + len(frame))
    decimal, thousands = detect_decimal([c for r in body[:500] for c in r], "\t")
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
