"""The .xlsx reader: sheets laid out as in Word (merged ranges) and flat sheets, every sheet of a workbook.

Every workbook here is illustrative, made up in the test with openpyxl; every expected value is
worked out by hand from the cells written.
"""

from __future__ import annotations

import openpyxl
import polars as pl

from perfkit.cli import main
from perfkit.load import load_targets
from tests.fixtures.make_pdfs import seed_layout_xls, units_flat_xlsx
from tests.load.layout_docs import write_xlsx
from tests.load.test_formats import assert_same_tables


def form(project: str, budget: str, targets: tuple[str, str, str, str]) -> list[list]:
    """A made-up form in the Word layout: unit row, project part, header, four indicator rows
    (产出指标 merged down over two rows)."""
    return [
        [("100001示例街道办事处", 1, 3), ("单位：万元", 1, 2)],
        ["项目名称", (project, 1, 4)],
        [("预算规模及资金用途", 2, 1), "预算数", budget, "其中：财政资金", budget],
        ["其他资金", "0", "", ""],
        ["绩效目标", (f"1.完成{project}。", 1, 4)],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"],
        [("产出指标", 2, 1), "数量指标", "活动场次", "活动场次", targets[0]],
        ["时效指标", "完成时间", "完成时间", targets[1]],
        ["效益指标", "社会效益指标", "受益人数", "受益人数", targets[2]],
        ["满意度指标", "服务对象满意度指标", "满意度", "满意度", targets[3]],
    ]


FORM_A = form("2025年社区服务项目", "12.5", ("≥10场", "≤6月", "≥500人", "≥90%"))
FORM_B = form("2025年家庭教育项目", "8", ("≥4场", "≤10月", "≥200人", "≥95%"))


def test_the_seed_laid_out_as_in_word_in_an_xlsx_gives_the_seed_tables(tmp_path, seed_tables):
    # the seed's seven forms on one sheet, each under its title row, merged as the .docx reader reads them
    loaded = load_targets(seed_layout_xls(tmp_path))
    assert (loaded.projects.height, loaded.indicators.height) == (7, 109)
    assert_same_tables(loaded, seed_tables)
    # worked by hand from seed_layout_xls: the title is row 1, the unit row 2, the header row 8
    assert loaded.indicators["source_ref"][0] == "工作表“绩效目标表”第9行"


def test_forms_stacked_without_title_or_blank_rows_are_two_projects(tmp_path):
    path = write_xlsx(tmp_path / "stacked.xlsx", FORM_A + FORM_B, title="目标表")
    loaded = load_targets(path)
    # worked by hand: form A fills rows 1-10, form B rows 11-20 of the sheet
    projects = loaded.projects.select("unit_code", "project_name", "budget_total", "source_ref").rows()
    assert projects == [
        ("100001", "2025年社区服务项目", 12.5, "工作表“目标表”第1行"),
        ("100001", "2025年家庭教育项目", 8.0, "工作表“目标表”第11行"),
    ]
    rows = loaded.indicators.select("project_id", "level1", "name", "target_raw").rows()
    ids = loaded.projects["project_id"].to_list()
    assert rows == [
        (ids[0], "产出指标", "活动场次", "≥10场"),
        (ids[0], "产出指标", "完成时间", "≤6月"),
        (ids[0], "效益指标", "受益人数", "≥500人"),
        (ids[0], "满意度指标", "满意度", "≥90%"),
        (ids[1], "产出指标", "活动场次", "≥4场"),
        (ids[1], "产出指标", "完成时间", "≤10月"),
        (ids[1], "效益指标", "受益人数", "≥200人"),
        (ids[1], "满意度指标", "满意度", "≥95%"),
    ]
    assert loaded.indicators["source_ref"][4] == "工作表“目标表”第17行"


