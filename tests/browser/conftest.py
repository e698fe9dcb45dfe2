"""Real-browser fixtures: ``streamlit run app.py`` on a free port, Playwright driving Debian's chromium.

deck.gl needs WebGL: headless chromium renders it with SwiftShader (``--use-angle=swiftshader``).
Background networking is off: the tests run with no internet, like the offline map must.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("QAZDASH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser


@dataclass
class AppServer:
    url: str
    db_path: Path
    process: subprocess.Popen
    log: Path
    env: dict = field(default_factory=dict)

    def database_url(self) -> str:
        return f"sqlite:///{self.db_path}"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(extra_env: dict[str, str] | None = None, theme: str | None = None) -> AppServer:
    """Start ``streamlit run app.py`` against a fresh SQLite store; wait for ``/_stcore/health``."""
    tmp = Path(tempfile.mkdtemp(prefix="qazdash-app-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "QAZDASH_DATABASE_URL"}
    env.update({"QAZDASH_DB_PATH": str(tmp / "qazdash.db"), **(extra_env or {})})
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    if theme:
        cmd += ["--theme.base", theme]
    log = tmp / "streamlit.log"
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:  # noqa: S310 - localhost
                if resp.status == 200:
                    return AppServer(url, tmp / "qazdash.db", proc, log, env)
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not become healthy:\n{log.read_text()}")


def stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
    shutil.rmtree(server.db_path.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    """One dashboard for the browser tests of a session (light theme, SQLite store, shipped data)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI; .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not found; install Debian's chromium")
    server = start_app()
    yield server
    stop_app(server)


@pytest.fixture(scope="session")
def app_url(app_server) -> str:
    return app_server.url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI; .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not found; install Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def new_page(browser):
    """A page in a fresh browser context (its own cookies: a separate session); ``page.errors`` collects
    uncaught page errors. Close it with ``page.context.close()``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    return pg


@pytest.fixture
def page(browser):
    """A fresh browser context and page (``new_page``), closed after the test."""
    pg = new_page(browser)
    yield pg
    pg.context.close()


def wait_for_app(pg, timeout: float = 60_000) -> None:
    """Wait until the app has connected and no script run is in progress."""
    pg.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    pg.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def assert_clean(pg) -> None:
    """The 'must not happen' checks: no exception box, no error alert, no uncaught page error."""
    from playwright.sync_api import expect

    expect(pg.locator('[data-testid="stException"]')).to_have_count(0)
    expect(pg.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
    assert not pg.errors, pg.errors
