"""Charts of the explorations, in the house style of :mod:`perfkit.report.charts` (bundled CJK font)."""

from __future__ import annotations

import polars as pl
from matplotlib.figure import Figure

from perfkit.report.charts import _short, use_cjk_style

_OUTLIER, _NORMAL, _UNJUDGED = "#D62728", "#4C78A8", "#BAB0AC"
MAX_BARS = 40


def peer_chart(scored: pl.DataFrame, title: str, unit: str, log: bool = False) -> Figure:
    """One peer group as bars (each project's value), its median and outlier bounds as lines.

    ``scored`` is one group from :func:`perfkit.checks.outliers.robust_peers`; past ``MAX_BARS``
    members only the outliers and the members nearest the median are drawn (the title says so).
    """
    use_cjk_style()
    frame = scored.sort("value")
    if frame.height > MAX_BARS:
        median = frame["peer_median"][0]
        near = frame.with_columns(_d=(pl.col("value") - median).abs()).sort("_d").head(MAX_BARS // 2).drop("_d")
        frame = pl.concat([frame.filter(pl.col("status").is_in(["high", "low"])), near]).unique().sort("value")
        title += f"（共{scored.height}个，显示离群值及中位数附近{frame.height}个）"
    fig = Figure(figsize=(8, 0.32 * frame.height + 1.8))
    ax = fig.subplots()
    seqs = frame["seq"].to_list() if "seq" in frame.columns else [None] * frame.height
    labels = _short([n if s is None else f"{n}·{s}" for n, s in zip(frame["project_name"], seqs, strict=True)], 22)
    colours = [_OUTLIER if s in ("high", "low") else _UNJUDGED if s == "too_few" else _NORMAL for s in frame["status"]]
    ax.barh(range(frame.height), frame["value"].to_list(), color=colours)
    ax.set_yticks(range(frame.height), labels, fontsize=8)
    first = frame.row(0, named=True) if frame.height else None
    if first is not None:
        ax.axvline(first["peer_median"], color="#333333", linewidth=1, label=f"中位数 {first['peer_median']:.2f}{unit}")
        if first["status"] == "too_few":  # bounds of a group too small to judge would only mislead
            title += "（同类不足，未判断）"
        else:
            for bound, name in ((first["lower"], "下界"), (first["upper"], "上界")):
                ax.axvline(bound, color=_OUTLIER, linestyle="--", linewidth=0.8, label=f"{name} {bound:.2f}{unit}")
    if log:
        ax.set_xscale("log")
    ax.invert_yaxis()
    ax.set_xlabel(unit + ("（对数刻度）" if log else ""))
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    return fig


def changes_chart(year_over_year: pl.DataFrame) -> Figure:
    """Bars: number of indicators by year-over-year change (不变、降低、删除 …)."""
    use_cjk_style()
    counts = year_over_year.group_by("change").len().sort("len", descending=True)
    fig = Figure(figsize=(6, 0.4 * max(counts.height, 1) + 1.5))
    ax = fig.subplots()
    ax.barh(counts["change"].to_list(), counts["len"].to_list(), color=_NORMAL)
    ax.invert_yaxis()
    ax.set_xlabel("指标数")
    ax.set_title("指标较上年的变化")
    fig.tight_layout()
    return fig
