"""/present for presenters and their audience: the stage (map, view picker, tour steps), saved views,
live sessions, and the follower's view of a live session.

URL state of /present:

- ``present_view``: the view preset (a widget kept in the URL by ``url_choice``); ``lang``: the language;
- ``present_step``: the tour position (1-based), ``present_tour``: the tour order as saved-view ids
  (``"5,2,9"``; absent means oldest first), so a copied link reproduces the tour;
- ``follow``: an audience's live-session code. The presenter's token never enters the URL.

Actions are callbacks (they run before the script, so they may set widget state) and every write goes
through ``qazdash.presenting.Presenting``, which enforces who may do what.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from qazdash import maps
from qazdash.i18n import LANGUAGES, _, get_language
from qazdash.presenting import (
    LANG_KEY,
    LIVE_TTL,
    NAME_LIMIT,
    PRESENTER_LIMIT,
    VIEW_KEY,
    Actor,
    LiveSession,
    Presenting,
    PresentingError,
    SavedView,
    clean_view,
    format_tour,
    may_edit,
    move,
    new_token,
    next_step,
    normalize_code,
    parse_step,
    tour_order,
)
from qazdash.ui import auth, map_state
from qazdash.ui.data import get_store
from qazdash.ui.i18n import in_page_language
from qazdash.ui.url_state import url_choice
from qazdash.ui.widgets import empty_state, escape_md

STEP_PARAM = "present_step"
TOUR_PARAM = "present_tour"
FOLLOW_PARAM = "follow"
POLL_SECONDS = 2
AUTOPLAY_SECONDS = [5, 10, 15, 20, 30, 45, 60, 90, 120]
# session state (not widgets): this session's owner token, its live session, what it last published,
# the revision a follower shows, the last autoplay step, messages from callbacks
OWNER = "present_owner_token"
LIVE = "present_live"
PUBLISHED = "present_live_published"
FOLLOWED = "present_followed_revision"
LAST_STEP_AT = "present_autoplay_last"
FLASH = "present_flash"
STAGE_FLASH = "present_stage_flash"
LIVE_FLASH = "present_live_flash"
RESUME_CODE = "present_resume_code"  # widgets of "Resume a live session"
RESUME_KEY = "present_resume_key"
PAGE_LANGUAGE = "present_page_language"
NAME = "present_name"
AUTOPLAY = "present_autoplay"
AUTOPLAY_EVERY = "present_autoplay_seconds"


def presenting() -> Presenting:
    """Saved views and live sessions in the shared store (one engine per process)."""
    return Presenting(get_store().engine)


def error_text(err: PresentingError) -> str:
    """A refusal in the page language, safe to show as Markdown (names in it are user text)."""
    return _(err.message).format(**{k: escape_md(v) if isinstance(v, str) else v for k, v in err.fields.items()})


def owner_token() -> str:
    """This session's secret owner token: the views it saves may be renamed and deleted from it."""
    if OWNER not in st.session_state:
        st.session_state[OWNER] = new_token()
    return st.session_state[OWNER]


def actor() -> Actor:
    """Who this session is: the presenter name typed here (or the analyst's), owner token, analyst or not."""
    name = st.session_state.get(NAME) or auth.current_author() or ""
    return Actor(name=name, owner_token=owner_token(), is_analyst=auth.current_role() == auth.ANALYST)


def editable(view: SavedView) -> bool:
    """Whether to offer rename/delete (``Presenting`` decides again in the action)."""
    return may_edit(view.owner_hash, actor())


def current_view() -> dict[str, str]:
    """The view this session shows: the preset and the language."""
    return {VIEW_KEY: st.session_state.get(VIEW_KEY) or "overview", LANG_KEY: get_language()}


def flash(kind: str, text: str, where: str = FLASH) -> None:
    """Leave a message for the next run (callbacks cannot draw): beside the list, or on the stage."""
    st.session_state[where] = (kind, text)


def show_flash(where: str = FLASH) -> None:
    kind, text = st.session_state.pop(where, (None, None))
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "error":
        st.error(text, icon=":material/block:")
    elif kind == "warning":
        st.warning(text, icon=":material/warning:")


# -- moving between views ----------------------------------------------------------------------------
def _apply(params: Mapping[str, str], presets: Mapping[str, maps.ViewPreset], where: str = FLASH) -> bool:
    """Show a stored view (a callback: sets the picker's state and ``?lang=``); False if it no longer exists."""
    try:
        view = clean_view(params, presets)
    except PresentingError as err:
        flash("warning", error_text(err), where)
        return False
    st.session_state[VIEW_KEY] = view[VIEW_KEY]
    if view[LANG_KEY] != get_language():
        st.query_params[LANG_KEY] = view[LANG_KEY]  # read by init_language on the next run
    return True


