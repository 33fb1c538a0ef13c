"""Tables with a project column: 项目名称 (and maybe 预算数, 单位名称 …) beside 一级指标 in the
indicator header, the project written on every row or merged down its rows.

Such a table holds several projects. Each becomes a table of its own on the grid, before the
layout reader (:mod:`perfkit.load.layout.table`) reads it as it reads any form: the rows above
the header (shared), then for each project a row ``label | value`` per project column (the
project's name, budget …, taken from its first row, so they come before any label of the rows
above), the header and the project's rows, both without the project columns. A row whose project
cell is empty continues the project above; whether the cells are merged changes nothing.
"""

from __future__ import annotations

import polars as pl

from perfkit.load.layout.grid import GRID_COLUMNS, GRID_SCHEMA
from perfkit.load.layout.labels import CLOSING_LABELS, FIELD_OF_PROJECT_LABEL, PERIOD_LABELS

_T = ["_file_no", "table_no"]
_NOT_PROJECTS = [*PERIOD_LABELS, *CLOSING_LABELS]


def split_project_columns(grid: pl.DataFrame, headers: pl.DataFrame) -> pl.DataFrame | None:
    """``grid`` with every table whose indicator header has a 项目名称 column cut into one table
    per project; None when no header has one. ``headers`` are the header cells the layout reader
    found (``_key`` = ``table_no``, ``_k`` the label key, ``_is_header``, ``_own``)."""
    own = headers.filter("_is_header", "_own").rename({"_key": "table_no"})
    first = own.filter(pl.col("_k") == "项目名称").group_by(_T).agg(_h=pl.col("row_no").min())
    if not first.height:
        return None
    columns = (
        own.join(first, on=_T)
        .filter(pl.col("row_no") == pl.col("_h"))
        .with_columns(_pf=pl.col("_k").replace_strict(FIELD_OF_PROJECT_LABEL, default=None))
        .drop_nulls("_pf")
        .sort(*_T, "col")
        .unique([*_T, "_pf"], keep="first", maintain_order=True)
        .select(*_T, "col", "_pf", _label=pl.col("text").str.strip_chars(), _fi=pl.int_range(pl.len()).over(_T))
    )
    g = grid.join(first, on=_T, how="left")
    rest = g.filter(pl.col("_h").is_null()).with_columns(_a="row_no", _b=pl.lit(-1), _c=pl.lit(0))
    t = g.filter(pl.col("_h").is_not_null()).with_columns(_t0=pl.col("row_no").min().over(_T))
    name_col = columns.filter(pl.col("_pf") == "project_name").select(*_T, _pc="col")
    t = t.join(name_col, on=_T, how="left")
    side = (pl.col("origin_row") == pl.col("row_no")) & (pl.col("origin_col") != pl.col("col"))
    row = [*_T, "row_no"]
    header_like = ((pl.col("text").str.replace_all(r"\s", "") == "一级指标") & ~pl.col("continued")).any().over(row)
    cell = pl.when((pl.col("col") == pl.col("_pc")) & ~side).then(pl.col("text").str.strip_chars())
    value = pl.when((pl.col("row_no") > pl.col("_h")) & ~header_like).then(cell.max().over(row))
    # a block title (年度绩效指标) or a closing row (合计) over the project column names no project
    t = t.with_columns(_v=value.replace("", None)).with_columns(
        _v=pl.when(~pl.col("_v").str.replace_all(r"\s", "").is_in(_NOT_PROJECTS)).then("_v")
    )
    body = pl.col("row_no") > pl.col("_h")
    t = t.with_columns(
        _v0="_v",  # the project a row names itself; _v: the one it belongs to (an empty cell continues)
        _v=pl.when(body).then(pl.col("_v").forward_fill().backward_fill().over(_T, order_by=["row_no", "col"])),
    )
    projects = (
        t.filter(body, pl.col("_v0").is_not_null())
        .group_by(*_T, "_v")
        .agg(_first=pl.col("row_no").min())
        .sort(*_T, "_first")
        .with_columns(_b=pl.int_range(pl.len()).over(_T))
    )
    # the project's rows (with its number); the shared rows above and the header once per project
    own_rows = t.filter(body).join(projects.select(*_T, "_v", "_b"), on=[*_T, "_v"])
    shared = t.filter(~body).join(projects.select(*_T, "_b"), on=_T)
    copies = pl.concat([shared, own_rows], how="diagonal_relaxed").with_columns(_a="_t0", _c="row_no")
    copies = _without_project_columns(copies, columns)
    made = _project_rows(t, projects, columns)
    cells = pl.concat([rest, copies, made], how="diagonal_relaxed")
    return _renumbered(cells)


