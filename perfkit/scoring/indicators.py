"""Score each indicator's completion against its target (财预〔2020〕10号): weight, achievement
(0..1), score and a Chinese ``note``, vectorised over all indicators of all projects.

An indicator that cannot be judged (no actual, an actual in an incompatible unit, a qualitative
actual that states no band, an unknown 一级指标, a contradictory target) gets a null score and a
note saying why — never a silent zero — and its project's total (:mod:`perfkit.scoring.projects`)
stays empty until it is judged. docs/domain.md has the table of written forms and their scoring.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from perfkit.scoring.notes import with_notes
from perfkit.scoring.numbering import numbered, whole_slices
from perfkit.scoring.params import ScoringParams
from perfkit.scoring.statements import claim_columns, completion_rate, parsed_actuals
from perfkit.targets import (
    CONTRADICTORY,
    DEADLINE,
    NUMERIC_KINDS,
    QUALITATIVE,
    RANGE,
    is_money_indicator,
)
from perfkit.text import MONEY_TO_YUAN, MONEY_UNITS, UNIT_CLASSES

# 效果指标: the benefit group as some provinces (河北) name it
GROUP_OF_LEVEL1 = {
    "产出指标": "产出指标", "成本指标": "产出指标", "效益指标": "效益指标", "效果指标": "效益指标", "满意度指标": "满意度指标",
}  # fmt: skip
INDICATOR_SCORE_COLUMNS = [
    "project_id", "seq", "weight", "actual_raw", "actual_value", "achievement", "score", "self_score", "score_diff",
    "note",
]  # fmt: skip
INDICATOR_EXTRA_COLUMNS = [
    "unit_code", "level1", "name", "target_raw", "status", "band", "actual_ratio", "group_weight", "weight_given_sum",
]  # fmt: skip
# indicators are scored in slices of whole projects of about this many rows: the working columns
# of a slice stay small (memory), and the result is the same as in one piece
SLICE_INDICATORS = 100_000


def _weights(params: ScoringParams) -> list[dict[str, pl.Expr]]:
    """``group_weight`` (after redistribution), ``weight_given_sum`` and each indicator's ``weight``:
    the self-evaluation's 分值 where given, else an equal share of what the group has left (never
    below zero); null for a level-1 group that is not known. Two stages: the windows sum plain
    columns (an expression inside a window is worked out group by group)."""
    base, given = pl.col("_w_base"), pl.col("weight_given")
    all_groups = sum(params.group_weights.values())
    present_total = pl.col("_w_present_total")
    group_weight = base * all_groups / present_total if params.redistribute_missing_groups else base
    rest = ((group_weight - pl.col("weight_given_sum")) / pl.col("_w_missing")).clip(lower_bound=0.0)
    return [
        {
            "_w_base": pl.col("group").replace_strict(params.group_weights, default=None, return_dtype=pl.Float64),
            "_w_first": pl.col("_group_no").is_first_distinct(),
            "_w_given": given.fill_null(0),
            "_w_unweighted": given.is_null(),
        },
        {
            "_w_present_total": pl.when(pl.col("_w_first")).then(base).sum().over("_project_no"),
            "weight_given_sum": pl.col("_w_given").sum().over("_group_no"),
            "_w_missing": pl.col("_w_unweighted").sum().over("_group_no"),
        },
        {
            "group_weight": group_weight,
            "weight": pl.when(pl.col("group").is_not_null()).then(pl.coalesce(given, rest)),
        },
    ]


def _actual_in_target_unit() -> pl.Expr:
    """The actual value converted into the target's unit; null when the units do not compare."""
    t, a = pl.col("target_unit"), pl.col("actual_unit")
    counted = {unit: kind for unit, kind in UNIT_CLASSES.items() if kind != "money"}
    same_class = t.replace_strict(counted, default=None) == a.replace_strict(counted, default=None)
    money = t.is_in(list(MONEY_TO_YUAN)) & a.is_in(list(MONEY_TO_YUAN))
    factor = (
        # a target written without a unit (零事故, ≥26) takes the actual's
        pl.when(a.is_null() | t.is_null() | (a == t) | same_class.fill_null(False))
        .then(1.0)
        .when(money)
        .then(a.replace_strict(MONEY_TO_YUAN, default=None) / t.replace_strict(MONEY_TO_YUAN, default=None))
    )
    return pl.col("actual_value") * factor


