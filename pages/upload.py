"""Data upload: analysts check a file against the schema, commit it as a new version, or roll back."""

import streamlit as st

from qazdash.auth import ANALYST
from qazdash.errors import QazdashDataError
from qazdash.i18n import _
from qazdash.schema import get_schema
from qazdash.ui import upload as ui
from qazdash.ui.auth import sign_in_panel
from qazdash.ui.widgets import show_data_error

st.title(_("Data upload"))
role = sign_in_panel("upload")

if role == ANALYST:
    upload_tab, history_tab, templates_tab = st.tabs([_("Upload"), _("History"), _("Templates")])
else:
    st.info(_("Viewers can see the history of every dataset. Sign in as an analyst to upload or roll back."),
            icon=":material/visibility:")
    history_tab, templates_tab = st.tabs([_("History"), _("Templates")])
    upload_tab = None

with templates_tab:
    ui.templates_section()

with history_tab:
    ui.history_section(can_write=role == ANALYST)

if upload_tab is not None:
    with upload_tab:
        if last := st.session_state.pop("upload_last_commit", None):
            st.success(_("Committed: {kind} version {id} ({rows} rows). Everyone sees it on their next rerun.")
                       .format(kind=_(get_schema(last[0]).title), id=last[1], rows=last[2]))
        uploaded = st.file_uploader(_("CSV, TSV or XLSX file (up to 200 MB)"),
                                    type=["csv", "tsv", "txt", "xlsx", "xls"],
                                    key="upload_file")
        if uploaded is not None:
            options = ui.upload_options(uploaded.file_id)
            bar = st.empty()
            try:
                prepared = ui.prepared_for(uploaded.getbuffer(), uploaded.name, options, uploaded.file_id, bar)
            except QazdashDataError as err:
                prepared = None
                show_data_error(err)
            bar.empty()
            if prepared is not None:
                ui.detected_caption(prepared)
                target_kind = prepared.kind or options.kind
                if target_kind is None:
                    st.warning(_("Which dataset is this? Choose it above, then map the columns."),
                               icon=":material/help:")
                else:
                    applied = ui.mapping_form(prepared, target_kind)
                    if applied is not None:
                        ui.apply_mapping(uploaded.file_id, applied)
                        st.rerun()
                ui.report_section(prepared)
                ui.commit_section(prepared)
