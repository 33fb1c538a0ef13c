"""Loader for the plain-text export of a Word document (the format of the bundled seed).

In the export every table cell is a line starting with a tab, rows are separated by blank lines,
and a cell of several paragraphs continues on lines without a tab. Each project starts with a
heading line such as ``1.2025年服务妇女儿童公益项目绩效目标表`` (optionally after a
``[bookmark: …]`` marker).
"""

from __future__ import annotations

import re

import polars as pl

from perfkit.frames import running_sum
from perfkit.load.layout.grid import GRID_COLUMNS, Table, tables_of
from perfkit.load.layout.money import cell_statement
from perfkit.text import fold_width

_HEADING = re.compile(r"^\s*(?:\[bookmark:[^\]]*\])?\s*(?:\d+\s*[.、．]\s*)?(.*绩效(?:目标(?:申报)?|自评)表)\s*$")


def looks_like_word_text(text: str) -> bool:
    """Whether ``text`` has the tab-per-cell shape of a Word export of target tables."""
    head = 200_000  # characters searched, without copying them
    tab_led = text.startswith("\t") or text.find("\n\t", 0, head) >= 0
    return tab_led and any(text.find(word, 0, head) >= 0 for word in ("一级指标", "绩效目标表", "绩效自评表"))


def lines(text: str) -> pl.DataFrame:
    """The export's lines, numbered from 1 — all a reader does per file; :func:`cells` does the rest."""
    return pl.DataFrame({"text": text.splitlines()}, schema={"text": pl.String}).with_row_index("line", offset=1)


# the line breaks of str.splitlines, each read as one "\n"
_BREAKS = "\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"


def lines_of(texts: pl.DataFrame) -> pl.DataFrame:
    """:func:`lines` of many exports at once, with their ``_file`` and ``_file_no`` (``texts``:
    one row per export, with its ``text``): one polars pass instead of a frame per file."""
    split = pl.col("text").str.replace_all(_BREAKS, "\n").str.strip_suffix("\n").str.split("\n")
    return (
        texts.select(split, "_file", "_file_no")
        .with_columns(line=pl.int_ranges(1, pl.col("text").list.len() + 1, dtype=pl.UInt32))
        .explode("text", "line")
        .select("line", "text", "_file", "_file_no")
    )


