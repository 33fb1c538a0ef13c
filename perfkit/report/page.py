"""An executed notebook as a report page people can send: one HTML file that works offline.

:func:`notebook_page` keeps the markdown cells (rendered, raw HTML escaped) and the outputs of the
code cells — perfkit's HTML tables, charts (PNG inline), plain text — without code, prompts,
scripts, CDN links or widgets, adds a table of contents from the headings and a print-friendly
style sheet. Cells tagged ``report-hide`` stay in the notebook (nbval checks their printed figures)
but not in the report, where a table or a block of figures shows the same.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 一、概览 <script>x</script>")])
>>> page = notebook_page(nb, "标题")
>>> '<a href="#s1">一、概览 &lt;script&gt;x&lt;/script&gt;</a>' in page and "<script>" not in page
True
"""

from __future__ import annotations

import html
import re
from typing import Any

import mistune

from perfkit.report.html import STYLE

HIDE_TAG = "report-hide"
_MARKDOWN = mistune.create_markdown(escape=True)
_HEADING = re.compile(r"<h([1-3])(?: id=\"([^\"]+)\")?>(.*?)</h\1>", re.S)
PAGE_STYLE = (
    "<style>body{margin:0 auto;padding:1em 2em;max-width:1320px;box-sizing:border-box}"
    "img{max-width:100%;height:auto}pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:.6em}"
    "nav.toc{border:1px solid #ccc;padding:.4em 1em;margin:1em 0;background:#fafafa}nav.toc ul{margin:.2em 0;padding-left:1em}.toc-2{list-style:none}"
    "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}"
    ".toc-3{margin-left:1.5em;list-style:circle}@media print{nav.toc{display:none}}</style>"
)


def _output_html(output: Any) -> str:
    kind = output.get("output_type")
    if kind == "stream" and output.get("name") == "stdout":
        return f"<pre>{html.escape(output.get('text', ''))}</pre>"
    if kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        if "text/html" in data:
            text = data["text/html"]
            return "".join(text) if isinstance(text, list) else text
        if "image/png" in data:
            return f'<p><img alt="图表" src="data:image/png;base64,{data["image/png"].strip()}"></p>'
        if "text/plain" in data:
            return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""  # errors, stderr, widgets: not for the reader


def _toc(body: str) -> tuple[str, str, str]:
    """Give every h1-h3 an id; returns the body, the title (first h1) and the contents list of h2/h3."""
    entries: list[tuple[int, str, str]] = []
    title = ""

    def name(match: re.Match) -> str:
        nonlocal title
        level, anchor, text = int(match[1]), match[2], match[3]
        anchor = anchor or f"s{len(entries) + 1}"
        if level == 1 and not title:
            title = re.sub(r"<[^>]+>", "", text)
        elif level > 1:
            entries.append((level, anchor, text))
        return f'<h{level} id="{anchor}">{text}</h{level}>'

    body = _HEADING.sub(name, body)
    items = "".join(
        f'<li class="toc-{level}"><a href="#{anchor}">{re.sub(r"<[^>]+>", "", text)}</a></li>'
        for level, anchor, text in entries
    )
    contents = f'<nav class="toc"><b>目录</b><ul>{items}</ul></nav>' if items else ""
    return body, title, contents


def notebook_page(node: Any, title: str = "报告") -> str:
    """The executed notebook ``node`` as one standalone HTML page (see the module docstring)."""
    parts = []
    for cell in node.cells:
        if HIDE_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown":
            parts.append(_MARKDOWN(cell.source))
        elif cell.cell_type == "code":
            parts += [_output_html(output) for output in cell.get("outputs", [])]
    body, heading, contents = _toc("".join(parts))
    # the contents list goes after the first heading and its introduction
    first = body.find("<h2")
    body = body[:first] + contents + body[first:] if first >= 0 else body + contents
    return (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(heading or title)}</title>{STYLE}{PAGE_STYLE}</head>"
        f'<body class="pk">{body}</body></html>'
    )
