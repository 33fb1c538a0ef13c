"""Loader for ``.docx`` documents: every table as a grid with its merged cells resolved.

A horizontally merged cell (``gridSpan``) and a vertically merged one (``vMerge``) are read once
and their text is known at every grid position they cover (see :mod:`perfkit.load.layout.grid`). Each
table keeps its position among ALL the document's tables (``表3`` is the third table a person
counts), its title (the last paragraph above it) and its context (every paragraph since the
previous table, where ``单位：元`` is written). Content controls (``w:sdt``) are read through: a
table, a repeating section's rows, a cell or a paragraph inside one reads as if unwrapped.
"""

from __future__ import annotations

import io
import zipfile

import docx
import polars as pl
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from perfkit.errors import InputError
from perfkit.load.layout.grid import GridTable, Span, Table, empty_grid, grid_frame, tables_of
from perfkit.load.layout.labels import is_target_table, without_levels
from perfkit.load.layout.once import parsed_once

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")


def document_tables(data: bytes, file: str) -> list[GridTable]:
    """Every top-level table of a ``.docx`` in document order, numbered from 1 (``表1``)."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        # python-docx parses with resolve_entities=False; perfkit.load.formats.sniff has already refused DTDs
        raise InputError(file, None, f"不是有效的 .docx 文件（{exc}）") from None
    tables: list[GridTable] = []
    paragraphs: list[str] = []
    body = document._body
    for element in _unwrapped(body._body, (_P, _TBL)):
        if element.tag == _P:
            text = Paragraph(element, body).text.strip()
            if text:
                paragraphs.append(text)
            continue
        number = len(tables) + 1
        title = paragraphs[-1] if paragraphs else (tables[-1].title if tables else "")
        table = GridTable(_spans(element), title=title, context="\n".join(paragraphs), ref=f"表{number}")
        table.number = number - 1
        tables.append(table)
        paragraphs = []
    return tables


def _grid_span(tc) -> int:
    span = tc.tcPr.find(qn("w:gridSpan")) if tc.tcPr is not None else None
    try:
        return max(int(span.get(qn("w:val"))), 1) if span is not None else 1
    except (TypeError, ValueError):
        return 1


def _vmerge(tc) -> str | None:
    """``restart``, ``continue`` or None for a cell that is not vertically merged."""
    merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
    if merge is None:
        return None
    return "restart" if merge.get(qn("w:val")) == "restart" else "continue"


def _grid_before(tr) -> int:
    before = tr.trPr.find(qn("w:gridBefore")) if tr.trPr is not None else None
    try:
        return int(before.get(qn("w:val"))) if before is not None else 0
    except (TypeError, ValueError):
        return 0


def _unwrapped(parent, tags: tuple[str, ...]):
    """The children of ``parent`` with one of ``tags``, in order, those inside content controls
    (``w:sdt``: a table, a repeating section's rows, a cell) and custom XML included, as if unwrapped."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _unwrapped(content, tags)
        elif child.tag == _CUSTOM_XML:
            yield from _unwrapped(child, tags)


def _spans(tbl) -> list[list[Span | None]]:
    """The rows of a table (``w:tbl``) as spans: a ``vMerge`` run becomes one span over its rows."""
    trs = list(_unwrapped(tbl, (_TR,)))
    laid: list[list[tuple[int, int, str | None, object]]] = []  # per row: (grid col, width, merge, tc)
    for tr in trs:
        col, cells = _grid_before(tr), []
        for tc in _unwrapped(tr, (_TC,)):
            width = _grid_span(tc)
            cells.append((col, width, _vmerge(tc), tc))
            col += width
        laid.append(cells)
    continues = {(r, col) for r, cells in enumerate(laid) for col, _, merge, _ in cells if merge == "continue"}
    rows: list[list[Span | None]] = []
    for r, cells in enumerate(laid):
        row: list[Span | None] = [None] * _grid_before(trs[r])
        for col, width, merge, tc in cells:
            if merge == "continue" and r > 0 and _covered_from_above(laid, r, col):
                continue
            height = 1
            if merge == "restart":
                while (r + height, col) in continues:
                    height += 1
            row.append(Span(_cell_text(tc), rows=height, cols=width))
        rows.append(row)
    return rows


def _covered_from_above(laid: list, r: int, col: int) -> bool:
    """Whether a ``continue`` cell at (r, col) has a ``restart`` or ``continue`` cell above it."""
    return any(c == col and merge in ("restart", "continue") for c, _, merge, _ in laid[r - 1])


def _cell_text(tc) -> str:
    paragraphs = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]
    return "\n".join(paragraphs)


@parsed_once
def target_grid(data: bytes, file: str) -> pl.DataFrame:
    """The grid (:data:`~perfkit.load.layout.grid.GRID_SCHEMA`) of the document's target-like tables."""
    tables = [t for t in document_tables(data, file) if is_target_table([[s.text for s in row if s] for row in t.rows])]
    return grid_frame(tables, file) if tables else empty_grid()


def no_tables_why(data: bytes, file: str) -> str:
    """Why a document has no target-like table, for its refusal: ``（表2…没有一级指标、二级指标列）`` where
    a table has indicator columns but no levels, else nothing."""
    why = tables_without_levels(data, file)
    return f"（{why}）" if why else ""


def tables_without_levels(data: bytes, file: str) -> str:
    """``表2有“指标名称”“年初指标值”列，但没有一级指标、二级指标列`` for the first table of the document
    with indicator columns but no level columns; "" where there is none."""
    for n, table in enumerate(document_tables(data, file), start=1):
        if why := without_levels([s.text for row in table.rows for s in row if s]):
            return f"表{n}{why}"
    return ""


def split_tables(data: bytes, file: str) -> list[Table]:
    """The document's target-like tables as :class:`~perfkit.load.layout.table.Table` rows (full grid width)."""
    return tables_of(target_grid(data, file))
