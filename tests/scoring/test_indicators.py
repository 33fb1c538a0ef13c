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
        "actual_raw": pl.String,
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


def test_every_row_of_a_note_without_places_gets_it():
    """Three indicators and no actual for two of them: the note of that case names nothing of the
    row, and each of the two gets it (written once per case, it came back as one row and failed)."""
    frame = evaluation(
        {"level1": "产出指标", "target_raw": "≥26场", "actual_raw": None},
        {"level1": "产出指标", "target_raw": "≥90%", "actual_raw": "95%"},
        {"level1": "效益指标", "target_raw": "提升影响力", "actual_raw": None},
    )
    notes = score_indicators(frame)["note"].to_list()
    assert notes[0] == notes[2] == "无法评分：没有实际完成值"
    assert notes[1] == "完成值95%≥指标值90%，满分"


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


# Issue 16: written forms and how they score, each worked out by hand ------------------------------


def test_zero_incident_target_missed_scores_zero_and_says_why():
    """``0起`` with actual ``3起`` scored full ("无比较符，按≥处理"); 0 is an upper bound, the ratio
    cannot divide by zero: missed, 0 points."""
    row = one("0起", "3起", weight=4)
    assert (row["score"], row["status"]) == (0.0, "missed")
    assert row["note"] == "指标值0起是零上限，完成值3起大于零：未达成，不能按比例计分，得0分"
    assert one("0起", "0起", weight=4)["score"] == 4.0


@pytest.mark.parametrize("target", ["零事故", "无重大安全事故", "=0起"])
def test_zero_forms_are_upper_bounds_of_zero(target):
    """Actual 0 meets them; 2 misses them with 0 points (=0起 with 2起 was unjudged with no note)."""
    assert one(target, "0起", weight=5)["score"] == 5.0
    missed = one(target, "2起", weight=5)
    assert missed["score"] == 0.0 and "零上限" in missed["note"]


@pytest.mark.parametrize(
    "name", ["安全事故次数", "投诉次数", "差错数", "设备故障率", "事故发生率", "违规次数", "超支金额次数", "失误次数"]
)
def test_bare_number_on_a_lower_is_better_indicator_is_scored_as_at_most(name):
    """``3起`` on 投诉次数: 5 is worse, not better. ≤3 missed by 5: 10 × 3 / 5 = 6 (was full as ≥)."""
    row = one("3起", "5起", name=name)
    assert row["score"] == pytest.approx(6.0)
    assert row["note"] == "超出上限：5起 > 3起，按比例60.0%得分"
    met = one("3起", "2起", name=name)
    assert met["score"] == 10.0 and met["note"] == "完成值2起达到指标值3起（无比较符，按≤处理），满分"


def test_lower_is_better_names_are_a_parameter():
    params = ScoringParams(lower_is_better_names=["返工"])
    frame = evaluation(
        {"level1": "产出指标", "target_raw": "3次", "actual_raw": "5次", "weight_given": 10.0, "name": "返工次数"}
    )
    # ≤3 missed by 5: 10 × 3 / 5 = 6
    assert score_indicators(frame, params)["score"][0] == pytest.approx(6.0)
    assert one("3次", "5次", name="投诉次数")["score"] == pytest.approx(6.0)
    assert (
        score_indicators(
            evaluation(
                {
                    "level1": "产出指标",
                    "target_raw": "3次",
                    "actual_raw": "5次",
                    "weight_given": 10.0,
                    "name": "投诉次数",
                }
            ),
            params,
        )["score"][0]
        == 10.0
    )


@pytest.mark.parametrize(("actual", "reason"), [("实现部分目标", "实现部分目标"), ("达成部分目标", "达成部分目标")])
def test_qualitative_actual_matching_a_band_only_by_prefix_needs_a_person(actual, reason):
    """Both scored 100% as 达成年度指标 (prefix 实现/达成): now no score, 需人工判断. (完成60% and
    达成率50%, once here too, state a completion rate, which now governs the band:
    tests/scoring/test_statements.py.)"""
    row = one("提升影响力", actual, weight=15, level1="效益指标")
    assert row["score"] is None and row["status"] == "unjudged"
    assert row["note"] == (
        f"无法评分：定性完成情况“{reason}”不是评价档次（达成年度指标/部分达成并具有一定效果/未达成且效果较差）"
        "或其同义写法，需人工判断"
    )


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("达成预期指标", 15.0),
        ("已完成", 15.0),
        ("部分达成，1次中断", 10.5),
        ("未完成", 4.5),
        ("部分达成并具有一定效果", 10.5),
    ],
)
def test_qualitative_synonyms_and_band_labels_score_by_band(actual, expected):
    """The whole text or its first clause: 达成预期指标 = 达成年度指标 (100%), 部分达成 70%, 未完成 30%."""
    assert one("提升影响力", actual, weight=15, level1="效益指标")["score"] == pytest.approx(expected)


