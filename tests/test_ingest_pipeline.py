"""The upload pipeline: Russian-locale files, duplicates (skip/update), commit, rollback, saved mappings."""

from __future__ import annotations

from datetime import date

import pytest

from qazdash.errors import QazdashDataError
from qazdash.ingest.pipeline import UploadOptions, commit, prepare, rows_to_commit
from qazdash.ingest.report import report_csv, report_frame, report_json
from qazdash.ingest.templates import TEMPLATE_KINDS, template_csv, template_frame
from tests.ingest_support import seeded_store_fixture, seeded_template_fixture  # noqa: F401

RU_ARTICLES = (
    "Экспорт из системы мониторинга СМИ\n"
    "Дата выгрузки: 01.12.2025\n"
    "\n"
    "№;Дата;Заголовок;Источник;Ссылка;Язык;Коридоры\n"
    "up-t-1;01.12.2025;\"Тест: паром Курык — Алят\nвторая строка\";Тест;https://example.org/ru/1;ru;titr_middle_corridor\n"
    "up-t-2;5 ноября 2025;Тест два;Тест;https://example.org/ru/2;ru;\n"
).encode("cp1251")

RU_STATS = (
    "metric_id;Показатель;Ед. изм.;Год;Значение;Источник;value type\n"
    "up-s-1;test_metric;teu;2024;1 234,5;Тест;actual\n"
    "up-s-2;test_metric;teu;2025;12,25;Тест;actual\n"
).encode("cp1251")


def test_russian_excel_articles_end_to_end(seeded_store):
    p = prepare(RU_ARTICLES, "ru.csv", seeded_store)
    assert p.detected.encoding == "cp1251" and p.detected.separator == ";" and p.detected.header_row == 4
    assert p.kind == "articles" and p.guess.sure
    assert p.ok, p.problems
    frame = p.valid_frame
    assert frame.index.tolist() == [5, 6]  # rows as Excel shows them, below the 3 metadata lines and header
    assert frame.loc[5, "title"] == "Тест: паром Курык — Алят\nвторая строка"
    assert frame["published"].tolist() == ["2025-12-01", "2025-11-05"]
    before = len(seeded_store.read("articles"))
    version = commit(p, seeded_store, author="analyst", note="test upload")
    assert version.author == "analyst" and version.source_name == "ru.csv"
    assert version.sha256 == p.sha256 and "test upload" in version.note and "valid 2" in version.note
    assert len(seeded_store.read("articles")) == before + 2
    assert seeded_store.raw_file(version.id) == ("ru.csv", RU_ARTICLES)


def test_the_file_is_compressed_for_the_store_while_it_is_checked(seeded_store, monkeypatch):
    from qazdash import store as store_module
    from qazdash.store import compress_raw

    p = prepare(RU_STATS, "stats.csv", seeded_store)
    assert p.packed.result(timeout=30) == compress_raw(RU_STATS)  # ready before the analyst commits
    monkeypatch.setattr(store_module, "compress_raw", lambda _data: pytest.fail("compressed twice"))
    version = commit(p, seeded_store, author="analyst")
    assert seeded_store.raw_file(version.id) == ("stats.csv", RU_STATS)
    assert prepare(b"a;b\n1;2\n", "unknown.csv", seeded_store).packed is None  # nothing to commit: not kept


def test_decimal_comma_and_thousands_in_statistics(seeded_store):
    p = prepare(RU_STATS, "stats.csv", seeded_store)
    assert p.kind == "statistics" and p.ok, p.problems
    assert p.valid_frame["value"].tolist() == [1234.5, 12.25]


def test_report_keeps_the_original_value(seeded_store):
    data = RU_STATS.replace("12,25".encode("cp1251"), "-3,5".encode("cp1251")).replace(b"teu;2025", b"teu;2025")
    data = data.replace(b"up-s-2;test_metric;teu;2025;-3,5", b"up-s-2;test_metric;teu;2025-13;-3,5")
    p = prepare(data, "stats.csv", seeded_store)
    assert [(x.row, x.column, x.value, x.rule) for x in p.problems] == [(3, "period", "2025-13", "type")]
    assert p.rows == 2 and p.valid == 1 and p.invalid == 1
    js = report_json(p)
    assert {"kind", "rows", "valid", "invalid", "problems"} <= set(js)
    assert set(js["problems"][0]) >= {"row", "column", "value", "message"}
    assert b"2025-13" in report_csv(p)
    assert list(report_frame(p).columns) == ["severity", "row", "column", "value", "rule", "message"]


def _article_csv(rows):
    head = "article_id,published,title,source,url"
    return ("\n".join([head, *rows]) + "\n").encode()


