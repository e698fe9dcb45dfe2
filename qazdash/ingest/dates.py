"""Dates as analysts write them → the schema's canonical text (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``).

Handles ISO, ``DD.MM.YYYY`` (day first, as in Russian and Kazakh use), ``D/M/YYYY`` (day/month order
decided per column from values that can only be read one way; otherwise reported as ambiguous, never
guessed), month names in Russian, Kazakh and English, and relative words (``Сегодня``, ``Вчера``,
``Бүгін``, ``Кеше``, ``today``) against a reference day the analyst gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from qazdash.i18n import N_, Message

# Stems match nominative, genitive and other case forms ("декабря", "декабрь", "желтоқсанның").
MONTH_STEMS: tuple[tuple[str, int], ...] = (
    # Russian
    ("январ", 1), ("феврал", 2), ("март", 3), ("апрел", 4), ("ма", 5), ("июн", 6), ("июл", 7),
    ("август", 8), ("сентябр", 9), ("октябр", 10), ("ноябр", 11), ("декабр", 12),
    # Kazakh
    ("қаңтар", 1), ("ақпан", 2), ("наурыз", 3), ("сәуір", 4), ("мамыр", 5), ("маусым", 6), ("шілде", 7),
    ("тамыз", 8), ("қыркүйек", 9), ("қазан", 10), ("қараша", 11), ("желтоқсан", 12),
    # English
    ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6), ("jul", 7), ("aug", 8),
    ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
)
_RU_MAY = re.compile(r"^ма[йяею]$")  # "ма" alone would also match "март"
RELATIVE_DAYS = {
    "сегодня": 0, "вчера": -1, "позавчера": -2, "бүгін": 0, "кеше": -1, "today": 0, "yesterday": -1,
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_YEAR = re.compile(r"^(\d{4})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH_YEAR_DOTTED = re.compile(r"^(\d{1,2})\.(\d{4})$")
_TIME_TAIL = re.compile(r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[+-]\d{2}:?\d{2}|Z)?)$")
_WORDS = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)


@dataclass(frozen=True)
class DateResult:
    """``text``: canonical date, or ``None`` with ``rule`` and ``message`` saying why (English; a ``Message``)."""

    text: str | None
    rule: str = ""
    message: str = ""


def _month(word: str) -> int | None:
    w = word.lower().rstrip(".")
    if _RU_MAY.match(w):
        return 5
    for stem, number in MONTH_STEMS:
        if stem == "ма":
            continue
        if w.startswith(stem) and (len(stem) >= 4 or len(w) <= 9):
            return number
    return None


def _valid(y: int, m: int, d: int | None) -> bool:
    try:
        date(y, m, d or 1)
    except ValueError:
        return False
    return 1000 <= y <= 2999


def _fmt(y: int, m: int | None = None, d: int | None = None) -> str:
    if m is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _bad(value: str, why: str = "") -> DateResult:
    return DateResult(None, "date", why or Message(
        N_("'{value}' is not a date this importer understands; write it as YYYY-MM-DD"), value=value))


def _not_real(value: str) -> DateResult:
    return _bad(value, Message(N_("'{value}' is not a real date"), value=value))


def parse_date(value: str, *, day_first: bool | None = None, reference_day: date | None = None) -> DateResult:
    """One cell → canonical text. ``day_first`` decides ``a/b/YYYY``; ``None`` reports it when ambiguous."""
    text = value.strip()
    if not text:
        return DateResult("")
    text = _TIME_TAIL.sub("", text).strip()
    low = text.lower().rstrip(".")
    if low in RELATIVE_DAYS:
        if reference_day is None:
            return DateResult(None, "relative_date", Message(
                N_("'{value}' is relative to the day the file was made; give that reference day"), value=value))
        return DateResult((reference_day + timedelta(days=RELATIVE_DAYS[low])).isoformat())
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3]) if m[3] else None
        return DateResult(_fmt(y, mo, d)) if _valid(y, mo, d) else _not_real(value)
    if _YEAR.match(text):
        return DateResult(text)
    if m := _DOTTED.match(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            return _bad(value, Message(N_("'{value}' has a two-digit year; write the year in full (YYYY)"),
                                       value=value))
        return DateResult(_fmt(y, mo, d)) if _valid(y, mo, d) else _not_real(value)
    if m := _MONTH_YEAR_DOTTED.match(text):
        mo, y = int(m[1]), int(m[2])
        return DateResult(_fmt(y, mo)) if _valid(y, mo, None) else _bad(value)
    if m := _SLASHED.match(text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        order = day_first
        if order is None:
            if a > 12 >= b:
                order = True
            elif b > 12 >= a:
                order = False
            elif a == b:
                order = True
            else:
                return DateResult(None, "ambiguous_date", Message(
                    N_("'{value}' could be {day_first} or {month_first}: day and month cannot be told apart; "
                       "choose the day/month order or write YYYY-MM-DD"),
                    value=value, day_first=_fmt(y, b, a), month_first=_fmt(y, a, b)))
        d, mo = (a, b) if order else (b, a)
        return DateResult(_fmt(y, mo, d)) if _valid(y, mo, d) else _not_real(value)
    # month names: "01 декабря 2025", "1 желтоқсан 2025 ж.", "2025 жылғы 1 желтоқсан", "May 21, 2024", "декабрь 2025"
    words = _WORDS.findall(low)
    numbers = [w for w in words if w.isdigit()]
    months = [n for n in (_month(w) for w in words if not w.isdigit()) if n]
    if len(months) == 1 and numbers:
        years = [int(n) for n in numbers if len(n) == 4]
        days = [int(n) for n in numbers if len(n) <= 2]
        if len(years) == 1 and len(days) <= 1:
            y, mo, d = years[0], months[0], (days[0] if days else None)
            if _valid(y, mo, d):
                return DateResult(_fmt(y, mo, d))
            return _not_real(value)
    return _bad(value)


def column_day_first(values: list[str]) -> bool | None:
    """Day/month order of a column of ``a/b/YYYY`` dates, from values only one order can read; else ``None``."""
    first = second = False
    for v in values:
        m = _SLASHED.match(_TIME_TAIL.sub("", v.strip()))
        if not m:
            continue
        a, b = int(m[1]), int(m[2])
        first |= a > 12
        second |= b > 12
    if first and not second:
        return True
    if second and not first:
        return False
    return None
