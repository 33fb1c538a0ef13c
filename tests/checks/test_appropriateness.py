"""适当性 rules on hand-made tables: costs against the budget and the expenditure standards, and
satisfaction targets copied from project to project."""

from __future__ import annotations

import pytest

from tests.checks.tables import CLEAN, CLEAN_PROJECT, findings_of, make_tables, places

P = CLEAN_PROJECT
FEE = (1, "产出指标", "成本指标", "活动经费", "场地、讲师等活动支出", "≤4.1万元")
PRINT_9000 = (1, "产出指标", "成本指标", "资料印刷费", "宣传资料印刷支出", "≤9000元")
PRINT_8000 = (1, "产出指标", "成本指标", "资料印刷费", "宣传资料印刷支出", "≤8000元")
TOTAL_5 = (1, "产出指标", "成本指标", "项目总成本", "项目全部支出", "≤5万元")


def costs(*rows, budget=5.0):
    """The clean project with its two cost rows replaced by ``rows``, which become rows 4, 5, 6…"""
    return make_tables([P | {"budget_total": budget}], [*CLEAN[:3], *rows, *CLEAN[5:]])


# cost_total_beside_parts -------------------------------------------------------------------------


def test_cost_total_beside_parts_fires_on_the_total_listed_with_its_parts():
    """5万元 (= budget) beside 4.1万元 and 9000元 counts the money twice: the total's row (6) is flagged."""
    found = findings_of(costs(FEE, PRINT_9000, TOTAL_5), "cost_total_beside_parts")
    assert places(found) == [(1, 6)]
    assert "成本指标“项目总成本”（≤5万元）等于项目预算总额，却与分项成本并列" in found[0]["message"]
    assert found[0]["evidence"].startswith("指标值：≤5万元；预算数：5")


def test_cost_total_beside_parts_not_fired_on_a_single_cost_equal_to_the_budget():
    """One cost of 5万元 against a 5万元 budget is the right way to state it; a rate beside it is no part."""
    rate = (1, "产出指标", "成本指标", "培训费标准", "每人每天培训费", "≤550元/人·天")
    assert findings_of(costs(TOTAL_5), "cost_total_beside_parts") == []
    assert findings_of(costs(TOTAL_5, rate), "cost_total_beside_parts") == []


def test_cost_total_beside_parts_tolerance_decides_what_equals_the_budget():
    """4.99万元 is 0.01万元 off a 5万元 budget: not the total at 0.005, the total at 0.02."""
    total = (1, "产出指标", "成本指标", "项目总成本", "项目全部支出", "≤4.99万元")
    tables = costs(FEE, PRINT_9000, total)
    assert findings_of(tables, "cost_total_beside_parts") == []
    assert places(findings_of(tables, "cost_total_beside_parts", tolerance_wan=0.02)) == [(1, 6)]


# cost_vs_budget ----------------------------------------------------------------------------------


def test_cost_vs_budget_fires_when_costs_fall_short_of_the_budget():
    """4.1万元 + 8000元 = 4.9万元 against a 5.0万元 budget."""
    found = findings_of(costs(FEE, PRINT_8000), "cost_vs_budget")
    assert places(found) == [(1, None)]
    assert found[0]["message"].startswith("金额类成本指标合计4.9万元，与预算数5")
    assert "活动经费 ≤4.1万元" in found[0]["evidence"] and "资料印刷费 ≤8000元" in found[0]["evidence"]


def test_cost_vs_budget_not_fired_when_yuan_and_wan_add_up_exactly():
    """4.1万元 + 9000元 = 5.0万元 = budget: no finding (the clean project)."""
    assert findings_of(make_tables([P], CLEAN), "cost_vs_budget") == []


@pytest.mark.parametrize("target", ["≤50千元", "≤50000元", "≤0.0005亿元"])
def test_cost_vs_budget_converts_every_money_unit_to_wan(target):
    """50千元 = 50000元 = 0.0005亿元 = 5万元 = budget."""
    only = (1, "产出指标", "成本指标", "活动经费", "全部活动支出", target)
    assert findings_of(costs(only), "cost_vs_budget") == []


def test_cost_vs_budget_leaves_out_the_total_listed_beside_its_parts():
    """With 5万元 total beside 4.1万元 + 9000元 the parts alone are compared: they add up, no finding."""
    assert findings_of(costs(FEE, PRINT_9000, TOTAL_5), "cost_vs_budget") == []


def test_cost_vs_budget_cannot_judge_a_project_without_money_costs():
    """Only a per-person-day rate (not an amount): the budget cannot be checked, said so once."""
    rate = (1, "产出指标", "成本指标", "培训费标准", "每人每天培训费", "≤550元/人·天")
    found = findings_of(costs(rate), "cost_vs_budget")
    assert places(found) == [(1, None)]
    assert found[0]["message"] == "无法核对成本与预算：项目没有以元或万元计的金额类成本指标"
    assert found[0]["evidence"].startswith("预算数：5")


