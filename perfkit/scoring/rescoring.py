"""Re-check the unit's own self-evaluation (自评复核) against perfkit's scores, as findings.

Rules have the same shape as the review rules (:mod:`perfkit.checks.registry`) and land in the
same findings table; each takes a :class:`ScoredRun` — the indicator scores joined with the
self-evaluation columns, the project scores, and actuals that matched no target.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from perfkit.checks.registry import EVALUATION_RULE, Rule, found, target_actual_evidence
from perfkit.frames import on_few
from perfkit.scoring.params import ScoringParams

BASIS_SCORING = f"{EVALUATION_RULE}第二十条、附件2 评分规则"
BASIS_SELF = f"{EVALUATION_RULE}单位自评：自评结果应真实、准确（审计常见问题：自评结果虚高）"
RESCORING_RULES: dict[str, Rule] = {}


@dataclass(frozen=True)
class ScoredRun:
    """What re-scoring rules look at; ``params`` are the scoring parameters used."""

    indicators: pl.DataFrame
    projects: pl.DataFrame
    unmatched: pl.DataFrame
    params: ScoringParams


def rescoring_rule(id: str, title: str, severity: str, basis: str = BASIS_SELF, **params):
    """Register a re-scoring rule with its default ``params`` (set in the ``rescoring:`` section);
    the older rules take their thresholds from :class:`ScoringParams`."""

    def add(check):
        RESCORING_RULES[id] = Rule(id, title, severity, "自评复核", basis, check, params)
        return check

    return add


def figure(column: str) -> pl.Expr:
    return pl.col(column).round(2).cast(pl.String).str.strip_suffix(".0")


def unless_split(column: str) -> pl.Expr:
    """``column`` (a 分值), but null where it is perfkit's equal share of points the form gave only the
    row's level-1 group (产出指标(40分) over rows without a 分值): the unit may share them out unequally,
    so the row's self-score is judged with its group instead."""
    return pl.when(~pl.col("weight_split").fill_null(False)).then(pl.col(column))


def has_reason() -> pl.Expr:
    return pl.col("deviation_reason").fill_null("").str.strip_chars() != ""


def _group_evidence(*more: tuple[str, str]) -> pl.Expr:
    """The evidence of a finding on a group sharing its points: its points and self-scores (and ``more``)."""
    parts = [("一级指标", "level1"), ("组分值", "points"), ("自评得分合计", "self_sum"), *more]
    template = "；".join(f"{label}：{{}}" for label, _ in parts)
    return pl.format(template, *(pl.col(c) if c == "level1" else figure(c) for _, c in parts))


def below_weight() -> pl.Expr:
    """perfkit's score, or the unit's self-score, below the row's 分值: a deduction to explain."""
    return (pl.col("score") < pl.col("weight") - 1e-6) | (pl.col("self_score") < unless_split("weight") - 1e-6)


def stated_target_same(frame: pl.DataFrame) -> pl.Series:
    """Whether each row's 年度指标值 as the self-evaluation states it (``selfeval_target_raw``) is the
    target's (``target_raw``), whitespace ignored; null where either is missing. Most restate it as
    written: whitespace is taken out only where the two texts differ."""
    stated, target = pl.col("selfeval_target_raw"), pl.col("target_raw")
    texts = frame.select(stated, target)
    squash = r"[\s　]"
    unspaced = stated.str.replace_all(squash, "") == target.str.replace_all(squash, "")
    differing = on_few(texts, stated != target, unspaced, "_same")
    return texts.select(pl.when(stated == target).then(True).otherwise(differing)).to_series()


def _split_groups(run: ScoredRun) -> pl.DataFrame:
    """Per level-1 group whose points perfkit split over its rows and that the unit self-scored: the
    group's points, how many rows it has and how many the unit scored (``self_rows``), the sum of
    those self-scores, perfkit's scores of the group (``score_sum``, null when a row is unscored),
    whether perfkit scored a row below its share (``_missed``: that row is named on its own) and
    whether any row gives a deviation reason."""
    scored = pl.col("score").is_not_null().all()
    return (
        run.indicators.filter(pl.col("weight_split").fill_null(False))
        .group_by("project_id", "level1", maintain_order=True)
        .agg(
            points=pl.col("weight_given").sum(),
            rows=pl.len(),
            self_rows=pl.col("self_score").is_not_null().sum(),
            self_sum=pl.col("self_score").sum(),
            score_sum=pl.when(scored).then(pl.col("score").sum()),
            _missed=(pl.col("score") < pl.col("weight") - 1e-6).any(),
            _reason=has_reason().any(),
        )
        .filter(pl.col("self_rows") > 0)
        .with_columns(_gap=pl.col("self_sum") - pl.col("score_sum"))
    )


