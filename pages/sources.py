"""Data & sources: what each dataset holds, its columns and rules, its versions and where it comes from."""

import streamlit as st

from qazdash.datasets_doc import schema_table, sources_markdown
from qazdash.i18n import _, format_number, get_language
from qazdash.schema import KIND_ORDER, get_schema
from qazdash.ui.data import current_versions, get_store
from qazdash.ui.widgets import data_errors

st.title(_("Data & sources"))
st.caption(_("Every figure, place and article in qazdash comes from a public source named beside it. "
             "This page lists the datasets, their rules and their current versions."))

with data_errors():
    versions = current_versions()
    store = get_store()
    for kind in KIND_ORDER:
        schema = get_schema(kind)
        version = store.version(versions[kind])
        with st.expander(f"{_(schema.title)} — {format_number(version.row_count, 0)} " + _("rows"),
                         expanded=False):
            st.write(_(schema.description))
            st.caption(_("Current version {id}: {action} by {author}, {date}, from {source}").format(
                id=version.id, action=version.action, author=version.author,
                date=f"{version.created_at:%Y-%m-%d %H:%M}", source=version.source_name))
            st.dataframe(schema_table(schema), hide_index=True, width="stretch", key=f"sources_schema_{kind}")

st.subheader(_("Sources and licences"))
if get_language() != "en":
    st.caption(_("The sources document below is kept in English, as the sources themselves are cited."))
st.markdown(sources_markdown())