def test_forms_on_every_sheet_are_read(tmp_path):
    path = write_xlsx(tmp_path / "two-sheets.xlsx", FORM_A, title="A")
    book = openpyxl.load_workbook(path)
    second = book.create_sheet("B")
    first = book["A"]
    for row in first.iter_rows():
        for cell in row:
            second.cell(cell.row, cell.column, cell.value)
    for merged in first.merged_cells.ranges:
        second.merge_cells(str(merged))
    second["B2"] = "2025年家庭教育项目"
    book.save(path)
    loaded = load_targets(path)
    # worked by hand: sheet B is sheet A with another project name
    assert loaded.projects["project_name"].to_list() == ["2025年社区服务项目", "2025年家庭教育项目"]
    assert loaded.projects["source_ref"].to_list() == ["工作表“A”第1行", "工作表“B”第1行"]
    assert loaded.indicators.height == 8


def test_a_hidden_row_is_not_a_live_indicator(tmp_path):
    path = write_xlsx(tmp_path / "hidden.xlsx", FORM_A, title="目标表")
    book = openpyxl.load_workbook(path)
    book["目标表"].row_dimensions[8].hidden = True  # 时效指标 完成时间 ≤6月, under the merged 产出指标
    book.save(path)
    loaded = load_targets(path)
    # worked by hand: rows 7, 9 and 10 stay; 产出指标 (merged over rows 7-8) still heads row 7
    assert loaded.indicators.select("level1", "name", "source_ref").rows() == [
        ("产出指标", "活动场次", "工作表“目标表”第7行"),
        ("效益指标", "受益人数", "工作表“目标表”第9行"),
        ("满意度指标", "满意度", "工作表“目标表”第10行"),
    ]


FLAT_HEADER = ["单位编码", "单位名称", "项目名称", "预算数", "一级指标", "二级指标", "三级指标", "指标值"]


