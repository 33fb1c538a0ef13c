"""可行性 rules on hand-made tables: targets that cannot be measured or judged at year end."""

from __future__ import annotations

import pytest

from tests.checks.tables import CLEAN, CLEAN_PROJECT, clean_with, findings_of, make_tables, places

P = CLEAN_PROJECT


def one_change(seq, row):
    return make_tables([P], clean_with((seq, row)))


# vague_target ------------------------------------------------------------------------------------


def test_vague_target_fires_on_a_text_output_target():
    """时效指标 ``按时完成`` gives no date or duration to check."""
    tables = one_change(3, (1, "产出指标", "时效指标", "活动完成时限", "年内完成", "按时完成"))
    found = findings_of(tables, "vague_target")
    assert places(found) == [(1, 3)]
    assert "产出指标“活动完成时限”的指标值“按时完成”是定性或笼统表述" in found[0]["message"]
    assert found[0]["evidence"] == "指标值：按时完成"


def test_vague_target_fires_on_text_satisfaction():
    """满意度 ``群众满意`` is text where a rate is due."""
    tables = one_change(7, (1, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", "群众满意"))
    assert places(findings_of(tables, "vague_target")) == [(1, 7)]


def test_vague_target_leaves_benefits_alone_unless_configured():
    """效益指标 may be qualitative by default; adding 效益指标 to ``groups`` flags it."""
    tables = one_change(6, (1, "效益指标", "社会效益指标", "妇女儿童获得感", "群众获得感", "明显增强"))
    assert findings_of(tables, "vague_target") == []
    found = findings_of(tables, "vague_target", groups=["产出指标", "效益指标"])
    assert places(found) == [(1, 6)]
    assert found[0]["message"].startswith("效益指标“妇女儿童获得感”")


def test_vague_target_not_fired_on_numbers_with_comparator_words():
    """``不少于26场`` and ``12个月以内`` are measurable, however they are written."""
    tables = make_tables(
        [P],
        clean_with(
            (1, (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "不少于26场")),
            (3, (1, "产出指标", "时效指标", "活动完成时限", "年内完成", "12个月以内")),
        ),
    )
    assert findings_of(tables, "vague_target") == []


# slogan_benefit ----------------------------------------------------------------------------------


def test_slogan_benefit_fires_on_a_benefit_without_any_number():
    """效益 ``有效提升`` is a slogan: nothing to check at year end."""
    tables = one_change(6, (1, "效益指标", "社会效益指标", "妇女儿童获得感", "群众获得感", "有效提升"))
    found = findings_of(tables, "slogan_benefit")
    assert places(found) == [(1, 6)]
    assert "效益指标“妇女儿童获得感”的指标值是口号式表述“有效提升”" in found[0]["message"]


def test_slogan_benefit_not_fired_on_text_with_a_number_or_outside_benefits():
    """``较上年提高5%`` names a checkable change; a text 产出 target is vague_target's, not a slogan."""
    tables = make_tables(
        [P],
        clean_with(
            (3, (1, "产出指标", "时效指标", "活动完成时限", "年内完成", "有效提升")),
            (6, (1, "效益指标", "社会效益指标", "妇女就业率", "较上年的变化", "较上年提高5%")),
        ),
    )
    assert findings_of(tables, "slogan_benefit") == []


# output_capped -----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["≤30场", "30场以内", "少于30场"])
def test_output_capped_fires_on_an_upper_bound_for_a_quantity(target):
    """A 数量指标 with at most 30 rewards doing less."""
    tables = one_change(1, (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", target))
    found = findings_of(tables, "output_capped")
    assert places(found) == [(1, 1)]
    assert f"数量指标“公益活动场次”的指标值“{target}”是上限" in found[0]["message"]


@pytest.mark.parametrize(
    "row",
    [
        (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "≥30场"),
        (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "=30场"),
        (1, "产出指标", "质量指标", "活动差错率", "出现差错的活动占比", "≤5%"),
    ],
    ids=["at-least", "exactly", "capped-quality"],
)
def test_output_capped_not_fired_on_lower_bounds_or_capped_quality(row):
    """Quantities at least or exactly N are right; a ceiling on a 质量指标 rate is not a quantity."""
    assert findings_of(one_change(1, row), "output_capped") == []


# bare_wan ----------------------------------------------------------------------------------------


def test_bare_wan_fires_on_money_written_with_wan_only():
    """Cost ``≤4.1万`` is read as 万元 but should say so."""
    tables = one_change(4, (1, "产出指标", "成本指标", "活动经费", "场地、讲师等活动支出", "≤4.1万"))
    found = findings_of(tables, "bare_wan")
    assert places(found) == [(1, 4)]
    assert "指标值“≤4.1万”的金额单位只写了“万”：应写“万元”" in found[0]["message"]


def test_bare_wan_not_fired_on_wanyuan_or_on_a_count_of_ten_thousands():
    """``≤4.1万元`` is complete; a benefit of ``≥1万`` people is not money at all."""
    tables = make_tables(
        [P],
        clean_with(
            (4, (1, "产出指标", "成本指标", "活动经费", "场地、讲师等活动支出", "≤4.1万元")),
            (6, (1, "效益指标", "社会效益指标", "服务妇女儿童人数", "参加活动的妇女儿童人数", "≥1万")),
        ),
    )
    assert findings_of(tables, "bare_wan") == []


# unit_mismatch -----------------------------------------------------------------------------------


def test_unit_mismatch_fires_on_a_cost_not_in_money():
    """A 成本指标 in 天 is not a cost; the message lists the money units expected."""
    tables = one_change(4, (1, "产出指标", "成本指标", "活动经费", "场地、讲师等活动支出", "≤30天"))
    found = findings_of(tables, "unit_mismatch")
    assert places(found) == [(1, 4)]
    assert "成本指标“活动经费”的单位“天”与指标不符：应为元、万元、千元、亿元" in found[0]["message"]
    assert found[0]["evidence"] == "指标值：≤30天"


def test_unit_mismatch_fires_on_satisfaction_not_in_percent():
    """满意度 measured in 分 cannot be compared with a rate."""
    tables = one_change(7, (1, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", "≥90分"))
    found = findings_of(tables, "unit_mismatch")
    assert places(found) == [(1, 7)]
    assert "服务对象满意度指标“服务对象满意度”的单位“分”与指标不符：应为%" in found[0]["message"]


def test_unit_mismatch_has_a_message_when_level2_is_empty():
    """A level-1 成本指标 row without a level-2 cell, in 天, is reported with its name and the money units."""
    rows = [*CLEAN[:3], (1, "成本指标", None, "活动经费", "场地、讲师等活动支出", "≤30天"), *CLEAN[4:]]
    found = findings_of(make_tables([P], rows), "unit_mismatch")
    assert places(found) == [(1, 4)]
    assert "“活动经费”的单位“天”与指标不符" in (found[0]["message"] or "")


def test_unit_mismatch_not_fired_on_rates_in_yuan_or_percent_as_a_word():
    """``元/人·天`` is money; ``≥90百分比`` and full-width ``≥90％`` are %."""
    tables = make_tables(
        [P],
        clean_with(
            (5, (1, "产出指标", "成本指标", "培训费标准", "每人每天培训费", "≤550元/人·天")),
            (7, (1, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", "≥90百分比")),
            extra=[(1, "满意度指标", "服务对象满意度指标", "参训人员满意度", "参训人员满意度", "≥９０％")],
        ),
    )
    assert findings_of(tables, "unit_mismatch") == []


def test_unit_mismatch_leaves_text_targets_to_other_rules():
    """A cost written as text has no unit to judge (vague_target reports it)."""
    tables = one_change(4, (1, "产出指标", "成本指标", "活动经费", "场地、讲师等活动支出", "严格控制"))
    assert findings_of(tables, "unit_mismatch") == []
    assert places(findings_of(tables, "vague_target")) == [(1, 4)]


def test_clean_project_has_no_feasibility_finding():
    """The reference project is measurable throughout."""
    tables = make_tables([P], CLEAN)
    for rule_id in ["vague_target", "slogan_benefit", "output_capped", "bare_wan", "unit_mismatch"]:
        assert findings_of(tables, rule_id) == [], rule_id
