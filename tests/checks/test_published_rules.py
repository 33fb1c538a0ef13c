"""The review rules for defects the field names (issue 25): one planted defect each in a copy of
the clean project (``CLEAN``), the finding it must give, and the clean twin it must not fire on.

Red before: none of these rules existed; on each planted table ``perfkit check`` gave no finding
of the defect (the tables were run through the catalogue of the time, and only the rules named in
each test's note fired, if any).
"""

from __future__ import annotations

import polars as pl

from perfkit.checks import RULES
from perfkit.load import TargetTables
from tests.checks.tables import CLEAN, CLEAN_PROJECT, clean_with, findings_of, make_tables, places

P = CLEAN_PROJECT


def one_change(seq, row, project=P):
    return make_tables([project], clean_with((seq, row)))


# level2_misplaced (完整性, 101号 indicator system) ------------------------------------------------


def test_level2_misplaced_fires_on_a_benefit_kind_under_outputs():
    """社会效益指标 under 产出指标: 101号 puts 社会效益 under 效益指标."""
    tables = one_change(2, (1, "产出指标", "社会效益指标", "活动完成率", "完成的活动占计划的比例", "≥95%"))
    found = findings_of(tables, "level2_misplaced")
    assert places(found) == [(1, 2)]
    assert found[0]["message"] == "二级指标“社会效益指标”列在一级指标“产出指标”下：按指标体系应属于效益指标"
    assert found[0]["evidence"] == "产出指标/社会效益指标：活动完成率"
    assert "财预〔2021〕101号" in found[0]["basis"] and "财预〔2015〕88号" in found[0]["basis"]


def test_level2_misplaced_accepts_cost_under_outputs_or_as_its_own_group():
    """Clean twin: 成本指标 under 产出指标 (CLEAN), and 经济成本指标 under 成本指标 (101号)."""
    assert findings_of(make_tables([P], CLEAN), "level2_misplaced") == []
    tables = one_change(4, (1, "成本指标", "经济成本指标", "活动经费", "场地、讲师等活动支出", "≤4.1万元"))
    assert findings_of(tables, "level2_misplaced") == []


# unfilled_template_text (完整性) ----------------------------------------------------------------------


def test_unfilled_template_text_fires_on_stars_left_in_the_target():
    """``≥**人次``: the template's stars were never replaced by a number."""
    tables = one_change(1, (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "≥**人次"))
    found = findings_of(tables, "unfilled_template_text")
    assert places(found) == [(1, 1)]
    assert found[0]["message"] == "指标“公益活动场次”的指标值“≥**人次”仍是模板占位符（**）：应填写实际内容"
    assert found[0]["evidence"] == "指标值：≥**人次"


def test_unfilled_template_text_fires_on_xx_in_a_name():
    """``XX活动场次`` in the name: one finding, naming the cell."""
    tables = one_change(1, (1, "产出指标", "数量指标", "XX活动场次", "全年开展公益活动的场次", "≥26场"))
    found = findings_of(tables, "unfilled_template_text")
    assert [(f["seq"], f["evidence"]) for f in found] == [(1, "三级指标：XX活动场次")]


def test_unfilled_template_text_leaves_a_single_star_alone():
    """Clean twin: ``7*24小时`` is a figure, not a template mark."""
    tables = one_change(2, (1, "产出指标", "质量指标", "系统监控", "全天候监控", "7*24小时实时监控"))
    assert findings_of(tables, "unfilled_template_text") == []


# input_as_output (相关性) ---------------------------------------------------------------------------


def test_input_as_output_fires_on_the_execution_rate_under_outputs():
    """预算执行率 ≥95% under 产出指标/质量指标 measures the money spent, not an output."""
    tables = one_change(2, (1, "产出指标", "质量指标", "预算执行率", "预算资金的执行比例", "≥95%"))
    found = findings_of(tables, "input_as_output")
    assert places(found) == [(1, 2)]
    assert found[0]["message"] == (
        "产出指标“预算执行率”衡量的是资金投入（预算执行率），不是产出或效果：投入不能作为绩效目标，预算执行率另行评价"
    )
    assert found[0]["evidence"] == "产出指标/质量指标：预算执行率；指标值：≥95%"


def test_input_as_output_names_are_a_parameter():
    """资金到位率 is in the default list; with the list emptied nothing fires; CLEAN has none."""
    tables = one_change(2, (1, "产出指标", "质量指标", "项目资金到位率", "资金到位比例", "=100%"))
    assert places(findings_of(tables, "input_as_output")) == [(1, 2)]
    assert findings_of(tables, "input_as_output", input_names=[]) == []
    assert findings_of(make_tables([P], CLEAN), "input_as_output") == []


# rate_above_bound (可行性) --------------------------------------------------------------------------


def test_rate_above_bound_fires_on_a_pass_rate_above_100():
    """合格率 ≥105%: no rate of a whole can pass 100%."""
    tables = one_change(2, (1, "产出指标", "质量指标", "活动合格率", "合格活动占比", "≥105%"))
    found = findings_of(tables, "rate_above_bound")
    assert places(found) == [(1, 2)]
    assert found[0]["message"] == "比率指标“活动合格率”的指标值“≥105%”超过100%：比率不能超过100%，无法如期实现"
    assert found[0]["evidence"] == "指标值：≥105%"


def test_rate_above_bound_leaves_growth_ceilings_and_100_alone():
    """Clean twins: 增长率 ≥150% (a growth may pass 100%), ≤105% (a ceiling), =100% (the bound itself)."""
    for name, target in [("服务人次增长率", "≥150%"), ("活动合格率", "≤105%"), ("活动合格率", "=100%")]:
        tables = one_change(2, (1, "产出指标", "质量指标", name, "比例", target))
        assert findings_of(tables, "rate_above_bound") == [], (name, target)


