"""Web pages for the HTML reader's tests, built from an expected-table description (tests/builders.py).

:func:`disclosure_page` lays every project out as :func:`tests.builders.write_docx` does — the same
merged cells, written with ``rowspan`` and ``colspan`` — inside the page furniture of a disclosure
site: a navigation table, a layout table around the content, an unrelated table, a footer, and
scripts, styles and event attributes that must never be run or kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from tests.builders import (
    DOCX_BUDGET_FISCAL_LABEL,
    DOCX_BUDGET_LABEL,
    DOCX_BUDGET_OTHER_LABEL,
    DOCX_BUDGET_TOTAL_LABEL,
    DOCX_GOAL_LABEL,
    DOCX_INDICATOR_HEADER,
    DOCX_PROJECT_NAME_LABEL,
    DOCX_UNIT_LABEL,
    Indicator,
    Project,
    _format_budget,
    indicators_by_project,
)


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    # paragraphs as <p>, as editors save them; a line of the page's source inside a paragraph is a space
    body = "".join(f"<p>{escape(line)}</p>" for line in text.split("\n")) if "\n" in text else escape(text)
    return f"<td{spans}>{body}</td>"


def project_table(project: Project, rows: Sequence[Indicator]) -> str:
    """One target table, merged as in :func:`tests.builders._add_project_table`."""
    budget = [_format_budget(project.get(k)) for k in ("budget_total", "budget_fiscal", "budget_other")]
    lines = [
        "<tr>" + _td(f"{project['unit_code']}{project['unit_name']}", colspan=3) + _td(DOCX_UNIT_LABEL, colspan=2),
        "<tr>" + _td(DOCX_PROJECT_NAME_LABEL) + _td(project["project_name"], colspan=4),
        "<tr>" + _td(DOCX_BUDGET_LABEL, rowspan=3) + _td(DOCX_BUDGET_TOTAL_LABEL) + _td(budget[0])
        + _td(DOCX_BUDGET_FISCAL_LABEL) + _td(budget[1]),
        "<tr>" + _td(DOCX_BUDGET_OTHER_LABEL) + _td(budget[2]) + _td("") + _td(""),
        "<tr>" + _td(project.get("purpose") or "", colspan=4),
        "<tr>" + _td(DOCX_GOAL_LABEL) + _td(project.get("goal_text") or "", colspan=4),
        "<tr>" + "".join(f"<th>{h}</th>" for h in DOCX_INDICATOR_HEADER),
    ]  # fmt: skip
    start = 0
    while start < len(rows):
        end = start
        while end + 1 < len(rows) and rows[end + 1][2] == rows[start][2]:
            end += 1
        for offset in range(start, end + 1):
            ind = rows[offset]
            first = _td(ind[2], rowspan=end - start + 1) if offset == start else ""
            lines.append("<tr>" + first + "".join(_td(v) for v in (ind[3], ind[4], ind[5], ind[6])))
        start = end + 1
    return '<table border="1" onclick="steal()">\n' + "</tr>\n".join(lines) + "</tr>\n</table>"


def disclosure_page(projects: Sequence[Project], indicators: Sequence[Indicator], charset: str = "gbk") -> str:
    """A disclosure page holding the target tables of ``projects``, declaring ``charset``."""
    tables = "\n".join(
        f'<p class="title" onmouseover="alert(1)">{i}.{escape(p["project_name"])}绩效目标表</p>\n{project_table(p, rows)}'
        for i, (p, rows) in enumerate(zip(projects, indicators_by_project(projects, indicators), strict=True), start=1)
    )
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>部门预算公开</title>
<style>td {{ content: "一级指标"; }}</style>
<script>var 项目名称 = "<table><tr><td>一级指标</td></tr></table>"; document.write(项目名称);</script>
</head>
<body onload="steal()">
<table class="nav"><tr><td><a href="/">首页</a></td><td><a href="/gk">信息公开</a></td><td>部门预算</td></tr></table>
<table class="layout"><tr><td>
<h2>一、部门收支总表</h2>
<table border="1"><tr><th>收入</th><th>金额</th><th>支出</th><th>金额</th></tr>
<tr><td>财政拨款</td><td>100.00</td><td>一般公共服务</td><td>60.00</td></tr></table>
<h2>二、项目绩效目标表</h2>
{tables}
</td></tr></table>
<table class="footer"><tr><td>主办单位：某某部门</td><td>网站标识码：1200000000</td></tr></table>
<script>steal(document.cookie)</script>
</body></html>
"""
