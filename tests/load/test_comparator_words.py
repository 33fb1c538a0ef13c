"""Comparator words in a 指标性质 column inside documents (``小于等于 | 8 | 万元``) set the target's
side, as they do in flat exports; they were dropped before (a silent misread: an upper bound read as
a bare number, scored as a lower bound). The documents are made up for the tests (illustrative)."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.load import load_targets
from tests.load.layout_docs import write_docx


def split_table(op: str) -> list:
    return [
        ["项目名称", ("2025年示例培训项目", 1, 5)],
        ["实施单位", ("某市培训中心", 1, 5)],
        ["年度资金总额（万元）", ("10", 1, 5)],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"],
        ["产出指标", "成本指标", "培训成本", op, "8", "万元"],
        ["满意度指标", "服务对象满意度指标", "学员满意度", "大于等于", "90", "%"],
    ]


@pytest.mark.parametrize(
    ("written", "target", "op"),
    [("小于等于", "≤8万元", "<="), ("不超过", "≤8万元", "<="), ("≦", "≤8万元", "<="), ("小于", "<8万元", "<")],
)
def test_a_comparator_word_in_the_column_sets_the_side(tmp_path: Path, written: str, target: str, op: str) -> None:
    tables = load_targets(write_docx(tmp_path / "split.docx", "2025年示例培训项目绩效目标表", split_table(written)))
    first, second = tables.indicators.select("target_raw", "target_op", "target_value", "target_unit").rows()
    # worked by hand: the word is the comparator; the value 8 and the unit 万元 follow it
    assert first == (target, op, 8.0, "万元")
    assert second == ("≥90%", ">=", 90.0, "%")
