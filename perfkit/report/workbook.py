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

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import xlsxwriter

if TYPE_CHECKING:
    from perfkit.report.audit import UnitAudit

from perfkit.labels import CODE_LABELS as CODES
from perfkit.labels import (
    COLUMN_LABELS,
    MONEY_COLUMNS,
    PERCENT_COLUMNS,
    REVIEW_STATUS_LABELS,
    SCORE_COLUMNS,
    severity_order,
)
from perfkit.output import atomic_path
from perfkit.report.paper import write_overview
from perfkit.report.print_setup import column_widths, index_number, row_heights, setup_print
from perfkit.review.importer import FINDINGS_SHEET
from perfkit.review.store import REVIEW_FIELDS

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
# 13 printed columns on one A4 width: the long texts wrap in columns of moderate width; the hidden
# columns neither print nor shape row heights
_FINDING_WIDTHS = {"finding_id": 14, "rule_id": 16, "rule_title": 18, "project_id": 18, "message": 40, "evidence": 34,
                   "basis": 26} | dict.fromkeys(HIDDEN_REVIEW_COLUMNS, 8)  # fmt: skip
RESOLVED_SHEET = "已消除的发现"
SAMPLE_SHEET = "抽样"


class SheetWriter:
    """An XlsxWriter workbook with perfkit's formats and print setup, and a method that writes a frame as a sheet.

    ``entity`` heads every printed page (the unit: name and code); ``index_prefix`` makes each
    sheet's 索引号 (``562301-2025`` → ``562301-2025-01`` for the first sheet).
    """

    def __init__(self, path: Path, entity: str = "", index_prefix: str = "perfkit", kind: str = "审计工作底稿") -> None:
        self.book = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
        self.entity, self.index_prefix, self.kind, self.sheets = entity, index_prefix, kind, 0
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

    @property
    def current_index(self) -> str:
        """The 索引号 of the sheet added last."""
        return index_number(self.index_prefix, self.sheets)

    def add_sheet(self, name: str):
        """A new worksheet, numbered for its 索引号."""
        self.sheets += 1
        return self.book.add_worksheet(name)

    def printed(self, sheet, title: str, last_row: int, last_col: int, header_row: int | None = None) -> None:
        """Give ``sheet`` perfkit's page setup (A4 landscape, one page wide, header and footer)."""
        setup_print(sheet, self.entity, title, self.current_index, last_row, last_col, header_row, self.kind)

    def table(
        self, name: str, frame: pl.DataFrame, note: str | None = None, widths: dict[str, int] | None = None
    ) -> object:
        """A sheet holding ``frame`` with Chinese headers, frozen header row, a filter and print setup.

        ``widths`` overrides the computed width of some columns; rows are as tall as their wrapped text.
        """
        sheet = self.add_sheet(name)
        frame = frame.with_columns(
            [pl.col(c).replace_strict(m, default=pl.col(c)) for c, m in CODES.items() if c in frame.columns]
        )
        top = 0
        if note:
            sheet.write_string(0, 0, note, self.title)
            top = 1
        labels = [COLUMN_LABELS.get(column, column) for column in frame.columns]
        sizes = column_widths(frame, labels)
        sizes = [(widths or {}).get(column, size) for column, size in zip(frame.columns, sizes, strict=True)]
        for col, column in enumerate(frame.columns):
            sheet.write_string(top, col, labels[col], self.header)
            fmt = self.format_of(column)
            for row, value in enumerate(frame[column].to_list(), start=top + 1):
                self.write_cell(sheet, row, col, value, fmt)
            sheet.set_column(col, col, sizes[col])
        for row, height in enumerate(row_heights(frame, [float(w) for w in sizes]), start=top + 1):
            sheet.set_row(row, height)
        sheet.freeze_panes(top + 1, 0)
        if frame.width:
            sheet.autofilter(top, 0, top + max(frame.height, 1), frame.width - 1)
        self._conditional(sheet, frame, top)
        self.printed(sheet, name, top + frame.height, frame.width - 1, top)
        return sheet

    def format_of(self, column: str):
        """The cell format of a column: 万元, %, a score, or wrapped text."""
        if column in MONEY_COLUMNS:
            return self.money
        if column in PERCENT_COLUMNS:
            return self.percent
        if column in SCORE_COLUMNS:
            return self.score
        return self.text

    def write_cell(self, sheet, row: int, col: int, value, fmt) -> None:
        """One value: empty, a boolean, a number, or a string (never a formula)."""
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


