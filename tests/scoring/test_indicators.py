"""Scores worked out by hand under 财预〔2020〕10号 and perfkit's defaults (docs/domain.md)."""

from __future__ import annotations

import polars as pl
import pytest

from perfkit.scoring.indicators import score_indicators
from perfkit.scoring.params import ScoringParams
from perfkit.scoring.projects import execution_score, grade, score_projects
from perfkit.targets import is_money_indicator, is_timely_indicator, with_parsed_targets

LEVEL2 = {"产出指标": "数量指标", "效益指标": "社会效益指标", "满意度指标": "服务对象满意度指标"}


def evaluation(*rows: dict) -> pl.DataFrame:
    """Indicators of project ``p``; each row gives level1, target and actual, optionally more."""
    records = [
        {
            "project_id": "p", "unit_code": "100001", "seq": i, "level2": LEVEL2.get(r["level1"]), "name": f"指标{i}",
            "weight_given": None, "band": None, "band_fraction": None, "self_score": None, "deviation_reason": None,
        } | r
        for i, r in enumerate(rows, start=1)
    ]  # fmt: skip
    schema = {
        "level2": pl.String,
        "weight_given": pl.Float64,
        "band": pl.String,
        "band_fraction": pl.Float64,
        "self_score": pl.Float64,
    }
    frame = pl.DataFrame(records, schema_overrides=schema)
    return with_parsed_targets(frame, money=is_money_indicator(), timely=is_timely_indicator())


def one(target: str, actual: str, weight: float = 10.0, level1: str = "产出指标", **extra) -> dict:
    frame = evaluation({"level1": level1, "target_raw": target, "actual_raw": actual, "weight_given": weight} | extra)
    return score_indicators(frame).row(0, named=True)


def test_lower_bound_met_scores_full():
    row = one("≥4000人", "4200人次")
    assert row["achievement"] == 1.0 and row["score"] == 10.0
    assert row["note"] == "完成值4200人次≥指标值4000人，满分"


def test_lower_bound_missed_scores_in_proportion():
    row = one("≥26场", "23场", weight=5)
    # 5 × 23 / 26 = 4.423077
    assert row["score"] == pytest.approx(4.4231, abs=1e-4)
    assert row["achievement"] == pytest.approx(23 / 26)


def test_far_exceeded_lower_bound_keeps_full_marks_and_is_flagged():
    frame = evaluation({"level1": "产出指标", "target_raw": "≥100场", "actual_raw": "130场", "weight_given": 3.0})
    row = score_indicators(frame).row(0, named=True)
    assert row["score"] == 3.0 and row["status"] == "over"
    # with deduction on: 3 × (1 − (1.3 − 1)) = 2.1
    deducted = score_indicators(frame, ScoringParams(deduct_over_achievement=True)).row(0, named=True)
    assert deducted["score"] == pytest.approx(2.1)


def test_cost_kept_scores_full():
    assert one("≤4.1万元", "3.9万元")["score"] == 10.0


def test_cost_kept_across_units():
    # 39000元 = 3.9万元 ≤ 4.1万元
    assert one("≤4.1万元", "39000元")["score"] == 10.0


def test_cost_overrun_ratio_and_linear():
    frame = evaluation({"level1": "产出指标", "target_raw": "≤4.1万元", "actual_raw": "4.6万元", "weight_given": 10.0})
    ratio = score_indicators(frame).row(0, named=True)
    # 10 × 4.1 / 4.6 = 8.913043
    assert ratio["score"] == pytest.approx(8.913, abs=1e-4)
    assert ratio["note"] == "超出上限：4.6万元 > 4.1万元，按比例89.1%得分"
    linear = score_indicators(frame, ScoringParams(upper_bound_method="linear")).row(0, named=True)
    # 10 × (1 − (4.6 − 4.1) / 4.1) = 10 × 0.878049 = 8.7805
    assert linear["score"] == pytest.approx(8.7805, abs=1e-4)


def test_deadline_month_exceeded():
    # ≤4月 done in 5月: 6 × 4 / 5 = 4.8
    assert one("≤4月", "5月", weight=6)["score"] == pytest.approx(4.8)


def test_equal_target_missed_below_and_met():
    below = one("=100%", "95%", weight=4)
    # 4 × 95 / 100 = 3.8
    assert below["score"] == pytest.approx(3.8) and below["status"] == "equal_missed"
    assert one("=100%", "100%", weight=4)["score"] == 4.0


def test_equal_target_exceeded_is_flagged_not_rewarded():
    row = one("=2套", "3套", weight=4)
    assert row["score"] == 4.0 and row["status"] in ("over", "equal_missed")


