"""News timeline: cooperation news filtered, placed on a timeline and a map, and listed."""

from __future__ import annotations

import streamlit as st

from qazdash.i18n import _, format_number
from qazdash.news import (
    LANE_MODES,
    NO_CORRIDOR,
    NewsFilter,
    article_record,
    article_table,
    corridor_label,
    filter_articles,
    newest,
    news_map_deck,
    place_counts,
    selected_from_points,
    timeline_figure,
    topic_label,
)
from qazdash.ui.news_cache import news_index
from qazdash.ui.url_state import url_choice, url_multiselect
from qazdash.ui.widgets import csv_download, data_errors, empty_state, escape_md, md_link

ARTICLE_PARAM = "news_article"
TABLE_ROWS = 2000  # rows drawn in the table; the CSV download has every filtered article
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша", "zh": "中文"}


def _on_timeline_select() -> None:
    event = st.session_state.get("news_timeline")
    article = selected_from_points(event["selection"]["points"]) if event else None
    if article:
        st.query_params[ARTICLE_PARAM] = article


def _on_map_select() -> None:
    event = st.session_state.get("news_map")
    objects = event["selection"]["objects"].get("news-places", []) if event else []
    if objects and objects[0].get("name"):
        st.session_state["news_places"] = [objects[0]["name"]]


def _close_card() -> None:
    st.query_params.pop(ARTICLE_PARAM, None)


def filters(index) -> tuple[NewsFilter, str]:
    """The sidebar filters, all kept in the URL (ids, not labels); returns the filter and the lane mode."""
    options = index.options
    first, last = index.articles["date"].min(), index.articles["date_end"].max()
    with st.sidebar:
        st.subheader(_("News filters"))
        query = st.text_input(
            _("Search headlines and summaries"),
            key="news_q",
            bind="query-params",
            placeholder=_("e.g. Aktau, Актау, ferry"),
            help=_("Ignores case; a place matches under any of its names (Aktau, Актау, Ақтау)."),
        )
        col_from, col_to = st.columns(2)
        date_from = col_from.date_input(
            _("From"),
            value=None,
            min_value=first.date(),
            max_value=last.date(),
            key="news_from",
            bind="query-params",
        )
        date_to = col_to.date_input(
            _("To"),
            value=None,
            min_value=first.date(),
            max_value=last.date(),
            key="news_to",
            bind="query-params",
        )
        corridors = url_multiselect(
            _("Corridors"),
            [*options["corridors"], NO_CORRIDOR],
            key="news_corridors",
            format_func=lambda c: corridor_label(c, index.corridors),
            placeholder=_("All corridors"),
        )
        places = st.multiselect(_("Places"), options["places"], key="news_places", bind="query-params",
                                placeholder=_("All places"))
        orgs = st.multiselect(_("Organisations"), options["organisations"], key="news_orgs", bind="query-params",
                              placeholder=_("All organisations"))
        topics = url_multiselect(_("Topics"), options["topics"], key="news_topics", format_func=topic_label,
                                 placeholder=_("All topics"))
        sources = st.multiselect(_("Sources"), options["sources"], key="news_sources", bind="query-params",
                                 placeholder=_("All sources"))
        langs = url_multiselect(
            _("Languages"),
            options["languages"],
            key="news_langs",
            format_func=lambda c: LANGUAGE_NAMES.get(c, c),
            placeholder=_("All languages"),
        )
        lanes = url_choice(
            st.radio,
            _("Timeline lanes"),
            LANE_MODES,
            key="news_lanes",
            default=LANE_MODES[0],
            horizontal=True,
            format_func=lambda m: _("By corridor") if m == "corridor" else _("By topic"),
        )
    flt = NewsFilter(
        date_from=date_from,
        date_to=date_to,
        corridors=tuple(corridors),
        places=tuple(places),
        organisations=tuple(orgs),
        topics=tuple(topics),
        sources=tuple(sources),
        languages=tuple(langs),
        query=query or "",
    )
    return flt, lanes or "corridor"


