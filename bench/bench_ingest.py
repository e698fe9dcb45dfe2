"""Benchmark: ingest (read, validate, commit) of a generated statistics CSV, against pyarrow.csv.read_csv.

The rows are clearly synthetic (``metric_id`` ``bench-0000001``…, metric ``synthetic_metric_N``, source
"Synthetic source"), written in the Russian Excel style the importer must handle (``;`` separator,
decimal comma, ``DD.MM.YYYY``-free periods ``YYYY``/``YYYY-MM``). They are committed into a temporary
store; nothing touches the real database.

Prints rows per second of each stage, the peak resident memory (RSS, sampled every 10 ms with psutil)
above the baseline and as a multiple of the file size, and the ratio of the whole ingest to
``pyarrow.csv.read_csv`` of the same file in the same run (target ≤ 3×).

It also measures the floor that the storage #6 requires sets, with no checks at all: the upload reader's
parse, the SHA-256 and zstd copy of the raw file beside it, and ``Store.commit`` of the parsed cells as a new version
(Arrow snapshot + raw file + SQLite transaction). No validation code can make the ingest faster than that.

Each side runs ``--repeat`` times (alternating, each ingest into a fresh store seeded with the shipped data)
and the best time of each counts: the machine is shared, so single samples swing by several times.

Run: ``.venv/bin/python bench/bench_ingest.py [--rows 1000000] [--repeat 3] [--decimal-comma/--no-decimal-comma]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(path: Path, rows: int, decimal_comma: bool) -> None:
    """A statistics CSV of ``rows`` synthetic rows, written in chunks (deterministic)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(11)
    sep = ";" if decimal_comma else ","
    header = sep.join(["metric_id", "metric", "unit", "period", "value", "source", "url", "notes",
                       "period_detail", "value_type", "qualifier"])
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(header + "\n")
        chunk = 200_000
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            ids = np.arange(start + 1, start + n + 1)
            year = 2000 + ids % 26
            month = ids % 13
            period = np.where(month == 0, year.astype(str), [f"{y}-{m:02d}" for y, m in zip(year, month, strict=True)])
            value = np.round(rng.random(n) * 1000, 3).astype(str)
            if decimal_comma:
                value = np.char.replace(value, ".", ",")
            frame = pd.DataFrame({
                "metric_id": [f"bench-{i:07d}" for i in ids], "metric": [f"synthetic_metric_{i % 997}" for i in ids],
                "unit": "million_tonnes", "period": period, "value": value, "source": "Synthetic source",
                "url": [f"https://example.org/bench/{i}" for i in ids], "notes": "", "period_detail": "",
                "value_type": np.where(ids % 5 == 0, "partial_period", "actual"),
                "qualifier": np.where(ids % 7 == 0, "approximate", ""),
            })
            frame.to_csv(fh, sep=sep, header=False, index=False)


class PeakRSS:
    """Peak resident set size of this process while the block runs (sampled every 10 ms)."""

    def __init__(self) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakRSS:
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.01)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def above_base(self) -> int:
        return self.peak - self.base


