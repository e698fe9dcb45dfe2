"""Benchmark: the News page's server-side rerun time on a filter change, with 100,000 synthetic articles.

The articles are clearly synthetic (ids ``synthetic-000001``…, titles "Synthetic article …", source
"Synthetic source …") but use the real places, corridors and organisations, so tagging, the gazetteer
and the filters do real work. They are written into a temporary store (``QAZDASH_DB_PATH``), appended
to the shipped articles; nothing touches the real database.

Run: ``.venv/bin/python bench/bench_news.py [--articles 100000] [--reruns 10]``. Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def synthetic_articles(n: int, nodes, segments, seed: int = 7):
    """``n`` synthetic articles over the real places and corridors (deterministic for a seed)."""
    import numpy as np
    import pandas as pd

    from qazdash.gazetteer import short_name
    from qazdash.organisations import ORGANISATIONS
    from qazdash.schema import TOPICS

    rng = np.random.default_rng(seed)
    placed = nodes.dropna(subset=["lat", "lon"]).to_dict("records")
    names_en = [short_name(r) for r in placed]
    names_ru = [r["name_ru"] if isinstance(r["name_ru"], str) and r["name_ru"] else short_name(r) for r in placed]
    node_corridors = {}
    for c, a, b in segments[["corridor_id", "from_node", "to_node"]].itertuples(index=False):
        node_corridors.setdefault(a, set()).add(c)
        node_corridors.setdefault(b, set()).add(c)
    corridors_of = [";".join(sorted(node_corridors.get(r["node_id"], ()))) for r in placed]
    orgs = [o.name for o in ORGANISATIONS]
    start = pd.Timestamp("2013-01-01").value // 86_400_000_000_000
    end = pd.Timestamp("2026-06-30").value // 86_400_000_000_000
    days = rng.integers(start, end, n)
    dates = pd.to_datetime(days, unit="D")
    precision = rng.choice(["day", "month", "year"], n, p=[0.9, 0.08, 0.02])
    published = np.where(precision == "day", dates.strftime("%Y-%m-%d"),
                         np.where(precision == "month", dates.strftime("%Y-%m"), dates.strftime("%Y")))
    p1 = rng.integers(0, len(placed), n)
    p2 = rng.integers(0, len(placed), n)
    org = rng.integers(0, len(orgs), n)
    lang = rng.choice(["en", "ru", "kk", "zh"], n, p=[0.8, 0.15, 0.03, 0.02])
    rows = []
    for i in range(n):
        ru = lang[i] == "ru"
        a, b = (names_ru if ru else names_en)[p1[i]], (names_ru if ru else names_en)[p2[i]]
        untagged = i % 10 == 0  # every tenth arrives without tags, like an upload
        rows.append({
            "article_id": f"synthetic-{i + 1:06d}",
            "published": published[i],
            "title": f"Synthetic article {i + 1} on {a} and {b}",
            "source": f"Synthetic source {i % 50}",
            "url": f"https://example.invalid/synthetic/{i + 1}",
            "language": lang[i],
            "corridors": None if untagged else (corridors_of[p1[i]] or None),
            "places": None if untagged else f"{names_en[p1[i]]};{names_en[p2[i]]}",
            "organisations": None if untagged else orgs[org[i]],
            "topic": TOPICS[i % len(TOPICS)],
            "summary": f"Synthetic summary: {orgs[org[i]]} and a service between {a} and {b}.",
            "event_date": None,
            "date_precision": precision[i],
            "notes": "synthetic benchmark row",
        })
    return pd.DataFrame(rows)


def rerun_times(app_test, reruns: int) -> list[float]:
    """Open the News page and time ``reruns`` reruns, each after one filter change."""
    at = app_test.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.switch_page("pages/news.py")
    at.run()
    times = []
    for i in range(reruns):
        at.text_input(key="news_q").set_value("aktau" if i % 2 == 0 else "")
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--reruns", type=int, default=10)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="qazdash-bench-news-"))
    os.environ["QAZDASH_DB_PATH"] = str(tmp / "bench.db")
    os.environ.pop("QAZDASH_DATABASE_URL", None)

    from streamlit.testing.v1 import AppTest

    from qazdash.datasets import load_shipped
    from qazdash.news import NewsFilter, filter_articles, prepare_news, timeline_figure
    from qazdash.store import Store

    shipped = load_shipped()
    baseline = rerun_times(AppTest, 6)
    print(f"baseline: News page rerun with the {len(shipped['articles'])} shipped articles: median "
          f"{1000 * statistics.median(baseline):.0f} ms (the same machine, for comparison)")
    import streamlit as st

    st.cache_resource.clear()  # the store and the news index of the baseline run
    st.cache_data.clear()
    t0 = time.perf_counter()
    frame = synthetic_articles(args.articles, shipped["nodes"], shipped["segments"])
    store = Store.open(seed=lambda: shipped)
    store.commit("articles", frame, author="bench", source_name="synthetic", note="benchmark data")
    store.engine.dispose()
    print(f"wrote {len(frame):,} synthetic articles (+{len(shipped['articles'])} shipped) "
          f"in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    all_articles = Store.open().read("articles")
    index = prepare_news(all_articles, shipped["nodes"], shipped["segments"], shipped["corridors"])
    print(f"prepare_news (once per data version): {time.perf_counter() - t0:.2f} s for {len(index.articles):,} rows")
    for label, flt in [("no filter", NewsFilter()), ("corridor", NewsFilter(corridors=("titr_middle_corridor",))),
                       ("search 'актау'", NewsFilter(query="актау")), ("place", NewsFilter(places=("Aktau",)))]:
        times = []
        for _ in range(5):
            t = time.perf_counter()
            shown = filter_articles(index.articles, flt)
            times.append(time.perf_counter() - t)
        t = time.perf_counter()
        timeline_figure(shown, index)
        fig_ms = 1000 * (time.perf_counter() - t)
        print(f"  filter_articles [{label}]: {1000 * statistics.median(times):.1f} ms -> {len(shown):,} rows; "
              f"timeline_figure {fig_ms:.0f} ms")

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.switch_page("pages/news.py")
    t0 = time.perf_counter()
    at.run()
    print(f"first page run (reads the store, builds the index): {time.perf_counter() - t0:.2f} s")
    if at.exception:
        raise SystemExit(f"page failed: {at.exception[0].value}")

    changes = [
        ("corridor", lambda: at.multiselect(key="news_corridors").set_value(["titr_middle_corridor"])),
        ("corridor cleared", lambda: at.multiselect(key="news_corridors").set_value([])),
        ("search актау", lambda: at.text_input(key="news_q").set_value("актау")),
        ("search cleared", lambda: at.text_input(key="news_q").set_value("")),
        ("place Aktau", lambda: at.multiselect(key="news_places").set_value(["Aktau"])),
        ("place cleared", lambda: at.multiselect(key="news_places").set_value([])),
        ("language ru", lambda: at.multiselect(key="news_langs").set_value(["ru"])),
        ("language cleared", lambda: at.multiselect(key="news_langs").set_value([])),
        ("lanes by topic", lambda: at.radio(key="news_lanes").set_value("topic")),
        ("lanes by corridor", lambda: at.radio(key="news_lanes").set_value("corridor")),
    ]
    times = []
    for i in range(args.reruns):
        label, change = changes[i % len(changes)]
        change()
        t = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - t
        times.append(elapsed)
        shown = next((m.value for m in at.metric if m.label == "Articles"), "?")
        print(f"  rerun after {label:<18} {1000 * elapsed:7.0f} ms  ({shown} articles shown)")
        if at.exception:
            raise SystemExit(f"page failed: {at.exception[0].value}")
    print(f"News page rerun on a filter change, {len(index.articles):,} articles: median "
          f"{1000 * statistics.median(times):.0f} ms, min {1000 * min(times):.0f} ms, max {1000 * max(times):.0f} ms "
          f"over {len(times)} reruns (AppTest, server side; target < 250 ms)")


if __name__ == "__main__":
    main()