def _band_fraction(params: ScoringParams) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(band, fraction, rate) of a qualitative actual: an explicit band; else the band of the
    completion rate the text states (``完成（完成率60%）``: 60%, the middle band), scored at that
    rate; else the actual's leading clause when it is a band label or one of
    ``params.qualitative_synonyms`` — never a prefix match. The fraction reads the band from the
    column ``_s_band`` and the rate from ``_s_rate``.

    The text is read only where a band can decide the score (see ``_by_band``): elsewhere the
    regex passes would be wasted on every numeric actual."""
    kind = pl.col("target_kind")
    may_use_band = ~kind.is_in(NUMERIC_KINDS) | ((kind == DEADLINE) & pl.col("actual_kind").is_in([QUALITATIVE]))
    text = pl.when(may_use_band.fill_null(True)).then(pl.col("actual_raw").fill_null("")).str.replace_all(r"\s", "")
    clause = text.str.extract(r"^([^，,；;。：:（(！!]*)")
    synonyms = {**{band: band for band in params.qualitative_bands}, **params.qualitative_synonyms}
    rate = pl.when(pl.col("band").is_null()).then(completion_rate(text))
    by_low = sorted(params.qualitative_bands.items(), key=lambda item: item[1][0], reverse=True)
    band_of_rate = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for name, (low, _, _) in by_low:
        band_of_rate = band_of_rate.when(pl.col("_s_rate") >= low).then(pl.lit(name))
    band = pl.coalesce(pl.col("band"), band_of_rate, clause.replace_strict(synonyms, default=None))
    default = pl.col("_s_band").replace_strict({k: v[2] for k, v in params.qualitative_bands.items()}, default=None)
    fraction = pl.coalesce(pl.col("band_fraction"), pl.col("_s_rate").clip(0.0, 1.0), default)
    return band, fraction, rate


def _comparator(params: ScoringParams) -> pl.Expr:
    """The comparator scored: ≤ for a cost written without one or with =; as written; else ≤ for a
    zero target or an indicator whose name says lower is better (事故, 投诉 …); else
    ``params.no_comparator_as``."""
    # the name is read only where no comparator is written
    name = pl.when(pl.col("target_op").is_null()).then(pl.col("name").fill_null(""))
    lower_is_better = name.str.contains("|".join(params.lower_is_better_names) or "$^")
    implied = pl.when((pl.col("target_value") == 0) | lower_is_better).then(pl.lit("<="))
    # a cost (成本指标) without a comparator or with = is a ceiling: spending more is not met
    cost = pl.col("level1").str.contains("成本").fill_null(False) | pl.col("level2").str.contains("成本").fill_null(
        False
    )
    cost_ceiling = pl.when(cost & (pl.col("target_op").is_null() | (pl.col("target_op") == "="))).then(pl.lit("<="))
    return pl.coalesce(cost_ceiling, pl.col("target_op"), implied, pl.lit(params.no_comparator_as))


def _deadline_parts(params: ScoringParams) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(met, achievement when late, actual month / deadline month) of a deadline: dates compare
    with their years where both say one (a date without its year takes the budget year, ``year``,
    where the project has one), else by month and day; late in a later year scores 0,
    late by months by the upper-bound rule on the month numbers, late within the month by the
    strict deduction."""
    # a date written without its year (年底前, 10月) lies in the budget year, where it is known
    year = pl.col("year").cast(pl.Float64) * 10000
    t = pl.when(pl.col("target_value") < 10000).then(year + pl.col("target_value")).otherwise(pl.col("target_value"))
    a = pl.when(pl.col("_a") < 10000).then(year + pl.col("_a")).otherwise(pl.col("_a"))
    t, a = pl.coalesce(t, pl.col("target_value")), pl.coalesce(a, pl.col("_a"))
    both_years = (t >= 10000) & (a >= 10000)
    tc, ac = pl.when(both_years).then(t).otherwise(t % 10000), pl.when(both_years).then(a).otherwise(a % 10000)
    strict = pl.col("_op") == "<"
    met = pl.when(strict).then(ac < tc).otherwise(ac <= tc)
    tm, am = ((t % 10000) / 100).floor(), ((a % 10000) / 100).floor()
    by_months = tm / am if params.upper_bound_method == "ratio" else 1 - (am - tm) / tm
    late = (
        pl.when(both_years & ((a / 10000).floor() > (t / 10000).floor()))
        .then(0.0)
        .when(am > tm)
        .then(by_months)
        .otherwise(1.0 - params.strict_boundary_deduction)
    )
    return met, late, am / tm


