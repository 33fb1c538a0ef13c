"""Charts of a unit audit, with Chinese labels that render on a machine without system CJK fonts.

Charts are :class:`~matplotlib.figure.Figure` objects built without pyplot, so they show only
where they are displayed or saved. One place for the style: :func:`use_cjk_style` registers the
bundled open-licence Noto Sans CJK font (from the ``cvttf-NotoSansCJK-Regular`` wheel, SIL Open Font License) with matplotlib and sets
it as the default family, so no chart falls back to a font without Chinese glyphs.
"""

from __future__ import annotations

from pathlib import Path

import cvttf_NotoSansCJK_Regular
import matplotlib as mpl
import numpy as np
import polars as pl
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from perfkit.labels import SEVERITY_LABELS

CJK_FONT_FILE = Path(cvttf_NotoSansCJK_Regular.__file__).parent / "NotoSansCJKtc-Regular.otf"
GROUP_COLOURS = {"产出指标": "#4C78A8", "效益指标": "#72B7B2", "满意度指标": "#F58518", "预算执行": "#B279A2"}
SEVERITY_COLOURS = {"high": "#D62728", "medium": "#FF9F0E", "low": "#9E9E9E"}


def use_cjk_style() -> str:
    """Register the bundled CJK font and the house style; returns the font family name."""
    font_manager.fontManager.addfont(str(CJK_FONT_FILE))
    family = font_manager.FontProperties(fname=str(CJK_FONT_FILE)).get_name()
    mpl.rcParams.update(
        {
            "font.family": [family],
            "axes.unicode_minus": False,  # the CJK font's minus glyph is used instead of U+2212
            "text.parse_math": False,  # names from documents are text: "$\frac{$" must not be read as maths
            "axes.spines.top": False,
            "axes.spines.right": False,
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "figure.figsize": (8, 4.5),
        }
    )
    return family


def _short(names: list[str], width: int = 14) -> list[str]:
    return [n if len(n) <= width else n[: width - 1] + "…" for n in names]


UNJUDGED_MARK = "部分得分待人工判断，未计入"


def score_by_project(project_scores: pl.DataFrame) -> Figure:
    """Stacked bars: each project's score by level-1 group and budget execution."""
    use_cjk_style()
    parts = {"产出指标": "output_score", "效益指标": "benefit_score", "满意度指标": "satisfaction_score",
             "预算执行": "execution_score"}  # fmt: skip
    fig = Figure(figsize=(8, 0.6 * project_scores.height + 1.5))
    ax = fig.subplots()
    names = _short(project_scores["project_name"].to_list())
    left = [0.0] * project_scores.height
    for label, column in parts.items():
        values = project_scores[column].fill_null(0).to_list()
        ax.barh(names, values, left=left, label=label, color=GROUP_COLOURS[label])
        left = [a + b for a, b in zip(left, values, strict=True)]
    # a part left to a person draws no bar: the bar is said to be short of it, not read as a 0
    unjudged = project_scores.select(pl.any_horizontal(pl.col(list(parts.values())).is_null())).to_series()
    for row, (open_, end) in enumerate(zip(unjudged.to_list(), left, strict=True)):
        if open_:
            ax.text(end + 1, row, UNJUDGED_MARK, va="center", fontsize=8, color="#555555")
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel("得分")
    ax.set_title("各项目复核得分（按一级指标）")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.3 / project_scores.height), ncol=4, fontsize=8)
    fig.tight_layout()
    return fig


