"""Shapes of published forms that perfkit once refused: each test is a small made-up document
(illustrative names and figures) with one such shape, and values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.load import load_targets
from perfkit.load.actuals import load_actuals
from perfkit.scoring import score
from tests.load.layout_docs import write_docx


def test_header_cut_to_its_level_words(tmp_path: Path) -> None:
    """一级 | 二级 | 三级 | 年度数值: the header names the levels without 指标."""
    rows = [
        ["项目名称", ("校舍维修", 1, 3)],
        ["项目主管部门", ("某县教育局", 1, 3)],
        ["一级", "二级", "三级", "年度数值"],
        [("产出值", 2, 1), "数量值", "维修校舍面积", "≥1200平方米"],
        ["成本值", "生均维修经费", "780元/生/年"],
    ]
    tables = load_targets(write_docx(tmp_path / "short.docx", "项目支出目标申报表", rows))
    # worked by hand: the level labels as written; 元/生/年 is a rate per pupil (生) and year
    assert tables.indicators.select("level1", "level2", "name", "target_value", "target_unit").rows() == [
        ("产出值", "数量值", "维修校舍面积", 1200.0, "平方米"),
        ("产出值", "成本值", "生均维修经费", 780.0, "元/生/年"),
    ]


def test_long_term_and_annual_blocks_side_by_side(tmp_path: Path) -> None:
    """二级指标（长期） | … | 指标值（年度）: each row holds a long-term and an annual indicator under one
    level-1 label; a half left blank is a template row left unfilled, no indicator."""
    rows = [
        ["项目名称", ("城区道路改造", 1, 6)],
        ["实施单位", ("某区城市管理局", 1, 6)],
        [("项目资金", 2, 1), "资金总额", ("300万元", 1, 5)],
        ["其中:财政拨款", ("300万元", 1, 5)],
        [("总体目标", 2, 1), ("中期目标", 1, 3), ("年度目标", 1, 3)],
        [("三年改造道路12公里", 1, 3), ("改造道路4公里", 1, 3)],
        [("绩效项目指标表", 1, 7)],
        [
            "一级指标",
            "二级指标（长期）",
            "三级指标（长期）",
            "指标值（长期）",
            "二级指标（年度）",
            "三级指标（年度）",
            "指标值（年度）",
        ],
        [("产出指标", 2, 1), "数量指标", "改造道路长度", "12公里", "数量指标", "改造道路长度", "4公里"],
        ["时效指标", " ", " ", "时效指标", "完工时间", "2025年11月底前"],
        ["满意度指标", "服务对象满意度指标", "市民满意度", "≥90%", "服务对象满意度指标", "市民满意度", "≥85%"],
    ]
    tables = load_targets(write_docx(tmp_path / "sides.docx", "项目支出绩效目标表", rows))
    project = tables.projects.row(0, named=True)
    # worked by hand: 中期目标 is the long-term goal, 年度目标 the annual one; the caption row is no purpose
    assert (project["goal_long_term"], project["goal_text"], project["purpose"]) == (
        "三年改造道路12公里",
        "改造道路4公里",
        "",
    )
    # worked by hand: the long-term block first (its columns come first), then the annual block; the
    # long-term 时效指标 half is blank, so row 10 gives one annual indicator only
    assert tables.indicators.select("period", "level1", "level2", "name", "target_raw").rows() == [
        ("long_term", "产出指标", "数量指标", "改造道路长度", "12公里"),
        ("long_term", "满意度指标", "服务对象满意度指标", "市民满意度", "≥90%"),
        ("annual", "产出指标", "数量指标", "改造道路长度", "4公里"),
        ("annual", "产出指标", "时效指标", "完工时间", "2025年11月底前"),
        ("annual", "满意度指标", "服务对象满意度指标", "市民满意度", "≥85%"),
    ]
    # places name the source's rows: row 10 is the long-term row left unfilled
    assert tables.indicators["source_ref"].to_list() == ["表1第9行", "表1第11行", "表1第9行", "表1第10行", "表1第11行"]
    assert project["unfilled_rows"] == "表1第10行"


def test_blocks_side_by_side_named_by_the_goal_row_above(tmp_path: Path) -> None:
    """二级指标 | 三级指标 | 指标值 twice with no period on the labels: each block's period is the one
    written over its first column in the goal row above (中期目标 … | 年度目标 …)."""
    rows = [
        ["项目名称", ("城区道路改造", 1, 6)],
        ["预算单位", ("某市交通运输局", 1, 6)],
        [("总体目标", 2, 1), ("中期目标(2025年--2027年)", 1, 3), ("年度目标", 1, 3)],
        [("三年改造道路30公里", 1, 3), ("改造道路10公里", 1, 3)],
        ["一级指标", "二级指标", "三级指标", "指标值(或计划水平)", "二级指标", "三级指标", "计划指标值(或计划水平)"],
        ["产出指标", "数量指标", "改造道路长度", "30公里", "数量指标", "改造道路长度", "10公里"],
        ["满意度指标", "服务对象满意度指标", "市民满意度", "≥90%", "服务对象满意度指标", "市民满意度", "≥85%"],
    ]
    tables = load_targets(write_docx(tmp_path / "goal_row.docx", "项目支出绩效目标批复表", rows))
    project = tables.projects.row(0, named=True)
    assert (project["goal_long_term"], project["goal_text"]) == ("三年改造道路30公里", "改造道路10公里")
    # worked by hand: the left block under 中期目标 is long-term, the right one under 年度目标 annual;
    # 计划指标值 is the right block's target column
    assert tables.indicators.select("period", "level1", "level2", "name", "target_raw").rows() == [
        ("long_term", "产出指标", "数量指标", "改造道路长度", "30公里"),
        ("long_term", "满意度指标", "服务对象满意度指标", "市民满意度", "≥90%"),
        ("annual", "产出指标", "数量指标", "改造道路长度", "10公里"),
        ("annual", "满意度指标", "服务对象满意度指标", "市民满意度", "≥85%"),
    ]


@pytest.mark.parametrize(("fiscal_row", "fiscal"), [(None, 500.0), (["其中:财政拨款", ("300", 1, 3)], 300.0)])
def test_budget_label_that_calls_its_money_fiscal(tmp_path: Path, fiscal_row: list | None, fiscal: float) -> None:
    """本年度申请市财政预算资金 names city fiscal money: its figure is the total and, where no fiscal
    figure is written, the fiscal money too (a written one comes first; parts of one likewise, see
    test_money_scale's fund lines)."""
    rows = [
        ["项目名称", ("道路养护", 1, 3)],
        ["本年度申请市财政预算资金(万元)", ("500.00", 1, 3)],
        *([fiscal_row] if fiscal_row else []),
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "养护道路", "≥20公里"],
    ]
    tables = load_targets(write_docx(tmp_path / "fiscal.docx", "项目支出绩效目标表", rows))
    # worked by hand: 500.00 万元 in all; fiscal 500 (the label says so) or the 300 written under it
    assert tables.projects.select("budget_total", "budget_fiscal", "budget_other").rows() == [(500.0, fiscal, 0.0)]


