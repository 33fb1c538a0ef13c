"""Re-scoring rules for what auditors and finance reviewers check beyond the scores (issue 25): the
budget against the approved one, budget changes without target changes, money spent against
outputs reported, targets set too low across a project, and deviation reasons that say nothing.

They register in :data:`perfkit.scoring.rescoring.RESCORING_RULES` like the others; every threshold
is a parameter of the rule, set in the ``rescoring:`` section of a params file (or a rules profile).
"""

from __future__ import annotations

import polars as pl

from perfkit.checks.registry import found, target_actual_evidence
from perfkit.scoring.rescoring import (
    BASIS_SCORING,
    ScoredRun,
    below_weight,
    figure,
    has_reason,
    rescoring_rule,
    stated_target_same,
)
from perfkit.text import squashed


@rescoring_rule("initial_budget_differs", "年初预算数与绩效目标表预算数不符", "medium", tolerance_wan=0.005)
def initial_budget_differs(run: ScoredRun, params):
    # only where the target table is loaded: then ``budget_table`` is its 预算数
    rows = run.projects.filter((pl.col("budget_initial") - pl.col("budget_table")).abs() > params["tolerance_wan"])
    return found(
        rows,
        pl.format(
            "自评表年初预算数{}万元与绩效目标表预算数{}万元不符：自评应对照批复的预算和目标",
            figure("budget_initial"),
            figure("budget_table"),
        ),
        pl.format(
            "绩效目标表预算数：{}万元；自评表年初预算数：{}万元", figure("budget_table"), figure("budget_initial")
        ),
        seq=pl.lit(None),
    )


@rescoring_rule("budget_adjusted_targets_unchanged", "预算调整而绩效目标未调整", "medium", min_change_share=0.1)
def budget_adjusted_targets_unchanged(run: ScoredRun, params):
    """全年预算数 moved from 年初预算数 (else the table's 预算数) by more than ``min_change_share`` while
    every target the self-evaluation states is the approved one (预算安排与绩效目标脱节)."""
    stated = run.indicators.select("project_id", "selfeval_target_raw", _same=stated_target_same(run.indicators))
    same = (
        stated.filter(pl.col("selfeval_target_raw").is_not_null())
        .group_by("project_id")
        .agg(pl.len().alias("n_targets"), pl.col("_same").all().alias("_all_same"))
    )
    initial = pl.coalesce("budget_initial", "budget_table")
    rows = (
        run.projects.filter(pl.col("budget_table").is_not_null())
        .join(same.filter("_all_same"), on="project_id")
        .with_columns(_initial=initial, _change=(pl.col("selfeval_budget_full") - initial) / initial)
        .filter((pl.col("_initial") > 0) & (pl.col("_change").abs() > params["min_change_share"]))
    )
    how = pl.when(pl.col("_change") > 0).then(pl.lit("增加")).otherwise(pl.lit("减少"))
    return found(
        rows,
        pl.format(
            "全年预算数由年初{}万元调整为{}万元（{}{}%），{}项年度指标值均与批复目标相同：预算调整而绩效目标未相应调整",
            figure("_initial"),
            figure("selfeval_budget_full"),
            how,
            (pl.col("_change").abs() * 100).round(1),
            "n_targets",
        ),
        pl.format("年初预算数：{}万元；全年预算数：{}万元", figure("_initial"), figure("selfeval_budget_full")),
        seq=pl.lit(None),
    )