@rescoring_rule("self_score_inflated", "自评得分虚高", "high")
def self_score_inflated(run: ScoredRun, _):
    # a self-score above the 分值 is reported as such (self_score_above_weight), not twice; a row whose
    # 分值 is a share of its group's points is compared as part of the group
    above_weight = (pl.col("self_score") > unless_split("weight_given") + 1e-6).fill_null(False)
    split = pl.col("weight_split").fill_null(False)
    rows = run.indicators.filter((pl.col("score_diff") > run.params.inflation_points) & ~above_weight & ~split)
    # the same rows on both sides: every row self-scored and scored
    groups = _split_groups(run).filter(
        (pl.col("self_rows") == pl.col("rows"))
        & (pl.col("self_sum") - pl.col("score_sum") > run.params.inflation_points)
        & (pl.col("self_sum") <= pl.col("points") + 1e-6)
    )
    in_groups = found(
        groups,
        pl.format(
            "一级指标“{}”{}项指标的自评得分合计{}高于复核得分合计{}（相差{}分）；该组只写了组分值，逐项分值未给出，按组比较",
            "level1",
            "rows",
            figure("self_sum"),
            figure("score_sum"),
            figure("_gap"),
        ),
        _group_evidence(("复核得分合计", "score_sum")),
        seq=pl.lit(None),
    )  # fmt: skip
    return pl.concat([found(
        rows,
        pl.format(
            "自评得分{}高于复核得分{}（相差{}分）：{}",
            figure("self_score"),
            figure("score"),
            figure("score_diff"),
            "note",
        ),
        pl.format(
            "指标值：{}；实际完成值：{}；分值：{}；自评得分：{}",
            "target_raw",
            "actual_raw",
            figure("weight"),
            figure("self_score"),
        ),
    ), in_groups])  # fmt: skip


@rescoring_rule("self_total_inflated", "自评总分虚高", "high")
def self_total_inflated(run: ScoredRun, _):
    rows = run.projects.filter(pl.col("total_diff") > run.params.total_inflation_points)
    return found(
        rows,
        pl.format("自评总分{}高于复核总分{}（相差{}分）", figure("self_total"), figure("total"), figure("total_diff")),
        pl.format("自评总分：{}；复核总分：{}", figure("self_total"), figure("total")),
        seq=pl.lit(None),
    )


@rescoring_rule("selfeval_unfilled_rows", "自评表模板空行未填写", "low")
def selfeval_unfilled_rows(run: ScoredRun, _):
    # the reader skipped them (no indicator, no weight); one finding per project names them all
    rows = run.projects.filter(pl.col("selfeval_unfilled_rows").list.len() > 0).with_columns(
        _places=pl.col("selfeval_unfilled_rows").list.eval(pl.element().struct.field("source_ref")).list.join("、")
    )
    return found(
        rows,
        pl.format("自评表中有未填写的模板行（{}），已跳过，未作为指标、未计分", "_places"),
        pl.format("空行位置：{}", "_places"),
        seq=pl.lit(None),
    )


@rescoring_rule("selfeval_unreadable", "自评表部分内容无法读取", "high", BASIS_SCORING)
def selfeval_unreadable(run: ScoredRun, _):
    # a 分值 or 得分 that is not a figure (OCR damage: IO for 10) was left empty, not guessed
    rows = run.projects.filter(pl.col("selfeval_unreadable").list.len() > 0).with_columns(
        _parts=pl.col("selfeval_unreadable").list.join("；")
    )
    return found(
        rows,
        pl.format("自评表中有无法读取的内容，已留空、未采用：{}", "_parts"),
        pl.format("无法读取：{}", "_parts"),
        seq=pl.lit(None),
    )