def _tour(views: list[SavedView]) -> list[SavedView]:
    by_id = {v.id: v for v in views}
    return [by_id[i] for i in tour_order(list(by_id), st.query_params.get(TOUR_PARAM))]


def _set_step(step: int | None) -> None:
    if step is None:
        st.query_params.pop(STEP_PARAM, None)
    else:
        st.query_params[STEP_PARAM] = str(step)


@in_page_language
def _go(delta: int, presets: Mapping[str, maps.ViewPreset], wrap: bool = False) -> None:
    """Previous/Next (and autoplay): the neighbouring tour step becomes the view."""
    tour = _tour(presenting().views())
    step = next_step(parse_step(st.query_params.get(STEP_PARAM), len(tour)), len(tour), delta, wrap=wrap)
    if step is not None:
        _apply(tour[step - 1].params, presets, STAGE_FLASH)
        _set_step(step)  # even when that view's map is gone (it says so): the tour goes on past it
    st.session_state[LAST_STEP_AT] = time.monotonic()


@in_page_language
def _open(view_id: int, presets: Mapping[str, maps.ViewPreset]) -> None:
    tour = _tour(presenting().views())
    for step, view in enumerate(tour, 1):
        if view.id == view_id and _apply(view.params, presets):
            _set_step(step)
            return
    if not any(v.id == view_id for v in tour):
        flash("warning", _("That view does not exist any more."))


@in_page_language
def _left_tour() -> None:
    """The picker was changed by hand: the view is no longer a tour step (the link must not say it is)."""
    _set_step(None)


# -- the stage: picker, tour steps, map, share link ----------------------------------------------------
def stage(presets: Mapping[str, maps.ViewPreset], draw: Callable[[str], None]) -> None:
    """The presenter's stage as a fragment: with autoplay on it reruns alone every N seconds."""
    every = st.session_state.get(AUTOPLAY_EVERY) if st.session_state.get(AUTOPLAY) else None
    if st.query_params.get(LANG_KEY) == "en":  # set by opening an English view; English is the default
        st.query_params.pop(LANG_KEY)
    st.session_state[PAGE_LANGUAGE] = get_language()  # what app.py drew the page in (title, sidebar)

    @st.fragment(run_every=every)
    @in_page_language
    def _stage() -> None:
        views = presenting().views()
        tour = _tour(views)
        if every and tour:
            last = st.session_state.get(LAST_STEP_AT)
            if last is None:
                st.session_state[LAST_STEP_AT] = time.monotonic()
            elif time.monotonic() - last >= every - 0.5:  # a timer run, not a click in between
                _go(+1, presets, wrap=True)
        show_flash(STAGE_FLASH)
        picker, prev, caption, nxt = st.columns([3, 1.3, 3, 1.3], vertical_alignment="bottom")
        preset_key = url_choice(picker.selectbox, _("View"), list(presets), default=next(iter(presets)),
                                format_func=lambda k: maps.preset_label(presets[k], k), key=VIEW_KEY,
                                on_change=_left_tour)
        if get_language() != st.session_state.get(PAGE_LANGUAGE):
            st.rerun()  # a tour step in another language: the whole page must change language
        step = parse_step(st.query_params.get(STEP_PARAM), len(tour))
        if tour:
            prev.button(_("Previous"), key="present_prev", icon=":material/arrow_back:", width="stretch",
                        on_click=_go, args=(-1, presets), disabled=step == 1, type="primary")
            nxt.button(_("Next"), key="present_next", icon=":material/arrow_forward:", width="stretch",
                       on_click=_go, args=(+1, presets), disabled=step == len(tour), type="primary")
            if step is None:
                caption.caption(_("Saved views in the tour: {count}. Press Next to start.").format(count=len(tour)))
            else:
                caption.markdown("**" + escape_md(_("Step {step} of {count}").format(step=step, count=len(tour)))
                                 + "** · " + escape_md(tour[step - 1].name))
        else:
            caption.caption(_("Save views below to present them as a tour."))
        publish_live()
        draw(preset_key)
        st.caption(_("Share this view: the link opens the same view and language."))
        st.code(map_state.share_url("present"), language=None)
        if st.session_state.get(LIVE):
            st.caption(_("Live session {code}: your audience sees this view.").format(
                code=st.session_state[LIVE][0]))

    _stage()


