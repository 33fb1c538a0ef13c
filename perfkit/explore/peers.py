"""Cross-unit analytics for people: each value beside its peer group, with the median, the bounds,
its robust z-score and a sentence saying why it stands out — or that its group is too small.

The scoring itself is the rules' (:mod:`perfkit.checks.outliers`, :mod:`perfkit.checks.copy_paste`,
:mod:`perfkit.checks.year_over_year`); this module shapes their tables for reading and adds the
budget execution rate (预算执行率), which needs the self-evaluations.
"""

from __future__ import annotations

import polars as pl

from perfkit.checks.copy_paste import copies
from perfkit.checks.outliers import STATUS_LABELS, robust_peers, satisfaction_peers, unit_cost_peers
from perfkit.checks.year_over_year import matched_indicators
from perfkit.load import TargetTables
from perfkit.load.actuals import Actuals

PEER_LABELS = {
    "basis": "口径", "per": "单位", "value": "数值", "how": "测算", "peer_projects": "同类项目数",
    "peer_n": "同类值个数", "peer_median": "同类中位数", "robust_z": "稳健Z分数", "lower": "下界",
    "upper": "上界", "explanation": "说明", "group": "同类组", "judged": "判断", "outliers": "离群数",
    "similarity": "相似度", "copies": "雷同条数", "source_project_name": "雷同来源项目", "source_seq": "来源序号",
    "source_text": "来源文字", "text": "指标文字", "change": "变化", "prev_year": "上年", "prev_target_raw": "上年指标值",
    "prev_budget_total": "上年预算（万元）", "status": "判断结果",
}  # fmt: skip


def labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """Chinese headers for the analytics' own columns and status codes (the rest via ``for_people``)."""
    if "status" in frame.columns:
        frame = frame.with_columns(pl.col("status").replace_strict(STATUS_LABELS, default=pl.col("status")))
    return frame.rename({c: PEER_LABELS[c] for c in frame.columns if c in PEER_LABELS})


def _explained(scored: pl.DataFrame, unit: str) -> pl.DataFrame:
    r = lambda c: pl.col(c).round(2)  # noqa: E731
    why = (
        pl.when(pl.col("status") == "too_few")
        .then(pl.format("同类仅{}个项目，不足以判断", "peer_projects"))
        .when(pl.col("status") == "high")
        .then(pl.format("{}{}高于上界{}（中位数{}的{}倍，稳健Z分数{}）", r("value"), pl.lit(unit), r("upper"),
                        r("peer_median"), (pl.col("value") / pl.col("peer_median")).round(1), pl.col("robust_z").round(1)))
        .when(pl.col("status") == "low")
        .then(pl.format("{}{}低于下界{}（中位数{}的{}倍，稳健Z分数{}）", r("value"), pl.lit(unit), r("lower"),
                        r("peer_median"), (pl.col("value") / pl.col("peer_median")).round(2), pl.col("robust_z").round(1)))
        .otherwise(pl.format("在{}–{}之间，属正常", r("lower"), r("upper")))
    )  # fmt: skip
    return scored.with_columns(explanation=why)


def unit_cost_table(tables: TargetTables, **params: float) -> pl.DataFrame:
    """Every unit cost with its peer group's statistics, status and explanation, outliers first."""
    scored = _explained(unit_cost_peers(tables, **params), "元")
    return _outliers_first(scored)


def satisfaction_table(tables: TargetTables, **params: float) -> pl.DataFrame:
    """Every satisfaction target (≥…%) against all others, outliers first."""
    return _outliers_first(_explained(satisfaction_peers(tables, **params), "%"))


def execution_table(
    actuals: Actuals, min_peers: int = 5, threshold: float = 3.5, min_gap: float = 15.0
) -> pl.DataFrame:
    """Budget execution rate (全年执行数 ÷ 全年预算数, %) of every self-evaluated project against the others."""
    rates = actuals.projects.filter(pl.col("budget_full") > 0).select(
        "project_id", "unit_code", "project_name", per=pl.lit("%"),
        value=(pl.col("executed") / pl.col("budget_full") * 100).round(2),
    )  # fmt: skip
    scored = robust_peers(rates, ["per"], min_peers, threshold, log=False, min_gap=min_gap)
    return _outliers_first(_explained(scored, "%"))


