"""Small frame helpers shared by the rules."""

from __future__ import annotations

import polars as pl

from perfkit.load import TargetTables
from perfkit.text import MONEY_TO_WAN


def indicators_with_budget(tables: TargetTables) -> pl.DataFrame:
    """Indicators joined with their project's budget columns."""
    budget = tables.projects.select("project_id", "project_name", "budget_total", "budget_fiscal", "budget_other")
    return tables.indicators.join(budget, on="project_id", how="left", maintain_order="left")


def cost_indicators_with_budget(tables: TargetTables) -> pl.DataFrame:
    """:func:`indicators_with_budget` of the cost indicators only (picked before the join)."""
    budget = tables.projects.select("project_id", "project_name", "budget_total", "budget_fiscal", "budget_other")
    return tables.indicators.filter(is_cost()).join(budget, on="project_id", how="left", maintain_order="left")


def is_cost(frame_level2: str = "level2", frame_level1: str = "level1") -> pl.Expr:
    """Cost indicators (成本指标), under outputs or as a level-1 group of their own (财预〔2021〕101号)."""
    return pl.col(frame_level2).str.contains("成本").fill_null(False) | (pl.col(frame_level1) == "成本指标")


def in_wan(value: pl.Expr, unit: pl.Expr) -> pl.Expr:
    """An absolute money amount converted to 万元; null for rates (元/人) and non-money units."""
    return value * unit.replace_strict(MONEY_TO_WAN, default=None, return_dtype=pl.Float64)
