"""Tables given as cells with spans (PDF, web pages, worksheets) in the shape the ``.docx`` reader gives.

A source that knows where each cell sits and how many grid rows and columns it covers (an HTML
``rowspan``/``colspan``, a merged region of a worksheet, a ruled PDF cell that crosses grid lines)
describes a table as :class:`Span` records. :func:`rows_of` turns them into rows exactly as
:mod:`perfkit.load.docx` reads a Word table: a cell merged across columns is read once, and in the
rows below the first of a cell merged downwards it reads as an empty cell. Everything after that —
:func:`perfkit.load.table.read_tables`, :func:`perfkit.load.selfeval.read_selfeval` — is shared.

Readers build :class:`SpanTable` objects and hand them to :func:`as_tables` or :func:`layout_cells`,
the one adapter between the sources and the layout reader: when the grid model of
:mod:`perfkit.load.grid` takes over, these two functions are what changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from perfkit.errors import InputError
from perfkit.load import flat
from perfkit.load.table import CELL_SCHEMA, Row, Table, cells_of, read_tables
from perfkit.text import squash

# Labels that make a table one of ours (a target table or a self-evaluation); others are left alone.
TABLE_LABELS = frozenset({"项目名称", "一级指标"})
NO_TABLES = "未找到项目绩效目标表"


@dataclass(frozen=True)
class Span:
    """One cell: its top-left grid position (0-based), how many rows and columns it covers, its text."""

    row: int
    col: int
    rows: int = 1
    cols: int = 1
    text: str = ""


@dataclass
class SpanTable:
    """One table of a source: its cells, its title (the text above it), its place and each grid row's place."""

    spans: list[Span]
    title: str
    ref: str
    row_refs: list[str]

    def texts(self) -> list[str]:
        return [s.text for s in self.spans]


def is_ours(table: SpanTable) -> bool:
    """Whether a table holds a target table or a self-evaluation, by its labels (as the ``.docx`` reader)."""
    return any(squash(text) in TABLE_LABELS for text in table.texts())


def as_tables(tables: list[SpanTable]) -> list[Table]:
    """The tables as the ``.docx`` reader gives them (see :func:`rows_of`)."""
    return [Table(title=t.title, rows=rows_of(t.spans, t.row_refs.__getitem__), ref=t.ref) for t in tables]


def rows_of(spans: list[Span], row_ref: Callable[[int], str]) -> list[Row]:
    """The rows of a table of ``spans``, as the ``.docx`` reader gives them.

    ``row_ref(r)`` names grid row ``r`` (``第3页表1第5行``); cell ``c`` of it is named
    ``…第{c}格`` as in a Word table. Grid rows that no cell covers are left out.

    >>> table = [Span(0, 0, rows=2, text="a"), Span(0, 1, cols=2, text="b"), Span(1, 1, text="c"), Span(1, 2)]
    >>> [row.cells for row in rows_of(table, lambda r: f"第{r + 1}行")]
    [['a', 'b'], ['', 'c', '']]
    """
    covering: dict[int, list[Span]] = {}
    for span in spans:
        for r in range(span.row, span.row + span.rows):
            covering.setdefault(r, []).append(span)
    rows = []
    for r in sorted(covering):
        cells = sorted(covering[r], key=lambda s: s.col)
        ref = row_ref(r)
        texts = [s.text if s.row == r else "" for s in cells]
        rows.append(Row(texts, ref, [f"{ref}第{c}格" for c in range(1, len(texts) + 1)]))
    return rows


def grid_rows(spans: list[Span]) -> list[list[str]]:
    """Every grid row at full width, for flat tables: a cell merged downwards holds its text in every
    row it covers, and a column covered from the left is empty.

    >>> grid_rows([Span(0, 0, rows=2, text="a"), Span(0, 1, cols=2, text="b"), Span(1, 1, text="c")])
    [['a', 'b', ''], ['a', 'c', '']]
    """
    width = max((s.col + s.cols for s in spans), default=0)
    height = max((s.row + s.rows for s in spans), default=0)
    grid = [[""] * width for _ in range(height)]
    for s in spans:
        for r in range(s.row, s.row + s.rows):
            grid[r][s.col] = s.text
    return grid


def layout_cells(tables: list[SpanTable], file: str) -> pl.DataFrame:
    """The cells of a document's target tables for :func:`perfkit.load.table.read_tables`; none is refused."""
    if not tables:
        raise InputError(file, None, NO_TABLES)
    return cells_of(as_tables(tables), file)


def flat_rows(rows: list[list[str]], file: str, where: str) -> pl.DataFrame | None:
    """A flat table (one row per indicator, header among the first rows) as the flat reader's
    canonical rows, or ``None`` when no row of ``rows`` is a flat header with every required column."""
    head = rows[: flat._HEADER_SEARCH_ROWS]
    try:
        header_at = flat._find_header_row(head, file, where)
    except InputError:
        return None
    width = max(len(r) for r in rows)
    names = [f"c{i}" for i in range(width)]
    frame = pl.DataFrame([[*r, *[None] * (width - len(r))] for r in rows], schema=names, orient="row")
    body = frame.with_row_index("_line", offset=1).slice(header_at + 1).with_columns(pl.col("_line").cast(pl.Int64))
    return flat._canonical(body.with_columns(pl.col(names).cast(pl.String)), head[header_at], file, prefix=where)


def finish_tables_or_rows(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Projects and indicators from the raw frames of sources that hold layout tables (cells, as
    :data:`~perfkit.load.table.CELL_SCHEMA`) or flat tables (canonical rows, marked by ``_split``)."""
    parts = []
    if "text" in raw.columns:
        cells = raw.filter(pl.col("text").is_not_null() | pl.col("ref").is_not_null())
        if cells.height:
            parts.append(read_tables(cells.select(list(CELL_SCHEMA))))
    if "_split" in raw.columns:
        rows = raw.filter(pl.col("_split").is_not_null())
        if rows.height:
            parts.append(
                flat.finish_flat(rows.drop([c for c in CELL_SCHEMA if c not in ("_file", "_file_no")], strict=False))
            )
    if len(parts) == 1:
        return parts[0]
    return tuple(pl.concat([p[i] for p in parts], how="diagonal_relaxed") for i in (0, 1))  # type: ignore[return-value]
