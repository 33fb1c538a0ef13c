"""Put targets and actuals side by side: the input of :mod:`perfkit.scoring.indicators`.

Actuals are matched to targets by unit, project name and indicator name — compared without
whitespace and punctuation, the n-th of two same-named indicators with the n-th — never by row
position. Actuals that match no target are returned, not dropped. A self-evaluation carries its
own 年度指标值, so without a target table it is scored against those.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from perfkit.load import TargetTables
from perfkit.load.actuals import Actuals
from perfkit.targets import is_money_indicator, is_timely_indicator, with_parsed_targets
from perfkit.text import squashed


@dataclass(frozen=True)
class Evaluation:
    """Per indicator: target, actual and self-evaluation columns; per project: execution figures.

    ``unmatched`` lists actuals rows (indicators or projects) that match no target, with their place.
    """

    indicators: pl.DataFrame
    projects: pl.DataFrame
    unmatched: pl.DataFrame


def _with_keys(frame: pl.DataFrame) -> pl.DataFrame:
    keyed = frame.with_columns(_project=squashed("project_name"), _name=squashed("name"))
    return keyed.with_columns(_nth=pl.int_range(pl.len()).over("unit_code", "_project", "_name"))


def evaluate(actuals: Actuals, targets: TargetTables | None = None) -> Evaluation:
    """Join actuals to targets (or use the self-evaluation's own targets when ``targets`` is None)."""
    actual_fields = ["actual_raw", "band", "band_fraction", "weight_given", "self_score", "deviation_reason"]
    if targets is None:
        indicators = with_parsed_targets(
            actuals.indicators, "target_raw", is_money_indicator(), timely=is_timely_indicator()
        ).with_columns(selfeval_target_raw=pl.col("target_raw"), actual_source_ref=pl.col("source_ref"))
        projects = actuals.projects.with_columns(budget_total=pl.col("budget_initial"))
        empty = pl.DataFrame(
            schema={
                "unit_code": pl.String,
                "kind": pl.String,
                "source_file": pl.String,
                "source_ref": pl.String,
                "text": pl.String,
            }
        )
        return Evaluation(indicators, projects, empty)
    target_ind = _with_keys(
        targets.indicators.join(
            targets.projects.select("project_id", "project_name"), on="project_id", maintain_order="left"
        )
    )
    actual_ind = _with_keys(actuals.indicators).select(
        "unit_code", "_project", "_name", "_nth", *actual_fields,
        pl.col("target_raw").alias("selfeval_target_raw"), pl.col("source_file").alias("actual_source_file"),
        pl.col("source_ref").alias("actual_source_ref"), pl.col("name").alias("actual_name"),
    )  # fmt: skip
    keys = ["unit_code", "_project", "_name", "_nth"]
    indicators = target_ind.join(actual_ind, on=keys, how="left", maintain_order="left")
    lost_indicators = actual_ind.join(target_ind, on=keys, how="anti").select(
        "unit_code",
        kind=pl.lit("indicator"),
        source_file="actual_source_file",
        source_ref="actual_source_ref",
        text=pl.format("指标“{}”", "actual_name"),
    )
    target_proj = targets.projects.with_columns(_project=squashed("project_name"))
    actual_proj = actuals.projects.with_columns(_project=squashed("project_name")).select(
        "unit_code", "_project", "budget_initial", "budget_full", "executed", "execution_weight_given",
        "self_execution_score", "self_total", "goal_expected", "goal_actual",
        pl.col("source_file").alias("actual_source_file"), pl.col("source_ref").alias("actual_source_ref"),
        pl.col("project_name").alias("actual_project_name"),
    )  # fmt: skip
    projects = target_proj.join(actual_proj, on=["unit_code", "_project"], how="left", maintain_order="left")
    lost_projects = actual_proj.join(target_proj, on=["unit_code", "_project"], how="anti").select(
        "unit_code",
        kind=pl.lit("project"),
        source_file="actual_source_file",
        source_ref="actual_source_ref",
        text=pl.format("项目“{}”（单位{}）", "actual_project_name", "unit_code"),
    )
    unmatched = pl.concat([lost_projects, lost_indicators])
    return Evaluation(indicators.drop("_project", "_name", "_nth"), projects.drop("_project"), unmatched)