def test_duplicates_skip_or_update(seeded_store):
    current = seeded_store.read("articles")
    known = current.iloc[0]
    data = _article_csv(["up-d-1,2025-01-01,Test new,Test,https://example.org/new",
                         f"{known.article_id},2025-01-01,Test changed title,Test,{known.url}"])
    p = prepare(data, "d.csv", seeded_store)
    assert p.ok and p.duplicates.index.tolist() == [3]
    assert len(rows_to_commit(p, "skip")) == 1
    commit(p, seeded_store, author="a", on_duplicate="skip")
    after = seeded_store.read("articles")
    assert len(after) == len(current) + 1
    assert after.loc[after.url == known.url, "title"].tolist() == [known.title]
    p = prepare(data, "d.csv", seeded_store)
    commit(p, seeded_store, author="a", on_duplicate="update")
    after = seeded_store.read("articles")
    assert len(after) == len(current) + 1
    assert after.loc[after.url == known.url, "title"].tolist() == ["Test changed title"]


def test_invalid_rows_block_commit_unless_allowed(seeded_store):
    data = _article_csv(["up-i-1,2025-01-01,Test,Test,https://example.org/i1", "up-i-2,2025-02-30,Test,Test,https://example.org/i2"])
    p = prepare(data, "i.csv", seeded_store)
    assert p.invalid == 1
    before = seeded_store.current_versions()
    with pytest.raises(QazdashDataError):
        commit(p, seeded_store, author="a")
    assert seeded_store.current_versions() == before
    version = commit(p, seeded_store, author="a", allow_invalid=True)
    assert set(seeded_store.read("articles", version.id)["article_id"]) >= {"up-i-1"}
    assert "up-i-2" not in set(seeded_store.read("articles")["article_id"])


def test_replace_and_rollback_lose_nothing(seeded_store):
    original = seeded_store.read("statistics")
    first = seeded_store.current_versions()["statistics"]
    p = prepare(RU_STATS, "stats.csv", seeded_store)
    commit(p, seeded_store, author="a", mode="replace")
    assert len(seeded_store.read("statistics")) == 2
    seeded_store.rollback("statistics", first, author="a")
    assert len(seeded_store.read("statistics")) == len(original)
    assert len(seeded_store.versions("statistics")) == 3


def test_saved_mapping_is_reused(seeded_store):
    data = b"Headline;When;Outlet;Link;ID\nTest;01.02.2025;Test;https://example.org/m;up-m-1\n"
    p = prepare(data, "m.csv", seeded_store)
    assert not p.ok
    mapping = {"Headline": "title", "When": "published", "Outlet": "source", "Link": "url", "ID": "article_id"}
    seeded_store.save_mapping("my outlet", "articles", mapping, author="a")
    kind, saved = seeded_store.mappings("articles")["my outlet"]
    p = prepare(data, "m.csv", seeded_store, UploadOptions(kind=kind, mapping=saved))
    assert p.ok, p.problems
    assert p.valid_frame.iloc[0]["published"] == "2025-02-01"


def test_day_first_and_reference_day_options(seeded_store):
    data = _article_csv(["up-o-1,03/04/2025,Test,Test,https://example.org/o1",
                         "up-o-2,Вчера,Test,Test,https://example.org/o2"])
    p = prepare(data, "o.csv", seeded_store)
    assert {x.rule for x in p.problems} == {"ambiguous_date", "relative_date"}
    p = prepare(data, "o.csv", seeded_store, UploadOptions(day_first=True, reference_day=date(2025, 12, 1)))
    assert p.ok and p.valid_frame["published"].tolist() == ["2025-04-03", "2025-11-30"]


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_templates_have_headers_and_two_valid_examples(kind, seeded_store):
    assert len(template_frame(kind)) == 2
    p = prepare(template_csv(kind), f"{kind}.csv", seeded_store)
    assert p.kind == kind and p.ok, p.problems


