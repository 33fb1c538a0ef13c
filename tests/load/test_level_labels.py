"""Level labels as forms write them: broken over lines, spaced out, or with a remark in brackets
(``数量指标（必填硬性指标）``) are the label itself, so that the rules that look for 数量指标 find it.
The document is made up for the test (illustrative)."""

from __future__ import annotations

from pathlib import Path

from perfkit.checks import run_checks
from perfkit.load import load_targets
from tests.load.layout_docs import write_docx
from tests.load.test_layouts import CENTRAL_BUDGET, central_table


def test_level_labels_lose_line_breaks_spaces_and_remarks(tmp_path: Path) -> None:
    rows = central_table(CENTRAL_BUDGET)
    rows[7] = [("产 出\n指 标", 2, 1), "数量指标（必填硬性指标）", "培训期数", "≥10期"]
    rows[8] = ["质量\n指标", "培训合格率", "≥90%"]
    rows[9] = ["效益指标", "社会效益\n指标", "实现就业人数", "≥800人"]
    tables = load_targets(write_docx(tmp_path / "levels.docx", "2025年就业服务项目绩效目标表", rows))
    # worked by hand: the labels as the indicator system names them
    assert tables.indicators.select("level1", "level2").rows()[:3] == [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("效益指标", "社会效益指标"),
    ]
    findings = run_checks(tables)
    missing = findings.filter(findings["rule_id"] == "missing_output_level2")["message"].to_list()
    assert not any("数量指标" in m or "质量指标" in m for m in missing)
