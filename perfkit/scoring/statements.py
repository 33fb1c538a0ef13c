"""An actual (实际完成值) read as a statement about the indicator, vectorised over all indicators.

The 指标值 parser (:mod:`perfkit.targets`) reads the cell; this module says what the cell claims
about the indicator's value, and when it cannot be taken as that value:

- its **side**: ``不足95%`` / ``低于95%`` / ``未达到95%`` claim a value below 95%, ``超过95%`` /
  ``95%以上`` one above (:func:`claim_columns` holds the claim against the target);
- a **percentage written in text** (``完成率96%，达到预期``) is the value only when it measures the
  indicator itself: a change (``较上年提高5%``), a complement (``不满意率为3%``) or another measure
  (``知晓率85%`` on a 满意度) is left for a person, with the reason; a change is the value when the
  indicator measures a change, with its sign (``同比下降3%`` → −3%);
- a **bare number** takes the target's unit only when that reading is unambiguous: ``0.95`` against
  ``≥95%``, ``48000`` against ``≤5万元`` could be either of two units, and are left for a person.

docs/domain.md §2.3 and §3.3 have the forms and their readings.
"""

from __future__ import annotations

import polars as pl

from perfkit.frames import on_few
from perfkit.targets import DEADLINE, with_parsed_targets
from perfkit.text import fold_width

# words that say the percentage is a change, not a level
CHANGE_UP = ["提高", "提升", "增长", "增加", "上升", "增幅", "涨幅"]
CHANGE_DOWN = ["下降", "降低", "减少", "降幅", "下滑", "压减"]
CHANGE_REFERENCE = ["同比", "环比", "较上年", "比上年", "较去年", "比去年", "较上期", "较年初"]
# an indicator whose name or target says one of these measures a change: a stated change is its value
CHANGE_MEASURES = [*CHANGE_UP, *CHANGE_DOWN, *CHANGE_REFERENCE, "变化", "变动", "幅度"]
# a measure named before the percentage (满意率为95%, 群众知晓率达85%); 完成率 and its kin measure
# the indicator's own completion, whatever its name
_MEASURE = r"(\p{Han}{1,12}?(?:率|度|比例|占比))(?:为|是|达到|达|约为|约|已达|[:：])?[0-9]"
GENERIC_MEASURES = ["完成", "达成", "实现", "完成比例", "达成比例"]
_COMPLEMENT = "不|未|非"
_PERCENT = r"(-?[0-9]+(?:\.[0-9]+)?)%"
# another figure tied to the percentage by a sign (5=50%, 3-5%, 2/80%): which figure is the value is
# not written (OCR damage, a range, a ratio), so the percentage is not taken
_TIED_FIGURE = r"[0-9][^0-9\p{Han}%.\s]{1,2}-?[0-9]+(?:\.[0-9]+)?%"
# a bare number against these units may be written in another: a share as a fraction (0.95), an
# amount in 元 where the target is in 万元. The factor turns the other reading into the target's unit.
OTHER_READING = {
    "%": ("小数", 100.0),
    "万元": ("元", 1e-4),
    "千元": ("元", 1e-3),
    "亿元": ("元", 1e-8),
    "元": ("万元", 1e4),
}
# a reading "far" from the target: more than this factor from it, either way
FAR = 10.0


def _any(words: list[str]) -> str:
    return "|".join(words)


def parsed_actuals(frame: pl.DataFrame) -> pl.DataFrame:
    """``actual_op``, ``actual_value``, ``actual_unit``, ``actual_kind`` and ``actual_doubt`` (why
    the actual cannot be taken as the indicator's value: ``pct_unclear``, ``pct_change``,
    ``pct_complement``, ``pct_measure``, ``unit_ambiguous``; null when it can), ``actual_measure`` (the measure a
    percentage names) and ``actual_reading`` (the other reading of a bare number) of every row of
    ``frame`` (``actual_raw``, ``name``, ``target_raw``, ``target_value``, ``target_unit``,
    ``target_kind`` and ``_money``, whether the row's amounts are money). Does not mutate ``frame``."""
    cells = frame.select(
        "actual_raw", "name", "target_raw", "target_value", "target_unit", "_money",
        _timely=pl.col("target_kind") == DEADLINE,
    )  # fmt: skip
    parsed = with_parsed_targets(
        cells, "actual_raw", money=pl.col("_money"), prefix="actual_", timely=pl.col("_timely")
    )
    stated = _stated_percentages(parsed)
    value = pl.col("actual_value")
    doubt, reading = _bare_number_doubt()
    stated = stated.with_columns(_unit_doubt=doubt)
    # the other reading is written only for the few numbers in doubt, not formatted for every row
    read = stated.select("_unit_doubt", "target_value", "actual_value", "target_unit")
    stated = stated.with_columns(_reading=on_few(read, pl.col("_unit_doubt").is_not_null(), reading, "_reading"))
    return stated.select(
        "actual_op",
        "actual_unit",
        "actual_kind",
        "actual_measure",
        actual_value=value,
        actual_doubt=pl.coalesce("_pct_doubt", "_unit_doubt"),
        actual_reading=pl.col("_reading"),
    )


