"""``python -m qazdash ingest|versions|rollback|hash-password``: same pipeline, exit codes, JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from qazdash.__main__ import main
from qazdash.auth import check_password
from qazdash.ingest.templates import template_csv
from qazdash.store import local_operator
from tests.ingest_support import seeded_store_fixture, seeded_template_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
RU = "№;Дата;Заголовок;Источник;Ссылка\ncli-1;01.12.2025;Тест;Тест;https://example.org/cli/1\n".encode("cp1251")


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_ingest_commits_as_the_os_user(tmp_path, capsys, seeded_store):
    path = tmp_path / "ru.csv"
    path.write_bytes(RU)
    before = len(seeded_store.read("articles"))
    code, out = run(capsys, "ingest", str(path), "--note", "from the shell")
    assert code == 0, out
    assert "committed: articles version" in out
    version = seeded_store.versions("articles")[0]
    assert version.author == local_operator() and version.source_name == "ru.csv"
    assert len(seeded_store.read("articles")) == before + 1


def test_dry_run_writes_nothing_and_json_has_the_fields(tmp_path, capsys, seeded_store):
    path = tmp_path / "ru.csv"
    path.write_bytes(RU)
    before = seeded_store.current_versions()
    code, out = run(capsys, "ingest", str(path), "--dry-run", "--json")
    report = json.loads(out)
    assert code == 0
    assert {k: report[k] for k in ("kind", "rows", "valid", "invalid")} == {
        "kind": "articles", "rows": 1, "valid": 1, "invalid": 0}
    assert report["problems"] == []
    assert seeded_store.current_versions() == before


def test_invalid_rows_exit_1_with_problems(tmp_path, capsys, seeded_store):
    path = tmp_path / "bad.csv"
    path.write_bytes(RU.replace(b"01.12.2025", b"32.12.2025"))
    code, out = run(capsys, "ingest", str(path), "--json")
    problem = json.loads(out)["problems"][0]
    assert code == 1
    assert problem == {"row": 2, "column": "published", "value": "32.12.2025",
                       "message": "'32.12.2025' is not a real date", "rule": "date"}


def test_unreadable_exit_2(tmp_path, capsys, seeded_store):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    code, _ = run(capsys, "ingest", str(path))
    assert code == 2
    assert run(capsys, "ingest", str(tmp_path / "missing.csv"))[0] == 2


def test_kind_and_mapping_options(tmp_path, capsys, seeded_store):
    path = tmp_path / "unlocode.csv"
    path.write_bytes((ROOT / "tests/fixtures/realworld/unece_unlocode_2023-1_CodeListPart2.csv").read_bytes())
    code, out = run(capsys, "ingest", str(path), "--mapping", "unlocode_kz_places", "--dry-run", "--json")
    report = json.loads(out)
    assert code == 0 and report["kind"] == "nodes" and report["valid"] == 85
    code, out = run(capsys, "ingest", str(path), "--mapping", "no_such_mapping")
    assert code == 2


def test_versions_and_rollback(tmp_path, capsys, seeded_store):
    path = tmp_path / "stats.csv"
    path.write_bytes(template_csv("statistics"))
    first = seeded_store.current_versions()["statistics"]
    assert run(capsys, "ingest", str(path), "--mode", "replace")[0] == 0
    code, out = run(capsys, "versions", "statistics")
    assert code == 0 and "stats.csv" in out.splitlines()[0] and out.splitlines()[0].startswith("*")
    code, out = run(capsys, "rollback", "statistics", str(first))
    assert code == 0
    assert len(seeded_store.read("statistics")) == len(seeded_store.read("statistics", first))
    code, out = run(capsys, "versions", "statistics", "--json")
    versions = json.loads(out)
    assert [v["action"] for v in versions] == ["rollback", "replace", "seed"]
    assert run(capsys, "rollback", "statistics", "999999")[0] == 1


def test_hash_password_prints_a_usable_hash():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "qazdash", "hash-password", "--stdin"], input="s3cret\n",
                          capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert check_password("s3cret", done.stdout.strip())


def test_module_runs_as_a_program(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QAZDASH_DB_PATH": str(tmp_path / "cli.db")}
    path = tmp_path / "x.csv"
    path.write_bytes(b"foo,bar\n1,2\n")
    done = subprocess.run([sys.executable, "-m", "qazdash", "ingest", str(path), "--dry-run"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 2
    assert "cannot tell which dataset" in done.stdout
