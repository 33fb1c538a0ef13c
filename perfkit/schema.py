"""Declared schemas of perfkit's tables (see CONTRACT.md), checked with pandera's polars backend.

The schemas are the single place where a table's columns, types and value rules live; loaders
build frames and :func:`validate` checks them, so a loader bug surfaces as a schema error rather
than as a wrong number downstream.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

LEVEL1_GROUPS = ("产出指标", "效益指标", "满意度指标", "成本指标")
TARGET_OPS = (">=", "<=", "=", ">", "<")
TARGET_KINDS = ("quantitative", "qualitative")


class Projects(pa.DataFrameModel):
    """One row per project (项目): the unit, the budget in 万元 and the goal texts."""

    unit_code: str = pa.Field(str_matches=r"^\d{6}$")
    unit_name: str = pa.Field(nullable=True)
    year: pl.Int32 = pa.Field(nullable=True, ge=1990, le=2100)
    project_id: str = pa.Field(unique=True)
    project_name: str = pa.Field(str_length={"min_value": 1})
    budget_total: float = pa.Field(ge=0)
    budget_fiscal: float = pa.Field(ge=0)
    budget_other: float = pa.Field(ge=0)
    purpose: str = pa.Field(nullable=True)
    goal_text: str = pa.Field(nullable=True)
    source_file: str
    source_ref: str

    class Config:
        strict = True
        ordered = True


class Indicators(pa.DataFrameModel):
    """One row per indicator (三级指标) with its target (指标值) parsed."""

    project_id: str
    unit_code: str = pa.Field(str_matches=r"^\d{6}$")
    seq: pl.Int32 = pa.Field(ge=1)
    level1: str = pa.Field(str_length={"min_value": 1})
    level2: str = pa.Field(nullable=True)
    name: str = pa.Field(nullable=True)
    description: str = pa.Field(nullable=True)
    target_raw: str = pa.Field(nullable=True)
    target_op: str = pa.Field(nullable=True, isin=TARGET_OPS)
    target_value: float = pa.Field(nullable=True)
    target_unit: str = pa.Field(nullable=True)
    target_kind: str = pa.Field(nullable=True, isin=TARGET_KINDS)
    source_ref: str

    class Config:
        strict = True
        ordered = True

    @pa.dataframe_check
    def seq_unique_within_project(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """``seq`` numbers the indicators of a project without gaps or repeats."""
        return data.lazyframe.select(pl.struct("project_id", "seq").is_unique())


PROJECT_COLUMNS = list(Projects.to_schema().columns)
INDICATOR_COLUMNS = list(Indicators.to_schema().columns)


def validate(frame: pl.DataFrame, model: type[pa.DataFrameModel]) -> pl.DataFrame:
    """Check ``frame`` against ``model``, collecting every failure; returns the frame unchanged."""
    return model.validate(frame, lazy=True)
