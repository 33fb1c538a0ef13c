"""Put targets and actuals side by side: the input of :mod:`perfkit.scoring.indicators`.

Projects are matched one to one by unit, year and project name: a unit by its code, or by its name
where it has none (two units without codes never share a project); the n-th project of a key on
one side with the n-th on the other (two projects of one name in one unit). Indicators are matched
within their project by name, compared without whitespace and punctuation; where a name repeats,
by the target text first, then the n-th with the n-th. Never by row position alone, and never
one actual to two targets. Actuals that match no target are returned, not dropped. A
self-evaluation carries its own 年度指标值, so without a target table it is scored against those.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from perfkit.frames import on_distinct
from perfkit.load import TargetTables
from perfkit.load.actuals import Actuals
from perfkit.scoring.numbering import numbered, per_run
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


# one project of the actuals: load_actuals gives each its own id (two of one name in a file are
# told apart, a file repeating another is left out); hand-made frames without ids go by unit and
# name (squashed: ``2025年 某项目`` is ``2025年某项目``)
_INSTANCE = ["unit_code", "_project", "project_id"]


def _unit_key(frame: pl.DataFrame) -> pl.Expr:
    """A unit as matching knows it: its code, or for a unit without one its name (squashed), so that
    two units without codes never share a project; null where neither is known."""
    code = pl.col("unit_code") if "unit_code" in frame.columns else pl.lit(None, dtype=pl.String)
    name = squashed("unit_name") if "unit_name" in frame.columns else pl.lit("")
    return (
        pl.when(code.fill_null("") != "")
        .then(code)
        .when(name != "")
        .then(pl.concat_str(pl.lit("名:"), name))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def _column(frame: pl.DataFrame, name: str, dtype: pl.DataType) -> pl.Expr:
    return pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype).alias(name)


def _actual_instances(actuals: Actuals) -> tuple[pl.DataFrame, pl.Series, pl.Series]:
    """Every project the actuals give, once per file (``_instance``: 0, 1, … in load order), with
    its unit key, squashed name and year; and the instance of each actual indicator and project."""
    # the indicators of a project come together: worked out once per run of them, not per row
    run, runs = per_run(actuals.indicators, ["unit_code", "project_name", "project_id"])
    named = {}
    for name, frame in (("projects", actuals.projects), ("indicators", runs)):
        named[name] = frame.with_columns(_project=on_distinct(frame, "project_name", squashed("project_name")))
    projects = named["projects"].select(*_INSTANCE, "unit_name", "year")
    from_rows = named["indicators"].select(*_INSTANCE).unique(maintain_order=True)
    instances = (
        pl.concat([projects, from_rows], how="diagonal_relaxed")
        .unique(_INSTANCE, keep="first", maintain_order=True)
        .with_row_index("_instance")
    )
    keys = instances.select("_instance", "_project", _unit=_unit_key(instances), year=pl.col("year").cast(pl.Int32))

    def instance_of(frame: pl.DataFrame) -> pl.Series:
        return frame.select(_INSTANCE).join(
            instances.select(*_INSTANCE, "_instance"), on=_INSTANCE, how="left", nulls_equal=True, maintain_order="left"
        )["_instance"]

    return keys, instance_of(named["indicators"]).gather(run), instance_of(named["projects"])


def _pairs(targets: pl.DataFrame, actuals: pl.DataFrame) -> pl.DataFrame:
    """``_instance`` → ``project_id`` of its target: the same unit, project name and year, the
    n-th project of that key on one side with the n-th on the other. A year missing on one side is
    the other side's where the unit's project has targets of one year only."""
    key = ["_unit", "_project"]
    target_years = targets.drop_nulls("year").group_by(key).agg(_only=pl.col("year").unique())
    actual_years = actuals.drop_nulls("year").group_by(key).agg(_only=pl.col("year").unique())

    def with_year(side: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
        only = other.filter(pl.col("_only").list.len() == 1).select(*key, _other=pl.col("_only").list.first())
        side = side.join(only, on=key, how="left", maintain_order="left")
        return side.with_columns(year=pl.coalesce("year", "_other")).drop("_other")

    full = [*key, "year"]
    sides = [with_year(targets, actual_years).drop_nulls("_unit"), with_year(actuals, target_years).drop_nulls("_unit")]
    rows = pl.concat(
        [side.select(full).with_row_index("_row").with_columns(_actual=pl.lit(i == 1)) for i, side in enumerate(sides)]
    )
    found = _paired(rows, numbered(rows, full))
    return pl.DataFrame(
        {
            "_instance": sides[1]["_instance"].gather(found["_row_actual"]),
            "project_id": sides[0]["project_id"].gather(found["_row"]),
        }
    )


def _ids(*columns: pl.Series) -> list[pl.Series]:
    """For each series of texts, one number per text compared without whitespace and punctuation,
    the same number on every side (worked out once per distinct text)."""
    distinct = pl.concat([c.rename("text").unique().to_frame() for c in columns]).unique()
    distinct = distinct.with_columns(_squashed=squashed("text"))
    numbers = distinct.select("_squashed").unique().with_row_index("_id")
    distinct = distinct.join(numbers, on="_squashed").select("text", "_id")
    return [
        c.rename("text")
        .to_frame()
        .join(distinct, on="text", how="left", nulls_equal=True, maintain_order="left")["_id"]
        for c in columns
    ]


def _one_key(rows: pl.DataFrame, columns: list[str]) -> pl.Series:
    """One number per row of ``rows``, equal where all ``columns`` (numbers from 0, no nulls) are:
    their bits side by side where they fit in 64, else the numbers of their groups. A sort on one
    number is several times faster than on several columns."""
    widths = [int(rows[c].max() or 0).bit_length() for c in columns]
    if sum(widths) > 64:
        return numbered(rows, columns).cast(pl.UInt64)
    key = pl.lit(0, pl.UInt64)
    for column, width in zip(columns, widths, strict=True):
        key = key * 2**width + pl.col(column).cast(pl.UInt64)
    return rows.select(key).to_series()


def _paired(rows: pl.DataFrame, key: pl.Series) -> pl.DataFrame:
    """``_row`` of a target and ``_row_actual``: the n-th target row (``_actual`` false) of each
    ``key`` in ``rows`` with the n-th actual row of that key, in the order of ``rows``.

    One stable sort by the key puts each key's targets before its actuals, both in order: the n-th
    actual of a key goes with the key's n-th row, where that is a target — no window, no join."""
    rows = rows.select("_row", "_actual", _key=key).sort("_key", maintain_order=True)
    at, actual = pl.int_range(pl.len(), dtype=pl.Int64), pl.col("_actual").cast(pl.Int64)
    actuals = actual.cum_sum()  # actual rows up to this one
    starts = pl.col("_key").ne_missing(pl.col("_key").shift(1)).fill_null(True)
    # the key's first row less the actuals before it, plus the actuals of the key up to this one
    partner = pl.when(starts).then(at - actuals + actual).forward_fill() + actuals - 1
    found = rows.select("_row", "_actual", _partner=partner).filter("_actual")
    found = found.filter(~rows["_actual"].gather(found["_partner"]))
    return pl.DataFrame({"_row": rows["_row"].gather(found["_partner"]), "_row_actual": found["_row"]})


