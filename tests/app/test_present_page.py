"""AppTest of /present: the view preset from the URL and in the share link; saved views (save, open, rename,
delete by author or analyst), the tour (steps, order and position in the URL, autoplay), and follow mode
with a presenter and an audience as two sessions of the same server."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from qazdash.i18n import set_language
from qazdash.presenting import Presenting
from qazdash.ui import present
from qazdash.ui.data import get_store
from tests.app.conftest import assert_no_errors, open_page, page_text


@pytest.fixture(autouse=True)
def fresh_store():
    """Each test has its own database: the process-wide store is re-opened on it."""
    get_store.clear()
    yield
    get_store.clear()


def presenter(name: str = "Aigerim", query: dict | None = None) -> AppTest:
    at = open_page("present", query)
    at.text_input(key="present_name").set_value(name).run()
    return at


def save(at: AppTest, name: str, view: str | None = None) -> AppTest:
    if view:
        at.selectbox(key="present_view").set_value(view).run()
    at.text_input(key="present_save_name").set_value(name)
    return at.button(key="present_save").click().run()


def step_caption(at: AppTest) -> str:
    return next((m.value for m in at.markdown if "Step" in m.value or "Шаг" in m.value), "")


def saved(at: AppTest) -> list[tuple[int, str]]:
    return [(v.id, v.name) for v in Presenting(get_store().engine).views()]


# -- the view and the share link ------------------------------------------------------------------------
def test_present_opens_with_the_overview():
    at = open_page("present")
    assert_no_errors(at)
    assert at.selectbox(key="present_view").value == "overview"
    text = page_text(at)
    assert "Share this view" in text
    assert "No saved views yet" in text  # the empty state says what to do
    assert "present_next" not in [b.key for b in at.button]  # no tour without saved views


def test_present_view_from_the_url():
    at = open_page("present", {"present_view": "titr_middle_corridor"})
    assert_no_errors(at)
    assert at.selectbox(key="present_view").value == "titr_middle_corridor"
    assert "/present" in at.code[0].value and "present_view=titr_middle_corridor" in at.code[0].value


def test_present_preset_can_be_changed():
    at = open_page("present")
    at.selectbox(key="present_view").set_value("caspian").run()
    assert_no_errors(at)
    assert at.selectbox(key="present_view").value == "caspian"


# -- saved views ---------------------------------------------------------------------------------------
def test_save_a_view_lists_it_for_everyone():
    at = save(presenter(), "Caspian *ports* <b>", "caspian")
    assert_no_errors(at)
    text = page_text(at)
    assert "Saved “Caspian *ports* <b>”." in text  # shown literally, not as Markdown or HTML
    assert saved(at) == [(1, "Caspian *ports* <b>")]
    assert at.session_state["present_save_name"] == ""
    other = open_page("present")  # another browser session sees it
    assert "Caspian *ports* <b>" in page_text(other)
    assert "saved by Aigerim" in page_text(other)


def test_saving_needs_a_name_and_the_presenters_name():
    at = open_page("present")
    at.text_input(key="present_save_name").set_value("Caspian")
    at.button(key="present_save").click().run()
    assert "Enter your name" in at.error[0].value
    at.text_input(key="present_name").set_value("Aigerim").run()
    at.text_input(key="present_save_name").set_value("   ")
    at.button(key="present_save").click().run()
    assert "Enter a name for the view" in at.error[0].value
    save(at, "Caspian", "caspian")
    save(at, "Caspian", "kazakhstan")
    assert "exists already" in at.error[0].value
    assert saved(at) == [(1, "Caspian")]


def test_open_a_saved_view_switches_the_view_and_the_url():
    at = save(presenter(), "Middle Corridor", "titr_middle_corridor")
    at.selectbox(key="present_view").set_value("overview").run()
    at.button(key="present_open_1").click().run()
    assert_no_errors(at)
    assert at.selectbox(key="present_view").value == "titr_middle_corridor"
    assert at.query_params["present_view"] == "titr_middle_corridor"
    assert at.query_params["present_step"] == "1"
    assert "present_view=titr_middle_corridor" in at.code[0].value


def test_a_view_keeps_its_language(monkeypatch):
    # AppTest formats the picker's options in the test's thread: make that Russian too while the page is
    set_language("ru")
    try:
        at = save(presenter(query={"lang": "ru"}), "Каспий", "caspian")
    finally:
        set_language("en")
    assert Presenting(get_store().engine).views()[0].params == {"present_view": "caspian", "lang": "ru"}
    at = presenter("Dmitry")  # an English session opens it: the page turns Russian, as the link would
    at.button(key="present_open_1").click().run()
    assert_no_errors(at)
    assert at.query_params["lang"] == "ru"
    assert at.title[0].value == "Торговые коридоры Казахстана"
    assert at.selectbox(key="present_view").value == "caspian"


def test_rename_and_delete_by_the_author():
    at = save(presenter(), "Caspian", "caspian")
    at.text_input(key="present_rename_name_1").set_value("Caspian crossing")
    at.button(key="present_rename_1").click().run()
    assert "Renamed to “Caspian crossing”." in page_text(at)
    at.button(key="present_delete_1").click().run()
    assert_no_errors(at)
    assert saved(at) == []
    assert "No saved views yet" in page_text(at)


def test_others_cannot_rename_or_delete_even_by_calling_the_action():
    at = save(presenter(), "Caspian", "caspian")
    other = presenter("Dmitry")
    # the popovers are greyed out for them; the actions themselves refuse too (as if pressed anyway)
    other.button(key="present_delete_1").click().run()
    assert "Only the author of “Caspian” or an analyst may delete it." in other.error[0].value
    other.text_input(key="present_rename_name_1").set_value("Mine")
    other.button(key="present_rename_1").click().run()
    assert "may rename it" in other.error[0].value
    assert saved(at) == [(1, "Caspian")]


def test_an_analyst_may_delete_any_view():
    save(presenter(), "Caspian", "caspian")
    analyst = open_page("present")
    analyst.session_state["auth_role"] = "analyst"
    analyst.session_state["auth_author"] = "Test Analyst"
    analyst.run()
    analyst.button(key="present_delete_1").click().run()
    assert_no_errors(analyst)
    assert saved(analyst) == []


# -- the tour ------------------------------------------------------------------------------------------
def three_views() -> AppTest:
    at = presenter()
    for name, view in [("Overview", "overview"), ("Caspian", "caspian"), ("Kazakhstan", "kazakhstan")]:
        save(at, name, view)
    return at


def test_tour_next_and_previous_with_the_step_caption():
    at = three_views()
    assert "Press Next to start" in page_text(at)
    at.button(key="present_next").click().run()
    assert step_caption(at) == "**Step 1 of 3** · Overview"
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    at.button(key="present_next").click().run()
    assert step_caption(at) == "**Step 3 of 3** · Kazakhstan"
    assert at.selectbox(key="present_view").value == "kazakhstan"
    assert at.button(key="present_next").disabled
    at.button(key="present_prev").click().run()
    assert_no_errors(at)
    assert step_caption(at) == "**Step 2 of 3** · Caspian"
    assert at.selectbox(key="present_view").value == "caspian"
    assert at.query_params["present_step"] == "2"
    assert "present_step=2" in at.code[0].value


def test_the_link_reproduces_the_tour_position():
    at = three_views()
    link = open_page("present", {"present_view": "caspian", "present_step": "2"})
    assert_no_errors(link)
    assert step_caption(link) == "**Step 2 of 3** · Caspian"
    assert link.selectbox(key="present_view").value == "caspian"
    link.button(key="present_next").click().run()
    assert link.selectbox(key="present_view").value == "kazakhstan"
    assert "present_step" not in at.query_params  # the presenter's own session did not move


def test_a_step_beyond_the_tour_is_ignored():
    three_views()
    at = open_page("present", {"present_step": "99"})
    assert_no_errors(at)
    assert "Press Next to start" in page_text(at)


def test_reorder_the_tour_keeps_the_order_in_the_url():
    at = three_views()
    at.button(key="present_next").click().run()  # step 1: Overview
    at.button(key="present_down_1").click().run()
    assert at.query_params["present_tour"] == "2,1,3"
    assert at.query_params["present_step"] == "2"  # the step follows the view it shows
    assert step_caption(at) == "**Step 2 of 3** · Overview"
    at.button(key="present_prev").click().run()
    assert step_caption(at) == "**Step 1 of 3** · Caspian"
    at.button(key="present_up_1").click().run()  # back to the saved order: the URL drops the parameter
    assert "present_tour" not in at.query_params


def test_changing_the_view_by_hand_leaves_the_tour_step():
    at = three_views()
    at.button(key="present_next").click().run()
    at.selectbox(key="present_view").set_value("titr_middle_corridor").run()
    assert "present_step" not in at.query_params
    assert "Press Next to start" in page_text(at)


def test_autoplay_steps_on_a_timer_run_and_loops():
    at = three_views()
    at.toggle(key="present_autoplay").set_value(True).run()
    assert "present_step" not in at.query_params  # turning it on starts the clock, it does not step
    for expected in ["1", "2", "3", "1"]:
        at.session_state[present.LAST_STEP_AT] = 0.0  # as if the interval had passed
        at.run()
        assert at.query_params["present_step"] == expected
    assert at.selectbox(key="present_view").value == "overview"
    at.run()  # a rerun within the interval does not step
    assert at.query_params["present_step"] == "1"


# -- follow mode -----------------------------------------------------------------------------------------
def start_live(at: AppTest) -> str:
    at.button(key="present_live_start").click().run()
    assert_no_errors(at)
    return at.session_state[present.LIVE][0]


def test_follow_mode_the_audience_sees_the_presenters_view():
    at = presenter("Aigerim <img src=x>")
    code = start_live(at)
    assert any(f"follow={code}" in c.value for c in at.code)
    assert f"Live session {code}: your audience sees this view." in page_text(at)
    audience = open_page("present", {"follow": code})
    assert_no_errors(audience)
    assert "Following Aigerim <img src=x>'s view: Europe to the Pacific" in page_text(audience)
    assert "present_view" not in [s.key for s in audience.selectbox]  # a follower has no picker
    at.selectbox(key="present_view").set_value("caspian").run()
    audience.run()  # the poll's rerun
    assert "Following Aigerim <img src=x>'s view: Caspian crossing" in page_text(audience)
    save(at, "Middle", "titr_middle_corridor")
    at.button(key="present_next").click().run()  # a tour step moves the audience too
    audience.run()
    assert "Middle Corridor" in page_text(audience) or "Trans-Caspian" in page_text(audience)
    assert_no_errors(audience)


def test_stop_following_keeps_the_view_and_gives_the_picker_back():
    at = presenter()
    code = start_live(at)
    at.selectbox(key="present_view").set_value("kazakhstan").run()
    audience = open_page("present", {"follow": code})
    audience.button(key="present_stop_following").click().run()
    assert_no_errors(audience)
    assert "follow" not in audience.query_params
    assert audience.selectbox(key="present_view").value == "kazakhstan"
    audience.selectbox(key="present_view").set_value("caspian").run()  # their own view now
    assert Presenting(get_store().engine).live(code).params["present_view"] == "kazakhstan"


def test_ended_session_says_so():
    at = presenter()
    code = start_live(at)
    audience = open_page("present", {"follow": code})
    at.button(key="present_live_end").click().run()
    audience.run()
    assert_no_errors(audience)
    assert "Aigerim has ended this live session" in page_text(audience)
    assert audience.button(key="present_stop_following")


@pytest.mark.parametrize(("code", "message"), [
    ("ABC234", "No live session has the code ABC234"),
    ("abc-234", "No live session has the code ABC234"),
    ("<script>alert(1)</script>", "no valid live-session code"),
    ("", "no valid live-session code"),
])
def test_unknown_or_malformed_codes_give_a_clear_message(code, message):
    at = open_page("present", {"follow": code})
    assert_no_errors(at)
    assert message in page_text(at)
    assert at.button(key="present_stop_following")


def test_follow_link_in_russian():
    at = presenter()
    code = start_live(at)
    audience = open_page("present", {"follow": code, "lang": "ru"})
    assert_no_errors(audience)
    assert "Вы следите за показом: Aigerim — Из Европы к Тихому океану" in page_text(audience)
    assert audience.button(key="present_stop_following").label == "Перестать следовать"


def test_a_saved_view_whose_map_is_gone_is_said_so_and_the_tour_goes_on():
    from qazdash.presenting import Actor

    store = Presenting(get_store().engine)
    store.save_view("Old corridor", {"present_view": "retired_corridor"}, Actor("Aigerim", "t"))
    store.save_view("Caspian", {"present_view": "caspian"}, Actor("Aigerim", "t"))
    at = open_page("present")
    assert "(a view no longer available)" in page_text(at)
    at.button(key="present_next").click().run()
    assert_no_errors(at)
    assert "The map view retired_corridor does not exist (any more)." in at.warning[0].value.replace("\\", "")
    assert step_caption(at) == "**Step 1 of 2** · Old corridor"
    at.button(key="present_next").click().run()
    assert at.selectbox(key="present_view").value == "caspian"
    assert not at.warning


def test_a_presenter_who_reloaded_takes_the_live_session_back_with_the_key():
    at = presenter()
    code = start_live(at)
    at.selectbox(key="present_view").set_value("caspian").run()
    key = at.session_state[present.LIVE][1]
    assert key in [c.value for c in at.code]  # shown to the presenter (in the "Presenter key" expander)
    audience = open_page("present", {"follow": code})

    reloaded = open_page("present")  # a new session: the reload lost the live session and the name
    assert reloaded.button(key="present_live_start")
    reloaded.text_input(key="present_resume_code").set_value(code.lower())
    reloaded.text_input(key="present_resume_key").set_value("not the key")
    reloaded.button(key="present_resume").click().run()
    assert not reloaded.exception
    assert f"This presenter key does not belong to live session {code}." in [e.value for e in reloaded.error]
    assert present.LIVE not in reloaded.session_state

    reloaded.text_input(key="present_resume_key").set_value(key)
    reloaded.button(key="present_resume").click().run()
    assert_no_errors(reloaded)
    assert f"You present live session {code} again." in [s.value for s in reloaded.success]
    assert reloaded.selectbox(key="present_view").value == "caspian"  # what the audience sees: nothing jumps
    assert reloaded.text_input(key="present_name").value == "Aigerim"
    reloaded.selectbox(key="present_view").set_value("kazakhstan").run()  # and moves the audience again
    audience.run()
    assert "Following Aigerim's view: Kazakhstan" in page_text(audience)
