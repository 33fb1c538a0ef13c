"""Turn target tables, given as a grid of cells (:mod:`perfkit.load.layout.grid`), into project records
and indicator rows — by their labels, never by position.

Every source (Word plain-text export, ``.docx``, and the other grid readers) reduces to the same
grid. A table's indicator blocks start at a header row (一级指标 … 指标值; the labels are data in
:mod:`perfkit.load.layout.labels`), possibly with a second header row under a merged cell (年度指标值
over 指标性质 | 指标值 | 度量单位); the rows above the first header are the project part
(:mod:`perfkit.load.layout.project_part`). A block titled 长期绩效指标 / 年度绩效指标 gives its rows a
``period``. This module knows nothing about file formats.
"""

from __future__ import annotations

import re

import polars as pl

from perfkit.frames import contains_any_word, fill_down
from perfkit.load.layout.grid import GRID_SCHEMA, Row, Table, as_grid, cells_of, tables_of
from perfkit.load.layout.header import (
    QUALITATIVE_OPS,
    REQUIRED_HEADERS,
    block_columns,
    header_cells,
    incomplete_headers,
    joined_target,
)
from perfkit.load.layout.labels import (
    CLOSING_ROW,
    CLOSING_WORDS,
    CORE_MARK,
    INDICATOR_HEADERS,
    PERIOD_LABELS,
    TEMPLATE_NAME,
    label_key_expr,
)
from perfkit.load.layout.levels import level1_cells, level1_of_merged_cell, levels_of_words
from perfkit.load.layout.period_columns import split_period_columns, unnamed_blocks
from perfkit.load.layout.problems import attach, no_problems, problems
from perfkit.load.layout.project_column import split_project_columns
from perfkit.load.layout.project_part import read_project_parts
from perfkit.text import figure_expr

UNIT_CELL = re.compile(r"^([0-9]{6})\s*([^0-9.,].*)$", re.S)  # match after fold_width_text
YEAR = re.compile(r"(20\d{2})\s*年")
_CONTENT = ("name", "description", "target_raw", "target_op", "target_unit")  # what an indicator row states
_FIELDS = ("level1", "level2", "name", "description", "target_raw", "target_op", "target_unit", "weight")
_TABLE = ["_file_no", "_key"]
_POINTS = r"(?:[（(]\s*)?[0-9.]+\s*分\s*[）)]\s*$"  # 产出指标(50分), 30分) (bracket lost): points, not the name
CELL_SCHEMA = GRID_SCHEMA  # the name readers used before the grid
__all__ = ["CELL_SCHEMA", "Row", "Table", "cells_of", "read_tables", "tables_of"]  # readers import these from here


