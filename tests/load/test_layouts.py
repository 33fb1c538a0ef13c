"""Target-table layouts beyond the seed's, read by labels on a grid of merged cells.

Every document here is illustrative, built in the test with python-docx (merged cells where the
layout has them); every expected value is worked out by hand from the cells written.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from perfkit.errors import InputError
from perfkit.load import load_targets
from tests.load.layout_docs import write_docx
from tests.seed_expected import INDICATORS, PROJECTS

TARGET_COLUMNS = ["level1", "level2", "name", "target_raw", "target_op", "target_value", "target_unit", "target_kind"]


def indicator_rows(tables, *columns: str) -> list[tuple]:
    return tables.indicators.select(columns or TARGET_COLUMNS).rows()


def central_table(budget_rows: list[list], goal: str = "1.开展职业技能培训不少于10期。\n2.帮助800人实现就业。") -> list:
    """The central-government layout: 项目资金（万元） merged down over the budget rows, 绩效指标
    merged down over the indicator part, no description column."""
    return [
        ["项目名称", ("2025年就业服务项目", 1, 4)],
        ["主管部门及代码", "[123]某市人力资源和社会保障局", "实施单位", ("某市就业服务中心", 1, 2)],
        *budget_rows,
        ["年度总体目标", (goal, 1, 4)],
        [("绩效指标", 5, 1), "一级指标", "二级指标", "三级指标", "指标值"],
        [("产出指标", 2, 1), "数量指标", "培训期数", "≥10期"],
        ["质量指标", "培训合格率", "≥90%"],
        ["效益指标", "社会效益指标", "实现就业人数", "≥800人"],
        ["满意度指标", "服务对象满意度指标", "参训人员满意度", "≥95%"],
    ]


CENTRAL_BUDGET = [
    [("项目资金（万元）", 3, 1), "年度资金总额", ("120.00", 1, 3)],
    ["其中：财政拨款", ("100.00", 1, 3)],
    ["其他资金", ("20.00", 1, 3)],
]


def test_central_style(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "central.docx", "2025年就业服务项目绩效目标表", central_table(CENTRAL_BUDGET))
    tables = load_targets(path)
    project = tables.projects.row(0, named=True)
    # worked by hand: 年度资金总额 120.00, 其中：财政拨款 100.00, 其他资金 20.00 (万元 from the label);
    # the unit is named by 实施单位 and has no code; [123] is the department's code
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (120.0, 100.0, 20.0)
    assert (project["unit_code"], project["unit_name"]) == ("", "某市就业服务中心")
    assert project["department"] == "某市人力资源和社会保障局"
    assert project["purpose"] == ""
    assert project["goal_text"] == "1.开展职业技能培训不少于10期。\n2.帮助800人实现就业。"
    assert project["year"] == 2025
    assert project["project_id"].startswith("n")  # a unit known by name
    # worked by hand: 产出指标 is merged over two rows, so the second row inherits it
    assert indicator_rows(tables) == [
        ("产出指标", "数量指标", "培训期数", "≥10期", ">=", 10.0, "期", "quantitative"),
        ("产出指标", "质量指标", "培训合格率", "≥90%", ">=", 90.0, "%", "quantitative"),
        ("效益指标", "社会效益指标", "实现就业人数", "≥800人", ">=", 800.0, "人", "quantitative"),
        ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥95%", ">=", 95.0, "%", "quantitative"),
    ]
    assert tables.indicators["period"].to_list() == ["annual"] * 4
    assert tables.indicators["source_ref"][0] == "表1第8行"


def test_the_same_document_gives_the_same_project_id(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "central.docx", "2025年就业服务项目绩效目标表", central_table(CENTRAL_BUDGET))
    assert load_targets(path).projects["project_id"].to_list() == load_targets(path).projects["project_id"].to_list()


def test_money_scale_in_a_paragraph_above_the_table(tmp_path: Path) -> None:
    budget = [
        [("项目资金", 3, 1), "年度资金总额", ("50000", 1, 3)],
        ["其中：财政拨款", ("30000", 1, 3)],
        ["其他资金", ("20000", 1, 3)],
    ]
    path = write_docx(tmp_path / "yuan.docx", "2025年就业服务项目绩效目标表", "单位：元", central_table(budget))
    project = load_targets(path).projects.row(0, named=True)
    # worked by hand: 50000 元 = 5 万元, 30000 元 = 3 万元, 20000 元 = 2 万元
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (5.0, 3.0, 2.0)


def test_money_scale_in_a_budget_label(tmp_path: Path) -> None:
    table = [
        ["单位编码", "100001", "单位名称", "某市第一中学"],
        ["项目名称", ("2025年校舍维修项目", 1, 3)],
        ["预算数（元）", "500000", "其中：财政资金", "400000"],
        ["其他资金", ("100000", 1, 3)],
        ["绩效目标", ("完成校舍维修2000平方米", 1, 3)],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维修面积", "≥2000平方米"],
    ]
    tables = load_targets(write_docx(tmp_path / "label.docx", table))
    project = tables.projects.row(0, named=True)
    # worked by hand: 500000 / 400000 / 100000 元 → 50 / 40 / 10 万元; the code comes from 单位编码
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (50.0, 40.0, 10.0)
    assert (project["unit_code"], project["unit_name"]) == ("100001", "某市第一中学")
    assert project["project_id"].startswith("100001-")


def test_an_overall_goal_with_an_annual_goal_below_it(tmp_path: Path) -> None:
    table = central_table(CENTRAL_BUDGET)
    goal_at = next(i for i, row in enumerate(table) if row[0] == "年度总体目标")
    table[goal_at : goal_at + 1] = [
        [("总体目标", 2, 1), ("实施期目标", 1, 2), ("年度目标", 1, 2)],
        [("三年培训3000人", 1, 2), ("培训1000人", 1, 2)],
    ]
    project = load_targets(write_docx(tmp_path / "goals.docx", table)).projects.row(0, named=True)
    # worked by hand: each goal label has another label beside it, so its value is the cell below
    assert (project["goal_text"], project["goal_long_term"], project["purpose"]) == ("培训1000人", "三年培训3000人", "")


def hunan_table(annual_title: str = "年度绩效指标", long_title: str = "长期绩效指标") -> list:
    funding = (
        "总额10606.7522万元财政拨款:6923.3552万元(其中:上级财政资金:5000万元;本级财政:1923.3552万元) "
        "二、自有资金:0万元 三、其他:3683.3970万元"
    )
    return [
        ["项目名称", ("2025年农村公路养护项目", 1, 5)],
        ["项目属性", ("新增项目□延续项目√", 1, 5)],
        ["主管部门", "某县交通运输局", "主管部门编码", "301", "项目单位", "某县公路养护中心"],
        ["项目负责人", "张三", "项目起止时间", ("2023年1月-2025年12月", 1, 3)],
        ["项目资金", (funding, 1, 5)],
        [("项目绩效目标", 2, 1), ("长期目标", 1, 2), ("年度目标", 1, 3)],
        [("到2025年累计养护农村公路360公里", 1, 2), ("2025年养护农村公路120公里", 1, 3)],
        [(long_title, 1, 6)],
        ["一级指标", "二级指标", "指标内容", "指标值", ("备注", 1, 2)],
        ["产出指标", "数量指标", "养护公路里程", "≥360公里", ("三年合计", 1, 2)],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", ("", 1, 2)],
        [(annual_title, 1, 6)],
        ["一级指标", "二级指标", "指标内容", "指标值", ("备注", 1, 2)],
        [("产出指标", 2, 1), "数量指标", "养护公路里程", "≥120公里", ("", 1, 2)],
        ["质量指标", "路面优良率", "≥85%", ("", 1, 2)],
        ["效益指标", "社会效益指标", "通行条件改善", "明显改善", ("定性", 1, 2)],
    ]


@pytest.mark.parametrize(
    ("annual", "long_term"), [("年度绩效指标", "长期绩效指标"), ("本年度绩效指标", "总目标绩效指标")]
)
def test_hunan_style(tmp_path: Path, annual: str, long_term: str) -> None:
    tables = load_targets(
        write_docx(tmp_path / "hunan.docx", "某县2025年项目绩效目标表", hunan_table(annual, long_term))
    )
    project = tables.projects.row(0, named=True)
    # worked by hand from the funding text: 总额 10606.7522; 财政拨款 6923.3552 (上级 5000 + 本级
    # 1923.3552 are its parts, not added again); other = 自有资金 0 + 其他 3683.3970 = 3683.397
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (
        10606.7522,
        6923.3552,
        3683.397,
    )
    assert (project["unit_code"], project["unit_name"], project["department"]) == (
        "",
        "某县公路养护中心",
        "某县交通运输局",
    )
    assert project["project_kind"] == "延续"
    assert (project["goal_long_term"], project["goal_text"]) == (
        "到2025年累计养护农村公路360公里",
        "2025年养护农村公路120公里",
    )
    assert project["purpose"] == ""
    assert indicator_rows(
        tables, "period", "level1", "level2", "name", "target_op", "target_value", "target_unit", "notes"
    ) == [
        ("long_term", "产出指标", "数量指标", "养护公路里程", ">=", 360.0, "公里", "备注：三年合计"),
        ("long_term", "满意度指标", "服务对象满意度指标", "群众满意度", ">=", 90.0, "%", None),
        ("annual", "产出指标", "数量指标", "养护公路里程", ">=", 120.0, "公里", None),
        ("annual", "产出指标", "质量指标", "路面优良率", ">=", 85.0, "%", None),
        ("annual", "效益指标", "社会效益指标", "通行条件改善", None, None, None, "备注：定性"),
    ]


def test_checks_read_the_annual_indicators(tmp_path: Path) -> None:
    from perfkit.checks import run_checks

    tables = load_targets(write_docx(tmp_path / "hunan.docx", "某县2025年项目绩效目标表", hunan_table()))
    findings = run_checks(tables)
    # worked by hand: the two long-term indicators are seq 1 and 2; no finding may point at them
    assert not findings.filter(pl.col("seq").is_in([1, 2])).height
    # worked by hand: the annual block has no satisfaction indicator (only the long-term block has one)
    assert "missing_level1" in findings["rule_id"].to_list()


def test_application_form_with_extra_columns(tmp_path: Path) -> None:
    table = [
        ["项目名称", ("2025年社区养老服务项目", 1, 7)],
        ["预算单位", ("100002某区民政局", 1, 7)],
        ["预算数", "80", "财政资金", "80", "其他资金", ("0", 1, 3)],
        ["绩效目标", ("为社区老人提供助餐服务", 1, 7)],
        ["一级指标", "二级指标", "三级指标", "指标值", "权重", "评（扣）分标准", "指标解释", "数据来源"],
        ["产出指标", "数量指标", "★助餐服务人次", "≥5000人次", "30", "每少100人次扣1分", "全年累计", "台账"],
        ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%", "10", "", "", ""],
    ]
    tables = load_targets(write_docx(tmp_path / "form.docx", table))
    project = tables.projects.row(0, named=True)
    assert (project["unit_code"], project["unit_name"], project["budget_total"]) == ("100002", "某区民政局", 80.0)
    # worked by hand: ★ marks the first indicator core and is not part of its name; 权重 → weight;
    # 评（扣）分标准 and 指标解释 are kept as notes, and so is 数据来源, a label perfkit does not know
    assert indicator_rows(tables, "name", "target_value", "weight", "core", "notes") == [
        ("助餐服务人次", 5000.0, 30.0, True, "评（扣）分标准：每少100人次扣1分；指标解释：全年累计；数据来源：台账"),
        ("老人满意度", 90.0, 10.0, False, None),
    ]


def test_split_comparator_in_a_document_table(tmp_path: Path) -> None:
    table = [
        ["项目名称", ("2025年河道保洁项目", 1, 5)],
        ["实施单位", ("某区水务局", 1, 5)],
        ["预算数", "30", "财政资金", "30", "其他资金", ""],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
        ["产出指标", "数量指标", "保洁河道长度", "≥", "12", "公里"],
        ["产出指标", "时效指标", "完成时间", "﹦", "12", "月"],
        ["效益指标", "生态效益指标", "水质改善", "定性", "明显改善", ""],
    ]
    tables = load_targets(write_docx(tmp_path / "split.docx", table))
    # worked by hand: 指标性质 + 指标值 + 度量单位 joined back; ﹦ (U+FE66) reads as =; 定性 keeps the text
    assert indicator_rows(tables, "target_raw", "target_op", "target_value", "target_unit", "target_kind") == [
        ("≥12公里", ">=", 12.0, "公里", "quantitative"),
        ("=12月", "=", 12.0, "月", "quantitative"),
        ("明显改善", None, None, None, "qualitative"),
    ]


def test_seed_content_in_central_style_gives_the_seed_indicators(tmp_path: Path, seed_tables) -> None:
    blocks: list = []
    for number, project in enumerate(PROJECTS, start=1):
        rows = [ind for ind in INDICATORS if ind[0] == number]
        blocks.append(f"{number}.{project['project_name']}绩效目标表")
        blocks.append(
            [
                ["项目名称", (project["project_name"], 1, 4)],
                ["主管部门及代码", "[001]某主管部门", "实施单位", (project["unit_name"], 1, 2)],
                [("项目资金（万元）", 3, 1), "年度资金总额", (f"{project['budget_total']:.2f}", 1, 3)],
                ["其中：财政拨款", (f"{project['budget_fiscal']:.2f}", 1, 3)],
                ["其他资金", (f"{project['budget_other']:.2f}", 1, 3)],
                ["年度总体目标", (project["goal_text"], 1, 4)],
                [("绩效指标", len(rows) + 1, 1), "一级指标", "二级指标", "三级指标", "指标值"],
                *[[ind[2], ind[3], ind[4], ind[6]] for ind in rows],
            ]
        )
    tables = load_targets(write_docx(tmp_path / "seed-central.docx", *blocks))
    same = ["seq", *TARGET_COLUMNS]
    assert tables.indicators.select(same).equals(seed_tables.indicators.select(same))
    budgets = ["project_name", "unit_name", "budget_total", "budget_fiscal", "budget_other", "goal_text"]
    assert tables.projects.select(budgets).equals(seed_tables.projects.select(budgets))


def test_an_error_names_the_table_among_all_tables(tmp_path: Path) -> None:
    contents = [["序号", "文件"], ["1", "附件说明"]]  # a table that is not a target table comes first
    bad = central_table(
        [
            [("项目资金（万元）", 3, 1), "年度资金总额", ("一百", 1, 3)],
            ["其中：财政拨款", ("100", 1, 3)],
            ["其他资金", ("0", 1, 3)],
        ]
    )
    with pytest.raises(InputError) as error:
        load_targets(write_docx(tmp_path / "bad.docx", contents, "2025年就业服务项目绩效目标表", bad), strict=True)
    # worked by hand: the target table is the document's second table; the figure is in row 3, cell 3
    assert error.value.one_line() == f"{tmp_path / 'bad.docx'}: 表2第3行第3格: 预算数“一百”不是数字"


@pytest.mark.parametrize(
    ("above", "budget_header"), [("", "预算数（元）"), ("单位：元\n", "预算数"), ("", "预算数（万元）")]
)
def test_money_scale_of_a_csv(tmp_path: Path, above: str, budget_header: str) -> None:
    header = f"单位编码,单位名称,年度,项目名称,{budget_header},财政资金,其他资金,一级指标,二级指标,三级指标,指标值\n"
    row = "100004,某区图书馆,2025,2025年阅读推广项目,50000,50000,0,产出指标,数量指标,讲座场次,≥12场\n"
    path = tmp_path / "flat.csv"
    path.write_text(above + header + row, encoding="utf-8")
    project = load_targets(path).projects.row(0, named=True)
    # worked by hand: 50000 元 = 5 万元; a header in 万元 keeps the figure as written
    expected = 50000.0 if "万元" in budget_header else 5.0
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (expected, expected, 0.0)


def test_a_csv_without_unit_codes_loads_by_unit_name(tmp_path: Path) -> None:
    path = tmp_path / "flat.csv"
    path.write_text(
        "单位名称,项目名称,预算数,一级指标,二级指标,三级指标,指标值\n某区图书馆,2025年阅读推广项目,5,产出指标,数量指标,讲座场次,≥12场\n",
        encoding="utf-8",
    )
    tables = load_targets(path)
    assert tables.projects.select("unit_code", "unit_name").row(0) == ("", "某区图书馆")
    assert tables.indicators["unit_code"].to_list() == [""]


def test_central_style_as_pdf_reads_like_the_docx(tmp_path: Path) -> None:
    """The same central-style table printed to PDF by LibreOffice: merged cells across columns come
    back from the PDF as spans on the grid, so the label reader sees what it sees in the .docx."""
    import subprocess

    from tests.conftest import client

    soffice = client("writer", "soffice")
    word = write_docx(tmp_path / "central.docx", "2025年就业服务项目绩效目标表", central_table(CENTRAL_BUDGET))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(word)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    from_word, from_pdf = load_targets(word), load_targets(tmp_path / "central.pdf")
    fields = ["budget_total", "budget_fiscal", "budget_other", "unit_code", "unit_name", "department", "goal_text"]
    assert from_pdf.projects.select(fields).rows() == from_word.projects.select(fields).rows()
    assert indicator_rows(from_pdf) == indicator_rows(from_word)
