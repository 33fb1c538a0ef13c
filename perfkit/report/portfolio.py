"""The cross-unit working paper of a run over many units (``portfolio.xlsx``).

:class:`Portfolio` holds the units, project scores and findings of every unit of a run
(:func:`perfkit.run.portfolio.read_portfolio` stacks them); :func:`write_portfolio_workbook`
writes units with links to their reports, every project's score and grade, findings per
rule × unit and the cross-unit 异常分析 findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from perfkit.output import write_table_atomically
from perfkit.report.html import Html, figures_html
from perfkit.report.workbook import atomic_workbook

CROSS_UNIT_FILE = "cross_unit_findings.parquet"


@dataclass(frozen=True)
class Portfolio:
    """Units (one row each), project scores and findings of every unit of a run."""

    units: pl.DataFrame
    project_scores: pl.DataFrame
    findings: pl.DataFrame
    cross_unit_findings: pl.DataFrame = field(default_factory=pl.DataFrame)

    def findings_by_rule_and_unit(self) -> pl.DataFrame:
        """Number of findings per rule (rows) and unit (columns)."""
        if self.findings.height == 0:
            return pl.DataFrame({"rule_title": []}, schema={"rule_title": pl.String})
        counts = self.findings.group_by("rule_title", "unit_code").len()
        return (
            counts.pivot(on="unit_code", index="rule_title", values="len", sort_columns=True)
            .fill_null(0)
            .sort("rule_title")
        )


def portfolio_figures(portfolio: Portfolio) -> Html:
    """The run in a few figures: units, projects, budget, findings by severity, cross-unit findings."""
    units = portfolio.units
    total = (lambda c: int(units[c].sum()) if c in units.columns else 0) if units.height else (lambda c: 0)
    budget = float(units["budget_total"].sum()) if units.height else 0.0
    figures = [("单位数", str(units.height)), ("项目数", str(total("projects"))), ("预算合计（万元）", f"{budget:,.2f}"),
               ("问题：高", str(total("findings_high"))), ("问题：中", str(total("findings_medium"))),
               ("问题：低", str(total("findings_low"))), ("跨单位异常", str(portfolio.cross_unit_findings.height))]  # fmt: skip
    return Html(figures_html(figures), "；".join(f"{k}：{v}" for k, v in figures))


def write_portfolio_workbook(portfolio: Portfolio, path: str | Path) -> Path:
    """Write the cross-unit workbook atomically; unit rows link to each unit's report and workbook."""
    units = portfolio.units
    # a unit audited for several years has a row per year: named once
    codes = list(dict.fromkeys(units["unit_code"].to_list())) if units.height else []
    years = sorted({str(y) for y in units["year"].to_list()}) if "year" in units.columns else []
    entity = f"跨单位组合分析（{len(codes)} 个单位：{'、'.join(codes[:4])}{'等' if len(codes) > 4 else ''}）"
    with atomic_workbook(path, entity, f"组合-{'、'.join(years) or '年度'}", kind="跨单位审计工作底稿") as wb:
        sheet = wb.table("单位汇总", units)
        for row, record in enumerate(units.iter_rows(named=True), start=1):
            for column in ("report", "workbook"):
                sheet.write_url(row, units.columns.index(column), f"external:{record[column]}", string=record[column])
        if portfolio.project_scores.height:
            wb.table("项目得分", portfolio.project_scores)
        wb.table("问题×单位", portfolio.findings_by_rule_and_unit())
        if portfolio.findings.height:
            wb.table(
                "问题清单",
                portfolio.findings.select("unit_code", "project_id", "seq", "severity", "rule_title", "message"),
            )
        if portfolio.cross_unit_findings.height:
            wb.table(
                "跨单位异常",
                portfolio.cross_unit_findings.select(
                    "unit_code", "project_id", "seq", "severity", "rule_title", "message", "evidence"
                ),
            )
    if portfolio.cross_unit_findings.columns:
        write_table_atomically(portfolio.cross_unit_findings, Path(path).parent / CROSS_UNIT_FILE)
    return Path(path)
