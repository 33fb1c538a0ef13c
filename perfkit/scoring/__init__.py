"""Score every project and re-check its self-evaluation: the one call behind ``perfkit score``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from perfkit.checks.engine import resolve_settings, run_rules
from perfkit.errors import InputError
from perfkit.load import TargetTables, annual_indicators
from perfkit.load.actuals import Actuals
from perfkit.scoring import rescoring_practice  # noqa: F401  (registers its rules)
from perfkit.scoring.indicators import score_indicators
from perfkit.scoring.match import evaluate
from perfkit.scoring.numbering import numbered
from perfkit.scoring.params import ScoringParams
from perfkit.scoring.projects import score_projects
from perfkit.scoring.rescoring import RESCORING_RULES, ScoredRun


@dataclass(frozen=True)
class Scorecard:
    """The three tables of ``perfkit score``: indicator scores, project scores and findings."""

    indicator_scores: pl.DataFrame
    project_scores: pl.DataFrame
    findings: pl.DataFrame


def _check_band_fractions(indicators: pl.DataFrame, params: ScoringParams) -> None:
    """An explicit qualitative fraction must lie inside its band (docs/domain.md): otherwise bad input."""
    places = [
        c for c in ("actual_source_file", "source_file", "actual_source_ref", "source_ref") if c in indicators.columns
    ]
    given = indicators.select("band", "band_fraction", *places).filter(pl.col("band_fraction").is_not_null())
    unknown = given.filter(pl.col("band").is_not_null() & ~pl.col("band").is_in(list(params.qualitative_bands)))
    outside = given.join(params.bands_frame(), on="band").filter(
        (pl.col("band_fraction") < pl.col("band_low")) | (pl.col("band_fraction") > pl.col("band_high"))
    )
    for bad, message in (
        (unknown, "定性评价档次“{band}”不在可选档次中"),
        (outside, "得分比例{band_fraction}不在档次“{band}”的范围内"),
    ):
        if bad.height:
            row = bad.row(0, named=True)
            file = row.get("actual_source_file") or row.get("source_file") or "actuals"
            raise InputError(file, row.get("actual_source_ref") or row.get("source_ref"), message.format(**row))


def _one_row_per_indicator(indicators: pl.DataFrame) -> bool:
    """Whether every row has its own place (``project_id``, ``seq``), none empty."""
    project = numbered(indicators, ["project_id"]).cast(pl.UInt64)
    place = project * 2**32 + (indicators["seq"].cast(pl.Int64) + 2**31).cast(pl.UInt64)
    return bool(place.is_not_null().all() and indicators["project_id"].is_not_null().all() and place.is_unique().all())


# what the re-scoring rules read of each project beside its scores
_RUN_PROJECT_COLUMNS = [
    "project_id", "budget_full", "executed", "self_execution_score", "selfeval_unfilled_rows",
    "selfeval_unreadable", "budget_initial", "budget_table", "selfeval_budget_full",
]  # fmt: skip


def _with_budget_year(evaluation) -> pl.DataFrame:
    """The indicators with their project's budget ``year``: a deadline without a year lies in it."""
    indicators, projects = evaluation.indicators, evaluation.projects
    if "year" in indicators.columns or "year" not in projects.columns:
        return indicators
    years = projects.select("project_id", pl.col("year").cast(pl.Int32, strict=False)).unique("project_id")
    return indicators.join(years, on="project_id", how="left", maintain_order="left")


def score(
    actuals: Actuals,
    targets: TargetTables | None = None,
    params: ScoringParams | None = None,
    rule_overrides: dict[str, Any] | None = None,
    source: str = "params",
) -> Scorecard:
    """Score ``actuals`` against ``targets`` (or the self-evaluation's own targets) and re-check it."""
    targets, params = annual_indicators(targets), params or ScoringParams()  # scored against the annual targets
    evaluation = evaluate(actuals, targets)
    _check_band_fractions(evaluation.indicators, params)
    self_columns = [
        "weight_given", "weight_split", "deviation_reason", "selfeval_target_raw", "target_kind", "level2", "target_op",
    ]  # fmt: skip
    scored = score_indicators(_with_budget_year(evaluation), params, keep=self_columns)
    indicator_scores = scored.drop(self_columns)
    projects = evaluation.projects.with_columns(
        # the self-evaluation's own 全年预算数, and the target table's 预算数 where one is loaded
        selfeval_budget_full=pl.col("budget_full"),
        budget_table=pl.col("budget_total") if targets is not None else pl.lit(None, pl.Float64),
        budget_full=pl.coalesce("budget_full", "budget_total"),
        self_total=pl.col("self_total") if "self_total" in evaluation.projects.columns else pl.lit(None, pl.Float64),
    )
    project_scores = score_projects(indicator_scores, projects, params)
    if not _one_row_per_indicator(indicator_scores):  # the self-evaluation columns as a join on the place gives them
        scored = indicator_scores.join(
            evaluation.indicators.select("project_id", "seq", *self_columns), on=["project_id", "seq"], how="left"
        )
    run = ScoredRun(
        indicators=scored,
        projects=project_scores.join(
            projects.select(_RUN_PROJECT_COLUMNS),
            on="project_id",
            how="left",
        ),
        unmatched=evaluation.unmatched,
        params=params,
    )
    settings = resolve_settings(rule_overrides, source, RESCORING_RULES, "rescoring")
    findings = run_rules(RESCORING_RULES, run, settings, project_scores, run.indicators)
    return Scorecard(indicator_scores, project_scores, findings)
