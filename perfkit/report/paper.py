"""The 概览 sheet as a 审计工作底稿 (audit working paper) opens: the header block 《国家审计准则》 asks for.

被审计单位, 审计事项, 所属期间 and the sheet's 索引号; 编制人 / 编制日期 and 复核人 / 复核日期 / 复核意见
as unlocked cells for people to fill in; 审计说明 (what was checked, by which rules, with which
scoring parameters, from which inputs) and a draft 审计结论 written from the figures, unlocked
too, so the auditor edits it rather than writes it from nothing. Everything else on the sheet
stays locked (sheet protection without a password: a guard against slips, not a lock).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

from perfkit.checks import RULES
from perfkit.checks.registry import CRITERIA
from perfkit.labels import COLUMN_LABELS, SEVERITY_LABELS
from perfkit.report.audit import mean_total_text
from perfkit.report.print_setup import row_heights
from perfkit.scoring.params import scoring_params
from perfkit.scoring.rescoring import RESCORING_RULES

if TYPE_CHECKING:
    from perfkit.report.audit import UnitAudit

SheetWriter = Any  # perfkit.report.workbook.SheetWriter, which imports this module

AUDIT_ITEM = "项目绩效目标审核及自评复核"
OVERVIEW_SHEET = "概览"
_UPPER_BOUND = {"ratio": "按指标值与完成值之比计分", "linear": "按超出比例线性扣分（两倍指标值时为零）"}
COVER_PROJECTS = 15  # up to this many projects 概览 prints on one page; more run on, one page wide
# the header block's columns: label, value, label, value — the value cells merge over these widths
_WIDTHS = [20, 36, 16, 10, 10, 10, 10, 8, 10]


def _run_params(audit: UnitAudit) -> dict:
    text = dict(audit.provenance).get("参数")
    return json.loads(text) if text else {}


def audit_notes(audit: UnitAudit) -> str:
    """审计说明: the scope, the rules, the scoring parameters and the inputs of the run."""
    params = _run_params(audit)
    off = sorted(rid for rid, v in (params.get("checks") or {}).items() if v.get("enabled") is False)
    by_criterion = "、".join(f"{c} {sum(r.criterion == c for r in RULES.values())}" for c in CRITERIA)
    inputs = [key.removeprefix("输入文件 ") for key, _ in audit.provenance if key.startswith("输入文件 ")]
    lines = [
        f"审核范围：{audit.year}年度 {audit.targets.projects.height} 个项目的绩效目标表"
        f"（{audit.targets.indicators.height} 条指标）"
        + ("及单位绩效自评表。" if audit.scorecard else "；未提供自评表，未评分。"),
        f"审核规则：按完整性、相关性、适当性、可行性审核绩效目标并作异常分析，规则 {len(RULES)} 条（{by_criterion}）"
        + (f"，本次停用 {'、'.join(off)}" if off else "")
        + "；每条问题的规则与依据见“审核发现”表。",
    ]
    if audit.scorecard is not None:
        p = scoring_params(params.get("scoring"))
        weights = "、".join(f"{k} {v:g}" for k, v in p.group_weights.items())
        grades = "、".join(f"{g} ≥{v:g}" for g, v in p.grade_bounds.items())
        lines.append(
            f"评分复核：按《项目支出绩效评价管理办法》（财预〔2020〕10号）复核评分并复核单位自评（复核规则 {len(RESCORING_RULES)} 条）；"
            f"评分参数：权重 {weights}、预算执行率 {p.execution_weight:g}，超过上限的指标{_UPPER_BOUND.get(p.upper_bound_method, p.upper_bound_method)}，"
            f"等级 {grades}" + ("（参数有修改，见“数据来源”表“参数”）。" if params.get("scoring") else "（默认参数）。")
        )
    lines.append(
        f"输入文件：{'、'.join(inputs) or '无'}；各文件的 SHA-256、软件版本与运行参数见“数据来源”表，可据此重现本底稿。"
    )
    return "\n".join(lines)


def conclusion_draft(audit: UnitAudit) -> str:
    """审计结论 (draft): what the figures say, for the auditor to check and rewrite."""
    findings = audit.findings
    counts = {s: int((findings["severity"] == s).sum()) for s in SEVERITY_LABELS}
    text = (
        f"经审核，{audit.unit_name}{audit.year}年度 {audit.targets.projects.height} 个项目的绩效目标表及自评共发现问题 "
        f"{findings.height} 个，其中高 {counts['high']} 个、中 {counts['medium']} 个、低 {counts['low']} 个。"
    )
    high = (
        findings.filter(severity="high")
        .group_by("rule_title")
        .len()
        .sort("len", "rule_title", descending=[True, False])
    )
    if high.height:
        text += "高严重程度问题为：" + "；".join(f"{t}（{n} 个）" for t, n in high.iter_rows()) + "。"
    if audit.scorecard is not None:
        scores = audit.scorecard.project_scores
        grades = scores["grade"].drop_nulls().value_counts().sort("grade")
        text += f"复核评分平均 {mean_total_text(scores, ' 分')}，等级" + "、".join(
            f"{g} {n} 个" for g, n in grades.iter_rows()
        )
        above = scores.filter(pl.col("total_diff") > 0).sort("total_diff", descending=True)
        if above.height:
            top = above.row(0, named=True)
            text += (
                f"；单位自评总分高于复核的项目 {above.height} 个，"
                f"最多的是“{top['project_name']}”（高 {top['total_diff']:.2f} 分）"
            )
        text += "。"
    return text + "以上为按审核规则自动生成的初稿，须经审计人员逐条复核（见“审核发现”表复核列）后修改定稿。"


def write_overview(wb: SheetWriter, audit: UnitAudit) -> None:
    """The 概览 sheet: the header block, key figures and one row per project."""
    sheet = wb.add_sheet(OVERVIEW_SHEET)
    book = wb.book
    open_text = book.add_format(
        {"locked": False, "bg_color": "#FFF2CC", "text_wrap": True, "valign": "top", "border": 1}
    )
    open_date = book.add_format(
        {"locked": False, "bg_color": "#FFF2CC", "num_format": "yyyy-mm-dd", "valign": "top", "border": 1}
    )
    boxed = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    label = wb.header
    last = len(_WIDTHS) - 1
    for col, width in enumerate(_WIDTHS):
        sheet.set_column(col, col, width)
    sheet.merge_range(
        0, 0, 0, last, f"审计工作底稿：{audit.unit_code} {audit.unit_name} {audit.year}年度项目绩效", wb.title
    )
    sheet.set_row(0, 24)
    pairs = [
        ("被审计单位", f"{audit.unit_name}（单位编码 {audit.unit_code}）", "索引号", wb.current_index),
        ("审计事项", AUDIT_ITEM, "所属期间", f"{audit.year}年度"),
    ]
    for row, (k1, v1, k2, v2) in enumerate(pairs, start=1):
        sheet.write_string(row, 0, k1, label)
        sheet.merge_range(row, 1, row, 2, v1, boxed)
        sheet.write_string(row, 3, k2, label)
        sheet.merge_range(row, 4, row, last, v2, boxed)
    for row, (who, when) in enumerate((("编制人", "编制日期"), ("复核人", "复核日期")), start=3):
        sheet.write_string(row, 0, who, label)
        sheet.merge_range(row, 1, row, 2, "", open_text)
        sheet.write_string(row, 3, when, label)
        sheet.merge_range(row, 4, row, last, "", open_date)
        sheet.data_validation(row, 4, row, 4, {"validate": "date", "criteria": ">=", "value": date(2000, 1, 1)})
    notes, conclusion = audit_notes(audit), conclusion_draft(audit)
    wide = [float(sum(_WIDTHS[1:]))]
    blocks = [
        ("复核意见", "", open_text, 3),
        ("审计说明", notes, boxed, 0),
        ("审计结论（初稿，可修改）", conclusion, open_text, 0),
    ]
    for row, (key, text, fmt, min_lines) in enumerate(blocks, start=5):
        sheet.write_string(row, 0, key, label)
        sheet.merge_range(row, 1, row, last, text, fmt)
        height = row_heights(pl.DataFrame({"text": [text]}), wide)[0]
        sheet.set_row(row, max(height, 16.0 * min_lines + 2))
    row = len(blocks) + 6
    row = _figures(wb, sheet, audit, row)
    end = _projects(wb, sheet, audit, row + 1)
    sheet.protect("", {"format_columns": True, "format_rows": True})
    wb.printed(sheet, OVERVIEW_SHEET, end, last)
    if audit.overview.height <= COVER_PROJECTS:  # the cover page of the 底稿: on one page, not split
        sheet.fit_to_pages(1, 1)


def _figures(wb: SheetWriter, sheet, audit: UnitAudit, row: int) -> int:
    """Key figures in two columns; returns the next free row."""
    overview, findings = audit.overview, audit.findings
    facts: list[tuple[str, object]] = [
        ("项目数", overview.height),
        ("预算合计（万元）", float(overview["budget_total"].sum())),
        *[(f"审核发现：{label}", int((findings["severity"] == s).sum())) for s, label in SEVERITY_LABELS.items()],
    ]
    if "total" in overview.columns:
        facts.append(("平均复核得分", overview["total"].mean()))
        if waiting := overview["total"].null_count():  # the mean is of the others: say how many
            facts.append(("待人工评分项目", waiting))
    counts = audit.decision_counts
    facts += [(f"复核：{COLUMN_LABELS[key]}", counts[key]) for key in counts]
    sheet.write_string(row, 0, "主要数字", wb.title)
    for offset, (key, value) in enumerate(facts, start=1):
        sheet.write_string(row + offset, 0, key, wb.header)
        wb.write_cell(sheet, row + offset, 1, value, wb.money if isinstance(value, float) else wb.number)
    return row + len(facts) + 2


def _projects(wb: SheetWriter, sheet, audit: UnitAudit, row: int) -> int:
    """One row per project below the figures; returns the last row written."""
    overview = audit.overview
    sheet.write_string(row - 1, 0, "各项目情况", wb.title)
    labels = [COLUMN_LABELS.get(column, column) for column in overview.columns]
    widths = [float(w) for w in _WIDTHS[: overview.width]]
    sheet.set_row(row, row_heights(pl.DataFrame([labels], orient="row"), widths)[0])
    for col, column in enumerate(overview.columns):
        sheet.write_string(row, col, labels[col], wb.header)
        for r, value in enumerate(overview[column].to_list(), start=row + 1):
            wb.write_cell(sheet, r, col, value, wb.format_of(column))
    heights = row_heights(overview, widths)
    for r, height in enumerate(heights, start=row + 1):
        sheet.set_row(r, height)
    return row + overview.height
