"""The grid: every source's tables as one frame of cells with their spans resolved.

Each reader (Word text export, ``.docx``, worksheets, and the PDF / HTML / ``.xls`` / ``.doc``
readers) turns a document into this one shape; the layout reader (:mod:`perfkit.load.layout.table`,
:mod:`perfkit.load.layout.selfeval`) then finds a table's parts by their labels, never by position.

Column contract of a grid frame (:data:`GRID_SCHEMA`), one row per grid position:

=============  =======  ==================================================================
column         type     meaning
=============  =======  ==================================================================
``_file``      str      the source as given, for messages
``_file_no``   i32      the source's position in the load (the same file twice is two sources)
``table_no``   i32      0-based position of the table among ALL the document's tables
                        (tables that are not target tables included), so that places name
                        the table as a person counts it
``title``      str      the heading of the table: the last non-empty paragraph or line above
                        it ("" when none)
``context``    str      every paragraph or line between the previous table and this one,
                        joined with newlines (where ``单位：元`` above a table is found; "" when none)
``table_ref``  str      place of the table (``表3``, ``第12行``, ``第2页表1``)
``row_no``     i32      grid row, increasing in document order across the document's tables
``row_ref``    str      place of the row (``表3第5行``)
``col``        i32      0-based grid column
``ref``        str      place of the cell a person sees at this position (``表3第5行第2格``)
``text``       str      the text of the cell that covers this position: a merged cell's text
                        is known at EVERY position it covers ("" for an empty cell)
``origin_row`` i32      ``row_no`` of the top-left position of the covering cell
``origin_col`` i32      ``col`` of that position
``continued``  bool     true where the position is covered by a cell that starts at another
                        position (``(origin_row, origin_col) != (row_no, col)``)
=============  =======  ==================================================================

Rules a reader keeps:

- Every row of a table has the table's full grid width (a ``.docx`` row that stops short, or a
  ``gridBefore``/``gridAfter`` gap, gives empty, non-continued positions).
- A source that does not record spans (the Word plain-text export writes a merged cell once,
  and a vertically merged cell's continuation as an empty cell) marks every position as its own
  origin (``continued`` false); the layout reader copes with both.
- Rows are in document order; ``row_no`` never repeats within a file.

The columns are stable: readers in other modules (pdf, html, xls, doc) rely on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from perfkit.errors import InputError
from perfkit.text import figure_value

GRID_SCHEMA = {
    "_file": pl.String,
    "_file_no": pl.Int32,
    "table_no": pl.Int32,
    "title": pl.String,
    "context": pl.String,
    "table_ref": pl.String,
    "row_no": pl.Int32,
    "row_ref": pl.String,
    "col": pl.Int32,
    "ref": pl.String,
    "text": pl.String,
    "origin_row": pl.Int32,
    "origin_col": pl.Int32,
    "continued": pl.Boolean,
}
GRID_COLUMNS = list(GRID_SCHEMA)


@dataclass(frozen=True)
class Span:
    """One cell as a source writes it: its text and how many grid rows and columns it covers."""

    text: str
    rows: int = 1
    cols: int = 1


@dataclass
class GridTable:
    """One table of a document as rows of :class:`Span` (a vertically merged cell appears once,
    in its first row; the rows it covers below leave its columns out)."""

    rows: list[list[Span | None]]
    title: str = ""
    context: str = ""
    ref: str = ""
    row_refs: list[str] = field(default_factory=list)
    number: int | None = None  # position among all the document's tables, when not every table is kept


def resolve(table: GridTable) -> list[list[tuple[str, int, int]]]:
    """The table's grid: for each row, each position's (text, origin row, origin column).

    ``None`` in a row is an empty position (a gap). Spans are laid out left to right, skipping
    positions that a cell from a row above already covers. Rows are padded to the widest row.
    """
    covered: dict[tuple[int, int], tuple[str, int, int]] = {}
    for r, row in enumerate(table.rows):
        c = 0
        for span in row:
            while (r, c) in covered:
                c += 1
            if span is None:
                covered[(r, c)] = ("", r, c)
                c += 1
                continue
            for dr in range(max(span.rows, 1)):
                for dc in range(max(span.cols, 1)):
                    covered.setdefault((r + dr, c + dc), (span.text, r, c))
            c += max(span.cols, 1)
    height = len(table.rows)
    width = max((c + 1 for r, c in covered if r < height), default=0)
    return [[covered.get((r, c), ("", r, c)) for c in range(width)] for r in range(height)]


def grid_frame(tables: Sequence[GridTable], file: str, first_row: int = 1) -> pl.DataFrame:
    """The grid frame (:data:`GRID_SCHEMA`) of one document's ``tables`` (``table_no`` = the table's ``number``, else its list position).

    Cell places read ``<table ref>第<r>行第<c>格`` (1-based, counting grid columns) unless the
    table gives ``row_refs`` of its own.
    """
    columns: dict[str, list] = {name: [] for name in GRID_SCHEMA}
    row_no = first_row - 1
    for position, table in enumerate(tables):
        table_no = position if table.number is None else table.number
        base = row_no + 1
        for r, positions in enumerate(resolve(table)):
            row_no += 1
            row_ref = table.row_refs[r] if r < len(table.row_refs) else f"{table.ref}第{r + 1}行"
            for c, (text, origin_r, origin_c) in enumerate(positions):
                ref = (
                    f"{row_ref}第{origin_c + 1}格"
                    if origin_r == r
                    else f"{table.ref}第{origin_r + 1}行第{origin_c + 1}格"
                )
                values = (
                    file, 0, table_no, table.title, table.context, table.ref, row_no, row_ref, c, ref, text,
                    base + origin_r, origin_c, (origin_r, origin_c) != (r, c),
                )  # fmt: skip
                for name, value in zip(GRID_SCHEMA, values, strict=True):
                    columns[name].append(value)
    return pl.DataFrame(columns, schema=GRID_SCHEMA)


def empty_grid() -> pl.DataFrame:
    """A grid frame with no cells."""
    return pl.DataFrame(schema=GRID_SCHEMA)


def as_grid(cells: pl.DataFrame) -> pl.DataFrame:
    """``cells`` with the grid columns a reader did not give filled in: each position its own
    origin, not continued, no context. Does not mutate ``cells``."""
    defaults = {
        "context": pl.lit(""),
        "origin_row": pl.col("row_no"),
        "origin_col": pl.col("col"),
        "continued": pl.lit(False),
    }
    missing = {name: value for name, value in defaults.items() if name not in cells.columns}
    return cells.with_columns(**missing).select([pl.col(c).cast(t) for c, t in GRID_SCHEMA.items()])


# --- rows, for readers that walk a table row by row (self-evaluations) ---------------------


@dataclass(frozen=True)
class Row:
    """The cells of one table row, its place in the source (e.g. ``第35行``) and each cell's place;
    ``continued`` marks the positions covered by a merged cell that starts elsewhere."""

    cells: list[str]
    ref: str
    cell_refs: list[str] = field(default_factory=list)
    continued: list[bool] = field(default_factory=list)
    side: list[bool] = field(default_factory=list)  # continues a cell that starts to its left in this row

    def cell_ref(self, index: int) -> str:
        """The place of cell ``index``, or of the row when cells have no places of their own."""
        return self.cell_refs[index] if index < len(self.cell_refs) else self.ref

    def is_continued(self, index: int) -> bool:
        """Whether position ``index`` continues a merged cell."""
        return index < len(self.continued) and self.continued[index]

    def is_side(self, index: int) -> bool:
        """Whether position ``index`` continues a cell that starts to its left in the same row."""
        return index < len(self.side) and self.side[index]


@dataclass
class Table:
    """One project's table: its title (heading above it, may be empty) and its rows."""

    title: str
    rows: list[Row] = field(default_factory=list)
    ref: str = ""
    context: str = ""


