"""Map state shared by /map and /present: selection from the deck, theme, and the shareable URL.

Filters, the selected place/corridor and the view preset are keyed widgets bound to the URL
(``bind="query-params"``); this module only moves a click on the map into those widgets.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

PLACE_KEY = "map_place"
CORRIDOR_KEY = "map_corridor"
LEG_KEY = "map_leg"  # session only: the clicked leg, highlighted in the corridor's leg table


def on_deck_select(deck_key: str) -> None:
    """``on_select`` callback: a clicked place selects the place, a clicked leg selects its corridor.

    Runs before the script reruns, so it may set the bound widgets' session state.
    """
    event = st.session_state.get(deck_key)
    try:
        objects = event["selection"]["objects"] or {}
    except (KeyError, TypeError):
        return
    for layer_id, items in objects.items():
        if not items:
            continue
        item = items[0]
        if item.get("kind") == "place" and layer_id == "places":
            st.session_state[PLACE_KEY] = item["id"]
            st.session_state[LEG_KEY] = None
            return
        if item.get("kind") == "leg" and layer_id.startswith("legs-"):
            st.session_state[CORRIDOR_KEY] = item["corridor"]
            st.session_state[PLACE_KEY] = ""
            st.session_state[LEG_KEY] = item["id"]
            return


def map_theme() -> str:
    """'dark' or 'light': dark when the app is configured dark (``theme.base``) or the browser reports a dark
    theme (a user's choice in the settings menu).

    On a session's first run the browser has not reported its theme yet (Streamlit 1.67 says 'light'
    then), so the configured base must win over it.
    """
    try:
        kind = st.context.theme.type
    except AttributeError:  # older runtimes / AppTest
        kind = None
    return "dark" if "dark" in (kind, st.get_option("theme.base")) else "light"


def share_url(path: str) -> str:
    """The URL of ``path`` (e.g. ``'map'``) with the current query parameters: it reproduces the view."""
    base = (st.context.url or "").split("?")[0]
    root = base.rsplit("/", 1)[0] if base.rstrip("/").count("/") > 2 else base.rstrip("/")
    params = []
    for key in st.query_params:
        for value in st.query_params.get_all(key):
            params.append((key, value))
    query = urlencode(params)
    return f"{root}/{path}" + (f"?{query}" if query else "")
