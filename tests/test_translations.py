"""The Russian and Kazakh catalogs: complete, readable, and faithful to each msgid's placeholders."""

from __future__ import annotations

import re
import string
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from qazdash.i18n import DOMAIN, LOCALES_DIR

LANGS = ["ru", "kk"]
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
PLURAL_FORMS = {
    "ru": "nplurals=3; plural=n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && "
          "(n % 100 < 12 || n % 100 > 14) ? 1 : 2;",
    "kk": "nplurals=2; plural=(n != 1);",
}
# Messages of more than three words whose translation may equal the English or hold no Cyrillic
# letter: proper names and codes that are not translated. Empty today; add names here, not strings.
ALLOWED_UNTRANSLATED: frozenset[str] = frozenset()
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def po_path(lang: str):
    return LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def load(path) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh, abort_invalid=True)


def template_ids() -> list[str]:
    return [m.id for m in load(TEMPLATE) if m.id and isinstance(m.id, str)]


def translations(lang: str) -> dict[str, str]:
    """msgid → msgstr of the catalog; fuzzy entries count as untranslated (the app ignores them)."""
    return {m.id: ("" if m.fuzzy else str(m.string or "")) for m in load(po_path(lang))
            if m.id and isinstance(m.id, str)}


def fields(text: str) -> list[str]:
    """The ``{placeholder}`` names of ``text`` in order (``{value:.1f}`` → ``value``)."""
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_reads_without_errors_and_has_a_valid_header(lang):
    catalog = load(po_path(lang))
    assert str(catalog.locale) == lang
    assert catalog.plural_forms == PLURAL_FORMS[lang]
    assert catalog.mime_headers and dict(catalog.mime_headers)["Content-Type"] == "text/plain; charset=utf-8"
    assert not [m.id for m in catalog if m.id and m.fuzzy], "fuzzy entries are ignored by the app"


def test_template_reads_without_errors():
    assert len(template_ids()) > 100


@pytest.mark.parametrize("lang", LANGS)
def test_every_template_message_is_translated(lang):
    have = translations(lang)
    missing = [mid for mid in template_ids() if not have.get(mid, "").strip()]
    assert not missing, (
        f"{len(missing)} message(s) of qazdash.pot have no {lang} translation (run `make i18n`, then "
        f"translate them in {po_path(lang).relative_to(LOCALES_DIR.parents[1])}); first: {missing[:10]}"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_placeholders(lang):
    wrong = []
    for mid, text in translations(lang).items():
        if not text:
            continue
        try:
            if fields(text) != fields(mid):
                wrong.append((mid, text))
        except ValueError as err:  # an unbalanced brace: str.format would raise in the app
            wrong.append((mid, f"{text} ({err})"))
    assert not wrong, f"{len(wrong)} {lang} translation(s) change the placeholders: {wrong[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_long_messages_are_not_left_in_english(lang):
    copied = [mid for mid, text in translations(lang).items()
              if text and len(mid.split()) > 3 and mid not in ALLOWED_UNTRANSLATED
              and (text == mid or not CYRILLIC.search(text))]
    assert not copied, f"{len(copied)} {lang} translation(s) are an untranslated copy: {copied[:10]}"


@pytest.mark.parametrize(("mid", "lang", "expected"), [
    ("Middle Corridor", "ru", "Средний коридор"),
    ("Middle Corridor", "kk", "Орта дәліз"),
    ("Dry port", "ru", "Сухой порт"),
    ("Dry port", "kk", "Құрғақ порт"),
    ("Border crossing", "kk", "Шекара өткелі"),
    ("{value} TEU", "ru", "{value} ДФЭ"),
    ("{value} Mt", "ru", "{value} млн т"),
    ("Aktau port cargo", "kk", "Ақтау портының жүк айналымы"),
    ("Kuryk port cargo", "ru", "Грузооборот порта Курык"),
])
def test_key_terms(mid, lang, expected):
    assert translations(lang)[mid] == expected


@pytest.mark.parametrize(("lang", "expected"), [("ru", "Карта коридоров"), ("kk", "Дәліздер картасы")])
def test_the_app_reads_the_translations(lang, expected):
    from qazdash.i18n import gettext

    assert gettext("Corridor map", lang) == expected
    assert gettext("{value} Mt", lang).format(value="4,5") == "4,5 млн т"


@pytest.mark.parametrize("lang", LANGS)
def test_metric_deltas_start_with_the_change(lang):
    # st.metric colours a delta red with a down arrow when its text starts with "-": the change goes first.
    assert translations(lang)["{change} vs {year}"].startswith("{change}")