def test_cost_vs_budget_tolerance_can_be_widened():
    """A 0.1万元 gap passes with tolerance_wan=0.2."""
    assert findings_of(costs(FEE, PRINT_8000), "cost_vs_budget", tolerance_wan=0.2) == []


def test_cost_vs_budget_wide_tolerance_does_not_drop_parts_as_totals():
    """4.1万元 + 8000元 = 4.9万元 is within 1万元 of 5万元: no finding at tolerance_wan=1."""
    assert findings_of(costs(FEE, PRINT_8000), "cost_vs_budget", tolerance_wan=1) == []


# fund_split --------------------------------------------------------------------------------------


def test_fund_split_fires_when_fiscal_and_other_funds_miss_the_total():
    """4.0 + 0.5 ≠ 5.0."""
    tables = make_tables([P | {"budget_fiscal": 4.0, "budget_other": 0.5}], CLEAN)
    found = findings_of(tables, "fund_split")
    assert places(found) == [(1, None)]
    assert found[0]["message"] == "财政资金4.0万元＋其他资金0.5万元≠预算数5.0万元"


def test_fund_split_not_fired_on_float_noise():
    """0.1 + 0.2 is 0.30000000000000004 in floats: within tolerance of 0.3."""
    tables = make_tables([P | {"budget_total": 0.3, "budget_fiscal": 0.1, "budget_other": 0.2}], [])
    assert findings_of(tables, "fund_split") == []


def test_fund_split_tolerance_can_be_widened():
    """A 0.5万元 gap passes with tolerance_wan=0.6."""
    tables = make_tables([P | {"budget_fiscal": 4.0, "budget_other": 0.5}], CLEAN)
    assert findings_of(tables, "fund_split", tolerance_wan=0.6) == []


# boilerplate_satisfaction ------------------------------------------------------------------------


