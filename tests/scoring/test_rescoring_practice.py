"""The re-scoring rules of issue 25 on hand-written self-evaluations (tests/scoring/test_scorecard.py's
one-project form): what fires, with its message and evidence, and the clean twin that must not.

Red before: none of these rules existed; ``perfkit score`` on each planted form gave none of these
findings (the budget figures and reasons were read, but nothing compared them).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from perfkit.load.actuals import load_actuals
from perfkit.scoring import score
from tests.checks.tables import make_tables
from tests.scoring.test_scorecard import CLEAN_ROWS, selfeval_text

# the approved targets of the form's project: the same four indicators, budget 50万元
TARGETS = [
    (1, "产出指标", "数量指标", "举办活动场次", "举办活动场次", "≥10场"),
    (1, "产出指标", "成本指标", "活动经费", "活动经费", "≤20万元"),
    (1, "效益指标", "社会效益指标", "活动影响力", "活动影响力", "提升影响力"),
    (1, "满意度指标", "服务对象满意度指标", "参与者满意度", "参与者满意度", "≥90%"),
]


def findings(tmp_path: Path, rows=CLEAN_ROWS, initial="50.00", full="50.00", executed="48.00", targets=None, **rules):
    """The re-scoring findings of the form with 年初预算数 ``initial`` and 全年预算数 ``full``."""
    text = selfeval_text(rows, "96.6", executed=executed).replace(
        "\t年度资金总额\n\t50.00\n\t50.00\n", f"\t年度资金总额\n\t{initial}\n\t{full}\n"
    )
    path = tmp_path / "selfeval.txt"
    path.write_text(text, encoding="utf-8")
    tables = None
    if targets is not None:
        tables = make_tables([{"project_name": "2025年示例项目", "budget_total": 50.0}], targets)
    return score(load_actuals(path), tables, rule_overrides=rules).findings


def of(found: pl.DataFrame, rule_id: str) -> list[dict]:
    return found.filter(pl.col("rule_id") == rule_id).to_dicts()


# initial_budget_differs ------------------------------------------------------------------------------


def test_initial_budget_differs_from_the_target_tables_budget(tmp_path):
    """年初预算数 45 against the table's 预算数 50: 5万元 apart (tolerance 0.005)."""
    (hit,) = of(findings(tmp_path, initial="45.00", targets=TARGETS), "initial_budget_differs")
    assert hit["message"] == "自评表年初预算数45万元与绩效目标表预算数50万元不符：自评应对照批复的预算和目标"
    assert hit["evidence"] == "绩效目标表预算数：50万元；自评表年初预算数：45万元"
    assert hit["seq"] is None and "财预〔2020〕10号" in hit["basis"]


def test_initial_budget_equal_or_no_target_table_is_not_a_finding(tmp_path):
    """Clean twin: 50 = 50; and without a target table there is nothing to compare with."""
    assert of(findings(tmp_path, targets=TARGETS), "initial_budget_differs") == []
    assert of(findings(tmp_path, initial="45.00"), "initial_budget_differs") == []


# budget_adjusted_targets_unchanged ------------------------------------------------------------------


def test_budget_cut_by_a_fifth_with_every_target_unchanged(tmp_path):
    """全年预算数 40 against 年初 50: −20% (> 10%); the four targets read as approved."""
    (hit,) = of(findings(tmp_path, full="40.00", targets=TARGETS), "budget_adjusted_targets_unchanged")
    assert hit["message"] == (
        "全年预算数由年初50万元调整为40万元（减少20.0%），4项年度指标值均与批复目标相同：预算调整而绩效目标未相应调整"
    )
    assert hit["evidence"] == "年初预算数：50万元；全年预算数：40万元"


def test_small_budget_change_or_an_adjusted_target_is_not_a_finding(tmp_path):
    """Clean twins: −6% (47 of 50) is within 10%; a −20% cut with 举办活动场次 lowered to ≥8场;
    and with ``min_change_share: 0.0`` (any change, as the Sichuan profile sets) −6% fires."""
    assert of(findings(tmp_path, full="47.00", targets=TARGETS), "budget_adjusted_targets_unchanged") == []
    rows = [list(r) for r in CLEAN_ROWS]
    rows[0][3] = "≥8场"
    assert of(findings(tmp_path, rows, full="40.00", targets=TARGETS), "budget_adjusted_targets_unchanged") == []
    anyhow = {"budget_adjusted_targets_unchanged": {"min_change_share": 0.0}}
    assert (
        len(of(findings(tmp_path, full="47.00", targets=TARGETS, **anyhow), "budget_adjusted_targets_unchanged")) == 1
    )


# execution_below_output ------------------------------------------------------------------------------


