"""Declared schemas of perfkit's tables (see docs/contract.md), checked with pandera's polars backend.

The schemas are the single place where a table's columns, types and value rules live; loaders
build frames and :func:`validate` checks them, so a loader bug surfaces as a schema error rather
than as a wrong number downstream. pandera (and the pandas it imports) is loaded on the first
validation, not when perfkit is imported.

>>> PROJECT_COLUMNS[:4]
['unit_code', 'unit_name', 'year', 'project_id']
"""

from __future__ import annotations

import functools
from typing import Any

import polars as pl

TARGET_OPS = (">=", "<=", "=", ">", "<")
TARGET_KINDS = ("quantitative", "qualitative", "range", "deadline", "contradictory")
PERIODS = ("annual", "long_term")
# six ASCII digits, or empty for a unit known only by its name
UNIT_CODE = r"^(?:[0-9]{6})?$"

# column → (dtype, nullable, checks as pandera Field keyword arguments)
PROJECTS: dict[str, tuple[Any, bool, dict]] = {
    "unit_code": (pl.String, False, {"str_matches": UNIT_CODE}),
    "unit_name": (pl.String, True, {}),
    "year": (pl.Int32, True, {"ge": 1990, "le": 2100}),
    "project_id": (pl.String, False, {"unique": True}),
    "project_name": (pl.String, False, {"str_length": {"min_value": 1}}),
    # null where the document's figure could not be read (the project's ``unreadable`` says why)
    "budget_total": (pl.Float64, True, {"ge": 0}),
    "budget_fiscal": (pl.Float64, True, {"ge": 0}),
    "budget_other": (pl.Float64, True, {"ge": 0}),
    "purpose": (pl.String, True, {}),
    "goal_text": (pl.String, True, {}),
    "source_file": (pl.String, False, {}),
    "source_ref": (pl.String, False, {}),
    "department": (pl.String, True, {}),
    "project_kind": (pl.String, True, {}),
    "goal_long_term": (pl.String, True, {}),
    # the parts of the project's table that could not be read, ``place：message``, one per line
    "unreadable": (pl.String, True, {}),
    # the places of template rows left unfilled (经济效益指标 and nothing else), which are no indicators
    "unfilled_rows": (pl.String, True, {}),
    # a department-wide (部门整体) table's 年度主要任务, one per line, ``label：text`` per cell
    "tasks": (pl.String, True, {}),
}
INDICATORS: dict[str, tuple[Any, bool, dict]] = {
    "project_id": (pl.String, False, {}),
    "unit_code": (pl.String, False, {"str_matches": UNIT_CODE}),
    "seq": (pl.Int32, False, {"ge": 1}),
    # null only for a list without level columns (指标名称 | 年初指标值 …): the table gives no level
    "level1": (pl.String, True, {"str_length": {"min_value": 1}}),
    "level2": (pl.String, True, {}),
    "name": (pl.String, True, {}),
    "description": (pl.String, True, {}),
    "target_raw": (pl.String, True, {}),
    "target_op": (pl.String, True, {"isin": TARGET_OPS}),
    "target_value": (pl.Float64, True, {}),
    "target_unit": (pl.String, True, {}),
    "target_kind": (pl.String, True, {"isin": TARGET_KINDS}),
    # the upper end of a range (10-15人), the noun a count counts (≥20个社区), a trailing note
    # (≥95%（含）), and the 约 of an approximate target (约200人)
    "target_value_high": (pl.Float64, True, {}),
    "target_noun": (pl.String, True, {}),
    "target_note": (pl.String, True, {}),
    "target_approx": (pl.Boolean, False, {}),
    "source_ref": (pl.String, False, {}),
    "period": (pl.String, False, {"isin": PERIODS}),
    "weight": (pl.Float64, True, {"ge": 0}),
    "core": (pl.Boolean, False, {}),
    "notes": (pl.String, True, {}),
}
PROJECT_COLUMNS = list(PROJECTS)
INDICATOR_COLUMNS = list(INDICATORS)


@functools.cache
def _schema(name: str):
    import pandera.polars as pa

    checks_by_name = {
        "str_matches": pa.Check.str_matches,
        "ge": pa.Check.ge,
        "le": pa.Check.le,
        "isin": pa.Check.isin,
        "str_length": lambda spec: pa.Check.str_length(**spec),
    }
    spec = {"projects": PROJECTS, "indicators": INDICATORS}[name]
    columns = {
        column: pa.Column(
            dtype,
            nullable=nullable,
            unique=rules.get("unique", False),
            checks=[checks_by_name[k](v) for k, v in rules.items() if k != "unique"],
        )
        for column, (dtype, nullable, rules) in spec.items()
    }
    frame_checks = []
    if name == "indicators":
        # seq numbers the indicators of a project without repeats
        frame_checks.append(pa.Check(lambda data: data.lazyframe.select(pl.struct("project_id", "seq").is_unique())))
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=True, ordered=True, name=name)


def prepare() -> None:
    """Build both schemas now (importing pandera, seconds), e.g. in a thread while files are read."""
    for table in ("projects", "indicators"):
        _schema(table)


def validate(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Check ``frame`` against the ``projects`` or ``indicators`` schema, collecting every failure.

    A frame that passes every rule in one polars pass is returned as it is (pandera, seconds to
    import and a pass per check, is not needed then); any doubt goes to pandera, which reports.
    """
    if _passes(frame, table):
        return frame
    return _schema(table).validate(frame, lazy=True)


def _rule(column: pl.Expr, check: str, value: Any) -> pl.Expr:
    """Whether every non-null value of ``column`` passes a check, as pandera's would judge it."""
    test = {
        "str_matches": lambda: column.str.contains(value),
        "ge": lambda: column >= value,
        "le": lambda: column <= value,
        "isin": lambda: column.is_in(list(value)),
        "str_length": lambda: column.str.len_chars() >= value["min_value"],
        "unique": lambda: column.is_unique() if value else pl.lit(True),
    }[check]()
    return test.fill_null(True).all()


def _passes(frame: pl.DataFrame, table: str) -> bool:
    """Whether ``frame`` surely passes the schema: same columns in order, same dtypes, no null
    where none is allowed, every check true; a NaN in a checked column is left to pandera."""
    spec = {"projects": PROJECTS, "indicators": INDICATORS}[table]
    if list(frame.columns) != list(spec) or any(frame.schema[c] != dtype for c, (dtype, _, _) in spec.items()):
        return False
    rules = []
    for name, (dtype, nullable, checks) in spec.items():
        column = pl.col(name)
        if not nullable:
            rules.append(column.null_count() == 0)
        if checks and dtype == pl.Float64:
            rules.append(~column.is_nan().any())
        rules += [_rule(column, check, value) for check, value in checks.items()]
    if table == "indicators":
        rules.append(pl.struct("project_id", "seq").is_unique().all())
    return all(frame.select(pl.all_horizontal(rules)).row(0))
