"""Benchmark: what storing an upload costs in other layouts, against pyarrow.csv.read_csv (issue #6's ≤ 3× target).

Each layout does only the work every committed upload needs, with no checks: parse the file (cells as
text), SHA-256 and compress the raw file on a second thread meanwhile, encode the snapshot (Arrow IPC),
and write both blobs in one SQLite transaction (WAL, synced commit, as the store does). The store's own
layout is the first; the others change one thing each (codec, string offsets, page size, overlap). None of
them can be faster than this with validation added, so the lowest ratio printed is a bound on the ingest's.

Uses the same generated file as ``bench_ingest.py`` (1,000,000 synthetic statistics rows by default).
Run: ``.venv/bin/python bench/bench_storage_layouts.py [--rows 1000000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


@dataclass(frozen=True)
class Layout:
    name: str
    raw_codec: str | None = "zstd"  # None: the raw file uncompressed
    snapshot_codec: str = "zstd"
    int32_offsets: bool = False  # string instead of large_string columns in the snapshot
    page_size: int = 4096
    overlap: bool = False  # encode the snapshot while the raw file is inserted


LAYOUTS = [
    Layout("store today (zstd raw + zstd snapshot, 64 KB pages)", page_size=65536),
    Layout("4 KB pages (stores created before 2026-11-26)"),
    Layout("snapshot encoded while the raw file is inserted", page_size=65536, overlap=True),
    Layout("snapshot with int32 string offsets", page_size=65536, int32_offsets=True, overlap=True),
    Layout("lz4 raw file, int32 offsets", raw_codec="lz4", page_size=65536, int32_offsets=True, overlap=True),
    Layout("lz4 raw file and lz4 snapshot", raw_codec="lz4", snapshot_codec="lz4", page_size=65536, overlap=True),
    Layout("raw file uncompressed", raw_codec=None, page_size=65536, overlap=True),
]


def store_upload(data: bytes, sep: str, layout: Layout, db: Path, pool: ThreadPoolExecutor
                 ) -> tuple[float, float, int]:
    """Seconds (wall, and CPU of all threads) to store ``data`` in ``layout`` (parse, hash, compress,
    snapshot, one SQLite transaction), and the bytes written."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from pyarrow import ipc

    con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    con.execute(f"PRAGMA page_size={layout.page_size}")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")  # the store checkpoints after the commit, in the background
    con.execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    t, cpu = time.perf_counter(), time.process_time()
    digest = pool.submit(lambda: hashlib.sha256(data).hexdigest())
    level = {"compression_level": 1} if layout.raw_codec == "zstd" else {}
    packed = pool.submit(lambda: data if layout.raw_codec is None
                         else pa.Codec(layout.raw_codec, **level).compress(data, asbytes=True))
    names = data[: data.index(b"\n")].decode().split(sep)
    text = pa.string() if layout.int32_offsets else pa.large_string()
    table = pacsv.read_csv(pa.py_buffer(data), read_options=pacsv.ReadOptions(block_size=1 << 24),
                           parse_options=pacsv.ParseOptions(delimiter=sep),
                           convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, text),
                                                                check_utf8=False))

    def snapshot() -> bytes:
        sink = pa.BufferOutputStream()
        options = ipc.IpcWriteOptions(compression=layout.snapshot_codec)
        with ipc.new_stream(sink, table.schema, options=options) as writer:
            writer.write_table(table)
        return sink.getvalue().to_pybytes()

    con.execute("BEGIN IMMEDIATE")
    if layout.overlap:
        snap = pool.submit(snapshot)
        raw = packed.result()
        con.execute("INSERT INTO blobs (data) VALUES (?)", (raw,))
        snap = snap.result()
    else:
        snap = snapshot()
        raw = packed.result()
        con.execute("INSERT INTO blobs (data) VALUES (?)", (raw,))
    con.execute("INSERT INTO blobs (data) VALUES (?)", (snap,))
    digest.result()
    con.execute("COMMIT")
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    con.close()
    return seconds, cpu, len(raw) + len(snap)


def main() -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from bench_ingest import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each layout; the best time counts")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="qazdash-bench-layouts-"))
    path = tmp / "statistics.csv"
    generate(path, args.rows, decimal_comma=True)
    data = path.read_bytes()
    print(f"generated {args.rows:,} rows, {len(data) / 1e6:.1f} MB ({path})")
    arrow = arrow_cpu = float("inf")
    best: dict[str, tuple[float, float, int]] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for run in range(args.repeat):
            for k, layout in enumerate(LAYOUTS):
                t, cpu = time.perf_counter(), time.process_time()
                pacsv.read_csv(pa.py_buffer(data), parse_options=pacsv.ParseOptions(delimiter=";"))
                arrow, arrow_cpu = min(arrow, time.perf_counter() - t), min(arrow_cpu, time.process_time() - cpu)
                seconds, cpu, size = store_upload(data, ";", layout, tmp / f"layout-{k}-{run}.db", pool)
                if layout.name not in best or seconds < best[layout.name][0]:
                    best[layout.name] = (seconds, cpu, size)
    runs = args.repeat * len(LAYOUTS)
    print(f"pyarrow.csv.read_csv (same file, best of {runs}, one before each layout run): {arrow:.2f} s, "
          f"{arrow_cpu:.2f} CPU-s")
    print(f"{'layout (parse + hash + raw file + snapshot + SQLite commit, no checks)':<60} {'best':>6} "
          f"{'ratio':>6} {'CPU':>6} {'written':>9}")
    for name, (seconds, cpu, size) in best.items():
        print(f"  {name:<58} {seconds:5.2f}s {seconds / arrow:5.1f}x {cpu:5.2f}s {size / 1e6:7.1f} MB")


if __name__ == "__main__":
    main()
