"""Score each indicator's completion against its target (财预〔2020〕10号): weight, achievement
(0..1), score and a Chinese ``note``, vectorised over all indicators of all projects.

An indicator that cannot be judged (no actual, an actual in an incompatible unit, a qualitative
actual without a band) gets a null score and a note saying why — never a silent zero — and its
project's total (:mod:`perfkit.scoring.projects`) stays empty until it is judged.
"""

from __future__ import annotations

import polars as pl

from perfkit.scoring.params import ScoringParams
from perfkit.targets import with_parsed_targets
from perfkit.text import MONEY_TO_YUAN, OP_SYMBOLS, UNIT_CLASSES

GROUP_OF_LEVEL1 = {"产出指标": "产出指标", "成本指标": "产出指标", "效益指标": "效益指标", "满意度指标": "满意度指标"}
INDICATOR_SCORE_COLUMNS = [
    "project_id", "seq", "weight", "actual_raw", "actual_value", "achievement", "score", "self_score", "score_diff",
    "note",
]  # fmt: skip


def _weights(frame: pl.DataFrame, params: ScoringParams) -> pl.Expr:
    """Each indicator's weight: the self-evaluation's 分值 where given, else an equal share."""
    base = pl.col("group").replace_strict(params.group_weights, default=0.0, return_dtype=pl.Float64)
    present_total = base.filter(pl.col("_first_in_group")).sum().over("project_id")
    all_groups = sum(params.group_weights.values())
    group_weight = base * all_groups / present_total if params.redistribute_missing_groups else base
    given = pl.col("weight_given")
    missing = given.is_null().sum().over("project_id", "group")
    rest = (group_weight - given.fill_null(0).sum().over("project_id", "group")) / missing
    return pl.coalesce(given, rest)


def _actual_in_target_unit() -> pl.Expr:
    """The actual value converted into the target's unit; null when the units do not compare."""
    t, a = pl.col("target_unit"), pl.col("actual_unit")
    counted = {unit: kind for unit, kind in UNIT_CLASSES.items() if kind != "money"}
    same_class = t.replace_strict(counted, default=None) == a.replace_strict(counted, default=None)
    money = t.is_in(list(MONEY_TO_YUAN)) & a.is_in(list(MONEY_TO_YUAN))
    factor = (
        pl.when(a.is_null() | (a == t) | same_class.fill_null(False))
        .then(1.0)
        .when(money)
        .then(a.replace_strict(MONEY_TO_YUAN, default=None) / t.replace_strict(MONEY_TO_YUAN, default=None))
    )
    return pl.col("actual_value") * factor


def _band_fraction(params: ScoringParams) -> tuple[pl.Expr, pl.Expr]:
    """(band, fraction) of a qualitative actual: an explicit band, or read from 达成/部分达成/未达成."""
    text = pl.col("actual_raw").fill_null("").str.replace_all(r"\s", "")
    band = pl.coalesce(
        pl.col("band"),
        pl.when(text.str.starts_with("未达成") | text.str.starts_with("未完成")).then(pl.lit("未达成且效果较差")),
        pl.when(text.str.starts_with("部分")).then(pl.lit("部分达成并具有一定效果")),
        pl.when(text.str.contains(r"^(?:已?达成|已?完成|已?实现|按时完成|全部完成)")).then(pl.lit("达成年度指标")),
    )
    default = band.replace_strict({k: v[2] for k, v in params.qualitative_bands.items()}, default=None)
    return band, pl.coalesce(pl.col("band_fraction"), default)


