"""Tree exports (项目 | 指标值 | 绩效金额, levels told by their labels): read as flat tables.
Illustrative tables written by hand; the expected values are worked out by hand from them."""

from __future__ import annotations

from pathlib import Path

from perfkit.cli import main
from perfkit.load import load_targets
from perfkit.load.layout.tree import FLAT_HEADER, flat_from_tree

TREE = [
    ["项目", "指标值", "绩效金额"],
    ["某市疾控中心", "", ""],
    ["疫苗采购", "", "3000000"],
    ["产出指标", "", ""],
    ["数量指标(必填硬性指标)", "", ""],
    ["疫苗使用率", "100%", ""],
    ["时效指标(必填)", "", ""],
    ["疫苗提供及时率", "", ""],  # no 指标值: still an indicator (under a level-2 kind)
    ["满意度指标", "", ""],
    ["服务对象满意度指标(必填)", "", ""],
    ["服务对象满意度", "≥90%", ""],
    ["美沙酮维持治疗", "", "500000"],  # a second project of the unit
    ["效益指标", "", ""],
    ["社会效益指标", "", ""],
    ["降低艾滋病传播", "90%", ""],
]


def test_a_tree_is_a_flat_table_one_row_per_indicator():
    # worked by hand: the unit is the node before the first project; each 绩效金额 opens a project;
    # the level labels drop their (必填) notes; 疫苗提供及时率 has no 指标值 but sits under 时效指标
    assert flat_from_tree(TREE) == [
        FLAT_HEADER,
        ["某市疾控中心", "疫苗采购", "3000000", "产出指标", "数量指标", "疫苗使用率", "100%"],
        ["某市疾控中心", "疫苗采购", "3000000", "产出指标", "时效指标", "疫苗提供及时率", ""],
        ["某市疾控中心", "疫苗采购", "3000000", "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"],
        ["某市疾控中心", "美沙酮维持治疗", "500000", "效益指标", "社会效益指标", "降低艾滋病传播", "90%"],
    ]


def test_other_tables_are_no_tree():
    assert flat_from_tree([["项目", "指标值", "绩效金额", "备注"], ["某中心", "", "", ""]]) is None  # a fourth column
    assert flat_from_tree([["项目名称", "某项目"], ["一级指标", "二级指标"]]) is None
    assert flat_from_tree(TREE[:3]) is None  # a header and nodes, no indicator: no table


def _page(path: Path) -> Path:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TREE)
    html = f"<html><body><p>某市疾控中心2020年项目绩效目标批复表</p><p>单位:元</p><table>{rows}</table></body></html>"
    path.write_text(html, encoding="utf-8")
    return path


def test_a_tree_on_a_web_page_reads_with_its_money_scale(tmp_path: Path, capsys):
    tables = load_targets(_page(tmp_path / "tree.html"))
    # worked by hand: 单位:元 above the table, so 3000000 元 = 300 万元 and 500000 元 = 50 万元
    assert tables.projects.select("unit_name", "project_name", "budget_total").rows() == [
        ("某市疾控中心", "疫苗采购", 300.0),
        ("某市疾控中心", "美沙酮维持治疗", 50.0),
    ]
    assert tables.indicators.height == 4
    assert main(["extract", str(tmp_path / "tree.html"), "-o", str(tmp_path / "out")]) == 0
    assert "已提取 1 个单位、2 个项目、4 条指标" in capsys.readouterr().out


def test_a_header_only_table_is_refused_not_an_empty_unit(tmp_path: Path, capsys):
    """A flat table with its header and no row gave 已提取 0 个单位 and exit 0 before: an empty result
    that reads as a unit with nothing to review."""
    (tmp_path / "empty.csv").write_text(
        "单位名称,项目名称,预算数,一级指标,二级指标,三级指标,指标值\n", encoding="utf-8"
    )
    assert main(["extract", str(tmp_path / "empty.csv"), "-o", str(tmp_path / "out")]) == 1
    assert (
        capsys.readouterr().err.strip()
        == f"错误: {tmp_path / 'empty.csv'}: 没有指标行：只有表头，没有可读取的项目和指标"
    )
    assert not (tmp_path / "out").exists()
