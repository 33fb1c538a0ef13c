"""完整性 rules on hand-made tables: each fires where the table lacks something, and not on a near miss."""

from __future__ import annotations

import polars as pl
import pytest

from perfkit.checks import run_checks
from tests.checks.tables import CLEAN, CLEAN_PROJECT, NO_LEVELS, clean_with, findings_of, make_tables, places

P = CLEAN_PROJECT
OUTPUT_ONLY = [
    (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "≥26场"),
    (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", "≥95%"),
]


# unreadable_part and unfilled_rows: what the reader could not read or skipped -----------------


def test_unreadable_part_is_one_high_finding_per_part_and_none_on_a_readable_table():
    """Two parts named by the reader are two findings at project level; a table read whole has none."""
    parts = "表1第3行第3格：预算数“一百”不是数字\n表1第9行：指标行有6个单元格，表头有5个"
    found = findings_of(make_tables([{"unreadable": parts}], CLEAN), "unreadable_part")
    assert places(found) == [(1, None), (1, None)]
    assert [f["message"] for f in found] == [
        "无法读取：表1第3行第3格：预算数“一百”不是数字（该部分留空，未参与审核；请核对原文件）",
        "无法读取：表1第9行：指标行有6个单元格，表头有5个（该部分留空，未参与审核；请核对原文件）",
    ]
    assert findings_of(make_tables([{}], CLEAN), "unreadable_part") == []


def test_unfilled_rows_are_one_low_finding_naming_every_row():
    found = findings_of(make_tables([{"unfilled_rows": "表1第12行、表1第13行"}], CLEAN), "unfilled_rows")
    assert [(f["message"], f["evidence"]) for f in found] == [
        ("绩效目标表中有未填写的模板行（表1第12行、表1第13行），已跳过，未作为指标", "空行位置：表1第12行、表1第13行")
    ]
    assert findings_of(make_tables([{}], CLEAN), "unfilled_rows") == []


# unit_not_named: a table that names no unit ------------------------------------------------------


def test_unit_not_named_fires_where_neither_a_unit_name_nor_a_code_is_written():
    """Hand-worked: project 1 names nothing; project 2 names only its 主管部门 (said in the message);
    project 3 has a name without a code, project 4 a code without a name: a unit each, no finding."""
    projects = [
        {"unit_code": "", "unit_name": "", "project_name": "甲项目"},
        {"unit_code": "", "unit_name": " ", "department": "某县教育局", "project_name": "乙项目"},
        {"unit_code": "", "unit_name": "某县第一中学", "project_name": "丙项目"},
        {"unit_code": "100003", "unit_name": "", "project_name": "丁项目"},
    ]
    found = findings_of(make_tables(projects, CLEAN), "unit_not_named")
    assert places(found) == [(1, None), (2, None)]
    assert [(f["message"], f["evidence"], f["severity"]) for f in found] == [
        (
            "表中未注明实施单位（单位名称、单位编码均为空），项目无法归属到单位",
            "项目“甲项目”：单位名称、单位编码为空",
            "medium",
        ),
        (
            "表中未注明实施单位（单位名称、单位编码均为空，仅有主管部门“某县教育局”），项目无法归属到单位",
            "项目“乙项目”：单位名称、单位编码为空",
            "medium",
        ),
    ]
    assert findings_of(make_tables([{}], CLEAN), "unit_not_named") == []


# indicators_without_levels: a list without level columns --------------------------------------

# illustrative: a 部门整体 list read from 指标名称 | 计量单位 | 年初指标值 (no 一级 / 二级指标 columns)
LIST_WITHOUT_LEVELS = [
    (2, NO_LEVELS, None, "预算完成率", None, "≥90%"),
    (2, NO_LEVELS, None, "培训人次", None, "≥100人次"),
    (2, NO_LEVELS, None, "培训合格率", None, "≥95%"),
]


def test_a_list_without_levels_is_one_finding_for_its_project_not_one_per_row():
    """Hand-worked: project 2 has three rows and no level at all → one project-level finding that counts
    them and names the first and last row (rows 8–10 of the hand-made table: CLEAN has 7); project 1
    (CLEAN, every row with its levels) none."""
    found = findings_of(
        make_tables([P, {"project_name": "部门整体支出"}], CLEAN + LIST_WITHOUT_LEVELS), "indicators_without_levels"
    )
    assert places(found) == [(2, None)]
    assert (found[0]["message"], found[0]["evidence"], found[0]["severity"]) == (
        "绩效指标表没有一级指标、二级指标列，3条指标未分级：应按产出、效益、满意度指标及其二级指标分级设置，"
        "否则无法审核指标是否完整、分组是否得当",
        "未分级指标3条（第8行至第10行）",
        "high",
    )


def test_the_level_rules_leave_a_list_without_levels_to_its_one_finding():
    """The same project 2: no missing_level1 ×3 (its groups are not missing, the table has none), no
    rows_out_of_order per row, no missing_output_level2 — and the whole run says it once."""
    tables = make_tables([P, {"project_name": "部门整体支出"}], CLEAN + LIST_WITHOUT_LEVELS)
    for rule_id in ("missing_level1", "rows_out_of_order", "missing_output_level2", "level2_misplaced"):
        assert findings_of(tables, rule_id) == [], rule_id
    counted = run_checks(tables).filter(pl.col("project_id") == tables.projects["project_id"][1])
    assert counted["rule_id"].value_counts().sort("rule_id").rows() == [
        ("cost_vs_budget", 1),  # no money cost to hold against the budget: cannot judge (as for any such table)
        ("indicators_without_levels", 1),
    ]


# missing_level1 ---------------------------------------------------------------------------------


def test_missing_level1_names_each_absent_group_once_per_project():
    """A table with only 产出指标 lacks 效益指标 and 满意度指标: two project-level findings."""
    found = findings_of(make_tables([{}], OUTPUT_ONLY), "missing_level1")
    assert places(found) == [(1, None), (1, None)]
    messages = sorted(f["message"] for f in found)
    assert "缺少一级指标“效益指标”" in messages[0] and "缺少一级指标“满意度指标”" in messages[1]
    assert "绩效目标表应包含产出指标、效益指标、满意度指标" in messages[0]
    assert {f["evidence"] for f in found} == {"已有一级指标：产出指标"}


def test_missing_level1_not_fired_when_all_three_groups_are_present():
    """The clean project has 产出、效益、满意度 (cost under 产出): nothing is missing."""
    assert findings_of(make_tables([P], CLEAN), "missing_level1") == []


def test_missing_level1_is_judged_per_project():
    """Groups of one project do not make up for another: only project 2 lacks 满意度指标."""
    second = [(2, *row[1:]) for row in CLEAN if row[1] != "满意度指标"]
    found = findings_of(make_tables([P, P | {"project_name": "另一个项目"}], CLEAN + second), "missing_level1")
    assert places(found) == [(2, None)]
    assert "缺少一级指标“满意度指标”" in found[0]["message"]


def test_missing_level1_required_groups_can_be_overridden():
    """Requiring 成本指标 as a level-1 group flags the clean project (its cost sits under 产出);
    requiring only 产出指标 clears the output-only table."""
    found = findings_of(make_tables([P], CLEAN), "missing_level1", required=["产出指标", "成本指标"])
    assert places(found) == [(1, None)]
    assert "缺少一级指标“成本指标”" in found[0]["message"]
    assert findings_of(make_tables([{}], OUTPUT_ONLY), "missing_level1", required=["产出指标"]) == []


def test_missing_level1_project_without_any_indicator_gets_all_three_with_evidence():
    """A project with no indicator rows at all lacks every required group, and each finding says what it has."""
    found = findings_of(make_tables([P, {"project_name": "空表项目"}], CLEAN), "missing_level1")
    assert places(found) == [(2, None)] * 3
    assert all(f["message"] and f["evidence"] is not None for f in found)


# missing_output_level2 ---------------------------------------------------------------------------


def test_missing_output_level2_names_the_absent_kinds():
    """产出指标 with only 数量 and 质量 lacks 时效指标 and 成本指标."""
    found = findings_of(make_tables([{}], OUTPUT_ONLY), "missing_output_level2")
    assert places(found) == [(1, None), (1, None)]
    messages = " ".join(f["message"] for f in found)
    assert "产出指标缺少“时效指标”" in messages and "产出指标缺少“成本指标”" in messages
    assert all("数量指标" in f["evidence"] and "质量指标" in f["evidence"] for f in found)


def test_missing_output_level2_reads_a_kind_written_with_a_note():
    """数量指标（必填硬性指标） is the 数量指标 (it fired: 产出指标缺少“数量指标”, as a table built from
    a source that keeps the note gives it; the document readers drop the note first)."""
    rows = [(r[0], r[1], f"{r[2]}（必填硬性指标）", *r[3:]) if r[2] == "数量指标" else r for r in CLEAN]
    assert findings_of(make_tables([P], rows), "missing_output_level2") == []


def test_missing_output_level2_counts_cost_as_its_own_level1_group():
    """Cost written as level-1 成本指标 (not under 产出) still covers 成本: nothing missing."""
    rows = clean_with(
        (4, (1, "成本指标", "经济成本指标", "活动经费", "场地、讲师等活动支出", "≤4.1万元")),
        (5, (1, "成本指标", "经济成本指标", "资料印刷费", "宣传资料印刷支出", "≤9000元")),
    )
    assert findings_of(make_tables([P], rows), "missing_output_level2") == []


def test_missing_output_level2_required_kinds_can_be_overridden():
    """Requiring only 数量 and 质量 clears a table that has just those two."""
    tables = make_tables([{}], OUTPUT_ONLY)
    assert findings_of(tables, "missing_output_level2", required=["数量指标", "质量指标"]) == []


# missing_target ----------------------------------------------------------------------------------


def test_missing_target_fires_on_an_empty_or_blank_cell():
    """An empty 指标值 and one holding only spaces are both missing."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "")))
    rows[1] = (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", "   ")
    found = findings_of(make_tables([P], rows), "missing_target")
    assert places(found) == [(1, 1), (1, 2)]
    assert found[0]["message"].startswith("指标“公益活动场次”没有指标值")
    assert found[0]["evidence"] == "指标值为空"


def test_missing_target_fires_on_a_none_mark():
    """—, - and / where the target goes say "none" (they read as no target); before, such a row had
    no reading and no finding. Worked by hand: rows 1 and 2 of project 1."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "—")))
    rows[1] = (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", " / ")
    found = findings_of(make_tables([P], rows), "missing_target")
    assert places(found) == [(1, 1), (1, 2)]
    assert [f["evidence"] for f in found] == ["指标值写作“—”", "指标值写作“/”"]


def test_missing_target_not_fired_on_a_text_target():
    """A qualitative target (按时完成) is a target, even if vague."""
    rows = clean_with((3, (1, "产出指标", "时效指标", "活动完成时限", "年内完成", "按时完成")))
    assert findings_of(make_tables([P], rows), "missing_target") == []


def test_missing_target_has_a_message_when_the_name_is_empty_too():
    """A row with neither name nor target is still reported with a readable message."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "", "全年开展公益活动的场次", "")))
    found = findings_of(make_tables([P], rows), "missing_target")
    assert places(found) == [(1, 1)]
    assert found[0]["message"]


# missing_comparator ------------------------------------------------------------------------------


def test_missing_comparator_fires_on_a_bare_number():
    """``26场`` says neither at least nor at most."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "26场")))
    found = findings_of(make_tables([P], rows), "missing_comparator")
    assert places(found) == [(1, 1)]
    assert "指标值“26场”没有比较符" in found[0]["message"]
    assert found[0]["evidence"] == "指标值：26场"


@pytest.mark.parametrize("target", ["26场以上", "不少于26场", "=26场", "＞＝26场"])
def test_missing_comparator_accepts_words_suffixes_and_full_width(target):
    """以上, 不少于, = and full-width ＞＝ are comparators."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", target)))
    assert findings_of(make_tables([P], rows), "missing_comparator") == []


def test_missing_comparator_ignores_text_targets():
    """A qualitative target has no number to compare: no comparator finding."""
    rows = clean_with((3, (1, "产出指标", "时效指标", "活动完成时限", "年内完成", "按时完成")))
    assert findings_of(make_tables([P], rows), "missing_comparator") == []


# missing_unit ------------------------------------------------------------------------------------


def test_missing_unit_fires_on_a_number_without_unit():
    """``≥95`` for a completion rate leaves the unit (%) out."""
    rows = clean_with((2, (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", "≥95")))
    found = findings_of(make_tables([P], rows), "missing_unit")
    assert places(found) == [(1, 2)]
    assert "指标值“≥95”没有计量单位" in found[0]["message"]


def test_missing_unit_accepts_percent_written_as_a_word():
    """``≥95百分比`` has a unit (read as %)."""
    rows = clean_with((2, (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", "≥95百分比")))
    assert findings_of(make_tables([P], rows), "missing_unit") == []


# duplicate_indicator -----------------------------------------------------------------------------


def test_duplicate_indicator_flags_the_later_copy_and_names_the_first():
    """The same 数量指标 name set again at row 8 repeats row 1."""
    copy = (1, "产出指标", "数量指标", "公益活动 场次", "另一种描述", "≥30场")  # spacing does not tell names apart
    found = findings_of(make_tables([P], clean_with(extra=[copy])), "duplicate_indicator")
    assert places(found) == [(1, 8)]
    assert "数量指标“公益活动 场次”在本项目中重复设置（与第1条同名）" in found[0]["message"]
    assert found[0]["evidence"] == "三级指标：公益活动 场次；描述：另一种描述；指标值：≥30场"


def test_duplicate_indicator_three_copies_all_point_to_the_first():
    """Rows 8 and 9 both repeat row 1; row 1 itself is not a finding."""
    copy = CLEAN[0]
    found = findings_of(make_tables([P], clean_with(extra=[copy, copy])), "duplicate_indicator")
    assert places(found) == [(1, 8), (1, 9)]
    assert all("与第1条同名" in f["message"] for f in found)


def test_duplicate_indicator_not_fired_for_same_name_under_another_level2_or_project():
    """满意度 under two different level-2 groups, and one name in two projects, are not duplicates."""
    other_group = (1, "满意度指标", "社会公众满意度指标", "服务对象满意度", "社会公众的满意度", "≥85%")
    second_project = [(2, *row[1:]) for row in CLEAN]
    tables = make_tables([P, P | {"project_name": "另一个项目"}], clean_with(extra=[other_group, *second_project]))
    assert findings_of(tables, "duplicate_indicator") == []


def test_duplicate_indicator_has_a_message_when_level2_is_empty():
    """Two 活动经费 rows under a level-1 成本指标 without level-2 cells: the copy is reported with its name."""
    fee = (1, "成本指标", None, "活动经费", "场地、讲师等活动支出", "≤4.1万元")
    rows = [*CLEAN[:3], fee, fee, *CLEAN[5:]]
    found = findings_of(make_tables([P], rows), "duplicate_indicator")
    assert places(found) == [(1, 5)]
    assert "活动经费" in (found[0]["message"] or "")


# self_repeating_name -----------------------------------------------------------------------------


def test_self_repeating_name_fires_on_a_name_that_starts_twice():
    """``开展培训开展培训数量`` starts with the 4-character chunk 开展培训 twice."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "开展培训开展培训数量", "全年培训次数", "≥4次")))
    found = findings_of(make_tables([P], rows), "self_repeating_name")
    assert places(found) == [(1, 1)]
    assert "指标名称“开展培训开展培训数量”中同一段文字重复出现" in found[0]["message"]
    assert found[0]["evidence"] == "三级指标：开展培训开展培训数量"


def test_self_repeating_name_min_repeat_decides_how_long_a_chunk_counts():
    """``培训班培训班人数`` repeats only 3 characters: not with min_repeat=4, yes with min_repeat=3."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "培训班培训班人数", "参训人数", "≥40人")))
    tables = make_tables([P], rows)
    assert findings_of(tables, "self_repeating_name") == []
    assert places(findings_of(tables, "self_repeating_name", min_repeat=3)) == [(1, 1)]


def test_self_repeating_name_not_fired_on_an_empty_name():
    """A row whose 三级指标 cell is empty repeats nothing."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "", "全年开展公益活动的场次", "≥26场")))
    assert findings_of(make_tables([P], rows), "self_repeating_name") == []


# description_repeats_name ------------------------------------------------------------------------


def test_description_repeats_name_fires_when_description_only_restates_the_name():
    """描述 ``公益活动场次。`` says nothing beyond the name (punctuation does not count)."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "公益活动场次", "公益活动场次。", "≥26场")))
    found = findings_of(make_tables([P], rows), "description_repeats_name")
    assert places(found) == [(1, None)]
    # worked by hand: 1 of the 7 rows of CLEAN repeats its name
    assert found[0]["message"] == (
        "本项目1条指标（共7条）的绩效指标描述只重复了名称（第1条）：应说明指标含义、口径或计算方法"
    )
    assert found[0]["evidence"] == "描述与名称相同的三级指标：公益活动场次"


def test_description_repeats_name_gives_one_finding_per_project_naming_its_rows():
    """Rows 1, 2 and 6 of project 1 and row 7 of project 2 repeat their names: one finding each
    project (was one per row: 103 of the seed's 147 findings), with the rows and their count."""
    repeat = {1: "公益活动场次", 2: "活动完成率", 6: "服务妇女儿童人数"}
    first = [(1, *r[1:4], repeat.get(i, r[4]), r[5]) for i, r in enumerate(CLEAN, start=1)]
    second = [(2, *r[1:4], r[3] if i == 7 else r[4], r[5]) for i, r in enumerate(CLEAN, start=1)]
    tables = make_tables([P, P | {"project_name": "另一项目"}], first + second)
    found = findings_of(tables, "description_repeats_name")
    assert places(found) == [(1, None), (2, None)]
    assert "本项目3条指标（共7条）" in found[0]["message"] and "（第1、2、6条）" in found[0]["message"]
    assert found[0]["evidence"] == "描述与名称相同的三级指标：公益活动场次；活动完成率；服务妇女儿童人数"
    assert "（第7条）" in found[1]["message"]
    # ids are fingerprints of the place and the evidence: the same table gives the same ids
    again = findings_of(make_tables([P, P | {"project_name": "另一项目"}], first + second), "description_repeats_name")
    assert [f["finding_id"] for f in again] == [f["finding_id"] for f in found]


# contradictory_target ----------------------------------------------------------------------------


def test_contradictory_target_is_a_finding_not_a_guess():
    """``≥95%以下``: ≥ says at least, 以下 at most. It was read silently as ≥95%."""
    rows = clean_with((2, (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", "≥95%以下")))
    tables = make_tables([P], rows)
    row = tables.indicators.row(1, named=True)
    assert (row["target_kind"], row["target_op"], row["target_value"]) == ("contradictory", None, 95.0)
    found = findings_of(tables, "contradictory_target")
    assert places(found) == [(1, 2)]
    assert "指标值“≥95%以下”的比较符与“以上/以下/以内”方向相反" in found[0]["message"]


def test_description_repeats_name_not_fired_on_an_explaining_or_empty_description():
    """A description that explains, or none at all, is not a repetition of the name."""
    rows = clean_with((2, (1, "产出指标", "质量指标", "活动完成率", "", "≥95%")))
    assert findings_of(make_tables([P], rows), "description_repeats_name") == []


def test_description_repeats_name_not_fired_when_name_and_description_are_both_empty():
    """A row with neither name nor description is not 'a description repeating the name'."""
    rows = clean_with((1, (1, "产出指标", "数量指标", "", "", "≥26场")))
    assert findings_of(make_tables([P], rows), "description_repeats_name") == []


# rows_out_of_order -------------------------------------------------------------------------------


def test_rows_out_of_order_fires_when_a_level2_group_comes_back():
    """数量指标 at row 1, 质量指标 at row 2, 数量指标 again at row 3: row 3 is separated from its group."""
    rows = [
        (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "≥26场"),
        (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", "≥95%"),
        (1, "产出指标", "数量指标", "服务人数", "服务的人数", "≥300人"),
    ]
    found = findings_of(make_tables([{}], rows), "rows_out_of_order")
    assert places(found) == [(1, 3)]
    assert "第3条“产出指标/数量指标”与同类指标不相邻" in found[0]["message"]
    assert found[0]["evidence"] == "产出指标/数量指标：服务人数"


def test_rows_out_of_order_fires_when_benefit_follows_satisfaction():
    """效益指标 after 满意度指标 breaks the 产出→成本→效益→满意度 order: the 效益 row is flagged."""
    rows = [
        (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "≥26场"),
        (1, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", "≥90%"),
        (1, "效益指标", "社会效益指标", "服务妇女儿童人数", "服务人数", "≥3000人"),
    ]
    found = findings_of(make_tables([{}], rows), "rows_out_of_order")
    assert places(found) == [(1, 3)]
    assert "“效益指标/社会效益指标”" in found[0]["message"]


def test_rows_out_of_order_flags_only_the_first_row_of_a_misplaced_run():
    """Two 数量指标 rows coming back after 质量指标 are one misplaced run: only its first row (3) is flagged."""
    rows = [
        (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "≥26场"),
        (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", "≥95%"),
        (1, "产出指标", "数量指标", "服务人数", "服务的人数", "≥300人"),
        (1, "产出指标", "数量指标", "讲座期数", "讲座的期数", "≥5期"),
    ]
    assert places(findings_of(make_tables([{}], rows), "rows_out_of_order")) == [(1, 3)]


def test_rows_out_of_order_not_fired_on_grouped_rows_or_across_projects():
    """Grouped rows with level-1 成本指标 between 产出 and 效益 are in order; project 2 starting again with
    产出指标 after project 1's 满意度指标 is a new table, not a misplaced row."""
    rows = clean_with(
        (4, (1, "成本指标", "经济成本指标", "活动经费", "场地、讲师等活动支出", "≤4.1万元")),
        (5, (1, "成本指标", "经济成本指标", "资料印刷费", "宣传资料印刷支出", "≤9000元")),
    )
    second = [(2, *row[1:]) for row in CLEAN]
    tables = make_tables([P, P | {"project_name": "另一个项目"}], rows + second)
    assert findings_of(tables, "rows_out_of_order") == []
