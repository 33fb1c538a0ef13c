"""Recurring findings (整改不到位): the same defect in the same project's indicator year after year.

Where a unit's earlier years are loaded, each finding is held against the findings of the
project's match in the unit's previous loaded year (matched as :mod:`year_over_year` matches
projects: by name with years taken out). A finding recurs when the previous year has one of the
same rule on the same indicator (its level 2 and name, years taken out) — or, for a finding about
the whole project, with the same message once its figures are taken out. A recurring finding gets
``recurring_since`` (the first year of its unbroken run), ``recurring_from`` (the id of the same
finding the year before) and ``（连续N年出现，自Y年起）`` at the end of its message.

>>> pl.select(_project_key(pl.lit("金额类成本指标合计47.56万元，与预算数203万元不符"))).item()
'金额类成本指标合计万元与预算数万元不符'
"""

from __future__ import annotations

import polars as pl

from perfkit.checks.year_over_year import matched_projects, normalised_name
from perfkit.load import TargetTables

RECURRENCE_COLUMNS = {"recurring_since": pl.Int32, "recurring_from": pl.String}


def _project_key(message: pl.Expr) -> pl.Expr:
    """A whole-project finding's message without figures or punctuation: the same defect reads alike."""
    return normalised_name(message).str.replace_all(r"[0-9.]+", "")


def unmarked(findings: pl.DataFrame) -> pl.DataFrame:
    """``findings`` with empty :data:`RECURRENCE_COLUMNS`."""
    return findings.with_columns(pl.lit(None, dtype).alias(c) for c, dtype in RECURRENCE_COLUMNS.items())


def mark_recurring(findings: pl.DataFrame, projects: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """``findings`` (with :data:`RECURRENCE_COLUMNS`, empty) marked where they recur; ``projects``
    and ``indicators`` are the tables they were found in (all loaded years of their units)."""
    if "year" not in projects.columns or findings.is_empty():
        return findings
    pairs = matched_projects(TargetTables(projects, indicators.clear())).filter(pl.col("prev_project_id").is_not_null())
    if pairs.is_empty():  # one year per unit, or no project seen twice: nothing can recur
        return findings
    names = indicators.select(
        "project_id", "seq", _indicator=normalised_name(pl.concat_str("level2", "name", ignore_nulls=True))
    )
    keyed = (
        findings.select("finding_id", "rule_id", "project_id", "seq", "message")
        .with_row_index("_row")
        .filter(pl.col("project_id").is_in(pl.concat([pairs["project_id"], pairs["prev_project_id"]]).implode()))
        .join(names, on=["project_id", "seq"], how="left")
        .join(projects.select("project_id", pl.col("year").cast(pl.Int32)), on="project_id")
        .with_columns(
            _key=pl.when(pl.col("seq").is_null()).then(_project_key(pl.col("message"))).otherwise("_indicator")
        )
        .join(pairs.select("project_id", "prev_project_id"), on="project_id", how="left")
        .select("_row", "finding_id", "rule_id", "project_id", "prev_project_id", "_key", "year")
    )
    # year by year (a handful), each finding carries the run of the one it recurs from
    done = pl.DataFrame(
        schema={"rule_id": pl.String, "project_id": pl.String, "_key": pl.String, "_run": pl.Int32,
                "_since": pl.Int32, "_from": pl.String, "_row": pl.UInt32}
    )  # fmt: skip
    for year in sorted(keyed["year"].unique().drop_nulls().to_list()):
        previous = done.select(
            "rule_id", pl.col("project_id").alias("prev_project_id"), "_key",
            pl.col("_run").alias("_prev_run"), pl.col("_since").alias("_prev_since"), pl.col("_from").alias("_prev_id"),
        ).unique(["rule_id", "prev_project_id", "_key"], keep="first")  # fmt: skip
        now = (
            keyed.filter(pl.col("year") == year)
            .join(previous, on=["rule_id", "prev_project_id", "_key"], how="left", nulls_equal=False)
            .select(
                "rule_id", "project_id", "_key", "_row",
                _run=(pl.col("_prev_run").fill_null(0) + 1).cast(pl.Int32),
                _since=pl.coalesce("_prev_since", pl.lit(year)).cast(pl.Int32),
                _from=pl.when(pl.col("_prev_run").is_not_null()).then("_prev_id"),
                _self="finding_id",
            )
        )  # fmt: skip
        done = pl.concat([done, now.drop("_self", "_from").with_columns(_from=now["_self"]).select(done.columns)])
        marks = now.filter(pl.col("_run") > 1)
        if marks.height:
            findings = _marked(findings, marks)
    return findings


def _marked(findings: pl.DataFrame, marks: pl.DataFrame) -> pl.DataFrame:
    """The rows ``marks._row`` of ``findings`` with their run written into the message and columns."""
    at = marks["_row"]
    suffix = marks.select(pl.format("（连续{}年出现，自{}年起）", "_run", "_since")).to_series()
    return findings.with_columns(
        findings["message"].scatter(at, findings["message"].gather(at) + suffix),
        findings["recurring_since"].scatter(at, marks["_since"]),
        findings["recurring_from"].scatter(at, marks["_from"]),
    )
