"""qazdash router: page config, language, navigation. Each page lives in pages/."""

from pathlib import Path

import streamlit as st

from qazdash.i18n import _
from qazdash.ui.i18n import init_language, language_selector

# A shipped icon: a ":material/..." page icon makes the browser fetch it from fonts.gstatic.com.
st.set_page_config(page_title="qazdash", page_icon=str(Path(__file__).parent / "assets" / "icon.png"), layout="wide")
init_language()
language_selector()  # before st.navigation, so the URL's ?lang= binds on the first run

PAGES = [
    st.Page("pages/overview.py", title=_("Overview"), icon=":material/dashboard:", default=True),
    st.Page("pages/map.py", title=_("Corridor map"), icon=":material/map:", url_path="map"),
    st.Page("pages/news.py", title=_("News timeline"), icon=":material/newspaper:", url_path="news"),
    st.Page("pages/statistics.py", title=_("Statistics"), icon=":material/bar_chart:", url_path="statistics"),
    st.Page("pages/upload.py", title=_("Data upload"), icon=":material/upload_file:", url_path="upload"),
    st.Page("pages/present.py", title=_("Present"), icon=":material/co_present:", url_path="present"),
    st.Page("pages/sources.py", title=_("Data & sources"), icon=":material/menu_book:", url_path="sources"),
]

st.navigation(PAGES).run()
