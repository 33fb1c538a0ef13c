"""Units known by name only: a params file's code is applied, a disagreeing code is refused.

The documents are illustrative (built in the test); expected values are worked out by hand.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.layout.assemble import apply_unit_code
from perfkit.run.unit import audit_unit
from tests.load.layout_docs import write_docx
from tests.load.test_layouts import CENTRAL_BUDGET, central_table

# a table whose unit cell carries the code 100001
CODED_TABLE = [
    ["100001某市第一中学"],
    ["项目名称", "2025年校舍维修项目"],
    ["预算数", "5"],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标", "数量指标", "维修面积", "≥2000平方米"],
]


def central_docx(folder: Path, name: str = "central.docx") -> Path:
    return write_docx(folder / name, "2025年就业服务项目绩效目标表", central_table(CENTRAL_BUDGET))


def test_the_params_code_goes_to_documents_without_one(tmp_path: Path) -> None:
    tables = load_targets(central_docx(tmp_path))
    projects, indicators = apply_unit_code(tables.projects, tables.indicators, "100009")
    assert projects["unit_code"].to_list() == ["100009"]
    assert indicators["unit_code"].unique().to_list() == ["100009"]
    # the id stays the one the document gets without a params file
    assert projects["project_id"].to_list() == tables.projects["project_id"].to_list()


def test_a_document_with_a_code_keeps_it(tmp_path: Path) -> None:
    tables = load_targets(write_docx(tmp_path / "coded.docx", CODED_TABLE), central_docx(tmp_path))
    projects, _ = apply_unit_code(tables.projects, tables.indicators, "100009")
    assert projects["unit_code"].to_list() == ["100001", "100009"]


def test_a_unit_known_by_name_is_audited(tmp_path: Path) -> None:
    audit = audit_unit("100009", 2025, [str(central_docx(tmp_path))])
    assert audit.targets.projects.select("unit_code", "unit_name").row(0) == ("100009", "某市就业服务中心")
    assert audit.findings.height > 0
    assert audit.findings["unit_code"].unique().to_list() == ["100009"]
    # worked by hand: 120 = 100 + 20, so the split agrees and fund_split finds nothing
    assert not audit.findings.filter(pl.col("rule_id") == "fund_split").height


def test_a_code_that_disagrees_with_the_params_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        audit_unit("100002", 2025, [str(write_docx(tmp_path / "coded.docx", CODED_TABLE))])
    message = error.value.one_line()
    assert "100002" in message and "100001" in message and "\n" not in message


def test_a_self_evaluation_without_a_code_is_scored_for_the_unit(tmp_path: Path) -> None:
    selfeval = [
        ["项目名称", ("2025年就业服务项目", 1, 7)],
        ["实施单位", ("某市就业服务中心", 1, 7)],
        [("项目资金（万元）", 1, 2), "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "120", "120", "108", "10", "90%", "9"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        [("产出指标", 2, 1), "数量指标", "培训期数", "≥10期", "10期", "25", "25", ""],
        ["质量指标", "培训合格率", "≥90%", "95%", "25", "25", ""],
        ["效益指标", "社会效益指标", "实现就业人数", "≥800人", "800人", "30", "30", ""],
        ["满意度指标", "服务对象满意度指标", "参训人员满意度", "≥95%", "96%", "10", "10", ""],
        [("总分", 1, 6), "99", ""],
    ]
    path = write_docx(tmp_path / "selfeval.docx", "2025年就业服务项目绩效自评表", selfeval)
    audit = audit_unit("100009", 2025, [str(central_docx(tmp_path))], [str(path)])
    scores = audit.scorecard.project_scores.row(0, named=True)
    # worked by hand: execution 10 × 108/120 = 9; every indicator met: 25 + 25 + 30 + 10 → 99
    assert (scores["unit_code"], scores["execution_score"], scores["total"], scores["self_total"]) == (
        "100009",
        9.0,
        99.0,
        99.0,
    )
    assert not audit.scorecard.findings.filter(pl.col("rule_id") == "actual_unmatched").height


# --- where the unit's code comes from: a cell labelled as the unit's, or the prefix of its name ---


def unit_table(*rows: list) -> list:
    """A four-column target table whose unit rows are ``rows`` (illustrative, made up)."""
    return [
        ["项目名称", ("2025年科技服务项目", 1, 3)],
        *rows,
        ["预算数", "20", "财政资金", "20"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "服务企业数", "≥30家"],
    ]


def unit_of(path: Path) -> tuple[str, str, str | None]:
    return load_targets(path).projects.select("unit_code", "unit_name", "department").row(0)


def test_a_period_of_six_digits_is_not_a_unit_code(tmp_path: Path) -> None:
    table = unit_table(["项目起止时间", "202501-202512", "实施单位", "某县科技服务中心"])
    # worked by hand: 202501 is the start month, not a code; the unit has none
    assert unit_of(write_docx(tmp_path / "t.docx", table)) == ("", "某县科技服务中心", None)


def test_codes_of_department_and_unit_file_the_table_under_the_unit(tmp_path: Path) -> None:
    # the cells as the brief gives them; the unit beside it is made up
    table = unit_table(["主管部门", "031001-霍邱县科学技术局", "实施单位", "031002-某县科技服务中心"])
    assert unit_of(write_docx(tmp_path / "t.docx", table)) == ("031002", "某县科技服务中心", "霍邱县科学技术局")


def test_code_labels_of_department_and_unit(tmp_path: Path) -> None:
    table = unit_table(
        ["主管部门", "某县科学技术局", "主管部门编码", "031001"],
        ["单位编码", "031002", "单位名称", "某县科技服务中心"],
    )
    assert unit_of(write_docx(tmp_path / "t.docx", table)) == ("031002", "某县科技服务中心", "某县科学技术局")


@pytest.mark.parametrize("separator", ["-", "－", "—", " ", ""])
def test_a_code_before_the_unit_name(tmp_path: Path, separator: str) -> None:
    table = unit_table(["实施单位", f"031001{separator}霍邱县科学技术局", "", ""])
    # worked by hand: the six digits are the code, the rest without its separator the name
    assert unit_of(write_docx(tmp_path / "t.docx", table))[:2] == ("031001", "霍邱县科学技术局")


@pytest.mark.parametrize("unit_label", ["项目执行单位", "实施单位", "项目实施单位", "组织实施单位"])
def test_labels_of_department_and_unit(tmp_path: Path, unit_label: str) -> None:
    table = unit_table(["项目主管部门", "某县科学技术局", unit_label, "某县科技服务中心"])
    assert unit_of(write_docx(tmp_path / "t.docx", table)) == ("", "某县科技服务中心", "某县科学技术局")


def test_a_code_through_the_cli(tmp_path: Path, capsys) -> None:
    from perfkit.cli import main

    table = unit_table(["主管部门", "031001-霍邱县科学技术局", "实施单位", "031002-某县科技服务中心"])
    path = write_docx(tmp_path / "t.docx", table)
    assert main(["extract", str(path), "-o", str(tmp_path / "out")]) == 0
    projects = pl.read_csv(tmp_path / "out" / "projects.csv", infer_schema=False)
    assert projects.select("unit_code", "unit_name").row(0) == ("031002", "某县科技服务中心")


@pytest.mark.parametrize(
    "where",
    [
        # the title as the first row of the table, a breadcrumb above the table
        "row",
        # the title as the table's caption
        "caption",
    ],
)
def test_a_web_page_year_comes_from_the_table_title(tmp_path: Path, where: str) -> None:
    cells = [
        ["项目名称", "科技服务项目"],
        ["实施单位", "某县科技服务中心"],
        ["预算数", "20"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "服务企业数", "≥30家"],
    ]
    title = "2025年度科技服务项目绩效目标表"
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells)
    head = f'<tr><td colspan="4">{title}</td></tr>' if where == "row" else f"<caption>{title}</caption>"
    page = f"<html><body><div>首页 &gt; 2024年部门预算公开 &gt; 科技局</div><table>{head}{rows}</table></body></html>"
    path = tmp_path / "t.html"
    path.write_text(page, encoding="utf-8")
    # worked by hand: the project name has no year; the table's own title says 2025, the breadcrumb 2024
    assert load_targets(path).projects["year"].to_list() == [2025]


@pytest.mark.parametrize(
    ("implementer", "unit"), [("粮食储备股", "某县商务局"), ("某县粮食储备中心", "某县粮食储备中心")]
)
def test_an_internal_section_named_as_the_implementer_is_no_unit(tmp_path: Path, implementer: str, unit: str) -> None:
    rows = central_table(CENTRAL_BUDGET)
    rows[1] = ["主管部门", "某县商务局", "实施单位", (implementer, 1, 2)]
    tables = load_targets(write_docx(tmp_path / "section.docx", "2025年粮食储备项目绩效目标表", rows))
    # worked by hand: a 股 is a section inside the 主管部门, so the unit is the department; a 中心 is a unit
    assert tables.projects.select("unit_name", "department").row(0) == (unit, "某县商务局")
