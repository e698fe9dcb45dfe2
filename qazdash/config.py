"""Where things live, from the environment. Read at call time so tests can change the environment."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"


def data_dir() -> Path:
    """The shipped data folder (``QAZDASH_DATA_DIR`` overrides it, e.g. for benchmarks)."""
    return Path(os.environ.get("QAZDASH_DATA_DIR", DATA_DIR))


def database_url() -> str:
    """``QAZDASH_DATABASE_URL`` (PostgreSQL for shared replicas), else a SQLite file at ``QAZDASH_DB_PATH``."""
    url = os.environ.get("QAZDASH_DATABASE_URL", "").strip()
    if url:
        return url
    path = Path(os.environ.get("QAZDASH_DB_PATH", ROOT / "var" / "qazdash.db"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"
