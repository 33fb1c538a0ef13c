"""Score each project from its indicator scores (财预〔2020〕10号): group scores, the budget
execution score, the total and its grade, with the unit's self-score beside them.
"""

from __future__ import annotations

import polars as pl

from perfkit.scoring.indicators import GROUP_OF_LEVEL1
from perfkit.scoring.params import ScoringParams

GROUP_COLUMNS = {"产出指标": "output_score", "效益指标": "benefit_score", "满意度指标": "satisfaction_score"}
PROJECT_SCORE_COLUMNS = [
    "unit_code", "project_id", "project_name", "output_score", "benefit_score", "satisfaction_score",
    "execution_score", "total", "grade", "self_total", "total_diff",
]  # fmt: skip


def execution_score(executed: pl.Expr, budget: pl.Expr, params: ScoringParams) -> pl.Expr:
    """预算执行率得分 = execution weight × min(全年执行数 / 全年预算数, 1)."""
    rate = pl.when(budget > 0).then(executed / budget)
    return (params.execution_weight * rate.clip(upper_bound=1.0)).round(4)


def grade(total: pl.Expr, params: ScoringParams) -> pl.Expr:
    """优/良/中/差 by the inclusive lower bounds in ``params.grade_bounds``."""
    expr = pl.when(total.is_null()).then(None)
    for label, bound in sorted(params.grade_bounds.items(), key=lambda item: -item[1]):
        expr = expr.when(total >= bound).then(pl.lit(label))
    return expr.otherwise(pl.lit("差"))


def score_projects(
    indicator_scores: pl.DataFrame, projects: pl.DataFrame, params: ScoringParams | None = None
) -> pl.DataFrame:
    """Group scores, execution score, total and grade per project.

    ``projects`` has ``unit_code``, ``project_id``, ``project_name``, ``budget_full`` (全年预算数),
    ``executed`` (全年执行数) and optionally ``self_total``. A project with an unscored indicator or
    no execution figures keeps ``total`` and ``grade`` empty and says how many are unscored in
    ``unscored``; a group with an unscored indicator keeps its score empty too (a group with no
    indicator scores 0).
    """
    params = params or ScoringParams()
    scores = indicator_scores.with_columns(group=pl.col("level1").replace_strict(GROUP_OF_LEVEL1, default=None))
    in_group = {g: pl.col("score").filter(pl.col("group") == g) for g in GROUP_COLUMNS}
    groups = scores.group_by("project_id").agg(
        # a group with a row left to a person has no score (not the sum of the others, not 0)
        *[pl.when(~s.is_null().any()).then(s.sum().round(4)).alias(GROUP_COLUMNS[g]) for g, s in in_group.items()],
        pl.col("score").is_null().sum().alias("unscored"),
    )
    if "self_total" not in projects.columns:
        projects = projects.with_columns(self_total=pl.lit(None, dtype=pl.Float64))
    frame = projects.join(groups, on="project_id", how="left", maintain_order="left").with_columns(
        execution_score=execution_score(pl.col("executed"), pl.col("budget_full"), params)
    )
    complete = (pl.col("unscored") == 0) & pl.col("execution_score").is_not_null()
    total = pl.when(complete).then(
        pl.sum_horizontal("output_score", "benefit_score", "satisfaction_score", "execution_score").round(4)
    )
    frame = frame.with_columns(total=total).with_columns(
        grade=grade(pl.col("total"), params),
        total_diff=(pl.col("self_total") - pl.col("total")).round(4),
    )
    return frame.select(*PROJECT_SCORE_COLUMNS, "unscored", "budget_full", "executed")
