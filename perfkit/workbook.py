"""The unit audit workbook (审计工作底稿), written with XlsxWriter.

Sheets: 概览, 项目, 指标, 审核发现, 评分, 图表, 数据来源. Frozen headers, filters, widths that fit
Chinese text (wide characters count double), number formats for 万元 and %, conditional formats
on scores and severities. Every text cell from an input document is written with
``write_string``, so a cell such as ``=1+1`` or ``+86…`` stays text and never becomes a formula.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import xlsxwriter

if TYPE_CHECKING:
    from perfkit.unit_audit import UnitAudit

from perfkit.labels import COLUMN_LABELS, KIND_LABELS, SEVERITY_LABELS, STATUS_LABELS

MONEY_COLUMNS = {"budget_total", "budget_fiscal", "budget_other", "budget_full", "executed"}
PERCENT_COLUMNS = {"achievement"}
SCORE_COLUMNS = {"weight", "score", "self_score", "score_diff", "output_score", "benefit_score",
                 "satisfaction_score", "execution_score", "total", "self_total", "total_diff"}  # fmt: skip
CODES = {"severity": SEVERITY_LABELS, "target_kind": KIND_LABELS, "status": STATUS_LABELS}
_MAX_WIDTH = 60


def display_width(text: str) -> int:
    """Columns a text takes in Excel: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class SheetWriter:
    """An XlsxWriter workbook with perfkit's formats and a method that writes a frame as a sheet."""

    def __init__(self, path: Path) -> None:
        self.book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
        add = self.book.add_format
        self.header = add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        self.text = add({"text_wrap": True, "valign": "top"})
        self.money = add({"num_format": "#,##0.00", "valign": "top"})
        self.percent = add({"num_format": "0.0%", "valign": "top"})
        self.score = add({"num_format": "0.00", "valign": "top"})
        self.number = add({"valign": "top"})
        self.title = add({"bold": True, "font_size": 14})
        self.red = add({"bg_color": "#F8CBAD"})
        self.amber = add({"bg_color": "#FFE699"})

    def table(self, name: str, frame: pl.DataFrame, note: str | None = None) -> object:
        """A sheet holding ``frame`` with Chinese headers, frozen header row and a filter."""
        sheet = self.book.add_worksheet(name)
        frame = frame.with_columns(
            [pl.col(c).replace_strict(m, default=pl.col(c)) for c, m in CODES.items() if c in frame.columns]
        )
        top = 0
        if note:
            sheet.write_string(0, 0, note, self.title)
            top = 1
        for col, column in enumerate(frame.columns):
            label = COLUMN_LABELS.get(column, column)
            sheet.write_string(top, col, label, self.header)
            fmt = self._format(column)
            values = frame[column].to_list()
            for row, value in enumerate(values, start=top + 1):
                self._write(sheet, row, col, value, fmt)
            widest = max([display_width(label)] + [display_width(str(v)) for v in values if v is not None])
            sheet.set_column(col, col, min(widest + 2, _MAX_WIDTH))
        sheet.freeze_panes(top + 1, 0)
        if frame.width:
            sheet.autofilter(top, 0, top + max(frame.height, 1), frame.width - 1)
        self._conditional(sheet, frame, top)
        return sheet

    def _format(self, column: str):
        if column in MONEY_COLUMNS:
            return self.money
        if column in PERCENT_COLUMNS:
            return self.percent
        if column in SCORE_COLUMNS:
            return self.score
        return self.text

    def _write(self, sheet, row: int, col: int, value, fmt) -> None:
        if value is None:
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value, fmt)
        else:
            sheet.write_string(row, col, str(value), fmt)

    def _conditional(self, sheet, frame: pl.DataFrame, top: int) -> None:
        last = top + max(frame.height, 1)
        if "severity" in frame.columns:
            col = frame.columns.index("severity")
            sheet.conditional_format(
                top + 1, col, last, col, {"type": "cell", "criteria": "==", "value": '"高"', "format": self.red}
            )
            sheet.conditional_format(
                top + 1, col, last, col, {"type": "cell", "criteria": "==", "value": '"中"', "format": self.amber}
            )
        for column in ("achievement", "total"):
            if column in frame.columns:
                col = frame.columns.index(column)
                sheet.conditional_format(top + 1, col, last, col, {"type": "data_bar", "bar_color": "#9BC2E6"})
        if "score_diff" in frame.columns:
            col = frame.columns.index("score_diff")
            sheet.conditional_format(
                top + 1, col, last, col, {"type": "cell", "criteria": ">", "value": 0, "format": self.red}
            )


