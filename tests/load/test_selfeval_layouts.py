"""Self-evaluation layouts (绩效自评表) read by labels on a grid of merged cells, then scored.

Every document is illustrative, built in the test; every expected figure is worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.load.actuals import load_actuals
from perfkit.scoring import score
from tests.load.layout_docs import write_docx, write_xlsx


def template_10(
    funding_header: list, indicator_header: list[list], indicator_rows: list[list], total: str = "96"
) -> list:
    """The 财预〔2020〕10号 template, nine grid columns wide."""
    return [
        ["项目名称", ("2025年社区助餐服务项目", 1, 8)],
        ["主管部门", ("某区民政局", 1, 3), "实施单位", ("某区养老服务中心", 1, 4)],
        funding_header,
        [("", 4, 1), "年度资金总额", "100", "100", "90", "10", "90%", ("9", 1, 2)],
        ["其中：当年财政拨款", "80", "80", "72", "—", "—", ("—", 1, 2)],
        ["上年结转资金", "0", "0", "0", "—", "—", ("—", 1, 2)],
        ["其他资金", "20", "20", "18", "—", "—", ("—", 1, 2)],
        [("年度总体目标", 2, 1), ("预期目标", 1, 4), ("实际完成情况", 1, 4)],
        [("为社区老人提供助餐服务5000人次", 1, 4), ("全年助餐5200人次", 1, 4)],
        *indicator_header,
        *indicator_rows,
        [("总分", 1, 6), total, ("", 1, 2)],
    ]


TEN_HEADER = [
    [
        ("绩效指标", 5, 1),
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
]
TEN_ROWS = [
    [("产出指标", 2, 1), "数量指标", "助餐服务人次", "≥5000人次", "5200人次", "30", "30", ""],
    ["质量指标", "食品抽检合格率", "≥98%", "99%", "20", "20", ""],
    ["效益指标", "社会效益指标", "受益老人数", "≥300人", "270人", "30", "27", "部分老人迁出"],
    ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "95%", "10", "10", ""],
]
# 项目资金（万元） merged over the two left columns: the figures below sit one grid column right
MERGED_FUNDING = [
    ("项目资金（万元）", 1, 2),
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率",
    ("得分", 1, 2),
]


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_template_10_with_merged_header_cells(tmp_path: Path, suffix: str) -> None:
    rows = template_10(MERGED_FUNDING, TEN_HEADER, TEN_ROWS)
    path = tmp_path / f"selfeval{suffix}"
    write_docx(path, "2025年社区助餐服务项目绩效自评表", rows) if suffix == ".docx" else write_xlsx(path, rows)
    actuals = load_actuals(path)
    project = actuals.projects.row(0, named=True)
    # worked by hand: the 年度资金总额 row reads 100 | 100 | 90 | 10 | 90% | 9 under the labels
    assert [project[k] for k in ("budget_initial", "budget_full", "executed")] == [100.0, 100.0, 90.0]
    assert (project["execution_weight_given"], project["self_execution_score"], project["self_total"]) == (
        10.0,
        9.0,
        96.0,
    )
    assert (project["unit_code"], project["unit_name"]) == ("", "某区养老服务中心")
    assert (project["goal_expected"], project["goal_actual"]) == ("为社区老人提供助餐服务5000人次", "全年助餐5200人次")
    indicators = actuals.indicators.select(
        "level1", "name", "target_raw", "actual_raw", "weight_given", "self_score"
    ).rows()
    assert indicators == [
        ("产出指标", "助餐服务人次", "≥5000人次", "5200人次", 30.0, 30.0),
        ("产出指标", "食品抽检合格率", "≥98%", "99%", 20.0, 20.0),
        ("效益指标", "受益老人数", "≥300人", "270人", 30.0, 27.0),
        ("满意度指标", "老人满意度", "≥90%", "95%", 10.0, 10.0),
    ]
    card = score(actuals)
    scores = card.project_scores.row(0, named=True)
    # worked by hand: execution 10 × 90/100 = 9; 30 + 20 (met) + 30 × 270/300 = 27 + 10 (met) → 96
    assert (scores["execution_score"], scores["total"], scores["self_total"]) == (9.0, 96.0, 96.0)
    assert card.indicator_scores["score"].to_list() == [30.0, 20.0, 27.0, 10.0]


def sichuan_form() -> list:
    """The Sichuan 部门预算项目支出绩效自评表, eleven grid columns wide."""
    blank = ("", 1, 3)
    return [
        [("报表编号：510000-2025-001", 1, 11)],
        ["项目名称", ("51000021R000000019951-工资性支出", 1, 10)],
        ["主管部门", ("某省教育厅", 1, 4), "实施单位", ("某省实验中学", 1, 5)],
        [
            ("预算执行情况(10分)", 6, 1),
            "年度预算数(万元)",
            "年初预算",
            "调整后预算数",
            "预算执行数",
            "预算执行率",
            "权重",
            "得分",
            ("原因", 1, 3),
        ],
        ["总额", "200", "210", "189", "90%", "10", "9", blank],
        ["其中:财政资金", "200", "210", "189", "", "", "", blank],
        ["财政专户管理资金", "0", "0", "0", "", "", "", blank],
        ["单位资金", "0", "0", "0", "", "", "", blank],
        ["其他资金", "0", "0", "0", "", "", "", blank],
        ["项目年度目标", ("按时足额发放教职工工资", 1, 4), "年度目标完成情况", ("全年按时足额发放", 1, 5)],
        [
            ("绩效指标(90分)", 5, 1),
            "一级指标",
            "二级指标",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "完成值",
            "权重",
            "得分",
            "未完成原因分析",
        ],
        [("产出指标", 2, 1), "数量指标", "发放人数", "≥", "120", "人", "120", "40", "40", ""],
        ["质量指标", "发放准确率", "＝", "100", "%", "100", "20", "20", ""],
        ["效益指标", "社会效益指标", "教职工流失率", "≤", "5", "%", "5", "20", "20", ""],
        ["满意度指标", "服务对象满意度指标", "教职工满意度", "≥", "90", "%", "81", "10", "9", "部分诉求未解决"],
        [("合计", 1, 8), "100", "98", ""],
        ["评价结论", ("良好", 1, 10)],
        ["存在问题", ("无", 1, 10)],
        ["改进措施", ("无", 1, 10)],
    ]


def test_sichuan_style(tmp_path: Path) -> None:
    actuals = load_actuals(
        write_docx(tmp_path / "sichuan.docx", "部门预算项目支出绩效自评表（2025年度）", sichuan_form())
    )
    project = actuals.projects.row(0, named=True)
    # worked by hand: the code in front of the name is dropped; 调整后预算数 is the full-year budget
    assert project["project_name"] == "工资性支出"
    assert [project[k] for k in ("budget_initial", "budget_full", "executed")] == [200.0, 210.0, 189.0]
    assert (project["execution_weight_given"], project["self_execution_score"], project["self_total"]) == (
        10.0,
        9.0,
        98.0,
    )
    assert (project["goal_expected"], project["goal_actual"]) == ("按时足额发放教职工工资", "全年按时足额发放")
    assert project["year"] == 2025
    rows = actuals.indicators.select(
        "name", "target_raw", "actual_raw", "weight_given", "self_score", "deviation_reason"
    ).rows()
    # worked by hand: 指标性质 + 指标值 + 度量单位 joined (＝ reads as =); a bare 完成值 takes the
    # unit of its row's 度量单位
    assert rows == [
        ("发放人数", "≥120人", "120人", 40.0, 40.0, None),
        ("发放准确率", "=100%", "100%", 20.0, 20.0, None),
        ("教职工流失率", "≤5%", "5%", 20.0, 20.0, None),
        ("教职工满意度", "≥90%", "81%", 10.0, 9.0, "部分诉求未解决"),
    ]
    scores = score(actuals).project_scores.row(0, named=True)
    # worked by hand: execution 10 × 189/210 = 9; 40 + 20 + 20 (met) + 10 × 81/90 = 9 → 98
    assert (scores["execution_score"], scores["total"]) == (9.0, 98.0)


def test_two_row_header_and_points_in_level1_cells(tmp_path: Path) -> None:
    header = [
        [
            ("一级指标", 2, 1),
            ("二级指标", 2, 1),
            ("三级指标", 2, 1),
            ("年度指标值", 1, 3),
            ("实际完成值", 2, 1),
            ("分值", 2, 1),
            ("得分", 2, 1),
        ],
        ["指标性质", "指标值", "度量单位"],
    ]
    rows = [
        [("产出指标(50分)", 2, 1), "数量指标", "培训人数", "≥", "100", "人", "100", "", "25"],
        ["质量指标", "结业合格率", "﹦", "100", "%", "100", "", "25"],
        ["效益指标(30分)", "社会效益指标", "就业率", "≥", "80", "%", "80", "", "30"],
        ["满意度指标(10分)", "服务对象满意度指标", "学员满意度", "≥", "90", "%", "95", "", "10"],
    ]
    table = [
        ["项目名称", ("2025年职业技能培训项目", 1, 8)],
        ["实施单位", ("100003某市职业培训中心", 1, 8)],
        [("项目资金（万元）", 1, 2), "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", ("得分", 1, 2)],
        ["", "年度资金总额", "40", "40", "40", "10", "100%", ("10", 1, 2)],
        *header,
        *rows,
        [("总分", 1, 7), ("100", 1, 2)],
    ]
    actuals = load_actuals(write_docx(tmp_path / "two-rows.docx", table))
    assert actuals.projects["unit_code"].to_list() == ["100003"]
    got = actuals.indicators.select("level1", "target_raw", "weight_given").rows()
    # worked by hand: (50分) over two output indicators → 25 each; ﹦ reads as =
    assert got == [
        ("产出指标", "≥100人", 25.0),
        ("产出指标", "=100%", 25.0),
        ("效益指标", "≥80%", 30.0),
        ("满意度指标", "≥90%", 10.0),
    ]
    scores = score(actuals).project_scores.row(0, named=True)
    assert (scores["execution_score"], scores["total"], scores["self_total"]) == (10.0, 100.0, 100.0)


def test_transfer_payment_form_without_points_or_scores(tmp_path: Path) -> None:
    table = [
        ["项目名称", ("2025年农村饮水安全补助资金", 1, 5)],
        ["实施单位", ("某县水利局", 1, 5)],
        [("项目资金（万元）", 1, 3), "全年预算数(A)", "全年执行数(B)", "预算执行率(B/A)"],
        [("", 1, 2), "年度资金总额", "50", "45", "90%"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "全年完成值", "未完成原因和改进措施"],
        [("产出指标", 2, 1), "数量指标", "新建供水工程", "≥5处", "5处", ""],
        ["质量指标", "工程验收合格率", "≥95%", "100%", ""],
        ["效益指标", "社会效益指标", "受益人口", "≥2000人", "2100人", ""],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", ""],
    ]
    actuals = load_actuals(write_docx(tmp_path / "transfer.docx", table))
    project = actuals.projects.row(0, named=True)
    assert (project["budget_full"], project["executed"], project["self_total"]) == (50.0, 45.0, None)
    assert actuals.indicators["weight_given"].to_list() == [None] * 4
    card = score(actuals)
    scores = card.project_scores.row(0, named=True)
    # worked by hand with the default weights: execution 10 × 45/50 = 9; outputs 50 split over two
    # met indicators, benefits 30 and satisfaction 10 met → 9 + 50 + 30 + 10 = 99; no self-score
    assert (scores["execution_score"], scores["total"], scores["self_total"]) == (9.0, 99.0, None)
    assert card.indicator_scores["self_score"].to_list() == [None] * 4
    # every indicator met and no self-score given: nothing to compare, so no finding (no inflation)
    assert card.findings.height == 0


def test_a_hidden_row_of_an_xlsx_self_evaluation_is_no_live_indicator(tmp_path: Path) -> None:
    """A row hidden in the worksheet (a draft 受益老人数 row the unit hid) is left out, as the target
    reader leaves it out; before, it was read and scored as a live indicator."""
    hidden_row = ["效益指标", "社会效益指标", "草稿指标", "≥1人", "0人", "30", "0", ""]
    header = [[("绩效指标", 6, 1), *TEN_HEADER[0][1:]]]  # 绩效指标 merged down over the five rows
    rows = template_10(MERGED_FUNDING, header, [*TEN_ROWS[:3], hidden_row, TEN_ROWS[3]])
    path = write_xlsx(tmp_path / "selfeval.xlsx", rows)
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.active
    at = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 4).value == "草稿指标")
    sheet.row_dimensions[at].hidden = True
    book.save(path)
    # worked by hand: the four visible rows of TEN_ROWS, in order; 草稿指标 is not among them
    names = load_actuals(path).indicators["name"].to_list()
    assert names == ["助餐服务人次", "食品抽检合格率", "受益老人数", "老人满意度"]
