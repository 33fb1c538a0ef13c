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