def _status_and_achievement(params: ScoringParams) -> list[dict[str, pl.Expr]]:
    """``status``, ``achievement``, ``actual_ratio``, ``band`` and ``_reason`` (why unjudged) of
    every indicator, as stages of columns: each stage reads the columns of the ones before, so
    that no part (a regex on the actual, the ratio) is computed twice. The helper columns start
    with ``_s_``."""
    t, a, high = pl.col("target_value"), pl.col("_a"), pl.col("target_value_high")
    kind, op = pl.col("target_kind"), pl.col("_op")
    numeric, is_range, is_deadline = kind.is_in(NUMERIC_KINDS), kind == RANGE, kind == DEADLINE
    lower, upper, equal, strict = op.is_in([">=", ">"]), op.is_in(["<=", "<"]), op == "=", op.is_in([">", "<"])
    ratio, met, band, fraction = pl.col("_s_ratio"), pl.col("_s_met"), pl.col("_s_band"), pl.col("_s_fraction")
    over, by_band, reason = pl.col("_s_over"), pl.col("_s_by_band"), pl.col("_reason")
    achievement = pl.col("achievement")
    written_met = (
        pl.when(op == ">").then(a > t).when(op == ">=").then(a >= t)
        .when(op == "<").then(a < t).when(op == "<=").then(a <= t)
        .otherwise(a == t)
    )  # fmt: skip
    deadline_met, deadline_late, month_ratio = _deadline_parts(params)
    range_met = (a >= t) & (a <= high)
    # ratios need a positive target and a non-negative actual: a zero target (零事故) missed, or a
    # negative one, scores 0 — the ratio would divide by zero or turn the sign
    proportional = (t > 0) & (a >= 0)
    upper_rule = (t / a) if params.upper_bound_method == "ratio" else 1 - (a - t) / t
    range_rule = (
        pl.when(a < t)
        .then(a / t)
        .otherwise(high / a if params.upper_bound_method == "ratio" else 1 - (a - high) / high)
    )
    missed = (
        pl.when(is_deadline).then(deadline_late)
        .when(~proportional).then(0.0)
        .when(is_range).then(range_rule)
        .when(upper).then(upper_rule)
        .otherwise(ratio)
    )  # fmt: skip
    # a strict bound met only at its boundary (>95% with 95%) is missed: never full marks
    missed = (
        pl.when(strict & ~is_deadline)
        .then(pl.min_horizontal(missed, 1.0 - params.strict_boundary_deduction))
        .otherwise(missed)
    )
    claim_missed, claim_open = pl.col("_c_missed"), pl.col("_c_open")
    numeric_achievement = (
        pl.when(a.is_null()).then(None)
        .when(claim_missed).then(pl.col("_c_bound"))
        .when(over & pl.lit(params.deduct_over_achievement)).then(1 - (ratio - 1))
        .when(met | (equal & ~is_range & ~is_deadline & (ratio > 1))).then(1.0)
        .otherwise(missed)
    ).clip(0.0, 1.0)  # fmt: skip
    band_read, fraction_read, rate_read = _band_fraction(params)
    unknown_group = pl.col("group").is_null()
    why_unjudged = (
        pl.when(pl.col("level1").is_null()).then(pl.lit("no_level"))  # a list without level columns
        .when(unknown_group).then(pl.lit("group"))
        .when(kind == CONTRADICTORY).then(pl.lit("contradictory"))
        .when(pl.col("actual_raw").is_null()).then(pl.lit("no_actual"))
        .when(by_band & fraction.is_null()).then(pl.lit("no_band"))
        .when(by_band).then(None)
        .when(pl.col("actual_doubt").is_not_null()).then(pl.col("actual_doubt"))
        .when(pl.col("actual_value").is_null()).then(pl.lit("not_number"))
        .when(is_deadline & (pl.col("actual_kind") != DEADLINE)).then(pl.lit("not_date"))
        .when(a.is_null()).then(pl.lit("unit"))
        .when(claim_open).then(pl.lit("bound"))
    )  # fmt: skip
    status = (
        pl.when(achievement.is_null()).then(pl.lit("unjudged"))
        .when(by_band).then(pl.when(achievement >= 1.0).then(pl.lit("met")).otherwise(pl.lit("missed")))
        .when(over).then(pl.lit("over"))
        .when(equal & ~met & ~is_range).then(pl.lit("equal_missed"))
        .when(~met).then(pl.lit("missed"))
        .otherwise(pl.lit("met"))
    )  # fmt: skip
    return [
        {
            "_s_ratio": pl.when(t > 0).then(a / t),
            "_s_met": pl.when(is_deadline).then(deadline_met).when(is_range).then(range_met).otherwise(written_met),
            "_s_rate": rate_read,
            **claim_columns(params.strict_boundary_deduction, params.upper_bound_method),
        },
        {"_s_band": band_read, "_s_met": met & ~pl.col("_c_missed")},
        {
            "_s_fraction": fraction_read,
            "_s_over": kind.is_in(["quantitative"])
            & (lower | equal)
            & (ratio >= params.over_achievement_ratio)
            & ~claim_missed
            & ~claim_open,
            # a deadline stated in words by the actual (按时完成, 达成年度指标) is judged by its band
            "_s_by_band": ~numeric | (is_deadline & pl.col("actual_kind").is_in(["qualitative"]) & band.is_not_null()),
        },
        {"_s_numeric_achievement": numeric_achievement, "_reason": why_unjudged},
        {
            "achievement": pl.when(reason.is_not_null())
            .then(None)
            .when(by_band)
            .then(fraction)
            .otherwise(pl.col("_s_numeric_achievement"))
        },
        {
            "status": status,
            "actual_ratio": pl.when(is_deadline & ~by_band).then(month_ratio).when(numeric & ~by_band).then(ratio),
            "band": pl.when(by_band).then(band),
        },
    ]


