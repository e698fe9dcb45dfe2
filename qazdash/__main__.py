"""Command line: ``python -m qazdash ingest|versions|rollback|mappings|template|hash-password``.

``ingest`` runs the same pipeline as the Data upload page. Exit codes: 0 valid (committed unless
``--dry-run``), 1 invalid rows (report printed, nothing written), 2 unreadable or unrecognised file.
Writes are recorded with the OS user as author (the local operator).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path

from qazdash.errors import QazdashDataError

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _store():
    from qazdash.datasets import load_shipped, shipped_digests
    from qazdash.store import Store

    return Store.open(seed=load_shipped, seed_digests=shipped_digests)


def _mapping(store, name: str | None) -> tuple[str | None, dict[str, str] | None]:
    if not name:
        return None, None
    from qazdash.ingest.realworld import PRESETS

    saved = store.mappings()
    if name in saved:
        return saved[name]
    if name in PRESETS:
        return PRESETS[name]
    known = sorted(set(saved) | set(PRESETS))
    raise QazdashDataError("Unknown mapping", f"No saved mapping {name!r}; known: {', '.join(known)}.")


def cmd_ingest(args: argparse.Namespace) -> int:
    from qazdash.ingest.pipeline import UploadOptions, commit, prepare, rows_to_commit
    from qazdash.ingest.reading import ReadOptions
    from qazdash.ingest.report import report_json, report_text
    from qazdash.store import local_operator

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"error: cannot open {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_UNREADABLE
    store = _store()
    try:
        mapping_kind, mapping = _mapping(store, args.mapping)
        sep = {"tab": "\t", "\\t": "\t"}.get(args.separator or "", args.separator)
        options = UploadOptions(
            kind=args.kind or mapping_kind, mapping=mapping,
            read=ReadOptions(encoding=args.encoding, separator=sep, header_row=args.header_row,
                             decimal=args.decimal, sheet=args.sheet),
            day_first={"day": True, "month": False}.get(args.date_order or ""),
            reference_day=date.fromisoformat(args.reference_day) if args.reference_day else None,
        )
        prepared = prepare(data, path.name, store, options)
    except QazdashDataError as err:
        if args.json:
            print(json.dumps({"file": path.name, "error": err.title, "message": err.message, "hint": err.hint},
                             ensure_ascii=False, indent=2))
        else:
            print(f"error: {err.title}: {err.message}", file=sys.stderr)
            if err.hint:
                print(f"hint: {err.hint}", file=sys.stderr)
        return EXIT_UNREADABLE
    if prepared.result is None and any(p.rule in ("kind", "mapping") for p in prepared.problems):
        code = EXIT_UNREADABLE
    else:
        code = EXIT_OK if prepared.ok else EXIT_INVALID
    out: dict = report_json(prepared)
    if code == EXIT_OK and rows_to_commit(prepared, args.duplicates, args.mode).empty:
        out["committed"] = None
        args.dry_run = True
        note = f"nothing new: all {prepared.valid} valid rows are already in the current {prepared.kind}"
    else:
        note = "dry run: nothing written"
    if code == EXIT_OK and not args.dry_run:
        try:
            version = commit(prepared, store, author=local_operator(), mode=args.mode,
                             on_duplicate=args.duplicates, note=args.note or "")
        except QazdashDataError as err:
            print(f"error: {err.title}: {err.message}", file=sys.stderr)
            return EXIT_INVALID
        out["committed"] = {"version": version.id, "rows_in_dataset": version.row_count, "author": version.author}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        print(report_text(prepared))
        if out.get("committed"):
            c = out["committed"]
            print(f"committed: {prepared.kind} version {c['version']} ({c['rows_in_dataset']} rows) by {c['author']}")
        elif code == EXIT_OK:
            print(note)
        else:
            print("nothing written")
    return code


def cmd_versions(args: argparse.Namespace) -> int:
    store = _store()
    current = store.current_versions()
    rows = store.versions(args.kind)
    if args.json:
        print(json.dumps([{**v.__dict__, "current": current.get(v.kind) == v.id} for v in rows],
                         default=str, ensure_ascii=False, indent=2))
        return EXIT_OK
    for v in rows:
        mark = "*" if current.get(v.kind) == v.id else " "
        print(f"{mark} {v.id:>5}  {v.kind:<11} {v.created_at:%Y-%m-%d %H:%M}  {v.action:<8} {v.row_count:>8} rows  "
              f"{v.author:<20} {v.source_name}  {v.sha256[:12]}  {v.note}")
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace) -> int:
    from qazdash.store import local_operator

    store = _store()
    try:
        version = store.rollback(args.kind, args.version, author=local_operator(), note=args.note or "")
    except QazdashDataError as err:
        print(f"error: {err.title}: {err.message}", file=sys.stderr)
        return EXIT_INVALID
    print(f"{args.kind}: version {version.id} is now current (rows of version {args.version}, "
          f"{version.row_count} rows)")
    return EXIT_OK


def cmd_mappings(args: argparse.Namespace) -> int:
    from qazdash.ingest.realworld import PRESETS

    store = _store()
    for name, (kind, mapping) in {**PRESETS, **store.mappings(args.kind)}.items():
        if args.kind and kind != args.kind:
            continue
        print(f"{name:<24} {kind:<11} {json.dumps(mapping, ensure_ascii=False)}")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from qazdash.ingest.templates import template_csv

    sys.stdout.buffer.write(template_csv(args.kind))
    return EXIT_OK


def cmd_hash_password(args: argparse.Namespace) -> int:
    from qazdash.auth import HASH_ENV, hash_password

    password = sys.stdin.readline().rstrip("\n") if args.stdin else getpass.getpass("Analyst password: ")
    if not password:
        print("error: empty password", file=sys.stderr)
        return EXIT_INVALID
    print(hash_password(password))
    print(f"# set {HASH_ENV}=<hash> or put analyst_password_hash = \"<hash>\" under [auth] in "
          ".streamlit/secrets.toml", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from qazdash.ingest.detect import UPLOAD_KINDS
    from qazdash.schema import SCHEMAS

    parser = argparse.ArgumentParser(prog="python -m qazdash", description="qazdash data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="check a file and commit it as a new dataset version")
    p.add_argument("file")
    p.add_argument("--kind", choices=sorted(SCHEMAS),
                   help=f"dataset kind (detected if omitted: {', '.join(UPLOAD_KINDS)})")
    p.add_argument("--mapping", help="a saved or built-in column mapping by name (see 'mappings')")
    p.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--mode", choices=("append", "replace"), default="append")
    p.add_argument("--duplicates", choices=("skip", "update"), default="skip",
                   help="rows that match current data: skip them or update the current rows")
    p.add_argument("--note", help="a note recorded with the version")
    p.add_argument("--encoding", help="override the detected encoding (e.g. utf-8, cp1251, latin-1)")
    p.add_argument("--separator", help="override the separator: , ; tab |")
    p.add_argument("--decimal", choices=(".", ","), help="override the decimal mark")
    p.add_argument("--header-row", type=int, help="row number of the header (0 = no header)")
    p.add_argument("--sheet", help="XLSX sheet name")
    p.add_argument("--date-order", choices=("day", "month"),
                   help="how to read a/b/YYYY dates: day first or month first")
    p.add_argument("--reference-day", help="YYYY-MM-DD that 'today'/'Сегодня' refers to")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("versions", help="list dataset versions (newest first; * = current)")
    p.add_argument("kind", nargs="?", choices=sorted(SCHEMAS))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_versions)
    p = sub.add_parser("rollback", help="make an earlier version current again (deletes nothing)")
    p.add_argument("kind", choices=sorted(SCHEMAS))
    p.add_argument("version", type=int)
    p.add_argument("--note")
    p.set_defaults(func=cmd_rollback)
    p = sub.add_parser("mappings", help="list saved and built-in column mappings")
    p.add_argument("kind", nargs="?", choices=sorted(SCHEMAS))
    p.set_defaults(func=cmd_mappings)
    p = sub.add_parser("template", help="print the CSV template of a kind")
    p.add_argument("kind", choices=sorted(SCHEMAS))
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("hash-password", help="print a bcrypt hash of the analyst password")
    p.add_argument("--stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_hash_password)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
