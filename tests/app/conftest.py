"""AppTest helpers: open a page through the real router (app.py), with query parameters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as _app_test
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


class _NavigationPagesManager(PagesManager):
    """AppTest resets Streamlit's "legacy pages/ directory" flag before every run, so after
    ``switch_page`` it would run ``pages/x.py`` alone, without app.py (no router, no language).
    A real server leaves that mode for good once app.py has called ``st.navigation``; do the same here."""

    def __init__(self, *args, **kwargs):
        PagesManager.uses_pages_directory = False
        super().__init__(*args, **kwargs)


_app_test.PagesManager = _NavigationPagesManager
APP = str(ROOT / "app.py")


def open_page(page: str, query: dict[str, str | list[str]] | None = None, timeout: float = 60) -> AppTest:
    """Run ``app.py`` and switch to ``pages/<page>.py`` with ``query`` as the URL's query parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.query_params.update(query or {})
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def assert_no_errors(at: AppTest) -> None:
    """No exception element and no error alert on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def page_text(at: AppTest) -> str:
    """All text a user reads in the main area: titles, markdown, captions, metrics, alerts."""
    parts: list[str] = []
    for group in (at.title, at.header, at.subheader, at.markdown, at.caption, at.info, at.warning, at.success):
        parts += [str(e.value) for e in group]
    for m in at.metric:
        parts += [str(m.label), str(m.value), str(m.delta or "")]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))  # undo Markdown escapes: read what is shown


@pytest.fixture
def open_app():
    return open_page
