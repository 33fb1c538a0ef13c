"""Turn target tables, given as a grid of cells (:mod:`perfkit.load.grid`), into project records
and indicator rows — by their labels, never by position.

Every source (Word plain-text export, ``.docx``, and the other grid readers) reduces to the same
grid. A table's indicator blocks start at a header row (一级指标 … 指标值; the labels are data in
:mod:`perfkit.load.layouts`), possibly with a second header row under a merged cell (年度指标值
over 指标性质 | 指标值 | 度量单位); the rows above the first header are the project part
(:mod:`perfkit.load.project_part`). A block titled 长期绩效指标 / 年度绩效指标 gives its rows a
``period``. This module knows nothing about file formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from perfkit.errors import InputError
from perfkit.load.grid import GRID_SCHEMA, as_grid
from perfkit.load.layouts import (
    CLOSING_LABELS,
    CORE_MARK,
    FIELD_OF_HEADER,
    INDICATOR_HEADERS,
    PERIOD_LABELS,
    SECTION_LABELS,
    label_key_expr,
)
from perfkit.load.project_part import read_project_parts
from perfkit.text import OP_SYMBOLS, figure_expr, figure_value, fold_width


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


UNIT_CELL = re.compile(r"^([0-9]{6})\s*([^0-9.,].*)$", re.S)  # match after fold_width_text
YEAR = re.compile(r"(20\d{2})\s*年")
_REQUIRED_HEADERS = ("level1", "level2", "name", "target_raw")
_FIELDS = ("level1", "level2", "name", "description", "target_raw", "target_op", "target_unit", "weight")
_TABLE = ["_file_no", "_key"]
_QUALITATIVE = ("定性", "qualitative")
CELL_SCHEMA = GRID_SCHEMA  # the name readers used before the grid


def cells_of(tables: list[Table], file: str) -> pl.DataFrame:
    """The cells of one document's ``tables`` as a grid frame, for :func:`read_tables`."""
    columns: dict[str, list] = {name: [] for name in GRID_SCHEMA}
    row_no = 0
    for table_no, table in enumerate(tables):
        for row in table.rows:
            row_no += 1
            for col, text in enumerate(row.cells):
                values = (file, 0, table_no, table.title, table.context, table.ref, row_no, row.ref, col,
                          row.cell_ref(col), text, row_no, col, row.is_continued(col))  # fmt: skip
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


