"""Assemble loader output into the contract tables: ids, merged cells, parsed targets, schema.

Every loader returns two raw frames keyed by a file-local ``_key`` per project. This module does
the work they share, once and vectorised: stable project ids, filling merged level-1/level-2
cells, numbering indicators, parsing targets, and validating both tables against the schema.
"""

from __future__ import annotations

import hashlib

import polars as pl

from perfkit.errors import InputError
from perfkit.load.layout.labels import LEVEL1_OF_LEVEL2
from perfkit.load.layout.problems import FIRST_MESSAGE, FIRST_PLACE, attach, problems
from perfkit.schema import INDICATOR_COLUMNS, PROJECT_COLUMNS, validate
from perfkit.targets import DEADLINE, QUALITATIVE, is_money_indicator, is_timely_indicator, with_parsed_targets


def project_id(unit_code: str, year: int | None, project_name: str, unit_name: str | None = None) -> str:
    """Stable project id: the same unit, year and name give the same id on every run.

    A unit known only by its name (``unit_code`` empty) is named by ``n`` and 5 hex digits of
    SHA-1 over that name instead of a code.

    >>> project_id("562202", 2025, "2025年服务妇女儿童公益项目")
    '562202-259bfce81c'
    >>> project_id("", 2025, "就业服务项目", "某市就业服务中心")[:7]
    'n41431-'
    """
    if not unit_code:
        unit = unit_name or ""
        digest = hashlib.sha1(f"{unit}|{year or ''}|{project_name}".encode()).hexdigest()
        return f"n{hashlib.sha1(unit.encode()).hexdigest()[:5]}-{digest[:10]}"
    digest = hashlib.sha1(f"{unit_code}|{year or ''}|{project_name}".encode()).hexdigest()
    return f"{unit_code}-{digest[:10]}"


# indicator columns a reader may leave out, with the value they take then
INDICATOR_DEFAULTS = {
    "period": pl.lit("annual"),
    "weight": pl.lit(None, dtype=pl.Float64),
    "core": pl.lit(False),
    "notes": pl.lit(None, dtype=pl.String),
}
PROJECT_DEFAULTS = {
    name: pl.lit(None, dtype=pl.String)
    for name in ("department", "project_kind", "goal_long_term", "unreadable", "unfilled_rows", "tasks")
}


UNFILLED_MESSAGE = "一级指标为空，且上方没有可延续的合并单元格"
UNFILLED_LEVEL1 = "（一级指标未填写）"  # no group of the scoring weights: such rows are scored as unjudged


def finish_projects(raw: pl.DataFrame) -> pl.DataFrame:
    """Fill a missing year from the most common year of the same file (``_file``)."""
    year = pl.col("year").cast(pl.Int32)
    file_year = year.drop_nulls().mode().first().over("_file_no")
    return raw.with_columns(year=year.fill_null(file_year))


