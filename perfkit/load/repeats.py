"""The same self-evaluation given twice: a folder holding a unit's ``.docx`` and the PDF printed
from it, or a download saved twice.

A project (unit, year and name, as its ``project_id`` says) read from two files is one
self-evaluation given twice when both files say the same about it: its figures, and every
indicator row in order, compared without whitespace and punctuation (a PDF breaks lines where the
Word file did not). The later file's copy is left out and named. Where the two differ, no one can
tell which is the unit's, so the load is refused, naming both files: scoring both would count the
project twice, and picking one would be a guess.
"""

from __future__ import annotations

import polars as pl

from perfkit.errors import InputError
from perfkit.text import squashed

REPEATED_COLUMNS = {"source_file": pl.String, "same_as": pl.String, "projects": pl.UInt32}
# what is not part of what a file says: where it says it, and its own numbering
_PLACE = ("source_file", "source_ref", "project_id", "selfeval_unfilled_rows", "selfeval_unreadable")


def without_repeats(
    projects: pl.DataFrame, indicators: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """``projects`` and ``indicators`` without the copies that later files repeat, and the files
    left out that way (:data:`REPEATED_COLUMNS`: a file, the earlier file it repeats, how many
    projects). Raises :class:`InputError` where two files say different things of one project."""
    in_files = projects.group_by("project_id").agg(pl.col("source_file").n_unique().alias("_files"))
    repeated = in_files.filter(pl.col("_files") > 1)["project_id"]
    if repeated.is_empty():
        return projects, indicators, pl.DataFrame(schema=REPEATED_COLUMNS)
    copies = projects.filter(pl.col("project_id").is_in(repeated.implode()))
    said = _fingerprints(copies, indicators.filter(pl.col("project_id").is_in(repeated.implode())))
    said = said.with_columns(
        _first_file=pl.col("source_file").first().over("project_id"),
        _first_said=pl.col("_said").first().over("project_id"),
    )
    differing = said.filter(pl.col("_said") != pl.col("_first_said"))
    if differing.height:
        row = differing.join(copies, on=["project_id", "source_file"]).row(0, named=True)
        raise InputError(
            row["source_file"],
            row["source_ref"],
            f"项目“{row['project_name']}”在“{row['_first_file']}”中也有自评表，两份内容不同，"
            "无法确定以哪一份为准：请只保留一份后再读取",
        )
    later = said.filter(pl.col("source_file") != pl.col("_first_file")).select("project_id", "source_file")
    left_out = (
        later.join(said.select("project_id", same_as="_first_file").unique(), on="project_id")
        .group_by("source_file", "same_as", maintain_order=True)
        .agg(projects=pl.len().cast(pl.UInt32))
    )
    keep_projects = projects.join(later, on=["project_id", "source_file"], how="anti", maintain_order="left")
    keep_indicators = indicators.join(later, on=["project_id", "source_file"], how="anti", maintain_order="left")
    return keep_projects, keep_indicators, left_out.select(list(REPEATED_COLUMNS))


def _fingerprints(projects: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """Per (``project_id``, ``source_file``), in load order, ``_said``: one text of everything the
    file says of the project (its row and its indicator rows in order), squashed."""

    def said(frame: pl.DataFrame) -> pl.Expr:
        return pl.concat_str(
            [
                squashed(c) if frame.schema[c] == pl.String else pl.col(c).cast(pl.String).fill_null("")
                for c in frame.columns
                if c not in _PLACE
            ],
            separator="\x1f",
        )

    rows = indicators.group_by("project_id", "source_file", maintain_order=True).agg(
        _rows=said(indicators).str.join("\x1e")
    )
    return (
        projects.with_columns(_own=said(projects))
        .join(rows, on=["project_id", "source_file"], how="left", maintain_order="left")
        .select(
            "project_id", "source_file", _said=pl.concat_str("_own", pl.col("_rows").fill_null(""), separator="\x1d")
        )
    )
