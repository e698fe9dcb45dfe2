"""Corridor map: every leg of every corridor on an offline basemap, selection details, route comparison."""

from __future__ import annotations

import streamlit as st

from qazdash import maps
from qazdash.i18n import _, format_number, get_language
from qazdash.schema import MODES, NODE_KINDS
from qazdash.ui import map_state
from qazdash.ui.data import datasets, leg_figures, leg_paths
from qazdash.ui.map_page import (
    corridor_details,
    exports,
    place_details,
    route_comparison,
    skipped_note,
)
from qazdash.ui.url_state import url_choice, url_multiselect
from qazdash.ui.widgets import data_errors, empty_state

st.title(_("Corridor map"))
st.caption(_("How Kazakh goods reach Asia-Pacific through Qingdao and Lianyungang and Europe through the "
             "Trans-Caspian route and Russia. Click a place or a leg for details; filters and the selection "
             "are kept in the link."))

with data_errors():
    data = datasets("corridors", "nodes", "segments")
    corridors, nodes, segments = data["corridors"], data["nodes"], data["segments"]
    legs, skipped = leg_paths()
    names = maps.node_names(nodes)
    corridor_names = maps.corridor_names(corridors)
    presets = maps.view_presets(legs, corridors)

    cols = st.columns([3, 2, 3, 2, 2])
    chosen_corridors = url_multiselect(
        _("Corridors"), list(corridors["corridor_id"]), format_func=corridor_names.get, container=cols[0],
        key="map_corridors", placeholder=_("All corridors"))
    chosen_modes = url_multiselect(
        _("Modes"), [m for m in MODES if m in set(segments["mode"])], container=cols[1],
        format_func=lambda m: _(maps.MODE_STYLES[m].label), key="map_modes", placeholder=_("All modes"))
    chosen_kinds = url_multiselect(
        _("Place kinds"), list(NODE_KINDS), format_func=lambda k: _(maps.KIND_STYLES[k].label),
        container=cols[2], key="map_kinds", placeholder=_("All kinds"))
    chosen_countries = cols[3].multiselect(
        _("Countries"), maps.country_options(nodes, segments), default=None, key="map_countries",
        bind="query-params", placeholder=_("All countries"))
    preset_key = url_choice(
        cols[4].selectbox, _("View"), list(presets), default=next(iter(presets)),
        format_func=lambda k: maps.preset_label(presets[k], k), key="map_view")

    flt = maps.MapFilter(
        corridors=tuple(chosen_corridors) or tuple(corridors["corridor_id"]),
        modes=tuple(chosen_modes) or tuple(MODES),
        kinds=tuple(chosen_kinds) or tuple(NODE_KINDS),
        countries=tuple(chosen_countries),
    )
    shown_legs, shown_places = maps.filter_map(legs, nodes, flt,
                                               all_corridors=len(flt.corridors) == len(corridors))

    map_area = st.container()
    st.subheader(_("Selection"))
    sel_cols = st.columns(2)
    place_id = url_choice(
        sel_cols[0].selectbox, _("Place"), ["", *maps.sorted_places(nodes)], default="",
        format_func=lambda n: names.get(n, "—") if n else "—", key=map_state.PLACE_KEY)
    corridor_id = url_choice(
        sel_cols[1].selectbox, _("Corridor"), ["", *corridors["corridor_id"]], default="",
        format_func=lambda c: corridor_names.get(c, "—") if c else "—", key=map_state.CORRIDOR_KEY)
    figures = leg_figures()
    if place_id:
        place_details(place_id, nodes, figures, names, corridor_names)
    if corridor_id:
        corridor_details(corridor_id, figures, names, corridor_names,
                         st.session_state.get(map_state.LEG_KEY))
    if not place_id and not corridor_id:
        st.caption(_("Click a place or a leg on the map, or pick one above."))

    highlight = route_comparison(nodes, segments, corridors, names, corridor_names)

    with map_area:
        if shown_legs.empty and shown_places.empty:
            empty_state(_("Nothing matches these filters: choose other corridors, modes or place kinds, "
                          "or clear the country filter."))
        theme = map_state.map_theme()
        deck = maps.corridor_deck(shown_legs, corridors, shown_places, theme=theme, view=presets[preset_key],
                                  selected_place=place_id or None, highlight_legs=highlight,
                                  online_style=maps.online_basemap_style())
        st.pydeck_chart(deck, on_select=lambda: map_state.on_deck_select("map_deck"),
                        selection_mode="single-object", key="map_deck", height=620)
        modes_shown = [m for m in MODES if m in set(shown_legs["mode"])] or list(flt.modes)
        kinds_shown = [k for k in NODE_KINDS if k in set(shown_places["kind"])] or list(flt.kinds)
        with st.container(key="map_legend"):
            st.image(maps.legend_svg(corridors[corridors["corridor_id"].isin(flt.corridors)], modes_shown,
                                     kinds_shown, theme), width="stretch")
        st.caption(_("Basemap: Natural Earth (public domain). Sea lanes: searoute 1.6.0; Caspian "
                     "ferries: water path on the Natural Earth coastline; rail legs: straight lines "
                     "between the places in corridor order. {legs} legs and {places} places "
                     "shown.").format(legs=format_number(len(shown_legs), 0),
                                      places=format_number(len(shown_places), 0)))
        skipped_note(skipped, names)
        with st.expander(_("Share this view")):
            st.caption(_("Opening this link in another browser shows the same filters, selection, view and "
                         "route."))
            st.code(map_state.share_url("map"), language=None)

    exports(deck, shown_legs, shown_places, corridors, nodes, lang=get_language())
