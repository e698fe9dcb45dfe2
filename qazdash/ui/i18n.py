"""The page language comes from ``?lang=en|ru|kk`` (a selector bound to the URL)."""

from __future__ import annotations

import streamlit as st

from qazdash.i18n import DEFAULT_LANGUAGE, LANGUAGES, normalize_language, set_language

LANG_KEY = "lang"


def init_language() -> str:
    """Set this run's language from the URL before anything is drawn; returns it."""
    return set_language(st.query_params.get(LANG_KEY, DEFAULT_LANGUAGE))


def language_selector() -> str:
    """A sidebar selector of the interface language, kept in the URL as ``?lang=``."""
    current = normalize_language(st.query_params.get(LANG_KEY, DEFAULT_LANGUAGE))
    if st.session_state.get(LANG_KEY) not in LANGUAGES:
        st.session_state[LANG_KEY] = current
    lang = st.sidebar.selectbox(
        "Language · Язык · Тіл",
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=LANG_KEY,
        bind="query-params",
    )
    return set_language(lang)