@rescoring_rule("execution_below_output", "预算执行率明显低于产出完成程度", "medium", max_gap_points=10.0)
def execution_below_output(run: ScoredRun, params):
    """The output indicators' mean completion (achievement, capped at 100%) above the execution rate by
    more than ``max_gap_points``: outputs reported in full on money not spent (资金支付与项目产出不匹配)."""
    outputs = (
        run.indicators.filter((pl.col("level1") == "产出指标") & pl.col("achievement").is_not_null())
        .group_by("project_id")
        .agg((pl.col("achievement").mean() * 100).alias("_output"), pl.len().alias("n_outputs"))
    )
    rate = pl.col("executed") / pl.col("budget_full") * 100
    rows = (
        run.projects.filter(pl.col("budget_full") > 0)
        .join(outputs, on="project_id")
        .with_columns(_rate=rate)
        .filter(pl.col("_output") - pl.col("_rate") > params["max_gap_points"])
    )
    return found(
        rows,
        pl.format(
            "预算执行率{}%，产出指标平均完成程度{}%，相差{}个百分点：资金支付与产出不匹配，应核实产出完成情况",
            pl.col("_rate").round(1),
            pl.col("_output").round(1),
            (pl.col("_output") - pl.col("_rate")).round(1),
        ),
        pl.format(
            "全年预算数：{}万元；全年执行数：{}万元；产出指标{}项",
            figure("budget_full"),
            figure("executed"),
            "n_outputs",
        ),
        seq=pl.lit(None),
    )


@rescoring_rule(
    "quantity_targets_all_exceeded",
    "数量指标普遍大幅超额完成",
    "medium",
    over_ratio=1.2,
    min_share=1.0,
    min_indicators=2,
)
def quantity_targets_all_exceeded(run: ScoredRun, params):
    """At least ``min_share`` of a project's quantity targets (数量指标, a floor or an ``=``; at least
    ``min_indicators`` of them) reached ``over_ratio`` times the target: the targets were set too low
    for the whole project, not one indicator."""
    quantities = run.indicators.filter(
        pl.col("level2").str.contains("数量").fill_null(False)
        & pl.col("target_op").fill_null(">=").is_in([">=", ">", "="])
        & pl.col("actual_ratio").is_not_null()
    )
    rows = (
        quantities.group_by("project_id")
        .agg(
            pl.len().alias("n"),
            (pl.col("actual_ratio") >= params["over_ratio"]).sum().alias("n_over"),
            pl.col("actual_ratio").min().alias("lowest"),
            pl.format("{}（{}→{}）", "name", "target_raw", "actual_raw").alias("items"),
        )
        .filter((pl.col("n") >= params["min_indicators"]) & (pl.col("n_over") >= pl.col("n") * params["min_share"]))
    )
    return found(
        rows,
        pl.format(
            "{}个数量指标中{}个的完成值达到指标值的{}倍以上（最低{}倍）：指标值整体设定偏低，应按实际产出能力设定",
            "n",
            "n_over",
            pl.lit(f"{params['over_ratio']:g}"),
            pl.col("lowest").round(2),
        ),
        pl.format("数量指标：{}", pl.col("items").list.join("；")),
        seq=pl.lit(None),
    )


@rescoring_rule(
    "boilerplate_deviation_reason", "偏差原因分析流于形式", "medium", BASIS_SCORING,
    reasons=["无", "无偏差", "没有", "暂无", "已完成", "完成", "全部完成", "按计划完成", "达成", "已达成", "/", "—"],
)  # fmt: skip
def boilerplate_deviation_reason(run: ScoredRun, params):
    """A deviation reason that says nothing (one of ``reasons``, punctuation only, or the indicator's
    own name) on an indicator scored below its weight. Whitespace and punctuation are ignored."""
    below = below_weight()
    written = has_reason()
    reason = squashed("deviation_reason")
    listed = pl.DataFrame({"t": params["reasons"]}, schema={"t": pl.String}).select(squashed("t"))["t"]
    empty = reason.is_in(listed.implode()) | (reason == "") | (reason == squashed("name"))
    rows = run.indicators.filter(below.fill_null(False) & written & empty)
    return found(
        rows,
        pl.format(
            "指标得分低于分值（复核{}、自评{}，分值{}），偏差原因只写了“{}”：应分析未完成的原因并提出改进措施",
            figure("score"),
            figure("self_score"),
            figure("weight"),
            pl.col("deviation_reason").str.strip_chars(),
        ),
        pl.format("{}；偏差原因：{}", target_actual_evidence(), pl.col("deviation_reason").str.strip_chars()),
    )
