"""The bad-file suite: every malformed file gives its own message, writes nothing and does not crash.

``tests/fixtures/bad/expectations.csv`` holds, per file: CLI options, exit code, rule, a fragment of
the message and whether anything is stored. Two files are *not* rejected on purpose: formula-like
text and HTML/script in a title are data. They are stored as plain text, flagged in the report, and
defused in every export (``stored = text``).
"""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path

import pytest

from qazdash.__main__ import main
from qazdash.exporting import excel_safe_csv
from tests.ingest_support import seeded_store_fixture, seeded_template_fixture  # noqa: F401

BAD = Path(__file__).parent / "fixtures" / "bad"
EXPECTATIONS = list(csv.DictReader((BAD / "expectations.csv").open(encoding="utf-8")))
GENERATED = {"one_line_10mb.csv": lambda: b"a," * (5 * 1024 * 1024)}


def test_there_are_at_least_30_bad_files_and_each_is_expected():
    files = {p.name for p in BAD.iterdir() if p.name not in ("expectations.csv", "make_fixtures.py")}
    listed = {row["file"] for row in EXPECTATIONS}
    assert len(files | set(GENERATED)) >= 30
    assert files | set(GENERATED) == listed


@pytest.fixture
def fixture_path(tmp_path):
    def get(name: str) -> Path:
        if name in GENERATED:
            path = tmp_path / name
            path.write_bytes(GENERATED[name]())
            return path
        return BAD / name

    return get


@pytest.mark.parametrize("row", EXPECTATIONS, ids=[r["file"] for r in EXPECTATIONS])
def test_bad_file(row, fixture_path, capsys, seeded_store):
    path = fixture_path(row["file"])
    store = seeded_store
    before = store.current_versions()
    code = main(["ingest", str(path), "--json", *shlex.split(row["options"])])
    out = capsys.readouterr().out
    report = json.loads(out)
    assert code == int(row["exit"]), out[:2000]
    if row["rule"] == "unreadable":
        assert row["message"] in report["message"]
    else:
        found = [p for p in report["problems"] + report["warnings"] if p["rule"] == row["rule"]]
        assert found, report
        assert any(row["message"] in p["message"] for p in found), found
    after = store.current_versions()
    if row["stored"] == "no":
        assert after == before
    else:  # stored as plain text, exactly as uploaded, and defused in exports
        kind = report["kind"]
        assert after[kind] != before[kind]
        stored = store.read(kind)
        value = next(p["value"] for p in report["warnings"] if p["rule"] == row["rule"])
        assert value in set(stored["title"])
        exported = excel_safe_csv(stored[stored["title"] == value]).decode("utf-8-sig")
        if row["rule"] == "formula":
            assert "'=HYPERLINK" in exported
