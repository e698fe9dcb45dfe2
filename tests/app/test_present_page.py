"""AppTest of /present: the view preset comes from the URL and the share link carries it."""

from __future__ import annotations

from tests.app.conftest import assert_no_errors, open_page, page_text


def test_present_opens_with_the_overview():
    at = open_page("present")
    assert_no_errors(at)
    assert at.selectbox(key="present_view").value == "overview"
    assert "Share this view" in page_text(at)


def test_present_view_from_the_url():
    at = open_page("present", {"present_view": "titr_middle_corridor"})
    assert_no_errors(at)
    assert at.selectbox(key="present_view").value == "titr_middle_corridor"
    assert "/present" in at.code[0].value


def test_present_preset_can_be_changed():
    at = open_page("present")
    at.selectbox(key="present_view").set_value("caspian").run()
    assert_no_errors(at)
    assert at.selectbox(key="present_view").value == "caspian"
