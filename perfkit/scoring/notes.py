"""The Chinese ``note`` of every indicator score: what was compared, and how it was scored or why not."""

from __future__ import annotations

import polars as pl

from perfkit.scoring.params import BANDS, ScoringParams
from perfkit.targets import DEADLINE, RANGE
from perfkit.text import OP_SYMBOLS

# why an indicator is left unjudged (the ``_reason`` code of :mod:`perfkit.scoring.indicators`)
_UNJUDGED = {
    "no_actual": "无法评分：没有实际完成值",
    "contradictory": "无法评分：指标值“{t}”的比较符与“以上/以下”自相矛盾，需人工确认指标值",
    "no_band": "无法评分：定性完成情况“{a}”不是评价档次（" + "/".join(BANDS) + "）或其同义写法，需人工判断",
    "not_number": "无法评分：实际完成值“{a}”不是数值",
    "not_date": "无法评分：时限指标“{t}”的完成值“{a}”不是日期（如12月、2025年11月），需人工判断",
    "unit": "无法评分：完成值“{a}”与指标值“{t}”的单位不可比",
}


def _plain_number(value: pl.Expr) -> pl.Expr:
    return value.round(6).cast(pl.String).str.replace(r"\.0$", "")


def note(params: ScoringParams) -> pl.Expr:
    """One note per indicator; never null (an unjudged indicator always says why)."""
    a_raw, t_raw = pl.col("actual_raw").fill_null(""), pl.col("target_raw").fill_null("")
    target = pl.concat_str(_plain_number(pl.col("target_value")), pl.col("target_unit").fill_null(""))
    symbol = pl.col("_op").replace_strict(OP_SYMBOLS, default="")
    pct = (pl.col("achievement") * 100).round(1).cast(pl.String).fill_null("")
    deduction = _plain_number(pl.lit(params.strict_boundary_deduction * 100))
    status, kind, reason = pl.col("status"), pl.col("target_kind"), pl.col("_reason")
    t, a = pl.col("target_value"), pl.col("_a")
    unjudged = pl.when(reason == "group").then(
        pl.format(
            "无法评分：一级指标“{}”不是产出、效益、满意度或成本指标，无法确定权重", pl.col("level1").fill_null("")
        )
    )
    for code, text in _UNJUDGED.items():
        template = text.replace("{a}", "{}").replace("{t}", "{}")
        written = pl.format(template, *_ordered(text, a_raw, t_raw)) if "{}" in template else pl.lit(text)
        unjudged = unjudged.when(reason == code).then(written)
    judged = (
        pl.when(pl.col("band").is_not_null())
        .then(pl.format("定性：{}，按{}%得分", "band", pct))
        .when((kind == DEADLINE) & (status == "met"))
        .then(pl.format("完成时间{}在时限{}之内，满分", a_raw, t_raw))
        .when(kind == DEADLINE)
        .then(pl.format("逾期：完成时间{}晚于时限{}，按{}%得分", a_raw, t_raw, pct))
        .when((kind == RANGE) & (status == "met"))
        .then(pl.format("完成值{}在指标值区间{}之内，满分", a_raw, t_raw))
        .when(kind == RANGE)
        .then(pl.format("完成值{}在指标值区间{}之外，按与较近端点的比例{}%得分", a_raw, t_raw, pct))
        .when((status != "met") & (status != "over") & (t == 0))
        .then(pl.format("指标值{}是零上限，完成值{}大于零：未达成，不能按比例计分，得0分", t_raw, a_raw))
        .when((status != "met") & (status != "over") & ((t < 0) | (a < 0)))
        .then(pl.format("完成值{}未满足指标值{}：指标值或完成值为负数，不能按比例计分，得0分", a_raw, t_raw))
        .when(pl.col("_op").is_in([">", "<"]) & (a == t))
        .then(
            pl.format(
                "完成值{}等于指标值{}的边界，未满足严格比较（{}），扣减{}%，按{}%得分",
                a_raw,
                t_raw,
                symbol,
                deduction,
                pct,
            )
        )
        .when(pl.col("target_op").is_null() & (status == "met"))
        .then(pl.format("完成值{}达到指标值{}（无比较符，按{}处理），满分", a_raw, t_raw, symbol))
        .when(status == "over")
        .then(
            pl.format(
                "完成值{}达到指标值{}的{}倍以上，需复核指标值是否偏低",
                a_raw,
                t_raw,
                pl.lit(params.over_achievement_ratio),
            )
        )
        .when(status == "met")
        .then(pl.format("完成值{}{}指标值{}，满分", a_raw, symbol, target))
        .when(status == "equal_missed")
        .then(pl.format("完成值{}不等于指标值{}，按{}%得分", a_raw, t_raw, pct))
        .when(pl.col("_op").is_in(["<=", "<"]))
        .then(pl.format("超出上限：{} > {}，按比例{}%得分", a_raw, target, pct))
        .otherwise(pl.format("完成值{}未达指标值{}，按完成比例{}%得分", a_raw, t_raw, pct))
    )
    return pl.coalesce(
        unjudged, pl.when(status != "unjudged").then(judged), pl.lit("无法评分：原因未能归类，需人工判断")
    )


def _ordered(text: str, a_raw: pl.Expr, t_raw: pl.Expr) -> list[pl.Expr]:
    """The arguments for the ``{a}``/``{t}`` places of ``text`` in the order they appear."""
    places = sorted((text.index(p), expr) for p, expr in (("{a}", a_raw), ("{t}", t_raw)) if p in text)
    return [expr for _, expr in places]
