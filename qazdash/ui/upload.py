"""The Data upload page's widgets and its write actions (each checks the session's role first)."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from qazdash.errors import QazdashDataError
from qazdash.i18n import N_, _, get_language
from qazdash.ingest import pipeline
from qazdash.ingest.detect import IGNORE, OPTION_PREFIX, UPLOAD_KINDS
from qazdash.ingest.reading import ENCODINGS, SEPARATOR_NAMES, ReadOptions
from qazdash.ingest.realworld import PRESETS
from qazdash.ingest.report import duplicates_frame, localized_column, report_csv, report_frame
from qazdash.ingest.templates import TEMPLATE_KINDS, template_csv, template_file_name
from qazdash.schema import get_schema
from qazdash.store import Version
from qazdash.ui.auth import require_analyst
from qazdash.ui.data import get_store
from qazdash.ui.widgets import show_data_error

PREPARED_KEY = "upload_prepared_state"
REPORT_KEY = "upload_report_state"  # (prepared, language, report frame): built once per upload and language
APPLIED_KEY = "upload_applied_mapping"
AUTO = "auto"


# -- actions: the server-side gate --------------------------------------------------------------

def commit_upload(prepared: pipeline.Prepared, *, mode: str, on_duplicate: str, note: str,
                  allow_invalid: bool, progress=None) -> Version:
    """Commit a checked upload as a new version; refused unless the session is an analyst's."""
    author = require_analyst(_("commit an upload"))
    version = pipeline.commit(prepared, get_store(), author=author, mode=mode, on_duplicate=on_duplicate,
                              note=note, allow_invalid=allow_invalid, progress=progress)
    st.session_state.pop(PREPARED_KEY, None)
    st.session_state.pop(REPORT_KEY, None)
    return version


def rollback_version(kind: str, version_id: int) -> Version:
    """Make an earlier version current again; refused unless the session is an analyst's."""
    author = require_analyst(_("roll back a dataset"))
    return get_store().rollback(kind, version_id, author=author)


def save_mapping(name: str, kind: str, mapping: dict[str, str]) -> None:
    """Save a column mapping by name; refused unless the session is an analyst's."""
    author = require_analyst(_("save a column mapping"))
    if not name.strip():
        raise QazdashDataError(_("No name"), _("Give the mapping a name to save it."))
    get_store().save_mapping(name.strip(), kind, mapping, author=author)


# -- widgets ----------------------------------------------------------------------------------------

def templates_section() -> None:
    st.caption(_("CSV templates with the columns of each dataset and two example rows."))
    cols = st.columns(len(TEMPLATE_KINDS))
    for col, kind in zip(cols, TEMPLATE_KINDS, strict=True):
        col.download_button(_(get_schema(kind).title), data=template_csv(kind), file_name=template_file_name(kind),
                            mime="text/csv", key=f"upload_template_{kind}", icon=":material/download:")


def mapping_choices(kind: str | None) -> dict[str, tuple[str, dict[str, str]]]:
    saved = get_store().mappings()
    return {**PRESETS, **saved} if kind is None else {
        n: v for n, v in {**PRESETS, **saved}.items() if v[0] == kind}


