"""Dates as analysts write them → canonical text, ambiguity reported, never guessed."""

from __future__ import annotations

from datetime import date

import pytest

from qazdash.ingest.dates import column_day_first, parse_date

REF = date(2025, 12, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-12-01", "2025-12-01"),
        ("2025-12", "2025-12"),
        ("2025", "2025"),
        ("01.12.2025", "2025-12-01"),
        ("1.2.2025", "2025-02-01"),
        ("01.12.2025 14:30", "2025-12-01"),
        ("2025-12-01T08:00:00Z", "2025-12-01"),
        ("12.2025", "2025-12"),
        ("25/11/2025", "2025-11-25"),
        ("11/25/2025", "2025-11-25"),
        ("5/5/2025", "2025-05-05"),
        ("01 декабря 2025", "2025-12-01"),
        ("1 мая 2024", "2024-05-01"),
        ("3 марта 2024 г.", "2024-03-03"),
        ("декабрь 2025", "2025-12"),
        ("1 желтоқсан 2025", "2025-12-01"),
        ("2025 жылғы 15 наурыз", "2025-03-15"),
        ("21 May 2024", "2024-05-21"),
        ("May 21, 2024", "2024-05-21"),
        ("Сегодня", "2025-12-01"),
        ("Вчера", "2025-11-30"),
        ("Бүгін", "2025-12-01"),
        ("Кеше", "2025-11-30"),
        ("", ""),
    ],
)
def test_parse(value, expected):
    assert parse_date(value, reference_day=REF).text == expected


@pytest.mark.parametrize(
    ("value", "rule", "fragment"),
    [
        ("03/04/2025", "ambiguous_date", "2025-04-03 or 2025-03-04"),
        ("31.02.2025", "date", "not a real date"),
        ("01.12.25", "date", "two-digit year"),
        ("2025-13-01", "date", "not a real date"),
        ("next week", "date", "not a date"),
        ("Сегодня", "relative_date", "reference day"),
    ],
)
def test_bad_dates_say_why(value, rule, fragment):
    result = parse_date(value)
    assert result.text is None
    assert result.rule == rule
    assert fragment in result.message


def test_day_first_choice_resolves_ambiguity():
    assert parse_date("03/04/2025", day_first=True).text == "2025-04-03"
    assert parse_date("03/04/2025", day_first=False).text == "2025-03-04"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["25/11/2025", "03/04/2025"], True),
        (["11/25/2025", "03/04/2025"], False),
        (["03/04/2025"], None),
        (["25/11/2025", "11/25/2025"], None),
    ],
)
def test_column_order(values, expected):
    assert column_day_first(values) is expected
