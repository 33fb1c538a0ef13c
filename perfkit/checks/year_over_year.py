"""异常分析 (anomaly analysis): the same project year over year.

When targets of several years are loaded (the ``year`` column), each project is matched with the
project of the unit's previous loaded year that has the same name once years are taken out
(``2025年妇女健身项目`` ↔ ``2024年妇女健身项目``), and its indicators by name (years taken out,
the n-th of equal names with the n-th). Four things are flagged: a quantity target unchanged
while the budget grew, a target lowered (or a ceiling raised), an indicator dropped, a new
project. A unit loaded for one year only has nothing to compare and is not reported.

>>> pl.select(normalised_name(pl.lit("2025年度妇女健身项目（2025）"))).item()
'妇女健身项目'
"""

from __future__ import annotations

import polars as pl

from perfkit.checks.frames import is_cost
from perfkit.checks.registry import BASIS_APPROPRIATE, found, rule
from perfkit.load import TargetTables
from perfkit.targets import DEADLINE

_BASIS = f"{BASIS_APPROPRIATE}；指标值应与预算规模相匹配，不得无故降低或删减，与上年度目标比较"
_LOWER_BOUND = [">=", ">", "="]


def normalised_name(name: pl.Expr) -> pl.Expr:
    """A project or indicator name without years (2025年, 2025年度, 2025) and punctuation."""
    squashed_name = name.fill_null("").str.replace_all(r"[\s\p{P}\p{S}]", "")
    return squashed_name.str.replace_all(r"(?:19|20)[0-9]{2}(?:年度|年)?", "")


def matched_projects(tables: TargetTables) -> pl.DataFrame:
    """Each project of a unit's later year with its previous loaded year and the matching project there.

    Columns: ``project_id, unit_code, year, project_name, budget_total, prev_year`` and
    ``prev_project_id, prev_project_name, prev_budget_total`` (null for a new project). Units
    with one year are left out; of two projects with the same normalised name the first is used.
    """
    projects = tables.projects.with_columns(key=normalised_name(pl.col("project_name")))
    years = projects.select("unit_code", "year").unique().sort("unit_code", "year")
    years = years.with_columns(prev_year=pl.col("year").shift(1).over("unit_code"))
    current = projects.join(years, on=["unit_code", "year"]).filter(pl.col("prev_year").is_not_null())
    previous = projects.unique(["unit_code", "year", "key"], keep="first", maintain_order=True).select(
        "unit_code",
        pl.col("year").alias("prev_year"),
        "key",
        pl.col("project_id").alias("prev_project_id"),
        pl.col("project_name").alias("prev_project_name"),
        pl.col("budget_total").alias("prev_budget_total"),
    )
    return current.join(previous, on=["unit_code", "prev_year", "key"], how="left", maintain_order="left").select(
        "project_id", "unit_code", "year", "project_name", "budget_total", "prev_year",
        "prev_project_id", "prev_project_name", "prev_budget_total",
    )  # fmt: skip


def _keyed(indicators: pl.DataFrame) -> pl.DataFrame:
    return indicators.with_columns(key=normalised_name(pl.col("name"))).with_columns(
        nth=pl.int_range(pl.len()).over("project_id", "key")
    )


_MATCHED: list = []  # (indicators frame, its matches): the four rules of one run share one computation


def matched_indicators(tables: TargetTables) -> pl.DataFrame:
    """Indicators of matched projects side by side: this year's (``seq`` …) and last year's (``prev_`` …).

    An outer match: a row with a null ``seq`` is an indicator dropped this year, one with a null
    ``prev_seq`` is new. Columns of each side: ``seq, level1, level2, name, target_raw, target_op,
    target_value, target_unit, target_kind``; and the projects' columns of :func:`matched_projects`.
    """
    if _MATCHED and _MATCHED[0][0] is tables.indicators and _MATCHED[0][1] is tables.projects:
        return _MATCHED[0][2]
    pairs = matched_projects(tables).filter(pl.col("prev_project_id").is_not_null())
    columns = [
        "seq", "level1", "level2", "name", "target_raw", "target_op", "target_value", "target_unit", "target_kind",
    ]  # fmt: skip
    # only matched projects' indicators are keyed (names normalised): none when one year is loaded
    matched = pl.concat([pairs["project_id"], pairs["prev_project_id"]])
    indicators = _keyed(tables.indicators.filter(pl.col("project_id").is_in(matched.implode())))
    current = indicators.select("project_id", "key", "nth", *columns).join(pairs, on="project_id")
    previous = indicators.select(
        pl.col("project_id").alias("prev_project_id"), "key", "nth", *[pl.col(c).alias(f"prev_{c}") for c in columns]
    ).join(pairs, on="prev_project_id")
    joined = current.join(
        previous, on=["prev_project_id", "key", "nth"], how="full", coalesce=True, suffix="_p", maintain_order="left"
    )
    for column in pairs.columns:  # the project's columns, from whichever side the row came
        if f"{column}_p" in joined.columns:
            joined = joined.with_columns(pl.coalesce(column, f"{column}_p")).drop(f"{column}_p")
    _MATCHED[:] = [(tables.indicators, tables.projects, joined.drop("key", "nth"))]
    return _MATCHED[0][2]


