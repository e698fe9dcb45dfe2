"""Fixtures shared by the ingest tests: a seeded store built once per session and copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qazdash.datasets import shipped_digests
from qazdash.store import Store


@pytest.fixture(scope="session", name="seeded_template")
def seeded_template_fixture(tmp_path_factory, shipped) -> Path:
    path = tmp_path_factory.mktemp("ingest_template") / "seeded.db"
    store = Store.open(f"sqlite:///{path}", seed=lambda: shipped, seed_digests=shipped_digests)  # as the app
    store.engine.dispose()
    return path


@pytest.fixture(name="seeded_store")
def seeded_store_fixture(seeded_template, isolated_db) -> Store:
    """A store with the shipped data as version 1 of each kind, at the test's own QAZDASH_DB_PATH."""
    shutil.copy(seeded_template, isolated_db)
    return Store.open(f"sqlite:///{isolated_db}")
