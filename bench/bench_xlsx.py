"""Benchmark: reading an analyst's XLSX upload — ``prepare()`` (read + validate) and the read stage alone.

Writes a statistics workbook of ``--rows`` synthetic rows with the columns of ``bench_ingest.py``'s CSV
(``metric_id`` ``bench-0000001``…, metric ``synthetic_metric_N``, source "Synthetic source"; values are
numbers, periods text, as an Excel export holds them) with openpyxl's write-only mode (not timed; kept in
``bench/out/`` or ``--workbook`` for the next run, and so that two versions of the reader can be compared on
the same file).

Prints the best of ``--repeat`` times of the read stage (``read_table``) and of ``prepare()``, rows per
second, and the peak resident memory (RSS, sampled every 10 ms) above the baseline as a multiple of the
workbook's size. Nothing is committed; the store is a temporary SQLite database seeded with the shipped data.

Run: ``.venv/bin/python bench/bench_xlsx.py [--rows 250000] [--repeat 3] [--workbook /tmp/stats.xlsx]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ingest import PeakRSS  # noqa: E402

COLUMNS = ["metric_id", "metric", "unit", "period", "value", "source", "url", "notes", "period_detail",
           "value_type", "qualifier"]


def generate(path: Path, rows: int) -> None:
    """A statistics workbook of ``rows`` synthetic rows (deterministic), written row by row in write-only mode."""
    import numpy as np
    import openpyxl

    rng = np.random.default_rng(11)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("statistics")
    sheet.append(COLUMNS)
    chunk = 200_000
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        values = np.round(rng.random(n) * 1000, 3).tolist()
        for k in range(n):
            i = start + k + 1
            year, month = 2000 + i % 26, i % 13
            sheet.append([
                f"bench-{i:07d}", f"synthetic_metric_{i % 997}", "million_tonnes",
                str(year) if month == 0 else f"{year}-{month:02d}", values[k], "Synthetic source",
                f"https://example.org/bench/{i}", None, None, "partial_period" if i % 5 == 0 else "actual",
                "approximate" if i % 7 == 0 else None,
            ])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=250_000,
                        help="rows of the generated workbook (Excel's limit is 1,048,576 a sheet)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best time counts")
    parser.add_argument("--workbook", type=Path,
                        help="reuse (or write) the workbook here (default: bench/out/statistics-ROWS.xlsx, kept "
                             "between runs: writing it with openpyxl takes ~1 min per 250,000 rows)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="qazdash-bench-xlsx-"))
    os.environ["QAZDASH_DB_PATH"] = str(tmp / "bench.db")
    from qazdash.datasets import load_shipped
    from qazdash.ingest.pipeline import prepare
    from qazdash.ingest.reading import read_table
    from qazdash.store import Store

    path = args.workbook or Path(__file__).parent / "out" / f"statistics-{args.rows}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        t = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t:.1f} s ({path})")
    size = path.stat().st_size
    print(f"workbook {path}: {size / 1e6:.1f} MB")
    store = Store.open(f"sqlite:///{tmp / 'bench.db'}", seed=load_shipped)
    best: dict[str, float] = {}
    peak: dict[str, int] = {}
    rows = 0
    for run in range(args.repeat):
        for name in ("read stage (read_table)", "prepare (read + validate)"):
            data = path.read_bytes()
            gc.collect()
            with PeakRSS() as mem:
                t = time.perf_counter()
                if name.startswith("read"):
                    result = read_table(data, path.name)
                    rows = len(result.frame)
                else:
                    result = prepare(data, path.name, store)
                    assert result.ok, result.problems[:5]
                seconds = time.perf_counter() - t
            del result, data
            print(f"  run {run + 1}: {name} {seconds:.2f} s, peak RSS +{mem.above_base / 1e6:,.0f} MB")
            best[name] = min(best.get(name, seconds), seconds)
            peak[name] = max(peak.get(name, 0), mem.above_base)
    store.engine.dispose()
    print(f"best of {args.repeat} runs, {rows:,} rows, workbook {size / 1e6:.1f} MB:")
    for name, seconds in best.items():
        print(f"  {name:<28} {seconds:7.2f} s  {rows / seconds:>10,.0f} rows/s  peak RSS above baseline "
              f"{peak[name] / 1e6:,.0f} MB = {peak[name] / size:.1f}x the workbook")


if __name__ == "__main__":
    main()
