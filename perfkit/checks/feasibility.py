"""可行性 (feasibility), as 财预〔2015〕88号 words it: targets argued and reckoned soundly (合理测算),
that can be reached in the year (如期实现)."""

from __future__ import annotations

import polars as pl

from perfkit.checks.registry import BASIS_FEASIBLE, any_of, found, rule, target_evidence

_BASIS = BASIS_FEASIBLE


@rule("output_capped", "数量指标设置上限", "medium", "可行性", _BASIS)
def output_capped(tables, params):
    rows = tables.indicators.filter((pl.col("level2") == "数量指标") & pl.col("target_op").is_in(["<=", "<"]))
    return found(
        rows,
        pl.format("数量指标“{}”的指标值“{}”是上限：产出数量应设下限（≥）或定值（=）", "name", "target_raw"),
        target_evidence(),
    )


@rule(
    "rate_above_bound", "比率指标值超过100%", "medium", "可行性", _BASIS, rate_bound=100.0,
    exempt_words=["增长", "增幅", "增加", "提高", "提升", "同比", "环比", "超"],
)  # fmt: skip
def rate_above_bound(tables, params):
    """A rate that must reach more than ``rate_bound`` % (合格率 ≥105%) cannot be reached; a growth
    (增长率 ≥150%) may exceed 100% and is left alone, as is a ceiling above 100% (≤105%)."""
    exempt = any_of(params["exempt_words"])
    rows = tables.indicators.filter(
        (pl.col("target_unit") == "%")
        & pl.col("target_op").is_in([">=", ">", "="])
        & (pl.col("target_value") > params["rate_bound"])
        & ~pl.col("name").str.contains(exempt).fill_null(False)
    )
    return found(
        rows,
        pl.format(
            "比率指标“{}”的指标值“{}”超过{}%：比率不能超过{}%，无法如期实现",
            "name",
            "target_raw",
            pl.lit(_number(params["rate_bound"])),
            pl.lit(_number(params["rate_bound"])),
        ),
        target_evidence(),
    )


@rule("deadline_after_year", "完成时限晚于预算年度", "medium", "可行性", _BASIS)
def deadline_after_year(tables, params):
    """A deadline written with its year (value YYYYMMDD) that falls after the project's budget year:
    the annual target cannot be met within the year it is set for."""
    years = tables.projects.select("project_id", pl.col("year").cast(pl.Int64, strict=False).alias("_year"))
    rows = (
        tables.indicators.filter((pl.col("target_kind") == "deadline") & (pl.col("target_value") >= 1e7))
        .join(years, on="project_id", how="left", maintain_order="left")
        .with_columns(_deadline_year=(pl.col("target_value") // 10_000).cast(pl.Int64))
        .filter(pl.col("_deadline_year") > pl.col("_year"))
    )
    return found(
        rows,
        pl.format(
            "时效指标“{}”的完成时限“{}”在{}年，晚于预算年度{}年：年度目标应在本年度内完成",
            "name",
            "target_raw",
            "_deadline_year",
            "_year",
        ),
        pl.format("指标值：{}；预算年度：{}", "target_raw", "_year"),
    )


def _number(value: float) -> str:
    """100.0 → ``100``, 99.5 → ``99.5``."""
    return f"{value:g}"