@rescoring_rule("self_score_above_weight", "自评得分超过分值", "high", BASIS_SCORING)
def self_score_above_weight(run: ScoredRun, _):
    # a row against the 分值 the form states; where the form gave only its group's points, the group
    rows = run.indicators.filter(pl.col("self_score") > unless_split("weight_given") + 1e-6)
    groups = _split_groups(run).filter(pl.col("self_sum") > pl.col("points") + 1e-6)
    return pl.concat([
        found(
            rows,
            pl.format("自评得分{}超过该指标分值{}：得分不得高于分值", figure("self_score"), figure("weight_given")),
            pl.format("分值：{}；自评得分：{}", figure("weight_given"), figure("self_score")),
        ),
        found(
            groups,
            pl.format("一级指标“{}”{}项指标的自评得分合计{}超过该组分值{}：得分不得高于分值", "level1", "self_rows",
                      figure("self_sum"), figure("points")),
            _group_evidence(),
            seq=pl.lit(None),
        ),
    ])  # fmt: skip


@rescoring_rule("qualitative_score_outside_band", "定性指标得分不在所评档次范围内", "medium", BASIS_SCORING)
def qualitative_score_outside_band(run: ScoredRun, _):
    rows = (
        run.indicators.filter(
            pl.col("band").is_not_null() & pl.col("self_score").is_not_null() & (unless_split("weight") > 0)
        )
        .join(run.params.bands_frame(), on="band")
        .with_columns(fraction=pl.col("self_score") / pl.col("weight"))
        .filter((pl.col("fraction") < pl.col("band_low") - 1e-9) | (pl.col("fraction") > pl.col("band_high") + 1e-9))
    )
    return found(
        rows,
        pl.format(
            "定性档次为“{}”（应得分值的{}%–{}%），自评得分{}占分值的{}%",
            "band",
            (pl.col("band_low") * 100).round(0).cast(pl.Int32),
            (pl.col("band_high") * 100).round(0).cast(pl.Int32),
            figure("self_score"),
            (pl.col("fraction") * 100).round(1),
        ),
        pl.format("完成情况：{}；分值：{}；自评得分：{}", "actual_raw", figure("weight"), figure("self_score")),
    )


@rescoring_rule("self_total_mismatch", "自评总分与各项得分之和不符", "high", BASIS_SCORING)
def self_total_mismatch(run: ScoredRun, _):
    parts = run.indicators.group_by("project_id").agg(pl.col("self_score").sum().alias("self_parts"))
    rows = (
        run.projects.join(parts, on="project_id")
        .with_columns(summed=(pl.col("self_parts") + pl.col("self_execution_score").fill_null(0)).round(4))
        .filter((pl.col("self_total") - pl.col("summed")).abs() > run.params.total_tolerance)
    )
    return found(
        rows,
        pl.format("自评总分{}与各项自评得分之和{}不符", figure("self_total"), figure("summed")),
        pl.format(
            "自评总分：{}；指标得分合计：{}；预算执行得分：{}",
            figure("self_total"),
            figure("self_parts"),
            figure("self_execution_score"),
        ),
        seq=pl.lit(None),
    )


@rescoring_rule("full_marks_on_unmet_target", "未完成指标自评满分", "high")
def full_marks_on_unmet_target(run: ScoredRun, _):
    rows = run.indicators.filter(
        pl.col("status").is_in(["missed", "equal_missed"]) & (pl.col("self_score") >= unless_split("weight") - 1e-6)
    )
    return found(
        rows,
        pl.format("指标未完成（{}）却自评满分{}", "note", figure("self_score")),
        pl.format("指标值：{}；实际完成值：{}；自评得分：{}", "target_raw", "actual_raw", figure("self_score")),
    )


@rescoring_rule("missing_deviation_reason", "扣分指标未分析偏差原因", "medium", BASIS_SCORING)
def missing_deviation_reason(run: ScoredRun, _):
    below = below_weight()
    rows = run.indicators.filter(below.fill_null(False) & ~has_reason())
    # a group sharing its points: the unit took points off the group, no row missed by perfkit's
    # scoring says so on its own, and no row gives a reason
    groups = _split_groups(run).filter(
        (pl.col("self_rows") == pl.col("rows"))
        & (pl.col("self_sum") < pl.col("points") - 1e-6)
        & ~pl.col("_missed")
        & ~pl.col("_reason")
    )
    return pl.concat([
        found(
            rows,
            pl.format(
                "指标得分低于分值（复核{}、自评{}，分值{}），但未填写偏差原因分析及改进措施",
                figure("score"),
                figure("self_score"),
                figure("weight"),
            ),
            target_actual_evidence(),
        ),
        found(
            groups,
            pl.format("一级指标“{}”{}项指标的自评得分合计{}低于该组分值{}，但未填写偏差原因分析及改进措施", "level1",
                      "rows", figure("self_sum"), figure("points")),
            _group_evidence(),
            seq=pl.lit(None),
        ),
    ])  # fmt: skip


