"""The index of a run over many units: ``index.html`` and ``index.csv`` beside the unit folders.

Besides each unit's figures it shows the review decisions at the unit's run (待复核, 已确认, 已排除,
误报, 已消除), from the unit's ``summary.json``, so the index agrees with the unit's workbook, and
the unit's 异常分析 findings in the portfolio's run across all units (跨单位异常, empty without one).
"""

from __future__ import annotations

import html
from pathlib import Path

import polars as pl

from perfkit.labels import COLUMN_LABELS
from perfkit.output import write_table_atomically, write_text_atomically
from perfkit.review.status import COUNT_COLUMNS

_HEADERS = [
    "单位编码",
    "单位名称",
    "年度",
    "项目数",
    "预算合计（万元）",
    "平均复核得分",
    "等级分布",
    "高",
    "中",
    "低",
    "跨单位异常",
    *[COLUMN_LABELS[c] for c in COUNT_COLUMNS],
    "报告",
]


def write_index(root: Path, units: pl.DataFrame) -> Path:
    """Write ``index.csv`` and ``index.html`` into ``root`` for its unit folders, one row each in
    ``units`` (as :func:`perfkit.run.portfolio.read_units` reads them); returns the HTML path."""
    if units.height:
        write_table_atomically(units, root / "index.csv")
    rows = []
    for u in units.iter_rows(named=True):
        code, folder = html.escape(u["unit_code"]), html.escape(u["folder"])
        links = " ".join(
            f'<a href="{folder}/{html.escape(name)}">{label}</a>'
            for name, label in (
                (f"{code}.html", "报告"),
                (f"{code}-审计底稿.xlsx", "底稿"),
                (f"{code}.ipynb", "笔记本"),
            )
        )
        mean = "" if u["mean_total"] is None else f"{u['mean_total']:.2f}"
        cells = [code, html.escape(u["unit_name"]), u["year"], u["projects"], f"{u['budget_total']:.2f}", mean,
                 html.escape(u["grades"]), u["findings_high"], u["findings_medium"], u["findings_low"]]  # fmt: skip
        # the portfolio's 异常分析 findings of the unit; none without a portfolio (a one-unit run)
        cross = u.get("findings_cross_unit")
        cells.append("" if cross is None else html.escape(str(cross)))
        cells += ["" if u.get(c) is None else u[c] for c in COUNT_COLUMNS]  # older runs have no decision counts
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + f"<td>{links}</td></tr>")
    portfolio = (
        '跨单位分析：<a href="portfolio.html">组合报告</a> <a href="portfolio.xlsx">组合底稿</a>'
        if (root / "portfolio.xlsx").exists()
        else ""
    )
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>项目绩效审计结果索引</title>'
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px}th{background:#DDEBF7}</style></head><body>"
        f"<h1>项目绩效审计结果索引</h1><p>共 {units.height} 个单位。{portfolio}</p><table><tr>"
        + "".join(f"<th>{h}</th>" for h in _HEADERS)
        + "</tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    return write_text_atomically(root / "index.html", page)
