"""Indicator headers with a block per period side by side: 一级指标 | 二级指标（长期） | 三级指标（长期） |
指标值（长期） | 二级指标（年度） | 三级指标（年度） | 指标值（年度）.

The period of a block is a note on its labels; where the labels repeat with no note (二级指标 |
三级指标 | 指标值 twice), it is the period word written over the block's first column in a row above
the header (总体目标 | 中期目标 … | 年度目标 …).

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
from perfkit.load.layout.labels import INDICATOR_HEADERS, PERIOD_NOTES, PERIOD_TITLES
from perfkit.load.layout.problems import problems

_T = ["_file_no", "table_no"]
_NOTE = r"[（(]\s*([^（）()]+?)\s*[）)]\s*$"


def split_period_columns(grid: pl.DataFrame, headers: pl.DataFrame) -> pl.DataFrame | None:
    """``grid`` with every table whose first indicator header has field columns of two periods
    (``二级指标（长期）`` … ``指标值（年度）``) stacked into one block per period; None when no table has."""
    fields = first_header_fields(headers)
    if not fields.height:
        return None
    note = pl.col("text").str.replace_all(r"\s", "").str.extract(_NOTE, 1)
    columns = fields.with_columns(_p=note.replace_strict(PERIOD_NOTES, default=None)).select(
        *_T, "_h", "col", "_field", "_p"
    )
    columns = _periods_from_above(grid, columns).drop("_field")
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
    first = fields.select(*_T, "_h").unique()
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


def first_header_fields(headers: pl.DataFrame) -> pl.DataFrame:
    """The cells of each table's first indicator header row that name a field (its own cells, not
    ones merged in from the left), keyed by ``table_no``, with that row's number ``_h``."""
    own = headers.filter("_is_header", "_own", pl.col("_field").is_not_null()).rename({"_key": "table_no"})
    first = own.group_by(_T).agg(_h=pl.col("row_no").min())
    return own.join(first, on=_T).filter(pl.col("row_no") == pl.col("_h"))


def unnamed_blocks(headers: pl.DataFrame) -> pl.DataFrame:
    """A problem for every table whose first header row has a field in more than one column (二级指标 |
    三级指标 | 指标值 twice) that :func:`split_period_columns` could not tell apart by period: only the
    first column of each field is read, and the message says so."""
    fields = first_header_fields(headers).filter(pl.col("_field") != "notes", pl.len().over(*_T, "_field") > 1)
    label = pl.col("_field").replace_strict({f: labels[0] for f, labels in INDICATOR_HEADERS.items()})
    per_table = (
        fields.sort(*_T, "col")
        .group_by(_T, maintain_order=True)
        .agg(pl.col("_file", "row_ref").first(), _labels=label.unique(maintain_order=True).str.join("”“"))
        .rename({"table_no": "_key"})
    )
    message = pl.format("指标表头的“{}”各有两组列，未写明各组的期间（长期、年度），只读取了每种列的第一列", "_labels")
    return problems(per_table, "row_ref", message)


def _periods_from_above(grid: pl.DataFrame, columns: pl.DataFrame) -> pl.DataFrame:
    """``columns`` (a header's field columns with their period ``_p``) with the periods of the blocks
    of a header whose fields repeat and whose labels name no period. The k-th column of each repeated
    field belongs to block k; a block's period is the period word (a key of :data:`PERIOD_NOTES`) in
    the text over the block's first column, in the nearest row above the header that names a
    different period over every block. A header without such a row is left as it is."""
    noted = columns.group_by(_T).agg(pl.col("_p").is_not_null().any().alias("_noted"))
    repeated = (
        columns.join(noted, on=_T)
        .filter(~pl.col("_noted"), pl.len().over(*_T, "_field") > 1)
        .with_columns(_b=pl.col("col").rank("ordinal").over(*_T, "_field") - 1)
    )
    if not repeated.height:
        return columns
    blocks = repeated.group_by(*_T, "_b").agg(pl.col("_h").first(), _first=pl.col("col").min())
    text = pl.col("text").str.replace_all(r"\s", "")
    word = pl.lit(None, dtype=pl.String)
    for note, period in PERIOD_NOTES.items():  # the long-term words first: 中期 before 年度 in 中期目标(2023年度)
        word = pl.when(word.is_null() & text.str.contains(note, literal=True)).then(pl.lit(period)).otherwise(word)
    above = (
        grid.join(blocks, on=_T)
        .filter(pl.col("row_no") < pl.col("_h"), pl.col("col") == pl.col("_first"))
        .with_columns(_pw=word)
        .group_by(*_T, "row_no")
        .agg(pl.col("_b", "_pw"), _n=pl.col("_pw").drop_nulls().n_unique(), _all=pl.col("_pw").is_not_null().all())
        .join(blocks.group_by(_T).agg(_blocks=pl.len()), on=_T)
        .filter(pl.col("_all"), pl.col("_n") == pl.col("_blocks"))
        .sort(*_T, "row_no")
        .group_by(_T)
        .agg(pl.all().last())
        .explode("_b", "_pw")
        .select(*_T, "_b", "_pw")
    )
    named = repeated.join(above, on=[*_T, "_b"]).select(*_T, "col", "_pw")
    return columns.join(named, on=[*_T, "col"], how="left").with_columns(_p=pl.coalesce("_p", "_pw")).drop("_pw")


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