# -- saved views and the tour ----------------------------------------------------------------------------
@in_page_language
def _save(presets: Mapping[str, maps.ViewPreset]) -> None:
    name = st.session_state.get("present_save_name", "")
    try:
        view = presenting().save_view(name, clean_view(current_view(), presets), actor())
    except PresentingError as err:
        flash("error", error_text(err))
        return
    flash("success", _("Saved “{name}”.").format(name=escape_md(view.name)))
    st.session_state["present_save_name"] = ""


@in_page_language
def _rename(view_id: int) -> None:
    try:
        view = presenting().rename_view(view_id, st.session_state.get(f"present_rename_name_{view_id}", ""),
                                        actor())
    except PresentingError as err:
        flash("error", error_text(err))
        return
    flash("success", _("Renamed to “{name}”.").format(name=escape_md(view.name)))


@in_page_language
def _delete(view_id: int) -> None:
    try:
        presenting().delete_view(view_id, actor())
    except PresentingError as err:
        flash("error", error_text(err))
        return
    flash("success", _("The view was deleted."))


@in_page_language
def _move(view_id: int, delta: int) -> None:
    ids = [v.id for v in presenting().views()]
    order = tour_order(ids, st.query_params.get(TOUR_PARAM))
    step = parse_step(st.query_params.get(STEP_PARAM), len(order))
    current = order[step - 1] if step else None
    order = move(order, view_id, delta)
    if order == ids:
        st.query_params.pop(TOUR_PARAM, None)
    else:
        st.query_params[TOUR_PARAM] = format_tour(order)
    if current is not None:  # the step follows the view it shows
        _set_step(order.index(current) + 1)


def presenter_name() -> None:
    """The presenter's name, shown with saved views and to the audience (an analyst's by default)."""
    if NAME not in st.session_state:
        st.session_state[NAME] = auth.current_author()
    st.text_input(_("Your name (shown with your saved views and to your audience)"), key=NAME,
                  max_chars=PRESENTER_LIMIT)


def saved_views(presets: Mapping[str, maps.ViewPreset]) -> None:
    """Save the current view; the saved views in tour order, to open, reorder, rename and delete."""
    st.subheader(_("Saved views and tour"))
    show_flash()
    name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    name_col.text_input(_("Name of the current view"), key="present_save_name", max_chars=NAME_LIMIT,
                        placeholder=_("e.g. Middle Corridor for the ministry"))
    button_col.button(_("Save view"), key="present_save", icon=":material/bookmark_add:", on_click=_save,
                      args=(presets,), width="stretch")
    tour = _tour(presenting().views())
    if not tour:
        empty_state(_("No saved views yet: choose a view above, give it a name and save it. Saved views "
                      "are shared with everyone and make up the tour."))
        return
    auto, every = st.columns([1, 2], vertical_alignment="bottom")
    auto.toggle(_("Autoplay"), key=AUTOPLAY, help=_("Step through the tour on a timer; only the map reruns."))
    if AUTOPLAY_EVERY not in st.session_state:
        st.session_state[AUTOPLAY_EVERY] = 20
    every.select_slider(_("Seconds per step"), options=AUTOPLAY_SECONDS, key=AUTOPLAY_EVERY,
                        disabled=not st.session_state.get(AUTOPLAY))
    if not st.session_state.get(AUTOPLAY):
        st.session_state.pop(LAST_STEP_AT, None)
    for number, view in enumerate(tour, 1):  # no "current step" mark here: autoplay reruns only the stage
        saved_view_item(view, number, len(tour), presets)


def saved_view_item(view: SavedView, number: int, count: int, presets: Mapping[str, maps.ViewPreset]) -> None:
    """One saved view in the tour list: its name and what it shows, then its actions."""
    with st.container(border=True, key=f"present_item_{view.id}"):
        text, actions = st.columns([1, 2], vertical_alignment="center")
        text.markdown(f"**{number}.** " + escape_md(view.name))
        preset = presets.get(view.params.get(VIEW_KEY, ""))
        where = maps.preset_label(preset, view.params[VIEW_KEY]) if preset else _("(a view no longer available)")
        text.caption(_("{view} · {language} · saved by {author}").format(
            view=escape_md(where), language=LANGUAGES.get(view.params.get(LANG_KEY, "en"), ""),
            author=escape_md(view.author)))
        allowed = editable(view)
        with actions.container(horizontal=True, gap="small", horizontal_alignment="right"):
            st.button(_("Open"), key=f"present_open_{view.id}", on_click=_open, args=(view.id, presets),
                      icon=":material/open_in_browser:")
            st.button(_("Up"), key=f"present_up_{view.id}", on_click=_move, args=(view.id, -1),
                      icon=":material/arrow_upward:", disabled=number == 1)
            st.button(_("Down"), key=f"present_down_{view.id}", on_click=_move, args=(view.id, +1),
                      icon=":material/arrow_downward:", disabled=number == count)
            with st.popover(_("Rename"), icon=":material/edit:", disabled=not allowed,
                            help=None if allowed else _("Only its author or an analyst may rename it.")):
                st.text_input(_("New name"), value=view.name, key=f"present_rename_name_{view.id}",
                              max_chars=NAME_LIMIT)
                st.button(_("Rename"), key=f"present_rename_{view.id}", on_click=_rename, args=(view.id,))
            with st.popover(_("Delete"), icon=":material/delete:", disabled=not allowed,
                            help=None if allowed else _("Only its author or an analyst may delete it.")):
                st.caption(_("Delete “{name}” for everyone?").format(name=escape_md(view.name)))
                st.button(_("Delete"), key=f"present_delete_{view.id}", on_click=_delete, args=(view.id,),
                          type="primary")


