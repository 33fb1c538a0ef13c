"""The declared schemas reject frames that break the contract."""

from __future__ import annotations

import pandera.errors
import polars as pl
import pytest

from perfkit.schema import INDICATOR_COLUMNS, PROJECT_COLUMNS, validate


def test_seed_tables_fit_the_schemas(seed_tables):
    assert seed_tables.projects.columns == PROJECT_COLUMNS
    assert seed_tables.indicators.columns == INDICATOR_COLUMNS


@pytest.mark.parametrize(
    ("column", "value"),
    [("unit_code", "56230"), ("budget_total", -1.0), ("year", 1800)],
    ids=["five-digit unit code", "negative budget", "year out of range"],
)
def test_bad_project_values_fail(seed_tables, column, value):
    bad = seed_tables.projects.with_columns(pl.lit(value).cast(seed_tables.projects[column].dtype).alias(column))
    with pytest.raises(pandera.errors.SchemaErrors):
        validate(bad, "projects")


def test_repeated_seq_and_unknown_comparator_fail(seed_tables):
    repeated = seed_tables.indicators.with_columns(seq=pl.lit(1, dtype=pl.Int32))
    with pytest.raises(pandera.errors.SchemaErrors):
        validate(repeated, "indicators")
    unknown = seed_tables.indicators.with_columns(target_op=pl.lit("≥"))
    with pytest.raises(pandera.errors.SchemaErrors):
        validate(unknown, "indicators")


def test_extra_columns_fail(seed_tables):
    with pytest.raises(pandera.errors.SchemaErrors):
        validate(seed_tables.projects.with_columns(extra=pl.lit(1)), "projects")


def test_every_target_kind_has_a_chinese_label():
    from perfkit.labels import KIND_LABELS
    from perfkit.schema import TARGET_KINDS

    assert set(KIND_LABELS) == set(TARGET_KINDS)