def test_percentage_stated_in_a_qualitative_actual_is_read_on_a_percentage_target():
    """``完成率96%，达到预期`` on ≥95%: 96 ≥ 95, full; ``完成60%`` on ≥95%: 10 × 60 / 95 = 6.3158."""
    assert one("≥95%", "完成率96%，达到预期")["score"] == 10.0
    assert one("≥95%", "完成60%")["score"] == pytest.approx(6.3158, abs=1e-4)
    # two percentages: which one? a person decides
    assert one("≥95%", "计划90%，完成96%")["score"] is None


@pytest.mark.parametrize(("target", "actual"), [(">95%", "95%"), ("<5%", "5%"), ("大于3次", "3次"), ("低于5%", "5%")])
def test_strict_bound_met_only_at_its_boundary_scores_below_the_weight(target, actual):
    """At the boundary the strict bound is missed: 10 × (1 − 0.05) = 9.5 (it scored 10 with the note
    "超出上限：5% > 5%")."""
    row = one(target, actual)
    assert (row["score"], row["status"]) == (9.5, "missed")
    assert "等于指标值" in row["note"] and "扣减5%，按95.0%得分" in row["note"]


def test_strict_bound_missed_by_more_keeps_the_ratio():
    """>95% with 90%: the ratio 90/95 = 0.947368 is below 0.95: 9.4737."""
    assert one(">95%", "90%")["score"] == pytest.approx(9.4737, abs=1e-4)


@pytest.mark.parametrize(
    ("actual", "score", "status"),
    [("12人", 10.0, "met"), ("10人", 10.0, "met"), ("8人", 8.0, "missed"), ("20人", 7.5, "missed")],
)
def test_range_met_inside_and_scored_by_the_nearer_bound_outside(actual, score, status):
    """10-15人: 8 → 8/10 = 0.8; 20 → 15/20 = 0.75."""
    row = one("10-15人", actual)
    assert (row["score"], row["status"]) == (pytest.approx(score), status)


def test_approximate_target_is_an_equal_target():
    """约200人 is =200 with the mark: 180 → 10 × 180 / 200 = 9, a deviation from the set value."""
    row = one("约200人", "180人")
    assert row["score"] == pytest.approx(9.0) and row["status"] == "equal_missed"


def test_counted_noun_and_unit_synonyms_compare():
    """22个社区 meets ≥20个社区; 8日 meets ≤10天; 3工作日 meets ≤5个工作日; 1.2万 meets ≥1万 (judged,
    not left incomparable as money)."""
    assert one("≥20个社区", "22个社区")["score"] == 10.0
    assert one("≤10天", "8日")["score"] == 10.0
    assert one("≤5个工作日", "3工作日")["score"] == 10.0
    assert one("≥1万", "1.2万")["status"] == "over"  # 1.2 is 1.2 × the target: flagged, full marks
    assert one("≥1万", "0.8万")["score"] == pytest.approx(8.0)


@pytest.mark.parametrize(
    ("target", "actual", "score", "status"),
    [
        # ≤10月 done in December: months 10 / 12 of 6 points = 5.0
        ("≤10月", "12月完成", 5.0, "missed"),
        ("≤10月", "9月", 6.0, "met"),
        ("2025年12月31日前", "2025年11月", 6.0, "met"),
        # a later year: 0
        ("2025年", "2026年", 0.0, "missed"),
        ("年底前", "12月", 6.0, "met"),
        # 10月15日前 done on 10月20日: late within the month, 6 × 0.95 = 5.7
        ("10月15日前", "10月20日", 5.7, "missed"),
        ("按期完成", "达成年度指标", 6.0, "met"),
    ],
)
def test_deadlines_compare_dates(target, actual, score, status):
    row = one(target, actual, weight=6, level2="时效指标")
    assert (row["score"], row["status"]) == (pytest.approx(score), status)


