"""Findings that must not fire on forms written as the field writes them (issue 24, goal 7), each
through the command line (``perfkit score`` / ``perfkit check``) on a small hand-made file.

Each form is complete and consistent, so the rule named in the test has nothing to find; every
figure is worked out by hand in the test.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from perfkit.cli import main
from tests.builders import write_docx
from tests.load.test_selfeval_real_forms import ROWS, TWO_ROW_HEADER, form, written


def score_findings(tmp_path: Path, path: Path) -> pl.DataFrame:
    assert main(["score", "--actuals", str(path), "-o", str(tmp_path / "out")]) == 0
    return pl.read_csv(tmp_path / "out" / "findings.csv", infer_schema=False)


def check_findings(tmp_path: Path, path: Path) -> pl.DataFrame:
    assert main(["check", str(path), "-o", str(tmp_path / "findings.csv")]) == 0
    return pl.read_csv(tmp_path / "findings.csv", infer_schema=False)


def test_missing_deviation_reason_reads_the_column_named_for_what_was_not_done(tmp_path):
    """受益老人数 scores 30 × 270/300 = 27 below its 30 points, and its reason is written in the
    column 未完成原因及拟采取的改进措施: no missing_deviation_reason."""
    label = "未完成原因及拟采取的改进措施"
    header = [
        [("绩效指标", 1, 3), ("年度指标值", 2, 1), ("实际完成值", 2, 1), ("分值", 2, 1), ("得分", 2, 1), (label, 2, 2)],
        ["一级指标", "二级指标", "三级指标"],
    ]
    path = written(tmp_path, form(header, ROWS))
    findings = score_findings(tmp_path, path)
    assert "missing_deviation_reason" not in findings["rule_id"].to_list()


@pytest.mark.parametrize(
    "trailing",
    [
        # the weights' 合计 alone: 30 + 20 + 30 + 10 = 90 points and 10 for execution = 100
        [[("合计", 1, 5), "100", "", ("", 1, 2)]],
        # the weights' 合计 and then the 总分 row: 30 + 20 + 27 + 10 + 9 = 96
        [[("合计", 1, 5), "100", "", ("", 1, 2)], [("总分", 1, 6), "96", ("", 1, 2)]],
    ],
)
def test_self_total_mismatch_skips_the_weights_total_row(tmp_path, trailing):
    """The 合计 row under the 分值 column sums the weights (100), not the scores (96): it is no
    self total, and neither self_total_mismatch nor self_total_inflated fires (both did: 自评总分100
    与各项自评得分之和96不符)."""
    findings = score_findings(tmp_path, written(tmp_path, form(TWO_ROW_HEADER, ROWS, trailing)))
    assert not {"self_total_mismatch", "self_total_inflated"} & set(findings["rule_id"].to_list())
    totals = pl.read_csv(tmp_path / "out" / "project_scores.csv")["self_total"].to_list()
    assert totals == ([None] if len(trailing) == 1 else [96.0])


def target_table(tmp_path: Path, goal: str, rows: list[tuple[str, str, str, str]]) -> Path:
    """A target table of one project, 5万元, with the goal text and (level2, name, target, unit) rows."""
    project = {
        "unit_code": "100001", "unit_name": "某区妇女联合会", "year": 2025, "project_name": "2025年妇女公益活动项目",
        "budget_total": 5.0, "budget_fiscal": 5.0, "budget_other": 0.0, "purpose": "开展妇女公益活动",
        "goal_text": goal,
    }  # fmt: skip
    level1 = {"服务对象满意度指标": "满意度指标", "社会效益指标": "效益指标"}
    indicators = [
        (1, seq, level1.get(level2, "产出指标"), level2, name, name, target, None, None, unit, "quantitative")
        for seq, (level2, name, target, unit) in enumerate(rows, start=1)
    ]
    return write_docx(tmp_path / "targets.docx", [project], indicators)


# every output kind, a benefit and satisfaction: the rules of completeness have nothing else to find
COMPLETE = [
    ("数量指标", "公益活动场次", "≥26场", "场"),
    ("质量指标", "活动完成率", "≥95%", "%"),
    ("时效指标", "活动完成时限", "≤12个月", "个月"),
    ("成本指标", "活动经费", "≤5万元", "万元"),
    ("社会效益指标", "受益妇女人数", "≥3000人", "人"),
    ("服务对象满意度指标", "服务对象满意度", "≥90%", "%"),
]


def test_missing_output_level2_reads_a_kind_written_with_a_note(tmp_path):
    """数量指标（必填硬性指标） is the 数量指标 (it fired: 产出指标缺少“数量指标”)."""
    rows = [("数量指标（必填硬性指标）", *COMPLETE[0][1:]), *COMPLETE[1:]]
    findings = check_findings(tmp_path, target_table(tmp_path, "开展公益活动不少于26场", rows))
    assert "missing_output_level2" not in findings["rule_id"].to_list()


@pytest.mark.parametrize("goal", ["活动完成率≥30%", "活动完成率达到30%以上", "活动完成率不低于30%"])
def test_goal_target_mismatch_keeps_a_goal_whose_target_is_stricter(tmp_path, goal):
    """A goal of at least 30% and a target of ≥32.68% agree: every value meeting the target meets
    the goal (it fired: 绩效目标1写明“活动完成率>=30%”…却是“≥32.68%”)."""
    rows = [COMPLETE[0], ("质量指标", "活动完成率", "≥32.68%", "%"), *COMPLETE[2:]]
    findings = check_findings(tmp_path, target_table(tmp_path, f"开展公益活动不少于26场，{goal}", rows))
    assert "goal_target_mismatch" not in findings["rule_id"].to_list()


def test_goal_target_mismatch_still_fires_when_the_target_is_looser(tmp_path):
    """A goal of at least 30% against a target of ≥25%: the target allows less than the goal."""
    rows = [COMPLETE[0], ("质量指标", "活动完成率", "≥25%", "%"), *COMPLETE[2:]]
    findings = check_findings(tmp_path, target_table(tmp_path, "开展公益活动不少于26场，活动完成率≥30%", rows))
    assert findings.filter(pl.col("rule_id") == "goal_target_mismatch")["seq"].to_list() == ["2"]
