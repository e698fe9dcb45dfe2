"""Placeholder replaced by the statistics page's own work."""

import streamlit as st

from qazdash.i18n import _

st.title(_("statistics"))
