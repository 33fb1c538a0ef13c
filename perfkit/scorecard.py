"""Score every project and re-check its self-evaluation: the one call behind ``perfkit score``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from perfkit.checks.engine import resolve_settings, run_rules
from perfkit.evaluation import evaluate
from perfkit.load import TargetTables
from perfkit.load.actuals import Actuals
from perfkit.rescoring import RESCORING_RULES, ScoredRun
from perfkit.scoring import score_indicators, score_projects
from perfkit.scoring_params import ScoringParams


@dataclass(frozen=True)
class Scorecard:
    """The three tables of ``perfkit score``: indicator scores, project scores and findings."""

    indicator_scores: pl.DataFrame
    project_scores: pl.DataFrame
    findings: pl.DataFrame


def score(
    actuals: Actuals,
    targets: TargetTables | None = None,
    params: ScoringParams | None = None,
    rule_overrides: dict[str, Any] | None = None,
    source: str = "params",
) -> Scorecard:
    """Score ``actuals`` against ``targets`` (or the self-evaluation's own targets) and re-check it."""
    params = params or ScoringParams()
    evaluation = evaluate(actuals, targets)
    indicator_scores = score_indicators(evaluation.indicators, params)
    projects = evaluation.projects.with_columns(
        budget_full=pl.coalesce("budget_full", "budget_total"),
        self_total=pl.col("self_total") if "self_total" in evaluation.projects.columns else pl.lit(None, pl.Float64),
    )
    project_scores = score_projects(indicator_scores, projects, params)
    self_columns = ["weight_given", "deviation_reason", "selfeval_target_raw", "target_kind", "level2"]
    run = ScoredRun(
        indicators=indicator_scores.join(
            evaluation.indicators.select("project_id", "seq", *self_columns), on=["project_id", "seq"], how="left"
        ),
        projects=project_scores.join(
            projects.select("project_id", "budget_full", "executed", "self_execution_score"),
            on="project_id",
            how="left",
        ),
        unmatched=evaluation.unmatched,
        params=params,
    )
    settings = resolve_settings(rule_overrides, source, RESCORING_RULES, "rescoring")
    findings = run_rules(RESCORING_RULES, run, settings, project_scores, run.indicators)
    return Scorecard(indicator_scores, project_scores, findings)