def _stated_percentages(parsed: pl.DataFrame) -> pl.DataFrame:
    """Where the target is a percentage and the actual is text stating one percentage: that
    percentage as the value, or why not (``_pct_doubt``). The regex passes run on the distinct
    (text, name, target) only, and only where they can decide."""
    keys = ["actual_raw", "name", "target_raw"]
    wanted = (pl.col("target_unit") == "%") & pl.col("actual_value").is_null() & pl.col("actual_raw").is_not_null()
    texts = parsed.filter(wanted).select(keys).unique()
    text = fold_width(pl.col("actual_raw")).str.replace_all(r"\s", "")
    subject = pl.concat_str(pl.col("name").fill_null(""), pl.col("target_raw").fill_null(""))
    measure, stem = pl.col("actual_measure"), pl.col("_stem")
    change = pl.col("_text").str.contains(_any([*CHANGE_UP, *CHANGE_DOWN, *CHANGE_REFERENCE]))
    down = pl.col("_text").str.contains(_any(CHANGE_DOWN))
    number = pl.col("_text").str.extract(_PERCENT).cast(pl.Float64, strict=False)
    name_has = pl.col("name").fill_null("").str.contains(stem, literal=True)
    # 非常满意率 is no complement
    complement = measure.str.replace_all("非常", "").str.contains(_COMPLEMENT).fill_null(False)
    doubt = (
        pl.when(pl.col("_text").str.contains(_TIED_FIGURE))
        .then(pl.lit("pct_unclear"))
        .when(change & ~subject.str.contains(_any(CHANGE_MEASURES)))
        .then(pl.lit("pct_change"))
        .when(complement & ~pl.col("name").fill_null("").str.replace_all("非常", "").str.contains(_COMPLEMENT))
        .then(pl.lit("pct_complement"))
        .when(measure.is_not_null() & ~stem.is_in(GENERIC_MEASURES) & ~name_has)
        .then(pl.lit("pct_measure"))
    )
    read = (
        texts.with_columns(_text=text)
        .filter(pl.col("_text").str.count_matches(_PERCENT) == 1)
        .with_columns(actual_measure=pl.col("_text").str.extract(_MEASURE))
        .with_columns(_stem=measure.str.replace(r"(?:率|度|比例|占比)$", "").str.slice(-2))
        .with_columns(_pct_doubt=doubt, _pct=pl.when(change & down).then(-number.abs()).otherwise(number))
        .select(*keys, "actual_measure", "_pct_doubt", "_pct")
    )
    if read.is_empty():  # most actuals are figures: no join over them
        return parsed.with_columns(
            actual_measure=pl.lit(None, pl.String), _pct_doubt=pl.lit(None, pl.String), _pct=pl.lit(None, pl.Float64)
        )
    joined = parsed.join(read, on=keys, how="left", nulls_equal=True, maintain_order="left")
    taken = pl.col("_pct").is_not_null() & pl.col("_pct_doubt").is_null()
    return joined.with_columns(
        actual_value=pl.when(taken).then("_pct").otherwise("actual_value"),
        actual_unit=pl.when(taken).then(pl.lit("%")).otherwise("actual_unit"),
        actual_kind=pl.when(taken).then(pl.lit("quantitative")).otherwise("actual_kind"),
    )


