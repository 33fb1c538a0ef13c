"""The money scale of a target table, wherever a document states it, and refusals where it contradicts itself.

A budget read 10,000× too large because its scale is written where the reader does not look is the
worst misreading a loader can make. Every document here is illustrative (made up for the test);
every expected value is worked out by hand from the cells written, in 万元 (1 万元 = 10,000 元).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from perfkit.cli import main
from perfkit.errors import InputError
from perfkit.load import load_targets
from tests.load.layout_docs import write_docx

BUDGETS = ["budget_total", "budget_fiscal", "budget_other"]


def budgets(tables) -> list[tuple]:
    return tables.projects.select(BUDGETS).rows()


def target_table(budget_rows: list[list], above: list[list] = (), name: str = "2025年校舍维修项目") -> list:
    """A four-column target table: rows ``above`` the project name, then the budget rows."""
    return [
        *above,
        ["项目名称", (name, 1, 3)],
        ["实施单位", ("某市第一中学", 1, 3)],
        *budget_rows,
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维修面积", "≥2000平方米"],
    ]


# 500000 / 400000 / 100000 元 = 50 / 40 / 10 万元
YUAN_ROWS = [["预算数", "500000", "财政资金", "400000"], ["其他资金", ("100000", 1, 3)]]


def extract(tmp_path: Path, source: Path, capsys) -> tuple[int, pl.DataFrame | None, str]:
    """``perfkit extract SOURCE -o DIR`` as an auditor runs it: status, projects.csv, stderr."""
    out = tmp_path / "out"
    status = main(["extract", str(source), "-o", str(out)])
    err = capsys.readouterr().err
    projects = pl.read_csv(out / "projects.csv", infer_schema=False) if status == 0 else None
    return status, projects, err


# --- 1-3: a 单位：… statement in a cell -----------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        # longer than any label: the statement is at the end of a cell of 40-odd characters
        "填报单位（盖章）：某某市某某区教育局　填报日期：2025年1月10日　金额单位：元",
        "填报单位：某某局　金额单位：元",  # a guard: short enough to have been read before
        "（单位：元）",
        "单位：人民币元",
        "（金额单位：人民币元）",
    ],
)
def test_a_scale_cell_above_the_project_part(tmp_path: Path, cell: str) -> None:
    path = write_docx(tmp_path / "t.docx", target_table(YUAN_ROWS, above=[[(cell, 1, 4)]]))
    # worked by hand: 500000 / 400000 / 100000 元 → 50 / 40 / 10 万元
    assert budgets(load_targets(path)) == [(50.0, 40.0, 10.0)]


def test_a_scale_in_renminbi_wan(tmp_path: Path) -> None:
    rows = [["预算数", "50", "财政资金", "40"], ["其他资金", ("10", 1, 3)]]
    path = write_docx(tmp_path / "t.docx", target_table(rows, above=[[("单位：人民币万元", 1, 4)]]))
    # worked by hand: already in 万元, read as written (a guard: 人民币万元 must not read as 元)
    assert budgets(load_targets(path)) == [(50.0, 40.0, 10.0)]


def test_a_long_scale_cell_through_the_cli(tmp_path: Path, capsys) -> None:
    cell = "填报单位（盖章）：某某市某某区教育局　填报日期：2025年1月10日　金额单位：元"
    path = write_docx(tmp_path / "t.docx", target_table(YUAN_ROWS, above=[[(cell, 1, 4)]]))
    status, projects, _ = extract(tmp_path, path, capsys)
    assert status == 0
    # worked by hand: 500000 元 = 50 万元
    assert projects["budget_total"].cast(pl.Float64).to_list() == [50.0]


# --- 4: a value's own unit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # the unit in the cell after the figure: 500000 元 → 50 万元, 400000 元 → 40 万元
        ([["预算数", "500000", "元", ""], ["财政资金", "400000", "元", ""]], (50.0, 40.0, 0.0)),
        # 10000万元 is 10000 万元 (100 million 元), not "not a number"
        ([["预算数", "10000万元", "财政资金", "10000万元"]], (10000.0, 10000.0, 0.0)),
        ([["预算数", "5万元", "财政资金", "5万元"]], (5.0, 5.0, 0.0)),
        # 50000 元 = 5 万元; 1，205，000元 (full-width separators) = 120.5 万元
        ([["预算数", "50000元", "财政资金", "50000元"]], (5.0, 5.0, 0.0)),
        ([["预算数", "1，205，000元", "财政资金", "1，205，000元"]], (120.5, 120.5, 0.0)),
    ],
)
def test_a_value_with_its_own_unit(tmp_path: Path, rows: list, expected: tuple) -> None:
    path = write_docx(tmp_path / "t.docx", target_table(rows))
    assert budgets(load_targets(path)) == [expected]


def test_a_value_unit_wins_over_the_table_scale(tmp_path: Path) -> None:
    rows = [["预算数", "5万元", "财政资金", "30000"], ["其他资金", ("20000", 1, 3)]]
    path = write_docx(tmp_path / "t.docx", "单位：元", target_table(rows))
    # worked by hand: 5万元 is 5 万元 as written; 30000 and 20000 take the table's 元 → 3 and 2 万元
    assert budgets(load_targets(path)) == [(5.0, 3.0, 2.0)]


def test_a_value_with_its_unit_through_the_cli(tmp_path: Path, capsys) -> None:
    path = write_docx(tmp_path / "t.docx", target_table([["预算数", "10000万元", "财政资金", "10000万元"]]))
    status, projects, err = extract(tmp_path, path, capsys)
    assert (status, err) == (0, "")
    # worked by hand: 10000万元 → 10000 万元
    assert projects["budget_total"].cast(pl.Float64).to_list() == [10000.0]


# --- 5: 预算数（单位：元） -------------------------------------------------------------------


@pytest.mark.parametrize("label", ["预算数（单位：元）", "预算数(单位:元)", "预算数（金额单位：人民币元）"])
def test_a_scale_in_a_label_bracket(tmp_path: Path, label: str) -> None:
    rows = [[label, "500000", "财政资金", "400000"], ["其他资金", ("100000", 1, 3)]]
    # worked by hand: 500000 / 400000 / 100000 元 → 50 / 40 / 10 万元
    assert budgets(load_targets(write_docx(tmp_path / "t.docx", target_table(rows)))) == [(50.0, 40.0, 10.0)]


@pytest.mark.parametrize("header", ["预算数（单位：元）", "预算数(单位:元)", "预算数（人民币元）"])
def test_a_scale_in_a_csv_header_bracket(tmp_path: Path, header: str) -> None:
    path = tmp_path / "flat.csv"
    path.write_text(
        f"单位编码,单位名称,年度,项目名称,{header},财政资金,其他资金,一级指标,二级指标,三级指标,指标值\n"
        "100004,某区图书馆,2025,2025年阅读推广项目,50000,50000,0,产出指标,数量指标,讲座场次,≥12场\n",
        encoding="utf-8",
    )
    # worked by hand: 50000 元 = 5 万元
    assert budgets(load_targets(path)) == [(5.0, 5.0, 0.0)]


# --- 6, 7: a scale stated once applies to every table after it ------------------------------


def three_tables() -> list:
    """Three tables in 元: 500000 → 50, 300000 → 30, 120000 → 12 万元 (all fiscal)."""
    blocks: list = []
    for number, (name, yuan) in enumerate(
        [("2025年校舍维修项目", "500000"), ("2025年教师培训项目", "300000"), ("2025年图书购置项目", "120000")], 1
    ):
        blocks.append(f"{number}.{name}绩效目标表")
        blocks.append(target_table([["预算数", yuan, "财政资金", yuan]], name=name))
    return blocks


def test_a_docx_scale_under_the_document_title_applies_to_every_table(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "t.docx", "某市教育局2025年项目绩效目标", "单位：元", *three_tables())
    # worked by hand: 500000 / 300000 / 120000 元 → 50 / 30 / 12 万元
    assert budgets(load_targets(path)) == [(50.0, 50.0, 0.0), (30.0, 30.0, 0.0), (12.0, 12.0, 0.0)]


def test_a_later_statement_replaces_the_earlier_one(tmp_path: Path) -> None:
    blocks = three_tables()
    blocks[5] = target_table([["预算数", "12", "财政资金", "12"]], name="2025年图书购置项目")
    blocks[4:4] = ["单位：万元"]  # above the third table's heading
    path = write_docx(tmp_path / "t.docx", "单位：元", *blocks)
    # worked by hand: the first two tables in 元 (50, 30); the third in 万元 as now stated (12)
    assert budgets(load_targets(path)) == [(50.0, 50.0, 0.0), (30.0, 30.0, 0.0), (12.0, 12.0, 0.0)]


def word_export(*blocks: str | list[list[str]]) -> str:
    """A Word plain-text export: paragraphs as lines, each table cell a line led by a tab, rows
    separated by blank lines (merged cells written once)."""
    out = []
    for block in blocks:
        if isinstance(block, str):
            out.append(block + "\n")
        else:
            out.append("\n".join("".join(f"\t{cell}\n" for cell in row) for row in block))
            out.append("\n")
    return "".join(out)


def word_table(name: str, total: str, last_target: str = "≥90%") -> list[list[str]]:
    return [
        ["项目名称", name],
        ["实施单位", "某市第一中学"],
        ["预算数", total, "财政资金", total],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维修面积", "≥2000平方米"],
        ["满意度指标", "服务对象满意度指标", "师生满意度", last_target],
    ]


def test_a_word_export_scale_under_the_title_applies_to_every_table(tmp_path: Path) -> None:
    text = word_export(
        "某市教育局2025年项目预算",
        "单位：元",
        "1.2025年校舍维修项目绩效目标表",
        word_table("2025年校舍维修项目", "500000"),
        "2.2025年教师培训项目绩效目标表",
        word_table("2025年教师培训项目", "300000"),
    )
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    # worked by hand: 500000 / 300000 元 → 50 / 30 万元
    assert budgets(load_targets(path)) == [(50.0, 50.0, 0.0), (30.0, 30.0, 0.0)]


def test_a_word_export_scale_above_the_next_heading_belongs_to_the_next_table(tmp_path: Path, capsys) -> None:
    text = word_export(
        "1.2025年校舍维修项目绩效目标表",
        word_table("2025年校舍维修项目", "50"),
        "单位：元",
        "2.2025年教师培训项目绩效目标表",
        word_table("2025年教师培训项目", "300000"),
    )
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    tables = load_targets(path)
    # worked by hand: the first table states nothing (万元: 50); 单位：元 is above the second (300000 元 → 30)
    assert budgets(tables) == [(50.0, 50.0, 0.0), (30.0, 30.0, 0.0)]
    # and the first table's last target is its own cell only
    assert tables.indicators["target_raw"].to_list() == ["≥2000平方米", "≥90%", "≥2000平方米", "≥90%"]
    status, projects, _ = extract(tmp_path, path, capsys)
    assert status == 0
    assert projects["budget_total"].cast(pl.Float64).to_list() == [50.0, 30.0]


def test_a_web_page_scale_above_the_heading(tmp_path: Path) -> None:
    rows = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in word_table("2025年校舍维修项目", "500000")
    )
    path = tmp_path / "t.html"
    path.write_text(
        f"<html><body><p>单位：元</p><p>1.2025年校舍维修项目绩效目标表</p><table>{rows}</table></body></html>",
        encoding="utf-8",
    )
    # worked by hand: 500000 元 → 50 万元
    assert budgets(load_targets(path)) == [(50.0, 50.0, 0.0)]


# --- 8: funding written as text --------------------------------------------------------------


def hunan_table(funding_label: str, funding: str, above: list[list] = ()) -> list:
    return [
        *above,
        ["项目名称", ("2025年农村公路养护项目", 1, 3)],
        ["主管部门", "某县交通运输局", "项目单位", "某县公路养护中心"],
        [funding_label, (funding, 1, 3)],
        ["一级指标", "二级指标", "指标内容", "指标值"],
        ["产出指标", "数量指标", "养护公路里程", "≥120公里"],
    ]


YUAN_FUNDING = "总额1205000财政拨款:1000000(其中:上级财政资金:600000;本级财政:400000) 二、自有资金:0 三、其他:205000"


@pytest.mark.parametrize(
    ("label", "funding", "above"),
    [
        ("项目资金", YUAN_FUNDING, [[("单位：元", 1, 4)]]),
        ("项目资金（元）", YUAN_FUNDING, []),
        (
            "项目资金",
            "总额：1，205，000元 财政拨款：1，000，000元(其中:上级财政资金:600，000元;本级财政:400，000元) "
            "二、自有资金：0元 三、其他：205，000元",
            [],
        ),
    ],
)
def test_a_funding_text_in_yuan(tmp_path: Path, label: str, funding: str, above: list) -> None:
    path = write_docx(tmp_path / "t.docx", hunan_table(label, funding, above))
    # worked by hand: 总额 1205000 元 = 120.5 万元; 财政拨款 1000000 元 = 100 万元 (its parts 60 + 40
    # not added again); other = 自有资金 0 + 其他 205000 元 = 20.5 万元
    assert budgets(load_targets(path)) == [(120.5, 100.0, 20.5)]


def test_a_funding_text_in_wan_under_a_label_in_yuan_is_refused(tmp_path: Path) -> None:
    funding = "总额50万元财政拨款:50万元 二、自有资金:0万元 三、其他:0万元"
    path = write_docx(tmp_path / "t.docx", hunan_table("项目资金（元）", funding))
    with pytest.raises(InputError) as error:
        load_targets(path)
    # the label says 元, the text's figures say 万元: no guess between 50 and 0.005 万元
    assert "项目资金（元）" in error.value.one_line() and "总额50万元" in error.value.one_line()


def test_full_width_separators_in_a_budget_cell(tmp_path: Path) -> None:
    rows = [["预算数", "1，205，000", "财政资金", "1，000，000"], ["其他资金", ("205，000", 1, 3)]]
    path = write_docx(tmp_path / "t.docx", target_table(rows, above=[[("单位：元", 1, 4)]]))
    # a guard (read so before this change too): 1205000 / 1000000 / 205000 元 → 120.5 / 100 / 20.5 万元
    assert budgets(load_targets(path)) == [(120.5, 100.0, 20.5)]


# --- 9: statements that disagree are refused -------------------------------------------------


def test_a_paragraph_and_a_label_that_disagree_are_refused(tmp_path: Path) -> None:
    rows = [[("项目资金（万元）", 2, 1), "预算数", ("50", 1, 2)], ["财政资金", ("50", 1, 2)]]
    path = write_docx(tmp_path / "t.docx", "单位：元", target_table(rows))
    with pytest.raises(InputError) as error:
        load_targets(path)
    message = error.value.one_line()
    # both statements and where they are: the paragraph above table 1, the label in row 3, cell 1
    assert "单位：元" in message and "项目资金（万元）" in message
    assert "表1上方" in message and "表1第3行第1格" in message


def test_a_value_unit_that_disagrees_with_its_label_is_refused(tmp_path: Path) -> None:
    rows = [["预算数（元）", "5万元", "财政资金", "50000"]]
    path = write_docx(tmp_path / "t.docx", target_table(rows))
    with pytest.raises(InputError) as error:
        load_targets(path)
    message = error.value.one_line()
    assert "5万元" in message and "预算数（元）" in message
    assert "表1第3行第2格" in message and "表1第3行第1格" in message


def test_two_scale_cells_that_disagree_are_refused(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "t.docx", "单位：万元", target_table(YUAN_ROWS, above=[[("金额单位：元", 1, 4)]]))
    with pytest.raises(InputError, match=r"单位：万元.*金额单位：元|金额单位：元.*单位：万元"):
        load_targets(path)


def test_a_disagreement_through_the_cli_is_one_line(tmp_path: Path, capsys) -> None:
    rows = [[("项目资金（万元）", 2, 1), "预算数", ("50", 1, 2)], ["财政资金", ("50", 1, 2)]]
    path = write_docx(tmp_path / "t.docx", "单位：元", target_table(rows))
    status, _, err = extract(tmp_path, path, capsys)
    assert status == 1
    assert err.startswith(f"错误: {path}: 表1: ") and err.count("\n") == 1
    assert "单位：元" in err and "项目资金（万元）" in err
    assert not (tmp_path / "out").exists()


# --- 10: fund lines as budget labels ---------------------------------------------------------


@pytest.mark.parametrize(
    "total_label",
    [
        "项目金额",
        "资金情况（万元）",
        "本年度申请市财政预算资金(万元)",
        "当年资金总额",
        "年度资金总额:",
        "年度资金总额：",
    ],
)
def test_fund_lines_read_as_budget_labels(tmp_path: Path, total_label: str) -> None:
    rows = [
        [total_label, ("100", 1, 3)],
        ["其中：中央补助", "60", "其中：地方资金", "30"],
        ["当年其他资金", ("10", 1, 3)],
    ]
    # worked by hand: total 100; fiscal = its parts 中央补助 60 + 地方资金 30 = 90; other 10
    assert budgets(load_targets(write_docx(tmp_path / "t.docx", target_table(rows)))) == [(100.0, 90.0, 10.0)]


def test_fiscal_parts_beside_the_fiscal_total_are_not_added_again(tmp_path: Path) -> None:
    rows = [
        ["预算数", "100", "财政拨款", "100"],
        ["其中：上级资金", "70", "其中：地方资金", "30"],
    ]
    # worked by hand: 财政拨款 100 is given; 上级资金 70 + 地方资金 30 are its parts (a guard)
    assert budgets(load_targets(write_docx(tmp_path / "t.docx", target_table(rows)))) == [(100.0, 100.0, 0.0)]


def test_a_csv_header_and_a_line_above_that_disagree_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "flat.csv"
    path.write_text(
        "单位：万元\n"
        "单位编码,单位名称,年度,项目名称,预算数（元）,一级指标,二级指标,三级指标,指标值\n"
        "100004,某区图书馆,2025,2025年阅读推广项目,50000,产出指标,数量指标,讲座场次,≥12场\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        load_targets(path)
    assert error.value.one_line() == (
        f"{path}: 金额单位不一致：表头“预算数（元）”与表头上方“单位：万元”，无法确定预算数的单位，请改为一致后再读取"
    )