def test_year_as_actual_of_a_deadline_no_longer_scores_full():
    """``2026年`` against a 2025年 time limit scored full (2026 ≥ 2025 of a unit 年)."""
    row = one("2025年", "2026年", weight=6, level2="时效指标")
    assert row["score"] == 0.0 and row["note"] == "逾期：完成时间2026年晚于时限2025年，按0.0%得分"


def test_contradictory_target_is_not_scored():
    row = one("≥95%以下", "96%")
    assert row["score"] is None and "自相矛盾" in row["note"]


def test_given_weights_above_the_group_weight_never_make_a_weight_negative():
    """分值 30 + 25 = 55 in a 50-point group: the third output's weight was 50 − 55 = −5 (score −5);
    it is 0 now, and ``weight_given_sum`` 55 > ``group_weight`` 50 is there for the finding."""
    frame = evaluation(
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "2场", "weight_given": 30.0},
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "2场", "weight_given": 25.0},
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "2场"},
        {"level1": "效益指标", "target_raw": "≥90%", "actual_raw": "90%"},
        {"level1": "满意度指标", "target_raw": "≥90%", "actual_raw": "90%"},
    )
    scores = score_indicators(frame)
    assert scores["weight"].to_list() == [30.0, 25.0, 0.0, 30.0, 10.0]
    assert scores["score"].min() >= 0
    assert scores.row(0, named=True)["weight_given_sum"] == 55.0 and scores.row(0, named=True)["group_weight"] == 50.0


def test_unknown_level1_is_unscored_and_named():
    """一级指标 ``过程指标`` has no weight: it was weight 0 silently; now unscored, the note names it."""
    row = one("≥26场", "26场", level1="过程指标")
    assert row["weight"] is None and row["score"] is None
    assert row["note"] == "无法评分：一级指标“过程指标”不是产出、效益、满意度或成本指标，无法确定权重"


def test_effect_indicators_are_the_benefit_group():
    """效果指标 is how some provinces (河北) name the benefit group: worked by hand, the one benefit
    indicator takes the group's 30 points and, met, scores 30."""
    frame = evaluation(
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "2场"},
        {"level1": "效果指标", "target_raw": "≥75%", "actual_raw": "100%"},
        {"level1": "满意度指标", "target_raw": "≥90%", "actual_raw": "90%"},
    )
    assert score_indicators(frame)["score"].to_list() == [50.0, 30.0, 10.0]


@pytest.mark.parametrize(
    ("target", "actual"),
    [("=0起", "2起"), ("≥26场", None), ("≥26场", "约二十场"), ("≥26场", "4.5万元"), ("提升", "工作有序开展"),
     ("≥95%以下", "96%"), ("≤10月", "很快")],
)  # fmt: skip
def test_every_unscored_indicator_says_why(target, actual):
    row = one(target, actual, level2="时效指标" if "月" in target else None)
    if row["score"] is None:
        assert row["note"].startswith("无法评分：") and len(row["note"]) > 6
    else:
        assert row["note"]


def test_slices_of_whole_projects_score_as_one_piece(monkeypatch):
    """Project p's rows are split by q's: no slice may cut p, whatever the slice size."""
    import perfkit.scoring.indicators as indicators

    monkeypatch.setattr(indicators, "SLICE_INDICATORS", 1)
    frame = evaluation(
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "2场"},
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "1场", "project_id": "q"},
        {"level1": "产出指标", "target_raw": "≥2场", "actual_raw": "1场"},
        {"level1": "效益指标", "target_raw": "≥90%", "actual_raw": "90%"},
        {"level1": "满意度指标", "target_raw": "≥90%", "actual_raw": "90%", "project_id": "r"},
    )
    scores = score_indicators(frame)
    # worked by hand, as in the test above: p's outputs 56.25 / 2 = 28.125 each, its benefit 33.75;
    # q has outputs only: 50 × 90 / 50 = 90; r satisfaction only: 10 × 90 / 10 = 90
    assert scores["project_id"].to_list() == ["p", "q", "p", "p", "r"]
    assert scores["weight"].to_list() == pytest.approx([28.125, 90.0, 28.125, 33.75, 90.0])
    assert scores["score"].to_list() == pytest.approx([28.125, 45.0, 14.0625, 33.75, 90.0])