def score_indicators(evaluation: pl.DataFrame, params: ScoringParams | None = None) -> pl.DataFrame:
    """Score each indicator of ``evaluation`` (targets, actuals and any self-evaluation columns).

    Returns the ``indicator_scores`` contract columns plus ``unit_code``, ``level1``, ``name``,
    ``target_raw``, ``status`` (met / missed / over / equal_missed / unjudged), ``band`` and
    ``actual_ratio``. Does not mutate ``evaluation``.
    """
    params = params or ScoringParams()
    frame = with_parsed_targets(evaluation, "actual_raw", money=True, prefix="actual_").with_columns(
        group=pl.col("level1").replace_strict(GROUP_OF_LEVEL1, default=None)
    )
    frame = frame.with_columns(_first_in_group=pl.int_range(pl.len()).over("project_id", "group") == 0)
    frame = frame.with_columns(weight=_weights(frame, params), _a=_actual_in_target_unit())
    band, fraction = _band_fraction(params)
    t, a = pl.col("target_value"), pl.col("_a")
    op = pl.coalesce(pl.col("target_op"), pl.lit(params.no_comparator_as))
    quantitative = pl.col("target_kind") == "quantitative"
    lower, upper, equal = op.is_in([">=", ">"]), op.is_in(["<=", "<"]), op == "="
    ratio = pl.when(t != 0).then(a / t)
    met = (
        pl.when(op == ">").then(a > t).when(op == ">=").then(a >= t)
        .when(op == "<").then(a < t).when(op == "<=").then(a <= t)
        .otherwise(a == t)
    )  # fmt: skip
    over = (lower | equal) & (ratio >= params.over_achievement_ratio)
    # exceeded upper bound: target / actual, or a linear fall to zero at twice the target
    upper_missed = pl.when(a != 0).then(t / a) if params.upper_bound_method == "ratio" else 1 - (a - t) / t
    quantitative_achievement = (
        pl.when(a.is_null()).then(None)
        .when(over & pl.lit(params.deduct_over_achievement)).then(1 - (ratio - 1))
        .when(met | (equal & (ratio > 1))).then(1.0)
        .when(upper).then(upper_missed)
        .otherwise(ratio)
    ).clip(0.0, 1.0)  # fmt: skip
    achievement = pl.when(quantitative).then(quantitative_achievement).otherwise(fraction)
    frame = frame.with_columns(
        band=pl.when(~quantitative).then(band),
        achievement=achievement,
        actual_ratio=pl.when(quantitative).then(ratio),
        status=pl.when(achievement.is_null())
        .then(pl.lit("unjudged"))
        .when(quantitative & over)
        .then(pl.lit("over"))
        .when(quantitative & equal & ~met)
        .then(pl.lit("equal_missed"))
        .when(quantitative & ~met)
        .then(pl.lit("missed"))
        .when(quantitative)
        .then(pl.lit("met"))
        .when(achievement >= 1.0)
        .then(pl.lit("met"))
        .otherwise(pl.lit("missed")),
    )
    frame = frame.with_columns(score=(pl.col("weight") * pl.col("achievement")).round(4))
    frame = frame.with_columns(
        score_diff=(pl.col("self_score") - pl.col("score")).round(4),
        note=_note(params),
    )
    extras = ["unit_code", "level1", "name", "target_raw", "status", "band", "actual_ratio"]
    return frame.select(*INDICATOR_SCORE_COLUMNS, *extras)


def _plain_number(value: pl.Expr) -> pl.Expr:
    return value.round(6).cast(pl.String).str.replace(r"\.0$", "")


def _note(params: ScoringParams) -> pl.Expr:
    a_raw, t_raw = pl.col("actual_raw").fill_null(""), pl.col("target_raw").fill_null("")
    target = pl.concat_str(_plain_number(pl.col("target_value")), pl.col("target_unit").fill_null(""))
    symbol = pl.coalesce(pl.col("target_op"), pl.lit(params.no_comparator_as)).replace_strict(OP_SYMBOLS, default="")
    pct = (pl.col("achievement") * 100).round(1).cast(pl.String)
    status = pl.col("status")
    quantitative = pl.col("target_kind") == "quantitative"
    upper = pl.col("target_op").is_in(["<=", "<"])
    return (
        pl.when(pl.col("actual_raw").is_null())
        .then(pl.lit("无法评分：没有实际完成值"))
        .when(quantitative & pl.col("actual_value").is_null())
        .then(pl.format("无法评分：实际完成值“{}”不是数值", a_raw))
        .when(quantitative & pl.col("_a").is_null())
        .then(pl.format("无法评分：完成值“{}”与指标值“{}”的单位不可比", a_raw, t_raw))
        .when(~quantitative & pl.col("achievement").is_null())
        .then(pl.format("无法评分：定性指标的完成情况“{}”无法判定档次（达成/部分达成/未达成）", a_raw))
        .when(~quantitative)
        .then(pl.format("定性：{}，按{}%得分", "band", pct))
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
        .when(upper)
        .then(pl.format("超出上限：{} > {}，按比例{}%得分", a_raw, target, pct))
        .otherwise(pl.format("完成值{}未达指标值{}，按完成比例{}%得分", a_raw, t_raw, pct))
    )
