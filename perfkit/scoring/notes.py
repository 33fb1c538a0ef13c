"""The Chinese ``note`` of every indicator score: what was compared, and how it was scored or why not.

Each note is one case of :data:`NOTES`, a template whose ``{name}`` places take the columns of
:func:`_arguments`. The case of every indicator is worked out first (cheap comparisons); each
template is then filled on the rows of its case only — not every row by every template in turn.
"""

from __future__ import annotations

import re

import polars as pl

from perfkit.scoring.params import BANDS, ScoringParams
from perfkit.targets import DEADLINE, RANGE
from perfkit.text import OP_SYMBOLS

# an unjudged indicator's case is its ``_reason`` code (:mod:`perfkit.scoring.indicators`); the
# judged cases are tried in the order of :func:`_judged_case`
NOTES = {
    "group": "无法评分：一级指标“{level1}”不是产出、效益、满意度或成本指标，无法确定权重",
    "no_level": "无法评分：指标表没有一级指标、二级指标列，不能确定指标所属的产出、效益、满意度或成本指标，无法确定权重",
    "no_actual": "无法评分：没有实际完成值",
    "contradictory": "无法评分：指标值“{t}”的比较符与“以上/以下”自相矛盾，需人工确认指标值",
    "no_band": "无法评分：定性完成情况“{a}”不是评价档次（" + "/".join(BANDS) + "）或其同义写法，需人工判断",
    "not_number": "无法评分：实际完成值“{a}”不是数值",
    "not_date": "无法评分：时限指标“{t}”的完成值“{a}”不是日期（如12月、2025年11月），需人工判断",
    "unit": "无法评分：完成值“{a}”与指标值“{t}”的单位不可比",
    "bound": "无法评分：完成值“{a}”只说明实际值在某值以上或以下，不能判断是否达到指标值{t}，需人工核实实际完成数",
    "pct_unclear": "无法评分：完成值“{a}”中的百分数与另一个数字以符号相连，不能确定哪个是完成值，需人工判断",
    "pct_change": "无法评分：完成值“{a}”中的百分数是与往年相比的变化，不是指标“{name}”本身的完成值，需人工判断",
    "pct_complement": "无法评分：完成值“{a}”中的百分数是反面的比率（{measure}），不是指标“{name}”本身的完成值，需人工判断",
    "pct_measure": "无法评分：完成值“{a}”中的百分数衡量的是“{measure}”，不是指标“{name}”本身，需人工判断",
    "unit_ambiguous": "无法评分：完成值“{a}”未写单位，{reading}，两种读法相差悬殊，需人工确认单位",
    "band_rate": "定性：完成值“{a}”写明的完成比例属“{band}”，按{pct}%得分",
    "band": "定性：{band}，按{pct}%得分",
    "shortfall": "完成值“{a}”表明未达到指标值{t}：实际完成数未写明，按所写界限计，至多按{pct}%得分，需核实",
    "deadline_met": "完成时间{a}在时限{t}之内，满分",
    "deadline_late": "逾期：完成时间{a}晚于时限{t}，按{pct}%得分",
    "range_met": "完成值{a}在指标值区间{t}之内，满分",
    "range_outside": "完成值{a}在指标值区间{t}之外，按与较近端点的比例{pct}%得分",
    "zero_bound": "指标值{t}是零上限，完成值{a}大于零：未达成，不能按比例计分，得0分",
    "negative": "完成值{a}未满足指标值{t}：指标值或完成值为负数，不能按比例计分，得0分",
    "strict_boundary": "完成值{a}等于指标值{t}的边界，未满足严格比较（{symbol}），扣减{deduction}%，按{pct}%得分",
    "implied_met": "完成值{a}达到指标值{t}（无比较符，按{symbol}处理），满分",
    "over": "完成值{a}达到指标值{t}的{ratio}倍以上，需复核指标值是否偏低",
    "met": "完成值{a}{symbol}指标值{target}，满分",
    "equal_missed": "完成值{a}不等于指标值{t}，按{pct}%得分",
    "above_upper": "超出上限：{a} > {target}，按比例{pct}%得分",
    "below": "完成值{a}未达指标值{t}，按完成比例{pct}%得分",
    "unclassified": "无法评分：原因未能归类，需人工判断",
}
_PLACE = re.compile(r"\{(\w+)\}")
_CASE = pl.Enum(list(NOTES))