def _outliers_first(scored: pl.DataFrame) -> pl.DataFrame:
    rank = pl.col("status").replace_strict({"high": 0, "low": 0, "normal": 1, "too_few": 2}, return_dtype=pl.Int8)
    return scored.sort(rank, pl.col("robust_z").abs(), descending=[False, True], maintain_order=True)


def peer_groups(scored: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """One row per peer group: projects, median, bounds, outliers, and whether it was judged."""
    return (
        scored.group_by(group, maintain_order=True)
        .agg(
            pl.col("peer_projects").first(),
            pl.col("peer_median").first(),
            pl.col("lower").first(),
            pl.col("upper").first(),
            pl.col("status").is_in(["high", "low"]).sum().alias("outliers"),
            (pl.col("status").first() != "too_few").alias("judged"),
        )
        .sort("judged", "peer_projects", descending=True)
    )


def focus_group(scored: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """The peer group worth a chart: that of the strongest outlier, else the largest judged group, else the largest."""
    if scored.height == 0:
        return scored
    order = scored.with_columns(
        _out=pl.col("status").is_in(["high", "low"]),
        _judged=pl.col("status") != "too_few",
        _z=pl.col("robust_z").abs(),
    ).sort("_out", "_judged", "peer_n", "_z", descending=True)
    key = order.select(group).row(0, named=True)
    return scored.filter(**key)


def small_groups_note(scored: pl.DataFrame, group: list[str], what: str) -> str:
    """One sentence on what was not judged (instead of a line per small group)."""
    small = scored.filter(pl.col("status") == "too_few")
    judged = scored.filter(pl.col("status") != "too_few")
    outliers = scored.filter(pl.col("status").is_in(["high", "low"])).height
    n_groups = lambda f: f.select(pl.struct(group).n_unique()).item() if f.height else 0  # noqa: E731
    text = f"{what}：{scored.height} 个值，{n_groups(judged)} 个同类组可判断，离群 {outliers} 个"
    if small.height:
        text += f"；另有 {n_groups(small)} 个同类组（{small.height} 个值）同类项目不足，未作判断"
    return text + "。"


def copy_table(tables: TargetTables, min_chars: int = 12, threshold: float = 0.8) -> pl.DataFrame:
    """Indicators whose text another, earlier project already has (see :func:`perfkit.checks.copy_paste.copies`)."""
    return copies(tables, min_chars, threshold).select(
        "unit_code", "project_id", "seq", "name", "text", "source_project_name", "source_seq", "source_text",
        pl.col("similarity").round(2), "copies",
    )  # fmt: skip


def year_over_year_table(tables: TargetTables) -> pl.DataFrame:
    """Matched indicators of consecutive years with what changed; empty for one year.

    ``change``: 不变, 写法变化 (same number written differently), 降低 / 提高 (a lower bound such as
    ≥500人), 放宽 / 收紧 (an upper bound such as ≤12月 or a cost ceiling), 删除 (dropped), 新增 (new).
    """
    rows = matched_indicators(tables)
    if rows.height == 0:
        return rows
    lower_bound = pl.col("target_op").fill_null("=").is_in([">=", ">", "="])
    change = (
        pl.when(pl.col("seq").is_null()).then(pl.lit("删除"))
        .when(pl.col("prev_seq").is_null()).then(pl.lit("新增"))
        .when(pl.col("target_raw") == pl.col("prev_target_raw")).then(pl.lit("不变"))
        .when(pl.col("target_value") == pl.col("prev_target_value")).then(pl.lit("写法变化"))
        .when(lower_bound & (pl.col("target_value") < pl.col("prev_target_value"))).then(pl.lit("降低"))
        .when(lower_bound).then(pl.lit("提高"))
        .when(pl.col("target_value") > pl.col("prev_target_value")).then(pl.lit("放宽"))
        .otherwise(pl.lit("收紧"))
    )  # fmt: skip
    return rows.with_columns(change=change).select(
        "unit_code", "project_name", "year", "budget_total", "prev_year", "prev_budget_total",
        pl.coalesce("name", "prev_name").alias("name"), "prev_target_raw", "target_raw", "change",
    )  # fmt: skip
