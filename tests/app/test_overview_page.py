"""Overview page, as a user reads it."""

from tests.app.conftest import assert_no_errors, open_page, page_text


def test_overview_shows_latest_news_and_corridors():
    at = open_page("overview")
    assert_no_errors(at)
    text = page_text(at)
    assert "Kazakhstan's trade corridors" in text
    assert "Latest cooperation news" in text
    # corridors with their length and number of legs
    assert "Trans-Caspian International Transport Route (Middle Corridor)" in text
    assert "km along the main line" in text


def test_overview_in_russian_names_corridors_in_russian():
    at = open_page("overview", {"lang": "ru"})
    assert_no_errors(at)
    assert "Транскаспийский международный транспортный маршрут (Средний коридор)" in page_text(at)


def test_overview_headline_figures_carry_unit_period_basis_and_source():
    at = open_page("overview")
    assert_no_errors(at)
    # the Kazakh Ministry of Transport's series: 4.119 Mt in 2025 after 4.484 Mt in 2024
    assert (at.metric[0].label, at.metric[0].value, at.metric[0].delta) == ("2025", "4.12 Mt", "-8.1% vs 2024")
    text = page_text(at)
    assert "Middle Corridor cargo volume" in text
    assert "Kazakhstan–China trade turnover (Chinese customs, GACC)" in text
    assert "Kazakhstan–China trade turnover (Kazakh statistics)" in text
    assert "Report.az (citing Ministry of Transport of Kazakhstan)" in text
    assert "Kazakh Ministry of Transport" in text


def test_pages_run_through_the_router_with_the_language_of_the_url():
    """After switch_page the page still runs inside app.py: the language selector is there, lang applies."""
    at = open_page("sources", {"lang": "ru"})
    assert_no_errors(at)
    assert [s.label for s in at.selectbox if s.key == "app_language"] == ["Language · Язык · Тіл"]
    assert at.title[0].value != "Data & sources"  # translated