# -- live sessions: the presenter's side ----------------------------------------------------------------
@in_page_language
def _start_live(presets: Mapping[str, maps.ViewPreset]) -> None:
    try:
        code, token = presenting().start_live(st.session_state.get(NAME, ""), clean_view(current_view(), presets))
    except PresentingError as err:
        flash("error", error_text(err))
        return
    st.session_state[LIVE] = (code, token)
    st.session_state[PUBLISHED] = current_view()


@in_page_language
def _end_live() -> None:
    code, token = st.session_state.pop(LIVE, (None, None))
    st.session_state.pop(PUBLISHED, None)
    if code:
        with contextlib.suppress(PresentingError):  # expired already: the audience is told either way
            presenting().end_live(code, token)


@in_page_language
def _resume_live(presets: Mapping[str, maps.ViewPreset]) -> None:
    """Take control of a running live session again (this session's state was lost, e.g. by a reload)."""
    key = st.session_state.get(RESUME_KEY, "").strip()
    try:
        live = presenting().resume(st.session_state.get(RESUME_CODE, ""), key)
    except PresentingError as err:
        flash("error", error_text(err), LIVE_FLASH)
        return
    st.session_state[RESUME_KEY] = ""
    if _apply(live.params, presets, LIVE_FLASH):  # show what the audience sees, so nothing jumps
        st.session_state[LIVE] = (live.code, key)
        st.session_state[PUBLISHED] = clean_view(live.params, presets)
        if not st.session_state.get(NAME):  # the reload emptied the name field too
            st.session_state[NAME] = live.presenter
        flash("success", _("You present live session {code} again.").format(code=live.code), LIVE_FLASH)


def publish_live() -> None:
    """Send this session's view to its live session when it changed since the last send (one UPDATE)."""
    live = st.session_state.get(LIVE)
    if not live:
        return
    view = current_view()
    if view == st.session_state.get(PUBLISHED):
        return
    try:
        presenting().publish(live[0], live[1], view)
    except PresentingError as err:
        st.session_state.pop(LIVE, None)
        st.session_state.pop(PUBLISHED, None)
        st.warning(error_text(err) + " " + _("Start a new live session to share your view again."),
                   icon=":material/cast:")
        return
    st.session_state[PUBLISHED] = view


def audience_url(code: str) -> str:
    """The link the audience opens: this server's /present with ``?follow=CODE`` (and the language)."""
    base = map_state.share_url("present").split("?")[0]
    params = {FOLLOW_PARAM: code}
    if get_language() != "en":
        params[LANG_KEY] = get_language()
    return f"{base}?{urlencode(params)}"


def live_panel(presets: Mapping[str, maps.ViewPreset]) -> None:
    """Start or end a live session; while live, the code and the audience link."""
    with st.container(key="present_live_panel"):
        st.subheader(_("Live session"))
        show_flash(LIVE_FLASH)
        live = st.session_state.get(LIVE)
        if not live:
            st.caption(_("Your audience opens a link and their map follows yours: the view picker, tour steps "
                         "and opened views. Sessions end after 12 hours without a change."))
            with st.container(horizontal=True, gap="small"):
                st.button(_("Start live session"), key="present_live_start", on_click=_start_live,
                          args=(presets,), icon=":material/cast:", type="primary")
                # a form: both fields are sent with the button (a masked field whose focus moved to its
                # show-password icon has not sent its value yet)
                with st.popover(_("Resume a live session"), icon=":material/restore:"), \
                        st.form("present_resume_form", border=False, enter_to_submit=True):
                    st.caption(_("After a reload: enter the code and the presenter key shown while your session "
                                 "ran."))
                    st.text_input(_("Code"), key=RESUME_CODE, max_chars=16)
                    st.text_input(_("Presenter key"), key=RESUME_KEY, type="password", max_chars=64)
                    st.form_submit_button(_("Resume"), key="present_resume", on_click=_resume_live, args=(presets,))
            return
        code = live[0]
        st.markdown(_("Live · code **{code}**").format(code=code))
        st.caption(_("Your audience opens this link (or /present?follow= and the code):"))
        with st.container(key="present_live_link"):
            st.code(audience_url(code), language=None, wrap_lines=True)
        with st.expander(_("Presenter key"), icon=":material/key:"), st.container(key="present_live_key"):
            st.caption(_("Keep it private: with it, anyone can move your audience's map. If this page reloads, "
                         "choose “Resume a live session” and enter the code and this key."))
            st.code(live[1], language=None)
        st.button(_("End live session"), key="present_live_end", on_click=_end_live, icon=":material/cancel:")


