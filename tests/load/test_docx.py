"""The .docx reader and Word content controls (``w:sdt``): a table, a row or a cell wrapped in one
is read as if it were not wrapped.

The documents are illustrative, made up in the test: a small form written with python-docx,
then elements wrapped in ``w:sdt``/``w:sdtContent`` with lxml, as Word writes repeating sections
and content controls. Expected values are worked out by hand from the cells written.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import OxmlElement

from perfkit.load import load_targets
from tests.load.layout_docs import add_table

FORM = [
    [("100001示例街道办事处", 1, 3), ("单位：万元", 1, 2)],
    ["项目名称", ("2025年社区服务项目", 1, 4)],
    ["预算数", "12.5", "其中：财政资金", "12.5", ""],
    ["绩效目标", ("1.开展社区活动不少于10场。", 1, 4)],
    ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"],
    [("产出指标", 2, 1), "数量指标", "活动场次", "活动场次", "≥10场"],
    ["时效指标", "完成时间", "完成时间", "≤6月"],
    ["效益指标", "社会效益指标", "受益人数", "受益人数", "≥500人"],
    ["满意度指标", "服务对象满意度指标", "满意度", "满意度", "≥90%"],
]
# worked by hand from FORM: the four indicator rows, rows 6-9 of the table
EXPECTED = [
    ("产出指标", "数量指标", "活动场次", "≥10场", "表1第6行"),
    ("产出指标", "时效指标", "完成时间", "≤6月", "表1第7行"),
    ("效益指标", "社会效益指标", "受益人数", "≥500人", "表1第8行"),
    ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "表1第9行"),
]


def wrap(elements: list) -> None:
    """Wrap consecutive sibling ``elements`` in one ``w:sdt``/``w:sdtContent``, where they stood."""
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    sdt.append(OxmlElement("w:sdtPr"))
    sdt.append(content)
    elements[0].addprevious(sdt)
    for element in elements:
        content.append(element)


def form_document(path: Path, change) -> Path:
    document = docx.Document()
    document.add_paragraph("2025年社区服务项目绩效目标表")
    add_table(document, FORM)
    change(document.tables[0]._tbl)
    document.save(str(path))
    return path


def loaded_rows(path: Path) -> list[tuple]:
    tables = load_targets(path)
    assert tables.projects.select("project_name", "budget_total").rows() == [("2025年社区服务项目", 12.5)]
    return tables.indicators.select("level1", "level2", "name", "target_raw", "source_ref").rows()


def test_a_table_in_a_content_control_is_read(tmp_path):
    path = form_document(tmp_path / "table.docx", lambda tbl: wrap([tbl]))
    assert loaded_rows(path) == EXPECTED


def test_rows_in_a_repeating_section_are_read(tmp_path):
    # the indicator rows 7-8 inside a repeating section, each row its own sdt as Word writes them
    def change(tbl):
        rows = tbl.tr_lst
        wrap([rows[6]])
        wrap([rows[7]])

    assert loaded_rows(form_document(tmp_path / "rows.docx", change)) == EXPECTED


def test_a_cell_in_a_content_control_does_not_shift_the_cells_after_it(tmp_path):
    # 二级指标 and 三级指标 of row 8 (效益指标 …) each in a content control
    def change(tbl):
        cells = tbl.tr_lst[7].tc_lst
        wrap([cells[1]])
        wrap([cells[2]])

    assert loaded_rows(form_document(tmp_path / "cells.docx", change)) == EXPECTED


def test_a_paragraph_in_a_content_control_above_a_table_is_its_context(tmp_path):
    # 单位：元 above the table, in a content control; the budget written in 元
    document = docx.Document()
    document.add_paragraph("2025年社区服务项目绩效目标表")
    scale = document.add_paragraph("单位：元")
    add_table(document, [[("100001示例街道办事处", 1, 5)], ["项目名称", ("2025年社区服务项目", 1, 4)],
                         ["预算数", "125000", "其中：财政资金", "125000", ""], *FORM[3:]])  # fmt: skip
    wrap([scale._p])
    document.save(str(tmp_path / "scale.docx"))
    # worked by hand: 125000 元 = 12.5 万元
    assert loaded_rows(tmp_path / "scale.docx") == EXPECTED
