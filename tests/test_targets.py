"""The 指标值 parser reads every spelling of a target that docs/domain.md lists."""

from __future__ import annotations

import polars as pl
import pytest

from perfkit.targets import is_money_indicator, parse_targets, with_parsed_targets

Q, T, R, D, C = "quantitative", "qualitative", "range", "deadline", "contradictory"

CASES = [
    # cell as written, money?, (op, value, unit, kind) worked out by hand
    ("≥26场", False, (">=", 26.0, "场", Q)),
    ("≤4.1万元", True, ("<=", 4.1, "万元", Q)),
    ("≥95百分比", False, (">=", 95.0, "%", Q)),
    ("≤4月", False, ("<=", 4.0, "月", Q)),
    ("3200人", False, (None, 3200.0, "人", Q)),
    ("按时完成", False, (None, None, None, T)),
    ("极大提升妇女参与全民健身积极性", False, (None, None, None, T)),
    ("不少于4次", False, (">=", 4.0, "次", Q)),
    ("不低于90%", False, (">=", 90.0, "%", Q)),
    ("至少10场", False, (">=", 10.0, "场", Q)),
    ("不超过3.5万元", True, ("<=", 3.5, "万元", Q)),
    ("不高于600元", True, ("<=", 600.0, "元", Q)),
    ("≧2个", False, (">=", 2.0, "个", Q)),
    ("≦12月", False, ("<=", 12.0, "月", Q)),
    ("＞＝3期", False, (">=", 3.0, "期", Q)),
    ("＜＝3期", False, ("<=", 3.0, "期", Q)),
    ("≥９５％", False, (">=", 95.0, "%", Q)),
    ("＞０", False, (">", 0.0, None, Q)),
    (" ≥ 26 场 ", False, (">=", 26.0, "场", Q)),
    ("≤203万", True, ("<=", 203.0, "万元", Q)),
    ("≥1万", False, (">=", 1.0, "万", Q)),
    ("≥10000人次", False, (">=", 10000.0, "人次", Q)),
    ("≤550元/人", True, ("<=", 550.0, "元/人", Q)),
    ("≤450元/人·天", True, ("<=", 450.0, "元/人·天", Q)),
    # a one-character noun as a denominator: 780 yuan per pupil (生) and year
    ("780元/生/年", True, (None, 780.0, "元/生/年", Q)),
    ("≥200Mbps", False, (">=", 200.0, "Mbps", Q)),
    ("=100%", False, ("=", 100.0, "%", Q)),
    ("等于1套", False, ("=", 1.0, "套", Q)),
    ("90%以上", False, (">=", 90.0, "%", Q)),
    ("24小时以内", False, ("<=", 24.0, "小时", Q)),
    ("≤130,445.50元", True, ("<=", 130445.5, "元", Q)),
    # outside a 时效指标 a bare year stays a number (≥3年 is a period); inside one it is a date
    ("2025年", False, (None, 2025.0, "年", Q)),
    # worked by hand: 全年 can only be a time limit, the year's last day 2025-12-31
    ("2025年全年", False, ("<=", 20251231.0, None, D)),
    ("7*24小时实时监控", False, (None, None, None, T)),
    ("一线故障，2小时响应，24小时解决", False, (None, None, None, T)),
    ("大于3次", False, (">", 3.0, "次", Q)),
    ("低于5%", False, ("<", 5.0, "%", Q)),
    ("", False, (None, None, None, None)),
    (None, False, (None, None, None, None)),
    # a mark that means none is no target, as in a figure cell (not qualitative text)
    ("-", False, (None, None, None, None)),
    (" — ", False, (None, None, None, None)),
    ("／", False, (None, None, None, None)),
    # the unit before the number, read by hand: 300 per mu (the money unit not written stays unwritten) …
    ("每亩300", True, (None, 300.0, "每亩", Q)),
    # … and 1000 yuan per person when the money unit follows the number
    ("不低于每人1000元", True, (">=", 1000.0, "元/人", Q)),
    # words between the comparator and the number that change nothing: at least 2 campaigns
    ("至少全年完成2次宣传", False, (">=", 2.0, "次", Q)),
    ("年内累计开展3场", False, (None, 3.0, "场", Q)),
    # but a word that is not such a filler keeps the cell text: 已完成 is a statement of progress
    ("已完成100%", False, (None, None, None, T)),
    ("每亩", False, (None, None, None, T)),
]


