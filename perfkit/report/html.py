"""Tables and figures for people as HTML: the unit report, ``index.html`` and the portfolio report.

A small renderer of its own (no CDN, no script): Chinese headers, 万元 to two decimals,
percentages, scores to two decimals, severity in colour, empty cells empty, long texts wrapped.
Every text from a document is escaped. The same objects show in JupyterLab (``_repr_html_``) and
in the exported report.

>>> import polars as pl
>>> page = table_html(pl.DataFrame({"severity": ["high"], "message": ["<b>1</b>"], "budget_total": [2.5], "seq": [None]}))
>>> "<th>严重程度</th>" in page and '<td class="sev-high">高</td>' in page and "&lt;b&gt;1&lt;/b&gt;" in page
True
>>> '<td class="num">2.50</td>' in page and "<td></td>" in page
True
"""

from __future__ import annotations

import html
import math
from typing import Any

import polars as pl

from perfkit.labels import CODE_LABELS, COLUMN_LABELS, MONEY_COLUMNS, PERCENT_COLUMNS, SCORE_COLUMNS, SEVERITY_LABELS

STYLE = (
    "<style>"
    ".pk{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei','PingFang SC',sans-serif;"
    "font-size:14px;color:#222}"
    ".pk-table{border-collapse:collapse;margin:.4em 0 1em;max-width:100%;table-layout:auto}"
    ".pk-table caption{text-align:left;font-weight:bold;padding:.2em 0}"
    ".pk-table th,.pk-table td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere;word-break:break-word}"
    ".pk-table th{background:#DDEBF7;white-space:nowrap}"
    ".pk-table td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
    ".pk-table td.long{min-width:12em;max-width:36em}"
    ".sev-high{background:#F8CBAD}.sev-medium{background:#FFE699}.sev-low{background:#E2EFDA}"
    ".pk-figures{display:flex;flex-wrap:wrap;gap:.6em;margin:.6em 0;padding:0;list-style:none}"
    ".pk-figures li{border:1px solid #ccc;border-radius:4px;padding:.4em .8em;min-width:7em}"
    ".pk-figures b{display:block;font-size:1.4em}"
    ".pk details{margin:.3em 0 .8em}.pk summary{cursor:pointer;color:#1F4E79}"
    ".pk .goal{white-space:pre-wrap;border-left:3px solid #9BC2E6;padding-left:.6em}"
    "</style>"
)
LONG_COLUMNS = {"message", "evidence", "basis", "goal_text", "purpose", "description", "note", "review_note",
                "project_name", "rule_title", "name", "explanation"}  # fmt: skip


def _number(column: str, value: float | int) -> str:
    if isinstance(value, float) and math.isnan(value):
        return ""
    if column in MONEY_COLUMNS or column in SCORE_COLUMNS:
        value = round(value, 2) + 0.0  # no "-0.00"
        return f"{value:,.2f}" if column in MONEY_COLUMNS else f"{value:.2f}"
    if column in PERCENT_COLUMNS:
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value)}"
    return str(value)


def cell_html(column: str, value: Any) -> str:
    """One ``<td>``: escaped text, a formatted number, a coloured severity, or nothing."""
    if value is None:
        return "<td></td>"
    if column == "severity":
        code = value if value in SEVERITY_LABELS else next((k for k, v in SEVERITY_LABELS.items() if v == value), "")
        return f'<td class="sev-{code}">{html.escape(SEVERITY_LABELS.get(value, str(value)))}</td>'
    if isinstance(value, bool):
        return f"<td>{'是' if value else '否'}</td>"
    if isinstance(value, int) and column not in MONEY_COLUMNS | SCORE_COLUMNS | PERCENT_COLUMNS:
        return f"<td>{value}</td>"  # counts, years, row numbers: as they are
    if isinstance(value, (int, float)):
        return f'<td class="num">{_number(column, value)}</td>'
    if isinstance(value, (list, tuple)):
        value = "、".join("" if v is None else str(v) for v in value)
    text = CODE_LABELS.get(column, {}).get(value, value) if isinstance(value, str) else str(value)
    kind = ' class="long"' if column in LONG_COLUMNS else ""
    return f"<td{kind}>{html.escape(str(text))}</td>"


def table_html(frame: pl.DataFrame, caption: str | None = None, labels: dict[str, str] | None = None) -> str:
    """``frame`` as an HTML table (no style sheet: see :data:`STYLE`)."""
    names = COLUMN_LABELS | (labels or {})
    head = "".join(f"<th>{html.escape(names.get(c, c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(cell_html(c, v) for c, v in zip(frame.columns, row, strict=True)) + "</tr>"
        for row in frame.iter_rows()
    )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="pk-table">{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def figures_html(figures: list[tuple[str, str]]) -> str:
    """Key figures as a short row of boxes: label and value."""
    items = "".join(f"<li>{html.escape(label)}<b>{html.escape(value)}</b></li>" for label, value in figures)
    return f'<ul class="pk-figures">{items}</ul>'


class Html:
    """An HTML fragment for display in JupyterLab and the exported report (with perfkit's style)."""

    def __init__(self, body: str, text: str = "") -> None:
        self.body, self.text = body, text

    def _repr_html_(self) -> str:
        return f'{STYLE}<div class="pk">{self.body}</div>'

    def __repr__(self) -> str:
        return self.text or "（HTML 表格）"


def table(frame: pl.DataFrame, caption: str | None = None, labels: dict[str, str] | None = None) -> Html:
    """A table for the notebook and the report: ``display(table(frame, "标题"))``."""
    return Html(table_html(frame, caption, labels), f"{caption or '表格'}：{frame.height} 行")