def read_settings(detected) -> tuple[ReadOptions, bool | None, date | None]:
    """The override form for what was detected: encoding, separator, decimal mark, header row, dates."""
    with st.expander(_("How the file was read (change if something looks wrong)"), icon=":material/tune:"):
        c1, c2, c3, c4 = st.columns(4)

        def auto(value: str | None) -> str:
            return _("detected: {value}").format(value=value) if detected else _("detect")

        encoding = c1.selectbox(_("Encoding"), [AUTO, *ENCODINGS], key="upload_encoding",
                                format_func=lambda e: auto(detected and detected.encoding) if e == AUTO else e)
        separator = c2.selectbox(
            _("Separator"), [AUTO, *SEPARATOR_NAMES], key="upload_separator",
            format_func=lambda s: auto(detected and _(SEPARATOR_NAMES.get(detected.separator, "–")))
            if s == AUTO else _(SEPARATOR_NAMES[s]))
        decimal = c3.selectbox(_("Decimal mark"), [AUTO, ".", ","], key="upload_decimal",
                               format_func=lambda d: auto(detected and detected.decimal) if d == AUTO else d)
        header = c4.number_input(_("Header row (0 = none)"), min_value=0, max_value=1000, step=1, value=None,
                                 placeholder=_("detected: {value}").format(value=detected.header_row)
                                 if detected else "", key="upload_header_row")
        d1, d2 = st.columns(2)
        order = d1.radio(_("Dates like 03/04/2025"), [AUTO, "day", "month"], key="upload_date_order",
                         horizontal=True, format_func=lambda o: {
                             AUTO: _("report as ambiguous"), "day": _("day first"), "month": _("month first")}[o])
        use_ref = d2.checkbox(_("Resolve 'today' / 'Сегодня' / 'Вчера' against a reference day"),
                              key="upload_use_reference_day")
        ref = d2.date_input(_("Reference day"), key="upload_reference_day", disabled=not use_ref)
    options = ReadOptions(
        encoding=None if encoding == AUTO else encoding,
        separator=None if separator == AUTO else separator,
        decimal=None if decimal == AUTO else decimal,
        header_row=None if header is None else int(header),
    )
    return options, {"day": True, "month": False}.get(order), ref if use_ref else None


def upload_options(file_id: str) -> pipeline.UploadOptions:
    """The analyst's choices for this file: read overrides, dataset kind, saved mapping or applied mapping."""
    state = st.session_state.get(PREPARED_KEY)
    detected = state[1].detected if state else None
    read_options, day_first, reference_day = read_settings(detected)
    c1, c2 = st.columns(2)
    kind = c1.selectbox(_("Dataset"), [AUTO, *UPLOAD_KINDS], key="upload_kind",
                        format_func=lambda k: _("detect from the headers") if k == AUTO else _(get_schema(k).title))
    choices = mapping_choices(None if kind == AUTO else kind)
    name = c2.selectbox(_("Saved mapping"), ["", *choices], key="upload_mapping",
                        format_func=lambda n: n or _("none: match column names"))
    mapping_kind, mapping = choices.get(name, (None, None))
    applied = st.session_state.get(APPLIED_KEY)
    if applied and applied[0] == file_id:
        mapping = applied[1]
    return pipeline.UploadOptions(kind=mapping_kind if kind == AUTO else kind, mapping=mapping, read=read_options,
                                  day_first=day_first, reference_day=reference_day)


def apply_mapping(file_id: str, mapping: dict[str, str]) -> None:
    st.session_state[APPLIED_KEY] = (file_id, mapping)


def prepared_for(data: memoryview, file_name: str, options: pipeline.UploadOptions, file_id: str,
                 progress_bar) -> pipeline.Prepared:
    """Run the pipeline once per file and options (reruns reuse the result)."""
    key = hashlib.sha256(f"{file_id}|{options!r}".encode()).hexdigest()
    cached = st.session_state.get(PREPARED_KEY)
    if cached and cached[0] == key:
        return cached[1]

    def progress(fraction: float, text: str) -> None:
        progress_bar.progress(min(max(fraction, 0.0), 1.0), text=_(text))

    prepared = pipeline.prepare(data, file_name, get_store(), options, progress=progress)
    st.session_state[PREPARED_KEY] = (key, prepared)
    return prepared


def detected_caption(prepared: pipeline.Prepared) -> None:
    d = prepared.detected
    if d is None:
        return
    sep = _(SEPARATOR_NAMES.get(d.separator, d.separator)) if d.separator else "–"
    header = _("header on row {row}").format(row=d.header_row) if d.header_row else _("no header row")
    st.caption(_("Read as {fmt}: encoding {enc}, separator {sep}, {header}, decimal mark '{dec}'"
                 "{thou}.").format(fmt=d.format.upper(), enc=d.encoding, sep=sep, header=header,
                                   dec=d.decimal, thou=_(", thousands separator '{t}'").format(t=d.thousands)
                                   if d.thousands else ""))