def test_unit_named_with_its_lead_and_funding_with_an_empty_figure(tmp_path: Path) -> None:
    """实施单位/项目负责人 over 某中心/张三 names the unit before the slash; 市县主管部门 is the department
    before 自治区主管部门; a pair 全年执行数(B) | (empty) | 执行率(B/A) leaves the execution unwritten."""
    rows = [
        ["项目名称", ("种薯繁育示范", 1, 3), "实施单位/项目负责人", ("某区农技中心/张三", 1, 3)],
        ["自治区主管部门", ("某厅", 1, 3), "市县主管部门", ("某区农业农村局", 1, 3)],
        ["资金情况(万元)", "年度资金总额", "全年预算数(A)", "300", "全年执行数(B)", "", "执行率(B/A)", ""],
        [("绩效指标", 3, 1), "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分"],
        ["产出指标", "数量指标", "发放种薯", "50", "500万粒", "500万粒", "50"],
        ["效益指标", "社会效益指标", "推广面积占比", "40", "≥80%", "85%", "40"],
    ]
    path = write_docx(tmp_path / "lead.docx", "种薯繁育示范项目绩效目标自评表", rows)
    project = load_targets(path).projects.row(0, named=True)
    assert (project["unit_name"], project["department"]) == ("某区农技中心", "某区农业农村局")
    actuals = load_actuals(path)
    # worked by hand: 全年预算数 300 beside its label; 全年执行数 left empty, so not written
    assert actuals.projects.select("unit_name", "budget_full", "executed").rows() == [("某区农技中心", 300.0, None)]
    assert score(actuals).project_scores["execution_score"].to_list() == [None]


