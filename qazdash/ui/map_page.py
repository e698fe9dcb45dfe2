"""The panels of the corridor map page: place and corridor details, route comparison, exports.

Everything from data is shown as escaped Markdown or in dataframes; links only for http(s) URLs.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from qazdash import geo, maps, routes
from qazdash.i18n import _, format_number, localized
from qazdash.ui.url_state import url_choice
from qazdash.ui.widgets import escape_md, md_link

URL = re.compile(r"https?://\S+")


def basis_label(basis: str) -> str:
    return {routes.SOURCED: _("sourced"), routes.ESTIMATED: _("estimated"), routes.UNKNOWN: _("unknown")}.get(
        basis, basis)


def first_url(source: str | None) -> str | None:
    m = URL.search(source or "")
    return m.group(0).rstrip(";,") if m else None


def source_links(source: str | None, urls_only: bool = False) -> str:
    """Escaped Markdown: every http(s) URL in ``source`` as a link, the rest as text (or left out)."""
    parts = []
    for piece in (source or "").split(" ; "):
        piece = piece.strip()
        if not piece or (urls_only and not URL.fullmatch(piece)):
            continue
        if URL.fullmatch(piece):
            parts.append(md_link(piece, piece))
        else:
            parts.append(escape_md(piece))
    return " · ".join(parts)


def legs_frame(legs: pd.DataFrame, names: dict[str, str], corridor_names: dict[str, str] | None = None,
               ) -> pd.DataFrame:
    """Legs for display: corridor, from, to, mode, km and days with their basis, source link."""
    out = pd.DataFrame({
        "seq": legs["seq"].astype("Int64"),
        "from": legs["from_node"].map(lambda n: names.get(n, n)),
        "to": legs["to_node"].map(lambda n: names.get(n, n)),
        "mode": legs["mode"].map(lambda m: _(routes.MODE_LABELS.get(m, m))),
        "km": legs["distance_km"],
        "km basis": legs["distance_basis"].map(basis_label),
        "days": legs["days"].round(2),
        "days basis": legs["days_basis"].map(basis_label),
        "branch": legs["branch"],
        "source": legs["source"].map(first_url),
        "notes": legs["notes"].fillna(""),
    })
    if corridor_names is not None:
        out.insert(0, "corridor", legs["corridor_id"].map(lambda c: corridor_names.get(c, c)))
    return out


LEG_COLUMNS = {
    "seq": st.column_config.NumberColumn("#", width="small"),
    "km": st.column_config.NumberColumn("km", format="%.0f"),
    "days": st.column_config.NumberColumn("days", format="%.2f"),
    "source": st.column_config.LinkColumn("source", display_text="link"),
}


def place_details(node_id: str, nodes: pd.DataFrame, figures: pd.DataFrame, names: dict[str, str],
                  corridor_names: dict[str, str]) -> None:
    """Names in three languages, kind, country, UN/LOCODE, coordinates and their check, legs, news."""
    rows = nodes[nodes["node_id"] == node_id]
    if rows.empty:
        st.warning(_("This place is not in the current data."))
        return
    row = rows.iloc[0].to_dict()
    with st.container(border=True, key="map_place_details"):
        st.markdown(f"#### {escape_md(localized(row, 'name'))}")
        kind = maps.KIND_STYLES.get(row["kind"])
        locode = row.get("locode") or ""
        st.markdown("\n".join([
            "- **" + _("English") + f":** {escape_md(row.get('name_en') or '–')}",
            "- **" + _("Russian") + f":** {escape_md(row.get('name_ru') or '–')}",
            "- **" + _("Kazakh") + f":** {escape_md(row.get('name_kk') or '–')}",
            "- **" + _("Kind") + f":** {escape_md(_(kind.label) if kind else row['kind'])}",
            "- **" + _("Country") + f":** {escape_md(row['country_iso3'])}",
            "- **UN/LOCODE:** " + (escape_md(locode) if locode else escape_md(_("not confirmed"))),
        ]))
        status, meaning = routes.coord_status(row.get("coord_check"))
        if pd.notna(row.get("lat")) and pd.notna(row.get("lon")):
            st.markdown("**" + _("Coordinates") + f":** {format_number(row['lat'], 4)}, "
                        f"{format_number(row['lon'], 4)} — {escape_md(status or _('unchecked'))}: "
                        f"{escape_md(_(meaning))}")
        else:
            st.markdown("**" + _("Coordinates") + ":** " + escape_md(_("not placed (no source for a coordinate)")))
        if row.get("coord_check"):
            st.caption(escape_md(row["coord_check"]))
        if row.get("notes"):
            st.caption(escape_md(row["notes"]))
        if row.get("source"):
            st.caption(_("Source") + f": {source_links(row['source'])}")
        legs = routes.legs_through(figures, node_id)
        st.markdown("**" + _("Legs through this place") + f"** ({format_number(len(legs), 0)})")
        if len(legs):
            st.dataframe(legs_frame(legs, names, corridor_names).drop(columns=["notes"]), hide_index=True,
                         column_config=LEG_COLUMNS, key="map_place_legs")
        place_news(node_id)


def place_news(node_id: str) -> None:
    """The newest articles that mention the place (resolved by the news gazetteer)."""
    try:
        from qazdash.ui.news_cache import news_index

        index = news_index()
    except Exception as err:  # noqa: BLE001 - the news index is optional for the map
        st.caption(_("News could not be loaded: {error}").format(error=escape_md(str(err))))
        return
    found = routes.articles_for_place(index.articles, index.place_links, node_id)
    st.markdown("**" + _("News that mentions it") + f"** ({format_number(len(found), 0)})")
    lines = []
    for art in found.head(8).to_dict("records"):
        link = md_link(art.get("title") or "", art.get("url") or "")
        lines.append(f"- {escape_md(art.get('date_label') or '')} · {link} — "
                     f"{escape_md(art.get('source') or '')}")
    if lines:
        st.markdown("\n".join(lines))
        short = index.gazetteer.names.get(node_id)
        if short:
            st.page_link("pages/news.py", label=_("All news about this place"), icon=":material/newspaper:",
                         query_params={"news_places": short, "lang": st.query_params.get("lang", "en")})
    else:
        st.caption(_("No article in the news data mentions this place."))


def corridor_details(corridor_id: str, figures: pd.DataFrame, names: dict[str, str],
                     corridor_names: dict[str, str], leg_id: str | None = None) -> None:
    """The corridor's legs with the basis of every figure, and the trunk totals."""
    legs = routes.corridor_legs(figures, corridor_id)
    with st.container(border=True, key="map_corridor_details"):
        st.markdown(f"#### {escape_md(corridor_names.get(corridor_id, corridor_id))}")
        if leg_id and leg_id.startswith(corridor_id + ":"):
            seq = int(leg_id.rsplit(":", 1)[1])
            leg = legs[legs["seq"] == seq]
            if len(leg):
                leg = leg.iloc[0]
                st.markdown("**" + _("Selected leg") + f":** {escape_md(names.get(leg['from_node'], ''))} → "
                            f"{escape_md(names.get(leg['to_node'], ''))} · "
                            f"{escape_md(_(routes.MODE_LABELS.get(leg['mode'], leg['mode'])))}")
                if leg["notes"]:
                    st.caption(escape_md(leg["notes"]))
        totals = routes.corridor_totals(legs)
        c = st.columns(4)
        c[0].metric(_("Trunk legs"), format_number(totals["trunk_legs"], 0))
        c[1].metric(_("Trunk distance (km)"), format_number(totals["trunk_km"], 0))
        c[2].metric(_("of which sourced (km)"), format_number(totals["trunk_sourced_km"], 0))
        c[3].metric(_("Trunk transit (days, mostly estimated)"), format_number(totals["trunk_days"], 1))
        st.caption(_("Branch legs ({n}) are alternatives (another start, port or destination), not "
                     "steps; they are not in the totals. Days without a source are estimates: "
                     "{assumptions}.").format(
            n=format_number(totals["branch_legs"], 0), assumptions=escape_md(routes.Assumptions().text())))
        st.dataframe(legs_frame(legs, names), hide_index=True, column_config=LEG_COLUMNS,
                     key="map_corridor_legs")


