"""One translation function for every UI string, backed by gettext catalogs read with Babel.

English is the source language. ``qazdash/locales/<lang>/LC_MESSAGES/qazdash.po`` holds Russian
and Kazakh; ``make i18n`` extracts new strings and updates the catalogs. The active language is a
context variable set once per script run from ``?lang=`` (see ``qazdash.ui.i18n``).

Strings defined at import time are marked with ``N_`` and translated where they are shown.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "qazdash"

_language: ContextVar[str] = ContextVar("qazdash_language", default=DEFAULT_LANGUAGE)


def normalize_language(code: str | None) -> str:
    """A supported language code for ``code`` (``'RU'`` → ``'ru'``), English for anything else."""
    code = (code or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def set_language(code: str | None) -> str:
    """Make ``code`` the active language of this thread's context; returns the language used."""
    lang = normalize_language(code)
    _language.set(lang)
    return lang


def get_language() -> str:
    return _language.get()


@cache
def _catalog(lang: str) -> dict[str, str]:
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def gettext(message: str, lang: str | None = None) -> str:
    """``message`` in the active (or given) language; the English text where no translation exists."""
    return _catalog(lang or get_language()).get(message, message)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a string for extraction without translating it now."""
    return message


def localized(record, base: str = "name", lang: str | None = None) -> str:
    """``record[f"{base}_{lang}"]``, falling back to English where that translation is empty."""
    lang = lang or get_language()
    for key in (f"{base}_{lang}", f"{base}_en"):
        value = record.get(key) if hasattr(record, "get") else None
        if isinstance(value, str) and value.strip():
            return value
    return ""


def format_number(value: float | int | None, digits: int = 1, lang: str | None = None) -> str:
    """A number with the language's separators (``4,484.0`` / ``4 484,0``); an en dash for missing."""
    if value is None or value != value:  # NaN
        return "–"
    pattern = "#,##0" if digits == 0 else "#,##0." + "#" * digits
    return format_decimal(value, format=pattern, locale=Locale.parse(lang or get_language()))
