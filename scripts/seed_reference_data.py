"""Copy the sourced reference tables from ../shared/data/reference into data/.

Run once when the reference set changes: ``python scripts/seed_reference_data.py [REFERENCE_DIR]``.

What it changes, and why:
- articles: only rows with a publication date and a real headline are shipped as news
  (the reference README: titles in square brackets are supplied descriptions, blank
  ``published`` means the page showed no date).
- every other table is copied unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = ROOT.parent / "shared" / "data" / "reference"
TABLES = ("nodes", "corridors", "segments", "articles", "statistics")


def shippable_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """Keep the articles with a publication date and a headline that is not a supplied description."""
    dated = articles["published"].fillna("").str.strip() != ""
    real_title = ~articles["title"].fillna("").str.strip().str.startswith("[")
    return articles[dated & real_title]


def main(reference: Path = DEFAULT_REFERENCE) -> None:
    out = ROOT / "data"
    out.mkdir(exist_ok=True)
    for name in TABLES:
        frame = pd.read_csv(reference / f"{name}.csv", dtype=str, keep_default_na=False)
        if name == "articles":
            frame = shippable_articles(frame)
        frame.to_csv(out / f"{name}.csv", index=False)
        print(f"data/{name}.csv: {len(frame)} rows")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REFERENCE)
