"""A table laid out like a flat table: 项目名称 (and 预算数) as columns of the indicator header, the
project written on every row (or merged down its rows). Each project is its own project.

The documents are illustrative, made up in the test with python-docx; every expected value is
worked out by hand from the cells written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.cli import main
from perfkit.load import load_targets
from tests.load.layout_docs import write_docx

TITLE = "2025年项目绩效目标表"
UNIT = [["单位名称", ("示例街道办事处", 1, 5)]]
HEADER = [["项目名称", "预算数", "一级指标", "二级指标", "三级指标", "指标值"]]
REPEATED = [
    ["社区服务项目", "10", "产出指标", "数量指标", "场次", "≥10场"],
    ["社区服务项目", "10", "效益指标", "社会效益指标", "受益人数", "≥500人"],
    ["文化宣传项目", "6", "产出指标", "数量指标", "宣传次数", "≥4次"],
]
MERGED = [
    [("社区服务项目", 2, 1), ("10", 2, 1), "产出指标", "数量指标", "场次", "≥10场"],
    ["效益指标", "社会效益指标", "受益人数", "≥500人"],
    ["文化宣传项目", "6", "产出指标", "数量指标", "宣传次数", "≥4次"],
]


@pytest.mark.parametrize("body", [REPEATED, MERGED], ids=["repeated", "merged"])
def test_each_project_of_a_project_column_is_its_own_project(tmp_path: Path, body) -> None:
    path = write_docx(tmp_path / "projects.docx", TITLE, UNIT + HEADER + body)
    tables = load_targets(path)
    # worked by hand: rows 3-4 are 社区服务项目 (10万元), row 5 文化宣传项目 (6万元); the year from the title
    assert tables.projects.select("unit_name", "year", "project_name", "budget_total").rows() == [
        ("示例街道办事处", 2025, "社区服务项目", 10.0),
        ("示例街道办事处", 2025, "文化宣传项目", 6.0),
    ]
    ids = tables.projects["project_id"].to_list()
    assert tables.indicators.select("project_id", "level1", "name", "target_raw", "source_ref", "notes").rows() == [
        (ids[0], "产出指标", "场次", "≥10场", "表1第3行", None),
        (ids[0], "效益指标", "受益人数", "≥500人", "表1第4行", None),
        (ids[1], "产出指标", "宣传次数", "≥4次", "表1第5行", None),
    ]


def test_a_project_column_under_a_project_part_splits_the_table(tmp_path: Path) -> None:
    # a project part naming the first project, and the indicator rows naming theirs and their budgets
    rows = [
        ["项目名称", ("社区服务项目", 1, 5)],
        ["一级指标", "二级指标", "三级指标", "指标值", "项目名称", "预算数"],
        ["产出指标", "数量指标", "场次", "≥10场", "社区服务项目", "10"],
        ["产出指标", "数量指标", "宣传次数", "≥4次", "文化宣传项目", "6"],
    ]
    tables = load_targets(write_docx(tmp_path / "above.docx", TITLE, rows))
    # worked by hand: the column names two projects, each with its budget (10 and 6万元)
    assert tables.projects.select("project_name", "budget_total").rows() == [
        ("社区服务项目", 10.0),
        ("文化宣传项目", 6.0),
    ]
    assert tables.indicators.select("name", "source_ref", "notes").rows() == [
        ("场次", "表1第3行", None),
        ("宣传次数", "表1第4行", None),
    ]


def test_extract_splits_a_project_column(tmp_path: Path, capsys) -> None:
    path = write_docx(tmp_path / "projects.docx", TITLE, UNIT + HEADER + REPEATED)
    assert main(["extract", str(path), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "2 个项目" in out and "3 条指标" in out


def test_a_block_title_over_the_project_column_names_no_project(tmp_path: Path) -> None:
    rows = [
        *UNIT,
        *HEADER,
        [("年度绩效指标", 1, 6)],
        *REPEATED,
    ]
    tables = load_targets(write_docx(tmp_path / "titled.docx", TITLE, rows))
    # worked by hand: the title row is no project; the rows below keep their two projects
    assert tables.projects["project_name"].to_list() == ["社区服务项目", "文化宣传项目"]
    assert tables.indicators["period"].to_list() == ["annual"] * 3