@rescoring_rule("over_achievement", "完成值远超指标值（指标值可能偏低）", "medium", BASIS_SCORING)
def over_achievement(run: ScoredRun, _):
    rows = run.indicators.filter(pl.col("status") == "over")
    return found(
        rows,
        pl.format(
            "完成值{}达到指标值{}的{}倍：应分析指标值是否设定偏低，必要时按偏离程度扣分",
            "actual_raw",
            "target_raw",
            pl.col("actual_ratio").round(2),
        ),
        target_actual_evidence(),
    )


@rescoring_rule("equal_target_missed", "定值指标未精确完成", "low", BASIS_SCORING)
def equal_target_missed(run: ScoredRun, _):
    rows = run.indicators.filter(pl.col("status") == "equal_missed")
    return found(
        rows,
        pl.format("定值指标{}的完成值为{}，偏离指标值", "target_raw", "actual_raw"),
        target_actual_evidence(),
    )


@rescoring_rule("indicator_unscored", "指标无法评分", "high", BASIS_SCORING)
def indicator_unscored(run: ScoredRun, _):
    rows = run.indicators.filter(pl.col("score").is_null())
    return found(
        rows,
        pl.col("note"),
        target_actual_evidence(),
    )


@rescoring_rule("execution_unscored", "预算执行率无法计算", "high", BASIS_SCORING)
def execution_unscored(run: ScoredRun, _):
    rows = run.projects.filter(pl.col("execution_score").is_null())
    return found(
        rows,
        pl.lit("缺少全年预算数或全年执行数，无法计算预算执行率得分；项目总分暂缺"),
        pl.format(
            "全年预算数：{}；全年执行数：{}",
            pl.col("budget_full").cast(pl.String).fill_null("（空）"),
            pl.col("executed").cast(pl.String).fill_null("（空）"),
        ),
        seq=pl.lit(None),
    )


@rescoring_rule("target_changed_in_selfeval", "自评表年度指标值与绩效目标表不一致", "medium")
def target_changed_in_selfeval(run: ScoredRun, _):
    # worked out on the two texts, not the wide frame: only the rows that differ are taken from it
    rows = run.indicators.filter(~stated_target_same(run.indicators).fill_null(True))
    return found(
        rows,
        pl.format(
            "自评表的年度指标值“{}”与批复的绩效目标“{}”不一致：自评应对照批复目标", "selfeval_target_raw", "target_raw"
        ),
        pl.format("目标表：{}；自评表：{}", "target_raw", "selfeval_target_raw"),
    )


@rescoring_rule("actual_unmatched", "实际完成值找不到对应的绩效目标", "high")
def actual_unmatched(run: ScoredRun, _):
    rows = run.unmatched.with_columns(project_id=pl.lit(None, dtype=pl.String), seq=pl.lit(None, dtype=pl.Int32))
    return found(
        rows,
        pl.format("{}在绩效目标表中找不到对应项（按单位、年度、项目名称、指标名称匹配）：未计入评分", "text"),
        pl.format("{}：{}", "source_file", "source_ref"),
    ).with_columns(unit_code=rows["unit_code"])


@rescoring_rule("weights_exceed_group", "分值合计超过一级指标权重", "high", BASIS_SCORING)
def weights_exceed_group(run: ScoredRun, _):
    # the indicators of the group without a 分值 get weight 0 then (never a negative weight)
    rows = (
        run.indicators.filter(pl.col("weight_given_sum") > pl.col("group_weight") + 1e-6)
        .group_by("project_id", "level1", maintain_order=True)
        .agg(pl.col("weight_given_sum").first(), pl.col("group_weight").first(), pl.col("weight").is_null().sum())
    )
    return found(
        rows,
        pl.format(
            "{}各指标分值合计{}分，超过该组权重{}分：未给分值的指标按0分权重计，应核对分值",
            "level1",
            figure("weight_given_sum"),
            figure("group_weight"),
        ),
        pl.format(
            "一级指标：{}；分值合计：{}；组权重：{}", "level1", figure("weight_given_sum"), figure("group_weight")
        ),
        seq=pl.lit(None),
    )
