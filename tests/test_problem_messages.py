"""Problems and data errors of an upload in the page language: English stays the contract (command line,
JSON), the same message renders in Russian and Kazakh with its parameters, and every template has both
translations with the same placeholders."""

from __future__ import annotations

import ast
import json
import pickle
import string
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

import qazdash.i18n as i18n
from qazdash.errors import Problem, QazdashDataError
from qazdash.i18n import DOMAIN, LOCALES_DIR, N_, Message, localize, set_language
from qazdash.ingest import realworld
from qazdash.ingest.dates import parse_date
from qazdash.ingest.pipeline import UploadOptions, prepare
from qazdash.ingest.reading import ReadOptions, read_table
from qazdash.ingest.report import report_csv, report_frame, report_json
from qazdash.schema import get_schema
from qazdash.validation import validate
from tests.ingest_support import seeded_store_fixture, seeded_template_fixture  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
LANGS = ("ru", "kk")
NBSP = "\u00a0"  # Russian and Kazakh group thousands with a no-break space


@pytest.fixture(autouse=True)
def english_context():
    """Each test starts in English, as a command-line run does."""
    set_language("en")
    yield
    set_language("en")


def nodes_frame(rows: list[dict]) -> pd.DataFrame:
    """Raw text rows of the places schema, indexed by spreadsheet line (header = 1)."""
    base = {
        "node_id": "kz_test_place",
        "name_en": "Test",
        "country_iso3": "KAZ",
        "kind": "city",
        "lat": "43.2",
        "lon": "76.9",
        "source": "Test",
    }
    frame = pd.DataFrame([{**base, "node_id": f"kz_test_{i}", **row} for i, row in enumerate(rows)], dtype="string")
    frame.index = range(2, 2 + len(frame))
    return frame


def problems_of(rows: list[dict], rule: str) -> list[Problem]:
    result = validate(nodes_frame(rows), get_schema("nodes"), file_name="places.csv")
    return [p for p in result.problems if p.rule == rule]


# -- representative problems in three languages ---------------------------------------------------


def test_a_range_problem_renders_in_each_language_with_its_bounds():
    (problem,) = problems_of([{"lat": "95"}], "range")
    assert problem.message == "expected a number from -90 to 90"  # the English contract is unchanged
    assert problem.localized("en") == "expected a number from -90 to 90"
    assert problem.localized("ru") == "ожидается число от -90 до 90"
    assert problem.localized("kk") == "-90 мен 90 аралығындағы сан күтіледі"


def test_numbers_get_the_languages_decimal_mark_and_grouping():
    bounds = Message(N_("expected a number from {lo:g} to {hi:g}"), lo=-0.5, hi=1250.5)
    assert bounds == "expected a number from -0.5 to 1250.5"
    assert bounds.localized("ru") == "ожидается число от -0,5 до 1250,5"
    long_cell = Message(N_("this cell holds {count:,} characters; the limit is {limit:,}"), count=120005, limit=100000)
    assert long_cell == "this cell holds 120,005 characters; the limit is 100,000"
    assert long_cell.localized("ru") == f"символов в этой ячейке: 120{NBSP}005; допустимо не больше 100{NBSP}000"
    assert long_cell.localized("kk") == f"бұл ұяшықта 120{NBSP}005 таңба бар; шегі — 100{NBSP}000"
    # row numbers are identifiers, not quantities: no grouping
    first = Message(
        N_("duplicate value: '{column}' must be unique (first seen on row {first})"), column="node_id", first=12345
    )
    assert "12345" in first.localized("ru") and "12345-жолда" in first.localized("kk")


def test_an_allowed_values_problem_keeps_the_values_as_data():
    (problem,) = problems_of([{"kind": "harbour"}], "allowed")
    assert problem.message.startswith("expected one of: seaport, dry_port, ")
    assert problem.localized("ru").startswith("ожидается одно из значений: seaport, dry_port, ")
    assert problem.localized("kk").startswith("мына мәндердің бірі күтіледі: seaport, dry_port, ")


def test_a_pattern_problem_translates_the_schemas_hint_too():
    (problem,) = problems_of([{"node_id": "Aktau Port"}], "pattern")
    assert problem.message == "expected snake_case with a two-letter country prefix, e.g. kz_aktau_port"
    assert problem.localized("ru") == "ожидается: snake_case с двухбуквенным префиксом страны, например kz_aktau_port"
    assert problem.localized("kk") == "күтілетіні: елдің екі әріпті префиксі бар snake_case, мысалы kz_aktau_port"