def flat_sheet(book, title: str, rows: list[list]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(FLAT_HEADER)
    for row in rows:
        sheet.append(row)


UNIT_SHEETS = {
    "100001": [["100001", "示例街道", "社区服务项目", 10, "产出指标", "数量指标", "场次", "≥10场"]],
    "100002": [["100002", "示例学校", "校园安全项目", 20, "产出指标", "数量指标", "巡查次数", "≥12次"]],
}


def test_a_flat_workbook_with_one_sheet_per_unit_reads_every_sheet(tmp_path):
    loaded = load_targets(units_flat_xlsx(tmp_path / "units.xlsx"))
    assert loaded.projects.select("unit_code", "project_name", "budget_total", "source_ref").rows() == [
        ("100001", "社区服务项目", 10.0, "工作表“100001”第2行"),
        ("100002", "校园安全项目", 20.0, "工作表“100002”第2行"),
    ]
    assert loaded.indicators["target_raw"].to_list() == ["≥10场", "≥12次"]


def test_a_merged_unit_code_with_the_project_name_repeated_is_one_project(tmp_path):
    # 单位编码 and 单位名称 merged down the unit's rows, 项目名称 and 预算数 written on every row
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(FLAT_HEADER)
    sheet.append(["100001", "示例街道", "社区服务项目", 10, "产出指标", "数量指标", "场次", "≥10场"])
    sheet.append([None, None, "社区服务项目", 10, "效益指标", "社会效益指标", "受益人数", "≥500人"])
    sheet.append([None, None, "文化宣传项目", 6, "产出指标", "数量指标", "宣传次数", "≥4次"])
    sheet.merge_cells("A2:A4")
    sheet.merge_cells("B2:B4")
    book.save(tmp_path / "merged.xlsx")
    loaded = load_targets(tmp_path / "merged.xlsx")
    # worked by hand: two projects of unit 100001; 社区服务项目's 10万元 once, not twice
    assert loaded.projects.select("unit_code", "unit_name", "project_name", "budget_total").rows() == [
        ("100001", "示例街道", "社区服务项目", 10.0),
        ("100001", "示例街道", "文化宣传项目", 6.0),
    ]
    assert loaded.projects["budget_total"].sum() == 16.0
    assert loaded.indicators.group_by("project_id", maintain_order=True).len()["len"].to_list() == [2, 1]


def test_a_flat_project_with_its_budget_merged_but_its_name_repeated_is_one_project(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(FLAT_HEADER)
    sheet.append(["100001", "示例街道", "社区服务项目", 10, "产出指标", "数量指标", "场次", "≥10场"])
    sheet.append(["100001", "示例街道", "社区服务项目", None, "效益指标", "社会效益指标", "受益人数", "≥500人"])
    sheet.merge_cells("D2:D3")
    book.save(tmp_path / "budget-merged.xlsx")
    loaded = load_targets(tmp_path / "budget-merged.xlsx")
    # worked by hand: one project of 10万元 with two indicators
    assert loaded.projects.select("project_name", "budget_total").rows() == [("社区服务项目", 10.0)]
    assert loaded.indicators.height == 2


def test_extract_reads_an_xlsx_laid_out_as_in_word(tmp_path, capsys):
    path = write_xlsx(tmp_path / "stacked.xlsx", FORM_A + FORM_B, title="目标表")
    assert main(["extract", str(path), "-o", str(tmp_path / "out")]) == 0
    assert "2 个项目" in capsys.readouterr().out
    projects = pl.read_parquet(tmp_path / "out" / "projects.parquet")
    # worked by hand: 12.5 + 8 万元 over the two stacked forms, 4 indicators each
    assert projects["budget_total"].to_list() == [12.5, 8.0]
    assert pl.read_parquet(tmp_path / "out" / "indicators.parquet").height == 8


def test_a_form_sheet_and_a_flat_sheet_are_both_read(tmp_path):
    # a flat sheet beside a form: both are read (the form first, by its sheet order)
    path = write_xlsx(tmp_path / "mixed.xlsx", FORM_A, title="表单")
    book = openpyxl.load_workbook(path)
    flat_sheet(book, "平表", [["100002", "示例学校", "校园安全项目", 20, "产出指标", "数量指标", "巡查次数", "≥12次"]])
    book.save(path)
    loaded = load_targets(path)
    assert loaded.projects["project_name"].to_list() == ["2025年社区服务项目", "校园安全项目"]
    assert loaded.indicators.height == 5


def test_csv_and_xlsx_rows_keep_the_order_of_the_files(tmp_path):
    # a.csv, b.xlsx and c.csv, one made-up project each: one finisher for both formats keeps file order
    for name, code in (("a", "100001"), ("c", "100003")):
        (tmp_path / f"{name}.csv").write_text(
            ",".join(FLAT_HEADER) + f"\n{code},示例单位,项目{code},1,产出指标,数量指标,场次,≥1场\n", encoding="utf-8"
        )
    book = openpyxl.Workbook()
    book.remove(book.active)
    flat_sheet(book, "Sheet1", [["100002", "示例单位", "项目100002", 1, "产出指标", "数量指标", "场次", "≥1场"]])
    book.save(tmp_path / "b.xlsx")
    loaded = load_targets(tmp_path)
    assert loaded.indicators["unit_code"].to_list() == ["100001", "100002", "100003"]


def test_an_empty_row_between_a_forms_project_part_and_its_indicator_header_does_not_cut_it(tmp_path):
    rows = [
        ["部门(单位)名称", ("某市档案馆", 1, 2), "部门预算编码", "901001001"],
        [("年度预算安排（万元）", 2, 1), ("资金总额", 1, 2), ("88.5", 1, 2)],
        [("基本支出", 1, 2), ("60.5", 1, 2)],
        ["", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标解释", "目标值"],
        [("产出指标", 2, 1), "数量指标", "档案接收数量", "", "≥2000卷"],
        ["时效指标", "档案整理完成时间", "", "≤12月"],
    ]
    loaded = load_targets(write_xlsx(tmp_path / "dept.xlsx", rows, title="部门整体支出绩效目标表"))
    # worked by hand: one form (the empty row 4 is inside it): the unit and 资金总额 88.5 万元 above, two indicators below
    project = loaded.projects.row(0, named=True)
    assert (loaded.projects.height, project["unit_name"], project["budget_total"]) == (1, "某市档案馆", 88.5)
    assert loaded.indicators.select("level2", "name").rows() == [
        ("数量指标", "档案接收数量"),
        ("时效指标", "档案整理完成时间"),
    ]