def _matched_rows(targets: pl.DataFrame, actuals: pl.DataFrame) -> pl.Series:
    """For each target indicator row (``_project``: the number of its project, ``name``,
    ``target_raw``), the row of the actual indicator that goes with it (``_project`` of its
    target, ``name``, ``target_raw`` as the self-evaluation restates it), or null. Names compare
    without whitespace and punctuation; where a name repeats in a project, the rows whose targets
    read the same go together first, and the rest in order (the n-th with the n-th)."""
    names, texts = (_ids(targets[c], actuals[c]) for c in ("name", "target_raw"))
    rows = pl.concat(
        [
            pl.DataFrame({"_project": frame["_project"], "_name": names[i], "_text": texts[i]})
            .with_row_index("_row")
            .with_columns(_actual=pl.lit(i == 1))
            for i, frame in enumerate((targets, actuals))
        ]
    ).filter(pl.col("_project").is_not_null())
    first = _paired(rows, _one_key(rows, ["_project", "_name", "_text"]))
    row, actual = pl.col("_row"), pl.col("_actual")
    taken = (actual & row.is_in(first["_row_actual"].implode())) | (~actual & row.is_in(first["_row"].implode()))
    rest = rows.filter(~taken)
    found = pl.concat([first, _paired(rest, _one_key(rest, ["_project", "_name"]))])
    return (
        pl.repeat(None, targets.height, dtype=pl.UInt32, eager=True)
        .alias("_row_actual")
        .scatter(found["_row"], found["_row_actual"])
    )


