"""异常分析 outlier rules on hand-made peer groups: unit costs and satisfaction targets compared
across projects with median/MAD, each outlier shown with its peer group."""

from __future__ import annotations

import pytest

from perfkit.checks.outliers import satisfaction_peers, unit_cost_peers
from tests.checks.tables import findings_of, make_tables, places


def cost_projects(*costs_wan: float, events: int = 10, unit: str = "场"):
    """One project per cost: a money cost target (= the budget) and one quantity target ``≥{events}{unit}``."""
    projects = [{"budget_total": c, "project_name": f"活动项目{i}"} for i, c in enumerate(costs_wan, start=1)]
    rows = []
    for i, cost in enumerate(costs_wan, start=1):
        rows += [
            (i, "产出指标", "数量指标", "活动场次", "全年活动场次", f"≥{events}{unit}"),
            (i, "产出指标", "成本指标", "活动经费", "全部活动支出", f"≤{cost:g}万元"),
        ]
    return make_tables(projects, rows)


def test_unit_cost_outlier_found_with_its_peer_group():
    """5万元÷10场 = 5000元/场 and its like, against 50万元÷10场 = 50000元/场 in project 6.

    Median of the six (on log scale) = √(5000×5100) = 5049.75元/场; the upper bound is the wider
    of median × 3 = 15149.26 and the robust bound (median + 3.5σ on log10, ≈ 5898): 15149.26.
    """
    found = findings_of(cost_projects(5.0, 5.2, 4.8, 5.1, 4.9, 50.0), "unit_cost_outlier")
    assert places(found) == [(6, 1)]  # the quantity row the cost is spread over
    message, evidence = found[0]["message"], found[0]["evidence"]
    assert "单位成本“活动场次”为50000.0元/场" in message
    assert "高于同类6个项目的离群界限15149.26元/场（中位数5049.75元/场" in message
    assert evidence.startswith("成本50.0万元÷≥10场；同类（成本÷数量 元/场）：")
    for i, value in [(3, 4800.0), (5, 4900.0), (1, 5000.0), (4, 5100.0), (2, 5200.0), (6, 50000.0)]:
        assert f"活动项目{i}第1条{value}" in evidence
    assert "中位数5049.75，界限" in evidence


def test_no_false_alarm_in_a_homogeneous_group():
    """4800…5200元/场 differ by at most 8%: nobody is an outlier, and the table says 'normal'."""
    tables = cost_projects(5.0, 5.2, 4.8, 5.1, 4.9, 5.05)
    assert findings_of(tables, "unit_cost_outlier") == []
    assert set(unit_cost_peers(tables)["status"]) == {"normal"}


def test_identical_costs_do_not_make_a_small_difference_an_outlier():
    """Five at exactly 5000元/场 (MAD 0) and one at 6000: within 3× of the median, so normal."""
    assert findings_of(cost_projects(5.0, 5.0, 5.0, 5.0, 5.0, 6.0), "unit_cost_outlier") == []


def test_cheap_outlier_is_found_too():
    """0.5万元÷10场 = 500元/场 is a tenth of the others' 5000: below the lower bound (median ÷ 3)."""
    found = findings_of(cost_projects(5.0, 5.2, 4.8, 5.1, 4.9, 0.5), "unit_cost_outlier")
    assert places(found) == [(6, 1)] and "低于同类6个项目的离群界限" in found[0]["message"]


def test_small_peer_group_is_not_judged_and_said_so_only_when_asked():
    """Three projects (< min_peers 5): no outlier finding; the table says too_few; one line per unit on request."""
    tables = cost_projects(5.0, 5.1, 50.0)
    assert findings_of(tables, "unit_cost_outlier") == []
    assert set(unit_cost_peers(tables)["status"]) == {"too_few"}
    said = findings_of(tables, "unit_cost_outlier", report_small_groups=True)
    assert places(said) == [(1, None)]
    assert said[0]["message"] == "单位成本：本单位3个值分属1个同类组，同类项目均少于5个，无法判断是否离群"