def _without_project_columns(copies: pl.DataFrame, columns: pl.DataFrame) -> pl.DataFrame:
    """The header and the project's rows without the project columns, the columns after them moved left
    (a position continued from a project column becomes its own cell)."""
    width = copies.group_by(_T).agg(col=pl.int_ranges(0, pl.col("col").max() + 1).first()).explode("col")
    gone = columns.select(*_T, "col", _gone=pl.lit(True))
    moved = (
        width.join(gone, on=[*_T, "col"], how="left")
        .with_columns(_gone=pl.col("_gone").fill_null(False))
        .with_columns(_to=pl.when(~pl.col("_gone")).then((~pl.col("_gone")).cum_sum().over(_T) - 1))
    )
    below = pl.col("row_no") >= pl.col("_h")
    c = copies.join(moved.select(*_T, "col", "_to"), on=[*_T, "col"], how="left").join(
        moved.select(*_T, origin_col="col", _origin_to="_to"), on=[*_T, "origin_col"], how="left"
    )
    c = c.filter(~below | pl.col("_to").is_not_null())
    lost = below & pl.col("_origin_to").is_null()
    return c.with_columns(
        col=pl.when(below).then("_to").otherwise("col"),
        origin_col=pl.when(lost).then("_to").when(below).then("_origin_to").otherwise("origin_col"),
        origin_row=pl.when(lost).then("row_no").otherwise("origin_row"),
        continued=pl.when(lost).then(False).otherwise("continued"),
    ).drop("_to", "_origin_to")


def _project_rows(t: pl.DataFrame, projects: pl.DataFrame, columns: pl.DataFrame) -> pl.DataFrame:
    """A row ``label | value`` (the value merged over the rest of the row) per project and project column."""
    width = t.group_by(_T).agg(_w=pl.col("col").max() + 1)
    values = (
        t.join(projects.select(*_T, "_v", "_first"), on=[*_T, "_v"])
        .filter(pl.col("row_no") == pl.col("_first"))
        .join(columns.select(*_T, "col", "_fi", "_label"), on=[*_T, "col"])
        .select(
            *_T,
            "_v",
            "_fi",
            "_label",
            "_t0",
            "_h",
            "title",
            "context",
            "table_ref",
            "_file",
            "row_ref",
            _value=pl.col("text").str.strip_chars(),
            _ref="ref",
        )
        .join(projects.select(*_T, "_v", "_b"), on=[*_T, "_v"])
        .join(width, on=_T)
        .with_columns(col=pl.int_ranges(0, "_w"))
        .explode("col")
    )
    first_col = pl.col("col") == 0
    return values.select(
        "_file", *_T, "title", "context", "table_ref", "row_ref", "col", "_h", "_t0", "_b",
        ref="_ref",
        text=pl.when(first_col).then("_label").otherwise("_value"),
        origin_col=pl.when(first_col).then(0).otherwise(1),
        continued=pl.col("col") > 1,
        _a="_t0",
        _c=pl.col("_fi") - 1_000_000,  # before every row of the copy
    )  # fmt: skip


def _renumbered(cells: pl.DataFrame) -> pl.DataFrame:
    """Rows and tables numbered again in order: each copy its own table, each row its own number."""
    order = pl.struct("_a", "_b", "_c")
    cells = cells.with_columns(
        _new=order.rank("dense").over("_file_no").cast(pl.Int32),
        _table=pl.struct("table_no", "_b").rank("dense").over("_file_no").cast(pl.Int32) - 1,
        _oa=pl.when(pl.col("_b") < 0).then("origin_row").otherwise("_a"),
        _oc=pl.when(pl.col("_b") < 0).then(0).otherwise(pl.col("origin_row")),
    )
    new_rows = cells.select("_file_no", "_a", "_b", "_c", "_new").unique()
    origin = new_rows.rename({"_a": "_oa", "_c": "_oc", "_new": "_origin"})
    cells = cells.join(origin, on=["_file_no", "_oa", "_b", "_oc"], how="left")
    made = pl.col("_c") < 0  # a made row: its cells continue its own first cells
    lost = pl.col("_origin").is_null() & ~made
    return (
        cells.with_columns(
            origin_row=pl.when(made).then("_new").otherwise(pl.col("_origin").fill_null(pl.col("_new"))),
            origin_col=pl.when(lost).then("col").otherwise("origin_col"),
            continued=pl.when(lost).then(False).otherwise("continued"),
        )
        .with_columns(row_no="_new", table_no="_table")
        .sort("_file_no", "row_no", "col")
        .select([pl.col(c).cast(t) for c, t in GRID_SCHEMA.items()])
        .select(GRID_COLUMNS)
    )
