"""Shapes of published forms that perfkit once refused: each test is a small made-up document
(illustrative names and figures) with one such shape, and values worked out by hand."""

from __future__ import annotations

from pathlib import Path

from perfkit.load import load_targets
from tests.load.layout_docs import write_docx


def test_header_cut_to_its_level_words(tmp_path: Path) -> None:
    """一级 | 二级 | 三级 | 年度数值: the header names the levels without 指标."""
    rows = [
        ["项目名称", ("校舍维修", 1, 3)],
        ["项目主管部门", ("某县教育局", 1, 3)],
        ["一级", "二级", "三级", "年度数值"],
        [("产出值", 2, 1), "数量值", "维修校舍面积", "≥1200平方米"],
        ["成本值", "生均维修经费", "780元/生/年"],
    ]
    tables = load_targets(write_docx(tmp_path / "short.docx", "项目支出目标申报表", rows))
    # worked by hand: the level labels as written; 元/生/年 is a rate per pupil (生) and year
    assert tables.indicators.select("level1", "level2", "name", "target_value", "target_unit").rows() == [
        ("产出值", "数量值", "维修校舍面积", 1200.0, "平方米"),
        ("产出值", "成本值", "生均维修经费", 780.0, "元/生/年"),
    ]
