"""Numbers for repeated values: the rows of one project come together, so a value is worked on
once per run of equal rows, and keys are numbers rather than texts in windows and joins."""

from __future__ import annotations

import polars as pl


def per_run(frame: pl.DataFrame, columns: list[str]) -> tuple[pl.Series, pl.DataFrame]:
    """The run of equal ``columns`` that each row of ``frame`` is in (0, 1, …), and the runs'
    values, one row per run."""
    run = frame.select(pl.struct(columns).rle_id()).to_series()
    return run, frame.select(columns).filter(run.shift(1).ne_missing(run))


def numbered(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """One number per distinct value of ``columns`` (nulls are a value), for every row of ``frame``:
    equal values get the same number wherever they are, as in a group-by.

    >>> numbered(pl.DataFrame({"p": ["a", "a", "b", "a", None]}), ["p"]).to_list()
    [0, 0, 1, 0, 2]
    """
    run, runs = per_run(frame, columns)
    distinct = runs.unique(maintain_order=True).with_row_index("_number")
    number = runs.join(distinct, on=columns, how="left", nulls_equal=True, maintain_order="left")["_number"]
    return number.gather(run)


def whole_slices(number: pl.Series, size: int) -> list[tuple[int, int]]:
    """(offset, length) of consecutive slices of all rows: a slice starts at the first row of each
    stretch of ``size`` rows before which every ``number`` has ended (slices of whole projects).

    >>> whole_slices(pl.Series([0, 0, 1, 1, 0, 2, 3, 3]), 2)
    [(0, 5), (5, 1), (6, 2)]
    """
    rows = number.to_frame("number").with_row_index("row").with_columns(pl.col("row").cast(pl.Int64))
    # the last row of every number met so far: a slice may start where it is the row before
    reach = pl.col("row").max().over("number").cum_max()
    starts = rows.filter(reach.shift(1).fill_null(-1) == pl.col("row") - 1)["row"]
    starts = starts.filter((starts // size).is_first_distinct()).to_list()
    ends = [*starts[1:], number.len()] if starts else []
    return [(start, end - start) for start, end in zip(starts, ends, strict=True)]