def _page(above: str, rows: list[list[tuple[str, int, int] | str]]) -> bytes:
    def td(cell):
        text, rs, cs = cell if isinstance(cell, tuple) else (cell, 1, 1)
        return f'<td rowspan="{rs}" colspan="{cs}">{text}</td>'

    body = "".join("<tr>" + "".join(td(c) for c in row) + "</tr>" for row in rows)
    return f"<html><body><p>{above}</p><table>{body}</table></body></html>".encode()


def test_flat_export_with_a_department_row_above_its_projects(tmp_path: Path) -> None:
    """A budget-system export as a page: 金额单位：元 above the table, a department's row with its
    subtotal before the projects, the unit's code in front of its name."""
    header = ["单位名称", "项目名称", "预算数", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"]
    rows = [
        header,
        [("301-某镇部门", 1, 2), "1,250,000.00", ("", 1, 6)],
        [
            ("301001-某镇人民政府", 3, 1),
            ("道路养护", 2, 1),
            ("450,000.00", 2, 1),
            "产出指标",
            "数量指标",
            "养护道路",
            "≥",
            "20",
            "公里",
        ],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%"],
        ["环境整治", "800,000.00", "产出指标", "质量指标", "整治合格率", "=", "100", "%"],
    ]
    path = tmp_path / "export.html"
    path.write_bytes(_page("金额单位：元", rows))
    tables = load_targets(path)
    # worked by hand: 450,000.00 元 = 45 万元 and 800,000.00 元 = 80 万元; the department row is no project
    assert tables.projects.select("unit_code", "unit_name", "department", "project_name", "budget_total").rows() == [
        ("301001", "某镇人民政府", "301-某镇部门", "道路养护", 45.0),
        ("301001", "某镇人民政府", "301-某镇部门", "环境整治", 80.0),
    ]
    assert tables.indicators.select("name", "target_raw").rows() == [
        ("养护道路", "≥20公里"),
        ("群众满意度", "≥90%"),
        ("整治合格率", "=100%"),
    ]


def test_regional_transfer_selfeval_with_funding_as_label_value_pairs(tmp_path: Path) -> None:
    """A transfer payment's regional self-evaluation: 专项名称 names the project, the central
    department yields to the provincial one, and the funding is 预算数: | x | 执行数: | y in one row."""
    rows = [
        ["专项名称", ("农村公路养护补助资金", 1, 5)],
        ["中央主管部门", ("交通运输部", 1, 5)],
        ["省级财政部门", ("某省财政厅", 1, 2), "省级主管部门", ("某省交通运输厅", 1, 2)],
        [("预算执行情况", 2, 1), "预算数:", "40", "执行数:", ("36", 1, 2)],
        ["其中:中央补助", "40万元", "其中:中央补助", ("36万元", 1, 2)],
        [("年度目标完成情况", 2, 1), ("预期目标", 1, 2), ("目标实际完成情况", 1, 3)],
        [("养护农村公路120公里", 1, 2), ("养护农村公路120公里", 1, 3)],
        [("年度绩效指标完成情况", 3, 1), "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成指标值"],
        ["产出指标", "数量指标", "养护里程", "≥120公里", "120公里"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "93%"],
    ]
    path = write_docx(tmp_path / "regional.docx", "农村公路养护补助资金区域绩效目标自评表", rows)
    tables = load_targets(path)
    project = tables.projects.row(0, named=True)
    assert (project["project_name"], project["department"]) == ("农村公路养护补助资金", "某省交通运输厅")
    actuals = load_actuals(path)
    # worked by hand: 预算数 40 and 执行数 36 (万元, the table states no other scale)
    assert actuals.projects.select("project_name", "budget_full", "executed").rows() == [
        ("农村公路养护补助资金", 40.0, 36.0)
    ]
    # worked by hand: execution 10 × 36 / 40 = 9
    assert score(actuals).project_scores["execution_score"].to_list() == [9.0]


def test_unit_of_a_transfer_payment_is_the_unit_that_uses_the_money(tmp_path: Path) -> None:
    """中央主管部门 | 地方主管部门 | 资金使用单位: the local department and the unit that uses the money."""
    rows = [
        ["转移支付(项目)名称", ("普通省道建设补助", 1, 3)],
        ["中央主管部门", ("财政部", 1, 3)],
        ["地方主管部门", "某市交通运输局", "资金使用单位", "某市公路事务中心"],
        [("绩效指标", 3, 1), "一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "新建公路", "≥30公里"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
    ]
    tables = load_targets(write_docx(tmp_path / "transfer.docx", "转移支付绩效目标表", rows))
    project = tables.projects.row(0, named=True)
    assert (project["unit_name"], project["department"]) == ("某市公路事务中心", "某市交通运输局")


def test_funding_header_with_letters_is_no_label_value_pair(tmp_path: Path) -> None:
    """预算数(A) | 执行数(B) | 执行率(B/A) is a header row, not 预算数: x | 执行数: y: nothing beside a
    label there is a figure, so it is read as the funding columns over the total row below, and
    not refused as a bad figure."""
    rows = [
        ["项目名称", ("城市宣传经费", 1, 5)],
        ["预算执行情况", "预算数(A)", "执行数(B)", "执行率(B/A)", ("得分", 1, 2)],
        ["年度财政资金总额", "200", "195.5", "97.75%", ("19.55", 1, 2)],
        [("年度绩效目标", 3, 1), "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)"],
        ["产出指标", "数量指标", "宣传片", "1部", "1部"],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%"],
    ]
    actuals = load_actuals(write_docx(tmp_path / "letters.docx", "项目支出绩效自评表", rows))
    # worked by hand: the two indicators are read; the total row 年度财政资金总额 gives 预算数 200 and
    # 执行数 195.5 under the header's columns
    assert actuals.indicators.select("name", "actual_raw").rows() == [("宣传片", "1部"), ("群众满意度", "92%")]
    assert actuals.projects.select("budget_full", "executed").rows() == [(200.0, 195.5)]


def test_blocks_side_by_side_with_no_period_are_named_not_dropped(tmp_path: Path) -> None:
    """Two blocks of 二级指标 | 三级指标 | 指标值 with no period on the labels nor above them: the first is
    read, and the project says that the second was not."""
    rows = [
        ["项目名称", ("城区道路改造", 1, 6)],
        ["年度资金总额", ("300", 1, 6)],
        ["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "改造道路长度", "30公里", "数量指标", "改造道路长度", "10公里"],
    ]
    tables = load_targets(write_docx(tmp_path / "two_blocks.docx", "项目支出绩效目标表", rows))
    assert tables.indicators.select("name", "target_raw").rows() == [("改造道路长度", "30公里")]
    assert tables.projects["unreadable"].to_list() == [
        "表1第3行：指标表头的“二级指标”“三级指标”“指标值”各有两组列，未写明各组的期间（长期、年度），只读取了每种列的第一列"
    ]