def _findings(wb: SheetWriter, audit: UnitAudit) -> None:
    """The findings with their review columns open for input and everything else locked."""
    frame = sorted_findings(audit).select(*FINDING_COLUMNS, *REVIEW_FIELDS, *HIDDEN_REVIEW_COLUMNS)
    widths = _FINDING_WIDTHS | {"review_status": 10, "reviewer": 8, "review_note": 16, "reviewed_on": 12}
    sheet = wb.table(FINDINGS_SHEET, frame, widths=widths)
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
                wb.write_cell(sheet, row, col, value, open_text)
        sheet.set_column(col, col, widths[column], open_date if column == "reviewed_on" else open_text)
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
    sheet = wb.add_sheet(SAMPLE_SHEET)
    sheet.write_string(0, 0, "抽样记录（按以下方法、种子与总体可重现）", wb.title)
    for row, (key, value) in enumerate(sample.record, start=1):
        sheet.write_string(row, 0, key, wb.header)
        sheet.write_string(row, 1, value, wb.text)
    selection = sample.for_people()
    top = len(sample.record) + 2
    for col, column in enumerate(selection.columns):
        sheet.write_string(top, col, column, wb.header)
        for row, value in enumerate(selection[column].to_list(), start=top + 1):
            wb.write_cell(sheet, row, col, value, wb.money if column == "金额（万元）" else wb.text)
    widths = column_widths(selection, selection.columns)
    widths[0], widths[1] = max(widths[0], 26), max(widths[1], 50)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    record = pl.DataFrame(sample.record, schema=["key", "value"], orient="row")
    for row, height in enumerate(row_heights(record, [float(w) for w in widths[:2]]), start=1):
        sheet.set_row(row, height)
    for row, height in enumerate(row_heights(selection, [float(w) for w in widths]), start=top + 1):
        sheet.set_row(row, height)
    wb.printed(sheet, SAMPLE_SHEET, top + selection.height, selection.width - 1, top)


_CHART_ROW_PX, _COLUMN_PX = 20, 64  # Excel's default row height and column width in pixels


def _charts(wb: SheetWriter, audit: UnitAudit) -> None:
    sheet = wb.add_sheet("图表")
    counts = audit.findings.group_by("rule_title").len().sort("len", "rule_title", descending=[True, False])
    sheet.write_string(0, 0, "规则", wb.header)
    sheet.write_string(0, 1, "问题数", wb.header)
    for row, (title, n) in enumerate(counts.iter_rows(), start=1):
        sheet.write_string(row, 0, title or "", wb.text)
        sheet.write_number(row, 1, n)
    chart = wb.book.add_chart({"type": "bar"})
    chart.add_series(
        {"name": "问题数", "categories": ["图表", 1, 0, counts.height, 0], "values": ["图表", 1, 1, counts.height, 1]}
    )
    chart.set_title({"name": "审核发现（按规则）"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})
    height = 24 * counts.height + 120
    chart.set_size({"width": 720, "height": height})
    sheet.insert_chart(0, 3, chart)
    # the charts float over cells: the print area reaches past their bottom right corner
    last_row = height // _CHART_ROW_PX + 1
    if audit.scorecard is not None:
        scores = audit.scorecard.project_scores
        base = counts.height + 3
        sheet.write_string(base, 0, "项目", wb.header)
        sheet.write_string(base, 1, "复核总分", wb.header)
        sheet.write_string(base, 2, "自评总分", wb.header)
        for row, r in enumerate(scores.iter_rows(named=True), start=base + 1):
            sheet.write_string(row, 0, r["project_name"], wb.text)
            wb.write_cell(sheet, row, 1, r["total"], wb.score)
            wb.write_cell(sheet, row, 2, r["self_total"], wb.score)
        bars = wb.book.add_chart({"type": "bar"})
        for col, name in ((1, "复核总分"), (2, "自评总分")):
            bars.add_series({"name": name, "categories": ["图表", base + 1, 0, base + scores.height, 0],
                             "values": ["图表", base + 1, col, base + scores.height, col]})  # fmt: skip
        bars.set_title({"name": "复核总分与自评总分"})
        bars.set_x_axis({"min": 0, "max": 100})
        bars.set_y_axis({"reverse": True})
        sheet.insert_chart(base, 3, bars)
        last_row = max(last_row, base + 288 // _CHART_ROW_PX + 1, base + scores.height)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 2, 9)
    wb.printed(sheet, "图表", max(last_row, counts.height), 3 + 720 // _COLUMN_PX + 1)


def sorted_findings(audit: UnitAudit) -> pl.DataFrame:
    """The reviewed findings high → medium → low, then by project (in document order) and row.

    A finding about a whole project (no row) comes before that project's row findings.
    """
    order = audit.targets.projects.select("project_id").with_row_index("_project")
    return (
        audit.reviewed_findings.join(order, on="project_id", how="left", maintain_order="left")
        .sort([severity_order("severity"), "_project", "seq", "rule_id"], nulls_last=False, maintain_order=True)
        .drop("_project")
    )


def _about(wb: SheetWriter, audit: UnitAudit) -> None:
    frame = pl.DataFrame(audit.provenance, schema=["项目", "内容"], orient="row")
    wb.table("数据来源", frame, widths={"项目": 34, "内容": 90})


@contextmanager
def atomic_workbook(
    path: str | Path, entity: str = "", index_prefix: str = "perfkit", kind: str = "审计工作底稿"
) -> Iterator[SheetWriter]:
    """A :class:`SheetWriter` whose file appears at ``path`` only once it is complete.

    ``entity`` and ``kind`` head every printed page; ``index_prefix`` starts every sheet's 索引号.
    """
    with atomic_path(path) as staged:
        writer = SheetWriter(staged, entity, index_prefix, kind)
        yield writer
        writer.book.close()


def write_workbook(audit: UnitAudit, path: str | Path) -> Path:
    """Write the audit workbook to ``path`` atomically (a failed write leaves no file)."""
    entity = f"{audit.unit_name}（{audit.unit_code}）"
    with atomic_workbook(path, entity, f"{audit.unit_code}-{audit.year}") as wb:
        write_overview(wb, audit)
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
        _about(wb, audit)
    return Path(path)
