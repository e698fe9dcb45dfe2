"""The only part of qazdash that imports streamlit: cached loaders, shared widgets, URL state.

Importing this package also fixes a start-up trap of Streamlit's routing. Because ``pages/`` exists
beside ``app.py``, a freshly started server runs in the legacy "pages directory" mode until some
session has called ``st.navigation``: if the first request of a new server is ``/map``, Streamlit
runs ``pages/map.py`` directly, without ``app.py`` (no language, no router, wrong sidebar). Every
page imports ``qazdash.ui``; on that first import we switch the process to ``st.navigation`` mode
and rerun, so the same request is served through ``app.py``.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()