def _stats_csv(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    """``metric_id, metric, period, value, source`` rows as a statistics file (unit and value type fixed)."""
    lines = ["metric_id,metric,unit,period,value,source,value_type"]
    lines += [f"{mid},{metric},million_tonnes,{period},{value},{source},actual"
              for mid, metric, period, value, source in rows]
    return ("\n".join(lines) + "\n").encode()


def test_reused_ids_conflict_only_when_the_key_differs(seeded_store):
    current = seeded_store.read("statistics")
    first, second = current.iloc[0], current.iloc[1]
    data = _stats_csv([
        # the same row again (same id, same metric+period+source): a duplicate, not a conflict
        (first.metric_id, first.metric, first.period, "1.5", first.source),
        # a known id on another row (other period): a conflict
        (second.metric_id, second.metric, "1999", "2.5", second.source),
        # a known id, same metric and period, other source: a conflict
        (first.metric_id + "x", "test_metric", "2024", "3", "Test"),
        (current.iloc[2].metric_id, current.iloc[2].metric, current.iloc[2].period, "4", "Other source"),
        ("up-new-1", "test_metric", "2025", "5", "Test"),  # new id, new key: fine
    ])
    p = prepare(data, "conflicts.csv", seeded_store)
    conflicts = [(x.row, x.column, x.value, x.rule) for x in p.problems]
    assert conflicts == [(3, "metric_id", second.metric_id, "unique_current"),
                         (5, "metric_id", current.iloc[2].metric_id, "unique_current")]
    assert "already the metric_id of another row in the current statistics" in p.problems[0].message
    assert p.valid_frame.index.tolist() == [2, 4, 6]
    assert p.duplicates.index.tolist() == [2]


def test_reuploading_a_committed_file_gives_duplicates_not_conflicts(seeded_store):
    data = _stats_csv([(f"up-r-{i}", f"test_metric_{i % 3}", f"20{10 + i % 7}", str(i), "Test") for i in range(40)])
    commit(prepare(data, "r.csv", seeded_store), seeded_store, author="a")
    again = prepare(data, "r.csv", seeded_store)
    assert again.ok and not again.problems
    assert again.duplicates.index.tolist() == list(range(2, 42))
    assert rows_to_commit(again, "skip").empty


# code_limit 4: the combined key codes are renumbered on the way; table_limit 0: np.isin instead of a table
@pytest.mark.parametrize(("code_limit", "table_limit"), [(1 << 62, 1 << 26), (4, 1 << 26), (1 << 62, 0)])
def test_find_duplicates_matches_whole_keys(code_limit, table_limit, monkeypatch):
    import pandas as pd

    from qazdash.ingest import pipeline
    from qazdash.schema import get_schema

    monkeypatch.setattr(pipeline, "_CODE_LIMIT", code_limit)
    monkeypatch.setattr(pipeline, "_TABLE_LIMIT", table_limit)
    current = pd.DataFrame({"metric": ["a", "a", "b", "c"], "period": ["2024", "2025", "2024", None],
                            "source": ["S", "S", "T", "S"]}, dtype="str")
    valid = pd.DataFrame({"metric": ["a", "a", "b", "b", "c", "c", "d"],
                          "period": ["2024", "2025", "2025", "2024", None, "", "2024"],
                          "source": ["S", "T", "T", "T", "S", "S", "S"]}, dtype="str",
                         index=[10, 11, 12, 13, 14, 15, 16])
    found = pipeline.find_duplicates(valid, current, get_schema("statistics"))
    # whole (metric, period, source) keys only; a missing period is the same as an empty one
    assert found.index.tolist() == [10, 13, 14, 15]
    assert list(found.columns) == ["metric", "period", "source"]


# (title cell, warning rules): formula-like text and markup are warned about, not rejected
TITLE_WARNINGS = [
    ("Plain title", []),
    ("=SUM(A1:A2)", ["formula"]),
    ("@cmd", ["formula"]),
    (" -x", ["formula"]),
    ("- total", ["formula"]),
    ("-5 percent", []),
    ("+(1)", ["formula"]),
    ("\u00a0=1", ["formula"]),
    ("\u3000+A1", ["formula"]),
    ("x-y=z", []),
    ("Тест = тест", []),
    ("<b>bold</b>", ["markup"]),
    ("JavaScript:alert(1)", ["markup"]),
    ("onload=alert(1)", ["markup"]),
    ("a < b", ["markup"]),  # "< b" reads as a <b> tag
    ("2 < 3", []),
    ("=HYPERLINK(\"<script>\")", ["formula", "markup"]),
]


@pytest.mark.parametrize("repeat", [1, 30_000])  # 60k rows: checked two columns at a time
def test_formula_and_markup_warnings_name_each_cell(repeat, seeded_store):
    rows = [(f"up-w-{i}-{j}", title) for j in range(repeat) for i, (title, _) in enumerate(TITLE_WARNINGS)]
    lines = ["article_id;published;title;source;url"]
    lines += [f'{aid};2025-01-02;"{title.replace(chr(34), chr(34) * 2)}";Test;https://example.org/{aid}'
              for aid, title in rows]
    p = prepare(("\n".join(lines) + "\n").encode(), "w.csv", seeded_store)
    assert not p.problems, p.problems[:3]
    found = {}
    for w in p.warnings:
        if w.rule in ("formula", "markup"):
            found.setdefault(w.row, []).append(w.rule)
            assert w.column == "title" and w.value == rows[w.row - 2][1][:200]
    expected = {row: rules for row, (_, (_, rules)) in enumerate(
        ((aid, TITLE_WARNINGS[n % len(TITLE_WARNINGS)]) for n, (aid, _) in enumerate(rows)), start=2) if rules}
    assert found == expected