def _comparable() -> pl.Expr:
    return (
        pl.col("seq").is_not_null()
        & pl.col("prev_seq").is_not_null()
        & pl.col("target_value").is_not_null()
        & pl.col("prev_target_value").is_not_null()
        & (pl.col("target_unit").fill_null("") == pl.col("prev_target_unit").fill_null(""))
        & (pl.col("target_op").fill_null("=") == pl.col("prev_target_op").fill_null("="))
    )


@rule(
    "yoy_unchanged_target", "预算增加而数量指标值未变", "medium", "异常分析", _BASIS,
    min_budget_growth=0.1, level2_pattern="数量",
)  # fmt: skip
def yoy_unchanged_target(tables, params):
    rows = matched_indicators(tables).filter(
        _comparable()
        & (pl.col("target_value") == pl.col("prev_target_value"))
        & pl.col("level2").str.contains(params["level2_pattern"]).fill_null(False)
        & (pl.col("budget_total") >= pl.col("prev_budget_total") * (1 + params["min_budget_growth"]))
        & (pl.col("prev_budget_total") > 0)
    )
    growth = (pl.col("budget_total") / pl.col("prev_budget_total") - 1) * 100
    return found(
        rows,
        pl.format(
            "预算由{}年的{}万元增至{}万元（增长{}%），指标“{}”的指标值仍为“{}”：产出应随投入相应提高，或说明理由",
            "prev_year",
            "prev_budget_total",
            "budget_total",
            growth.round(1),
            "name",
            "target_raw",
        ),
        pl.format(
            "{}年：{}，预算{}万元；{}年：{}，预算{}万元",
            "prev_year",
            "prev_target_raw",
            "prev_budget_total",
            "year",
            "target_raw",
            "budget_total",
        ),
    )


@rule("yoy_target_lowered", "指标值较上年降低", "medium", "异常分析", _BASIS)
def yoy_target_lowered(tables, params):
    lower_bound = pl.col("target_op").fill_null("=").is_in(_LOWER_BOUND)
    # a deadline with its year (2024年全年 → 20241231) moves with the budget year: last year's date a
    # year on is the same target (2025年全年), not a looser one
    dated = (pl.col("target_kind") == DEADLINE) & (pl.col("target_value") >= 1e7) & (pl.col("prev_target_value") >= 1e7)
    shift = pl.when(dated.fill_null(False)).then((pl.col("year") - pl.col("prev_year")) * 10000).otherwise(0)
    previous = pl.col("prev_target_value") + shift
    lowered = lower_bound & (pl.col("target_value") < previous)
    loosened = ~lower_bound & (pl.col("target_value") > previous)
    # cost ceilings follow the budget: a higher one is not a weaker target
    rows = matched_indicators(tables).filter(_comparable() & (lowered | loosened) & ~is_cost())
    how = pl.when(lower_bound).then(pl.lit("下调")).otherwise(pl.lit("放宽（上限提高）"))
    return found(
        rows,
        pl.format(
            "指标“{}”的指标值由{}年的“{}”{}为“{}”：目标较上年降低，请说明理由",
            "name",
            "prev_year",
            "prev_target_raw",
            how,
            "target_raw",
        ),
        pl.format("{}年：{}；{}年：{}", "prev_year", "prev_target_raw", "year", "target_raw"),
    )


@rule("yoy_indicator_dropped", "上年指标本年未再设置", "medium", "异常分析", _BASIS)
def yoy_indicator_dropped(tables, params):
    rows = matched_indicators(tables).filter(pl.col("seq").is_null())
    return found(
        rows,
        pl.format(
            "{}年的指标“{}”（{}，指标值“{}”）本年未再设置：请核实是否删减了难以完成的目标",
            "prev_year",
            "prev_name",
            pl.col("prev_level2").fill_null(""),
            pl.col("prev_target_raw").fill_null(""),
        ),
        pl.format("{}年项目“{}”第{}条：{}", "prev_year", "prev_project_name", "prev_seq", "prev_name"),
        seq=pl.lit(None),
    )


@rule("yoy_new_project", "新增项目（上年无对应项目）", "low", "异常分析", _BASIS)
def yoy_new_project(tables, params):
    rows = matched_projects(tables).filter(pl.col("prev_project_id").is_null())
    return found(
        rows,
        pl.format(
            "项目“{}”在{}年没有同名项目：新增项目，请关注立项依据与绩效目标的合理性", "project_name", "prev_year"
        ),
        pl.format("预算数：{}万元；对比年度：{}", "budget_total", "prev_year"),
        seq=pl.lit(None),
    )
