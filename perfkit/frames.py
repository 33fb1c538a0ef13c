"""Polars helpers for the readers' frames: an expression worked out on the few rows or the distinct
values that need it, and a forward fill within groups of contiguous rows without a window."""

from __future__ import annotations

import re

import polars as pl


def on_few(frame: pl.DataFrame, maybe: pl.Expr, value: pl.Expr, name: str) -> pl.Series:
    """``value`` for the rows of ``frame`` where the cheap test ``maybe`` holds, null elsewhere:
    regexes run on the few cells a literal test lets through, not on every cell."""
    at = frame.select(pl.arg_where(maybe)).to_series()
    found = frame.select(pl.all().gather(at)).select(value.alias(name)).to_series()
    return pl.repeat(None, frame.height, dtype=found.dtype, eager=True).alias(name).scatter(at, found)


def with_distinct(frame: pl.DataFrame, column: str, *stages: dict[str, pl.Expr]) -> pl.DataFrame:
    """``frame`` with the columns of ``stages`` (functions of ``column`` alone; each stage a
    ``with_columns`` that may read the ones before it), worked out once per distinct value of
    ``column``: labels and project cells repeat on every table and row, and comparators are few."""
    read = frame.select(pl.col(column).unique())
    for stage in stages:
        read = read.with_columns(**stage)
    return frame.join(read, on=column, how="left", nulls_equal=True, maintain_order="left")


def on_distinct(frame: pl.DataFrame, column: str, expr: pl.Expr) -> pl.Series:
    """``expr`` (a function of ``column`` alone) for every row of ``frame``, worked out once per
    distinct value (:func:`with_distinct`)."""
    return with_distinct(frame.select(column), column, {"_value": expr})["_value"]


def _group_starts(keys: tuple[str, ...]) -> pl.Expr:
    """Whether a row starts a group of ``keys`` (the first row, or one whose keys differ from the row above)."""
    return pl.any_horizontal(*(pl.col(k) != pl.col(k).shift(1) for k in keys)).fill_null(True)


def fill_down(value: pl.Expr, *keys: str) -> pl.Expr:
    """``value.forward_fill().over(keys)`` for a frame whose groups of ``keys`` are contiguous (rows
    in order): one fill over the frame, kept only where the value came from the row's own group —
    several times cheaper than a window.

    >>> frame = pl.DataFrame({"table": [1, 1, 2, 2], "block": [7, None, None, 8]})
    >>> frame.select(fill_down(pl.col("block"), "table")).to_series().to_list()
    [7, 7, None, 8]
    """
    group = _group_starts(keys).cum_sum()
    source = pl.when(value.is_not_null()).then(group).forward_fill()
    return pl.when(source == group).then(value.forward_fill())


def running_sum(value: pl.Expr, *keys: str) -> pl.Expr:
    """``value.cum_sum().over(keys)`` (a count where ``value`` is a flag) for a frame whose groups of
    ``keys`` are contiguous: the running sum over the frame less its sum before the group starts —
    several times cheaper than a window.

    >>> frame = pl.DataFrame({"table": [1, 1, 2, 2, 2], "cell": [True, True, False, True, True]})
    >>> frame.select(running_sum(pl.col("cell"), "table")).to_series().to_list()
    [1, 2, 0, 1, 2]
    """
    starts = _group_starts(keys)
    one = value.cast(pl.Int64).fill_null(0)
    running = one.cum_sum()
    return running - pl.when(starts).then(running - one).forward_fill()


def group_numbers(frame: pl.DataFrame, key: list[str], by: str, within: list[str]) -> pl.Series:
    """For every row of ``frame``, the number of its group of ``key`` among the groups of its
    ``within[0]``, counted from 0 in the order of ``within`` and each group's least ``by``. Rows of a
    group mostly run together, so the groups are found among the runs of equal keys, not the rows.

    >>> frame = pl.DataFrame({"file": [0, 0, 0, 0, 1], "name": ["b", "b", "a", "b", "a"], "line": [1, 2, 3, 4, 1]})
    >>> group_numbers(frame, ["file", "name"], "line", within=["file"]).to_list()
    [0, 0, 1, 0, 0]
    """
    run = frame.select(pl.struct(key).rle_id()).to_series()
    runs = frame.select(*key, by).with_columns(_run=run).group_by("_run").agg(pl.col(*key).first(), pl.col(by).min())
    first = runs.group_by(key).agg(_first=pl.col(by).min()).sort(*within, "_first")
    first = first.with_columns(_number=pl.int_range(pl.len()).over(within[0]))
    return runs.join(first, on=key, how="left", nulls_equal=True).sort("_run")["_number"].gather(run)


def contains_any_word(text: pl.Expr, words) -> pl.Expr:
    """Whether ``text`` contains any of ``words``: one regex of the escaped words, which polars
    matches with a SIMD literal search, about twice as fast as ``str.contains_any`` on a column of
    millions of cells."""
    return text.str.contains("|".join(re.escape(w) for w in words))
