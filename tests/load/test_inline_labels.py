"""A label and its value in one cell (``年度资金总额:50万``), a budget written with 万 for 万元 and its
breakdown in brackets, and two money columns side by side (中期 | 年度): read as the form means them.
The documents are made up for the tests (illustrative)."""

from __future__ import annotations

from pathlib import Path

from perfkit.load import load_targets
from tests.load.layout_docs import write_docx
from tests.load.test_layouts import central_table


def test_a_label_and_its_value_in_one_cell(tmp_path: Path) -> None:
    budget = [
        [("资金情况（万元）", 3, 1), ("年度资金总额:50万", 1, 3)],
        [("其中：财政拨款：40万(上级补助30万元,本级10万元)", 1, 3)],
        [("其他资金：10", 1, 3)],
    ]
    tables = load_targets(write_docx(tmp_path / "inline.docx", "2025年就业服务项目绩效目标表", central_table(budget)))
    project = tables.projects.row(0, named=True)
    # worked by hand: 50万 = 50 万元; 40万 with its breakdown in brackets = 40 万元; 10 under （万元）
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (50.0, 40.0, 10.0)
    assert project["unreadable"] is None


def test_the_breakdown_under_the_annual_total_when_two_columns_stand_side_by_side(tmp_path: Path) -> None:
    budget = [
        [("项目资金（万元）", 3, 1), "中期资金总额：", "170.00", "年度资金总额：", ("340.00", 1, 1)],
        ["其中：财政拨款", "170.00", "其中：财政拨款", "340.00"],
        ["其他资金", "0.00", "其他资金", "0.00"],
    ]
    rows = central_table(budget)
    tables = load_targets(write_docx(tmp_path / "two.docx", "2025年就业服务项目绩效目标表", rows))
    project = tables.projects.row(0, named=True)
    # worked by hand: the annual total is the budget; its own column's breakdown, not the mid-term one
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (340.0, 340.0, 0.0)


def test_a_figure_written_twice_in_its_cell_is_read_once(tmp_path: Path) -> None:
    budget = [
        [("资金情况（万元）", 3, 1), "年度资金总额:", ("60万(培训40万元,就业20万元)", 1, 3)],
        ["其中：财政拨款", ("60万60万(培训40万元,就业20万元)", 1, 3)],
        ["其他资金", ("", 1, 3)],
    ]
    tables = load_targets(write_docx(tmp_path / "twice.docx", "2025年就业服务项目绩效目标表", central_table(budget)))
    project = tables.projects.row(0, named=True)
    # worked by hand: 60万 written twice (copy-paste) is 60 万元, once; 其他资金 empty is 0
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (60.0, 60.0, 0.0)
    assert project["unreadable"] is None


def test_two_different_figures_in_one_cell_stay_unreadable(tmp_path: Path) -> None:
    budget = [
        [("资金情况（万元）", 3, 1), "年度资金总额:", ("60万", 1, 3)],
        ["其中：财政拨款", ("60万50万", 1, 3)],
        ["其他资金", ("", 1, 3)],
    ]
    tables = load_targets(write_docx(tmp_path / "two.docx", "2025年就业服务项目绩效目标表", central_table(budget)))
    project = tables.projects.row(0, named=True)
    # no repeat: 60万50万 is two figures, and perfkit says so rather than choosing one
    assert project["budget_fiscal"] is None
    assert "财政资金“60万50万”不是数字" in project["unreadable"]


def test_a_fund_named_before_its_figure(tmp_path: Path) -> None:
    budget = [
        [("资金情况（万元）", 3, 1), "年度资金总额:", ("75", 1, 3)],
        ["其中：财政拨款", ("中央财政衔接补助资金(产业发展任务)75", 1, 3)],
        ["其他资金", ("", 1, 3)],
    ]
    tables = load_targets(write_docx(tmp_path / "named.docx", "2025年就业服务项目绩效目标表", central_table(budget)))
    project = tables.projects.row(0, named=True)
    # worked by hand: the fund's name, then 75 at the label's scale （万元） = 75 万元
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (75.0, 75.0, 0.0)
    assert project["unreadable"] is None
