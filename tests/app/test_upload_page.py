"""Data upload page (AppTest): sign-in, roles enforced on the server, upload → report → commit, rollback,
bad files that never crash the page, and data text shown literally."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qazdash.auth import HASH_ENV, hash_password
from qazdash.ui.data import get_store
from tests.app.conftest import assert_no_errors, open_page, page_text
from tests.ingest_support import seeded_store_fixture, seeded_template_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "fixtures" / "bad"
PASSWORD = "test-analyst-password"
RU_ARTICLES = (
    "Выгрузка из Excel\n"
    "№;Дата;Заголовок;Источник;Ссылка;Коридоры\n"
    "app-1;01.12.2025;\"Тест: новый контейнерный поезд\nвторая строка\";Тест;https://example.org/app/1;"
    "titr_middle_corridor\n"
).encode("cp1251")


@pytest.fixture(autouse=True)
def fresh_store(seeded_store, monkeypatch):
    """Each test: its own seeded database, and the process-wide store re-opened on it."""
    monkeypatch.setenv(HASH_ENV, hash_password(PASSWORD))
    get_store.clear()
    yield seeded_store
    get_store.clear()


def frame_with(at: AppTest, column: str):
    """The first table on the page that has ``column`` (AppTest does not expose dataframe keys)."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with column {column!r}")


def as_analyst(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query or {})
    at.session_state["auth_role"] = "analyst"
    at.session_state["auth_author"] = "Test Analyst"
    at.run()
    at.switch_page("pages/upload.py")
    at.run()
    return at


def test_viewer_sees_history_but_no_upload_or_rollback(fresh_store):
    at = open_page("upload")
    assert_no_errors(at)
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.key in ("upload_commit", "upload_rollback")]
    assert frame_with(at, "SHA-256").shape[0] >= 1
    assert "Sign in as an analyst" in page_text(at)


def test_sign_in_with_password(fresh_store):
    at = open_page("upload")
    at.text_input(key="upload_sign_in_name").input("Test Analyst")
    at.text_input(key="upload_sign_in_password").input("wrong")
    next(b for b in at.button if "FormSubmitter" in b.key).click().run()
    assert "Wrong password." in [e.value for e in at.error]
    at.text_input(key="upload_sign_in_password").input(PASSWORD)
    next(b for b in at.button if "FormSubmitter" in b.key).click().run()
    assert at.session_state["auth_role"] == "analyst"
    assert at.get("file_uploader")
    assert "Signed in as analyst: Test Analyst" in page_text(at)


def test_upload_map_report_commit_and_rollback(fresh_store):
    at = as_analyst()
    before = len(fresh_store.read("articles"))
    first = fresh_store.current_versions()["articles"]
    at.file_uploader(key="upload_file").upload("ru_export.csv", RU_ARTICLES, "text/csv").run()
    assert_no_errors(at)
    text = page_text(at)
    assert "encoding cp1251" in text and "header on row 2" in text
    assert [m.value for m in at.metric][:3] == ["1", "1", "0"]
    valid = frame_with(at, "article_id")
    assert valid.loc[3, "title"] == "Тест: новый контейнерный поезд\nвторая строка"
    at.text_input(key="upload_note").input("AppTest upload")
    at.button(key="upload_commit").click().run()
    assert_no_errors(at)
    assert "Committed: News articles version" in page_text(at)
    assert len(fresh_store.read("articles")) == before + 1
    latest = fresh_store.versions("articles")[0]
    assert latest.author == "Test Analyst" and latest.source_name == "ru_export.csv"

    # another session sees the new article on its next run
    other = AppTest.from_string(
        "import streamlit as st\nfrom qazdash.ui.data import dataset\n"
        "st.write(str('app-1' in set(dataset('articles')['article_id'])))\n")
    other.run()
    assert other.markdown[0].value == "True"

    at.selectbox(key="upload_history_kind").select("articles").run()
    history = frame_with(at, "Action")
    assert history["Action"].tolist()[:2] == ["append", "shipped data"]
    assert at.selectbox(key="upload_raw_version").value == latest.id
    from qazdash.ui.upload import raw_file_bytes  # what the download button sends, read only when clicked

    assert raw_file_bytes(latest.id) == RU_ARTICLES
    at.selectbox(key="upload_rollback_version").select(first).run()
    at.button(key="upload_rollback").click().run()
    assert_no_errors(at)
    assert len(fresh_store.read("articles")) == before
    other.run()
    assert other.markdown[0].value == "False"


def _viewer_calls(action: str) -> AppTest:
    def script(action_name: str) -> None:
        import streamlit as st

        from qazdash.auth import NotAllowed
        from qazdash.ingest.pipeline import prepare
        from qazdash.ui import upload
        from qazdash.ui.data import get_store

        try:
            if action_name == "rollback":
                upload.rollback_version("articles", get_store().versions("articles")[-1].id)
            elif action_name == "commit":
                data = b"article_id,published,title,source,url\nv-1,2025-01-01,T,T,https://example.org/v\n"
                prepared = prepare(data, "v.csv", get_store())
                upload.commit_upload(prepared, mode="append", on_duplicate="skip", note="", allow_invalid=False)
            else:
                upload.save_mapping("viewer mapping", "articles", {"a": "title"})
            st.write("done")
        except NotAllowed as err:
            st.write(f"refused: {err.message}")

    at = AppTest.from_function(script, args=(action,))
    at.session_state["auth_role"] = "viewer"
    at.run()
    return at


@pytest.mark.parametrize("action", ["commit", "rollback", "save_mapping"])
def test_actions_refuse_viewers_on_the_server(action, fresh_store):
    before = fresh_store.current_versions()
    at = _viewer_calls(action)
    assert at.markdown[0].value.startswith("refused: Only a signed-in analyst may")
    assert fresh_store.current_versions() == before
    assert "viewer mapping" not in fresh_store.mappings()


