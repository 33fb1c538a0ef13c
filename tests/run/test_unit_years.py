"""A unit's own audit compares with the earlier years its targets hold (tests/fixtures/two-years.csv).

Unit 300001: 社区服务项目 2024 → 2025, budget 10 → 15万元: 社区活动场次 ≥20场 unchanged (seq 1),
服务居民人数 ≥500人 → ≥400人 (seq 2), 居民参与率 dropped; 妇女技能培训项目 unchanged at 20万元;
家庭教育讲座项目 new in 2025. Audited for 2025 the unit has 3 projects (15 + 20 + 6 = 41万元),
for 2024 two (10 + 20 = 30万元), and nothing earlier to compare with.
"""

from __future__ import annotations

import polars as pl
import pytest

from perfkit.checks import run_checks
from perfkit.load import load_targets
from perfkit.run.unit import audit_unit
from tests.conftest import ROOT

TWO_YEARS = str(ROOT / "tests" / "fixtures" / "two-years.csv")
YOY = ["yoy_unchanged_target", "yoy_target_lowered", "yoy_indicator_dropped", "yoy_new_project"]


def yoy_places(findings: pl.DataFrame, projects: pl.DataFrame) -> list[tuple]:
    named = findings.filter(pl.col("rule_id").is_in(YOY)).join(
        projects.select("project_id", "project_name"), on="project_id", how="left", maintain_order="left"
    )
    return named.select("rule_id", "project_name", "seq").rows()


@pytest.fixture(scope="module")
def audit_2025():
    return audit_unit("300001", 2025, [TWO_YEARS])


def test_later_year_reports_the_year_over_year_findings_on_its_own_projects(audit_2025):
    assert yoy_places(audit_2025.findings, audit_2025.targets.projects) == [
        ("yoy_indicator_dropped", "2025年社区服务项目", None),
        ("yoy_unchanged_target", "2025年社区服务项目", 1),
        ("yoy_target_lowered", "2025年社区服务项目", 2),
        ("yoy_new_project", "2025年家庭教育讲座项目", None),
    ]
    messages = dict(zip(audit_2025.findings["rule_id"], audit_2025.findings["message"], strict=True))
    assert messages["yoy_target_lowered"] == (
        "指标“服务居民人数”的指标值由2024年的“≥500人”下调为“≥400人”：目标较上年降低，请说明理由"
    )
    assert messages["yoy_indicator_dropped"].startswith(
        "2024年的指标“居民参与率”（社会效益指标，指标值“≥80%”）本年未再设置"
    )
    assert audit_2025.findings["rule_title"].to_list()[1] == "上年指标本年未再设置"


def test_the_rest_of_the_audit_stays_on_the_audited_year(audit_2025):
    projects = audit_2025.targets.projects
    assert projects["year"].unique().to_list() == [2025]
    assert projects.height == 3 and float(projects["budget_total"].sum()) == 41.0
    assert audit_2025.targets.indicators.height == 13  # 6 + 4 + 3 rows of 2025
    assert set(audit_2025.findings["project_id"]) <= set(projects["project_id"])
    # a rule counting the unit's projects counts the audited year's 3, not the 5 of both years
    boilerplate = audit_2025.findings.filter(rule_id="boilerplate_satisfaction")["message"]
    assert boilerplate.to_list() == ["本单位3个项目的满意度指标值都是“≥90%”：应按服务对象和项目实际设定"] * 3


def test_year_over_year_ids_match_a_run_over_all_years(audit_2025):
    """The same finding id as the portfolio's run over every loaded year, so a review decision follows it."""
    everything = run_checks(load_targets(TWO_YEARS)).filter(pl.col("rule_id").is_in(YOY))
    mine = audit_2025.findings.filter(pl.col("rule_id").is_in(YOY))
    assert mine["finding_id"].to_list() == everything["finding_id"].to_list()


def test_earlier_year_has_nothing_to_compare_with():
    audit = audit_unit("300001", 2024, [TWO_YEARS])
    assert audit.targets.projects.height == 2 and float(audit.targets.projects["budget_total"].sum()) == 30.0
    assert yoy_places(audit.findings, audit.targets.projects) == []
    # 2024 培训 has no 效益指标 and no 时效指标: the single-year rules still run
    assert audit.findings.select("rule_id", "seq").rows() == [("missing_level1", None), ("missing_output_level2", None)]


def test_year_over_year_settings_of_the_unit_apply():
    """Growth of 50% is under a 60% threshold; a disabled rule is not run."""
    checks = {"yoy_unchanged_target": {"min_budget_growth": 0.6}, "yoy_new_project": {"enabled": False}}
    audit = audit_unit("300001", 2025, [TWO_YEARS], checks=checks)
    assert [rule for rule, _, _ in yoy_places(audit.findings, audit.targets.projects)] == [
        "yoy_indicator_dropped",
        "yoy_target_lowered",
    ]