def assemble(
    projects: pl.DataFrame, indicators: pl.DataFrame, strict: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Build the validated ``projects`` and ``indicators`` tables from all files' raw frames.

    ``projects`` needs ``_file`` and ``_key`` (unique together) besides the contract columns
    except ``project_id``; ``indicators`` needs ``_file``, ``_key``, the cell columns and
    ``source_ref``, and may carry ``_qualitative`` (declared 定性 in a split-layout export).
    Does not mutate its inputs.
    """
    if "_file_no" not in projects.columns:  # frames made by hand: one source per file name
        projects = projects.with_columns(_file_no=pl.col("_file").rank("dense").cast(pl.Int32))
        indicators = indicators.with_columns(_file_no=pl.col("_file").rank("dense").cast(pl.Int32))
    projects = projects.with_columns(
        **{n: v for n, v in PROJECT_DEFAULTS.items() if n not in projects.columns}
    ).with_columns(pl.col("unit_code").fill_null(""))
    ids = [project_id(*row) for row in projects.select("unit_code", "year", "project_name", "unit_name").iter_rows()]
    projects = projects.with_columns(project_id=pl.Series(ids, dtype=pl.String))
    # the same project loaded twice (two exports of one document) keeps both, told apart
    repeat = pl.int_range(pl.len()).over("project_id")
    projects = projects.with_columns(
        project_id=pl.when(repeat > 0).then(pl.format("{}-{}", "project_id", repeat + 1)).otherwise("project_id")
    )
    if "_qualitative" not in indicators.columns:
        indicators = indicators.with_columns(_qualitative=pl.lit(False))
    if "_no_levels" not in indicators.columns:  # rows of a list without level columns: no level to fill
        indicators = indicators.with_columns(_no_levels=pl.lit(False))
    indicators = indicators.with_columns(
        **{n: v for n, v in INDICATOR_DEFAULTS.items() if n not in indicators.columns}
    ).with_columns(period=pl.col("period").fill_null("annual"), core=pl.col("core").fill_null(False))
    cells = ["level1", "level2", "name", "description", "target_raw", "notes"]
    indicators = indicators.join(
        projects.select("_file_no", "_key", "project_id", "unit_code"),
        on=["_file_no", "_key"],
        how="left",
        maintain_order="left",
    ).with_columns(
        pl.col(cells).str.strip_chars().replace("", None),
        _qualitative=pl.col("_qualitative").fill_null(False),
        _no_levels=pl.col("_no_levels").fill_null(False),
    )
    # a level-1 cell without a word (its text lost, only ////(50分) left) is an empty one
    indicators = indicators.with_columns(level1=pl.when(pl.col("level1").str.contains(r"\p{Han}")).then("level1"))
    # merged cells: a window per project only where a cell is empty (most loads have none in level2)
    for column, within in (("level1", "period"), ("level2", "level1")):
        if indicators[column].null_count():
            filled = pl.col(column).forward_fill().over("project_id", within)
            indicators = indicators.with_columns(pl.when(~pl.col("_no_levels")).then(filled).alias(column))
    indicators = _level1_from_level2(indicators)
    projects, indicators = _unfilled_level1(projects, indicators, strict)
    # declared 定性 in a split layout; a time limit in words (按期完成) is a deadline in every layout
    declared = pl.col("_qualitative") & pl.col("target_raw").is_not_null()
    qualitative = declared & (pl.col("target_kind") != DEADLINE).fill_null(True)
    parsed = ["target_op", "target_value", "target_unit", "target_value_high", "target_noun", "target_note"]
    indicators = with_parsed_targets(
        indicators, "target_raw", is_money_indicator(), timely=is_timely_indicator()
    ).with_columns(
        *[pl.when(~qualitative).then(c).alias(c) for c in parsed],
        seq=(pl.int_range(pl.len()).over("project_id") + 1).cast(pl.Int32),
        target_approx=pl.col("target_approx") & ~qualitative,
        target_kind=pl.when(qualitative).then(pl.lit(QUALITATIVE)).otherwise("target_kind"),
    )
    projects = projects.with_columns(pl.col("year").cast(pl.Int32)).select(PROJECT_COLUMNS)
    return validate(projects, "projects"), validate(indicators.select(INDICATOR_COLUMNS), "indicators")


def _level1_from_level2(indicators: pl.DataFrame) -> pl.DataFrame:
    """An empty 一级指标 over a level-2 kind of the indicator system (数量指标 → 产出指标) is that
    kind's group, said in the row's ``notes`` (read by the system, not guessed). Rows under one
    merged level-1 cell left empty share the group of their kinds already (:mod:`~perfkit.load.layout.levels`)."""
    inferred = pl.col("level1").is_null() & pl.col("level2").is_in(list(LEVEL1_OF_LEVEL2))
    if not indicators.select(inferred.any()).item():
        return indicators
    group = pl.col("level2").replace_strict(LEVEL1_OF_LEVEL2, default=None)
    said = pl.format("一级指标未填写，按二级指标“{}”归入{}", "level2", group)
    return indicators.with_columns(
        notes=pl.when(inferred)
        .then(pl.concat_str(said, "notes", separator="；", ignore_nulls=True))
        .otherwise("notes"),
        level1=pl.when(inferred).then(group).otherwise("level1"),
    )


def _unfilled_level1(
    projects: pl.DataFrame, indicators: pl.DataFrame, strict: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows whose 一级指标 is empty with no merged cell above to continue: named as an unreadable
    part of their project and given the level :data:`UNFILLED_LEVEL1` (``strict`` refuses instead).
    Rows of a list without level columns (``_no_levels``) have no level to fill: theirs stays null."""
    missing = indicators.filter(pl.col("level1").is_null(), ~pl.col("_no_levels"))
    if not missing.height:
        return projects, indicators
    if strict:
        row = missing.row(0, named=True)
        raise InputError(row["_file"], row["source_ref"], UNFILLED_MESSAGE)
    found = problems(missing, "source_ref", pl.lit(UNFILLED_MESSAGE))
    projects = attach(projects, found).drop(FIRST_PLACE, FIRST_MESSAGE)
    unfilled = pl.when(~pl.col("_no_levels")).then(pl.col("level1").fill_null(UNFILLED_LEVEL1)).otherwise("level1")
    return projects, indicators.with_columns(unfilled.alias("level1"))


def apply_unit_code(
    projects: pl.DataFrame, indicators: pl.DataFrame, unit_code: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Give ``unit_code`` (from a params file) to every project of a source file that names no code.

    A file with a code of its own keeps it. ``project_id`` does not change, so the ids of a
    document are the same whether it is loaded with a params file or without one. Both frames
    need ``source_file``, ``project_id`` and ``unit_code``. Does not mutate its inputs.
    """
    codeless = projects.group_by("source_file").agg((pl.col("unit_code") == "").all().alias("_codeless"))
    given = projects.join(codeless, on="source_file", how="left", maintain_order="left")
    given = given.with_columns(unit_code=pl.when("_codeless").then(pl.lit(unit_code)).otherwise("unit_code"))
    ids = given.filter("_codeless").select("project_id")
    indicators = indicators.with_columns(
        unit_code=pl.when(pl.col("project_id").is_in(ids["project_id"].implode()))
        .then(pl.lit(unit_code))
        .otherwise("unit_code")
    )
    return given.drop("_codeless"), indicators
