"""可行性 (feasibility): targets that can be measured and judged at the end of the year."""

from __future__ import annotations

import polars as pl

from perfkit.checks.frames import is_cost
from perfkit.checks.registry import found, rule, target_evidence
from perfkit.text import MONEY_UNITS, fold_width

_BASIS = "《项目支出绩效评价管理办法》（财预〔2020〕10号）绩效目标审核：可行性（指标应细化、量化，可衡量）"


def _has_digit(column: str) -> pl.Expr:
    """The cell holds a digit of any script (folded to ASCII first)."""
    return fold_width(pl.col(column)).str.contains("[0-9]").fill_null(False)


@rule(
    "vague_target", "应量化的指标为定性或笼统表述", "medium", "可行性", _BASIS,
    groups=["产出指标", "成本指标", "满意度指标"],
)  # fmt: skip
def vague_target(tables, params):
    # 按时完成 in a 时效指标 reads as the year's end, but it names no time limit
    unstated_deadline = (pl.col("target_kind") == "deadline") & ~_has_digit("target_raw")
    vague = (pl.col("target_kind") == "qualitative") | unstated_deadline
    # the kind and group pick the few candidate rows first; the text is folded for those only
    candidates = pl.col("level1").is_in(params["groups"]) & pl.col("target_kind").is_in(["qualitative", "deadline"])
    rows = tables.indicators.filter(candidates).filter(vague)
    return found(
        rows,
        pl.format("{}“{}”的指标值“{}”是定性或笼统表述：应给出可衡量的数值、时限或比率", "level1", "name", "target_raw"),
        target_evidence(),
    )


@rule("slogan_benefit", "效益指标为口号式表述", "low", "可行性", _BASIS)
def slogan_benefit(tables, params):
    rows = tables.indicators.filter((pl.col("level1") == "效益指标") & (pl.col("target_kind") == "qualitative")).filter(
        ~_has_digit("target_raw")
    )
    return found(
        rows,
        pl.format(
            "效益指标“{}”的指标值是口号式表述“{}”：应写明可检验的效益（数量、比率或对比基数）", "name", "target_raw"
        ),
        target_evidence(),
    )


@rule("output_capped", "数量指标设置上限", "medium", "可行性", _BASIS)
def output_capped(tables, params):
    rows = tables.indicators.filter((pl.col("level2") == "数量指标") & pl.col("target_op").is_in(["<=", "<"]))
    return found(
        rows,
        pl.format("数量指标“{}”的指标值“{}”是上限：产出数量应设下限（≥）或定值（=）", "name", "target_raw"),
        target_evidence(),
    )


@rule("bare_wan", "金额单位只写“万”", "low", "可行性", _BASIS)
def bare_wan(tables, params):
    rows = tables.indicators.filter(pl.col("target_unit").str.starts_with("万元").fill_null(False)).filter(
        fold_width(pl.col("target_raw")).str.contains(r"[0-9]\s*万\s*(?:/|$)")
    )
    return found(
        rows,
        pl.format("指标值“{}”的金额单位只写了“万”：应写“万元”", "target_raw"),
        target_evidence(),
    )


@rule("unit_mismatch", "计量单位与指标不符", "medium", "可行性", _BASIS)
def unit_mismatch(tables, params):
    money = pl.col("target_unit").str.contains("元").fill_null(False)
    cost_wrong = is_cost() & ~money
    satisfaction_wrong = (pl.col("level1") == "满意度指标") & (pl.col("target_unit") != "%")
    rows = tables.indicators.filter(
        (pl.col("target_kind") == "quantitative")
        & pl.col("target_unit").is_not_null()
        & (cost_wrong | satisfaction_wrong)
    ).with_columns(expected=pl.when(cost_wrong).then(pl.lit("、".join(MONEY_UNITS))).otherwise(pl.lit("%")))
    return found(
        rows,
        pl.format("{}“{}”的单位“{}”与指标不符：应为{}", "level2", "name", "target_unit", "expected"),
        target_evidence(),
    )
