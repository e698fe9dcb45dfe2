"""The prepared news index, built once per data version and shared read-only by all sessions.

``st.cache_resource`` (not ``cache_data``): the index of 100,000 articles is not copied on every
rerun. Callers never modify it; ``filter_articles`` returns new frames.
"""

from __future__ import annotations

import streamlit as st

from qazdash.news import NewsIndex, prepare_news
from qazdash.ui.data import current_versions, get_store

NEWS_KINDS = ("articles", "nodes", "segments", "corridors")


@st.cache_resource(show_spinner=False, max_entries=4)
def _news_index(version_key: tuple[int, ...]) -> NewsIndex:
    store = get_store()
    frames = {kind: store.read(kind, vid) for kind, vid in zip(NEWS_KINDS, version_key, strict=True)}
    return prepare_news(frames["articles"], frames["nodes"], frames["segments"], frames["corridors"])


def news_index() -> NewsIndex:
    """The news index of the current versions of articles, nodes, segments and corridors."""
    versions = current_versions()
    return _news_index(tuple(versions[kind] for kind in NEWS_KINDS))
