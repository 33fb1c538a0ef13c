"""One bad part does not sink a file: an unreadable part is left empty and named, the rest loads;
``strict`` refuses as before. The documents are made up for the tests (illustrative data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.checks import run_checks
from perfkit.cli import main
from perfkit.errors import InputError
from perfkit.load import load_targets
from tests.load.layout_docs import write_docx
from tests.load.test_layouts import CENTRAL_BUDGET, central_table

BAD_BUDGET = [
    [("项目资金（万元）", 3, 1), "年度资金总额", ("一百", 1, 3)],
    ["其中：财政拨款", ("100", 1, 3)],
    ["其他资金", ("0", 1, 3)],
]


def two_projects(tmp_path: Path) -> Path:
    """A document of two projects: the first with a budget written in words, the second clean."""
    return write_docx(
        tmp_path / "two.docx",
        "2025年就业服务项目绩效目标表",
        central_table(BAD_BUDGET),
        "2025年就业服务项目绩效目标表",
        central_table(CENTRAL_BUDGET),
    )


def test_an_unreadable_budget_is_left_empty_and_named_and_the_rest_loads(tmp_path: Path) -> None:
    tables = load_targets(two_projects(tmp_path))
    first, second = tables.projects.rows(named=True)
    # worked by hand: the first table's 年度资金总额 cell (row 3, cell 3) reads 一百, not a figure;
    # its fiscal and other funds (100, 0) still read; the second project is untouched
    assert first["budget_total"] is None
    assert (first["budget_fiscal"], first["budget_other"]) == (100.0, 0.0)
    assert first["unreadable"] == "表1第3行第3格：预算数“一百”不是数字"
    assert (second["budget_total"], second["unreadable"]) == (120.0, None)
    # every indicator of both projects loads: 4 each
    assert tables.indicators.group_by("project_id").len()["len"].sort().to_list() == [4, 4]


def test_strict_refuses_at_the_first_unreadable_part(tmp_path: Path) -> None:
    path = two_projects(tmp_path)
    with pytest.raises(InputError) as error:
        load_targets(path, strict=True)
    assert error.value.one_line() == f"{path}: 表1第3行第3格: 预算数“一百”不是数字"


def test_the_unreadable_part_is_a_high_finding_at_its_place(tmp_path: Path) -> None:
    findings = run_checks(load_targets(two_projects(tmp_path)))
    found = findings.filter(findings["rule_id"] == "unreadable_part").rows(named=True)
    assert len(found) == 1
    assert found[0]["severity"] == "high"
    assert found[0]["message"].startswith("无法读取：表1第3行第3格：预算数“一百”不是数字")


def test_an_indicator_row_that_cannot_be_told_apart_is_named_and_the_other_rows_load(tmp_path: Path) -> None:
    rows = central_table(CENTRAL_BUDGET)
    rows[-2] = ["效益指标", "社会效益指标", ("实现就业人数≥800人", 1, 2)]  # name and target in one merged cell
    path = write_docx(tmp_path / "merged.docx", "2025年就业服务项目绩效目标表", rows)
    tables = load_targets(path)
    # worked by hand: name, department, 3 budget rows, goal, header, 2 output rows: that row is the
    # table's 10th; the merged cell starts in grid column 4 (三级指标)
    assert tables.projects["unreadable"].to_list() == [
        "表1第10行第4格：“三级指标”与“指标值”两列合并为一格，无法分开读取"
    ]
    assert tables.indicators["name"].to_list() == ["培训期数", "培训合格率", "参训人员满意度"]


def test_one_label_over_the_level1_and_level2_columns_is_both(tmp_path: Path) -> None:
    rows = central_table(CENTRAL_BUDGET)
    rows[-1] = [("满意度指标", 1, 2), "参训人员满意度", "≥95%"]  # as many real forms write satisfaction
    tables = load_targets(write_docx(tmp_path / "satisfaction.docx", "2025年就业服务项目绩效目标表", rows))
    last = tables.indicators.row(-1, named=True)
    assert (last["level1"], last["level2"], last["name"]) == ("满意度指标", "满意度指标", "参训人员满意度")
    assert tables.projects["unreadable"].to_list() == [None]


def test_a_file_in_which_nothing_reads_is_refused_whole(tmp_path: Path) -> None:
    rows = [["项目名称", "2025年就业服务项目"], ["年度资金总额", "120.00"]]  # no indicator header at all
    path = write_docx(tmp_path / "headless.docx", "2025年就业服务项目绩效目标表", rows)
    with pytest.raises(InputError) as error:
        load_targets(path)
    assert "没有指标表头" in error.value.one_line()


def test_the_command_line_counts_the_parts_and_warns_of_each(tmp_path: Path, capsys) -> None:
    path = two_projects(tmp_path)
    assert main(["extract", str(path), "-o", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    assert "已提取 1 个单位、2 个项目、8 条指标，1 处无法读取（见 unreadable 列）" in out
    assert err == f"警告: {path}: 表1第3行第3格：预算数“一百”不是数字\n"
    assert main(["extract", str(path), "-o", str(tmp_path / "strict"), "--strict"]) == 1
    assert not (tmp_path / "strict").exists()


def test_template_rows_left_unfilled_are_skipped_and_named(tmp_path: Path) -> None:
    rows = central_table(CENTRAL_BUDGET)
    rows.insert(-1, ["效益指标", "经济效益指标", "", ""])  # the template's row, nothing filled in
    rows.insert(-1, ["效益指标", "……", "", ""])
    rows[6] = [("绩效指标", 7, 1), *rows[6][1:]]  # the left label now spans the two extra rows too
    tables = load_targets(write_docx(tmp_path / "template.docx", "2025年就业服务项目绩效目标表", rows))
    # worked by hand: the two rows are the table's 11th and 12th; the four filled rows load
    assert tables.projects["unfilled_rows"].to_list() == ["表1第11行、表1第12行"]
    assert tables.indicators["name"].to_list() == ["培训期数", "培训合格率", "实现就业人数", "参训人员满意度"]


def test_an_empty_level1_with_nothing_above_is_named_and_kept_unscored(tmp_path: Path) -> None:
    rows = central_table(CENTRAL_BUDGET)
    rows[7] = ["", "培训工作指标", "培训期数", "≥10期"]  # 产出指标 lost, and a level 2 of no group of the system
    rows[8] = ["产出指标", "质量指标", "培训合格率", "≥90%"]
    tables = load_targets(write_docx(tmp_path / "lost.docx", "2025年就业服务项目绩效目标表", rows))
    assert tables.projects["unreadable"].to_list() == ["表1第8行：一级指标为空，且上方没有可延续的合并单元格"]
    assert tables.indicators["level1"].to_list()[:2] == ["（一级指标未填写）", "产出指标"]


def test_an_empty_level1_over_a_level2_kind_of_the_system_is_its_group_and_says_so(tmp_path: Path) -> None:
    rows = central_table(CENTRAL_BUDGET)
    rows[7] = [("////(50分)", 2, 1), "数量指标", "培训期数", "≥10期"]  # the words lost, only the points left
    rows[8] = ["质量指标", "培训合格率", "≥90%"]
    tables = load_targets(write_docx(tmp_path / "lost.docx", "2025年就业服务项目绩效目标表", rows))
    first, second = tables.indicators.head(2).rows(named=True)
    # worked by hand: 数量指标 and 质量指标 belong to 产出指标 in the 101号 indicator system
    assert (first["level1"], second["level1"]) == ("产出指标", "产出指标")
    assert first["notes"] == "一级指标未填写，按二级指标“数量指标”归入产出指标"
    assert tables.projects["unreadable"].to_list() == [None]


def test_rows_under_one_empty_merged_level1_cell_share_the_group_its_level2_kinds_name(tmp_path: Path) -> None:
    rows = central_table(CENTRAL_BUDGET)
    # one empty level-1 cell merged over two rows; the first row's level 2 is empty as well
    rows[7] = [("", 2, 1), "", "培训期数", "≥10期"]
    rows[8] = ["时效指标", "培训完成时间", "2025年12月"]
    tables = load_targets(write_docx(tmp_path / "merged.docx", "2025年就业服务项目绩效目标表", rows))
    levels = tables.indicators.select("level1", "level2", "notes").rows()
    # worked by hand: both rows share one merged level-1 cell whose only level-2 kind, 时效指标, is of
    # 产出指标; the first row's level 2 stays empty (it is not written)
    assert levels[0] == ("产出指标", None, "一级指标未填写，按同一合并单元格中的二级指标“时效指标”归入产出指标")
    # the second row continues the merged cell the first row's note names
    assert levels[1] == ("产出指标", "时效指标", None)
    assert tables.projects["unreadable"].to_list() == [None]


def test_an_empty_merged_level1_cell_over_kinds_of_two_groups_stays_unfilled(tmp_path: Path) -> None:
    rows = central_table(CENTRAL_BUDGET)
    rows[7] = [("", 3, 1), "", "培训期数", "≥10期"]
    rows[8] = ["时效指标", "培训完成时间", "2025年12月"]
    rows[9] = ["社会效益指标", "实现就业人数", "≥800人"]
    tables = load_targets(write_docx(tmp_path / "two.docx", "2025年就业服务项目绩效目标表", rows))
    levels = tables.indicators.select("level1", "level2").rows()
    # worked by hand: 时效指标 (产出) and 社会效益指标 (效益) under one cell: the row without a level 2
    # has no group to share and is named; the others take their own kind's group
    assert levels[:3] == [("（一级指标未填写）", None), ("产出指标", "时效指标"), ("效益指标", "社会效益指标")]
    assert tables.projects["unreadable"].to_list() == ["表1第8行：一级指标为空，且上方没有可延续的合并单元格"]
