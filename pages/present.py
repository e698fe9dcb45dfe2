"""Presenter view: the corridor map full width, a view picker, a tour of saved views, a share link and a
live session the audience follows. Opened with ``?follow=CODE`` it is the audience's page."""

from __future__ import annotations

import streamlit as st

from qazdash import maps
from qazdash.i18n import _
from qazdash.ui import present
from qazdash.ui.data import datasets, leg_paths
from qazdash.ui.widgets import data_errors

with data_errors():
    data = datasets("corridors", "nodes", "segments")
    corridors, nodes = data["corridors"], data["nodes"]
    legs, _skipped = leg_paths()
    presets = maps.view_presets(legs, corridors)
    draw = present.map_drawer(legs, corridors, nodes, presets)

    st.title(_("Kazakhstan's trade corridors"))
    code = present.follow_code()
    if code is not None:
        present.audience(code, presets, draw)
    else:
        present.stage(presets, draw)
        st.divider()
        name_col, live_col = st.columns([2, 3], gap="large")
        with name_col:
            present.presenter_name()
        with live_col:
            present.live_panel(presets)
        present.saved_views(presets)