def route_comparison(nodes: pd.DataFrame, segments: pd.DataFrame, corridors: pd.DataFrame,
                     names: dict[str, str], corridor_names: dict[str, str]) -> set | None:
    """Origin and destination pickers, every route between them, a table, a chart; returns the chosen
    route's legs as (pair of nodes, mode) keys for the map highlight."""
    st.subheader(_("Compare routes"))
    origins = routes.origins(nodes, segments)
    destinations = routes.destinations(nodes, segments)
    cols = st.columns([2, 2, 1.3])
    origin = url_choice(cols[0].selectbox, _("From (Kazakh city)"), origins,
                        default=origins[_index(origins, "kz_almaty")], format_func=names.get, key="map_origin")
    destination = url_choice(cols[1].selectbox, _("To (port or terminal)"), destinations,
                             default=destinations[_index(destinations, "kr_busan")], format_func=names.get,
                             key="map_destination")
    speed = cols[2].number_input(_("Rail speed for estimates (km/day)"), min_value=100, max_value=1500,
                                 value=int(routes.Assumptions().rail_km_per_day), step=50,
                                 key="map_rail_speed", bind="query-params")
    assumptions = routes.Assumptions(rail_km_per_day=float(speed))
    graph = routes.network(segments, nodes, assumptions)
    found = routes.find_routes(graph, origin, destination) if origin and destination else []
    missing = routes.corridors_not_connecting(found, list(corridors["corridor_id"]))
    if not found:
        empty_state_text = _("No route in the corridor data connects {a} and {b}. Pick another destination "
                             "or origin.").format(a=names.get(origin, origin),
                                                  b=names.get(destination, destination))
        st.info(escape_md(empty_state_text), icon=":material/alt_route:")
        return None
    table = routes.routes_table(found, nodes, names.get, lambda c: corridor_names.get(c, c))
    table["label"] = [f"{i}. " + _("via {gateways}").format(gateways=v or "–")
                      for i, v in zip(table["route"], table["via"], strict=True)]
    choice = url_choice(st.radio, _("Route shown on the map"), [str(r) for r in table["route"]], default="1",
                        horizontal=True, format_func=lambda r: _("Route {n}").format(n=r), key="map_route")
    chosen = int(choice) if choice else 1
    shown = table.assign(
        days_basis=[_("sourced") if s >= d - 1e-9 else (_("estimated") if s == 0 else _("partly sourced"))
                    for s, d in zip(table["sourced_days"], table["days"], strict=True)],
        sourced_km_share=table["sourced_km_share"] * 100,
        share_rail=table["share_rail"] * 100, share_sea=table["share_sea"] * 100,
        share_ferry=table["share_ferry"] * 100,
    )[["route", "via", "corridors", "countries", "distance_km", "sourced_km_share", "days", "days_basis",
       "sourced_days", "border_crossings", "mode_changes", "gauge_breaks", "share_rail", "share_sea",
       "share_ferry", "missing_distances"]]
    pct = "%.0f%%"
    st.dataframe(shown, hide_index=True, key="map_routes_table", column_config={
        "route": st.column_config.NumberColumn("#", width="small"),
        "via": _("via"), "corridors": _("corridors"), "countries": _("countries"),
        "distance_km": st.column_config.NumberColumn(_("km"), format="%.0f"),
        "sourced_km_share": st.column_config.NumberColumn(_("km sourced"), format=pct),
        "days": st.column_config.NumberColumn(_("days"), format="%.1f"),
        "days_basis": _("days basis"),
        "sourced_days": st.column_config.NumberColumn(_("sourced days"), format="%.2f"),
        "border_crossings": st.column_config.NumberColumn(_("borders")),
        "mode_changes": st.column_config.NumberColumn(_("mode changes")),
        "gauge_breaks": st.column_config.NumberColumn(_("gauge breaks")),
        "share_rail": st.column_config.NumberColumn(_("rail"), format=pct),
        "share_sea": st.column_config.NumberColumn(_("sea"), format=pct),
        "share_ferry": st.column_config.NumberColumn(_("ferry"), format=pct),
        "missing_distances": st.column_config.NumberColumn(_("legs without km")),
    })
    st.caption(_("Distances: sourced where the data cites a length; otherwise straight-line estimates for "
                 "rail (real track is longer, often by 10–40 %) and searoute estimates at sea. Transit days "
                 "are estimates unless sourced: {assumptions}. Estimated days exclude border, port and "
                 "transshipment time, so real transit takes longer (see the quoted figures below). A route "
                 "never re-enters a country it has left; routes through the same gateways are shown "
                 "once.").format(
        assumptions=escape_md(assumptions.text())))
    if missing:
        st.caption(_("No route in the data connects these places through: {corridors}.").format(
            corridors=escape_md("; ".join(corridor_names.get(c, c) for c in missing))))
    st.plotly_chart(routes.comparison_figure(table, chosen), key="map_routes_chart", width="stretch")
    route = found[chosen - 1] if 0 < chosen <= len(found) else found[0]
    quoted = route.quoted_times
    if quoted:
        title = _("Transit times the sources quote for parts of route {n}").format(n=chosen)
        st.markdown(f"**{title}**")
        st.markdown("\n".join(f"- {escape_md(text)} — {source_links(src, urls_only=True)}"
                               for text, src in quoted))
    with st.expander(_("Legs of route {n}").format(n=chosen)):
        legs_shown = routes.route_legs_table(route, names.get)
        legs_shown["source"] = legs_shown["source"].map(first_url)
        legs_shown["mode"] = legs_shown["mode"].map(lambda m: _(routes.MODE_LABELS.get(m, m)))
        legs_shown["distance_basis"] = legs_shown["distance_basis"].map(basis_label)
        legs_shown["days_basis"] = legs_shown["days_basis"].map(basis_label)
        st.dataframe(legs_shown, hide_index=True, key="map_route_legs", column_config={
            "distance_km": st.column_config.NumberColumn("km", format="%.0f"),
            "days": st.column_config.NumberColumn(_("days"), format="%.2f"),
            "source": st.column_config.LinkColumn(_("source"), display_text="link"),
        })
    return {(frozenset((a, b)), m) for a, b, m in
            zip(route.legs["from_node"], route.legs["to_node"], route.legs["mode"], strict=True)}


