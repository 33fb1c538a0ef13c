"""``perfkit review status``: open and decided findings per unit, from the review store."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from perfkit.labels import COLUMN_LABELS
from perfkit.review.store import REVIEW_STATUSES, ReviewStore

COUNT_COLUMNS = [f"review_{s}" for s in REVIEW_STATUSES] + ["review_resolved"]


def status_table(store: str | Path, unit_code: str | None = None) -> pl.DataFrame:
    """One row per unit and year: findings still occurring per review status, and those resolved.

    ``review_open`` counts findings that still occur and wait for a decision; a resolved finding
    (no longer produced by the latest run) counts under ``review_resolved`` whatever its decision.
    """
    with ReviewStore(store, create=False) as db:
        findings = db.findings(unit_code)
    occurring = pl.col("resolved_at").is_null()
    return (
        findings.group_by("unit_code", "year")
        .agg(
            *[(occurring & (pl.col("review_status") == s)).sum().alias(f"review_{s}") for s in REVIEW_STATUSES],
            (~occurring).sum().alias("review_resolved"),
        )
        .with_columns(pl.col(COUNT_COLUMNS).cast(pl.Int64))
        .sort("unit_code", "year")
    )


def status_lines(table: pl.DataFrame) -> list[str]:
    """The table as aligned Chinese lines for the terminal."""
    labels = [COLUMN_LABELS[c] for c in COUNT_COLUMNS]
    lines = ["单位编码  年度  " + "  ".join(labels)]
    for row in table.iter_rows(named=True):
        counts = "  ".join(f"{row[c]:>{len(label) * 2}}" for c, label in zip(COUNT_COLUMNS, labels, strict=True))
        lines.append(f"{row['unit_code']:<8}  {row['year']}  {counts}")
    total = {c: int(table[c].sum()) for c in COUNT_COLUMNS}
    decided = total["review_confirmed"] + total["review_dismissed"] + total["review_false_positive"]
    lines.append(f"合计：待复核 {total['review_open']}，已决定 {decided}，已消除 {total['review_resolved']}")
    return lines
