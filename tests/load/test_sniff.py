"""Telling a tab-separated flat export from a Word plain-text export, by content.

Both have lines that start with a tab: a Word export writes every cell on a line of its own after
a tab; a flat export whose first cells are blank (a unit's rows below its first) starts those rows
with a tab too. A flat export has a header row with the flat columns on one line. The tables here
are illustrative, made up for the test.
"""

from __future__ import annotations

from pathlib import Path

from perfkit.cli import main
from perfkit.load import load_targets
from perfkit.load.formats.sniff import detect_format

FLAT_TSV = (
    "单位编码\t单位名称\t项目名称\t预算数\t一级指标\t二级指标\t三级指标\t指标值\n"
    "100001\t示例街道\t社区服务项目\t10\t产出指标\t数量指标\t场次\t≥10场\n"
    "\t\t\t\t效益指标\t社会效益指标\t受益人数\t≥500人\n"
)
WORD_EXPORT = (
    "1.2025年社区服务项目绩效目标表\n"
    "\t100001示例街道\n\t单位：万元\n\n"
    "\t项目名称\n\t2025年社区服务项目\n\n"
    "\t预算数\n\t10\n\n"
    "\t一级指标\n\t二级指标\n\t三级指标\n\t绩效指标描述\n\t指标值\n\n"
    "\t产出指标\n\t数量指标\n\t场次\n\t场次\n\t≥10场\n"
)


def test_a_tab_separated_flat_export_with_tab_led_rows_is_a_flat_table(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(FLAT_TSV, encoding="utf-8")
    assert detect_format(path.read_bytes(), path) == "csv"
    tables = load_targets(path)
    # worked by hand: row 3's blank project cells continue row 2's project
    assert tables.projects.select("unit_code", "project_name", "budget_total").rows() == [
        ("100001", "社区服务项目", 10.0)
    ]
    assert tables.indicators.select("level1", "target_raw", "source_ref").rows() == [
        ("产出指标", "≥10场", "第2行"),
        ("效益指标", "≥500人", "第3行"),
    ]


def test_a_word_export_is_still_a_word_export(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(WORD_EXPORT, encoding="utf-8")
    assert detect_format(path.read_bytes(), path) == "word_text"
    tables = load_targets(path)
    # worked by hand: one project of 10万元 with one indicator
    assert tables.projects.select("project_name", "budget_total").rows() == [("2025年社区服务项目", 10.0)]
    assert tables.indicators["target_raw"].to_list() == ["≥10场"]


def test_extract_reads_a_tab_separated_flat_export(tmp_path: Path, capsys) -> None:
    path = tmp_path / "export.tsv"
    path.write_text(FLAT_TSV, encoding="utf-8")
    assert main(["extract", str(path), "-o", str(tmp_path / "out")]) == 0
    assert "1 个项目" in capsys.readouterr().out
