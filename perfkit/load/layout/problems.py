"""Unreadable parts: what a reader could not read in a table, kept with its project instead of
sinking the file.

A reader that finds a part it cannot read (a budget that is not a number, a table without an
indicator header, an indicator row with the wrong number of cells) leaves the part empty and
records a *problem*: the file, the place and a one-line message, as :class:`~perfkit.errors.InputError`
would name them. :func:`attach` gives each project its problems; ``load_targets`` then either
keeps them (the ``unreadable`` column, reported by the ``unreadable_part`` rule) or, with
``strict``, raises the first one as perfkit did before.

Problem frames have the columns of :data:`PROBLEM_SCHEMA`.
"""

from __future__ import annotations

import polars as pl

from perfkit.errors import InputError

PROBLEM_SCHEMA = {"_file": pl.String, "_file_no": pl.Int32, "_key": pl.Int32, "place": pl.String, "message": pl.String}
_TABLE = ["_file_no", "_key"]
# between two problems of a project in its ``unreadable`` cell (a quoted cell may hold ；)
UNREADABLE_SEPARATOR = "\n"
# the first problem of a project, for --strict: the error perfkit raised before
FIRST_PLACE, FIRST_MESSAGE = "_problem_place", "_problem_message"


def no_problems() -> pl.DataFrame:
    """An empty problem frame."""
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def problems(frame: pl.DataFrame, place: str | pl.Expr, message: pl.Expr) -> pl.DataFrame:
    """A problem frame of every row of ``frame`` (which has ``_file``, ``_file_no``, ``_key``)."""
    place = pl.col(place) if isinstance(place, str) else place
    return frame.select(
        pl.col("_file").cast(pl.String),
        pl.col(*_TABLE).cast(pl.Int32),
        place=place.cast(pl.String),
        message=message.cast(pl.String),
    )


def attach(projects: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """``projects`` with ``unreadable`` (every problem of the project, ``place：message`` one per
    line, null when none) and the first problem's place and message (for ``strict``).
    Problems already attached are kept, before the new ones. Does not mutate ``projects``."""
    if not found.height:
        return _with_none(projects)
    per_project = found.group_by(_TABLE, maintain_order=True).agg(
        _new=pl.format("{}：{}", pl.col("place").fill_null("表格"), "message").str.join(UNREADABLE_SEPARATOR),
        _place=pl.col("place").first(),
        _message=pl.col("message").first(),
    )
    projects = _with_none(projects)
    joined = projects.join(per_project, on=_TABLE, how="left", maintain_order="left")
    return joined.with_columns(
        unreadable=pl.when(pl.col("unreadable").is_null())
        .then("_new")
        .otherwise(pl.concat_str("unreadable", "_new", separator=UNREADABLE_SEPARATOR, ignore_nulls=True)),
        **{FIRST_PLACE: pl.coalesce(FIRST_PLACE, "_place"), FIRST_MESSAGE: pl.coalesce(FIRST_MESSAGE, "_message")},
    ).drop("_new", "_place", "_message")


def _with_none(projects: pl.DataFrame) -> pl.DataFrame:
    """``projects`` with the problem columns it lacks, empty."""
    names = ("unreadable", FIRST_PLACE, FIRST_MESSAGE)
    return projects.with_columns(pl.lit(None, dtype=pl.String).alias(n) for n in names if n not in projects.columns)


def raise_first(projects: pl.DataFrame) -> None:
    """Raise the first problem (in load order) as an :class:`InputError`, as ``--strict`` asks."""
    if FIRST_MESSAGE not in projects.columns:
        return
    bad = projects.filter(pl.col(FIRST_MESSAGE).is_not_null())
    if bad.height:
        row = bad.sort(_TABLE).row(0, named=True)
        raise InputError(row["_file"], row[FIRST_PLACE], row[FIRST_MESSAGE])


def refuse_unread_files(projects: pl.DataFrame, indicators: pl.DataFrame) -> None:
    """Refuse a file none of whose tables gave an indicator: nothing in it reads as a target table.
    The message is the first problem of the file (what stopped the reader)."""
    read = indicators.select("_file_no").unique()
    unread = projects.join(read, on="_file_no", how="anti")
    if unread.height:
        with_problem = unread.filter(pl.col(FIRST_MESSAGE).is_not_null()) if FIRST_MESSAGE in unread.columns else unread
        row = (with_problem if with_problem.height else unread).sort(_TABLE).row(0, named=True)
        place, message = row.get(FIRST_PLACE), row.get(FIRST_MESSAGE)
        raise InputError(row["_file"], place or row.get("source_ref"), message or "未找到指标行，表格不完整")


def unreadable_parts(projects: pl.DataFrame) -> list[tuple[str, str]]:
    """(source file, ``place：message``) of every unreadable part of the loaded ``projects``."""
    named = projects.select("source_file", "unreadable").drop_nulls("unreadable")
    return [(file, part) for file, text in named.iter_rows() for part in text.split(UNREADABLE_SEPARATOR)]
