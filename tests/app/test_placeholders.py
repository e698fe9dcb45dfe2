"""Every multiselect and empty selectbox says in the page's language what an empty choice means
(Streamlit's default placeholder is the English "Choose options")."""

from __future__ import annotations

import re

import pytest

from tests.app.conftest import open_page

PAGES = ["overview", "map", "news", "statistics", "upload", "present", "sources"]
STREAMLIT_DEFAULTS = {"Choose options", "Choose an option", "Select...", ""}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
@pytest.mark.parametrize("page", PAGES)
def test_placeholders_are_ours_and_translated(page, lang):
    at = open_page(page, {"lang": lang})
    boxes = [*at.multiselect, *[s for s in at.selectbox if s.value is None]]
    for box in boxes:
        placeholder = box.proto.placeholder
        assert placeholder not in STREAMLIT_DEFAULTS, (page, box.key, placeholder)
        if lang != "en":
            assert re.search("[а-яәіңғүұқөһ]", placeholder, re.IGNORECASE), (page, box.key, placeholder)