def article_card(index, article_id: str) -> None:
    record = article_record(index, article_id)
    if record is None:
        st.caption(_("The selected article is not in the current data."))
        return
    with st.container(border=True, key="news_card"):
        st.markdown("#### " + md_link(record["title"], record["url"]))
        dates = _("Published") + f": {record['published']}"
        if record["event"]:
            dates += " · " + _("Event") + f": {record['event']}"
        for nd in record["note_dates"]:
            dates += f" · {nd.label}: {nd.date} (" + _("from the notes") + ")"
        st.caption(
            escape_md(
                f"{record['source']} · {dates} · "
                + _("Language") + f": {LANGUAGE_NAMES.get(record['language'], record['language'])}"
            )
        )
        for label, values in (
            (_("Corridors"), record["corridors"]),
            (_("Places"), record["places"]),
            (_("Organisations"), record["organisations"]),
        ):
            if values:
                st.markdown(f"**{escape_md(label)}:** {escape_md(', '.join(values))}")
        if record["summary"]:
            st.markdown(escape_md(record["summary"]))
        if record["tagged"]:
            st.caption(
                escape_md(
                    _("Tagged automatically from headline and summary: {columns}").format(
                        columns=", ".join(_(c) for c in record["tagged"])
                    )
                )
            )
        st.button(_("Close"), key="news_card_close", on_click=_close_card, icon=":material/close:")


st.title(_("News timeline"))
st.caption(
    _(
        "Cooperation news along the corridors: agreements, meetings, new train and ferry services, "
        "investments. Each article links to its source."
    )
)

with data_errors():
    index = news_index()
    flt, lanes = filters(index)
    shown = filter_articles(index.articles, flt)
    total = len(index.articles)

    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        _("Articles"),
        format_number(len(shown), 0),
        help=_("{shown} of {total} articles").format(shown=len(shown), total=total),
    )
    c2.metric(_("Sources"), format_number(shown["source"].nunique(), 0))
    c3.metric(_("Languages"), format_number(shown["language"].nunique(), 0))
    c4.metric(_("Of all articles"), f"{format_number(100 * len(shown) / total if total else 0, 0)} %")

    if shown.empty:
        empty_state(
            _(
                "No article matches these filters. Clear the search or widen the dates, corridors or "
                "places in the sidebar."
            )
        )
    else:
        selected = st.query_params.get(ARTICLE_PARAM)
        fig = timeline_figure(shown, index, lanes, selected=selected)
        st.plotly_chart(
            fig,
            key="news_timeline",
            on_select=_on_timeline_select,
            selection_mode="points",
            width="stretch",
            config={"displaylogo": False},
        )
        st.caption(
            _(
                "Each dot is an article at its publication date (month-only and year-only dates sit at the "
                "first day of the period); ◇ marks the event date and ☆ a date mentioned in the notes. "
                "Click a dot to read the article. Source: article metadata in data/articles.csv, each row "
                "citing its page."
            )
        )
        if selected:
            article_card(index, selected)
        else:
            st.caption(_("Click a point on the timeline to show its article here."))

        st.subheader(_("Places in the news"))
        counts = place_counts(shown, index)
        map_col, list_col = st.columns([3, 2])
        with map_col:
            if counts.empty:
                empty_state(_("None of these articles names a place on the map."))
            else:
                deck = news_map_deck(counts, st.context.theme.type or "light")
                st.pydeck_chart(
                    deck, key="news_map", on_select=_on_map_select, selection_mode="single-object", height=420
                )
                st.caption(
                    _(
                        "Circle size: number of filtered articles that mention the place. Click a place to "
                        "show only its articles."
                    )
                )
        with list_col:
            st.dataframe(
                counts[["name", "articles"]].rename(columns={"name": _("Place"), "articles": _("Articles")}),
                hide_index=True,
                height=420,
                key="news_place_counts",
            )
        if len(index.unresolved):
            with st.expander(_("Place names not on the map ({n})").format(n=len(index.unresolved))):
                st.caption(
                    _(
                        "These names appear in articles but match no place in the places data, so they "
                        "are not drawn. They still work in the place filter and the search."
                    )
                )
                st.dataframe(
                    index.unresolved.rename(columns={"place": _("Place"), "articles": _("Articles")}),
                    hide_index=True,
                    key="news_unresolved",
                )

        st.subheader(_("Articles"))
        table = article_table(newest(shown, TABLE_ROWS), index)
        with st.container(key="news_articles"):
            st.dataframe(
                table,
                hide_index=True,
                key="news_table",
                column_config={_("Link"): st.column_config.LinkColumn(_("Link"), display_text=_("open"))},
            )
        if len(shown) > TABLE_ROWS:
            st.caption(
                _("The table shows the newest {shown} of {total} articles; the CSV holds all of them.").format(
                    shown=format_number(TABLE_ROWS, 0), total=format_number(len(shown), 0)
                )
            )
        # The CSV is built only when asked for: all filtered rows, Excel-safe.
        csv_download(lambda: article_table(shown, index), "qazdash_news.csv", key="news_csv",
                     label=_("Download these articles (CSV)"))
        if index.hidden:
            st.caption(
                _("{n} rows without a publication date or a real headline are not shown.").format(n=index.hidden)
            )