def test_bad_and_ambiguous_dates():
    bad = parse_date("31.02.2025").message
    assert bad == "'31.02.2025' is not a real date"
    assert bad.localized("ru") == "«31.02.2025» — несуществующая дата"
    assert bad.localized("kk") == "«31.02.2025» — мұндай күн жоқ"
    ambiguous = parse_date("03/04/2025").message
    assert ambiguous.startswith("'03/04/2025' could be 2025-04-03 or 2025-03-04")
    assert ambiguous.localized("ru").startswith("«03/04/2025» может означать 2025-04-03 или 2025-03-04: ")
    assert ambiguous.localized("kk").startswith("«03/04/2025» 2025-04-03 немесе 2025-03-04 болуы мүмкін: ")


def test_a_ragged_row():
    table = read_table(b"a,b,c\n1,2,3\n4,5\n", "ragged.csv")
    (problem,) = table.problems
    assert problem.message == "this row has 2 cells but the header has 3"
    assert problem.localized("ru") == "ячеек в этой строке: 2, а в заголовке: 3"
    assert problem.localized("kk") == "бұл жолда 2 ұяшық бар, ал тақырыпта — 3"


def test_an_unreadable_file_error_renders_message_and_hint():
    with pytest.raises(QazdashDataError) as info:
        read_table(b"%PDF-1.7\n" + bytes(200), "report.csv")
    err = info.value
    assert err.message == "report.csv: this is a PDF document, not a table (CSV, TSV or XLSX)."
    assert err.localized_message("ru") == "report.csv: это документ PDF, а не таблица (CSV, TSV или XLSX)."
    assert err.localized_message("kk") == "report.csv: бұл — PDF құжаты, кесте (CSV, TSV немесе XLSX) емес."
    assert err.hint == "Open it in the program that made it and save or export it as CSV or .xlsx."
    assert err.localized_hint("ru").startswith("Откройте его в программе")
    assert err.localized_hint("kk").startswith("Оны өзі жасалған бағдарламада")


def test_a_converter_error_with_lists_of_data():
    table = read_table(
        (FIXTURES / "realworld" / "comtrade_api_china_plp_2019-2021_semicolon.csv").read_bytes(), "comtrade.csv"
    )
    with pytest.raises(QazdashDataError) as info:
        realworld.convert("comtrade", table, {"partner": "Kazakhstan"})
    ru = info.value.localized_message("ru")
    assert ru.startswith("comtrade.csv: эта выгрузка UN Comtrade описывает торговлю China с Angola, Brazil")
    assert "Kazakhstan нет среди партнёров" in ru


# -- fallbacks ----------------------------------------------------------------------------------------


def test_unknown_language_falls_back_to_english():
    (problem,) = problems_of([{"lat": "95"}], "range")
    for lang in ("de", "zz", ""):
        assert problem.localized(lang) == "expected a number from -90 to 90"


def test_the_active_language_is_used_by_default():
    (problem,) = problems_of([{"lat": "95"}], "range")
    set_language("kk")
    assert problem.localized() == "-90 мен 90 аралығындағы сан күтіледі"
    assert localize(problem.message) == problem.localized()
    assert localize("plain text") == "plain text"  # not a Message: shown as it is


def test_missing_or_broken_translations_fall_back_to_english(monkeypatch):
    message = Message(N_("expected a number from {lo:g} to {hi:g}"), lo=-90.0, hi=90.0)
    monkeypatch.setattr(i18n, "_catalog", lambda lang: {})
    assert message.localized("ru") == "expected a number from -90 to 90"
    for broken in (
        "от {low} до {hi:g}",
        "от {lo:g} до {hi:g",
        "от {lo:Q} до {hi:g}",
        "от {0} до {hi:g}",
        "ожидается число",
        "от {lo} до {hi}",
    ):
        monkeypatch.setattr(i18n, "_catalog", lambda lang, text=broken: {message.template: text})
        assert message.localized("ru") == "expected a number from -90 to 90", broken


def test_a_message_is_its_english_text_everywhere():
    (problem,) = problems_of([{"lat": "95"}], "range")
    assert json.dumps(problem.as_dict()["message"]) == '"expected a number from -90 to 90"'
    assert str(problem).endswith("— expected a number from -90 to 90")
    again = pickle.loads(pickle.dumps(problem))  # noqa: S301 - our own bytes (session state may pickle an upload)
    assert again == problem and again.localized("ru") == "ожидается число от -90 до 90"


def test_cells_breaking_one_rule_share_one_message():
    """Building problems stays cheap on large files: one message per rule and column, nothing translated."""
    problems = problems_of([{"lat": "95"}, {"lat": "-95"}, {"lat": "100"}], "range")
    assert len(problems) == 3 and len({id(p.message) for p in problems}) == 1
    types = problems_of([{"lon": "east"}, {"lon": "west"}], "type")
    assert len(types) == 2 and len({id(p.message) for p in types}) == 1