@pytest.mark.parametrize(("cell", "money", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_parse_one_cell(cell, money, expected):
    assert parse_targets([cell], money=money).row(0) == expected


def test_parsing_many_cells_matches_parsing_each_alone():
    cells = [c for c, money, _ in CASES if not money]
    together = parse_targets(cells).rows()
    assert together == [parse_targets([c]).row(0) for c in cells]


def test_money_can_differ_per_row_and_input_is_not_mutated():
    frame = pl.DataFrame({"target_raw": ["≤2万", "≥2万"], "cost": [True, False]})
    parsed = with_parsed_targets(frame, money=pl.col("cost"))
    assert parsed["target_unit"].to_list() == ["万元", "万"]
    assert frame.columns == ["target_raw", "cost"]


def test_prefix_names_the_new_columns():
    parsed = with_parsed_targets(pl.DataFrame({"actual_raw": ["95%"]}), "actual_raw", prefix="actual_")
    assert parsed.columns == [
        "actual_raw", "actual_op", "actual_value", "actual_unit", "actual_kind",
        "actual_value_high", "actual_noun", "actual_note", "actual_approx",
    ]  # fmt: skip
    assert parsed.row(0) == ("95%", None, 95.0, "%", Q, None, None, None, False)


# Forms seen in real tables (issue 16), each worked out by hand. Columns: op, value, unit, kind,
# value_high, noun, note, approx.
FULL_CASES = [
    # other Unicode digits: Arabic-Indic ٢٦ and mathematical bold 𝟗𝟓 are 26 and 95
    ("≥٢٦场", False, (">=", 26.0, "场", Q, None, None, None, False)),
    ("≥𝟗𝟓%", False, (">=", 95.0, "%", Q, None, None, None, False)),
    # trailing notes and punctuation go to note, the target is read
    ("≥95%（含）", False, (">=", 95.0, "%", Q, None, None, "（含）", False)),
    ("≥95%。", False, (">=", 95.0, "%", Q, None, None, "。", False)),
    ("≥95%;", False, (">=", 95.0, "%", Q, None, None, ";", False)),
    # a counted noun after the unit
    ("≥20个社区", False, (">=", 20.0, "个", Q, None, "社区", None, False)),
    ("≥3所学校", False, (">=", 3.0, "所", Q, None, "学校", None, False)),
    # comparators in words, reversed and compatibility symbols
    ("达到100%", False, (">=", 100.0, "%", Q, None, None, None, False)),
    ("不足10%", False, ("<", 10.0, "%", Q, None, None, None, False)),
    ("=>90%", False, (">=", 90.0, "%", Q, None, None, None, False)),
    ("=<3次", False, ("<=", 3.0, "次", Q, None, None, None, False)),
    ("﹦100%", False, ("=", 100.0, "%", Q, None, None, None, False)),
    ("大于等于5场", False, (">=", 5.0, "场", Q, None, None, None, False)),
    ("小于等于2天", False, ("<=", 2.0, "天", Q, None, None, None, False)),
    ("95%及以上", False, (">=", 95.0, "%", Q, None, None, None, False)),
    # a negative value
    ("≥-5%", False, (">=", -5.0, "%", Q, None, None, None, False)),
    # ranges: low in value, high in value_high, no comparator
    ("10-15人", False, (None, 10.0, "人", R, 15.0, None, None, False)),
    ("10～15人", False, (None, 10.0, "人", R, 15.0, None, None, False)),
    ("10至15人", False, (None, 10.0, "人", R, 15.0, None, None, False)),
    ("15-10人", False, (None, None, None, T, None, None, None, False)),  # high below low: not a range
    # approximate: = with the mark
    ("约200人", False, ("=", 200.0, "人", Q, None, None, None, True)),
    # zero targets: an upper bound of 0
    ("零事故", False, ("<=", 0.0, None, Q, None, "事故", None, False)),
    ("无重大安全事故", False, ("<=", 0.0, None, Q, None, "重大安全事故", None, False)),
    ("0起", False, (None, 0.0, "起", Q, None, None, None, False)),
    # a comparator contradicted by its suffix is no guess
    ("≥95%以下", False, (None, 95.0, "%", C, None, None, None, False)),
    ("≤5%以上", False, (None, 5.0, "%", C, None, None, None, False)),
    # money per person: 万/人 is 万元/人 on money
    ("≥1.5万/人", True, (">=", 1.5, "万元/人", Q, None, None, None, False)),
    ("≥1.5万/人", False, (">=", 1.5, "万/人", Q, None, None, None, False)),
    # a tolerance either side of zero: the range from minus to plus the number (以内 agrees with it)
    ("±3%以内", False, (None, -3.0, "%", R, 3.0, None, None, False)),
    ("±0.5毫米", False, (None, -0.5, "毫米", R, 0.5, None, None, False)),
    # lengths in 厘米, seeds counted in 万粒
    ("≥50厘米", False, (">=", 50.0, "厘米", Q, None, None, None, False)),
    ("550万粒", False, (None, 550.0, "万粒", Q, None, None, None, False)),
    # thousands separators
    ("3,080人", False, (None, 3080.0, "人", Q, None, None, None, False)),
    ("≥1，200人", False, (">=", 1200.0, "人", Q, None, None, None, False)),
]


@pytest.mark.parametrize(("cell", "money", "expected"), FULL_CASES, ids=[repr(c[0]) for c in FULL_CASES])
def test_parse_forms_seen_in_real_tables(cell, money, expected):
    assert parse_targets([cell], money=money, full=True).row(0) == expected


# Deadlines, as YYYYMMDD (MMDD without a year), each worked out by hand: a month means its last
# day, 年底 is 12-31, 按期完成 names no date and reads as the year's end.
DEADLINE_CASES = [
    # cell, in a 时效指标?, (op, value, kind)
    ("≤10月", True, ("<=", 1031.0, D)),
    ("≤10月", False, ("<=", 10.0, Q)),  # outside a time limit a month count stays a number
    ("10月底前", False, ("<=", 1031.0, D)),
    ("2025年12月31日前", False, ("<=", 20251231.0, D)),
    ("年底前", False, ("<=", 1231.0, D)),
    ("2025年全年", True, ("<=", 20251231.0, D)),
    ("按期完成", True, ("<=", 1231.0, D)),
    ("按期完成", False, (None, None, T)),
    # a number followed by 年 in a 时效指标 is a date, never a quantity
    ("2025年", True, ("<=", 20251231.0, D)),
    ("≤1年", True, ("<=", 1.0, Q)),  # a period of one year: no year is written with one digit
    ("2025年11月", True, ("<=", 20251130.0, D)),
    ("12月完成", True, ("<=", 1231.0, D)),
    ("2024年2月", True, ("<=", 20240229.0, D)),  # a leap year's February
    ("13月", True, (None, 13.0, Q)),  # no month 13: left to the unit checks
    # a span of two dates in a 时效指标 is a deadline at its end (2024-01 ends on the 31st)
    ("2023.07-2024.01", True, ("<=", 20240131.0, D)),
    ("2023年7月至2024年1月", True, ("<=", 20240131.0, D)),
    ("2025.6.30", True, ("<=", 20250630.0, D)),  # a date written with dots
    ("2023.07-2024.01", False, (None, 2023.07, "range")),  # outside a time limit: numbers as written
    ("2023.5-2024.5万元", True, (None, 2023.5, "range")),  # a unit after it: no date
]


@pytest.mark.parametrize(
    ("cell", "timely", "expected"), DEADLINE_CASES, ids=[f"{c!r}-{t}" for c, t, _ in DEADLINE_CASES]
)
def test_deadlines_read_as_dates(cell, timely, expected):
    op, value, _unit, kind = parse_targets([cell], timely=timely).row(0)
    assert (op, value, kind) == expected


def test_money_names_are_words_and_evaluation_is_not_money():
    """The money-name pattern held 价, so 评价 (evaluation) was money and its bare 万 read 万元.
    Worked by hand: 培训费 (费) and 设备单价 (单价) are money; 群众评价人数 is not."""
    frame = pl.DataFrame(
        {
            "level1": ["产出指标"] * 3,
            "level2": ["数量指标"] * 3,
            "name": ["培训费", "设备单价", "群众评价人数"],
            "target_raw": ["≤2万", "≤2万", "≥1万"],
        }
    )
    parsed = with_parsed_targets(frame, money=is_money_indicator())
    assert parsed["target_unit"].to_list() == ["万元", "万元", "万"]
