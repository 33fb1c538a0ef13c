"""The indicator header rows of target tables on the grid (:mod:`perfkit.load.layout.grid`):
where each block's header is, which column holds which field, and which headers lack a column.

A header row has an own 一级指标 cell and a target label (指标值 and its variants, data in
:mod:`perfkit.load.layout.labels`), or, in a list without level columns, a name label and a target
label of :data:`~perfkit.load.layout.labels.LEVELLESS_NAMES` / ``LEVELLESS_TARGETS`` and no level label
at all (``_levelless``: its block needs no level column, and its rows have no level); the row under it
is a second header row when it names the columns under a merged cell (年度指标值 over 指标性质 | 指标值 |
度量单位), whose cells :func:`joined_target` joins back into one target cell.
"""

from __future__ import annotations

import polars as pl

from perfkit.frames import contains_any_word, with_distinct
from perfkit.load.layout.labels import (
    FIELD_OF_HEADER,
    INDICATOR_HEADERS,
    LEVEL1_WITH_LEVEL2,
    LEVELLESS_ROW,
    PERIOD_LABELS,
    SECTION_LABELS,
    YEAR_IN_LABEL,
    label_key_expr,
)
from perfkit.load.layout.problems import problems
from perfkit.targets import comparator_expr
from perfkit.text import LABELS_WITH_BRACKETS, OP_SYMBOLS, UNIT_COMPLETES, UNIT_JOIN

_TABLE = ["_file_no", "_key"]
REQUIRED_HEADERS = ("level1", "level2", "name", "target_raw")
# 指标性质 words that declare a target qualitative (its text is kept as written)
QUALITATIVE_OPS = ("定性", "qualitative")
# the cell that makes a row an indicator header (with a target label beside it): 一级指标, or 一级 cut to its
# first line; 评价指标 only beside its level-2 label 评价内容 (LEVEL1_WITH_LEVEL2)
_LEVEL1 = [label for label in INDICATOR_HEADERS["level1"] if label not in LEVEL1_WITH_LEVEL2]
_PAIRED = list(LEVEL1_WITH_LEVEL2)
_PAIRED_LEVEL2 = list(LEVEL1_WITH_LEVEL2.values())
_LEVELLESS_NAMES, _LEVELLESS_TARGETS, _LEVELS = (list(LEVELLESS_ROW[k]) for k in ("name", "target", "level"))
_LEVELS_NOT_REQUIRED = ("level1", "level2")


