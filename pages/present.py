"""Presenter view: the corridor map full width, a view-preset picker and a link that reproduces the view."""

from __future__ import annotations

import streamlit as st

from qazdash import geo, maps
from qazdash.i18n import _
from qazdash.ui import map_state
from qazdash.ui.data import datasets, leg_paths
from qazdash.ui.url_state import url_choice
from qazdash.ui.widgets import data_errors, escape_md

with data_errors():
    data = datasets("corridors", "nodes", "segments")
    corridors, nodes, segments = data["corridors"], data["nodes"], data["segments"]
    legs, _skipped = leg_paths()
    presets = maps.view_presets(legs, corridors)

    head, picker = st.columns([3, 2], vertical_alignment="bottom")
    head.title(_("Kazakhstan's trade corridors"))
    preset_key = url_choice(picker.selectbox, _("View"), list(presets), default=next(iter(presets)),
                            format_func=lambda k: maps.preset_label(presets[k], k), key="present_view")
    preset = presets[preset_key]
    shown = legs
    if preset_key in set(corridors["corridor_id"]):  # a corridor preset shows that corridor alone
        shown = legs[legs["corridor_id"] == preset_key]
    on_legs = set(shown["from_node"]) | set(shown["to_node"])
    places = geo.placed(nodes)
    places = places[places["node_id"].isin(on_legs)]
    theme = map_state.map_theme()
    deck = maps.corridor_deck(shown, corridors, places, theme=theme, view=preset, height=720,
                              online_style=maps.online_basemap_style())
    st.pydeck_chart(deck, key="present_deck", height=720)
    st.image(maps.legend_svg(corridors[corridors["corridor_id"].isin(set(shown["corridor_id"]))],
                             [m for m in maps.MODE_STYLES if m in set(shown["mode"])],
                             [k for k in maps.KIND_STYLES if k in set(places["kind"])], theme), width="stretch")
    st.caption(escape_md(_("Share this view: the link opens the same view and language.")))
    st.code(map_state.share_url("present"), language=None)
