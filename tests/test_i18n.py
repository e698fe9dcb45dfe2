"""The translation function, language choice and number formatting."""

from __future__ import annotations

import pytest

from qazdash.i18n import LANGUAGES, _catalog, format_number, gettext, localized, normalize_language, set_language


@pytest.mark.parametrize(("code", "lang"), [("ru", "ru"), ("RU", "ru"), ("kk", "kk"), ("de", "en"), ("", "en"),
                                            (None, "en"), ("ru-RU", "ru")])
def test_normalize_language(code, lang):
    assert normalize_language(code) == lang


def test_english_is_the_source_language():
    assert gettext("Overview", "en") == "Overview"
    assert gettext("A sentence nobody translated", "ru") == "A sentence nobody translated"


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_catalogs_exist_for_russian_and_kazakh(lang):
    from qazdash.i18n import LOCALES_DIR

    assert (LOCALES_DIR / lang / "LC_MESSAGES" / "qazdash.po").exists()
    assert isinstance(_catalog(lang), dict)


def test_localized_name_falls_back_to_english():
    row = {"name_en": "Qingdao", "name_ru": "Циндао", "name_kk": ""}
    assert localized(row, lang="ru") == "Циндао"
    assert localized(row, lang="kk") == "Qingdao"
    assert localized(row, lang="en") == "Qingdao"


@pytest.mark.parametrize(
    ("value", "digits", "lang", "text"),
    [
        (4484.0, 0, "en", "4,484"),
        (4.119, 3, "en", "4.119"),
        (4484.5, 1, "ru", "4\xa0484,5"),
        (None, 1, "en", "–"),
        (float("nan"), 1, "en", "–"),
    ],
)
def test_format_number(value, digits, lang, text):
    assert format_number(value, digits, lang) == text


def test_language_is_per_context():
    set_language("kk")
    from qazdash.i18n import get_language

    assert get_language() == "kk"
    set_language("en")
    assert set(LANGUAGES) == {"en", "ru", "kk"}
