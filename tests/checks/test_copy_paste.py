"""异常分析 copy-paste rule: the same or nearly the same indicator text in another project."""

from __future__ import annotations

from perfkit.checks.copy_paste import copies
from tests.checks.tables import findings_of, make_tables, places

CONTEST = "举办全市妇女创业创新大赛决赛及颁奖典礼活动"  # 21 characters, 20 distinct bigrams
NEAR = "举办全市妇女创业创新大赛复赛及颁奖典礼活动"  # 决→复: 18 bigrams shared of 22, Jaccard 0.818


def row(project, name, level1="产出指标", level2="数量指标", target="≥1场"):
    return (project, level1, level2, name, name, target)


def test_copy_paste_found_on_the_later_projects_naming_the_first():
    """Project 2 has the same text as project 1, project 3 a near copy (0.82 ≥ 0.8): two findings."""
    tables = make_tables([{}, {}, {}], [row(1, CONTEST), row(2, "开展培训"), row(2, CONTEST), row(3, NEAR)])
    found = findings_of(tables, "copy_paste_indicator")
    assert places(found) == [(2, 2), (3, 1)]
    assert found[0]["message"] == (
        f"指标“{CONTEST}”与项目“示例项目1”第1条“{CONTEST}”文字相同："
        "可能从其他项目复制，或同一产出在多个项目重复申报（相同或相似文字共3条指标）"
    )
    assert "文字高度相似（相似度0.82）" in found[1]["message"]
    assert found[1]["evidence"] == f"本项目：{NEAR}；示例项目1：{CONTEST}"


def test_copy_paste_names_the_other_unit():
    """A copy across units says which unit the source belongs to."""
    tables = make_tables([{}, {"unit_code": "100002"}], [row(1, CONTEST), row(2, CONTEST)])
    assert "与单位100001项目“示例项目1”" in findings_of(tables, "copy_paste_indicator")[0]["message"]


def test_copy_paste_not_fired_on_short_dissimilar_satisfaction_or_other_year_texts():
    """Short names (< 12 characters), a text with little in common, satisfaction rows, another year: nothing."""
    other = "组织女性创业项目路演与投资对接洽谈会议"
    satisfaction = "参加妇女创业创新大赛决赛及颁奖典礼的群众满意度"
    tables = make_tables(
        [{}, {}, {"year": 2024}],
        [row(1, CONTEST), row(1, "活动场次"), row(1, satisfaction, "满意度指标", "服务对象满意度指标", "≥90%"),
         row(2, other), row(2, "活动场次"), row(2, satisfaction, "满意度指标", "服务对象满意度指标", "≥90%"),
         row(3, CONTEST)],
    )  # fmt: skip
    assert findings_of(tables, "copy_paste_indicator") == []


def test_copy_paste_reports_each_copy_once_and_not_within_a_project():
    """The same text in 5 projects (twice in project 1): 4 findings, each pointing at project 1."""
    tables = make_tables([{}] * 5, [row(1, CONTEST), row(1, CONTEST)] + [row(i, CONTEST) for i in range(2, 6)])
    found = copies(tables)
    assert found.select("seq", "source_seq").rows() == [(1, 1)] * 4
    assert set(found["source_project_id"]) == {tables.projects["project_id"][0]}
    assert found["copies"].to_list() == [6] * 4


def test_description_that_says_more_is_part_of_the_text():
    """Names alike but descriptions different enough: not a copy (Jaccard of name｜description < 0.8)."""
    a = (1, "产出指标", "数量指标", CONTEST, "面向全市创业女性的年度赛事", "≥1场")
    b = (2, "产出指标", "数量指标", CONTEST, "由区县妇联组织的基层选拔活动安排", "≥1场")
    assert findings_of(make_tables([{}, {}], [a, b]), "copy_paste_indicator") == []
