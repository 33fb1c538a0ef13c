"""A two-row indicator header (绩效指标 over 一级 | 二级 | 三级, 指标值 merged down beside it), and a
money label whose value cell is left empty before a text (其他资金 | (empty) | 用于…): the regression of
the bundled layout that was refused as 其他资金“用于…”不是数字. Documents are made up (illustrative)."""

from __future__ import annotations

from pathlib import Path

import docx

from perfkit.load import load_targets
from tests.builders import write_docx as write_seed_docx
from tests.load.layout_docs import write_docx
from tests.load.test_layouts import CENTRAL_BUDGET, central_table
from tests.seed_expected import INDICATORS, PROJECTS


def test_a_two_row_header_with_the_levels_under_one_label(tmp_path: Path) -> None:
    rows = central_table(CENTRAL_BUDGET)
    rows[6] = [("绩效指标", 1, 3), ("指标值", 2, 1)]
    rows.insert(7, ["一级指标", "二级指标", "三级指标"])
    tables = load_targets(write_docx(tmp_path / "two-row.docx", "2025年就业服务项目绩效目标表", rows))
    # worked by hand: the four indicator rows of central_table, read under the lower header row
    assert tables.indicators.select("level1", "name", "target_raw").rows() == [
        ("产出指标", "培训期数", "≥10期"),
        ("产出指标", "培训合格率", "≥90%"),
        ("效益指标", "实现就业人数", "≥800人"),
        ("满意度指标", "参训人员满意度", "≥95%"),
    ]
    assert tables.projects["unreadable"].to_list() == [None]


def test_an_empty_money_cell_before_a_text_is_no_money_and_the_text_is_no_figure(tmp_path: Path) -> None:
    path = write_seed_docx(tmp_path / "seed.docx", PROJECTS[:1], [i for i in INDICATORS if i[0] == 1])
    document = docx.Document(str(path))
    cells = document.tables[0].rows[3].cells  # 预算规模及资金用途 | 其他资金 | value | … (the bundled layout)
    cells[2].text = ""
    cells[3].merge(cells[4]).text = "用于开展示范活动"
    document.tables[0].rows[4].cells[1].text = ""  # the purpose is written beside 其他资金 only
    document.save(str(path))
    project = load_targets(path).projects.row(0, named=True)
    # worked by hand: 5.00 in all, 5.00 fiscal; 其他资金 left empty is 0; the text is the purpose
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (5.0, 5.0, 0.0)
    assert project["purpose"] == "用于开展示范活动"
    assert project["unreadable"] is None