def mapping_form(prepared: pipeline.Prepared, kind: str) -> dict[str, str] | None:
    """One selectbox per file column (schema column or ignore); returns the mapping when applied."""
    schema = get_schema(kind)
    targets = [IGNORE, *schema.columns]
    current = prepared.mapping if prepared.kind == kind else {}
    required = ", ".join(schema.required_columns)
    with st.expander(_("Map the file's columns"), expanded=not prepared.ok, icon=":material/swap_horiz:"):
        st.caption(_("Required for {kind}: {columns}").format(kind=_(schema.title), columns=required))
        with st.form("upload_mapping_form"):
            chosen: dict[str, str] = {}
            cols = st.columns(3)
            for i, header in enumerate(prepared.headers):
                default = current.get(header, IGNORE)
                chosen[header] = cols[i % 3].selectbox(
                    header, targets, index=targets.index(default) if default in targets else 0,
                    key=f"upload_map_{i}", format_func=lambda t: _("(do not import)") if t == IGNORE else t)
            apply = st.form_submit_button(_("Apply mapping"))
        name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        name = name_col.text_input(_("Save this mapping as"), key="upload_mapping_name")
        if button_col.button(_("Save mapping"), key="upload_mapping_save"):
            extra = {k: v for k, v in current.items() if k.startswith(OPTION_PREFIX) or k.startswith("const:")}
            save_mapping(name, kind, {**chosen, **extra})
            st.success(_("Mapping saved: {name}").format(name=name.strip()))
    if apply:
        extra = {k: v for k, v in current.items() if k.startswith(OPTION_PREFIX) or k.startswith("const:")}
        return {**chosen, **extra}
    return None


def _report(prepared: pipeline.Prepared, lang: str) -> pd.DataFrame:
    """``report_frame`` of this upload, kept until the upload or the language changes (a file with many
    problems would otherwise rebuild and translate its report on every widget change of the page)."""
    cached = st.session_state.get(REPORT_KEY)
    if cached is None or cached[0] is not prepared or cached[1] != lang:
        cached = (prepared, lang, report_frame(prepared, lang=lang))
        st.session_state[REPORT_KEY] = cached
    return cached[2]


def report_section(prepared: pipeline.Prepared) -> None:
    """Counts, every problem with row/column/value/rule, warnings and duplicates; downloadable."""
    c = st.columns(4)
    c[0].metric(_("Rows read"), prepared.rows)
    c[1].metric(_("Valid"), prepared.valid)
    c[2].metric(_("Invalid"), prepared.invalid)
    c[3].metric(_("Already in current data"), len(prepared.duplicates))
    lang = get_language()
    report = _report(prepared, lang)
    if prepared.problems:
        st.error(_("{n} problem(s): invalid rows are not written. Fix the file and upload it again, or commit "
                   "only the valid rows.").format(n=len(prepared.problems)), icon=":material/error:")
    elif prepared.valid:
        st.success(_("All rows are valid."), icon=":material/check_circle:")
    if not report.empty:
        shown = report.assign(severity=report["severity"].map(lambda s: _(SEVERITY_LABELS.get(s, s))))
        config = {"severity": st.column_config.TextColumn(_("Severity"), width="small"),
                  "row": st.column_config.NumberColumn(_("Row"), format="%d", width="small"),
                  "column": st.column_config.TextColumn(_("Column"), width="small"),
                  "value": st.column_config.TextColumn(_("Value"), width="medium"),
                  "rule": st.column_config.TextColumn(_("Rule"), help=_("The rule's id, as in the CSV report"))}
        message = localized_column(lang) or "message"  # in the page language; English in the CSV too
        config[message] = st.column_config.TextColumn(_("Message"), width="large")
        st.dataframe(shown, hide_index=True, key="upload_report_table", column_config=config,
                     column_order=["severity", "row", "column", "value", message, "rule"])  # the message first
        # built when clicked: a report of many problems would be encoded again on every rerun
        st.download_button(_("Download the report (CSV)"), data=partial(report_csv, prepared, lang),
                           file_name=f"{prepared.file_name}.report.csv", mime="text/csv",
                           key="upload_report_download", icon=":material/download:")
    if len(prepared.duplicates):
        st.caption(_("Rows that match current data (same {key}):").format(
            key=" + ".join(get_schema(prepared.kind).duplicate_key)))
        st.dataframe(duplicates_frame(prepared), hide_index=True, key="upload_duplicates_table")
    if prepared.valid:
        st.caption(_("Valid rows (first 200), shown as plain text:"))
        st.dataframe(prepared.valid_frame.head(200), key="upload_valid_table")


