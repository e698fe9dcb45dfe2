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