def read_tables(cells: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Project records and indicator rows of every table in ``cells`` (a grid of any number of documents).

    Both are keyed by ``_file_no`` and ``_key`` (the table's position among the document's target
    tables). Indicator rows carry ``period`` (``annual`` unless a 长期 block holds them),
    ``weight`` (权重/分值), ``core`` (★) and ``notes`` (评（扣）分标准, 指标解释, 备注 and header labels
    perfkit does not know, each as ``label：text``). Merged level-1 cells that a source writes once
    stay empty here and are filled in by the assembler. The first problem found raises an
    :class:`InputError`.
    """
    cells = grid = as_grid(cells)
    cheap = pl.col("text").str.replace_all(r"\s", "")
    # a table is keyed by its number in its document (_key); rows are contiguous and in order
    row_key = pl.col("_file_no").cast(pl.Int64) * 2**31 + pl.col("row_no")
    cells = cells.with_columns(_key="table_no", _c=cheap, _row=row_key)
    starts = cells.filter(pl.col("col") == 0)
    tables = starts.unique(_TABLE, keep="first", maintain_order=True).select(
        *_TABLE, "_file", "title", "context", "table_ref"
    )
    cells = cells.select(
        *_TABLE,
        "_file",
        "_row",
        "row_no",
        "row_ref",
        "col",
        "ref",
        "text",
        "origin_row",
        "origin_col",
        "continued",
        "_c",
    )
    headers = header_cells(cells)
    if (split := split_project_columns(grid, headers)) is not None:  # 项目名称 as a column: a table per project
        return read_tables(split)
    if (stacked := split_period_columns(grid, headers)) is not None:  # 长期 | 年度 side by side: one block each
        return read_tables(stacked)
    header_rows = headers.filter("_is_header").group_by(_TABLE).agg(pl.col("row_no").min().alias("_header"))
    tables = tables.join(header_rows, on=_TABLE, how="left", maintain_order="left").sort(_TABLE)
    headerless = tables.filter(pl.col("_header").is_null())
    found = [
        problems(
            headerless,
            "table_ref",
            pl.format("表格“{}”没有指标表头（一级指标…指标值），表格不完整", pl.col("title").replace("", "（无标题）")),
        )
    ]
    # every table has at most one first header row: counting where tables and their header rows
    # start tells each cell's part (<0 above the header, 0 from it on) without a join over every cell;
    # a table without a header is all project part, and the tables after it count it as read
    first_header = tables.drop_nulls("_header").select(
        _row=pl.col("_file_no").cast(pl.Int64) * 2**31 + pl.col("_header")
    )
    at_header = pl.col("_row").is_in(first_header["_row"].implode())
    new_row = pl.col("_row") != pl.col("_row").shift(1)
    new_table = (pl.col("_file_no") != pl.col("_file_no").shift(1)) | (pl.col("_key") != pl.col("_key").shift(1))
    table_id = pl.col("_file_no").cast(pl.Int64) * 2**31 + pl.col("_key")
    no_header = table_id.is_in(headerless.select(table_id.alias("_id"))["_id"].implode()).cast(pl.Int32)
    cells = cells.with_columns(_at_header=at_header).with_columns(
        _part=(pl.col("_at_header") & new_row.fill_null(True)).cast(pl.Int32).cum_sum()
        - new_table.fill_null(True).cast(pl.Int32).cum_sum()
        + (new_table.fill_null(True).cast(pl.Int32) * no_header).cum_sum()
        - no_header
    )
    above = cells.filter(pl.col("_part") < 0)
    projects, in_project_parts = read_project_parts(
        above, tables.select("_file", *_TABLE, "title", "context", "table_ref")
    )
    found.append(in_project_parts)
    columns, notes = block_columns(headers)
    incomplete = incomplete_headers(headers, columns)
    found.append(incomplete.drop("_block"))
    found.append(unnamed_blocks(headers))
    after = cells.filter(pl.col("_part") == 0, ~pl.col("_at_header"))
    # a block title above the first header gives the period of the first block
    initial = period_titles(above).group_by(_TABLE).agg(_initial=pl.col("_pk").last().replace_strict(PERIOD_LABELS))
    rows = _body_rows(after.with_row_index("_at"), headers, initial)
    rows, wrong = _check_widths(headers, rows, projects, incomplete)
    found.append(wrong)
    indicators, unread, unfilled_rows = _indicators(after, rows, columns, notes)
    found.append(unread)
    projects = with_unfilled_rows(projects, unfilled_rows)
    # each table's problems in the order found: header, project part, then its rows
    order = pl.concat([f.with_columns(_stage=pl.lit(i)) for i, f in enumerate(found)]).with_row_index("_n")
    return attach(projects, order.sort("_file_no", "_key", "_stage", "_n").drop("_stage", "_n")), indicators


def _body_rows(after: pl.DataFrame, headers: pl.DataFrame, initial: pl.DataFrame) -> pl.DataFrame:
    """Every row under the first header (``after``, numbered by ``_at``): the index of its first
    cell, its width, its block (the header above it), its ``period`` and whether it is an
    indicator row (``_body``): not a header, not a block title, not a closing row (合计, 总分 … and
    the rows after one), not empty. Rows are contiguous, so widths come from where rows start
    rather than from a group-by over every cell."""
    blank = (pl.col("_c") == "").cast(pl.UInt32)
    start = (pl.col("row_no") != pl.col("row_no").shift(1)) | (pl.col("_file_no") != pl.col("_file_no").shift(1))
    marked = after.select(
        "_at", *_TABLE, "row_no", "_file", "row_ref", _start=start.fill_null(True), _before=blank.cum_sum() - blank
    )
    total_blank = int((after["_c"] == "").sum())
    rows = marked.filter("_start").with_columns(
        _cells=(pl.col("_at").shift(-1, fill_value=after.height) - pl.col("_at")).cast(pl.Int64),
        _blank=(pl.col("_before").shift(-1, fill_value=total_blank) - pl.col("_before")).cast(pl.Int64),
    )
    keys = [*_TABLE, "row_no"]
    periods = (
        period_titles(after)
        .group_by(keys, maintain_order=True)
        .agg(_period=pl.col("_pk").first().replace_strict(PERIOD_LABELS), _n_period=pl.len().cast(pl.Int64))
    )
    # 合计, 总分, 审核意见, 填报人, 说明 … in a row's first cells: the form ends there
    first_cells = after.select(*keys, "_c", "col", "continued").filter(pl.col("col") <= 1, ~pl.col("continued"))
    maybe = first_cells.filter(contains_any_word(pl.col("_c"), CLOSING_WORDS))
    closing = maybe.filter(pl.col("_c").str.contains(CLOSING_ROW)).select(keys).unique()
    marks = headers.group_by(keys).agg(pl.col("_is_header", "_is_sub").first())
    rows = (
        rows.join(periods, on=keys, how="left", maintain_order="left")
        .join(closing.with_columns(_closing=pl.lit(True)), on=keys, how="left", maintain_order="left")
        .join(marks, on=keys, how="left", maintain_order="left")
        .join(initial, on=_TABLE, how="left", maintain_order="left")
        .with_columns(pl.col("_is_header", "_is_sub", "_closing").fill_null(False))
    )
    rows = rows.with_columns(
        _block=fill_down(pl.when("_is_header").then("row_no"), *_TABLE),
        _open=fill_down(pl.when("_is_header").then(True).when("_closing").then(False), *_TABLE).fill_null(True),
        period=fill_down(pl.col("_period"), *_TABLE).fill_null(pl.col("_initial")).fill_null("annual"),
        # a block title on a row of its own (written once, or merged over the row)
        _title_row=pl.col("_period").is_not_null() & (pl.col("_n_period") + pl.col("_blank") == pl.col("_cells")),
    )
    # the first block's header is not in `after`: its rows keep a null _block (the first block)
    body = ~pl.col("_is_header") & ~pl.col("_is_sub") & ~pl.col("_closing") & ~pl.col("_title_row")
    return rows.with_columns(_body=pl.col("_open") & body & (pl.col("_blank") < pl.col("_cells")))


def _indicators(
    after: pl.DataFrame, rows: pl.DataFrame, columns: pl.DataFrame, notes: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The indicator rows of the body; the problems of rows that cannot be read (one cell over two
    fields; they are left out) or of weights that are not numbers (left empty); and the template
    rows left unfilled (``source_ref``), which are no indicators."""
    first_block = columns.group_by(_TABLE).agg(pl.col("_block").min().alias("_first"))
    where = columns.pivot(on="_field", index=[*_TABLE, "_block"], values="col")
    where = where.with_columns(pl.lit(None, dtype=pl.Int32).alias(f) for f in _FIELDS if f not in where.columns)
    starts = (
        rows.filter("_body")
        .join(first_block, on=_TABLE, maintain_order="left")
        .select(
            *_TABLE, "_file", "_at", "row_no", "period", _block=pl.coalesce("_block", "_first"), source_ref="row_ref"
        )
        .join(where, on=[*_TABLE, "_block"], how="left", maintain_order="left")
    )
    # every row has the header's width, so a field's cell sits at (first cell of the row + the
    # field's column): a gather by position instead of a group-by over every cell
    text = after["text"].str.strip_chars()  # once over the cells: cheaper than once per field
    spans = after["continued"].any()
    # the cell a level-1 text comes from: rows under one merged level-1 cell left empty share it (assemble)
    picked, sides = {}, {}
    for f in _FIELDS:
        at = starts["_at"] + starts[f].cast(pl.UInt32)
        value = text.gather(at)
        if spans:  # a position covered by a cell from its left was read there; one merged up into the header is no cell
            sides[f] = _side(after).gather(at).fill_null(False)
            if f == "level2":  # one label over the level-1 and level-2 columns (满意度指标) is both
                sides[f] = sides[f] & (after["origin_col"].gather(at) != starts["level1"]).fill_null(True)
            in_header = after["origin_row"].gather(at) <= starts["_block"]
            value = pl.select(pl.when(~sides[f] & ~in_header.fill_null(False)).then(value)).to_series()
        picked[f] = value.alias(f)
    level1_cell = level1_cells(after, starts, spans)
    merged = _merged_fields(starts, after, sides) if spans else no_problems().with_columns(row_no=pl.lit(0))
    # a block with no level column (a list without levels; a block lacking it otherwise is not read)
    no_levels = starts["level1"].is_null().alias("_no_levels")
    frame = starts.select(
        *_TABLE, "_block", "_file", "row_no", "source_ref", "period", *picked.values(), *level1_cell, no_levels
    )
    if merged.height:  # rows with one cell over two fields are left out (named in `merged`)
        frame = frame.join(merged.select(*_TABLE, "row_no"), on=[*_TABLE, "row_no"], how="anti", maintain_order="left")
    # a template row left unfilled (a level-2 label such as 经济效益指标, or …, and nothing else) is no indicator
    # (the regexes run only on rows whose cells are all short: the few that can be such a row)
    short = (pl.col("target_raw").str.len_chars().fill_null(0) <= 2) & (
        pl.col("name").str.len_chars().fill_null(0) <= 8
    )
    frame = frame.with_row_index("_i")
    maybe = frame.filter(short)
    stated = [pl.col(f).fill_null("").str.replace_all(r"[\s…。.\-－—/／_]", "") for f in _CONTENT]
    blank = pl.all_horizontal((text == "") | text.str.contains(TEMPLATE_NAME) for text in stated)
    unfilled_rows = maybe.filter(blank).select(*_TABLE, "source_ref", "_i")
    if unfilled_rows.height:
        frame = frame.filter(~pl.col("_i").is_in(unfilled_rows["_i"].implode()))
    frame, unfilled_rows = frame.drop("_i"), unfilled_rows.drop("_i")
    if notes.height:
        frame = frame.join(_notes(after, starts, notes), on=[*_TABLE, "row_no"], how="left", maintain_order="left")
    else:
        frame = frame.with_columns(_notes=pl.lit(None, dtype=pl.String))
    has_op = pl.col("target_op").is_not_null()
    marked = pl.any_horizontal(
        pl.col("level1", "level2", "name").str.contains(CORE_MARK, literal=True).fill_null(False)
    )
    # level labels broken over lines or spaced out (经济效益\n指标, 产 出 指 标): a label has no spaces
    # … or with a remark in brackets (数量指标（必填硬性指标）): the label is 数量指标
    spacing = pl.any_horizontal(pl.col("level1", "level2").str.contains(r"[ \n\t\u3000(（]"))
    # most loads mark nothing, score no level and space no label: the clean-ups run only where needed
    core, points, spaced = frame.select(
        marked.any().alias("core"),
        pl.col("level1").str.contains("分", literal=True).any().alias("points"),
        spacing.any().alias("spaced"),
    ).row(0)
    unmark = (lambda c: pl.col(c).str.replace_all(CORE_MARK, "").str.strip_chars()) if core else pl.col
    level1 = unmark("level1").str.replace(_POINTS, "").str.strip_chars() if points else unmark("level1")
    weight = (
        figure_expr(pl.col("weight"))
        if frame["weight"].null_count() < frame.height
        else pl.col("weight").cast(pl.Float64)
    )
    bad_weights = problems(frame.filter(weight.is_nan()), "source_ref", pl.format("权重“{}”不是数字", "weight"))
    found = pl.concat([merged.drop("row_no"), bad_weights])
    indicators = frame.select(
        *_TABLE,
        "_file",
        level1=unspaced(level1) if spaced else level1,
        level2=unspaced(unmark("level2")) if spaced else unmark("level2"),
        name=unmark("name"),
        description="description",
        target_raw=pl.when(has_op).then(joined_target()).otherwise("target_raw"),
        source_ref="source_ref",
        _qualitative=has_op & pl.col("target_op").is_in(QUALITATIVE_OPS),
        period="period",
        weight=pl.when(~weight.is_nan()).then(weight),
        core=marked if core else pl.lit(False),
        notes="_notes",
        _l1_row="_l1_row",
        _l1_col="_l1_col",
        _no_levels="_no_levels",
    )
    indicators = levels_of_words(level1_of_merged_cell(indicators))
    return indicators.drop("_l1_row", "_l1_col"), found, unfilled_rows


def period_titles(cells: pl.DataFrame) -> pl.DataFrame:
    """The cells that title a block with its period (长期绩效指标, 年度绩效指标：…) in a row's first
    columns, with their key ``_pk``: the label key is computed only on the few cells that contain one."""
    maybe = cells.filter(contains_any_word(pl.col("_c"), PERIOD_LABELS))
    return maybe.with_columns(_pk=label_key_expr(pl.col("text"))).filter(pl.col("_pk").is_in(list(PERIOD_LABELS)))


def unspaced(label: pl.Expr) -> pl.Expr:
    """A level label without whitespace and without a trailing remark in brackets (its label key)."""
    return label_key_expr(label)


def with_unfilled_rows(projects: pl.DataFrame, unfilled_rows: pl.DataFrame) -> pl.DataFrame:
    """``projects`` with ``unfilled_rows``: the places of the template rows left unfilled, joined with ``、``."""
    listed = unfilled_rows.group_by(_TABLE, maintain_order=True).agg(unfilled_rows=pl.col("source_ref").str.join("、"))
    return projects.join(listed, on=_TABLE, how="left", maintain_order="left")


def _side(after: pl.DataFrame) -> pl.Series:
    """Per position: whether it continues a cell that starts to its left in the same row."""
    return (after["origin_row"] == after["row_no"]) & (after["origin_col"] != after["col"])


def _merged_fields(starts: pl.DataFrame, body: pl.DataFrame, sides: dict[str, pl.Series]) -> pl.DataFrame:
    """A problem (with ``row_no``) for every indicator row where one cell covers the columns of two
    required fields, so that they cannot be told apart."""
    found = []
    for f in REQUIRED_HEADERS:
        hit = starts.filter(sides[f])
        if not hit.height:
            continue
        at = hit["_at"] + hit[f].cast(pl.UInt32)
        hit = hit.with_columns(_origin=body["origin_col"].gather(at), _ref=body["ref"].gather(at))
        left = pl.lit(INDICATOR_HEADERS[f][0])
        for g in reversed(_FIELDS):
            left = pl.when(pl.col("_origin") == pl.col(g)).then(pl.lit(INDICATOR_HEADERS[g][0])).otherwise(left)
        message = pl.format("“{}”与“{}”两列合并为一格，无法分开读取", left, pl.lit(INDICATOR_HEADERS[f][0]))
        found.append(problems(hit, "_ref", message).with_columns(hit["row_no"]))
    return (
        pl.concat(found).unique([*_TABLE, "row_no"], keep="first", maintain_order=True)
        if found
        else (no_problems().with_columns(row_no=pl.lit(0)))
    )


def _notes(after: pl.DataFrame, starts: pl.DataFrame, notes: pl.DataFrame) -> pl.DataFrame:
    """``label：text`` of every note column of a row, joined with ``；`` (only rows that have one)."""
    cells = starts.select(*_TABLE, "_block", "row_no", "_at").join(notes, on=[*_TABLE, "_block"])
    at = cells["_at"] + cells["col"].cast(pl.UInt32)
    cells = cells.with_columns(_text=after["text"].gather(at).str.strip_chars(), _side=_side(after).gather(at))
    return (
        cells.filter(pl.col("_text") != "", ~pl.col("_side"))
        .sort(*_TABLE, "row_no", "col")
        .group_by(*_TABLE, "row_no", maintain_order=True)
        .agg(_notes=pl.format("{}：{}", "_label", "_text").str.join("；"))
    )


def _check_widths(
    headers: pl.DataFrame, rows: pl.DataFrame, projects: pl.DataFrame, incomplete: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``rows`` with the indicator rows that cannot be read taken out of the body (a row whose
    number of cells differs from its header's, a row of a block whose header lacks a column), and
    the problems: each such row, and each table whose first block holds no indicator row."""
    widths = (
        headers.filter("_is_header")
        .group_by(*_TABLE, "row_no")
        .agg(pl.len().alias("_width"), pl.col("row_ref").first().alias("_header_ref"))
        .rename({"row_no": "_block"})
    )
    first = widths.group_by(_TABLE).agg(pl.col("_block").min().alias("_first"))
    rows = rows.join(first, on=_TABLE, how="left", maintain_order="left").with_columns(
        _in_block=pl.coalesce("_block", "_first")
    )
    rows = rows.join(
        widths.select(*_TABLE, _in_block="_block", _width="_width"),
        on=[*_TABLE, "_in_block"],
        how="left",
        maintain_order="left",
    )
    unread_block = (
        rows.select(*_TABLE, "_in_block")
        .join(
            incomplete.select(*_TABLE, _in_block="_block").with_columns(_unread=pl.lit(True)),
            on=[*_TABLE, "_in_block"],
            how="left",
            maintain_order="left",
        )["_unread"]
        .fill_null(False)
    )
    wrong = pl.col("_body") & (pl.col("_cells") != pl.col("_width")) & ~unread_block
    found = problems(
        rows.filter(wrong).sort("_file_no", "row_no"),
        "row_ref",
        pl.format("指标行有{}个单元格，表头有{}个", "_cells", "_width"),
    )
    rows = rows.with_columns(_body=pl.col("_body") & ~wrong & ~unread_block)
    counted = rows.filter("_body")
    firsts = widths.join(first, on=_TABLE).filter(pl.col("_block") == pl.col("_first"))
    empty = firsts.join(counted, on=_TABLE, how="anti").join(incomplete, on=_TABLE, how="anti")
    empty = empty.join(projects.select(*_TABLE, "project_name"), on=_TABLE).sort(_TABLE)
    found_empty = problems(
        empty.join(projects.select(*_TABLE, "_file"), on=_TABLE),
        "_header_ref",
        pl.format("项目“{}”的表头之后没有指标行，表格不完整", "project_name"),
    )
    return rows.drop("_first", "_in_block", "_width"), pl.concat([found, found_empty])
