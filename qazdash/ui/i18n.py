"""The page language: ``?lang=en|ru|kk`` in the URL, kept across page switches by session state.

The selector is not a ``bind="query-params"`` widget on purpose: a bound widget writes its
*formatted* option ("Русский") to the URL, while links must carry the code (``?lang=ru``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from qazdash.i18n import LANGUAGES, get_language, normalize_language, set_language

LANG_PARAM = "lang"
_STATE = "_qazdash_lang"
_WIDGET = "app_language"


def init_language() -> str:
    """Set this run's language before anything is drawn: from ``?lang=``, else what the session chose."""
    requested = st.query_params.get(LANG_PARAM)
    if requested:
        st.session_state[_STATE] = normalize_language(requested)
    lang = set_language(st.session_state.get(_STATE))
    if lang != "en" and st.query_params.get(LANG_PARAM) != lang:
        st.query_params[LANG_PARAM] = lang  # navigation dropped it: put it back so the URL stays shareable
    return lang


def in_page_language(fn: Callable[..., None]) -> Callable[..., None]:
    """For widget callbacks and fragment bodies: they run without app.py (a callback before it, a fragment's
    own rerun instead of it), so they set this session's language first, as ``init_language`` does;
    otherwise what they save, say and draw would be in English."""

    @functools.wraps(fn)
    def run(*args, **kwargs) -> None:
        set_language(st.query_params.get(LANG_PARAM) or st.session_state.get(_STATE))
        fn(*args, **kwargs)

    return run


def _language_changed() -> None:
    lang = normalize_language(st.session_state[_WIDGET])
    st.session_state[_STATE] = lang
    set_language(lang)
    if lang == "en":
        st.query_params.pop(LANG_PARAM, None)
    else:
        st.query_params[LANG_PARAM] = lang


def language_selector() -> str:
    """A sidebar selector of the interface language; its choice goes to the URL as ``?lang=``."""
    st.session_state[_WIDGET] = get_language()
    st.sidebar.selectbox(
        "Language · Язык · Тіл",
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=_WIDGET,
        on_change=_language_changed,
    )
    return get_language()