def _index(options: list[str], preferred: str) -> int:
    return options.index(preferred) if preferred in options else 0


def skipped_note(skipped: pd.DataFrame, names: dict[str, str]) -> None:
    """Say which legs are not drawn and why (e.g. a place without coordinates)."""
    prefix = "no coordinates for "  # the reason qazdash.geo gives for a leg it cannot draw
    for leg in skipped.to_dict("records"):
        reason = str(leg["reason"])
        if reason.startswith(prefix):
            places = ", ".join(names.get(n.strip(), n.strip()) for n in reason.removeprefix(prefix).split(","))
            reason = _("no coordinates for {places}").format(places=places)
        st.caption(_("Not drawn: {a} → {b} ({reason}).").format(
            a=escape_md(names.get(leg["from_node"], leg["from_node"])),
            b=escape_md(names.get(leg["to_node"], leg["to_node"])), reason=escape_md(reason)))


def exports(deck, legs: pd.DataFrame, places: pd.DataFrame, corridors: pd.DataFrame, nodes: pd.DataFrame,
            lang: str) -> None:
    """Downloads of the current map: standalone HTML (works offline), GeoJSON and GeoPackage."""
    st.subheader(_("Export"))
    legend = maps.legend_for(corridors, legs, places)
    note = _("qazdash corridor map. Basemap: Natural Earth (public domain); sea lanes: searoute 1.6.0.")
    cols = st.columns(4)
    cols[0].download_button(
        _("Map as HTML (offline)"), data=lambda: maps.standalone_html(deck, "qazdash – " + _("Corridor map"),
                                                                      legend, note).encode("utf-8"),
        file_name="qazdash_map.html", mime="text/html", key="map_export_html", icon=":material/map:",
        on_click="ignore")
    legs_gdf = geo.legs_geodataframe(legs)
    places_gdf = geo.places_geodataframe(places)
    cols[1].download_button(
        _("Legs as GeoJSON"), data=lambda: geo.to_geojson_bytes(legs_gdf), file_name="qazdash_legs.geojson",
        mime="application/geo+json", key="map_export_legs", icon=":material/timeline:", on_click="ignore")
    cols[2].download_button(
        _("Places as GeoJSON"), data=lambda: geo.to_geojson_bytes(places_gdf),
        file_name="qazdash_places.geojson", mime="application/geo+json", key="map_export_places",
        icon=":material/location_on:", on_click="ignore")
    cols[3].download_button(
        _("GeoPackage (QGIS)"),
        data=lambda: geo.to_geopackage_bytes({"legs": legs_gdf, "places": places_gdf}),
        file_name="qazdash_corridors.gpkg", mime="application/geopackage+sqlite3", key="map_export_gpkg",
        icon=":material/layers:", on_click="ignore")
    del lang