# -- live sessions: the audience's side -----------------------------------------------------------------
def follow_code() -> str | None:
    """The raw ``?follow=`` value, or ``None`` when this is not a follow link."""
    return st.query_params.get(FOLLOW_PARAM)


@in_page_language
def _stop_following(preset_key: str | None) -> None:
    st.query_params.pop(FOLLOW_PARAM, None)
    st.session_state.pop(FOLLOWED, None)
    if preset_key:
        st.session_state[VIEW_KEY] = preset_key  # stay on the view the presenter last showed


def _stop_button(preset_key: str | None = None) -> None:
    st.button(_("Stop following"), key="present_stop_following", on_click=_stop_following, args=(preset_key,),
              icon=":material/close:")


def audience(raw_code: str, presets: Mapping[str, maps.ViewPreset], draw: Callable[[str], None]) -> None:
    """A follower's page: the presenter's current view, polled every 2 s; a clear message otherwise."""
    code = normalize_code(raw_code)
    live: LiveSession | None = presenting().live(code) if code else None
    if live is None:
        if code is None:
            empty_state(_("This follow link has no valid live-session code. Ask the presenter for the link "
                          "again, or stop following to use the map yourself."))
        else:
            empty_state(_("No live session has the code {code}. Check the code with the presenter, or stop "
                          "following to use the map yourself.").format(code=code))
        _stop_button()
        return
    try:
        preset_key = clean_view(live.params, presets)[VIEW_KEY]
    except PresentingError:
        preset_key = next(iter(presets))
    if not live.running:
        if live.ended:
            empty_state(_("{presenter} has ended this live session. Ask for a new link, or stop following "
                          "to use the map yourself.").format(presenter=escape_md(live.presenter)))
        else:
            empty_state(_("This live session expired: it had no change for {hours} hours. Ask {presenter} "
                          "for a new link, or stop following to use the map yourself.").format(
                hours=int(LIVE_TTL.total_seconds() // 3600), presenter=escape_md(live.presenter)))
        _stop_button(preset_key)
        return
    st.session_state[FOLLOWED] = live.revision
    label = maps.preset_label(presets[preset_key], preset_key)

    @st.fragment(run_every=POLL_SECONDS)
    @in_page_language
    def _poll() -> None:
        state = presenting().live_state(live.code)  # the revision only: one small row
        if state is None or not state.running or state.revision != st.session_state.get(FOLLOWED):
            st.rerun()  # the whole page: load the new view (or say the session ended)
        banner, stop = st.columns([5, 1], vertical_alignment="center")
        banner.container(key="present_follow_banner").info(
            _("Following {presenter}'s view: {view}").format(presenter=escape_md(live.presenter),
                                                             view=escape_md(label)),
            icon=":material/cast_connected:")
        with stop:
            _stop_button(preset_key)

    _poll()
    draw(preset_key)


# -- the map --------------------------------------------------------------------------------------------
def map_drawer(legs: pd.DataFrame, corridors: pd.DataFrame, nodes: pd.DataFrame,
               presets: Mapping[str, maps.ViewPreset]) -> Callable[[str], None]:
    """A function that draws the map and legend of a preset (a corridor preset shows that corridor alone)."""

    def draw(preset_key: str) -> None:
        shown, places = maps.preset_map(legs, nodes, list(corridors["corridor_id"]), preset_key)
        theme = map_state.map_theme()
        deck = maps.corridor_deck(shown, corridors, places, theme=theme, view=presets[preset_key], height=720,
                                  online_style=maps.online_basemap_style())
        st.pydeck_chart(deck, key="present_deck", height=720)
        st.image(maps.legend_for(corridors, shown, places, theme), width="stretch")

    return draw
