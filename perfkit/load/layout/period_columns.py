"""Indicator headers with a block per period side by side: 一级指标 | 二级指标（长期） | 三级指标（长期） |
指标值（长期） | 二级指标（年度） | 三级指标（年度） | 指标值（年度）.

Each row of such a table holds a long-term and an annual indicator under one level-1 label. Before
the layout reader (:mod:`perfkit.load.layout.table`) reads it, the table is laid out again on the
grid as the stacked form it stands for: the rows above the header as they are, then for each
period a block title row (长期绩效指标, 年度绩效指标: labels of ``PERIOD_LABELS``), the header and
the body rows, each with the shared columns (一级指标, 备注 …) and the columns of that period only.
Places (``ref``, ``row_ref``) stay those of the source, so messages name the cells a person sees.
"""

from __future__ import annotations

import polars as pl

from perfkit.load.layout.grid import GRID_COLUMNS, GRID_SCHEMA
from perfkit.load.layout.labels import PERIOD_NOTES, PERIOD_TITLES

_T = ["_file_no", "table_no"]
_NOTE = r"[（(]\s*([^（）()]+?)\s*[）)]\s*$"


def split_period_columns(grid: pl.DataFrame, headers: pl.DataFrame) -> pl.DataFrame | None:
    """``grid`` with every table whose first indicator header has field columns of two periods
    (``二级指标（长期）`` … ``指标值（年度）``) stacked into one block per period; None when no table has."""
    own = headers.filter("_is_header", "_own").rename({"_key": "table_no"})
    if not own.height:
        return None
    first = own.group_by(_T).agg(_h=pl.col("row_no").min())
    note = pl.col("text").str.replace_all(r"\s", "").str.extract(_NOTE, 1)
    columns = (
        own.join(first, on=_T)
        .filter(pl.col("row_no") == pl.col("_h"), pl.col("_field").is_not_null())
        .with_columns(_p=note.replace_strict(PERIOD_NOTES, default=None))
        .select(*_T, "_h", "col", "_p")
    )
    periods = columns.drop_nulls("_p").group_by(_T).agg(pl.col("_p").n_unique().alias("_n"))
    split = periods.filter(pl.col("_n") > 1).select(_T)
    if not split.height:
        return None
    columns = columns.join(split, on=_T)
    # the periods in the order of their first column; a column without a period note is shared
    order = (
        columns.drop_nulls("_p")
        .group_by(*_T, "_p")
        .agg(pl.col("col").min().alias("_first"))
        .sort(*_T, "_first")
        .with_columns(_b=pl.int_range(pl.len()).over(_T))
    )
    g = grid.join(split.join(first, on=_T), on=_T, how="left")
    rest = g.filter(pl.col("_h").is_null() | (pl.col("row_no") < pl.col("_h")))
    rest = rest.with_columns(_a="row_no", _b=pl.lit(-1), _c=pl.lit(0))
    below = g.filter(pl.col("row_no") >= pl.col("_h"))
    # which columns each copy keeps: the shared ones and its period's
    period_of = columns.select(*_T, "col", "_p")
    width = below.select(*_T, "col").unique().join(period_of, on=[*_T, "col"], how="left")
    kept = width.join(order.select(*_T, "_b", "_p"), on=_T, how="left", suffix="_copy")
    kept = kept.filter(pl.col("_p").is_null() | (pl.col("_p") == pl.col("_p_copy")))
    kept = kept.sort(*_T, "_b", "col").with_columns(_to=pl.int_range(pl.len()).over(*_T, "_b"))
    kept = kept.select(*_T, "_b", "col", "_to", "_p_copy")
    copies = below.join(kept, on=[*_T, "col"]).with_columns(_a="_h", _c="row_no")
    titles = _title_rows(copies)
    cells = pl.concat([rest, copies, titles], how="diagonal_relaxed")
    return _renumbered(cells, kept)


def _title_rows(copies: pl.DataFrame) -> pl.DataFrame:
    """Per copy, a row before its header with the period's block title over every column."""
    header = copies.filter(pl.col("row_no") == pl.col("_h"))
    return header.with_columns(
        text=pl.col("_p_copy").replace_strict(PERIOD_TITLES),
        _c=pl.lit(-1),
        continued=pl.col("_to") > 0,
        origin_col=pl.lit(0),
        ref=pl.col("row_ref"),
    )


def _renumbered(cells: pl.DataFrame, kept: pl.DataFrame) -> pl.DataFrame:
    """Rows numbered again in order (a copy's rows after the rows above the header, the copies in
    period order); columns of a copy numbered from 0; a position whose cell starts in a column the
    copy leaves out becomes a cell of its own."""
    order = pl.struct("_a", "_b", "_c")
    cells = cells.with_columns(_new=order.rank("dense").over("_file_no").cast(pl.Int32))
    new_rows = cells.select("_file_no", "_a", "_b", "_c", "_new").unique()
    # a copy's origin row is the copy of that row (or the row above the header it comes from)
    in_copy = pl.col("_b") >= 0
    cells = cells.with_columns(
        _oa=pl.when(in_copy & (pl.col("origin_row") >= pl.col("_h"))).then("_a").otherwise("origin_row"),
        _ob=pl.when(in_copy & (pl.col("origin_row") >= pl.col("_h"))).then("_b").otherwise(-1),
        _oc=pl.when(in_copy & (pl.col("origin_row") >= pl.col("_h"))).then("origin_row").otherwise(0),
    )
    origin = new_rows.rename({"_a": "_oa", "_b": "_ob", "_c": "_oc", "_new": "_origin"})
    cells = cells.join(origin, on=["_file_no", "_oa", "_ob", "_oc"], how="left")
    moved = kept.select(*_T, "_b", origin_col="col", _origin_to="_to")
    cells = cells.join(moved, on=[*_T, "_b", "origin_col"], how="left")
    title = pl.col("_c") == -1
    lost = in_copy & ~title & pl.col("_origin_to").is_null()
    return (
        cells.with_columns(
            col=pl.when(in_copy).then("_to").otherwise("col"),
            origin_col=pl.when(title)
            .then(0)
            .when(lost)
            .then("_to")
            .when(in_copy)
            .then("_origin_to")
            .otherwise("origin_col"),
            origin_row=pl.when(title | lost).then("_new").otherwise(pl.col("_origin").fill_null(pl.col("_new"))),
        )
        .with_columns(row_no="_new")
        .with_columns(
            continued=pl.when(in_copy)
            .then((pl.col("origin_row") != pl.col("row_no")) | (pl.col("origin_col") != pl.col("col")))
            .otherwise("continued")
        )
        .sort("_file_no", "row_no", "col")
        .select([pl.col(c).cast(t) for c, t in GRID_SCHEMA.items()])
        .select(GRID_COLUMNS)
    )
