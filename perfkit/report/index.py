"""The index of a run over many units: ``index.html`` and ``index.csv`` beside the unit folders.

Besides each unit's figures it shows the review decisions at the unit's run (待复核, 已确认, 已排除,
误报, 已消除), from the unit's ``summary.json``, so the index agrees with the unit's workbook, and
the unit's 异常分析 findings in the portfolio's run across all units (跨单位异常, empty without one).
The page is one offline file (perfkit's style inline, no script); every text is escaped.
"""

from __future__ import annotations

import html
from pathlib import Path

import polars as pl

from perfkit.labels import COLUMN_LABELS
from perfkit.output import write_table_atomically, write_text_atomically
from perfkit.report.html import STYLE, cell_html, figures_html
from perfkit.report.page import PAGE_STYLE
from perfkit.review.status import COUNT_COLUMNS

_COLUMNS = ["unit_code", "unit_name", "year", "projects", "budget_total", "mean_total", "grades",
            "findings_high", "findings_medium", "findings_low", "findings_cross_unit", *COUNT_COLUMNS]  # fmt: skip
_HEADERS = {"budget_total": "预算合计（万元）", "findings_high": "高", "findings_medium": "中", "findings_low": "低",
            "findings_cross_unit": "跨单位异常"}  # fmt: skip
LINKS = (("{code}.html", "报告"), ("{code}-审计底稿.xlsx", "底稿"), ("{code}.ipynb", "笔记本"))


def _row(unit: dict) -> str:
    folder = unit["folder"]
    links = " ".join(
        f'<a href="{html.escape(folder)}/{html.escape(name.format(code=folder))}">{label}</a>' for name, label in LINKS
    )
    # a unit folder of an older run has no decision counts, one without a portfolio no cross-unit count
    return "<tr>" + "".join(cell_html(c, unit.get(c)) for c in _COLUMNS) + f"<td>{links}</td></tr>"


def write_index(root: Path, units: pl.DataFrame) -> Path:
    """Write ``index.csv`` and ``index.html`` into ``root`` for its unit folders, one row each in
    ``units`` (as :func:`perfkit.run.portfolio.read_units` reads them); returns the HTML path."""
    if units.height:
        write_table_atomically(units, root / "index.csv")
    records = list(units.iter_rows(named=True))
    headers = [_HEADERS.get(c) or COLUMN_LABELS[c] for c in _COLUMNS] + ["链接"]

    def total(c):
        return sum(r.get(c) or 0 for r in records)

    figures = figures_html(
        [("单位数", str(units.height)), ("项目数", str(total("projects"))),
         ("预算合计（万元）", f"{total('budget_total'):,.2f}"), ("问题：高", str(total("findings_high"))),
         ("问题：中", str(total("findings_medium"))), ("问题：低", str(total("findings_low")))]
    )  # fmt: skip
    portfolio = (
        '<p>跨单位分析：<a href="portfolio.html">组合报告</a> <a href="portfolio.xlsx">组合底稿</a></p>'
        if (root / "portfolio.xlsx").exists()
        else ""
    )
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>项目绩效审计结果索引</title>'
        f'{STYLE}{PAGE_STYLE}</head><body class="pk"><h1>项目绩效审计结果索引</h1>{figures}{portfolio}'
        '<table class="pk-table" id="units"><thead><tr>'
        + "".join(f"<th>{html.escape(h)}</th>" for h in headers)
        + "</tr></thead><tbody>"
        + "".join(_row(r) for r in records)
        + "</tbody></table></body></html>"
    )
    return write_text_atomically(root / "index.html", page)
