"""One translation function for every UI string, backed by gettext catalogs read with Babel.

English is the source language. ``qazdash/locales/<lang>/LC_MESSAGES/qazdash.po`` holds Russian
and Kazakh; ``make i18n`` extracts new strings and updates the catalogs. The active language is a
context variable set once per script run from ``?lang=`` (see ``qazdash.ui.i18n``).

Strings defined at import time are marked with ``N_`` and translated where they are shown.
Messages built from data (the problems of an upload) are ``Message`` objects: English text for the
command line and JSON, which remembers its template and parameters to be shown in the page language.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

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


class Message(str):
    """English text built from an ``N_``-marked template, which also renders in another language.

    ``Message(N_("expected a number from {lo:g} to {hi:g}"), lo=-90.0, hi=90.0)`` *is* the string
    ``"expected a number from -90 to 90"`` (the stable English contract: JSON, command line, tests);
    ``.localized("ru")`` renders the Russian template with the same parameters. Building one costs a
    ``str.format``, as the f-string it replaces; nothing is translated until it is shown.

    Parameters are data (values, column names, lists) shown as they are, except:
    a ``Message`` parameter is localized too (a marked phrase such as a pattern hint, or a nested
    reason), and a number with a numeric format spec (``{n:,}``, ``{lo:g}``) gets the language's
    decimal mark and digit grouping. Plain ``{row}`` integers stay as they are (row and byte numbers).
    A template without parameters is text, not a format string (its braces are literal).
    """

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        self = super().__new__(cls, template.format(**params) if params else template)
        self.template = template
        self.params = params
        return self

    def __getnewargs__(self) -> tuple[str]:  # pickle/deepcopy: rebuilt from the English text, then __dict__
        return (str(self),)

    def localized(self, lang: str | None = None) -> str:
        """This message in ``lang`` (default: the active language); English where the translation is
        missing, or when it does not fit the parameters (never raises)."""
        lang = normalize_language(lang or get_language())
        english = str.__str__(self)
        if lang == DEFAULT_LANGUAGE:
            return english
        translated = _catalog(lang).get(self.template)
        if not translated:
            return english
        if not self.params:
            return translated
        if not _same_fields(self.template, translated):
            return english
        try:
            return _Formatter(lang).vformat(translated, (), self.params)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            return english


@cache
def _same_fields(template: str, translated: str) -> bool:
    """Whether a translation has the template's placeholders (names and format specs), and parses."""
    def fields(text: str) -> list[tuple[str, str]]:
        return sorted((name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name is not None)

    try:
        return fields(template) == fields(translated)
    except ValueError:  # an unbalanced brace
        return False


class _Formatter(string.Formatter):
    """``str.format`` for a language: ``Message`` parameters localized, numbers with a numeric spec formatted."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return format(value.localized(self.lang), format_spec)
        if (isinstance(value, int | float) and not isinstance(value, bool) and format_spec
                and format_spec[-1] in ",dfgn"):
            pattern = ("#,##0" if "," in format_spec else "0") + ".######"
            return format_decimal(value, format=pattern, locale=Locale.parse(self.lang))
        return super().format_field(value, format_spec)


def localize(text: str, lang: str | None = None) -> str:
    """``text`` in the page language when it is a ``Message``; any other string as it is."""
    return text.localized(lang) if isinstance(text, Message) else text
