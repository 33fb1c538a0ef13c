"""The portfolio of a run over many units: one table set and one workbook across all units.

Each unit folder of a batch holds ``summary.json``, ``findings.parquet`` and (with actuals)
``project_scores.parquet``; :func:`read_portfolio` stacks them and :func:`write_portfolio_workbook`
writes the cross-unit working paper: units with links to their reports, every project's score
and grade, and findings per rule × unit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from perfkit.workbook import atomic_workbook


@dataclass(frozen=True)
class Portfolio:
    """Units (one row each), project scores and findings of every unit of a run."""

    units: pl.DataFrame
    project_scores: pl.DataFrame
    findings: pl.DataFrame

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


def _unit_folders(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("*/summary.json"))


def read_units(root: str | Path) -> pl.DataFrame:
    """One row per unit folder of ``root`` (its ``summary.json``), with the folder and report paths."""
    records = []
    for folder in _unit_folders(Path(root)):
        record = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        record["grades"] = "，".join(f"{g}{n}" for g, n in record["grades"].items())
        record["folder"] = folder.name
        record["report"] = f"{folder.name}/{record['unit_code']}.html"
        record["workbook"] = f"{folder.name}/{record['unit_code']}-审计底稿.xlsx"
        records.append(record)
    return pl.DataFrame(records) if records else pl.DataFrame()


def read_portfolio(root: str | Path) -> Portfolio:
    """Stack the tables of every unit folder in ``root`` (folders sorted by unit code)."""
    root = Path(root)
    scores, findings = [], []
    for folder in _unit_folders(root):
        if (folder / "project_scores.parquet").exists():
            scores.append(pl.read_parquet(folder / "project_scores.parquet"))
        if (folder / "findings.parquet").exists():
            findings.append(pl.read_parquet(folder / "findings.parquet"))
    return Portfolio(
        read_units(root).drop("folder", strict=False),
        pl.concat(scores, how="diagonal_relaxed") if scores else pl.DataFrame(),
        pl.concat(findings, how="diagonal_relaxed") if findings else pl.DataFrame(),
    )


def write_portfolio_workbook(portfolio: Portfolio, path: str | Path) -> Path:
    """Write the cross-unit workbook atomically; unit rows link to each unit's report and workbook."""
    with atomic_workbook(path) as wb:
        units = wb.table("单位汇总", portfolio.units)
        for row, record in enumerate(portfolio.units.iter_rows(named=True), start=1):
            for column in ("report", "workbook"):
                units.write_url(
                    row, portfolio.units.columns.index(column), f"external:{record[column]}", string=record[column]
                )
        if portfolio.project_scores.height:
            wb.table("项目得分", portfolio.project_scores)
        wb.table("问题×单位", portfolio.findings_by_rule_and_unit())
        if portfolio.findings.height:
            wb.table(
                "问题清单",
                portfolio.findings.select("unit_code", "project_id", "seq", "severity", "rule_title", "message"),
            )
    return Path(path)
