"""Kinds of published forms that defeated the reader (issue 23, real documents): the columns under a
merged target label, a unit cell that is also the department, money labels of other provinces, an
empty level-1 cell merged over its group, and a self-evaluation's funding written label | figure.

Every document is illustrative, built in the test; every expected value is worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.actuals import load_actuals
from perfkit.scoring import score
from tests.load.layout_docs import write_docx, write_xlsx

TITLE = "2025年干部培训项目绩效目标表"


def form(header: list[list], rows: list[list], money: list[list] | None = None, closing: list | None = None) -> list:
    """A target table seven grid columns wide: the project part, then ``header`` and ``rows``."""
    money = money or [["项目金额", ("100万元", 1, 3), "其中：财政资金", ("80万元", 1, 2)]]
    return [
        ["项目名称", ("干部培训", 1, 3), "实施单位", ("某市委党校", 1, 2)],
        *money,
        ["年度绩效目标", ("培训300人次", 1, 6)],
        *header,
        *rows,
        *([closing] if closing else []),
    ]


def test_a_year_in_the_sub_labels_of_the_target_names_the_target_column(tmp_path: Path) -> None:
    # 指标值 merged over last year's actual and this year's expected value (a 批复表): the target is
    # the expected value, last year's actual a column perfkit keeps as a note; a signature row closes
    header = [
        [
            ("绩效指标", 5, 1),
            ("一级指标", 2, 1),
            ("二级指标", 2, 1),
            ("三级指标", 2, 1),
            ("指标值", 1, 2),
            ("依据", 2, 1),
        ],
        ["2024年实际实现值", "预期2025年实现值"],
    ]
    rows = [
        [("产出指标", 2, 1), "数量指标", "培训人次", "250人次", "280人次", ""],
        ["质量指标", "培训完成率", "", "100%", ""],
        ["满意度指标", "服务对象满意度指标", "学员满意度", "", "≥95%", ""],
    ]
    closing = [("财政资金管理科室（盖章） 年 月 日", 1, 4), ("财政绩效管理科室（盖章） 年 月 日", 1, 3)]
    tables = load_targets(write_docx(tmp_path / "approved.docx", TITLE, form(header, rows, closing=closing)))
    # worked by hand: three indicators, their targets from the 预期2025年实现值 column
    assert tables.indicators.select("name", "target_raw", "target_value", "target_unit").rows() == [
        ("培训人次", "280人次", 280.0, "人次"),
        ("培训完成率", "100%", 100.0, "%"),
        ("学员满意度", "≥95%", 95.0, "%"),
    ]
    assert tables.indicators["notes"].to_list() == ["2024年实际实现值：250人次", None, None]
    assert tables.projects["unreadable"].to_list() == [None]


def test_two_years_of_target_labels_are_not_told_apart(tmp_path: Path) -> None:
    # 指标值 over 2024年指标值 | 2025年指标值: which column is this budget's target is not written
    header = [
        [
            ("绩效指标", 3, 1),
            ("一级指标", 2, 1),
            ("二级指标", 2, 1),
            ("三级指标", 2, 1),
            ("指标值", 1, 2),
            ("依据", 2, 1),
        ],
        ["2024年指标值", "2025年指标值"],
    ]
    rows = [["产出指标", "数量指标", "培训人次", "250人次", "280人次", ""]]
    # no column is the target: the file has no readable indicator and is refused, saying why
    with pytest.raises(InputError, match="指标表头缺少列：指标值"):
        load_targets(write_docx(tmp_path / "two-years.docx", TITLE, form(header, rows)))


def test_a_merged_target_label_keeps_the_column_its_sub_row_leaves_unlabelled(tmp_path: Path) -> None:
    # 预期指标值 over 符号 | (no label) | 单位(文字描述): the unlabelled column holds the value
    header = [
        [("四、绩效指标", 4, 1), ("一级指标", 2, 1), ("二级指标", 2, 1), ("三级指标", 2, 1), ("预期指标值", 1, 3)],
        ["符号", "", "单位(文字描述)"],
    ]
    rows = [
        ["产出指标", "质量指标", "覆盖率", ">=", "98", "%(百分比)"],
        ["满意度指标", "服务对象满意度指标", "满意度", ">=", "95", "%(百分比)"],
    ]
    grid = [["项目名称", ("干部培训", 1, 6)], ["预算数", ("100", 1, 6)], *header, *rows]
    tables = load_targets(write_docx(tmp_path / "split.docx", TITLE, grid))
    # worked by hand: >= | 98 | %(百分比) joined as ≥98%(百分比): ≥ 98 %, the bracket a note
    assert tables.indicators.select("target_op", "target_value", "target_unit", "target_kind").rows() == [
        (">=", 98.0, "%", "quantitative"),
        (">=", 95.0, "%", "quantitative"),
    ]


def test_a_unit_label_that_names_its_department_gives_both(tmp_path: Path) -> None:
    header = [[("绩效指标", 2, 1), "一级指标", "二级指标", "三级指标", ("指标值", 1, 3)]]
    rows = [["产出指标", "数量指标", "补贴人数", ("≥19人", 1, 3)]]
    grid = [
        ["项目名称", ("高龄津贴", 1, 6)],
        ["实施(主管)单位", ("314002-某县民政局机关", 1, 6)],
        ["预算数", ("6.84", 1, 6)],
        *header,
        *rows,
    ]
    project = load_targets(write_docx(tmp_path / "unit.docx", TITLE, grid)).projects.row(0, named=True)
    # worked by hand: the one cell is the unit (code and name) and its 主管 department
    assert (project["unit_code"], project["unit_name"], project["department"]) == (
        "314002",
        "某县民政局机关",
        "某县民政局机关",
    )


@pytest.mark.parametrize(
    ("money", "expected"),
    [
        # 当年市级财政资金 is the fiscal money of 项目金额
        ([["项目金额", ("164万元", 1, 3), "其中:当年市级财政资金", ("132万元", 1, 2)]], (164.0, 132.0)),
        # two parts of the fiscal money and no total: fiscal 250 + 0, the total not written
        ([["年度本级 预算金额", ("250万", 1, 3), "该项目支出上级资金", ("0", 1, 2)]], (None, 250.0)),
    ],
)
def test_money_labels_of_other_forms(tmp_path: Path, money: list, expected: tuple) -> None:
    header = [[("绩效指标", 2, 1), "一级指标", "二级指标", "三级指标", ("指标值", 1, 3)]]
    rows = [["产出指标", "数量指标", "培训人次", ("280人次", 1, 3)]]
    grid = form(header, rows, money)
    grid[0][0] = "项目支出名称"  # the Hunan form's 项目名称
    project = load_targets(write_docx(tmp_path / "money.docx", TITLE, grid)).projects.row(0, named=True)
    assert project["project_name"] == "干部培训"
    assert (project["budget_total"], project["budget_fiscal"]) == expected
    # a total that is not written is said, never made up from its parts
    assert (project["unreadable"] is not None) == (expected[0] is None)


# an empty level-1 cell merged over a group whose only level-2 label is 质量指标 (the stored
# copy of a worksheet lost the others)
EMPTY_GROUP = [
    [("", 3, 1), ("", 2, 1), "培训人次", "≥280人次", "300人次", "20", "20"],
    ["课程门数", "≥20门", "22门", "20", "20"],
    ["质量指标", "培训合格率", "≥95%", "90%", "10", "9"],
    ["满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "95%", "10", "10"],
]
SELFEVAL_HEADER = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]


def selfeval_form(rows: list[list]) -> list:
    return [
        ["项目名称", ("干部培训", 1, 6)],
        ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", "100", "100", "100", "10", "100%", "10"],
        SELFEVAL_HEADER,
        *rows,
        [("总分", 1, 6), "69"],
    ]


def test_an_empty_merged_level1_cell_is_the_group_its_level2_kinds_name(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "selfeval.xlsx", selfeval_form(EMPTY_GROUP))
    tables = load_targets(path)
    # worked by hand: the merged level-1 cell over the first three rows holds 质量指标 → 产出指标;
    # the two rows above 质量指标 have no level 2 (their cell is empty), and the reader says how it knew
    assert tables.indicators.select("level1", "level2").rows() == [
        ("产出指标", None),
        ("产出指标", None),
        ("产出指标", "质量指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]
    assert tables.indicators["notes"][0].startswith(
        "一级指标未填写，按同一合并单元格中的二级指标“质量指标”归入产出指标"
    )
    assert tables.projects["unreadable"].to_list() == [None]
    card = score(load_actuals(path))
    # worked by hand: 产出 weights 20 + 20 + 10 met, met, 10 × 90/95 = 9.4737; 满意度 10 met;
    # execution 10 → the group 产出 scored, not left unjudged
    assert card.indicator_scores["score"].round(4).to_list() == [20.0, 20.0, 9.4737, 10.0]


def test_a_level1_cell_left_empty_row_by_row_stays_unread(tmp_path: Path) -> None:
    # the same rows with separate empty cells: nothing ties the first two rows to 质量指标
    rows = [
        ["", "", "培训人次", "≥280人次", "300人次", "20", "20"],
        ["", "", "课程门数", "≥20门", "22门", "20", "20"],
        *EMPTY_GROUP[2:],
    ]
    tables = load_targets(write_xlsx(tmp_path / "selfeval.xlsx", selfeval_form(rows)))
    assert tables.indicators["level1"].to_list()[:2] == ["（一级指标未填写）"] * 2
    assert tables.projects["unreadable"][0].count("一级指标为空") == 2


def test_selfeval_funding_written_label_beside_figure(tmp_path: Path) -> None:
    # the 河北 form: 预算数 | 6.84 | 到位数 | 6.84 | 执行数 | 6.84 along a row, its parts below
    rows = [
        ["项目名称", ("高龄津贴", 1, 6)],
        [("预算执行情况", 3, 1), "预算数", "6.84", "到位数", "6.84", "执行数", "5.13"],
        ["其中:财政资金", "6.84", "其中:财政资金", "6.84", "其中:财政资金", "5.13"],
        ["其他", "0.00", "其他", "0.00", "其他", "0.00"],
        SELFEVAL_HEADER,
        ["产出指标", "数量指标", "补贴人数", "≥19人", "19人", "50", "50"],
    ]
    actuals = load_actuals(write_docx(tmp_path / "hebei.docx", "2025年度预算项目绩效自评表", rows))
    project = actuals.projects.row(0, named=True)
    # worked by hand: the first row's figures are the totals
    assert (project["budget_full"], project["executed"]) == (6.84, 5.13)
    # worked by hand: execution 10 × 5.13 / 6.84 = 7.5
    assert score(actuals).project_scores["execution_score"].to_list() == [7.5]
