"""部门整体 (department-wide) target tables: what tells one, and its 年度主要任务.

A unit publishes beside its project tables one table for the whole department (部门整体支出绩效目标表).
It has no 项目名称: the department is the "project" (``project_kind`` 部门整体, named after the
unit). Its table of annual tasks (年度主要任务 / 年度履职目标: 部门职能 | 年度目标任务 | 支出项目名称 |
预算金额) lies above the indicators; each task row is kept, ``label：text`` per cell, in the project's
``tasks`` (one task per line) and is taken out of the project part, so that no task is read as a
purpose or a budget.
"""

from __future__ import annotations

import polars as pl

from perfkit.load.layout.labels import DEPARTMENT_WIDE, TASK_LABELS

TABLE_KEY = ["_file_no", "_key"]
DEPARTMENT_KIND = "部门整体"
_NAME_SUFFIX = "部门整体支出"


def department_wide(c: pl.DataFrame, tables: pl.DataFrame) -> pl.DataFrame:
    """Per table (``TABLE_KEY``): ``_department_wide``, whether its cells, title or the text above it
    say 部门整体. ``c`` has ``_flat`` (the cell without whitespace)."""
    around = pl.concat_str("title", "context", separator="\n").str.replace_all(r"\s", "")
    wide = tables.select(
        *TABLE_KEY, _department_wide=around.str.contains(DEPARTMENT_WIDE, literal=True).fill_null(False)
    )
    said = c.filter(pl.col("_flat").str.contains(DEPARTMENT_WIDE, literal=True))  # most loads: no cell
    if said.height:
        in_cells = said.select(TABLE_KEY).unique().with_columns(_in_cells=pl.lit(True))
        wide = wide.join(in_cells, on=TABLE_KEY, how="left").select(
            *TABLE_KEY, _department_wide=pl.col("_department_wide") | pl.col("_in_cells").fill_null(False)
        )
    return wide


def split_tasks(c: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``c`` without the rows of a task table, and per table its ``tasks`` text.

    A task table starts at a row with two or more task labels (部门职能, 年度目标任务, 预算金额 …) and
    runs to the next row that holds a project label (``_field``) or to the end of the project part.
    ``c`` needs ``_k`` (label key), ``_field``, ``_s`` (stripped text), ``row_no``, ``col`` and ``continued``.
    """
    own = ~pl.col("continued")
    if not c["_k"].is_in(list(TASK_LABELS)).any():  # most loads have no task table: no window over every cell
        return c, pl.DataFrame(schema={"_file_no": pl.Int32, "_key": pl.Int32, "tasks": pl.String})
    marked = c.with_columns(
        _task_header=((pl.col("_k").is_in(list(TASK_LABELS)) & own).sum().over(*TABLE_KEY, "row_no") >= 2),
        _labelled=(pl.col("_field").is_not_null() & own).any().over(*TABLE_KEY, "row_no"),
    )
    if not marked["_task_header"].any():
        return c, pl.DataFrame(schema={"_file_no": pl.Int32, "_key": pl.Int32, "tasks": pl.String})
    zone = pl.when("_task_header").then(True).when("_labelled").then(False)
    marked = marked.with_columns(_zone=zone.forward_fill().over(TABLE_KEY).fill_null(False))
    headers = marked.filter("_task_header", own, pl.col("_s") != "").select(*TABLE_KEY, "col", _label="_s")
    headers = headers.unique([*TABLE_KEY, "col"], keep="first", maintain_order=True)
    body = marked.filter(pl.col("_zone"), ~pl.col("_task_header"), own, pl.col("_s") != "")
    lines = (
        body.join(headers, on=[*TABLE_KEY, "col"], how="inner")
        .sort(*TABLE_KEY, "row_no", "col")
        .group_by(*TABLE_KEY, "row_no", maintain_order=True)
        .agg(_line=pl.format("{}：{}", "_label", "_s").str.join("；"))
    )
    tasks = lines.group_by(TABLE_KEY, maintain_order=True).agg(tasks=pl.col("_line").str.join("\n"))
    kept = marked.filter(~pl.col("_zone")).drop("_task_header", "_labelled", "_zone")
    return kept, tasks.with_columns(pl.col(*TABLE_KEY).cast(pl.Int32))


def department_name(unit_name: str | None) -> str:
    """The name a department-wide table is filed under: the unit's name + 部门整体支出."""
    return f"{unit_name or ''}{_NAME_SUFFIX}"


def as_department(frame: pl.DataFrame) -> pl.DataFrame:
    """A department-wide table's record: kind 部门整体 and, where no 项目名称 is written, the unit's
    name + 部门整体支出 (部门整体支出 alone when the unit is not named either)."""
    wide = pl.col("_department_wide").fill_null(False)
    name = pl.concat_str(pl.col("unit_name").fill_null(""), pl.lit(_NAME_SUFFIX))
    return frame.with_columns(
        project_kind=pl.when(wide).then(pl.lit(DEPARTMENT_KIND)).otherwise("project_kind"),
        project_name=pl.when(wide & (pl.col("project_name").fill_null("") == "")).then(name).otherwise("project_name"),
    )