def commit_section(prepared: pipeline.Prepared) -> None:
    """Append/replace, skip/update duplicates, note, and the commit button."""
    if prepared.result is None or prepared.valid == 0:
        return
    c1, c2 = st.columns(2)
    mode = c1.radio(_("Write"), ["append", "replace"], key="upload_mode", horizontal=True,
                    format_func=lambda m: {"append": _("add to current data"),
                                           "replace": _("replace the whole dataset")}[m])
    on_duplicate = c2.radio(_("Rows already in current data"), ["skip", "update"], key="upload_duplicates",
                            horizontal=True, disabled=mode == "replace" or not len(prepared.duplicates),
                            format_func=lambda d: {"skip": _("skip them"), "update": _("update them")}[d])
    note = st.text_input(_("Note (recorded with the version)"), key="upload_note")
    allow_invalid = False
    if prepared.problems:
        allow_invalid = st.checkbox(_("Commit only the {n} valid rows").format(n=prepared.valid),
                                    key="upload_allow_invalid")
    writes = len(pipeline.rows_to_commit(prepared, on_duplicate, mode))
    if st.button(_("Commit {n} rows as a new version").format(n=writes), key="upload_commit", type="primary",
                 disabled=bool(prepared.problems) and not allow_invalid or writes == 0):
        bar = st.progress(0.9, text=_("Writing the new version"))
        try:
            version = commit_upload(prepared, mode=mode, on_duplicate=on_duplicate, note=note,
                                    allow_invalid=allow_invalid,
                                    progress=lambda f, t: bar.progress(min(f, 1.0), text=_(t)))
        except QazdashDataError as err:
            show_data_error(err)
        else:
            st.session_state["upload_last_commit"] = (version.kind, version.id, version.row_count)
            st.rerun()


SEVERITY_LABELS = {"error": N_("error"), "warning": N_("warning")}
ACTION_LABELS = {"seed": N_("shipped data"), "append": N_("append"), "replace": N_("replace"),
                 "rollback": N_("rollback")}


def raw_file_bytes(version_id: int) -> bytes:
    """The uploaded file kept with ``version_id`` (empty if none was kept)."""
    raw = get_store().raw_file(version_id)
    return b"" if raw is None else raw[1]


def history_section(can_write: bool) -> None:
    """Versions per kind with provenance; analysts can roll back to any of them."""
    kind = st.selectbox(_("Dataset"), list(UPLOAD_KINDS) + ["corridors"], key="upload_history_kind",
                        format_func=lambda k: _(get_schema(k).title))
    store = get_store()
    versions = store.versions(kind)
    current = store.current_versions().get(kind)
    table = pd.DataFrame([{
        _("Version"): v.id, _("Current"): "✓" if v.id == current else "", _("When (UTC)"): v.created_at,
        _("Action"): _(ACTION_LABELS[v.action]) if v.action in ACTION_LABELS else v.action,
        _("Rows"): v.row_count, _("Author"): v.author, _("File"): v.source_name,
        _("SHA-256"): v.sha256[:12], _("Note"): v.note,
    } for v in versions])
    st.dataframe(table, hide_index=True, key="upload_history_table")
    if not can_write:
        return
    with_raw = {v.id: v for v in versions if v.action in ("append", "replace")}
    if with_raw:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        chosen = c1.selectbox(_("Uploaded file of version"), list(with_raw), key="upload_raw_version")
        # read and decompressed only when clicked (an upload may be 200 MB; every rerun would load it)
        c2.download_button(_("Download it"), data=partial(raw_file_bytes, int(chosen)),
                           file_name=with_raw[chosen].source_name, key="upload_raw_download",
                           icon=":material/download:")
    older = [v.id for v in versions if v.id != current]
    if not older:
        return
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    target = c1.selectbox(_("Make this version current again"), older, key="upload_rollback_version")
    if c2.button(_("Roll back"), key="upload_rollback", icon=":material/history:"):
        try:
            version = rollback_version(kind, int(target))
        except QazdashDataError as err:
            show_data_error(err)
        else:
            st.success(_("Version {new} is now current: the rows of version {old}.").format(new=version.id,
                                                                                          old=target))