def evaluate(actuals: Actuals, targets: TargetTables | None = None) -> Evaluation:
    """Join actuals to targets (or use the self-evaluation's own targets when ``targets`` is None)."""
    actual_fields = ["actual_raw", "band", "band_fraction", "weight_given", "self_score", "deviation_reason"]
    split = _column(actuals.indicators, "weight_split", pl.Boolean).fill_null(False).alias("weight_split")
    if targets is None:
        indicators = with_parsed_targets(
            actuals.indicators.with_columns(split), "target_raw", is_money_indicator(), timely=is_timely_indicator()
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
    target_projects = targets.projects.select(
        "project_id",
        "project_name",
        _unit=_unit_key(targets.projects),
        _project=squashed("project_name"),
        year=_column(targets.projects, "year", pl.Int32),
    )
    instances, instance_of_row, instance_of_project = _actual_instances(actuals)
    pairs = _pairs(target_projects.drop("project_name"), instances)
    numbers = target_projects.select("project_id", "project_name").with_row_index("_number")
    target_ind = targets.indicators.join(numbers, on="project_id", how="left", maintain_order="left")
    known = target_ind["project_name"].is_not_null()
    if not known.all():
        target_ind = target_ind.filter(known)
    # each actual indicator under the target project its own project goes with
    actual_project = (
        instance_of_row.to_frame("_instance")
        .join(pairs, on="_instance", how="left", maintain_order="left")
        .join(numbers.select("project_id", "_number"), on="project_id", how="left", maintain_order="left")["_number"]
    )
    matched = _matched_rows(
        target_ind.select("name", "target_raw", _project="_number"),
        actuals.indicators.select("name", "target_raw").with_columns(_project=actual_project),
    )
    target_ind = target_ind.drop("_number")
    actual_ind = actuals.indicators.select(
        "unit_code", *actual_fields, split,
        pl.col("target_raw").alias("selfeval_target_raw"), pl.col("source_file").alias("actual_source_file"),
        pl.col("source_ref").alias("actual_source_ref"), pl.col("name").alias("actual_name"),
    ).rechunk()  # fmt: skip
    # one chunk: on a frame of several (actuals of many files), polars 2.1 panics gathering its texts by row
    indicators = target_ind.hstack(actual_ind.drop("unit_code").select(pl.all().gather(matched)).get_columns())
    lost = ~pl.int_range(actual_ind.height, dtype=pl.UInt32, eager=True).is_in(matched.drop_nulls().implode())
    lost_indicators = actual_ind.filter(lost).select(
        "unit_code",
        kind=pl.lit("indicator"),
        source_file="actual_source_file",
        source_ref="actual_source_ref",
        text=pl.format("指标“{}”", "actual_name"),
    )
    actual_proj = actuals.projects.with_columns(_instance=instance_of_project).select(
        "_instance", "unit_code", "budget_initial", "budget_full", "executed", "execution_weight_given",
        "self_execution_score", "self_total", "goal_expected", "goal_actual", "selfeval_unfilled_rows",
        "selfeval_unreadable",
        pl.col("source_file").alias("actual_source_file"), pl.col("source_ref").alias("actual_source_ref"),
        pl.col("project_name").alias("actual_project_name"),
    ).unique("_instance", keep="first", maintain_order=True)  # fmt: skip
    projects = targets.projects.join(pairs, on="project_id", how="left", maintain_order="left").join(
        actual_proj.drop("unit_code"), on="_instance", how="left", maintain_order="left"
    )
    lost_projects = actual_proj.join(pairs, on="_instance", how="anti", maintain_order="left").select(
        "unit_code",
        kind=pl.lit("project"),
        source_file="actual_source_file",
        source_ref="actual_source_ref",
        text=pl.format("项目“{}”（单位{}）", "actual_project_name", "unit_code"),
    )
    unmatched = pl.concat([lost_projects, lost_indicators])
    return Evaluation(indicators, projects.drop("_instance"), unmatched)
