"""Nothing is left uncovered: pages have AppTest and browser tests; data files have schemas and sources."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from qazdash.schema import SCHEMAS

ROOT = Path(__file__).resolve().parents[1]


def registered_pages() -> dict[str, str]:
    """``{page file stem: url path}`` for every ``st.Page`` in app.py."""
    tree = ast.parse((ROOT / "app.py").read_text())
    pages = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            path = node.args[0].value
            url = next((k.value.value for k in node.keywords if k.arg == "url_path"), "")
            pages[Path(path).stem] = url
    return pages


def test_app_registers_every_page_file_with_its_fixed_url():
    assert registered_pages() == {
        "overview": "", "map": "map", "news": "news", "statistics": "statistics",
        "upload": "upload", "present": "present", "sources": "sources",
    }
    assert {p.stem for p in (ROOT / "pages").glob("*.py")} == set(registered_pages())


def test_every_page_has_an_apptest_module():
    for stem in registered_pages():
        assert (ROOT / "tests" / "app" / f"test_{stem}_page.py").exists(), stem


def test_every_page_url_is_opened_in_the_browser_suite():
    text = (ROOT / "tests" / "browser" / "test_pages.py").read_text()
    for url in registered_pages().values():
        assert f'("{url}",' in text, url


def test_every_page_imports_qazdash_ui():
    """qazdash.ui's import fixes Streamlit's legacy pages/ routing on a fresh server (see its docstring)."""
    for path in (ROOT / "pages").glob("*.py"):
        assert re.search(r"^from qazdash\.ui[\w.]* import", path.read_text(), re.M), path.name


def test_every_data_file_has_a_schema_or_a_sources_entry():
    sources = (ROOT / "data" / "SOURCES.md").read_text()
    schema_files = {s.file_name for s in SCHEMAS.values()}
    for path in (ROOT / "data").iterdir():
        if path.name == "SOURCES.md":
            continue
        name = path.name + ("/" if path.is_dir() else "")
        assert f"`{name}`" in sources, f"data/{name} is not described in data/SOURCES.md"
        if path.suffix == ".csv":
            assert path.name in schema_files, f"data/{path.name} has no schema"


def test_no_translation_call_hides_inside_an_f_string():
    """Babel (on Python 3.11) cannot see _('...') inside an f-string: such text is never translated."""
    hidden = re.compile(r"""f(["'])[^"']*\{_\((["'])""")
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "qazdash").rglob("*.py")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert not hidden.search(line), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
