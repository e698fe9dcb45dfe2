"""Kind detection and column mapping from headers in English, Russian and Kazakh."""

from __future__ import annotations

import pytest

from qazdash.ingest.detect import auto_mapping, check_mapping, detect_kind, normalise_header
from qazdash.schema import get_schema


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (["article_id", "published", "title", "source", "url"], "articles"),
        (["№", "Дата", "Заголовок", "Источник", "Ссылка"], "articles"),
        (["Нөмір", "Күні", "Тақырып", "Дереккөз", "Сілтеме"], "articles"),
        (["Код", "Название", "Страна", "Тип", "Широта", "Долгота"], "nodes"),
        (["node_id", "name_en", "country_iso3", "kind", "lat", "lon"], "nodes"),
        (["corridor", "seq", "from", "to", "mode", "distance"], "segments"),
        (["metric_id", "Показатель", "Ед. изм.", "Год", "Значение", "Источник", "value type"], "statistics"),
    ],
)
def test_detect_kind(headers, kind):
    guess = detect_kind(headers)
    assert guess.kind == kind
    assert guess.sure, guess.reason


def test_unknown_headers():
    guess = detect_kind(["foo", "bar"])
    assert guess.kind is None and not guess.sure


def test_russian_mapping():
    mapping = auto_mapping(["Дата", "Заголовок", "Источник", "Широта"], get_schema("articles"))
    assert mapping == {"Дата": "published", "Заголовок": "title", "Источник": "source"}


def test_normalise_header():
    assert normalise_header(" Дата_Публикации: ") == "дата публикации"


def test_check_mapping_reports_unusable_mappings():
    errors = check_mapping({"A": "title", "B": "title", "C": "nope"}, ["A", "B"], "articles")
    assert any("no column 'C'" in e for e in errors)
    assert any("'nope'" in e for e in errors)
    assert any("more than one" in e for e in errors)