def cells(lines: pl.DataFrame) -> pl.DataFrame:
    """Every table cell of any number of exports (``_file``, ``_file_no``, ``line``, ``text``) as
    one grid frame (:data:`~perfkit.load.layout.grid.GRID_SCHEMA`; the export records no spans, so every
    position is its own origin).

    Computed for all lines at once: a cell line starts a new row after a blank line or a
    heading; a line without a tab continues the last cell of its table (a further paragraph,
    possibly after a blank line), and the next cell line then stays in that cell's row. Cells
    before the first heading form a table of their own, so an export of a single table without
    a heading still loads. Lines between a heading and the table's first cell (``单位：元``) are
    the table's ``context``; so are the lines above the first heading (under the document's title)
    and a ``单位：元`` line after a table's last cell, which is above the next heading and never
    part of the cell before it.
    """
    line = pl.col("text")
    is_cell = line.str.starts_with("\t")
    is_blank = ~is_cell & (line.str.strip_chars() == "")
    frame = lines.with_columns(is_cell=is_cell, is_blank=is_blank)
    # the heading regex runs only on the few lines that can be a heading (text lines naming 绩效)
    maybe = frame.select(
        pl.arg_where(~pl.col("is_cell") & ~pl.col("is_blank") & line.str.contains("绩效", literal=True))
    )
    at = maybe.to_series()
    titles = frame["text"].gather(at).str.extract(_HEADING.pattern, 1).str.strip_chars()
    title = pl.repeat(None, frame.height, dtype=pl.String, eager=True).alias("title").scatter(at, titles)
    frame = frame.with_columns(title).with_columns(
        table_no=pl.col("title").is_not_null().cum_sum().over("_file_no").cast(pl.Int32)
    )
    has_cell = running_sum(pl.col("is_cell"), "_file_no", "table_no") > 0  # lines are in order
    text_line = ~pl.col("is_cell") & ~pl.col("is_blank") & pl.col("title").is_null()
    # only text lines naming 单位 can state a scale: the statement regex runs on those few, gathered
    texts = frame.select(pl.arg_where(text_line & line.str.contains("单位", literal=True))).to_series()
    gathered = pl.DataFrame({"text": frame["text"].gather(texts)})
    stated = gathered.select(cell_statement(fold_width(line.str.strip_chars())).is_not_null()).to_series()
    scale_line = pl.repeat(False, frame.height, eager=True).alias("_scale_line").scatter(texts, stated)
    frame = frame.with_columns(scale_line, _has_cell=has_cell)
    continues = text_line & pl.col("_has_cell") & ~pl.col("_scale_line")
    frame = frame.with_columns(continues=continues)
    # a cell line opens a row unless the line before it was in one (no line before the first of a file is)
    after_row = (~pl.col("is_cell") & ~pl.col("continues")).shift(1, fill_value=True) | (pl.col("line") == 1)
    frame = frame.with_columns(
        row_no=(pl.col("is_cell") & after_row).cum_sum().cast(pl.Int32),
        cell_no=pl.col("is_cell").cum_sum(),
    )
    headings = frame.filter(pl.col("title").is_not_null()).select(
        "_file_no", "table_no", "title", table_ref=pl.format("第{}行", "line")
    )
    # a scale line after a table's cells is above the next table; so are the lines before the first
    # heading when no table precedes it
    led_by_cells = frame.filter(pl.col("is_cell") & (pl.col("table_no") == 0))["_file_no"].unique()
    untitled = (pl.col("table_no") == 0) & ~pl.col("_file_no").is_in(led_by_cells.implode())
    ahead = (pl.col("_has_cell") & pl.col("_scale_line")) | untitled
    context = (
        frame.filter(~pl.col("is_cell") & ~pl.col("is_blank") & (~pl.col("_has_cell") | pl.col("_scale_line")))
        .with_columns(table_no=pl.when(ahead).then(pl.col("table_no") + 1).otherwise("table_no"))
        .group_by("_file_no", "table_no", maintain_order=True)
        .agg(context=line.str.strip_chars().str.join("\n"))
    )
    headings = headings.join(context, on=["_file_no", "table_no"], how="full", coalesce=True)
    # few cells run over several lines: join those lines on their own rather than group every cell
    more = frame.filter("continues").group_by("cell_no").agg(line.str.join("\n").alias("_more"))
    cells = (
        frame.filter("is_cell")
        .select("_file", "_file_no", "table_no", "row_no", "cell_no", "line", text=line.str.slice(1))
        .join(more, on="cell_no", how="left", maintain_order="left")
        .with_columns(
            text=pl.when(pl.col("_more").is_null())
            .then("text")
            .otherwise(pl.concat_str("text", pl.lit("\n"), "_more")),
            ref=pl.format("第{}行", "line"),
            _index=pl.int_range(pl.len(), dtype=pl.Int32),
            _starts_row=pl.col("row_no") != pl.col("row_no").shift(1, fill_value=-1),
        )
        # rows are contiguous: a forward fill from each row's first cell, cheaper than a window
        .with_columns(
            col=pl.col("_index") - pl.when("_starts_row").then("_index").forward_fill(),
            row_ref=pl.when("_starts_row").then("ref").forward_fill(),
        )
        .join(headings, on=["_file_no", "table_no"], how="left", maintain_order="left")
        .with_columns(
            pl.col("title", "context").fill_null(""),
            pl.col("table_ref").fill_null("第1行"),
            origin_row="row_no",
            origin_col="col",
            continued=pl.lit(False),
        )
    )
    return cells.select(GRID_COLUMNS)


def split_tables(text: str) -> list[Table]:
    """The export as one :class:`Table` per project heading, with its rows of cells."""
    one_file = lines(text).with_columns(_file=pl.lit(""), _file_no=pl.lit(0, dtype=pl.Int32))
    return tables_of(cells(one_file))