def header_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """The cells of every header row (一级指标 with an 指标值 label) and of the row under each, with
    their field (``_field``), and ``_is_header`` / ``_is_sub`` row marks."""
    # by its label key (一级指标：, 一级指标（必填）), computed only on the few cells that contain 一级 or a
    # paired label (a literal test first; the key decides)
    # … or a name label of a list without levels (指标名称)
    maybe = cells.filter(contains_any_word(pl.col("_c"), ["一级", *_PAIRED, *_LEVELLESS_NAMES]) & ~pl.col("continued"))
    level1_rows = maybe.filter(label_key_expr(pl.col("text")).is_in(_LEVEL1 + _PAIRED + _LEVELLESS_NAMES))["_row"]
    level1_rows = level1_rows.unique()
    candidates = pl.concat([level1_rows, level1_rows + 1]).unique()
    near = cells.filter(pl.col("_row").is_in(candidates.implode())).with_columns(_own=~pl.col("continued"))
    # a label with a year (预期2022年实现值) names the column of the label without it
    field = pl.col("_k").replace_strict(FIELD_OF_HEADER, default=None)
    undated = pl.col("_k").str.replace_all(YEAR_IN_LABEL, "").replace_strict(FIELD_OF_HEADER, default=None)
    # header labels repeat on every table: each distinct text is read once
    near = with_distinct(
        near,
        "text",
        {"_k": label_key_expr(pl.col("text"))},
        {"_field": pl.coalesce(field, undated), "_dated": field.is_null() & (undated == "target_raw")},
    )
    # two dated target labels in one row (2024年指标值 | 2025年指标值): which is the target cannot be told
    twice = (pl.col("_dated") & pl.col("_own")).sum().over(*_TABLE, "row_no") > 1
    near = near.with_columns(_field=pl.when(pl.col("_dated") & twice).then(None).otherwise("_field"))
    # a list without levels: its own name and target labels (exact keys), and no level label in the row
    levelless = (
        (pl.col("_k").is_in(_LEVELLESS_NAMES) & pl.col("_own")).any()
        & (pl.col("_k").is_in(_LEVELLESS_TARGETS) & pl.col("_own")).any()
        & ~pl.col("_k").is_in(_LEVELS).any()
    )
    marks = near.group_by(*_TABLE, "row_no").agg(
        _is_header=(
            (pl.col("_k").is_in(_LEVEL1) & pl.col("_own")).any()
            | (pl.col("_k").is_in(_PAIRED) & pl.col("_own")).any()
            & (pl.col("_k").is_in(_PAIRED_LEVEL2) & pl.col("_own")).any()
        )
        & (pl.col("_field") == "target_raw").any()
        | levelless,
        _levelless=levelless,
        _has_sub=(
            pl.col("_own") & (pl.col("_field").is_in(["target_op", "target_raw", "target_unit"]) | pl.col("_dated"))
        ).any()
        & (pl.col("continued") & pl.col("_k").is_in(_LEVEL1 + _LEVELLESS_NAMES)).any(),
    )
    near = near.join(marks, on=[*_TABLE, "row_no"]).sort(*_TABLE, "row_no", "col").drop("_dated")
    header_above = near.select(*_TABLE, pl.col("row_no") + 1, _above=pl.col("_is_header")).unique()
    near = near.join(header_above, on=[*_TABLE, "row_no"], how="left").with_columns(
        _is_sub=pl.col("_has_sub") & pl.col("_above").fill_null(False) & ~pl.col("_is_header")
    )
    return near.filter(pl.col("_is_header") | pl.col("_is_sub"))


