"""The portfolio of a run over many units: one table set and one workbook across all units.

Each unit folder of a batch holds ``summary.json``, ``findings.parquet`` and (with actuals)
``project_scores.parquet``; :func:`read_portfolio` stacks them and :func:`write_portfolio_workbook`
writes the cross-unit working paper: units with links to their reports, every project's score
and grade, and findings per rule × unit.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter

from perfkit.labels import COLUMN_LABELS, SEVERITY_LABELS
from perfkit.workbook import display_width


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


def read_portfolio(root: str | Path) -> Portfolio:
    """Stack the tables of every unit folder in ``root`` (folders sorted by unit code)."""
    root = Path(root)
    units, scores, findings = [], [], []
    for folder in sorted(p.parent for p in root.glob("*/summary.json")):
        record = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        record["grades"] = "，".join(f"{g}{n}" for g, n in record["grades"].items())
        record["report"] = f"{folder.name}/{record['unit_code']}.html"
        record["workbook"] = f"{folder.name}/{record['unit_code']}-审计底稿.xlsx"
        units.append(record)
        if (folder / "project_scores.parquet").exists():
            scores.append(pl.read_parquet(folder / "project_scores.parquet"))
        if (folder / "findings.parquet").exists():
            findings.append(pl.read_parquet(folder / "findings.parquet"))
    return Portfolio(
        pl.DataFrame(units) if units else pl.DataFrame(),
        pl.concat(scores, how="diagonal_relaxed") if scores else pl.DataFrame(),
        pl.concat(findings, how="diagonal_relaxed") if findings else pl.DataFrame(),
    )


def _sheet(book, name: str, frame: pl.DataFrame, header, labels: dict[str, str]) -> object:
    sheet = book.add_worksheet(name)
    for col, column in enumerate(frame.columns):
        label = labels.get(column, COLUMN_LABELS.get(column, column))
        sheet.write_string(0, col, label, header)
        values = frame[column].to_list()
        for row, value in enumerate(values, start=1):
            if value is None:
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, str(value))
        widest = max([display_width(label)] + [display_width(str(v)) for v in values if v is not None])
        sheet.set_column(col, col, min(widest + 2, 60))
    sheet.freeze_panes(1, 0)
    if frame.width:
        sheet.autofilter(0, 0, max(frame.height, 1), frame.width - 1)
    return sheet


def write_portfolio_workbook(portfolio: Portfolio, path: str | Path) -> Path:
    """Write the cross-unit workbook atomically; unit rows link to each unit's report and workbook."""
    path = Path(path)
    labels = {"projects": "项目数", "mean_total": "平均复核得分", "grades": "等级分布", "findings_high": "问题：高",
              "findings_medium": "问题：中", "findings_low": "问题：低", "report": "报告", "workbook": "底稿"}  # fmt: skip
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".partial-") as staging:
        staged = Path(staging) / path.name
        book = xlsxwriter.Workbook(staged, {"strings_to_formulas": False, "strings_to_urls": False})
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        units = _sheet(book, "单位汇总", portfolio.units, header, labels)
        for row, record in enumerate(portfolio.units.iter_rows(named=True), start=1):
            for column in ("report", "workbook"):
                col = portfolio.units.columns.index(column)
                units.write_url(row, col, f"external:{record[column]}", string=record[column])
        if portfolio.project_scores.height:
            _sheet(book, "项目得分", portfolio.project_scores, header, labels)
        pivot = portfolio.findings_by_rule_and_unit()
        _sheet(book, "问题×单位", pivot, header, {"rule_title": "规则"})
        if portfolio.findings.height:
            findings = portfolio.findings.with_columns(pl.col("severity").replace_strict(SEVERITY_LABELS, default=None))
            _sheet(book, "问题清单", findings.select("unit_code", "project_id", "seq", "severity", "rule_title", "message"),
                   header, {"rule_title": "规则"})  # fmt: skip
        book.close()
        os.replace(staged, path)
    return path
