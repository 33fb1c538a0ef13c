"""The parts of the unit report that are more than one table: the figures and the findings by project.

:func:`unit_figures` puts the summary into a short row of figures; :func:`findings_by_project`
lists the findings of each project (high → low, then row), with the project's goal text and
target table folded under a ``<details>``. Both return :class:`~perfkit.report.html.Html`, which
the unit notebook displays, so JupyterLab and the exported report show the same.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import polars as pl

from perfkit.labels import SEVERITY_LABELS, severity_order
from perfkit.report.audit import mean_total_text
from perfkit.report.html import Html, figures_html, table_html

if TYPE_CHECKING:
    from perfkit.report.audit import UnitAudit

FINDING_COLUMNS = ["severity", "seq", "rule_title", "message", "evidence", "review_status"]
TARGET_COLUMNS = ["seq", "level1", "level2", "name", "description", "target_raw"]


def unit_figures(audit: UnitAudit) -> Html:
    """项目数, 预算合计, findings by severity, mean score and grades, open reviews."""
    findings, projects = audit.findings, audit.targets.projects
    severity = {s: int((findings["severity"] == s).sum()) for s in SEVERITY_LABELS}
    figures = [
        ("单位", f"{audit.unit_code} {audit.unit_name}"),
        ("年度", str(audit.year)),
        ("项目数", str(projects.height)),
        ("预算合计（万元）", f"{float(projects['budget_total'].sum()):,.2f}"),
        ("审核发现", str(findings.height)),
        *[(f"问题：{label}", str(severity[s])) for s, label in SEVERITY_LABELS.items()],
    ]
    if audit.scorecard is not None:
        scores = audit.scorecard.project_scores
        grades = scores["grade"].drop_nulls().value_counts().sort("grade")
        figures.append(("平均复核得分", mean_total_text(scores)))
        figures.append(("等级分布", "，".join(f"{g} {n}" for g, n in grades.iter_rows()) or "—"))
    figures.append(("待复核", str(audit.decision_counts["review_open"])))
    return Html(figures_html(figures), "；".join(f"{k}：{v}" for k, v in figures))


def _anchor(project_id: str | None) -> str:
    return "p-" + "".join(ch if ch.isalnum() or ch == "-" else "_" for ch in (project_id or "unit"))


def findings_by_project(audit: UnitAudit) -> Html:
    """Per project: its findings (high → low, then row), then its goal text and targets under ``<details>``."""
    findings = audit.reviewed_findings.sort([severity_order("severity"), "seq", "rule_id"], nulls_last=False)
    projects = audit.targets.projects
    indicators = audit.targets.indicators
    parts = []
    unit_level = findings.filter(pl.col("project_id").is_null())
    if unit_level.height:
        parts.append(f'<h3 id="{_anchor(None)}">单位整体（{unit_level.height} 个问题）</h3>')
        parts.append(table_html(unit_level.select(FINDING_COLUMNS), None))
    for project in projects.iter_rows(named=True):
        pid = project["project_id"]
        mine = findings.filter(project_id=pid)
        name = html.escape(project["project_name"] or pid)
        parts.append(f'<h3 id="{_anchor(pid)}">{name}（{len(mine)} 个问题）</h3>')
        budget = project["budget_total"]
        parts.append(f"<p>项目编号 {html.escape(pid)}；预算数 {'' if budget is None else f'{budget:,.2f}'} 万元</p>")
        parts.append(table_html(mine.select(FINDING_COLUMNS), "审核发现") if mine.height else "<p>没有审核发现。</p>")
        targets = indicators.filter(project_id=pid).select([c for c in TARGET_COLUMNS if c in indicators.columns])
        goal = html.escape(project.get("goal_text") or "")
        parts.append(
            f"<details><summary>绩效目标与指标表（{targets.height} 条指标）</summary>"
            f'<p><b>绩效目标</b></p><div class="goal">{goal}</div>'
            f"{table_html(targets, '绩效目标表')}</details>"
        )
    return Html("".join(parts), f"按项目列出的审核发现：{findings.height} 个")
