"""Placeholder replaced by the upload page's own work."""

import streamlit as st

from qazdash.i18n import _

st.title(_("upload"))