def test_qualitative_bands():
    # 部分达成 by default 70%: 15 × 0.7 = 10.5
    assert one("提升影响力", "部分达成", weight=15, level1="效益指标")["score"] == pytest.approx(10.5)
    assert one("提升影响力", "达成年度指标", weight=15, level1="效益指标")["score"] == 15.0
    # 未达成 30%: 15 × 0.3 = 4.5
    assert one("提升影响力", "未达成", weight=15, level1="效益指标")["score"] == pytest.approx(4.5)
    # explicit 75% within 部分达成's 60–80%: 15 × 0.75 = 11.25
    explicit = one(
        "提升影响力", "有一定效果", weight=15, level1="效益指标", band="部分达成并具有一定效果", band_fraction=0.75
    )
    assert explicit["score"] == pytest.approx(11.25)


def test_qualitative_without_band_is_unscored_not_zero():
    row = one("提升影响力", "工作有序开展", weight=15, level1="效益指标")
    assert row["score"] is None and row["status"] == "unjudged"
    assert "无法评分" in row["note"]


def test_unparseable_or_incomparable_actual_is_unscored_not_zero():
    assert one("≥26场", "约二十场")["score"] is None
    assert one("≥26场", "4.5万元")["score"] is None


def test_equal_split_inside_groups_and_missing_satisfaction_group_moves_its_weight():
    frame = evaluation(
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "2场"},
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "1场"},
        {"level1": "效益指标", "target_raw": "≥90%", "actual_raw": "90%"},
    )
    scores = score_indicators(frame)
    # outputs 50 and benefits 30 share the missing satisfaction 10 in proportion 50:30:
    # outputs 50 + 10 × 50/80 = 56.25 → 28.125 each; benefits 30 + 10 × 30/80 = 33.75
    assert scores["weight"].to_list() == pytest.approx([28.125, 28.125, 33.75])
    # second output: 28.125 × 1 / 2 = 14.0625
    assert scores["score"].to_list() == pytest.approx([28.125, 14.0625, 33.75])
    projects = pl.DataFrame(
        {
            "unit_code": ["100001"],
            "project_id": ["p"],
            "project_name": ["示例"],
            "budget_full": [5.0],
            "executed": [4.8],
        }
    )
    total = score_projects(scores, projects).row(0, named=True)
    # 28.125 + 14.0625 + 33.75 + 10 × 4.8 / 5 (9.6) = 85.5375 → 良
    assert total["output_score"] == pytest.approx(42.1875)
    assert total["satisfaction_score"] == 0.0
    assert total["total"] == pytest.approx(85.5375) and total["grade"] == "良"


def test_self_evaluation_weights_are_used_where_given():
    frame = evaluation(
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "2场", "weight_given": 20.0},
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "2场"},
        {"level1": "效益指标", "target_raw": "≥90%", "actual_raw": "90%"},
        {"level1": "满意度指标", "target_raw": "≥90%", "actual_raw": "90%"},
    )
    # given 20; the rest of the 50-point output group (30) goes to the other output indicator
    assert score_indicators(frame)["weight"].to_list() == [20.0, 30.0, 30.0, 10.0]


@pytest.mark.parametrize(
    ("executed", "budget", "expected"),
    [(4.8, 5.0, 9.6), (5.2, 5.0, 10.0), (0.0, 5.0, 0.0), (1.0, None, None)],
    ids=["96% → 9.6", "104% capped at 10", "nothing spent", "no budget: unscored"],
)
def test_execution_score(executed, budget, expected):
    frame = pl.DataFrame(
        {"executed": [executed], "budget": [budget]}, schema={"executed": pl.Float64, "budget": pl.Float64}
    )
    value = frame.select(execution_score(pl.col("executed"), pl.col("budget"), ScoringParams())).item()
    assert value == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("total", "expected"),
    [(100.0, "优"), (90.0, "优"), (89.99, "良"), (80.0, "良"), (79.99, "中"), (60.0, "中"), (59.99, "差"), (0.0, "差")],
)
def test_grade_boundaries_are_inclusive_lower_bounds(total, expected):
    assert pl.select(grade(pl.lit(total), ScoringParams())).item() == expected


def test_grade_bands_are_a_parameter():
    provincial = ScoringParams(grade_bounds={"优": 80.0, "良": 70.0, "中": 60.0})
    assert pl.select(grade(pl.lit(75.0), provincial)).item() == "良"


def test_no_comparator_is_scored_as_lower_bound_by_default():
    row = one("140人", "128人", weight=5)
    # 5 × 128 / 140 = 4.571429
    assert row["score"] == pytest.approx(4.5714, abs=1e-4)