def findings_by_rule(findings: pl.DataFrame) -> Figure:
    """Horizontal bars: number of findings per rule (its ``rule_title`` if given), coloured by severity."""
    use_cjk_style()
    label = "rule_title" if "rule_title" in findings.columns else "rule_id"
    counts = findings.group_by(label, "severity").len().sort("len", label, descending=[True, False])
    fig = Figure(figsize=(8, 0.35 * max(counts.height, 1) + 1.5))
    ax = fig.subplots()
    labels = counts[label].to_list()
    colours = [SEVERITY_COLOURS[s] for s in counts["severity"]]
    ax.barh(labels, counts["len"].to_list(), color=colours)
    ax.invert_yaxis()
    ax.set_xlabel("问题数")
    ax.set_title("审核发现（按规则）")
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in SEVERITY_COLOURS.values()]
    ax.legend(handles, [f"严重程度：{v}" for v in SEVERITY_LABELS.values()], loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def achievement_by_indicator(indicator_scores: pl.DataFrame) -> Figure:
    """Dots: each indicator's achievement (完成程度) with its self-evaluation beside it."""
    use_cjk_style()
    frame = indicator_scores.filter(pl.col("achievement").is_not_null()).with_row_index("i")
    fig = Figure()
    ax = fig.subplots()
    ax.scatter(frame["i"], frame["achievement"] * 100, s=14, color="#4C78A8", label="复核完成程度")
    self_share = (frame["self_score"] / frame["weight"] * 100).to_list()
    ax.scatter(frame["i"], self_share, s=14, marker="x", color="#D62728", label="自评得分率")
    ax.axhline(100, color="#9E9E9E", linewidth=0.8)
    ax.set_ylim(0, 110)
    ax.set_xlabel("指标（按项目顺序）")
    ax.set_ylabel("%")
    ax.set_title("指标完成程度与自评得分率")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def budget_vs_execution(projects: pl.DataFrame) -> Figure:
    """Paired bars: full-year budget against execution per project, in 万元."""
    use_cjk_style()
    fig = Figure(figsize=(8, 0.6 * projects.height + 1.5))
    ax = fig.subplots()
    names = _short(projects["project_name"].to_list())
    positions = list(range(projects.height))
    ax.barh([p - 0.2 for p in positions], projects["budget_full"].fill_null(0).to_list(), height=0.4,
            label="全年预算数", color="#BAB0AC")  # fmt: skip
    ax.barh([p + 0.2 for p in positions], projects["executed"].fill_null(0).to_list(), height=0.4,
            label="全年执行数", color="#4C78A8")  # fmt: skip
    ax.set_yticks(positions, names)
    ax.invert_yaxis()
    ax.set_xlabel("万元")
    ax.set_title("预算与执行")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def scores_by_unit(units: pl.DataFrame) -> Figure:
    """Bars: each unit's mean re-scored total (units without scores are left out)."""
    use_cjk_style()
    frame = units.filter(pl.col("mean_total").is_not_null()) if "mean_total" in units.columns else units.clear()
    fig = Figure(figsize=(8, 0.4 * max(frame.height, 1) + 1.5))
    ax = fig.subplots()
    labels = _short([f"{c} {n}" for c, n in zip(frame["unit_code"], frame["unit_name"], strict=True)], 22)
    ax.barh(labels, frame["mean_total"].to_list(), color="#4C78A8")
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    ax.set_xlabel("平均复核得分")
    ax.set_title("各单位平均复核得分")
    fig.tight_layout()
    return fig


def findings_by_rule_and_unit(pivot: pl.DataFrame) -> Figure:
    """A grid of counts: rules (rows) × units (columns), darker for more findings."""
    use_cjk_style()
    units = [c for c in pivot.columns if c != "rule_title"]
    fig = Figure(figsize=(max(6, 0.6 * len(units) + 4), 0.35 * max(pivot.height, 1) + 1.5))
    ax = fig.subplots()
    values = pivot.select(units).to_numpy() if units else [[0]]
    ax.imshow(values, aspect="auto", cmap="Oranges")
    ax.set_xticks(range(len(units)), units, rotation=90)
    ax.set_yticks(range(pivot.height), _short(pivot["rule_title"].to_list(), 18))
    for (row, col), value in np.ndenumerate(values):
        if value:
            ax.text(col, row, int(value), ha="center", va="center", fontsize=7)
    ax.set_title("审核发现：规则 × 单位")
    fig.tight_layout()
    return fig
