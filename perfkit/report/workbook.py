"""The unit audit workbook (审计工作底稿), written with XlsxWriter.

Sheets: 概览, 项目, 指标, 审核发现, 已消除的发现, 抽样, 评分, 项目得分, 图表, 数据来源. Frozen headers,
filters, widths that fit
Chinese text (wide characters count double), number formats for 万元 and %, conditional formats
on scores and severities. Every text cell from an input document is written with
``write_string``, so a cell such as ``=1+1`` or ``+86…`` stays text and never becomes a formula.

The 审核发现 sheet is protected except its review columns (复核状态 as a drop-down, 复核人,
复核意见, 复核日期), which auditors fill in and ``perfkit review import`` reads back; two hidden
columns (单位编码, 复核版本) tell the importer which finding and which decision a row showed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import xlsxwriter

if TYPE_CHECKING:
    from perfkit.report.audit import UnitAudit

from perfkit.labels import COLUMN_LABELS, KIND_LABELS, REVIEW_STATUS_LABELS, SEVERITY_LABELS, STATUS_LABELS
from perfkit.output import atomic_path
from perfkit.review.importer import FINDINGS_SHEET
from perfkit.review.store import REVIEW_FIELDS

MONEY_COLUMNS = {"budget_total", "budget_fiscal", "budget_other", "budget_full", "executed"}
PERCENT_COLUMNS = {"achievement"}
SCORE_COLUMNS = {"weight", "score", "self_score", "score_diff", "output_score", "benefit_score",
                 "satisfaction_score", "execution_score", "total", "self_total", "total_diff"}  # fmt: skip
CODES = {"severity": SEVERITY_LABELS, "target_kind": KIND_LABELS, "status": STATUS_LABELS,
         "review_status": REVIEW_STATUS_LABELS}  # fmt: skip
FINDING_COLUMNS = [
    "finding_id",
    "severity",
    "rule_id",
    "rule_title",
    "project_id",
    "seq",
    "message",
    "evidence",
    "basis",
]
HIDDEN_REVIEW_COLUMNS = ["unit_code", "decision_version"]
RESOLVED_SHEET = "已消除的发现"
SAMPLE_SHEET = "抽样"
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
    counts = audit.decision_counts
    facts += [(f"复核：{COLUMN_LABELS[key]}", counts[key]) for key in counts]
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


def _findings(wb: SheetWriter, audit: UnitAudit) -> None:
    """The findings with their review columns open for input and everything else locked."""
    frame = audit.reviewed_findings.select(*FINDING_COLUMNS, *REVIEW_FIELDS, *HIDDEN_REVIEW_COLUMNS)
    sheet = wb.table(FINDINGS_SHEET, frame)
    add = wb.book.add_format
    open_text = add({"locked": False, "bg_color": "#FFF2CC", "text_wrap": True, "valign": "top"})
    open_date = add({"locked": False, "bg_color": "#FFF2CC", "num_format": "yyyy-mm-dd", "valign": "top"})
    last = max(frame.height, 1)
    for column in REVIEW_FIELDS:
        col = frame.columns.index(column)
        values = frame[column].to_list()
        if column == "review_status":
            values = [REVIEW_STATUS_LABELS[v] for v in values]
        for row, value in enumerate(values, start=1):
            if column == "reviewed_on" and value:
                sheet.write_datetime(row, col, date.fromisoformat(value), open_date)
            else:
                wb._write(sheet, row, col, value, open_text)
        sheet.set_column(
            col, col, 14 if column != "review_note" else 30, open_date if column == "reviewed_on" else open_text
        )
    status = frame.columns.index("review_status")
    sheet.data_validation(1, status, last, status, {"validate": "list", "source": list(REVIEW_STATUS_LABELS.values())})
    when = frame.columns.index("reviewed_on")
    sheet.data_validation(1, when, last, when, {"validate": "date", "criteria": ">=", "value": date(2000, 1, 1)})
    first_hidden = frame.columns.index(HIDDEN_REVIEW_COLUMNS[0])
    sheet.set_column(first_hidden, frame.width - 1, None, None, {"hidden": True})
    sheet.protect("", {"autofilter": True, "format_columns": True, "format_rows": True})


def _resolved(wb: SheetWriter, audit: UnitAudit) -> None:
    resolved = audit.review.resolved
    if not audit.review.store:
        note = "未使用复核库：无法与以前的运行比较"
    elif resolved.height:
        note = f"以前的运行中出现、本次运行未再出现的问题：{resolved.height} 个（保留其复核决定）"
    else:
        note = "没有已消除的问题"
    columns = ["finding_id", "severity", "rule_id", "project_id", "seq", "message", "evidence", *REVIEW_FIELDS,
               "first_seen", "resolved_at"]  # fmt: skip
    frame = resolved.select(columns) if resolved.height else pl.DataFrame(schema={c: pl.String for c in columns})
    wb.table(RESOLVED_SHEET, frame, note=note)


def _sample(wb: SheetWriter, audit: UnitAudit) -> None:
    sample = audit.sample
    sheet = wb.book.add_worksheet(SAMPLE_SHEET)
    sheet.write_string(0, 0, "抽样记录（按以下方法、种子与总体可重现）", wb.title)
    for row, (key, value) in enumerate(sample.record, start=1):
        sheet.write_string(row, 0, key, wb.header)
        sheet.write_string(row, 1, value, wb.text)
    selection = sample.for_people()
    top = len(sample.record) + 2
    for col, column in enumerate(selection.columns):
        sheet.write_string(top, col, column, wb.header)
        for row, value in enumerate(selection[column].to_list(), start=top + 1):
            wb._write(sheet, row, col, value, wb.money if column == "金额（万元）" else wb.text)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, selection.width, 14)


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
    with atomic_path(path) as staged:
        writer = SheetWriter(staged)
        yield writer
        writer.book.close()


def write_workbook(audit: UnitAudit, path: str | Path) -> Path:
    """Write the audit workbook to ``path`` atomically (a failed write leaves no file)."""
    with atomic_workbook(path) as wb:
        _overview(wb, audit)
        wb.table("项目", audit.targets.projects.drop("source_file"))
        wb.table("指标", audit.targets.indicators)
        _findings(wb, audit)
        _resolved(wb, audit)
        if audit.sample is not None:
            _sample(wb, audit)
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
