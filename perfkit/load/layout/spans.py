"""Tables given as cells with spans (PDF, web pages, worksheets) on the grid of :mod:`perfkit.load.layout.grid`.

A source that knows where each cell sits and how many grid rows and columns it covers (an HTML
``rowspan``/``colspan``, a merged region of a worksheet, a ruled PDF cell that crosses grid lines)
describes a table as :class:`Span` records. :func:`grid_table` lays them on the grid exactly as the
``.docx`` reader lays a Word table: a merged cell's text stands at every position it covers, each
covered position marked as a continuation. Everything after that — the label reader of
:mod:`perfkit.load.layout.table` and :mod:`perfkit.load.layout.selfeval` — is shared.

Readers build :class:`SpanTable` objects and hand them to :func:`layout_cells` (target tables, as a
grid frame) or :func:`as_tables` (rows, for the self-evaluation reader).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import polars as pl

from perfkit.errors import InputError
from perfkit.load.layout import flat
from perfkit.load.layout.grid import GridTable, grid_frame, tables_of
from perfkit.load.layout.grid import Span as GridSpan
from perfkit.load.layout.labels import (
    FIELD_OF_PROJECT_LABEL,
    SECTION_LABELS,
    heads_levelless,
    label_key,
    names_paired_levels,
)
from perfkit.load.layout.table import CELL_SCHEMA, Table, read_tables
from perfkit.load.layout.tree import flat_from_tree
from perfkit.text import MONEY_SCALE, fold_width_text, squash

# Labels that make a table one of ours (a target table or a self-evaluation); others are left alone.
TABLE_LABELS = frozenset({"项目名称", "一级指标"})
NO_TABLES = "未找到项目绩效目标表"
_FORM_OPENERS = frozenset(FIELD_OF_PROJECT_LABEL) | frozenset(SECTION_LABELS)
_UNIT_CELL = re.compile(r"^[0-9]{6}\s*[^0-9.,\s]")


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
    context: str = ""  # the text between the previous table and this one (where 单位：元 is written)

    def texts(self) -> list[str]:
        return [s.text for s in self.spans]


def is_ours(table: SpanTable) -> bool:
    """Whether a table holds a target table or a self-evaluation, by its labels (as the ``.docx`` reader):
    项目名称 or 一级指标, or a row that heads indicators without levels."""
    texts = table.texts()
    if any(squash(text) in TABLE_LABELS for text in texts) or names_paired_levels({squash(t) for t in texts}):
        return True
    rows: dict[int, set[str]] = {}
    for span in table.spans:
        rows.setdefault(span.row, set()).add(label_key(span.text))
    return any(map(heads_levelless, rows.values()))


def split_forms(table: SpanTable) -> list[SpanTable]:
    """``table`` cut between forms stacked one under the other with no title or empty row between:
    a 项目名称 row below an indicator header (一级指标) starts the next form, together with the rows
    just above it that open a form (a unit cell ``100001单位名``, ``单位：万元``, a project label).
    A merged cell is never cut: where one crosses the boundary, the forms stay together."""
    starting: dict[int, list[Span]] = {}
    for span in table.spans:
        starting.setdefault(span.row, []).append(span)
    keys = {r: {label_key(s.text) for s in spans if s.text.strip()} for r, spans in starting.items()}
    cuts, header = [], None
    for r in sorted(starting):
        if "一级指标" in keys[r]:
            header = r
        elif "项目名称" in keys[r] and header is not None:
            cut = r
            while cut - 1 > header and cut - 1 in keys and _opens_form(starting[cut - 1], keys[cut - 1]):
                cut -= 1
            if not any(s.row < cut < s.row + s.rows for s in table.spans):
                cuts.append(cut)
                header = None
    if not cuts:
        return [table]
    bounds = [min(s.row for s in table.spans), *cuts, max(s.row + s.rows for s in table.spans)]
    return [
        SpanTable([s for s in table.spans if top <= s.row < end], table.title, table.row_refs[top], table.row_refs)
        for top, end in itertools.pairwise(bounds)
    ]


def _opens_form(spans: list[Span], keys: set[str]) -> bool:
    """Whether a row is one that opens a form: a unit cell, a money scale, a project label."""
    texts = [fold_width_text(s.text).strip() for s in spans]
    return bool(keys & _FORM_OPENERS) or any(_UNIT_CELL.match(t) or re.search(MONEY_SCALE, squash(t)) for t in texts)


def as_tables(tables: list[SpanTable]) -> list[Table]:
    """The tables as rows at full grid width, a merged cell's text at every position it covers (as
    :func:`perfkit.load.formats.docx.split_tables` gives them), for readers that walk rows."""
    return tables_of(grid_frame([grid_table(t) for t in tables], "")) if tables else []


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


def grid_table(table: SpanTable) -> GridTable:
    """``table`` on the grid of :mod:`perfkit.load.layout.grid`: each row lists the cells that start in it,
    left to right, and ``None`` where no cell covers a position, so merged cells keep their spans.

    >>> [[s and (s.text, s.rows, s.cols) for s in row] for row in grid_table(SpanTable(
    ...     [Span(0, 0, rows=2, text="a"), Span(0, 1, cols=2, text="b"), Span(1, 1, text="c")], "", "", ["r1", "r2"]
    ... )).rows]
    [[('a', 2, 1), ('b', 1, 2)], [('c', 1, 1), None]]
    """
    base = min((s.row for s in table.spans), default=0)
    height = max((s.row + s.rows for s in table.spans), default=base) - base
    width = max((s.col + s.cols for s in table.spans), default=0)
    starts = {(s.row - base, s.col): s for s in table.spans}
    covered = {(s.row - base + dr, s.col + dc) for s in table.spans for dr in range(s.rows) for dc in range(s.cols)}
    rows: list[list[GridSpan | None]] = []
    for r in range(height):
        row: list[GridSpan | None] = []
        for c in range(width):
            if (r, c) in starts:
                s = starts[(r, c)]
                row.append(GridSpan(s.text, s.rows, s.cols))
            elif (r, c) not in covered:
                row.append(None)
        rows.append(row)
    refs = [table.row_refs[base + r] for r in range(height) if base + r < len(table.row_refs)]
    return GridTable(rows, title=table.title, context=table.context, ref=table.ref, row_refs=refs)


def layout_cells(tables: list[SpanTable], file: str) -> pl.DataFrame:
    """The grid (:data:`~perfkit.load.layout.grid.GRID_SCHEMA`) of a document's target tables, merged cells
    with their spans, for :func:`perfkit.load.layout.table.read_tables`; no tables is refused."""
    if not tables:
        raise InputError(file, None, NO_TABLES)
    return grid_frame([grid_table(t) for t in tables], file)


def flat_rows(rows: list[list[str]], file: str, where: str, part: int = 0, context: str = "") -> pl.DataFrame | None:
    """A flat table (one row per indicator, header among the first rows) as the flat reader's
    canonical rows (``part``: the sheet's number in its workbook), or ``None`` when no row of
    ``rows`` is a flat header with every required column. The rows above the header and the
    ``context`` (the text above the table) may state the money scale (``金额单位：元``)."""
    rows = flat_from_tree(rows) or rows  # a tree export (项目 | 指标值 | 绩效金额) is a flat table indented
    head = rows[: flat._HEADER_SEARCH_ROWS]
    try:
        header_at = flat._find_header_row(head, file, where)
    except InputError:
        return None
    width = max(len(r) for r in rows)
    names = [f"c{i}" for i in range(width)]
    frame = pl.DataFrame([[*r, *[None] * (width - len(r))] for r in rows], schema=names, orient="row")
    body = frame.with_row_index("_line", offset=1).slice(header_at + 1).with_columns(pl.col("_line").cast(pl.Int64))
    body = body.with_columns(pl.col(names).cast(pl.String))
    above = [*([line] for line in context.splitlines()), *head[:header_at]]
    return flat._canonical(body, head[header_at], file, prefix=where, above=above, part=part)


def finish_tables_or_rows(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Projects and indicators from the raw frames of sources that hold layout tables (cells, as
    :data:`~perfkit.load.layout.table.CELL_SCHEMA`) or flat tables (canonical rows, marked by ``_split``),
    or both in one file (a workbook with a form on one sheet and a flat table on another: the
    flat table's projects follow the form's)."""
    if "text" not in raw.columns:  # flat tables only: the fast path of flat workbooks
        return flat.finish_flat(raw)
    parts = []
    cells = raw.filter(pl.col("text").is_not_null() | pl.col("ref").is_not_null())
    if cells.height:
        parts.append(read_tables(cells.select(list(CELL_SCHEMA))))
    if "_split" in raw.columns:
        rows = raw.filter(pl.col("_split").is_not_null())
        if rows.height:
            projects, indicators = flat.finish_flat(
                rows.drop([c for c in CELL_SCHEMA if c not in ("_file", "_file_no")], strict=False)
            )
            # a file's flat projects are numbered after its tables (keys are per file)
            after = cells.group_by("_file_no").agg(_after=pl.col("table_no").max().cast(pl.Int64) + 1)
            shifted = pl.col("_key").cast(pl.Int64) + pl.col("_after").fill_null(0)
            projects, indicators = (
                f.join(after, on="_file_no", how="left", maintain_order="left")
                .with_columns(_key=shifted)
                .drop("_after")
                for f in (projects, indicators)
            )
            parts.append((projects, indicators))
    if len(parts) == 1:
        return parts[0]
    return tuple(pl.concat([p[i] for p in parts], how="diagonal_relaxed") for i in (0, 1))  # type: ignore[return-value]
