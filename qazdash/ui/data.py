"""Cached access to the store. The source data is cached per dataset version; filter outside the cache."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qazdash import geo, routes
from qazdash import statistics as stats_logic
from qazdash.datasets import load_shipped, shipped_digests
from qazdash.i18n import get_language
from qazdash.store import Store


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    """One store (one pooled engine) per process, migrated and seeded on first use."""
    return Store.open(seed=load_shipped, seed_digests=shipped_digests)


def current_versions() -> dict[str, int]:
    """Read once per script run: a new version committed anywhere is seen on the next rerun."""
    return get_store().current_versions()


@st.cache_data(show_spinner=False, max_entries=32)
def _dataset(kind: str, version_id: int) -> pd.DataFrame:
    return get_store().read(kind, version_id)


def dataset(kind: str, versions: dict[str, int] | None = None) -> pd.DataFrame:
    """The current version of ``kind`` (a copy: callers may filter and modify it freely)."""
    versions = versions or current_versions()
    return _dataset(kind, versions[kind])


def datasets(*kinds: str) -> dict[str, pd.DataFrame]:
    versions = current_versions()
    return {kind: dataset(kind, versions) for kind in kinds}


@st.cache_data(show_spinner=False, max_entries=16)
def _prepared_statistics(version_id: int, lang: str) -> pd.DataFrame:
    return stats_logic.prepare(_dataset("statistics", version_id))  # period labels are in ``lang``


def prepared_statistics() -> pd.DataFrame:
    """The current statistics with the columns the statistics logic derives, prepared once per version and language."""
    return _prepared_statistics(current_versions()["statistics"], get_language())


@st.cache_data(show_spinner=False, max_entries=16)
def _leg_paths(segments_version: int, nodes_version: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    return geo.leg_paths(_dataset("segments", segments_version), _dataset("nodes", nodes_version))


def leg_paths() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(drawable legs with their geometry, legs that cannot be drawn): once per data version."""
    versions = current_versions()
    return _leg_paths(versions["segments"], versions["nodes"])


@st.cache_data(show_spinner=False, max_entries=16)
def _leg_figures(segments_version: int, nodes_version: int) -> pd.DataFrame:
    return routes.leg_figures(_dataset("segments", segments_version), _dataset("nodes", nodes_version))


def leg_figures() -> pd.DataFrame:
    """Each leg's figures with their basis (sourced or estimated): once per data version."""
    versions = current_versions()
    return _leg_figures(versions["segments"], versions["nodes"])
