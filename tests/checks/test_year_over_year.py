"""异常分析 year-over-year rules on the hand-made two-year fixture (tests/fixtures/two-years.csv).

社区服务项目 2024 → 2025: budget 10 → 15万元; 社区活动场次 ≥20场 unchanged; 服务居民人数 ≥500人 →
≥400人; 居民参与率 dropped; the cost ceiling 10 → 15万元 follows the budget (not a finding).
妇女技能培训项目: same budget, same targets (no finding). 家庭教育讲座项目: new in 2025.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from perfkit.checks import RULES, run_checks
from perfkit.checks.year_over_year import matched_projects
from perfkit.load import load_targets
from tests.checks.tables import findings_of, make_tables, places

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "two-years.csv"
# projects in load order: 1 社区2024, 2 培训2024, 3 社区2025, 4 培训2025, 5 讲座2025


@pytest.fixture(scope="module")
def two_years():
    return load_targets(FIXTURE)


def test_projects_are_matched_by_name_without_the_year(two_years):
    matched = matched_projects(two_years).select("project_name", "prev_project_name").rows()
    assert matched == [
        ("2025年社区服务项目", "2024年社区服务项目"),
        ("2025年妇女技能培训项目", "2024年妇女技能培训项目"),
        ("2025年家庭教育讲座项目", None),
    ]


def test_target_unchanged_while_the_budget_grew(two_years):
    found = findings_of(two_years, "yoy_unchanged_target")
    assert places(found) == [(3, 1)]
    assert found[0]["message"].startswith(
        "预算由2024年的10.0万元增至15.0万元（增长50.0%），指标“社区活动场次”的指标值仍为“≥20场”"
    )
    assert found[0]["evidence"] == "2024年：≥20场，预算10.0万元；2025年：≥20场，预算15.0万元"


def test_unchanged_target_with_the_same_budget_is_fine(two_years):
    """培训人次 ≥1000人次 both years at 20万元: not a finding (and not at a 50% growth threshold either)."""
    assert findings_of(two_years, "yoy_unchanged_target", min_budget_growth=0.6) == []


def test_target_lowered(two_years):
    found = findings_of(two_years, "yoy_target_lowered")
    assert places(found) == [(3, 2)]
    assert (
        found[0]["message"] == "指标“服务居民人数”的指标值由2024年的“≥500人”下调为“≥400人”：目标较上年降低，请说明理由"
    )


def test_indicator_dropped(two_years):
    found = findings_of(two_years, "yoy_indicator_dropped")
    assert places(found) == [(3, None)]
    assert "2024年的指标“居民参与率”（社会效益指标，指标值“≥80%”）本年未再设置" in found[0]["message"]
    assert found[0]["evidence"] == "2024年项目“2024年社区服务项目”第6条：居民参与率"


def test_new_project(two_years):
    found = findings_of(two_years, "yoy_new_project")
    assert places(found) == [(5, None)]
    assert found[0]["message"].startswith("项目“2025年家庭教育讲座项目”在2024年没有同名项目")


def test_the_fixture_gives_exactly_the_planted_anomalies(two_years):
    """All 异常分析 rules together find the four planted defects and nothing else."""
    anomaly = [rid for rid, r in RULES.items() if r.criterion == "异常分析"]
    findings = run_checks(two_years).filter(pl.col("rule_id").is_in(anomaly))
    assert sorted(findings["rule_id"]) == ["yoy_indicator_dropped", "yoy_new_project", "yoy_target_lowered",
                                           "yoy_unchanged_target"]  # fmt: skip


def test_a_raised_ceiling_is_a_lowered_target_except_for_costs():
    """时效 ≤6月 → ≤10月 is looser (flagged); a cost ceiling raised is not."""
    projects = [{"year": 2024, "project_name": "2024年甲项目"}, {"year": 2025, "project_name": "2025年甲项目"}]
    rows = [(p, "产出指标", level2, name, name, t)
            for p, targets in [(1, ("≤6月", "≤5万元")), (2, ("≤10月", "≤8万元"))]
            for (level2, name), t in zip([("时效指标", "完成时间"), ("成本指标", "活动经费")], targets, strict=True)]  # fmt: skip
    found = findings_of(make_tables(projects, rows), "yoy_target_lowered")
    assert places(found) == [(2, 1)] and "放宽（上限提高）" in found[0]["message"]


def test_one_year_only_says_nothing(seed_tables):
    """The bundled seed is 2025 only: no year-over-year finding."""
    yoy = [rid for rid in RULES if rid.startswith("yoy_")]
    assert run_checks(seed_tables).filter(pl.col("rule_id").is_in(yoy)).height == 0


def _with_deadlines(tmp_path: Path, earlier: str, later: str) -> Path:
    """The two-year fixture with a 时效指标 row added to 社区服务项目 in both years (illustrative)."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    first = {y: next(r for r in rows if f"{y}年社区服务项目" in r) for y in (2024, 2025)}
    added = []
    for year, target in ((2024, earlier), (2025, later)):
        cells = first[year].split(",")
        names = header.split(",")
        cells[names.index("二级指标")] = "时效指标"
        cells[names.index("三级指标")] = "服务完成时间"
        cells[names.index("指标值")] = target
        added.append(",".join(cells))
    path = tmp_path / "two-years.csv"
    path.write_text("\n".join([header, *rows, *added]) + "\n", encoding="utf-8")
    return path


def test_a_deadline_that_names_its_year_moves_with_the_year(tmp_path):
    """2024年全年 → 2025年全年 is the same target a year on (was flagged as loosened); 2024年6月底前 →
    2025年12月底前 is half a year later than the same date a year on, so it is loosened (worked by hand:
    20240630 + 1 year = 20250630 < 20251231)."""
    same = load_targets(_with_deadlines(tmp_path, "2024年全年", "2025年全年"))
    assert [f["message"] for f in findings_of(same, "yoy_target_lowered") if "服务完成时间" in f["message"]] == []
    later = load_targets(_with_deadlines(tmp_path, "2024年6月底前", "2025年12月底前"))
    found = [f for f in findings_of(later, "yoy_target_lowered") if "服务完成时间" in f["message"]]
    assert len(found) == 1 and "放宽（上限提高）" in found[0]["message"]
