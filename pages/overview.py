"""Overview: headline figures, the latest cooperation news, the corridors."""

import streamlit as st

from qazdash.i18n import _, format_number
from qazdash.overview import corridor_summary, latest_articles
from qazdash.statistics import overview_tiles
from qazdash.ui.data import datasets, prepared_statistics
from qazdash.ui.widgets import data_errors, escape_md, source_caption

# Headline figures: the Middle Corridor's official yearly volume, Kazakhstan–China trade on both bases,
# transit containers. (Qingdao's port line mixes milestones such as "passed 30 m TEU on 26 Nov" with
# full years, so it stays on the Statistics page where its provenance is shown point by point.)
HEADLINE_METRICS = ("titr_cargo_volume", "kz_cn_trade_turnover", "kz_cn_trade_turnover_kz_stats",
                    "kz_transit_container_teu")

st.title(_("Kazakhstan's trade corridors"))
st.caption(_("How Kazakh goods reach Asia-Pacific and European markets: routes, cooperation news and figures."))

with data_errors():
    data = datasets("corridors", "segments", "articles")

    tiles = overview_tiles(prepared_statistics(), HEADLINE_METRICS)
    columns = [c for _row in range(0, len(tiles), 2) for c in st.columns(2)]  # two tiles a row: values stay whole
    for column, tile in zip(columns, tiles, strict=False):
        with column, st.container(border=True, height="stretch"):
            st.markdown(f"**{escape_md(tile.label)}**")
            st.metric(tile.period, tile.value_text,
                      delta=_("{change} vs {year}").format(change=tile.change_text, year=tile.previous_period)
                      if tile.change is not None else None)
            st.caption(escape_md(tile.basis))
            source_caption(tile.source, tile.url)
            if tile.note:
                st.caption(escape_md(tile.note))
    st.page_link("pages/statistics.py", label=_("All figures, with every source and conflict"),
                 icon=":material/arrow_forward:")

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(_("Latest cooperation news"))
        for art in latest_articles(data["articles"], 6).to_dict("records"):
            st.markdown(f"**[{escape_md(art['title'])}]({art['url']})**  \n"
                        f"{escape_md(art['source'])} · {art['published']}")
        st.page_link("pages/news.py", label=_("All news on the timeline"), icon=":material/arrow_forward:")

    with right:
        st.subheader(_("Corridors"))
        summary = corridor_summary(data["corridors"], data["segments"])
        for row in summary.to_dict("records"):
            km = format_number(row["trunk_km"], 0)
            st.markdown(f"**{escape_md(row['name'])}**  \n"
                        + _("{km} km along the main line · {trunk} legs, {legs} with branches").format(
                            km=km, trunk=row["trunk_legs"], legs=row["legs"]))
        st.caption(_("Lengths add up the legs of each main line; most rail distances are straight-line "
                     "estimates and so lower bounds (see the map for each leg's basis)."))
        st.page_link("pages/map.py", label=_("Open the corridor map"), icon=":material/arrow_forward:")