def test_peer_groups_are_per_unit_of_quantity():
    """Costs per 场 and per 人 are never compared: five per 场 and one per 人 make no outlier."""
    tables = make_tables(
        [{"budget_total": 5.0}] * 5 + [{"budget_total": 50.0}],
        [r for i in range(1, 6) for r in [(i, "产出指标", "数量指标", "活动场次", "场次", "≥10场"),
                                          (i, "产出指标", "成本指标", "活动经费", "支出", "≤5万元")]]
        + [(6, "产出指标", "数量指标", "服务人数", "人数", "≥10人"), (6, "产出指标", "成本指标", "经费", "支出", "≤50万元")],
    )  # fmt: skip
    assert findings_of(tables, "unit_cost_outlier") == []
    assert dict(unit_cost_peers(tables).group_by("per").len().iter_rows()) == {"元/场": 5, "元/人": 1}


def test_written_rates_are_compared_in_yuan():
    """≤0.05万元/人 is 500元/人, like the four ≤500元/人; ≤5000元/人 is 10× and stands out."""
    rates = ["≤500元/人", "≤0.05万元/人", "≤520元/人", "≤480元/人", "≤500元/人", "≤5000元/人"]
    tables = make_tables(
        [{}] * 6, [(i, "产出指标", "成本指标", "培训费标准", "每人培训费", r) for i, r in enumerate(rates, start=1)]
    )
    peers = unit_cost_peers(tables)
    assert peers["value"].to_list() == pytest.approx([500, 500, 520, 480, 500, 5000])
    assert places(findings_of(tables, "unit_cost_outlier")) == [(6, 1)]


def satisfaction(*targets: str):
    return make_tables(
        [{}] * len(targets),
        [
            (i, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", t)
            for i, t in enumerate(targets, start=1)
        ],
    )


def test_satisfaction_outlier_low_target_found():
    """≥60% against five at 90–95%: median 90, MAD 0, so σ = 1.2533 × mean |deviation| (35/6) = 7.31;
    lower bound = min(90 − 3.5σ, 90 − 10) = 64.41 > 60."""
    found = findings_of(satisfaction("≥90%", "≥90%", "≥90%", "≥95%", "≥90%", "≥60%"), "satisfaction_outlier")
    assert places(found) == [(6, 1)]
    assert "满意度指标值“服务对象满意度”为60.0%，低于同类6个项目的离群界限64.41%（中位数90.0%" in found[0]["message"]


def test_satisfaction_small_differences_are_normal():
    """95% among 90%s is 5 points off: within min_gap 10, not an outlier (the seed's case)."""
    tables = satisfaction("≥90%", "≥90%", "≥90%", "≥95%", "≥90%", "≥90%")
    assert findings_of(tables, "satisfaction_outlier") == []
    assert set(satisfaction_peers(tables)["status"]) == {"normal"}


def test_peers_with_equal_values_are_listed_by_name_whatever_the_input_order():
    """Projects 1–5 all cost 5000元/场 (a tie), project 6 is the outlier at 50000元/场.

    Worked by hand: the peer list sorts by value, ties by project name, so it reads 活动项目1 … 活动项目5
    then 活动项目6, whether the projects come in order 1…6 or 5…1, 6 (before, ties kept the input
    order, so the same portfolio loaded in another file order gave another evidence and finding id).
    """
    forward = findings_of(cost_projects(5.0, 5.0, 5.0, 5.0, 5.0, 50.0), "unit_cost_outlier")
    tables = cost_projects(5.0, 5.0, 5.0, 5.0, 5.0, 50.0)
    order = ["活动项目5", "活动项目4", "活动项目3", "活动项目2", "活动项目1", "活动项目6"]
    position = {name: i for i, name in enumerate(order)}
    projects = tables.projects.sort(tables.projects["project_name"].replace_strict(position))
    rank = dict(zip(projects["project_id"], range(projects.height), strict=True))
    indicators = tables.indicators.sort(tables.indicators["project_id"].replace_strict(rank), maintain_order=True)
    reordered = type(tables)(projects, indicators)
    backward = findings_of(reordered, "unit_cost_outlier")
    listed = "；".join(f"活动项目{i}第1条5000.0" for i in range(1, 6)) + "；活动项目6第1条50000.0"
    assert forward[0]["evidence"] == backward[0]["evidence"]
    assert listed in forward[0]["evidence"]
