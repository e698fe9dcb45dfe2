"""Shared fixtures: an isolated database per test, the shipped frames, and stores on SQLite and PostgreSQL.

PostgreSQL: a real server is started once per test session with ``initdb`` + ``pg_ctl`` in a temp
directory on a free port (as the ``postgres`` user when running as root, since PostgreSQL refuses
root). Where the binaries are missing the PostgreSQL cases skip with the reason, except under CI
(``CI=true``), where they fail: CI must run them.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from qazdash.datasets import load_shipped, shipped_digests
from qazdash.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def session_db(tmp_path_factory) -> Iterator[Path]:
    """A session-wide SQLite file for what runs before ``isolated_db`` (module- and session-scoped fixtures),
    so no test ever reads or writes the developer's ``var/qazdash.db`` or a database named in the shell."""
    path = tmp_path_factory.mktemp("session-db") / "qazdash.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QAZDASH_DB_PATH", str(path))
        mp.delenv("QAZDASH_DATABASE_URL", raising=False)
        yield path


@pytest.fixture(autouse=True)
def isolated_db(tmp_path, monkeypatch) -> Path:
    """Every test gets its own SQLite file and never sees QAZDASH_DATABASE_URL from the shell."""
    path = tmp_path / "qazdash.db"
    monkeypatch.setenv("QAZDASH_DB_PATH", str(path))
    monkeypatch.delenv("QAZDASH_DATABASE_URL", raising=False)
    return path


@pytest.fixture(scope="session")
def shipped() -> dict[str, pd.DataFrame]:
    """The shipped data as typed frames (validated once per session)."""
    return load_shipped()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


class PostgresServer:
    """A throwaway PostgreSQL cluster: ``initdb`` into a temp dir, ``pg_ctl start`` on a free port."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="qazdash-pg-"))
        self.data = self.dir / "data"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=self.dir)

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C")
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = _pg_bindir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing in CI; .ci/run must install them")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found; install Debian's postgresql")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


_pg_counter = iter(range(1_000_000))


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    import sqlalchemy as sa

    name = f"qazdash_test_{next(_pg_counter)}"
    admin = sa.create_engine(postgres_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_server.url(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request, isolated_db) -> str:
    """The same test on the default SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{isolated_db}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(db_url, shipped) -> Iterator[Store]:
    """A migrated store seeded with the shipped data, on SQLite and on PostgreSQL."""
    s = Store.open(db_url, seed=lambda: shipped, seed_digests=shipped_digests)  # as the app opens it
    yield s
    s.wait_for_checkpoints()
    s.engine.dispose()