def cells_of(tables: list[Table], file: str) -> pl.DataFrame:
    """The cells of one document's ``tables`` as a grid frame, for :func:`read_tables`.

    Rows keep only whether a position continues a merged cell (``continued``) and whether from its
    left (``side``): such a position gets the column to its left as origin column, a position
    continued from above the row above as origin row — the two facts the layout reader uses.
    """
    columns: dict[str, list] = {name: [] for name in GRID_SCHEMA}
    row_no = 0
    for table_no, table in enumerate(tables):
        for row in table.rows:
            row_no += 1
            for col, text in enumerate(row.cells):
                continued, side = row.is_continued(col), row.is_side(col)
                origin = (row_no, col - 1) if side else (row_no - 1, col) if continued else (row_no, col)
                values = (file, 0, table_no, table.title, table.context, table.ref, row_no, row.ref, col,
                          row.cell_ref(col), text, *origin, continued)  # fmt: skip
                for name, value in zip(GRID_SCHEMA, values, strict=True):
                    columns[name].append(value)
    return pl.DataFrame(columns, schema=GRID_SCHEMA)


def tables_of(cells: pl.DataFrame) -> list[Table]:
    """The grid frame back as :class:`Table` objects, for readers that walk rows one by one."""
    tables: dict[tuple[int, int], Table] = {}
    side = (pl.col("origin_row") == pl.col("row_no")) & (pl.col("origin_col") != pl.col("col"))
    rows = cells.group_by("_file_no", "table_no", "row_no", maintain_order=True).agg(
        pl.col("title", "table_ref", "row_ref", "context").first(), "text", "ref", "continued", side.alias("side")
    )
    for file_no, table_no, _, title, table_ref, row_ref, context, texts, refs, continued, sides in rows.iter_rows():
        table = tables.setdefault((file_no, table_no), Table(title=title, ref=table_ref, context=context))
        table.rows.append(Row(texts, row_ref, refs, continued, sides))
    return list(tables.values())


def figure(text: str, label: str, file: str, ref: str) -> float | None:
    """A figure from a cell: empty, ``—`` and ``/`` read as missing; anything else must be a number
    (full-width digits such as ``１２．５`` read as written in half width)."""
    value = figure_value(text)
    if value is not None and value != value:  # NaN: not a number
        raise InputError(file, ref, f"{label}“{text.strip()}”不是数字")
    return value