def _overview(wb: SheetWriter, audit: UnitAudit) -> None:
    overview = audit.overview
    findings = audit.findings
    sheet = wb.book.add_worksheet("概览")
    sheet.write_string(0, 0, f"{audit.unit_code} {audit.unit_name} {audit.year}年度项目绩效审计底稿", wb.title)
    facts = [
        ("项目数", overview.height),
        ("预算合计（万元）", float(overview["budget_total"].sum())),
        ("审核发现：高", int((findings["severity"] == "high").sum())),
        ("审核发现：中", int((findings["severity"] == "medium").sum())),
        ("审核发现：低", int((findings["severity"] == "low").sum())),
    ]
    if "total" in overview.columns:
        facts.append(("平均复核得分", overview["total"].mean()))
    for row, (key, value) in enumerate(facts, start=2):
        sheet.write_string(row, 0, key, wb.header)
        wb._write(sheet, row, 1, value, wb.money if isinstance(value, float) else wb.number)
    start = len(facts) + 3
    for col, column in enumerate(overview.columns):
        sheet.write_string(start, col, COLUMN_LABELS.get(column, column), wb.header)
        for row, value in enumerate(overview[column].to_list(), start=start + 1):
            wb._write(sheet, row, col, value, wb._format(column))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, overview.width, 12)


def _charts(wb: SheetWriter, audit: UnitAudit) -> None:
    sheet = wb.book.add_worksheet("图表")
    counts = audit.findings.group_by("rule_title").len().sort("len", "rule_title", descending=[True, False])
    sheet.write_string(0, 0, "规则", wb.header)
    sheet.write_string(0, 1, "问题数", wb.header)
    for row, (title, n) in enumerate(counts.iter_rows(), start=1):
        sheet.write_string(row, 0, title or "")
        sheet.write_number(row, 1, n)
    chart = wb.book.add_chart({"type": "bar"})
    chart.add_series(
        {"name": "问题数", "categories": ["图表", 1, 0, counts.height, 0], "values": ["图表", 1, 1, counts.height, 1]}
    )
    chart.set_title({"name": "审核发现（按规则）"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})
    chart.set_size({"width": 720, "height": 24 * counts.height + 120})
    sheet.insert_chart(0, 3, chart)
    if audit.scorecard is not None:
        scores = audit.scorecard.project_scores
        base = counts.height + 3
        sheet.write_string(base, 0, "项目", wb.header)
        sheet.write_string(base, 1, "复核总分", wb.header)
        sheet.write_string(base, 2, "自评总分", wb.header)
        for row, r in enumerate(scores.iter_rows(named=True), start=base + 1):
            sheet.write_string(row, 0, r["project_name"])
            wb._write(sheet, row, 1, r["total"], wb.score)
            wb._write(sheet, row, 2, r["self_total"], wb.score)
        bars = wb.book.add_chart({"type": "bar"})
        for col, name in ((1, "复核总分"), (2, "自评总分")):
            bars.add_series({"name": name, "categories": ["图表", base + 1, 0, base + scores.height, 0],
                             "values": ["图表", base + 1, col, base + scores.height, col]})  # fmt: skip
        bars.set_title({"name": "复核总分与自评总分"})
        bars.set_x_axis({"min": 0, "max": 100})
        bars.set_y_axis({"reverse": True})
        sheet.insert_chart(base, 3, bars)
    sheet.set_column(0, 0, 36)


@contextmanager
def atomic_workbook(path: str | Path) -> Iterator[SheetWriter]:
    """A :class:`SheetWriter` whose file appears at ``path`` only once it is complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".partial-") as staging:
        staged = Path(staging) / path.name
        writer = SheetWriter(staged)
        yield writer
        writer.book.close()
        os.replace(staged, path)


def write_workbook(audit: UnitAudit, path: str | Path) -> Path:
    """Write the audit workbook to ``path`` atomically (a failed write leaves no file)."""
    with atomic_workbook(path) as wb:
        _overview(wb, audit)
        wb.table("项目", audit.targets.projects.drop("source_file"))
        wb.table("指标", audit.targets.indicators)
        findings = audit.findings.select(
            "finding_id", "severity", "rule_id", "rule_title", "project_id", "seq", "message", "evidence", "basis"
        )
        wb.table("审核发现", findings)
        if audit.scorecard is not None:
            wb.table("评分", audit.scorecard.indicator_scores.drop("unit_code", "actual_ratio"))
            wb.table("项目得分", audit.scorecard.project_scores)
        _charts(wb, audit)
        about = wb.book.add_worksheet("数据来源")
        about.write_string(0, 0, "项目", wb.header)
        about.write_string(0, 1, "内容", wb.header)
        for row, (key, value) in enumerate(audit.provenance, start=1):
            about.write_string(row, 0, key)
            about.write_string(row, 1, value, wb.text)
        about.set_column(0, 0, 40)
        about.set_column(1, 1, 100)
    return Path(path)
