"""Loader for ``.docx`` documents: every table that holds a target table, with merged cells.

A horizontally merged cell (``gridSpan``) is read once, and the continuation of a vertically
merged cell (``vMerge``) reads as an empty cell — the same shape as the Word plain-text export,
so both go through :func:`perfkit.load.table.read_tables`.
"""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from lxml import etree

from perfkit.errors import InputError
from perfkit.load.table import Row, Table
from perfkit.text import squash


def split_tables(data: bytes, file: str) -> list[Table]:
    """Read the target tables of a ``.docx``, each titled by the paragraph just before it."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        # python-docx parses with resolve_entities=False; perfkit.load.sniff has already refused DTDs
        raise InputError(file, None, f"不是有效的 .docx 文件（{exc}）") from None
    tables: list[Table] = []
    title = ""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text.strip():
                title = block.text.strip()
            continue
        rows = _table_rows(block, len(tables) + 1)
        if _is_target_table(rows):
            tables.append(Table(title=title, rows=rows, ref=f"表{len(tables) + 1}"))
    return tables


def _table_rows(table: DocxTable, number: int) -> list[Row]:
    rows = []
    for r, tr in enumerate(table._tbl.tr_lst, start=1):
        cells = []
        for tc in tr.tc_lst:
            continues_above = (
                tc.tcPr is not None and tc.tcPr.find(qn("w:vMerge")) is not None and tc.vMerge != "restart"
            )
            cells.append("" if continues_above else _cell_text(tc))
        refs = [f"表{number}第{r}行第{c}格" for c in range(1, len(cells) + 1)]
        rows.append(Row(cells, f"表{number}第{r}行", refs))
    return rows


def _cell_text(tc) -> str:
    paragraphs = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]
    return "\n".join(paragraphs)


def _is_target_table(rows: list[Row]) -> bool:
    labels = {squash(c) for row in rows for c in row.cells}
    return "项目名称" in labels or "一级指标" in labels