# -- the report ----------------------------------------------------------------------------------------


def test_report_keeps_english_and_adds_the_page_language():
    data = (FIXTURES / "bad" / "nodes_lat_out_of_range.csv").read_bytes()
    prepared = prepare(data, "nodes.csv", None)
    english = report_frame(prepared)
    assert "message_ru" not in english.columns
    russian = report_frame(prepared, lang="ru")
    assert russian["message"].tolist() == english["message"].tolist()
    row = russian[russian["rule"] == "range"].iloc[0]
    assert row["message"] == "expected a number from -90 to 90"
    assert row["message_ru"] == "ожидается число от -90 до 90"
    csv_text = report_csv(prepared, "kk").decode("utf-8-sig")
    assert "message_kk" in csv_text.splitlines()[0] and "-90 мен 90 аралығындағы сан күтіледі" in csv_text
    set_language("ru")  # the JSON of the command line is English whatever the context says
    assert report_json(prepared)["problems"][0]["message"] == "expected a number from -90 to 90"


# -- every template has both translations --------------------------------------------------------------


def _catalog(lang: str) -> dict[str, str]:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fh:
        return {m.id: ("" if m.fuzzy else str(m.string or "")) for m in read_po(fh) if isinstance(m.id, str) and m.id}


def _placeholders(text: str) -> list[tuple[str, str]]:
    """``(name, format spec)`` of each placeholder: ``{count:,}`` → ``("count", ",")``."""
    return sorted((name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name is not None)


def _assert_translated(templates: set[str]) -> None:
    for lang in LANGS:
        catalog = _catalog(lang)
        missing = sorted(t for t in templates if not catalog.get(t, "").strip())
        assert not missing, f"{lang}: no translation for {missing[:5]} (run `make i18n` and translate them)"
        wrong = [(t, catalog[t]) for t in templates if _placeholders(catalog[t]) != _placeholders(t)]
        assert not wrong, f"{lang}: placeholders differ: {wrong[:5]}"


SOURCES = [
    ROOT / "qazdash" / "validation.py",
    ROOT / "qazdash" / "schema.py",
    *sorted((ROOT / "qazdash" / "ingest").glob("*.py")),
]


def test_every_marked_string_of_validation_and_ingest_has_both_translations():
    """The strings ``make i18n`` extracts from the modules that build problems and data errors."""
    templates = {
        msg
        for path in SOURCES
        for _, msg, _, _ in extract_from_file("python", str(path), keywords={"_": None, "N_": None})
        if isinstance(msg, str)
    }
    assert len(templates) > 100
    _assert_translated(templates)


def test_every_message_template_is_marked_for_extraction():
    """``Message(...)`` takes ``N_("literal")`` or a name holding a marked string, never text the extractor misses."""
    unmarked = []
    for path in (ROOT / "qazdash").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Message" and node.args:
                first = node.args[0]
                marked = (
                    isinstance(first, ast.Call)
                    and getattr(first.func, "id", None) == "N_"
                    and isinstance(first.args[0], ast.Constant)
                )
                if not marked and isinstance(first, ast.Constant | ast.JoinedStr | ast.BinOp):
                    unmarked.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not unmarked


def _templates(text: object) -> set[str]:
    """The template of a ``Message`` and of the messages among its parameters."""
    if not isinstance(text, Message):
        return set()
    out = {text.template}
    for value in text.params.values():
        out |= _templates(value)
    return out


def test_every_message_the_bad_and_real_world_files_produce_has_both_translations(seeded_store):
    """Every problem, warning and data error of the fixture files is a ``Message`` whose templates are translated."""
    templates: set[str] = set()
    plain: list[str] = []
    options = [
        None,
        UploadOptions(read=ReadOptions(encoding="utf-8")),
        *[UploadOptions(kind=kind, mapping=mapping) for kind, mapping in realworld.PRESETS.values()],
    ]
    files = [
        p
        for p in sorted((FIXTURES / "bad").iterdir()) + sorted((FIXTURES / "realworld").iterdir())
        if p.is_file() and p.suffix in (".csv", ".xlsx", ".xls", ".txt", ".tsv") and p.name != "expectations.csv"
    ]
    assert len(files) >= 35
    for path in files:
        for opts in options:
            try:
                prepared = prepare(path.read_bytes(), path.name, seeded_store, opts)
            except QazdashDataError as err:
                texts = [err.message] + ([err.hint] if err.hint else [])
            else:
                texts = [p.message for p in prepared.problems + prepared.warnings]
            for text in texts:
                if isinstance(text, Message):
                    templates |= _templates(text)
                else:
                    plain.append(f"{path.name}: {text}")
    assert not plain, f"messages without a template: {plain[:5]}"
    assert len(templates) >= 40
    _assert_translated(templates)