def read_tables(cells: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Project records and indicator rows of every table in ``cells`` (a grid of any number of documents).

    Both are keyed by ``_file_no`` and ``_key`` (the table's position among the document's target
    tables). Indicator rows carry ``period`` (``annual`` unless a 长期 block holds them),
    ``weight`` (权重/分值), ``core`` (★) and ``notes`` (评（扣）分标准, 指标解释, 备注 and header labels
    perfkit does not know, each as ``label：text``). Merged level-1 cells that a source writes once
    stay empty here and are filled in by the assembler. The first problem found raises an
    :class:`InputError`.
    """
    cells = as_grid(cells)
    cheap = pl.col("text").str.replace_all(r"\s", "")
    cells = cells.with_columns(_key=(pl.col("table_no").rank("dense").over("_file_no") - 1).cast(pl.Int32), _c=cheap)
    headers = _header_cells(cells)
    header_rows = headers.filter("_is_header").group_by(_TABLE).agg(pl.col("row_no").min().alias("_header"))
    tables = cells.group_by(_TABLE, maintain_order=True).agg(pl.col("_file", "title", "context", "table_ref").first())
    tables = tables.join(header_rows, on=_TABLE, how="left").sort(_TABLE)
    if (missing := tables.filter(pl.col("_header").is_null())).height:
        row = missing.row(0, named=True)
        title = row["title"] or "（无标题）"
        raise InputError(row["_file"], row["table_ref"], f"表格“{title}”没有指标表头（一级指标…指标值），表格不完整")
    cells = cells.join(tables.select(*_TABLE, "_header"), on=_TABLE, maintain_order="left")
    projects = read_project_parts(
        cells.filter(pl.col("row_no") < pl.col("_header")),
        tables.select("_file", *_TABLE, "title", "context", "table_ref"),
    )
    columns, notes = _block_columns(headers)
    _require_headers(headers, columns)
    after = cells.filter(pl.col("row_no") > pl.col("_header"))
    # a block title above the first header gives the period of the first block
    initial = (
        cells.filter(pl.col("row_no") <= pl.col("_header"), pl.col("_c").is_in(list(PERIOD_LABELS)))
        .group_by(_TABLE)
        .agg(_initial=pl.col("_c").last().replace_strict(PERIOD_LABELS))
    )
    rows = _body_rows(after, headers, initial)
    body = after.join(
        rows.filter("_body").select(*_TABLE, "row_no", "_block"), on=[*_TABLE, "row_no"], maintain_order="left"
    )
    _check_widths(headers, body, rows, projects)
    return projects, _indicators(body, columns, notes, rows)


def _header_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """The cells of every header row (一级指标 with an 指标值 label) and of the row under each, with
    their field (``_field``), and ``_is_header`` / ``_is_sub`` row marks."""
    level1_rows = cells.filter((pl.col("_c") == "一级指标") & ~pl.col("continued")).select(*_TABLE, "row_no").unique()
    candidates = level1_rows.vstack(level1_rows.with_columns(pl.col("row_no") + 1)).unique()
    near = cells.join(candidates, on=[*_TABLE, "row_no"]).with_columns(
        _k=label_key_expr(pl.col("text")), _own=~pl.col("continued")
    )
    near = near.with_columns(_field=pl.col("_k").replace_strict(FIELD_OF_HEADER, default=None))
    marks = near.group_by(*_TABLE, "row_no").agg(
        _is_header=((pl.col("_c") == "一级指标") & pl.col("_own")).any() & (pl.col("_field") == "target_raw").any(),
        _has_sub=(pl.col("_own") & pl.col("_field").is_in(["target_op", "target_raw", "target_unit"])).any()
        & (pl.col("continued") & (pl.col("_c") == "一级指标")).any(),
    )
    near = near.join(marks, on=[*_TABLE, "row_no"]).sort(*_TABLE, "row_no", "col")
    header_above = near.select(*_TABLE, pl.col("row_no") + 1, _above=pl.col("_is_header")).unique()
    near = near.join(header_above, on=[*_TABLE, "row_no"], how="left").with_columns(
        _is_sub=pl.col("_has_sub") & pl.col("_above").fill_null(False) & ~pl.col("_is_header")
    )
    return near.filter(pl.col("_is_header") | pl.col("_is_sub"))


def _block_columns(headers: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per block (``_block`` = its header row): the column of each field, the first one winning,
    and the columns kept as notes (``_label``). A second header row names the columns under a
    merged cell (年度指标值 over 指标性质 | 指标值 | 度量单位)."""
    block = pl.when("_is_sub").then(pl.col("row_no") - 1).otherwise("row_no")
    h = headers.with_columns(_block=block)
    sub_cols = h.filter("_is_sub", "_own").select(*_TABLE, "_block", "col", _sub=pl.lit(True))
    h = h.join(sub_cols, on=[*_TABLE, "_block", "col"], how="left")
    # a header cell that a second-row cell lies under is read from the second row
    h = h.filter(pl.col("_own"), pl.col("_is_sub") | pl.col("_sub").is_null())
    columns = h.drop_nulls("_field").group_by(*_TABLE, "_block", "_field").agg(pl.col("col").min())
    ignored = [*SECTION_LABELS, *PERIOD_LABELS, "序号", ""]
    notes = h.filter(
        (pl.col("_field") == "notes") | (pl.col("_field").is_null() & ~pl.col("_k").is_in(ignored))
    ).select(*_TABLE, "_block", "col", _label=pl.col("text").str.strip_chars())
    return columns, notes


def _body_rows(after: pl.DataFrame, headers: pl.DataFrame, initial: pl.DataFrame) -> pl.DataFrame:
    """Every row under the first header: its block (the header above it), its ``period`` and whether
    it is an indicator row (``_body``): not a header, not a block title, not a closing row (合计,
    总分 … and the rows after one), not empty."""
    period = pl.col("_c").replace_strict(PERIOD_LABELS, default=None)
    rows = after.group_by(*_TABLE, "row_no", maintain_order=True).agg(
        pl.col("_file", "row_ref").first(),
        _cells=pl.len(),
        _period=period.drop_nulls().first(),
        # a block title on a row of its own (written once, or merged over the row)
        _title_row=(period.is_not_null() | (pl.col("_c") == "")).all(),
        _closing=(pl.col("_c").is_in(CLOSING_LABELS) & (pl.col("col") <= 1)).any(),
        _empty=(pl.col("_c") == "").all(),
    )
    marks = headers.group_by(*_TABLE, "row_no").agg(pl.col("_is_header", "_is_sub").first())
    rows = rows.join(marks, on=[*_TABLE, "row_no"], how="left").with_columns(
        pl.col("_is_header", "_is_sub").fill_null(False)
    )
    rows = rows.join(initial, on=_TABLE, how="left", maintain_order="left")
    rows = rows.with_columns(
        _block=pl.when("_is_header").then("row_no").forward_fill().over(_TABLE),
        _open=pl.when("_is_header").then(True).when("_closing").then(False).forward_fill().over(_TABLE).fill_null(True),
        period=pl.col("_period").forward_fill().over(_TABLE).fill_null(pl.col("_initial")).fill_null("annual"),
    )
    # the first block's header is not in `after`: its rows keep a null _block (the first block)
    return rows.with_columns(
        _body=pl.col("_open")
        & ~pl.col("_is_header")
        & ~pl.col("_is_sub")
        & ~pl.col("_closing")
        & ~pl.col("_empty")
        & ~pl.col("_title_row"),
    )


def _indicators(body: pl.DataFrame, columns: pl.DataFrame, notes: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    first_block = columns.group_by(_TABLE).agg(pl.col("_block").min().alias("_first"))
    body = body.join(first_block, on=_TABLE, maintain_order="left").with_columns(_block=pl.coalesce("_block", "_first"))
    # every row has the header's width, so a field's cell sits at (first cell of the row + the
    # field's column): a gather by position instead of a group-by over every cell
    body = body.with_row_index("_at")
    where = columns.pivot(on="_field", index=[*_TABLE, "_block"], values="col")
    where = where.with_columns(pl.lit(None, dtype=pl.Int32).alias(f) for f in _FIELDS if f not in where.columns)
    starts = body.filter(pl.col("col") == 0).select(*_TABLE, "_block", "_file", "_at", "row_no", source_ref="row_ref")
    starts = starts.join(where, on=[*_TABLE, "_block"], how="left", maintain_order="left")
    text = body["text"]
    # a position covered by a cell that starts to its left in the same row was read there already;
    # one merged up into the header is no indicator's cell
    side = ((body["origin_row"] == body["row_no"]) & (body["origin_col"] != body["col"])).alias("_side")
    header = (body["origin_row"] <= body["_block"]).alias("_in_header")
    picked, sides = {}, {}
    for f in _FIELDS:
        at = starts["_at"] + starts[f].cast(pl.UInt32)
        sides[f] = side.gather(at).fill_null(False)
        picked[f] = pl.when(~sides[f] & ~header.gather(at)).then(text.gather(at).str.strip_chars()).alias(f)
    _refuse_merged_fields(starts, body, sides)
    frame = starts.select(*_TABLE, "_block", "_file", "row_no", "source_ref", *picked.values())
    frame = frame.join(
        rows.select(*_TABLE, "row_no", "period"), on=[*_TABLE, "row_no"], how="left", maintain_order="left"
    )
    frame = frame.join(_notes(body, notes), on=[*_TABLE, "row_no"], how="left", maintain_order="left")
    has_op = pl.col("target_op").is_not_null()
    core = pl.any_horizontal(pl.col("level1", "level2", "name").str.contains(CORE_MARK, literal=True).fill_null(False))
    weight = figure_expr(pl.col("weight"))
    _refuse_weights(frame.filter(weight.is_nan()), body)
    return frame.select(
        *_TABLE,
        "_file",
        level1=pl.col("level1")
        .str.replace(r"[（(]\s*[0-9.]+\s*分\s*[）)]\s*$", "")
        .str.replace_all(CORE_MARK, "")
        .str.strip_chars(),
        level2=pl.col("level2").str.replace_all(CORE_MARK, "").str.strip_chars(),
        name=pl.col("name").str.replace_all(CORE_MARK, "").str.strip_chars(),
        description="description",
        target_raw=pl.when(has_op).then(_joined_target()).otherwise("target_raw"),
        source_ref="source_ref",
        _qualitative=has_op & pl.col("target_op").is_in(_QUALITATIVE),
        period="period",
        weight=weight,
        core=core,
        notes="_notes",
    )


def _refuse_merged_fields(starts: pl.DataFrame, body: pl.DataFrame, sides: dict[str, pl.Series]) -> None:
    """Raise where one cell of an indicator row covers the columns of two required fields."""
    for f in _REQUIRED_HEADERS:
        hit = starts.filter(sides[f])
        if hit.height:
            row = hit.row(0, named=True)
            at = row["_at"] + row[f]
            left = body["origin_col"][at]
            fields = {row[g]: g for g in _FIELDS if row[g] is not None}
            labels = [INDICATOR_HEADERS[fields.get(left, f)][0], INDICATOR_HEADERS[f][0]]
            raise InputError(row["_file"], body["ref"][at], f"“{labels[0]}”与“{labels[1]}”两列合并为一格，无法分开读取")


def _notes(body: pl.DataFrame, notes: pl.DataFrame) -> pl.DataFrame:
    """``label：text`` of every note column of a row, joined with ``；`` (only rows that have one)."""
    cells = body.join(notes, on=[*_TABLE, "_block", "col"]).filter(
        pl.col("text").str.strip_chars() != "",
        (pl.col("origin_row") != pl.col("row_no")) | (pl.col("origin_col") == pl.col("col")),
    )
    return (
        cells.sort(*_TABLE, "row_no", "col")
        .group_by(*_TABLE, "row_no", maintain_order=True)
        .agg(_notes=pl.format("{}：{}", "_label", pl.col("text").str.strip_chars()).str.join("；"))
    )


def _joined_target() -> pl.Expr:
    """指标性质 | 指标值 | 度量单位 joined back into the cell as a person would write it."""
    folded = fold_width(pl.col("target_op").str.replace_all("﹦", "=")).str.replace_all(r"\s", "")
    symbol = folded.replace_strict(OP_SYMBOLS, default="")
    return (
        pl.when(pl.col("target_op").is_in(_QUALITATIVE) | pl.col("target_raw").is_null())
        .then("target_raw")
        .otherwise(pl.concat_str([symbol, pl.col("target_raw"), pl.col("target_unit").fill_null("")]))
    )


def _refuse_weights(bad: pl.DataFrame, body: pl.DataFrame) -> None:
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError(row["_file"], row["source_ref"], f"权重“{row['weight']}”不是数字")


def _require_headers(headers: pl.DataFrame, columns: pl.DataFrame) -> None:
    required = pl.DataFrame({"_field": list(_REQUIRED_HEADERS)})
    blocks = headers.filter("_is_header").group_by(*_TABLE, "row_no").agg(pl.col("_file", "row_ref").first())
    blocks = blocks.rename({"row_no": "_block"})
    missing = blocks.join(required, how="cross").join(columns, on=[*_TABLE, "_block", "_field"], how="anti")
    if missing.height:
        first = missing.sort(*_TABLE, "_block").row(0, named=True)
        fields = missing.filter(pl.col("_file_no") == first["_file_no"], pl.col("_key") == first["_key"])["_field"]
        labels = "、".join(INDICATOR_HEADERS[f][0] for f in _REQUIRED_HEADERS if f in fields)
        raise InputError(first["_file"], first["row_ref"], f"指标表头缺少列：{labels}")


def _check_widths(headers: pl.DataFrame, body: pl.DataFrame, rows: pl.DataFrame, projects: pl.DataFrame) -> None:
    widths = (
        headers.filter("_is_header")
        .group_by(*_TABLE, "row_no")
        .agg(pl.len().alias("_width"), pl.col("row_ref").first().alias("_header_ref"))
        .rename({"row_no": "_block"})
    )
    first = widths.group_by(_TABLE).agg(pl.col("_block").min().alias("_first"))
    counted = rows.filter("_body").join(first, on=_TABLE).with_columns(_block=pl.coalesce("_block", "_first"))
    wrong = counted.join(widths, on=[*_TABLE, "_block"]).filter(pl.col("_cells") != pl.col("_width"))
    if wrong.height:
        row = wrong.sort("_file_no", "row_no").row(0, named=True)
        raise InputError(row["_file"], row["row_ref"], f"指标行有{row['_cells']}个单元格，表头有{row['_width']}个")
    firsts = widths.join(first, on=_TABLE).filter(pl.col("_block") == pl.col("_first"))
    empty = firsts.join(counted, on=_TABLE, how="anti").join(projects, on=_TABLE).sort(_TABLE)
    if empty.height:
        row = empty.row(0, named=True)
        message = f"项目“{row['project_name']}”的表头之后没有指标行，表格不完整"
        raise InputError(row["_file"], row["_header_ref"], message)
    del body


def figure(text: str, label: str, file: str, ref: str) -> float | None:
    """A figure from a cell: empty, ``—`` and ``/`` read as missing; anything else must be a number
    (full-width digits such as ``１２．５`` read as written in half width)."""
    value = figure_value(text)
    if value is not None and value != value:  # NaN: not a number
        raise InputError(file, ref, f"{label}“{text.strip()}”不是数字")
    return value
