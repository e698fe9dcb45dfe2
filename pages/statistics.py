"""Statistics: corridor volumes and trade figures, each with its source, type and conflicts shown."""

from __future__ import annotations

import streamlit as st

from qazdash import statistics as stats_logic
from qazdash.i18n import _
from qazdash.metrics import option_label, ordered_metrics, unit_axis_title
from qazdash.ui.data import prepared_statistics
from qazdash.ui.url_state import url_multiselect
from qazdash.ui.widgets import csv_download, data_errors, empty_state, escape_md, sources_caption

DEFAULT_METRICS = ["titr_cargo_volume"]
MAX_METRICS = 8  # more lines than this make a chart unreadable


def table(frame, key: str) -> None:
    """A read-only table with its links clickable and the exact span readable."""
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            stats_logic.link_column(): st.column_config.LinkColumn(stats_logic.link_column(),
                                                                   display_text=_("open")),
            _("Exact span"): st.column_config.TextColumn(_("Exact span"), width="medium"),
        },
    )


st.title(_("Statistics"))
st.caption(_(
    "Corridor volumes and trade figures from many sources. Full-year actual figures of one series are joined "
    "by a line; part-year figures, other sources, targets and forecasts are separate markers. Hover over a "
    "point for its value, period, type and source."
))

with data_errors():
    statistics = prepared_statistics()
    options = ordered_metrics(statistics["metric"])
    if not options:
        empty_state(_("There are no statistics yet: upload a statistics table on the Data upload page."))
        st.stop()

    picker, toggles = st.columns([2.2, 1], vertical_alignment="bottom")
    metrics = url_multiselect(
        _("Metrics"),
        options,
        default=[m for m in DEFAULT_METRICS if m in options] or options[:1],
        container=picker,
        format_func=option_label,
        key="stats_metrics",
        wrap=True,
        max_selections=MAX_METRICS,
        select_all=False,
        placeholder=_("Choose one or more metrics"),
        help=_("Grouped by corridor and theme. Figures in different units get separate charts."),
    )
    with toggles:
        show_partial = st.toggle(_("Part-year figures"), value=True, key="stats_show_partial",
                                 bind="query-params",
                                 help=_("Year-to-date and multi-year totals, as markers."))
        show_targets = st.toggle(_("Targets and forecasts"), value=True, key="stats_show_targets",
                                 bind="query-params", help=_("Targets, plans, capacities and forecasts."))
        log_y = st.toggle(_("Logarithmic scale"), value=False, key="stats_log_y", bind="query-params",
                          help=_("Shows small and large series on one chart; equal steps are equal ratios."))

    if not metrics:
        empty_state(_("Choose at least one metric above, e.g. the Middle Corridor cargo volume."))
        st.stop()

    charts = stats_logic.statistics_figures(statistics, metrics, show_partial, show_targets, log_y)
    for unit, group, figure in charts:
        st.subheader(unit_axis_title(unit))
        config = {"displaylogo": False, "toImageButtonOptions": {"filename": f"qazdash_{unit}", "scale": 2}}
        st.plotly_chart(figure, key=f"stats_chart_{unit}", width="stretch", config=config)
        for note in stats_logic.line_notes(group):
            st.caption(escape_md(note))
        sources_caption(stats_logic.chart_sources(statistics, group, unit, show_partial, show_targets)
                        .itertuples(index=False))

    st.header(_("Where sources disagree"))
    sentences = stats_logic.conflict_sentences(statistics, metrics)
    if sentences:
        st.warning("\n".join(f"- {escape_md(s)}" for s in sentences), icon=":material/compare_arrows:")
        st.caption(_("Figures are listed side by side, never averaged. The difference is against "
                     "the preferred source's figure where a metric has one, otherwise against the lowest."))
        table(stats_logic.conflict_table(statistics, metrics), key="stats_conflicts")
    else:
        st.caption(_("The sources of the chosen metrics agree wherever they report the same period."))

    st.header(_("Growth"))
    growth = stats_logic.growth_table(statistics, metrics)
    if growth.empty:
        st.caption(_("No year-on-year change: no two consecutive full years on the same series."))
    else:
        st.caption(_("Year-on-year change between consecutive full years of the same series only."))
        table(growth, key="stats_growth")

    if show_targets:
        st.header(_("Targets and forecasts"))
        gaps = stats_logic.gap_table(statistics, metrics)
        if gaps.empty:
            st.caption(_("No targets or forecasts are recorded for the chosen metrics."))
        else:
            st.caption(_("Each target or forecast against the latest full-year figure, or against the actual "
                         "figure of its own year once that year has passed."))
            table(gaps, key="stats_targets")

    st.header(_("All figures shown"))
    table(stats_logic.provenance_display(statistics, metrics, show_partial, show_targets),
          key="stats_provenance")
    csv_download(stats_logic.provenance_table(statistics, metrics, show_partial, show_targets),
                 file_name="qazdash_statistics.csv", key="stats_download",
                 label=_("Download these figures (CSV)"))
