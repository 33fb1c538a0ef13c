"""Self-evaluations shaped like the forms published in the field (see /work/shared/realworld):
two-row headers under a merged 绩效指标, deviation-reason variants, trailing rows, unfilled template rows,
repeated headers, stacked forms, unit codes, money scales and 度量单位 columns.

Every document is illustrative, made up in the test; every expected figure is worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.cli import main
from perfkit.errors import InputError
from perfkit.load.actuals import load_actuals
from perfkit.scoring import score
from tests.load.layout_docs import write_docx, write_xlsx

DEVIATION = "偏差原因分析及改进措施"


def funding(total_label: str = "年度资金总额", fiscal_label: str = "其中：当年财政拨款") -> list:
    """The 10号 money block, nine grid columns: 100 budgeted, 90 executed → rate 90%, 9 points."""
    return [
        [("项目资金（万元）", 4, 1), ("", 1, 2), "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [(total_label, 1, 2), "100", "100", "90", "10", "90%", "9"],
        [(fiscal_label, 1, 2), "80", "80", "72", "—", "—", "—"],
        [("其他资金", 1, 2), "20", "20", "18", "—", "—", "—"],
    ]


def form(
    header: list[list],
    rows: list[list],
    trailing: list[list] | None = None,
    unit: str = "某区养老服务中心",
    name: str = "2025年社区助餐服务项目",
    money: list[list] | None = None,
) -> list:
    """A 10号 form, nine grid columns wide, with the indicator ``header`` and ``rows`` given."""
    return [
        ["项目名称", (name, 1, 8)],
        ["主管部门", ("某区民政局", 1, 3), "实施单位", (unit, 1, 4)],
        *(money if money is not None else funding()),
        [("年度总体目标", 2, 1), ("预期目标", 1, 4), ("实际完成情况", 1, 4)],
        [("为老人提供助餐服务", 1, 4), ("全年助餐5200人次", 1, 4)],
        *header,
        *rows,
        *(trailing if trailing is not None else [[("总分", 1, 6), "96", ("", 1, 2)]]),
    ]


# the header of the provincial forms: 绩效指标 merged over the three levels, the levels below it
TWO_ROW_HEADER = [
    [("绩效指标", 1, 3), ("年度指标值", 2, 1), ("实际完成值", 2, 1), ("分值", 2, 1), ("得分", 2, 1), (DEVIATION, 2, 2)],
    ["一级指标", "二级指标", "三级指标"],
]
# four indicators, nine grid columns (the reason cell spans two)
ROWS = [
    [("产出指标", 2, 1), "数量指标", "助餐服务人次", "≥5000人次", "5200人次", "30", "30", ("", 1, 2)],
    ["质量指标", "食品抽检合格率", "≥98%", "99%", "20", "20", ("", 1, 2)],
    ["效益指标", "社会效益指标", "受益老人数", "≥300人", "270人", "30", "27", ("部分老人迁出", 1, 2)],
    ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "95%", "10", "10", ("", 1, 2)],
]
EXPECTED = [
    ("产出指标", "数量指标", "助餐服务人次", "≥5000人次", "5200人次", 30.0, 30.0),
    ("产出指标", "质量指标", "食品抽检合格率", "≥98%", "99%", 20.0, 20.0),
    ("效益指标", "社会效益指标", "受益老人数", "≥300人", "270人", 30.0, 27.0),
    ("满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "95%", 10.0, 10.0),
]
COLUMNS = ["level1", "level2", "name", "target_raw", "actual_raw", "weight_given", "self_score"]


def written(tmp_path: Path, rows: list, suffix: str = ".docx", name: str = "selfeval") -> Path:
    path = tmp_path / f"{name}{suffix}"
    return write_docx(path, "项目支出绩效自评表（2025年度）", rows) if suffix == ".docx" else write_xlsx(path, rows)


def indicators(path: Path, columns: list[str] = COLUMNS) -> list[tuple]:
    return load_actuals(path).indicators.select(columns).rows()


# --- 1. headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_two_row_header_with_levels_under_a_merged_label(tmp_path: Path, suffix: str) -> None:
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS), suffix)
    assert indicators(path) == EXPECTED
    scores = score(load_actuals(path)).project_scores.row(0, named=True)
    # worked by hand: execution 10 × 90/100 = 9; 30 + 20 + 30 × 270/300 = 27 + 10 → 96
    assert (scores["execution_score"], scores["total"], scores["self_total"]) == (9.0, 96.0, 96.0)


def test_vertical_label_over_the_whole_block_and_its_total(tmp_path: Path) -> None:
    # 绩效指标 written down the left over the header, the four rows and the 总分 row
    header = [
        [
            ("绩\n效\n指\n标", 6, 1),
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            DEVIATION,
        ]
    ]
    rows = [[*row[:-1], row[-1][0]] for row in ROWS]
    trailing = [[("总分", 1, 5), "96", ("", 1, 2)]]
    assert indicators(written(tmp_path, form(header, rows, trailing))) == EXPECTED


# --- 2. the deviation-reason column ------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "未完成原因及拟采取的改进措施",
        "偏差原因分析及改进措施",
        "未完成原因分析及改进措施",
        "偏差原因\n分析及\n改进措施",
        "未完成原因和改进措施",
        "偏差原因说明",  # a known stem and a suffix no list names
        "未完成原因及整改措施",
    ],
)
def test_deviation_reason_variants(tmp_path: Path, label: str) -> None:
    header = [
        [("绩效指标", 1, 3), ("年度指标值", 2, 1), ("实际完成值", 2, 1), ("分值", 2, 1), ("得分", 2, 1), (label, 2, 2)]
    ]
    header.append(["一级指标", "二级指标", "三级指标"])
    reasons = load_actuals(written(tmp_path, form(header, ROWS))).indicators["deviation_reason"].to_list()
    assert reasons == [None, None, "部分老人迁出", None]


# --- 3. the block ends where the form ends ------------------------------------------------------

TRAILING = [
    [("合计", 1, 6), "96", ("", 1, 2)],
    ["评价结论", ("良好", 1, 8)],
    ["存在问题", ("无", 1, 8)],
    ["审核意见", ("同意", 1, 8)],
    [("财政部门审核意见（盖章）", 1, 3), ("年 月 日", 1, 6)],
    ["其他需要说明事项", ("无", 1, 8)],
    ["说明", ("无", 1, 8)],
    ["备注", ("", 1, 8)],
    ["附件", ("绩效自评报告.pdf", 1, 8)],
    [("单位负责人：张三", 1, 3), ("填报人：李四", 1, 3), ("联系电话：0000-0000000", 1, 3)],
    [("填表日期：2026年1月10日", 1, 9)],
]


def test_rows_after_the_indicators_close_the_table(tmp_path: Path) -> None:
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, TRAILING))
    assert indicators(path) == EXPECTED
    assert load_actuals(path).projects["self_total"].to_list() == [96.0]


@pytest.mark.parametrize(
    "first",
    ["填报人：李四", "单位负责人：张三", "财政部门审核意见", "主管部门审核意见：同意", "注：1.一级指标分值统一设置"],
)
def test_a_signature_or_note_row_without_a_total_never_refuses(tmp_path: Path, first: str) -> None:
    # no 总分 row: the signature or note comes right after the last indicator
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, [[(first, 1, 4), ("", 1, 5)]]))
    assert indicators(path) == EXPECTED


def test_a_signature_line_of_a_text_export_with_fewer_cells(tmp_path: Path) -> None:
    # the Word plain-text export: a tab before each cell, a blank line between rows
    rows = [
        ["项目名称", "2025年社区助餐服务项目"],
        ["实施单位", "某区养老服务中心"],
        ["", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["年度资金总额", "100", "100", "90", "10", "90%", "9"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", DEVIATION],
        ["产出指标", "数量指标", "助餐服务人次", "≥5000人次", "5200人次", "50", "50", ""],
        ["填报人：李四", "联系电话：0000-0000000"],
    ]
    path = tmp_path / "selfeval.txt"
    path.write_text(
        "项目支出绩效自评表\n\n" + "\n\n".join("\n".join(f"\t{c}" for c in r) for r in rows) + "\n", "utf-8"
    )
    assert indicators(path, ["name", "actual_raw"]) == [("助餐服务人次", "5200人次")]


# --- 4. unfilled template rows --------------------------------------------------------------------------


def test_empty_unfilled_rows_are_skipped_and_recorded(tmp_path: Path) -> None:
    header = [["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", DEVIATION]]
    rows = [
        [
            ("", 9, 1),
            ("产出指标", 5, 1),
            ("数量指标", 3, 1),
            "指标1:助餐服务人次",
            "≥5000人次",
            "5200人次",
            "50",
            "50",
            "",
        ],
        ["指标2:", "", "", "", "", ""],
        ["……", "", "", "", "", ""],
        ["质量指标", "", "", "", "", "", ""],
        ["时效指标", "指标1:/", "/", "/", "", "", ""],
        [("效益指标", 3, 1), "经济效益指标", "", "", "", "", "", ""],
        ["社会效益指标", "受益老人数", "≥300人", "270人", "30", "27", "部分老人迁出"],
        ["…", "", "", "", "", "", ""],  # in the level-2 column, as the template's spare rows are
        ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "95%", "10", "10", ""],
    ]
    path = written(tmp_path, form(header, rows))
    actuals = load_actuals(path)
    assert actuals.indicators.select("level1", "level2", "name", "weight_given").rows() == [
        ("产出指标", "数量指标", "指标1:助餐服务人次", 50.0),
        ("效益指标", "社会效益指标", "受益老人数", 30.0),
        ("满意度指标", "服务对象满意度指标", "老人满意度", 10.0),
    ]
    # worked by hand: the 10号 form's rows are 1-2 name and unit, 3-6 money, 7-8 goals, 9 header,
    # so the unfilled_rows are on rows 11 (指标2:), 12 (……), 13 (质量指标), 14 (指标1:/), 15
    # (经济效益指标) and 17 (…) of 表1
    unfilled_rows = actuals.projects["selfeval_unfilled_rows"].to_list()[0]
    assert [(p["source_ref"], p["level2"], p["text"]) for p in unfilled_rows] == [
        ("表1第11行", "数量指标", "指标2:"),
        ("表1第12行", "数量指标", "……"),
        ("表1第13行", "质量指标", ""),
        ("表1第14行", "时效指标", "指标1:/"),
        ("表1第15行", "经济效益指标", ""),
        ("表1第17行", "社会效益指标", "…"),
    ]
    card = score(actuals)
    scores = card.project_scores.row(0, named=True)
    # worked by hand: no weight for an unfilled row: 9 + 50 + 30 × 270/300 = 27 + 10 → 96
    assert scores["total"] == 96.0
    # and one low finding names the six rows (the rule "selfeval_unfilled_rows")
    named = card.findings.filter(card.findings["rule_id"] == "selfeval_unfilled_rows").rows(named=True)
    assert [(f["severity"], f["evidence"]) for f in named] == [
        ("low", "空行位置：表1第11行、表1第12行、表1第13行、表1第14行、表1第15行、表1第17行")
    ]


# --- 5. a repeated header ----------------------------------------------------------------------------


def test_header_repeated_mid_table_is_not_an_indicator(tmp_path: Path) -> None:
    repeat = [("绩效指标", 1, 3), "年度指标值", "实际完成值", "分值", "得分", (DEVIATION, 1, 2)]
    again = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", (DEVIATION, 1, 2)]
    rows = [ROWS[0], ROWS[1], repeat, again, ROWS[2], ROWS[3]]
    assert indicators(written(tmp_path, form(TWO_ROW_HEADER, rows))) == EXPECTED


# --- 6. satisfaction over both level columns --------------------------------------------------------


def test_satisfaction_label_merged_over_both_levels(tmp_path: Path) -> None:
    rows = [*ROWS[:3], [("满意度指标", 1, 2), "老人满意度", "≥90%", "95%", "10", "10", ("", 1, 2)]]
    got = indicators(written(tmp_path, form(TWO_ROW_HEADER, rows)), ["level1", "level2", "name"])
    # decided: the 10号 system has one level-2 kind under satisfaction, so a label spanning both
    # columns gives level 2 that kind
    assert got[3] == ("满意度指标", "服务对象满意度指标", "老人满意度")


def test_other_label_merged_over_both_levels_repeats_itself(tmp_path: Path) -> None:
    rows = [*ROWS[:2], [("效益指标", 1, 2), "受益老人数", "≥300人", "270人", "30", "27", ("", 1, 2)], ROWS[3]]
    got = indicators(written(tmp_path, form(TWO_ROW_HEADER, rows)), ["level1", "level2"])
    assert got[2] == ("效益指标", "效益指标")


# --- 7. funding rows ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "fiscal"),
    [("年度资金总额:", " 其中:本年财政拨款"), ("年度资金总额：", "其中：当年财政拨款"), ("  资金总额", "本年财政拨款")],
)
def test_funding_labels_with_colons_and_spaces(tmp_path: Path, total: str, fiscal: str) -> None:
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, money=funding(total, fiscal)))
    project = load_actuals(path).projects.row(0, named=True)
    assert [project[k] for k in ("budget_initial", "budget_full", "executed", "self_execution_score")] == [
        100.0, 100.0, 90.0, 9.0
    ]  # fmt: skip


# --- 8. stacked forms and every sheet ---------------------------------------------------------------------


def test_two_forms_on_one_sheet_and_a_third_on_another(tmp_path: Path) -> None:
    first = form(TWO_ROW_HEADER, ROWS)
    one_row = [["产出指标", *ROWS[0][1:]]]
    second = form(TWO_ROW_HEADER, one_row, name="2025年老年食堂建设项目", unit="某区民政局")
    between = [[("项目支出绩效自评表", 1, 9)], [("（2025年度）", 1, 9)]]
    third = form(TWO_ROW_HEADER, ROWS, name="2025年助浴服务项目")
    path = write_xlsx(tmp_path / "two.xlsx", [*first, [""], *between, *second], more={"第二张": third})
    actuals = load_actuals(path)
    assert actuals.projects["project_name"].to_list() == [
        "2025年社区助餐服务项目", "2025年老年食堂建设项目", "2025年助浴服务项目"
    ]  # fmt: skip
    counts = actuals.indicators.group_by("project_name", maintain_order=True).len()["len"].to_list()
    assert counts == [4, 1, 4]
    assert actuals.projects["year"].to_list() == [2025, 2025, 2025]


# --- 9. a unit code joined by a hyphen ------------------------------------------------------------------


@pytest.mark.parametrize("dash", ["-", "－", "—", " - "])
def test_unit_code_and_name_joined_by_a_hyphen(tmp_path: Path, dash: str) -> None:
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, unit=f"031001{dash}某县科学技术局"))
    project = load_actuals(path).projects.row(0, named=True)
    assert (project["unit_code"], project["unit_name"]) == ("031001", "某县科学技术局")


# --- 10. money scale ----------------------------------------------------------------------------------------


def yuan_funding(label: str = "项目资金", total: tuple = ("1000000", "1000000", "900000")) -> list:
    rows = funding()
    rows[0][0] = (label, 4, 1)
    rows[1][1:4] = list(total)
    return rows


def test_scale_from_a_line_above_the_table(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "s.docx", "项目支出绩效自评表", "单位：元", form(TWO_ROW_HEADER, ROWS, money=yuan_funding())
    )
    project = load_actuals(path).projects.row(0, named=True)
    # worked by hand: 1,000,000 元 = 100 万元, 900,000 元 = 90 万元
    assert [project[k] for k in ("budget_initial", "budget_full", "executed")] == [100.0, 100.0, 90.0]


def test_scale_from_a_label_bracket(tmp_path: Path) -> None:
    money = yuan_funding("项目资金")
    money[0][2] = "年初预算数（元）"
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, money=money))
    assert load_actuals(path).projects["budget_full"].to_list() == [100.0]


def test_scale_from_a_value_unit(tmp_path: Path) -> None:
    money = yuan_funding("项目资金", ("100万元", "1000000元", "90万"))
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, money=money))
    project = load_actuals(path).projects.row(0, named=True)
    assert [project[k] for k in ("budget_initial", "budget_full", "executed")] == [100.0, 100.0, 90.0]


def test_two_scales_that_disagree_are_refused_naming_both(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "s.docx", "单位：元", form(TWO_ROW_HEADER, ROWS, money=yuan_funding("项目资金（万元）"))
    )
    with pytest.raises(InputError) as error:
        load_actuals(path)
    assert "单位：元" in error.value.message and "项目资金（万元）" in error.value.message


# --- 11. the 度量单位 column ------------------------------------------------------------------------------------


def test_actual_takes_the_unit_of_the_measure_column(tmp_path: Path) -> None:
    header = [
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分"],
    ]
    rows = [
        [("产出指标", 2, 1), "数量指标", "助餐服务人次", "≥", "5000", "人次", "5200", "30", "30"],
        ["时效指标", "完成时间", "≤", "10", "月", "8", "20", "20"],
        ["效益指标", "社会效益指标", "受益老人数", "≥", "300", "人", "270人", "30", "27"],
        ["满意度指标", "服务对象满意度指标", "老人满意度", "≥", "90", "%", "95", "10", "10"],
    ]
    path = written(tmp_path, form(header, rows, [[("合计", 1, 7), "100", "96"]]))
    got = indicators(path, ["target_raw", "actual_raw"])
    # worked by hand: a bare actual takes the unit of its row; one written with a unit keeps it
    assert got == [("≥5000人次", "5200人次"), ("≤10月", "8月"), ("≥300人", "270人"), ("≥90%", "95%")]
    card = score(load_actuals(path))
    # worked by hand: met, by August against October (met), 30 × 270/300 = 27, met → 30, 20, 27, 10
    assert card.indicator_scores["score"].to_list() == [30.0, 20.0, 27.0, 10.0]


# --- through the command line ---------------------------------------------------------------------------------


def test_cli_scores_a_provincial_form_with_trailing_rows(tmp_path: Path, capsys) -> None:
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, TRAILING))
    assert main(["score", "--actuals", str(path), "-o", str(tmp_path / "out")]) == 0
    import polars as pl

    scores = pl.read_csv(tmp_path / "out" / "project_scores.csv")
    # worked by hand as above: 9 + 30 + 20 + 27 + 10 = 96
    assert scores["total"].to_list() == [96.0]
    assert pl.read_csv(tmp_path / "out" / "indicator_scores.csv").height == 4


def test_cli_scores_stacked_forms(tmp_path: Path) -> None:
    first = form(TWO_ROW_HEADER, ROWS)
    second = form(TWO_ROW_HEADER, ROWS, name="2025年老年食堂建设项目")
    path = write_xlsx(tmp_path / "two.xlsx", [*first, *second])
    assert main(["score", "--actuals", str(path), "-o", str(tmp_path / "out")]) == 0
    import polars as pl

    assert pl.read_csv(tmp_path / "out" / "project_scores.csv")["total"].to_list() == [96.0, 96.0]


# --- found in the corpus run ----------------------------------------------------------------------------------


def test_second_header_row_of_unknown_words_under_merged_labels(tmp_path: Path) -> None:
    # budget-system export: 预期指标值 over 符号 | (no label) | 单位(文字描述), 自评得分 over 单项指标得分 |
    # 权重占比(%) | 单项指标折算得分; the other header cells reach down over the second row
    header = [
        [
            ("一级指标", 2, 1),
            ("二级指标", 2, 1),
            ("三级指标", 2, 1),
            ("预期指标值", 1, 3),
            ("实际完成值", 2, 1),
            ("自评得分", 1, 3),
        ],
        ["符号", "", "单位(文字描述)", "单项指标得分", "权重占比(%)", "单项指标折算得分"],
    ]
    rows = [
        ["产出指标", "质量指标", "发放准确率", ">=", "98", "%", "100%", "50", "50", "25"],
        ["效益指标", "社会效益指标", "受益老人数", ">=", "300", "人", "270人", "27", "30", "8.1"],
    ]
    table = [["项目名称", ("2025年高龄津贴", 1, 9)], *header, *rows]
    got = indicators(written(tmp_path, table), ["target_raw", "actual_raw", "weight_given", "self_score"])
    # worked by hand: the value sits in the unlabelled column (ASCII >= read as ≥); 权重占比 is the
    # weight, 单项指标得分 the score
    assert got == [("≥98%", "100%", 50.0, 50.0), ("≥300人", "270人", 30.0, 27.0)]


def test_level1_cell_with_only_its_points_is_named_by_its_level2_kinds(tmp_path: Path) -> None:
    # the vertical words of the level-1 cells lost in conversion: only (50分) / (30分) are left
    header = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", (DEVIATION, 1, 2)]]
    rows = [
        [("\n\n(50分)", 2, 1), "数量指标", "助餐服务人次", "≥5000人次", "5200人次", "", "", ("", 1, 2)],
        ["质量指标", "食品抽检合格率", "≥98%", "99%", "", "", ("", 1, 2)],
        ["\n\n(30分)", "社会效益指标", "受益老人数", "≥300人", "270人", "", "", ("", 1, 2)],
        ["满意度指标(10分)", "服务对象满意度指标", "老人满意度", "≥90%", "95%", "", "", ("", 1, 2)],
    ]
    got = indicators(written(tmp_path, form(header, rows)), ["level1", "weight_given"])
    # worked by hand: (50分) over two output indicators → 25 each
    assert got == [("产出指标", 25.0), ("产出指标", 25.0), ("效益指标", 30.0), ("满意度指标", 10.0)]


def test_level1_points_whose_opening_bracket_is_lost(tmp_path: Path) -> None:
    header = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", (DEVIATION, 1, 2)]]
    rows = [
        [("产出指标\n(50)", 2, 1), "数量指标", "助餐服务人次", "≥5000人次", "5200人次", "", "", ("", 1, 2)],
        ["质量指标", "食品抽检合格率", "≥98%", "99%", "", "", ("", 1, 2)],
        ["效益指标\n30分) ", "社会效益指标", "受益老人数", "≥300人", "270人", "", "", ("", 1, 2)],
        ["满意度指标(10分)", "服务对象满意度指标", "老人满意度", "≥90%", "95%", "", "", ("", 1, 2)],
    ]
    got = indicators(written(tmp_path, form(header, rows)), ["level1", "weight_given"])
    # worked by hand: 30分) is the benefit group's points (its 分 says so), not part of its name
    assert got == [("产出指标", 25.0), ("产出指标", 25.0), ("效益指标", 30.0), ("满意度指标", 10.0)]


# --- money blocks without 全年预算数 ----------------------------------------------------------------


def test_a_money_block_without_a_full_year_budget_measures_execution_against_the_initial(tmp_path: Path) -> None:
    money = [
        [("预算执行情况（10分）", 3, 1), ("", 1, 2), "年初预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"],
        [("年度资金总额", 1, 2), "50", "45", "10", "90%", "9"],
        [("其中：财政拨款", 1, 2), "50", "45", "-", "-", "-"],
    ]
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, money=money))
    project = load_actuals(path).projects.row(0, named=True)
    assert [project[k] for k in ("budget_initial", "budget_full", "executed")] == [50.0, None, 45.0]
    # worked by hand: no 全年预算数, so B/A with A = 年初预算数: 45 / 50 = 90% → 10 × 0.9 = 9
    assert score(load_actuals(path)).project_scores["execution_score"].to_list() == [9.0]


def test_a_budget_over_its_execution_and_a_fiscal_total_row(tmp_path: Path) -> None:
    money = [
        [
            ("预算执行情况(万元)(20分)", 1, 2),
            ("预算数(A)", 1, 2),
            "执行数(B)",
            "执行率(B/A)",
            ("得分(20分*执行率)", 1, 2),
        ],
        [("年度财政资金总额", 1, 2), ("200", 1, 2), "195.5", "97.75%", ("19.55", 1, 2)],
    ]
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, money=money))
    project = load_actuals(path).projects.row(0, named=True)
    # worked by hand: 预算数 is what execution is measured against; 195.5 / 200 = 97.75% → 10 × 0.9775 = 9.775
    assert [project[k] for k in ("budget_full", "executed")] == [200.0, 195.5]
    assert score(load_actuals(path)).project_scores["execution_score"].to_list() == [9.775]


def test_a_total_row_left_at_zero_over_parts_that_hold_money_is_the_sum_of_its_parts(tmp_path: Path) -> None:
    money = funding()
    money[1] = [("年度资金总额", 1, 2), "0", "0", "0", "10", "0", "0"]
    path = written(tmp_path, form(TWO_ROW_HEADER, ROWS, money=money))
    project = load_actuals(path).projects.row(0, named=True)
    # worked by hand: parts 80 + 20 budgeted, 72 + 18 executed; the self-score 0 stays as written
    assert [project[k] for k in ("budget_initial", "budget_full", "executed", "self_execution_score")] == [
        100.0, 100.0, 90.0, 0.0
    ]  # fmt: skip
    assert score(load_actuals(path)).project_scores["execution_score"].to_list() == [9.0]  # 10 × 90 / 100


def test_a_total_row_of_zero_over_empty_parts_stays_zero(tmp_path: Path) -> None:
    money = funding()
    money[1] = [("年度资金总额", 1, 2), "0", "0", "0", "10", "0", "0"]
    money[2] = [("其中：当年财政拨款", 1, 2), "", "", "", "—", "—", "—"]
    money[3] = [("其他资金", 1, 2), "", "", "", "—", "—", "—"]
    project = load_actuals(written(tmp_path, form(TWO_ROW_HEADER, ROWS, money=money))).projects.row(0, named=True)
    # nothing to add up: the total stays as written
    assert [project[k] for k in ("budget_full", "executed")] == [0.0, 0.0]


def test_money_labels_with_their_figures_beside_them_are_no_column_headers(tmp_path: Path) -> None:
    money = [[("预算执行情况", 1, 2), "预算数:", "100", "执行数:", "90", ("", 1, 3)]]
    project = load_actuals(written(tmp_path, form(TWO_ROW_HEADER, ROWS, money=money))).projects.row(0, named=True)
    # no column of figures under 预算数 / 执行数, so no total row is looked for (and none refused for its
    # absence); worked by hand: they are label–value pairs, 预算数 100 and 执行数 90
    assert [project[k] for k in ("budget_full", "executed")] == [100.0, 90.0]
