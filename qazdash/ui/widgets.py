"""Widgets shared by pages: errors, empty states, sources, downloads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from qazdash.errors import QazdashDataError
from qazdash.exporting import excel_safe_csv
from qazdash.i18n import _


def show_data_error(err: QazdashDataError) -> None:
    """The one place a data error is shown: title, message and what to do, as plain text."""
    st.error(f"**{escape_md(_(err.title))}**\n\n{escape_md(err.localized_message())}", icon=":material/error:")
    if err.hint:
        st.caption(escape_md(err.localized_hint()))


@contextmanager
def data_errors() -> Iterator[None]:
    """Show a ``QazdashDataError`` raised inside the block instead of a traceback."""
    try:
        yield
    except QazdashDataError as err:
        show_data_error(err)


def escape_md(text: str) -> str:
    """Text safe to put into ``st.markdown``: Markdown and HTML characters are shown, not interpreted."""
    out = []
    for ch in str(text):
        if ch in "\\`*_{}[]()#+-.!|<>~$&":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def empty_state(message: str) -> None:
    """Nothing to show: say what to change."""
    st.info(message, icon=":material/filter_alt_off:")


def md_link(label: str, url: object) -> str:
    """``[label](url)`` as safe Markdown: the label escaped, only http(s) URLs linked (else the label alone)."""
    text = escape_md(label)
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        return f"[{text}]({url.replace(' ', '%20').replace('(', '%28').replace(')', '%29')})"
    return text


def source_caption(source: str, url: str | None = None) -> None:
    """'Source: …' beside a figure, with a link where one is given."""
    st.caption(_("Source") + ": " + md_link(source, url))


def sources_caption(sources: Iterable[tuple[str, object]]) -> None:
    """'Sources: A · B · C' under a chart, each name linked to its page; nothing when there are none."""
    parts = [md_link(source, url) for source, url in sources]
    if parts:
        st.caption(_("Sources") + ": " + " · ".join(parts))


def csv_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], file_name: str, key: str,
                 label: str | None = None) -> None:
    """A download button for a table as CSV that is safe to open in Excel.

    Pass a function instead of a frame to build the table only when the user clicks (large tables).
    """
    st.download_button(label or _("Download CSV"),
                       data=lambda: excel_safe_csv(frame() if callable(frame) else frame),
                       file_name=file_name, mime="text/csv", key=key, icon=":material/download:")