def _actuals_parsed(frame: pl.DataFrame) -> pl.DataFrame:
    """The actual's parsed columns (:func:`perfkit.scoring.statements.parsed_actuals`): an actual
    reads money where its target does, and dates where its target is a deadline."""
    money = is_money_indicator() | pl.col("target_unit").str.contains("^(?:" + "|".join(MONEY_UNITS) + ")").fill_null(
        False
    )
    return parsed_actuals(frame.with_columns(_money=money))


def score_indicators(
    evaluation: pl.DataFrame, params: ScoringParams | None = None, keep: Sequence[str] = ()
) -> pl.DataFrame:
    """Score each indicator of ``evaluation`` (targets, actuals and any self-evaluation columns).

    Returns the ``indicator_scores`` contract columns plus ``unit_code``, ``level1``, ``name``,
    ``target_raw``, ``status`` (met / missed / over / equal_missed / unjudged), ``band``,
    ``actual_ratio``, ``group_weight`` and ``weight_given_sum``, and the columns ``keep`` of
    ``evaluation``, in its row order. Does not mutate ``evaluation``.
    """
    params = params or ScoringParams()
    if "target_value_high" not in evaluation.columns:  # tables made before the column existed
        evaluation = evaluation.with_columns(target_value_high=pl.lit(None, dtype=pl.Float64))
    if "year" not in evaluation.columns:  # no budget year known: dates without a year compare by month
        evaluation = evaluation.with_columns(year=pl.lit(None, dtype=pl.Int32))
    used = [
        "project_id", "seq", "unit_code", "level1", "level2", "name", "target_raw", "target_op", "target_value",
        "target_unit", "target_kind", "target_value_high", "actual_raw", "band", "band_fraction", "weight_given",
        "self_score", "year",
    ]  # fmt: skip
    frame = evaluation.select(*dict.fromkeys([*used, *keep]))
    # actuals read once over all rows, not per slice: their texts repeat from project to project
    frame = frame.hstack(_actuals_parsed(frame).get_columns())
    project = numbered(frame, ["project_id"])
    parts = [
        _scored(frame.slice(offset, length), project.slice(offset, length), params).select(
            *INDICATOR_SCORE_COLUMNS, *INDICATOR_EXTRA_COLUMNS, *keep
        )
        for offset, length in whole_slices(project, SLICE_INDICATORS) or [(0, 0)]
    ]
    return pl.concat(parts) if len(parts) > 1 else parts[0]


def _scored(frame: pl.DataFrame, project: pl.Series, params: ScoringParams) -> pl.DataFrame:
    """:func:`score_indicators` on whole projects, numbered ``project``, with the working columns."""
    frame = frame.with_columns(group=pl.col("level1").replace_strict(GROUP_OF_LEVEL1, default=None))
    # windows over numbers, not texts: the project, and its level-1 group
    frame = frame.with_columns(_project_no=project, _group_no=numbered(frame, ["project_id", "group"]))
    for stage in _weights(params):
        frame = frame.with_columns(**stage)
    frame = frame.with_columns(_a=_actual_in_target_unit(), _op=_comparator(params))
    for stage in _status_and_achievement(params):
        frame = frame.with_columns(**stage)
    frame = frame.with_columns(score=(pl.col("weight") * pl.col("achievement")).round(4))
    frame = frame.with_columns(score_diff=(pl.col("self_score") - pl.col("score")).round(4))
    return with_notes(frame, params)