BAD_ROWS = list(csv.DictReader((BAD / "expectations.csv").open(encoding="utf-8")))


def test_bad_files_one_after_another_show_their_message_and_never_crash(fresh_store):
    """One session receives every bad file in turn: each gets its message, nothing is stored, the page lives on."""
    import re

    at = as_analyst()
    before = fresh_store.current_versions()
    checked = 0
    for row in BAD_ROWS:
        path = BAD / row["file"]
        if not path.exists():
            continue  # generated by the bad-file suite itself (10 MB)
        at.file_uploader(key="upload_file").upload(row["file"], path.read_bytes(), "text/csv").run()
        assert not at.exception, (row["file"], [e.value for e in at.exception])
        shown = re.sub(r"\\(.)", r"\1", page_text(at) + "\n".join(e.value for e in at.error))
        if row["rule"] == "unreadable" and not row["options"]:
            assert row["message"] in shown, row["file"]
        elif row["exit"] != "0" and row["rule"] != "unreadable":
            assert row["rule"] in set(frame_with(at, "severity")["rule"]), row["file"]
        assert fresh_store.current_versions() == before, row["file"]
        checked += 1
    assert checked >= 30
    assert "Data upload" in [t.value for t in at.title]


def test_html_and_script_are_shown_as_text(fresh_store):
    at = as_analyst()
    data = (BAD / "articles_html_script.csv").read_bytes()
    at.file_uploader(key="upload_file").upload("html.csv", data, "text/csv").run()
    assert_no_errors(at)
    assert frame_with(at, "article_id")["title"].iloc[0] == "<script>alert('x')</script><b>Test</b>"
    assert all("<script" not in str(m.value) for m in at.markdown)
    report = frame_with(at, "severity")
    assert "markup" in set(report["rule"])


def test_analyst_maps_columns_applies_and_saves_the_mapping(fresh_store):
    at = as_analyst()
    data = b"Headline;When;Outlet;Link;Ref\nTest mapped;01.02.2025;Test;https://example.org/map/1;map-1\n"
    at.file_uploader(key="upload_file").upload("outlet.csv", data, "text/csv").run()
    # only "Link" is recognised (a synonym of url): the report says which required columns are missing
    assert "missing_column" in set(frame_with(at, "severity")["rule"])
    at.selectbox(key="upload_kind").select("articles").run()
    for key, target in zip(("upload_map_0", "upload_map_1", "upload_map_2", "upload_map_3", "upload_map_4"),
                           ("title", "published", "source", "url", "article_id"), strict=True):
        at.selectbox(key=key).select(target)
    next(b for b in at.button if "FormSubmitter" in b.key and "mapping" in b.key).click().run()
    assert_no_errors(at)
    assert [m.value for m in at.metric][:3] == ["1", "1", "0"]
    assert frame_with(at, "article_id")["published"].tolist() == ["2025-02-01"]
    at.text_input(key="upload_mapping_name").input("test outlet")
    at.button(key="upload_mapping_save").click().run()
    kind, mapping = fresh_store.mappings()["test outlet"]
    assert kind == "articles" and mapping["When"] == "published"
    # the saved mapping is offered from the next run on
    at.run()
    assert "test outlet" in at.selectbox(key="upload_mapping").options


def test_problems_and_data_errors_are_shown_in_the_page_language(fresh_store):
    """?lang=ru: the report's messages and an unreadable file's message and hint are Russian; the report
    keeps the English message beside them (the CSV and the command line use it)."""
    from qazdash.i18n import set_language

    # AppTest formats the page's selectbox options in the test's thread: make that Russian too, as in the page
    set_language("ru")
    try:
        _problems_in_russian()
    finally:
        set_language("en")


def _problems_in_russian() -> None:
    import re

    at = as_analyst({"lang": "ru"})
    assert "Загрузка данных" in [t.value for t in at.title]
    data = (BAD / "nodes_lat_out_of_range.csv").read_bytes()
    at.file_uploader(key="upload_file").upload("nodes.csv", data, "text/csv").run()
    assert not at.exception
    report = frame_with(at, "severity")
    problem = report[report["rule"] == "range"].iloc[0]
    assert problem["message_ru"] == "ожидается число от -90 до 90"
    assert problem["message"] == "expected a number from -90 to 90"
    assert problem["severity"] == "ошибка"  # the table's words are Russian too; the rule id stays an id
    assert any(e.value.startswith("Проблем: 1.") for e in at.error)

    at.file_uploader(key="upload_file").upload("picture.csv", (BAD / "png_renamed.csv").read_bytes(),
                                                "text/csv").run()
    assert not at.exception
    shown = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
    assert any("Не удаётся прочитать файл" in e and "picture.csv: это изображение PNG, а не таблица (CSV, TSV или "
               "XLSX)." in e for e in shown), shown
    assert "Откройте его в программе, в которой он создан" in page_text(at)


def test_the_report_is_built_once_per_upload_not_on_every_rerun(fresh_store, monkeypatch):
    from qazdash.ui import upload

    calls: list[str] = []
    real = upload.report_frame

    def counted(prepared, **kw):
        calls.append(kw.get("lang"))
        return real(prepared, **kw)

    monkeypatch.setattr(upload, "report_frame", counted)
    at = as_analyst()
    at.file_uploader(key="upload_file").upload("nodes.csv", (BAD / "nodes_lat_out_of_range.csv").read_bytes(),
                                                "text/csv").run()
    assert frame_with(at, "severity")["rule"].tolist() == ["range"]
    at.selectbox(key="upload_history_kind").select("segments").run()  # any widget change reruns the page
    at.run()
    assert calls == ["en"]
