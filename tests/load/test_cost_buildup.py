"""A project part that gives its budget only as a cost build-up (项目预算成本构成 | 金额 | 测算依据, one row
per item, then 合计): the written 合计 is the budget. The documents are made up for the tests (illustrative)."""

from __future__ import annotations

from pathlib import Path

from perfkit.load import load_targets
from tests.load.layout_docs import write_docx

INDICATORS = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    [("产出指标", 2, 1), "数量指标", "巡检次数", "≥200次"],
    ["质量指标", "维修验收合格率", "≥95%"],
]


def cost_form(total: str) -> list:
    return [
        ["项目名称", ("办公楼运行保障", 1, 3)],
        ["项目预算成本构成", "金额", "测算依据", "上年实际执行数"],
        ["保安服务费", "120", "依据招标文件", "118"],
        ["保洁服务费", "80.5", "依据招标文件", "80"],
        ["合计", total, "", "198"],
        ["绩效目标", ("保障办公楼正常运行。", 1, 3)],
        *INDICATORS,
    ]


def test_the_total_of_a_cost_build_up_is_the_budget(tmp_path: Path) -> None:
    tables = load_targets(write_docx(tmp_path / "cost.docx", "2025年项目支出绩效目标表", cost_form("200.5")))
    project = tables.projects.row(0, named=True)
    # worked by hand: 合计 under 金额 = 200.5 (万元, no scale written); not the 198 of the last column
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (200.5, 0.0, 0.0)
    assert project["unreadable"] is None


def test_a_cost_build_up_without_its_total_gives_no_budget_and_says_so(tmp_path: Path) -> None:
    tables = load_targets(write_docx(tmp_path / "nototal.docx", "2025年项目支出绩效目标表", cost_form("")))
    project = tables.projects.row(0, named=True)
    # the items are not added up: with no 合计 written the budget is not found, and perfkit says so
    assert project["budget_total"] is None
    assert "未找到预算数" in project["unreadable"]
