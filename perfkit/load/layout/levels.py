"""The level-1 cell of each indicator row of a target table on the grid: a merged cell is one cell over
all its rows, so an empty one takes the group that the level-2 kinds under it name."""

from __future__ import annotations

import polars as pl

from perfkit.load.layout.labels import COMBINED_LEVELS, LEVEL1_NOT_GROUPS, LEVEL1_OF_LEVEL2

_TABLE = ["_file_no", "_key"]


def level1_cells(after: pl.DataFrame, starts: pl.DataFrame, spans: bool) -> list[pl.Series]:
    """``_l1_row`` and ``_l1_col``: the origin of the level-1 cell each row of ``starts`` (its first
    cell at ``_at`` of ``after``, the level-1 column at ``level1``) lies under; null without spans."""
    if not spans:
        return [pl.repeat(None, starts.height, dtype=pl.Int32, eager=True).alias(n) for n in ("_l1_row", "_l1_col")]
    at = starts["_at"] + starts["level1"].cast(pl.UInt32)
    return [after["origin_row"].gather(at).alias("_l1_row"), after["origin_col"].gather(at).alias("_l1_col")]


def level1_of_merged_cell(indicators: pl.DataFrame) -> pl.DataFrame:
    """An empty 一级指标 cell merged over several rows is one cell: where the level-2 kinds of the rows
    under it (质量指标 → 产出指标) name one group only, that group is the level 1 of all of them, said in
    the rows' ``notes``. Rows whose level 2 names the group themselves are left to the assembler, which
    continues the merged cell over them (a page break in a PDF leaves such an empty continuation)."""
    empty = pl.col("level1").fill_null("").str.strip_chars() == ""
    if not indicators.select((empty & pl.col("_l1_row").is_not_null()).any()).item():
        return indicators
    cell = [*_TABLE, "_l1_row", "_l1_col"]
    kind = pl.col("level2").replace_strict(LEVEL1_OF_LEVEL2, default=None)
    groups = (
        indicators.filter(empty)
        .group_by(cell)
        .agg(_group=kind.drop_nulls().unique(), _kinds=pl.col("level2").filter(kind.is_not_null()).unique().sort())
        .filter(pl.col("_group").list.len() == 1)
        .select(*cell, _group=pl.col("_group").list.first(), _kinds=pl.col("_kinds").list.join("、"))
    )
    marked = indicators.join(groups, on=cell, how="left", maintain_order="left")
    inferred = empty & pl.col("_group").is_not_null() & kind.is_null()
    said = pl.format("一级指标未填写，按同一合并单元格中的二级指标“{}”归入{}", "_kinds", "_group")
    return marked.with_columns(
        level1=pl.when(inferred).then("_group").otherwise("level1"),
        notes=pl.when(inferred)
        .then(pl.concat_str(said, "notes", separator="；", ignore_nulls=True))
        .otherwise("notes"),
    ).drop("_group", "_kinds")


def levels_of_words(indicators: pl.DataFrame) -> pl.DataFrame:
    """Level labels written as words of the form rather than as the two levels: a level-2 cell that
    writes its group too (产出数量指标 → 产出指标, 数量指标), and a level-1 cell that names a part of the
    form (项目年度绩效目标) over rows whose level-2 kind names their group (质量指标 → 产出指标). Each
    reading is said in the row's ``notes``; a row whose kind names no group keeps its level 1 as written."""
    combined = pl.col("level2").is_in(list(COMBINED_LEVELS))
    not_group = pl.col("level1").is_in(list(LEVEL1_NOT_GROUPS))
    if not indicators.select((combined | not_group).any()).item():
        return indicators
    split = pl.col("level2").replace_strict(COMBINED_LEVELS, default=None, return_dtype=pl.List(pl.String))
    kind = pl.when(combined).then(split.list.get(1)).otherwise("level2")
    group = pl.when(combined).then(split.list.get(0)).otherwise(kind.replace_strict(LEVEL1_OF_LEVEL2, default=None))
    # the written level 1 yields to the group only where it names no group, or is empty beside a combined word
    # (an empty cell alone is left to the merged-cell reading of the assembler)
    empty = pl.col("level1").fill_null("").str.strip_chars().eq("")
    takes = group.is_not_null() & (not_group | (combined & empty))
    said = pl.when(combined).then(pl.format("二级指标“{}”按{}、{}读取", "level2", group, kind))
    moved = pl.when(takes & not_group).then(pl.format("“{}”不是一级指标，按二级指标归入{}", "level1", group))
    note = pl.concat_str(said, moved, "notes", separator="；", ignore_nulls=True)
    return indicators.with_columns(
        level1=pl.when(takes).then(group).otherwise("level1"),
        level2=kind,
        notes=pl.when(combined | (takes & not_group)).then(note).otherwise("notes"),
    )