def _plain_number(value: pl.Expr) -> pl.Expr:
    return value.round(6).cast(pl.String).str.strip_suffix(".0")


def _judged_case() -> pl.Expr:
    """The case of a judged indicator's note: the first that fits."""
    status, kind, op = pl.col("status"), pl.col("target_kind"), pl.col("_op")
    t, a = pl.col("target_value"), pl.col("_a")
    not_met = (status != "met") & (status != "over")
    cases = [
        ("band_rate", pl.col("band").is_not_null() & pl.col("_s_rate").is_not_null()),
        ("band", pl.col("band").is_not_null()),
        ("shortfall", pl.col("_c_missed")),
        ("deadline_met", (kind == DEADLINE) & (status == "met")),
        ("deadline_late", kind == DEADLINE),
        ("range_met", (kind == RANGE) & (status == "met")),
        ("range_outside", kind == RANGE),
        ("zero_bound", not_met & (t == 0) & ~op.is_in([">=", ">"])),
        ("negative", not_met & ((t < 0) | (a < 0))),
        ("strict_boundary", op.is_in([">", "<"]) & (a == t)),
        ("implied_met", pl.col("target_op").is_null() & (status == "met")),
        ("over", status == "over"),
        ("met", status == "met"),
        ("equal_missed", status == "equal_missed"),
        ("above_upper", op.is_in(["<=", "<"])),
    ]
    chain = pl.when(cases[0][1]).then(pl.lit(cases[0][0], _CASE))
    for name, condition in cases[1:]:
        chain = chain.when(condition).then(pl.lit(name, _CASE))
    return chain.otherwise(pl.lit("below", _CASE))


def _arguments(params: ScoringParams) -> dict[str, pl.Expr]:
    """What the ``{name}`` places of :data:`NOTES` are filled with."""
    return {
        "a": pl.col("actual_raw").fill_null(""),
        "t": pl.col("target_raw").fill_null(""),
        "level1": pl.col("level1").fill_null(""),
        "name": pl.col("name").fill_null(""),
        "measure": pl.col("actual_measure"),
        "reading": pl.col("actual_reading"),
        "band": pl.col("band"),
        "pct": (pl.col("achievement") * 100).round(1).cast(pl.String).fill_null(""),
        "symbol": pl.col("_op").replace_strict(OP_SYMBOLS, default=""),
        "target": pl.concat_str(
            _plain_number(pl.when(pl.col("_n_case").is_in(["met", "above_upper"])).then(pl.col("target_value"))),
            pl.col("target_unit").fill_null(""),
        ),
        "deduction": _plain_number(pl.lit(params.strict_boundary_deduction * 100)),
        "ratio": pl.lit(params.over_achievement_ratio).cast(pl.String),
    }


def with_notes(frame: pl.DataFrame, params: ScoringParams) -> pl.DataFrame:
    """``frame`` with the ``note`` of every row: one per indicator, never null (an unjudged
    indicator always says why). Each case's template is filled on that case's rows alone: a note is
    written once, not picked out of every template's places in turn. ``_n_case`` is kept beside."""
    case = pl.coalesce(
        pl.col("_reason").cast(_CASE),
        pl.when(pl.col("status") != "unjudged").then(_judged_case()),
        pl.lit("unclassified", _CASE),
    )
    frame = frame.with_columns(_n_case=case)
    arguments = _arguments(params)
    case_no = frame["_n_case"].to_physical()
    rows, notes = [], []
    for number, template in enumerate(NOTES.values()):
        at = pl.arg_where(case_no == number, eager=True)
        if at.len():
            parts = _PLACE.split(template)  # text, place, text, …
            pieces = [pl.lit(part) if i % 2 == 0 else arguments[part] for i, part in enumerate(parts)]
            # a place whose value is null (a target without a value) leaves the case unclassified
            note = pl.coalesce(pl.concat_str(pieces), pl.lit(NOTES["unclassified"]))
            read = sorted({"_n_case", *(c for piece in pieces for c in piece.meta.root_names())})  # what it reads
            rows.append(at)
            # with_columns, not select: a template without places is a literal, one per row all the same
            notes.append(frame.select(read)[at].with_columns(_n_note=note)["_n_note"])
    if not rows:
        return frame.with_columns(note=pl.lit(None, pl.String))
    return frame.with_columns(note=pl.concat(notes).gather(pl.concat(rows).arg_sort()))