def satisfaction_projects(*targets, units=None):
    """One project per target, each with just a satisfaction indicator; all in unit 100001 unless given."""
    units = units or ["100001"] * len(targets)
    projects = [{"unit_code": u} for u in units]
    rows = [
        (i, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", t)
        for i, t in enumerate(targets, start=1)
    ]
    return make_tables(projects, rows)


def test_boilerplate_satisfaction_fires_on_every_project_of_a_unit_with_the_same_value():
    """Three projects of one unit all at ≥90% (one written 百分比): each is flagged once."""
    found = findings_of(satisfaction_projects("≥90%", "≥90%", "≥90百分比"), "boilerplate_satisfaction")
    assert places(found) == [(1, 1), (2, 1), (3, 1)]
    assert "本单位3个项目的满意度指标值都是“≥90%”" in found[0]["message"]
    assert found[2]["evidence"] == "满意度指标值：≥90百分比"


def test_boilerplate_satisfaction_reports_only_the_first_matching_row_of_a_project():
    """A project with two ≥90% satisfaction rows is flagged at the first one."""
    rows = [(i, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", "≥90%") for i in (1, 2, 3)]
    rows.append((1, "满意度指标", "服务对象满意度指标", "参训人员满意度", "参训人员满意度", "≥90%"))
    found = findings_of(make_tables([{}, {}, {}], rows), "boilerplate_satisfaction")
    assert places(found) == [(1, 1), (2, 1), (3, 1)]


@pytest.mark.parametrize(
    ("targets", "units"),
    [
        (("≥90%", "≥90%", "≥95%"), None),
        (("≥90%", "≥90%"), None),
        (("≥90%", "≥90%", "≥90%"), ["100001", "100001", "100002"]),
    ],
    ids=["one-differs", "two-projects", "two-units"],
)
def test_boilerplate_satisfaction_not_fired_unless_all_projects_of_a_unit_share_it(targets, units):
    """One project with another value, only two projects, or projects in two units: no finding."""
    assert findings_of(satisfaction_projects(*targets, units=units), "boilerplate_satisfaction") == []


def test_boilerplate_satisfaction_min_projects_can_be_lowered():
    """Two projects with the same value are flagged with min_projects=2."""
    found = findings_of(satisfaction_projects("≥90%", "≥90%"), "boilerplate_satisfaction", min_projects=2)
    assert places(found) == [(1, 1), (2, 1)]
    assert "本单位2个项目" in found[0]["message"]


# unit_cost_standard ------------------------------------------------------------------------------


def rate(name, target):
    return costs(FEE, PRINT_9000, (1, "产出指标", "成本指标", name, "每人每天标准", target))


@pytest.mark.parametrize(
    ("name", "target", "ceiling"),
    [("培训费标准", "≤600元/人·天", 550), ("培训费标准", "≤600元/人天", 550), ("会议费标准", "≤800元/人·天", 760)],
)
def test_unit_cost_standard_fires_above_the_highest_class_rate(name, target, ceiling):
    """培训 above 550 and 会议 above 760 元/人·天 (the first-class rates) exceed every standard."""
    found = findings_of(rate(name, target), "unit_cost_standard")
    assert places(found) == [(1, 6)]
    first_class = {"培训": "一类培训", "会议": "一类会议"}[name[:2]]
    assert f"“{name}”{target}超过支出标准（{first_class}）{ceiling}元/人·天" in found[0]["message"]
    # no class is written: the evidence says which was assumed
    assert f"（未写明类别，按最高标准{first_class}对照）" in found[0]["evidence"]
    assert found[0]["message"].startswith(name[:2])


@pytest.mark.parametrize(
    ("name", "target"),
    [("培训费标准", "≤550元/人·天"), ("会议费标准", "≤700元/人·天"), ("餐费标准", "≤900元/人·天")],
    ids=["training-at-550", "meeting-below-760", "no-standard"],
)
def test_unit_cost_standard_not_fired_within_the_standard_or_without_one(name, target):
    """550 for 培训 is within; 700 for 会议 is within; 餐费 has no standard in the table."""
    assert findings_of(rate(name, target), "unit_cost_standard") == []


def test_unit_cost_standard_asks_for_days_on_a_per_person_rate():
    """``≤550元/人`` for 培训 has no days: it cannot be compared with a per-day standard."""
    found = findings_of(rate("培训费标准", "≤550元/人"), "unit_cost_standard")
    assert places(found) == [(1, 6)]
    assert (
        "培训“培训费标准”按人计（≤550元/人），支出标准按人·天计（一类培训550元）：需写明天数才能核对"
        in found[0]["message"]
    )


def test_unit_cost_standard_reads_another_standards_file(tmp_path):
    """With a local standard of 500元/人·天 for 培训, 550 is over it."""
    standards = tmp_path / "standards.csv"
    standards.write_text("kind,class,rate_yuan_per_person_day,basis\n培训,本地培训,500,本地办法\n", encoding="utf-8")
    tables = rate("培训费标准", "≤550元/人·天")
    found = findings_of(tables, "unit_cost_standard", standards_file=str(standards))
    assert places(found) == [(1, 6)]
    assert "超过支出标准（本地培训）500元/人·天" in found[0]["message"]


def class_rate(name, description, target):
    return costs(FEE, PRINT_9000, (1, "产出指标", "成本指标", name, description, target))


@pytest.mark.parametrize(
    ("name", "description", "target", "standard", "ceiling"),
    [
        # worked by hand from the standards table: 三类培训 350, 二类会议 650, 四类会议 550
        ("三类培训费标准", "每人每天", "≤400元/人·天", "三类培训", 350),
        ("培训费标准", "按三类培训标准，每人每天", "≤400元/人·天", "三类培训", 350),
        ("会议费标准", "二类会议，每人每天", "≤700元/人·天", "二类会议", 650),
        ("会议费标准", "四类会议，每人每天", "≤600元/人·天", "三类和四类会议", 550),
    ],
)
def test_unit_cost_standard_uses_the_class_named_in_name_or_description(name, description, target, standard, ceiling):
    """400 is within the highest 培训 rate (550) but above the 三类 rate 350, which was never enforced."""
    found = findings_of(class_rate(name, description, target), "unit_cost_standard")
    assert places(found) == [(1, 6)]
    assert f"超过支出标准（{standard}）{ceiling}元/人·天" in found[0]["message"]
    assert f"按{standard}对照" in found[0]["evidence"] and "未写明类别" not in found[0]["evidence"]


def test_unit_cost_standard_within_the_named_class_is_not_fired():
    """二类培训 450: a rate of 450 is within it."""
    assert findings_of(class_rate("培训费标准", "二类培训", "≤450元/人·天"), "unit_cost_standard") == []


def test_unit_cost_standard_reads_a_rate_written_in_wan_per_person_on_money():
    """≤0.06万/人·天 on a cost indicator is 0.06万元/人·天 = 600元, above 550 (万/人 was not a money unit)."""
    assert places(findings_of(rate("培训费标准", "≤0.06万/人·天"), "unit_cost_standard")) == [(1, 6)]


def test_unit_cost_standard_checks_a_rate_written_in_wan():
    """0.06万元/人·天 is 600元/人·天 for 培训, above the 550 standard."""
    assert places(findings_of(rate("培训费标准", "≤0.06万元/人·天"), "unit_cost_standard")) == [(1, 6)]


def test_clean_project_has_no_appropriateness_finding():
    """The reference project's costs add up and it has nothing to compare with a standard."""
    tables = make_tables([P], CLEAN)
    for rule_id in [
        "cost_total_beside_parts",
        "cost_vs_budget",
        "fund_split",
        "boilerplate_satisfaction",
        "unit_cost_standard",
    ]:
        assert findings_of(tables, rule_id) == [], rule_id