def _bare_number_doubt() -> tuple[pl.Expr, pl.Expr]:
    """The doubt (``unit_ambiguous``) of a number written without a unit against a target in % or
    money, where the target's unit puts it more than :data:`FAR` times from the target and the
    other unit puts it within that; and the other reading of the number (for the note), to be
    written where that doubt is."""
    t, a, unit = pl.col("target_value"), pl.col("actual_value"), pl.col("target_unit")
    other = unit.replace_strict({u: name for u, (name, _) in OTHER_READING.items()}, default=None)
    factor = unit.replace_strict({u: f for u, (_, f) in OTHER_READING.items()}, default=None)
    ratio = a / t
    far = (ratio > FAR) | (ratio < 1 / FAR)
    near_otherwise = ((ratio * factor) <= FAR) & ((ratio * factor) >= 1 / FAR)
    # a share written as a fraction is at most 1
    fraction_ok = (unit != "%") | (a <= 1)
    ambiguous = (
        pl.col("actual_unit").is_null()
        & (pl.col("actual_kind") == "quantitative")
        & (t > 0)
        & (a > 0)
        & far
        & near_otherwise
        & fraction_ok
    ).fill_null(False)
    reading = pl.format(
        "按指标值单位读作{}{}，按{}读作{}{}",
        _plain(a),
        unit,
        other,
        _plain(a * factor),
        unit,
    )
    return pl.when(ambiguous).then(pl.lit("unit_ambiguous")), reading


def _plain(value: pl.Expr) -> pl.Expr:
    return value.round(6).cast(pl.String).str.strip_suffix(".0")


def claim_columns(strict_deduction: float, upper_method: str) -> dict[str, pl.Expr]:
    """``_c_missed`` (the actual's side shows the target missed), ``_c_open`` (its side leaves it
    open: a person must judge) and ``_c_bound`` (the most the missed target can score: the ratio at
    the bound the actual states, never above 1 − ``strict_deduction``) of every indicator.

    Reads ``_a`` (the actual in the target's unit), ``_op`` (the comparator scored),
    ``actual_op`` and the target's columns. An actual on the target's own side is read as its
    number where it reaches the target, or restates the target's form (``≥266米`` against
    ``≥300米``, ``13个月内`` against ``12个月内``: the least it claims); otherwise (``超过90%``
    against ``≥95%``) it is open. One on the other side (``不足95%`` against ``≥95%``) is missed
    when every value it allows misses, and open otherwise."""
    t, x, op, claim = pl.col("target_value"), pl.col("_a"), pl.col("_op"), pl.col("actual_op")
    quantitative = (pl.col("actual_kind") == "quantitative") & (pl.col("target_kind") != DEADLINE)
    below, above = claim.is_in(["<", "<="]), claim.is_in([">", ">="])
    lower, upper = op.is_in([">=", ">", "="]), op.is_in(["<=", "<"])
    strict = claim.is_in(["<", ">"]) | op.is_in([">", "<"]) | (op == "=")
    is_range = pl.col("target_kind") == "range"
    against = quantitative & ((below & (lower | is_range)) | (above & (upper | is_range)))
    # on the target's own side and short of it: its number where it restates the target's form
    # (≥266米 for ≥300米, 13个月内 for 12个月内), a person where it says more (超过90% for ≥95%)
    short = (above & (op == ">=") & (x < t)) | (below & (op == "<=") & (x > t))
    loose = quantitative & ~is_range & short & (claim != op)
    missed = (
        pl.when(is_range)
        .then(pl.lit(False))
        .when(below)
        .then((x < t) | ((x == t) & strict))
        .otherwise((x > t) | ((x == t) & strict))
    )
    proportional = (t > 0) & (x > 0)
    over_rule = (t / x) if upper_method == "ratio" else 1 - (x - t) / t
    bound = pl.when(~proportional).then(0.0).when(below).then(x / t).otherwise(over_rule)
    return {
        "_c_missed": (against & missed).fill_null(False),
        "_c_open": ((against & ~missed.fill_null(False)) | loose).fill_null(False),
        "_c_bound": pl.min_horizontal(bound, pl.lit(1.0 - strict_deduction)).clip(0.0, 1.0),
    }


# a completion rate written in a qualitative actual (完成（完成率60%）, 完成60%, 达成率50%)
_RATE = r"(?:完成率|达成率|实现率|完成比例|完成|达成|实现)(?:为|达到|达|了|约为|约)?([0-9]+(?:\.[0-9]+)?)%"


def completion_rate(text: pl.Expr) -> pl.Expr:
    """The completion rate (a fraction) that ``text`` states, where it states one percentage and
    that is a completion rate; null otherwise. It governs the band of a qualitative actual."""
    one = text.str.count_matches(_PERCENT) == 1
    return pl.when(one).then(text.str.extract(_RATE).cast(pl.Float64, strict=False) / 100)