def block_columns(headers: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per block (``_block`` = its header row): the column of each field, the first one winning,
    and the columns kept as notes (``_label``). A second header row names the columns under a
    merged cell (年度指标值 over 指标性质 | 指标值 | 度量单位); a merged label keeps the one column under
    it that the second row leaves without a label (预期指标值 over 符号 | (no label) | 单位)."""
    block = pl.when("_is_sub").then(pl.col("row_no") - 1).otherwise("row_no")
    h = headers.with_columns(_block=block)
    unlabelled = _unlabelled_under_merged(h)
    sub_cols = h.filter("_is_sub", "_own").select(*_TABLE, "_block", "col", _sub=pl.lit(True))
    h = h.join(sub_cols, on=[*_TABLE, "_block", "col"], how="left")
    # a header cell that a second-row cell lies under is read from the second row; a label merged down
    # from a row above the header (指标值 beside 绩效指标 spanning 一级 | 二级 | 三级) is the header's own
    from_above = (
        pl.col("continued") & (pl.col("origin_col") == pl.col("col")) & (pl.col("origin_row") < pl.col("row_no"))
    )
    h = h.filter(pl.col("_own") | (from_above & pl.col("_is_header")), pl.col("_is_sub") | pl.col("_sub").is_null())
    columns = h.drop_nulls("_field").select(*_TABLE, "_block", "_field", "col")
    columns = pl.concat([columns, unlabelled]).group_by(*_TABLE, "_block", "_field").agg(pl.col("col").min())
    ignored = [*SECTION_LABELS, *PERIOD_LABELS, "序号", ""]
    notes = h.filter(
        (pl.col("_field") == "notes") | (pl.col("_field").is_null() & ~pl.col("_k").is_in(ignored))
    ).select(*_TABLE, "_block", "col", _label=_note_label())
    return columns, notes


def _unlabelled_under_merged(h: pl.DataFrame) -> pl.DataFrame:
    """(``_block``, ``_field``, ``col``): the first column left without a label in the second header
    row under a header label merged over several columns, for a field the second row does not name."""
    keys = [*_TABLE, "_block"]
    merged = h.filter("_is_header", pl.col("origin_row") == pl.col("row_no")).drop_nulls("_field")
    merged = merged.filter(pl.len().over(*keys, "origin_col") > 1).select(*keys, "_field", "col")
    sub = h.filter("_is_sub", "_own")
    named = sub.drop_nulls("_field").select(*keys, "_field").unique()
    blank = sub.filter(pl.col("_k") == "").select(*keys, "col")
    found = merged.join(named, on=[*keys, "_field"], how="anti").join(blank, on=[*keys, "col"])
    return found.group_by(*keys, "_field").agg(pl.col("col").min()).select(*keys, "_field", "col")


def _note_label() -> pl.Expr:
    """The label a note column is kept under: its key (备注：, 备 注, 备注（说明） → 备注), as written
    where the brackets are part of the label (评（扣）分标准)."""
    return (
        pl.when(pl.col("_k").is_in(list(LABELS_WITH_BRACKETS))).then(pl.col("text").str.strip_chars()).otherwise("_k")
    )


def incomplete_headers(headers: pl.DataFrame, columns: pl.DataFrame) -> pl.DataFrame:
    """A problem (with ``_block``) for every header row that lacks a required column (a list without
    levels needs no level column); its rows are not read."""
    required = pl.DataFrame({"_field": list(REQUIRED_HEADERS)})
    blocks = (
        headers.filter("_is_header").group_by(*_TABLE, "row_no").agg(pl.col("_file", "row_ref", "_levelless").first())
    )
    blocks = blocks.rename({"row_no": "_block"})
    missing = blocks.join(required, how="cross").join(columns, on=[*_TABLE, "_block", "_field"], how="anti")
    missing = missing.filter(~(pl.col("_levelless") & pl.col("_field").is_in(_LEVELS_NOT_REQUIRED)))
    label = pl.col("_field").replace_strict({f: INDICATOR_HEADERS[f][0] for f in REQUIRED_HEADERS})
    per_block = (
        missing.with_columns(_order=pl.col("_field").replace_strict({f: i for i, f in enumerate(REQUIRED_HEADERS)}))
        .sort(*_TABLE, "_block", "_order")
        .group_by(*_TABLE, "_block", maintain_order=True)
        .agg(pl.col("_file", "row_ref").first(), _labels=label.str.join("、"))
    )
    found = problems(per_block, "row_ref", pl.format("指标表头缺少列：{}", "_labels"))
    return found.with_columns(per_block["_block"])


def joined_target() -> pl.Expr:
    """指标性质 | 指标值 | 度量单位 joined back into the cell as a person would write it. The unit completes
    the value as :data:`~perfkit.text.UNIT_COMPLETES` says (``95`` | ``%``, ``1.5万`` | ``人次``; ``100%`` |
    ``%`` is 100%, not 100%%), and an empty value stays empty (no lone ``%``)."""
    # ≥, >=, ≧, ﹦, 大于等于, 不少于 …: read as the 指标值 parser reads comparators (as the flat reader does)
    symbol = comparator_expr(pl.col("target_op")).replace_strict(OP_SYMBOLS, default="").fill_null("")
    written = pl.concat_str([pl.col("target_raw"), pl.lit(UNIT_JOIN), pl.col("target_unit").fill_null("")])
    unit = pl.when(written.str.contains(UNIT_COMPLETES)).then(pl.col("target_unit")).otherwise(pl.lit(""))
    return (
        pl.when(pl.col("target_op").is_in(QUALITATIVE_OPS) | pl.col("target_raw").fill_null("").eq(""))
        .then("target_raw")
        .otherwise(pl.concat_str([symbol, pl.col("target_raw"), unit.fill_null("")]))
    )