def test_rate_above_bound_takes_its_bound_as_a_parameter():
    """With ``rate_bound: 90`` a ≥95% target is past the bound (CLEAN's 活动完成率)."""
    assert places(findings_of(make_tables([P], CLEAN), "rate_above_bound", rate_bound=90.0)) == [(1, 2)]


# deadline_after_year (可行性) -----------------------------------------------------------------------


def test_deadline_after_year_fires_on_a_date_in_the_next_year():
    """``2026年6月30日前`` in a 2025 table: read as 20260630, year 2026 > 2025."""
    tables = one_change(3, (1, "产出指标", "时效指标", "活动完成时限", "全部活动完成的日期", "2026年6月30日前"))
    found = findings_of(tables, "deadline_after_year")
    assert places(found) == [(1, 3)]
    assert found[0]["message"] == (
        "时效指标“活动完成时限”的完成时限“2026年6月30日前”在2026年，晚于预算年度2025年：年度目标应在本年度内完成"
    )
    assert found[0]["evidence"] == "指标值：2026年6月30日前；预算年度：2025"


def test_deadline_after_year_leaves_dates_within_the_year_alone():
    """Clean twins: ``2025年12月31日前`` and ``≤12月`` (no year written: the budget year's)."""
    for target in ["2025年12月31日前", "≤12月"]:
        tables = one_change(3, (1, "产出指标", "时效指标", "活动完成时限", "全部活动完成的日期", target))
        assert findings_of(tables, "deadline_after_year") == [], target


# cost_lower_bound (适当性) --------------------------------------------------------------------------


def test_cost_lower_bound_fires_on_a_cost_written_as_a_floor():
    """``≥4.1万元`` on 活动经费: a floor on spending."""
    tables = one_change(4, (1, "产出指标", "成本指标", "活动经费", "场地、讲师等活动支出", "≥4.1万元"))
    found = findings_of(tables, "cost_lower_bound")
    assert places(found) == [(1, 4)]
    assert found[0]["message"] == "成本指标“活动经费”的指标值“≥4.1万元”是下限：成本应设上限（≤），不应要求至少花费多少"
    assert found[0]["evidence"] == "指标值：≥4.1万元"


def test_cost_lower_bound_leaves_ceilings_alone():
    """Clean twin: CLEAN's ``≤4.1万元`` and ``≤9000元``."""
    assert findings_of(make_tables([P], CLEAN), "cost_lower_bound") == []


# annual_above_long_term (适当性) --------------------------------------------------------------------


def with_long_term(annual: str, long_term: str, unit_row: tuple | None = None) -> TargetTables:
    """CLEAN plus a long-term (实施期) row of 公益活动场次 written ``long_term``, the annual one ``annual``."""
    row = (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", annual)
    long_row = (1, "产出指标", "数量指标", "公益活动场次", "实施期开展公益活动的场次", long_term)
    tables = make_tables([P], clean_with((1, row), extra=[long_row, *([unit_row] if unit_row else [])]))
    last = tables.indicators["seq"].max()
    # the row appended after CLEAN's seven is the long-term one (as a Hunan 长期绩效指标 block reads)
    period = pl.when(pl.col("seq") == 8).then(pl.lit("long_term")).otherwise(pl.col("period"))
    assert last >= 8
    return TargetTables(tables.projects, tables.indicators.with_columns(period=period))


def test_annual_above_long_term_fires_when_a_year_promises_more_than_the_period():
    """Annual ≥30场 against a long-term ≥26场 of the same indicator: 30 > 26."""
    found = findings_of(with_long_term("≥30场", "≥26场"), "annual_above_long_term")
    assert places(found) == [(1, 1)]
    assert found[0]["message"] == (
        "年度指标“公益活动场次”的指标值“≥30场”超过同一指标的长期目标“≥26场”：年度目标不应高于整个实施期的目标"
    )
    assert found[0]["evidence"] == "年度指标值：≥30场；长期指标值：≥26场"


def test_annual_above_long_term_leaves_a_smaller_annual_target_alone():
    """Clean twin: annual ≥26场 within a long-term ≥80场; and no long-term rows at all (CLEAN)."""
    assert findings_of(with_long_term("≥26场", "≥80场"), "annual_above_long_term") == []
    assert findings_of(make_tables([P], CLEAN), "annual_above_long_term") == []


def test_annual_above_long_term_leaves_rates_alone():
    """A rate is a level, not a sum: annual ≥98% against a long-term ≥95% is not a finding."""
    assert findings_of(with_long_term("≥98%", "≥95%"), "annual_above_long_term") == []


# the catalogue --------------------------------------------------------------------------------------


def test_every_rule_of_the_four_criteria_cites_88():
    """财预〔2015〕88号 is the review rule; 10号 (the evaluation rule) is cited by none of them."""
    for rule in RULES.values():
        if rule.criterion in ("完整性", "相关性", "适当性", "可行性"):
            assert "《中央部门预算绩效目标管理办法》（财预〔2015〕88号）" in rule.basis, rule.id
            assert f"{rule.criterion}审核" in rule.basis, rule.id
            assert "10号" not in rule.basis, rule.id


def test_measurability_is_relevance_as_88_places_it():
    """88号 asks under 相关性 whether indicators are 细化、量化: the rules that ask it sit there."""
    for rule_id in ("vague_target", "slogan_benefit", "unit_mismatch"):
        assert RULES[rule_id].criterion == "相关性"
        assert "细化、量化" in RULES[rule_id].basis
