"""The run side of the review: record a run's findings in the store and show their decisions.

:func:`review_state` registers the findings of one unit's run (new ones start as 待复核, those no
longer produced are resolved) and returns each current finding's decision and the resolved ones;
:func:`with_decisions` puts the decisions beside the findings for the workbook and notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from perfkit.review.store import OPEN, REVIEW_FIELDS, REVIEW_STATUSES, ReviewStore, RunChanges

DECISION_COLUMNS = ["finding_id", *REVIEW_FIELDS, "decision_version"]
_SCHEMA = {c: pl.String for c in DECISION_COLUMNS} | {"decision_version": pl.Int64}


@dataclass(frozen=True)
class ReviewState:
    """Decisions on the current findings, findings resolved since earlier runs, and where they live."""

    decisions: pl.DataFrame  # DECISION_COLUMNS, one row per current finding known to the store
    resolved: pl.DataFrame  # findings of earlier runs that this run no longer produces, with their decision
    store: str = ""  # the store's path; empty when the run uses none (every finding 待复核)
    changes: RunChanges | None = None


def no_review() -> ReviewState:
    """The state of a run without a store: every finding is 待复核 and nothing is resolved."""
    return ReviewState(pl.DataFrame(schema=_SCHEMA), pl.DataFrame())


def review_state(findings: pl.DataFrame, unit_code: str, year: int, store: str | Path | None) -> ReviewState:
    """Record ``findings`` (one unit's run for ``year``) in ``store`` and read back their decisions."""
    if not store:
        return no_review()
    with ReviewStore(store) as db:
        changes = db.record_run(unit_code, year, findings)
        known = db.findings(unit_code, year)
    current = known.filter(pl.col("resolved_at").is_null()).select(DECISION_COLUMNS)
    resolved = known.filter(pl.col("resolved_at").is_not_null()).drop("unit_code", "year", "last_seen")
    return ReviewState(current, resolved, str(store), changes)


def with_decisions(findings: pl.DataFrame, state: ReviewState) -> pl.DataFrame:
    """``findings`` with the review columns (复核状态 …); a finding without a decision is 待复核."""
    return findings.join(state.decisions, on="finding_id", how="left", maintain_order="left").with_columns(
        pl.col("review_status").fill_null(OPEN), pl.col("decision_version").fill_null(0)
    )


def decision_counts(findings: pl.DataFrame, state: ReviewState) -> dict[str, int]:
    """Current findings per review status, and the findings resolved since earlier runs."""
    reviewed = with_decisions(findings.select("finding_id"), state)
    counts = {f"review_{s}": int((reviewed["review_status"] == s).sum()) for s in REVIEW_STATUSES}
    return counts | {"review_resolved": state.resolved.height}
