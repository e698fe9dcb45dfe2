"""Overview: headline figures, latest cooperation news, the corridors."""

import streamlit as st

from qazdash.i18n import _

st.title(_("Kazakhstan's trade corridors"))