def test_execution_far_below_output_completion(tmp_path):
    """20 of 50 spent (40%); outputs 9/10 场 (90%) and the cost met (100%): mean 95%, 55 points apart."""
    (hit,) = of(findings(tmp_path, executed="20.00"), "execution_below_output")
    assert hit["message"] == (
        "预算执行率40.0%，产出指标平均完成程度95.0%，相差55.0个百分点：资金支付与产出不匹配，应核实产出完成情况"
    )
    assert hit["evidence"] == "全年预算数：50万元；全年执行数：20万元；产出指标2项"


def test_execution_in_line_with_outputs_is_not_a_finding(tmp_path):
    """Clean twin: 48 of 50 (96%) against 95%; 42 of 50 (84%) is 11 points apart: a finding at the
    default 10, none at ``max_gap_points: 15``."""
    assert of(findings(tmp_path), "execution_below_output") == []
    assert len(of(findings(tmp_path, executed="42.00"), "execution_below_output")) == 1
    wide = {"execution_below_output": {"max_gap_points": 15.0}}
    assert of(findings(tmp_path, executed="42.00", **wide), "execution_below_output") == []


# quantity_targets_all_exceeded -----------------------------------------------------------------------


def quantity_rows(second_actual: str) -> list[list[str]]:
    return [
        ["产出指标", "数量指标", "举办活动场次", "≥10场", "13场", "15", "15", ""],
        ["产出指标", "数量指标", "服务人次", "≥100人次", second_actual, "15", "15", ""],
        *CLEAN_ROWS[1:],
    ]


def test_every_quantity_target_exceeded_by_a_fifth_or_more(tmp_path):
    """13/10 = 1.3 and 150/100 = 1.5: both at 1.2× or more."""
    (hit,) = of(findings(tmp_path, quantity_rows("150人次")), "quantity_targets_all_exceeded")
    assert hit["message"] == (
        "2个数量指标中2个的完成值达到指标值的1.2倍以上（最低1.3倍）：指标值整体设定偏低，应按实际产出能力设定"
    )
    assert hit["evidence"] == "数量指标：举办活动场次（≥10场→13场）；服务人次（≥100人次→150人次）"


def test_one_quantity_target_near_its_value_is_not_a_finding(tmp_path):
    """Clean twin: 110/100 = 1.1 (below 1.2); one of two is not every one (``min_share`` 1.0), but is at 0.5."""
    assert of(findings(tmp_path, quantity_rows("110人次")), "quantity_targets_all_exceeded") == []
    half = {"quantity_targets_all_exceeded": {"min_share": 0.5}}
    assert len(of(findings(tmp_path, quantity_rows("110人次"), **half), "quantity_targets_all_exceeded")) == 1


# boilerplate_deviation_reason ------------------------------------------------------------------------


def with_reason(reason: str, row: int = 0, score: str | None = None) -> list[list[str]]:
    rows = [list(r) for r in CLEAN_ROWS]
    rows[row][7] = reason
    if score is not None:
        rows[row][6] = score
    return rows


def test_a_reason_that_says_nothing_on_an_indicator_below_its_weight(tmp_path):
    """9/10 场 scores 27 of 30; the reason ``无`` explains nothing."""
    (hit,) = of(findings(tmp_path, with_reason("无")), "boilerplate_deviation_reason")
    assert hit["seq"] == 1
    assert hit["message"] == (
        "指标得分低于分值（复核27、自评27，分值30），偏差原因只写了“无”：应分析未完成的原因并提出改进措施"
    )
    assert hit["evidence"] == "指标值：≥10场；实际完成值：9场；偏差原因：无"


def test_a_slash_or_the_indicators_own_name_says_nothing_either(tmp_path):
    for reason in ["/", "举办活动场次", "已完成。"]:
        assert len(of(findings(tmp_path, with_reason(reason)), "boilerplate_deviation_reason")) == 1, reason


def test_a_real_reason_or_full_marks_is_not_a_finding(tmp_path):
    """Clean twins: CLEAN's ``受天气影响1场取消``; ``无`` on 活动经费, scored in full (20 of 20)."""
    assert of(findings(tmp_path), "boilerplate_deviation_reason") == []
    assert of(findings(tmp_path, with_reason("无", row=1)), "boilerplate_deviation_reason") == []


def test_a_stated_target_is_the_approved_one_whatever_its_whitespace():
    """The comparison both target rules share (worked by hand): the same text, or the same once
    spaces (also the full-width one) are taken out, is the approved target; another is not; a
    missing text on either side says nothing."""
    from perfkit.scoring.rescoring import stated_target_same

    rows = pl.DataFrame(
        {
            "selfeval_target_raw": ["≥90%", "≥ 90%", "≥90%　", "≥95%", None, "≥90%"],
            "target_raw": ["≥90%", "≥90%", "≥90%", "≥90%", "≥90%", None],
        }
    )
    assert stated_target_same(rows).to_list() == [True, True, True, False, None, None]
