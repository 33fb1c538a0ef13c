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
from perfkit.scoring.numbering import per_run
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


# the bits of the integer that numbers an indicator for matching (a test lowers it)
_KEY_BITS = 63


@dataclass(frozen=True)
class _Side:
    """The indicators of one side for matching: the run of rows of one project each row is in, the
    runs' ``unit_code`` and ``_project`` (squashed project name; a null unit matches nothing), and
    each row's ``name``."""

    run: pl.Series
    runs: pl.DataFrame
    names: pl.Series


def _name_ids(*names: pl.Series) -> tuple[list[pl.Series], int]:
    """For each series of indicator names, the number of each name compared without whitespace and
    punctuation (the same number on every side), and how many numbers there are."""
    distinct = pl.concat([n.rename("name").unique().to_frame() for n in names]).unique()
    distinct = distinct.with_columns(_name=squashed("name"))
    numbers = distinct.select("_name").unique().with_row_index("_name_id")
    distinct = distinct.join(numbers, on="_name").select("name", "_name_id")
    ids = [
        n.rename("name").to_frame().join(distinct, on="name", how="left", nulls_equal=True, maintain_order="left")
        for n in names
    ]
    return [i["_name_id"] for i in ids], numbers.height


def _nth(key: pl.Series) -> pl.Series:
    """How many rows before each row have its ``key`` (0 for the first): its place after a sort by
    key and row, less the place of the first row of its key; null where the key is null."""
    rows = key.to_frame("key").with_row_index("row").sort("key", "row")
    at = pl.int_range(pl.len(), dtype=pl.UInt32)
    nth = rows.select(at - pl.when(pl.col("key").ne_missing(pl.col("key").shift(1))).then(at).forward_fill())
    return pl.zeros(key.len(), pl.UInt32, eager=True).scatter(rows["row"], nth.to_series())


def _match_keys(targets: _Side, actuals: _Side) -> tuple[pl.Series, pl.Series]:
    """One key per indicator row, equal on a target and an actual exactly when their unit, project
    name and indicator name compare equal and the row is the n-th of that name on both sides; null
    where the row can match nothing (no unit, or a project with no targets)."""
    projects = (
        targets.runs.filter(pl.col("unit_code").is_not_null()).unique(maintain_order=True).with_row_index("_project_id")
    )
    (target_names, actual_names), names = _name_ids(targets.names, actuals.names)
    keys = []
    for side, name in ((targets, target_names), (actuals, actual_names)):
        project = side.runs.join(projects, on=["unit_code", "_project"], how="left", maintain_order="left")
        key = project["_project_id"].cast(pl.UInt64).gather(side.run) * names + name.cast(pl.UInt64)
        keys.append((key, _nth(key)))
    # one integer, the n-th in its low bits, where the numbers leave room (below ~10^8 indicators)
    nth_bits = int(max(nth.max() or 0 for _, nth in keys)).bit_length()
    if nth_bits < _KEY_BITS and (projects.height * names) >> (_KEY_BITS - nth_bits) == 0:
        return tuple(key * (1 << nth_bits) + nth for key, nth in keys)  # type: ignore[return-value]
    return tuple(  # type: ignore[return-value]
        pl.select(pl.when(key.is_not_null()).then(pl.struct(key.alias("key"), nth.alias("nth")))).to_series()
        for key, nth in keys
    )


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
    # an indicator of no known project is left out, as by an inner join
    target_run, target_runs = per_run(targets.indicators, ["unit_code", "project_id"])
    target_runs = target_runs.join(
        targets.projects.select("project_id", "project_name", _known=pl.lit(True)),
        on="project_id",
        how="left",
        maintain_order="left",
        validate="m:1",
    ).with_columns(_project=squashed("project_name"), _known=pl.col("_known").fill_null(False))
    actual_run, actual_runs = per_run(actuals.indicators, ["unit_code", "project_name"])
    target_key, actual_key = _match_keys(
        _Side(
            target_run,
            target_runs.select(pl.when("_known").then("unit_code").alias("unit_code"), "_project"),
            targets.indicators["name"],
        ),
        _Side(
            actual_run,
            actual_runs.select("unit_code", _project=squashed("project_name")),
            actuals.indicators["name"],
        ),
    )
    target_ind = targets.indicators.with_columns(project_name=target_runs["project_name"].gather(target_run))
    known = target_runs["_known"].gather(target_run)
    if not known.all():
        target_ind, target_key = target_ind.filter(known), target_key.filter(known)
    actual_ind = actuals.indicators.select(
        "unit_code", *actual_fields,
        pl.col("target_raw").alias("selfeval_target_raw"), pl.col("source_file").alias("actual_source_file"),
        pl.col("source_ref").alias("actual_source_ref"), pl.col("name").alias("actual_name"),
    ).rechunk()  # fmt: skip
    # one chunk: on a frame of several (actuals of many files), polars 2.1 panics gathering its texts by row
    matched = (
        target_key.to_frame("_key")
        .join(
            actual_key.to_frame("_key").with_row_index("_actual_row").drop_nulls(),
            on="_key",
            how="left",
            maintain_order="left",
        )
        .get_column("_actual_row")
    )
    indicators = target_ind.hstack(actual_ind.drop("unit_code").select(pl.all().gather(matched)).get_columns())
    lost = ~actual_key.is_in(target_key.drop_nulls().implode()).fill_null(False)
    lost_indicators = actual_ind.filter(lost).select(
        "unit_code",
        kind=pl.lit("indicator"),
        source_file="actual_source_file",
        source_ref="actual_source_ref",
        text=pl.format("指标“{}”", "actual_name"),
    )
    target_proj = targets.projects.with_columns(_project=squashed("project_name"))
    actual_proj = actuals.projects.with_columns(_project=squashed("project_name")).select(
        "unit_code", "_project", "budget_initial", "budget_full", "executed", "execution_weight_given",
        "self_execution_score", "self_total", "goal_expected", "goal_actual", "selfeval_unfilled_rows",
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
    return Evaluation(indicators, projects.drop("_project"), unmatched)
