"""One project in full: its target table, goal text, self-evaluation and findings — the place a
finding leads to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from perfkit.explore.data import Exploration

TARGET_COLUMNS = ["seq", "level1", "level2", "name", "description", "target_raw"]
SELFEVAL_COLUMNS = ["seq", "name", "target_raw", "actual_raw", "weight_given", "self_score", "deviation_reason"]
FINDING_COLUMNS = ["seq", "severity", "rule_title", "message", "evidence"]


@dataclass(frozen=True)
class ProjectView:
    """A project's row, target table, self-evaluation rows (empty without actuals) and findings."""

    project: dict[str, Any]
    targets: pl.DataFrame
    selfeval_project: dict[str, Any] | None
    selfeval: pl.DataFrame
    findings: pl.DataFrame
    focus_seq: int | None = None

    def lines(self) -> list[str]:
        """The project's head in Chinese: unit, name, budget, goal text, execution, findings."""
        p = self.project
        lines = [
            f"项目：{p['project_name']}（{p['unit_code']} {p['unit_name'] or ''}，{p['year']}年度）",
            f"预算数：{p['budget_total']} 万元（财政资金 {p['budget_fiscal']}，其他资金 {p['budget_other']}）",
            "绩效目标：",
            *[f"  {line}" for line in (p["goal_text"] or "（空）").splitlines()],
            f"指标：{self.targets.height} 条；审核发现：{self.findings.height} 个",
        ]
        if self.selfeval_project:
            s = self.selfeval_project
            lines.append(
                f"自评：全年预算数 {s['budget_full']} 万元，执行数 {s['executed']} 万元，自评总分 {s['self_total']}"
            )
        if self.focus_seq is not None:
            row = self.targets.filter(seq=self.focus_seq)
            if row.height:
                lines.append(f"所选发现指向第{self.focus_seq}条：{row['name'][0]}（{row['target_raw'][0]}）")
        return lines


def _project_id(exploration: Exploration, project: str) -> str:
    projects = exploration.tables.projects
    if project in set(projects["project_id"]):
        return project
    hits = projects.filter(pl.col("project_name").str.contains(project, literal=True))
    if hits.height == 0:
        raise KeyError(f"没有项目编号或名称包含“{project}”的项目")
    return hits["project_id"][0]


def project_view(exploration: Exploration, project: str, focus_seq: int | None = None) -> ProjectView:
    """The full view of ``project`` (an id, or text in its name: the first match)."""
    pid = _project_id(exploration, project)
    row = exploration.tables.projects.filter(project_id=pid).row(0, named=True)
    targets = exploration.tables.indicators.filter(project_id=pid).sort("seq").select(TARGET_COLUMNS)
    selfeval_project, selfeval = None, pl.DataFrame()
    if exploration.actuals is not None:
        own = exploration.actuals.projects.filter(project_id=pid)
        selfeval_project = own.row(0, named=True) if own.height else None
        rows = exploration.actuals.indicators.filter(project_id=pid).sort("seq")
        selfeval = rows.select([c for c in SELFEVAL_COLUMNS if c in rows.columns])
    findings = exploration.findings.filter(project_id=pid).select(FINDING_COLUMNS)
    return ProjectView(row, targets, selfeval_project, selfeval, findings, focus_seq)


def finding_view(exploration: Exploration, finding_id: str) -> ProjectView:
    """The project a finding is about, with the finding's indicator row as the focus."""
    hit = exploration.findings.filter(finding_id=finding_id)
    if hit.height == 0 or hit["project_id"][0] is None:
        raise KeyError(f"没有编号为 {finding_id} 且指向项目的审核发现")
    return project_view(exploration, hit["project_id"][0], hit["seq"][0])
