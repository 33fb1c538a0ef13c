"""相关性 (relevance), its second question as 财预〔2015〕88号 words it: are the indicators
细化、量化 — a number, a time limit or a rate where one is due, in a unit that measures the
indicator — and are they indicators of outputs and effects, not of the money put in."""

from __future__ import annotations

import polars as pl

from perfkit.checks.frames import is_cost
from perfkit.checks.registry import BASIS_MEASURABLE, BASIS_RELATED, any_of, found, rule, target_evidence
from perfkit.text import MONEY_UNITS, fold_width

_BASIS = BASIS_MEASURABLE
_BASIS_INPUT = f"{BASIS_RELATED}；绩效目标是产出和效果，财力、人力和物力等投入不能作为绩效目标"


def _has_digit(column: str) -> pl.Expr:
    """The cell holds a digit of any script (folded to ASCII first)."""
    return fold_width(pl.col(column)).str.contains("[0-9]").fill_null(False)


@rule(
    "vague_target", "应量化的指标为定性或笼统表述", "medium", "相关性", _BASIS,
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


@rule("slogan_benefit", "效益指标为口号式表述", "low", "相关性", _BASIS)
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


@rule("unit_mismatch", "计量单位与指标不符", "medium", "相关性", _BASIS)
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


@rule(
    "input_as_output", "以资金投入作为绩效指标", "medium", "相关性", _BASIS_INPUT,
    input_names=["资金到位率", "预算执行率", "资金执行率", "资金拨付率", "资金支付率", "资金支出率",
                 "经费到位率", "预算执行进度", "资金支出进度", "资金支付进度", "资金拨付进度"],
)  # fmt: skip
def input_as_output(tables, params):
    """An indicator that measures the money put in (预算执行率, 资金到位率 …): the execution rate is
    scored apart (10 of 100 points), and an input is not a result of the project."""
    # the few rows holding a name are picked by a literal multi-pattern scan before the regex reads them
    candidates = tables.indicators.filter(pl.col("name").str.contains_any(params["input_names"] or [""]))
    rows = candidates.with_columns(_input=pl.col("name").str.extract(any_of(params["input_names"]))).filter(
        pl.col("_input").is_not_null()
    )
    return found(
        rows,
        pl.format(
            "{}“{}”衡量的是资金投入（{}），不是产出或效果：投入不能作为绩效目标，预算执行率另行评价",
            pl.col("level1").fill_null("指标"),  # a list without levels names no group
            "name",
            "_input",
        ),
        pl.format(
            "{}/{}：{}；指标值：{}",
            pl.col("level1").fill_null(""),
            pl.col("level2").fill_null(""),
            "name",
            pl.col("target_raw").fill_null(""),
        ),
    )
