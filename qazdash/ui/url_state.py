"""Widgets whose value lives in the URL as stable ids.

Streamlit's ``bind="query-params"`` writes a widget's *displayed* option into the URL: with a
``format_func`` that is a translated label ("Средний коридор"), so links grow long and change with
the language. These helpers keep the ids themselves in the URL (``?news_corridors=titr_middle_corridor``)
and show the labels in the widget. Plain values (text, dates, toggles) can keep using ``bind``.

The URL is read the first time a widget is drawn in a session (opening a link), then the widget's
value is written back after every change; a value equal to the default is left out of the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st


def _write(key: str, values: list[str], default: list[str]) -> None:
    if values == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = values or ""  # "" keeps an explicit empty choice when the default is not empty


def url_multiselect(label: str, options: Sequence[str], *, key: str, default: Sequence[str] = (),
                    format_func: Callable[[Any], str] = str, container: Any = None, **kwargs) -> list[str]:
    """A multiselect of ``options`` (ids) shown through ``format_func``, its ids kept in ``?key=``."""
    options = list(options)
    default = [d for d in default if d in options]
    if key not in st.session_state:
        named = st.query_params.get_all(key) if key in st.query_params else default
        known = [o for o in dict.fromkeys(named) if o in options]
        # a link naming only unknown ids (old or mistyped) shows the default; "?key=" means "none"
        st.session_state[key] = default if not known and any(named) else known
    else:  # options may have changed (filters, a new data version): drop what is gone
        st.session_state[key] = [o for o in st.session_state[key] if o in options]
    if kwargs.get("max_selections"):
        st.session_state[key] = st.session_state[key][: kwargs["max_selections"]]
    values = (container or st).multiselect(label, options, key=key, format_func=format_func, **kwargs)
    _write(key, list(values), default)
    return list(values)


def url_choice(widget: Callable[..., Any], label: str, options: Sequence[str], *, key: str, default: str,
               format_func: Callable[[Any], str] = str, **kwargs) -> str:
    """A single-choice widget (``st.radio``, ``st.selectbox``, ``st.segmented_control``…) kept in ``?key=<id>``."""
    options = list(options)
    if key not in st.session_state or st.session_state[key] not in options:
        named = st.query_params.get(key, default)
        st.session_state[key] = named if named in options else default
    value = widget(label, options, key=key, format_func=format_func, **kwargs)
    if value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value
    return value