def storage_floor(data: bytes, path: Path, store) -> float:
    """Seconds for the work every committed upload needs, without any check: read the file with the
    upload reader (every cell text; the values made numbers as the pipeline does), hash and compress the
    raw file on a second thread meanwhile, and commit the cells with the raw file as a new version."""
    from concurrent.futures import ThreadPoolExecutor

    from qazdash.ingest.pipeline import normalise_numbers
    from qazdash.ingest.reading import read_table
    from qazdash.store import compress_raw, sha256_of
    from qazdash.validation import arrow_text, float_cast

    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest, packed = pool.submit(sha256_of, data), pool.submit(compress_raw, data)
        table = read_table(data, path.name)
        frame = table.frame
        # the one typed column of statistics (the store keeps value as float64)
        text = normalise_numbers(frame["value"], table.detected.decimal, table.detected.thousands)
        frame["value"] = float_cast(arrow_text(text)).to_numpy()
        store.commit("statistics", frame, author="bench", source_name=path.name, raw=data,
                     raw_sha256=digest.result(), raw_packed=packed.result, note="storage floor")
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the best time of each counts")
    parser.add_argument("--decimal-comma", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="qazdash-bench-ingest-"))
    os.environ["QAZDASH_DB_PATH"] = str(tmp / "bench.db")
    import gc

    import pyarrow.csv as pacsv

    from qazdash.datasets import load_shipped
    from qazdash.ingest.pipeline import commit, prepare
    from qazdash.store import Store

    path = tmp / "statistics.csv"
    t = time.perf_counter()
    generate(path, args.rows, args.decimal_comma)
    size = path.stat().st_size
    print(f"generated {args.rows:,} rows, {size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s ({path})")
    shipped = load_shipped()
    sep = ";" if args.decimal_comma else ","
    best: dict[str, float] = {}
    arrow_peak = ingest_peak = 0
    # pyarrow and the ingest alternate, each `--repeat` times, and the best time of each counts: the
    # machine is shared, and one sample of either side can be several times slower than the next.
    for run in range(args.repeat):
        store = Store.open(f"sqlite:///{tmp / f'bench-{run}.db'}", seed=lambda: shipped)  # same data each run
        gc.collect()
        with PeakRSS() as arrow_mem:
            t, c = time.perf_counter(), time.process_time()
            table = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=sep))
            arrow_s, arrow_cpu = time.perf_counter() - t, time.process_time() - c
        del table
        gc.collect()
        with PeakRSS() as mem:
            t0, c0 = time.perf_counter(), time.process_time()
            data = path.read_bytes()
            marks: dict[str, float] = {}

            def progress(fraction: float, text: str, marks=marks) -> None:
                marks.setdefault(text, time.perf_counter())

            prepared = prepare(data, path.name, store, progress=progress)
            t1 = time.perf_counter()
            assert prepared.ok, prepared.problems[:5]
            version = commit(prepared, store, author="bench", note="benchmark")
            t2, ingest_cpu = time.perf_counter(), time.process_time() - c0
            store.wait_for_checkpoints()  # SQLite's WAL checkpoint, after the commit returned (not timed as ingest)
            checkpoint_s = time.perf_counter() - t2
        read_end = marks.get("File read", t1)
        times = {"read file + parse": read_end - t0, "map + normalise + validate + compare": t1 - read_end,
                 "commit (snapshot + raw file + sqlite)": t2 - t1, "ingest total": t2 - t0, "pyarrow": arrow_s}
        print(f"  run {run + 1}: ingest {times['ingest total']:.2f} s, pyarrow {arrow_s:.2f} s "
              f"({times['ingest total'] / arrow_s:.1f}x); background WAL checkpoint after the commit "
              f"{checkpoint_s:.2f} s")
        times |= {"cpu: ingest": ingest_cpu, "cpu: pyarrow": arrow_cpu}
        for name, seconds in times.items():
            best[name] = min(best.get(name, seconds), seconds)
        arrow_peak = max(arrow_peak, arrow_mem.above_base)
        ingest_peak = max(ingest_peak, mem.above_base)
        del prepared
        store.engine.dispose()
        gc.collect()
        floor_store = Store.open(f"sqlite:///{tmp / f'floor-{run}.db'}", seed=lambda: shipped)
        best["storage floor"] = min(best.get("storage floor", 1e9), storage_floor(data, path, floor_store))
        floor_store.wait_for_checkpoints()
        floor_store.engine.dispose()
        del data
    stages = {k: best[k] for k in ("read file + parse", "map + normalise + validate + compare",
                                   "commit (snapshot + raw file + sqlite)")}
    total, arrow_s = best["ingest total"], best["pyarrow"]
    print(f"best of {args.repeat} runs; last run: committed version {version.id} ({version.row_count:,} rows in the "
          "dataset, all rows valid)")
    for name, seconds in stages.items():
        print(f"  {name:<38} {seconds:7.2f} s  {args.rows / seconds:>12,.0f} rows/s")
    print(f"  {'ingest total':<38} {total:7.2f} s  {args.rows / total:>12,.0f} rows/s")
    print(f"  {'pyarrow.csv.read_csv (same file)':<38} {arrow_s:7.2f} s  {args.rows / arrow_s:>12,.0f} rows/s")
    print(f"ratio ingest / pyarrow.csv.read_csv: {total / arrow_s:.1f}x (target <= 3x)")
    print(f"ratio read+parse stage / pyarrow.csv.read_csv: {stages['read file + parse'] / arrow_s:.1f}x")
    floor = best["storage floor"]
    print(f"storage floor (reader + SHA-256 + zstd raw file + Store.commit of the cells, no checks): {floor:.2f} s "
          f"= {floor / arrow_s:.1f}x pyarrow; the checks and comparisons add {total - floor:.2f} s")
    cpu, arrow_cpu, cores = best["cpu: ingest"], best["cpu: pyarrow"], os.cpu_count() or 1
    print(f"CPU time (all threads, lowest run): ingest {cpu:.2f} s, pyarrow {arrow_cpu:.2f} s "
          f"({cpu / arrow_cpu:.1f}x); on {cores} cores the ingest cannot take less than {cpu / cores:.2f} s wall")
    print(f"peak RSS above baseline (highest run): ingest {ingest_peak / 1e6:,.0f} MB = {ingest_peak / size:.1f}x "
          f"the file ({size / 1e6:.0f} MB); pyarrow read alone {arrow_peak / 1e6:,.0f} MB")


if __name__ == "__main__":
    main()
