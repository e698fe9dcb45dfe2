"""What the Overview page shows: corridor summaries and the latest news."""

from __future__ import annotations

import pandas as pd

from qazdash.i18n import localized

BRANCH_PREFIX = "branch:"


def is_branch(notes: pd.Series) -> pd.Series:
    """Legs whose notes start with ``branch:`` are alternatives, not consecutive trunk steps."""
    return notes.fillna("").str.strip().str.lower().str.startswith(BRANCH_PREFIX)


def corridor_summary(corridors: pd.DataFrame, segments: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """One row per corridor: name in the page language, trunk length (km), legs on the trunk and in all."""
    legs = segments.assign(branch=is_branch(segments["notes"]))
    trunk = legs[~legs["branch"]]
    out = corridors[["corridor_id", "color_hex"]].copy()
    out["name"] = [localized(row, "name", lang) for row in corridors.to_dict("records")]
    out["trunk_km"] = out["corridor_id"].map(trunk.groupby("corridor_id")["distance_km"].sum(min_count=1))
    out["trunk_legs"] = out["corridor_id"].map(trunk.groupby("corridor_id").size()).fillna(0).astype(int)
    out["legs"] = out["corridor_id"].map(legs.groupby("corridor_id").size()).fillna(0).astype(int)
    return out.reset_index(drop=True)


def latest_articles(articles: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` most recently published articles (partial dates sort at the start of their period)."""
    return articles.sort_values(["published", "article_id"], ascending=False).head(n).reset_index(drop=True)
