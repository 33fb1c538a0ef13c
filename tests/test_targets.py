"""The 指标值 parser reads every spelling of a target that docs/domain.md lists."""

from __future__ import annotations

import polars as pl
import pytest

from perfkit.targets import parse_targets, with_parsed_targets

Q, T = "quantitative", "qualitative"

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
    ("≥200Mbps", False, (">=", 200.0, "Mbps", Q)),
    ("=100%", False, ("=", 100.0, "%", Q)),
    ("等于1套", False, ("=", 1.0, "套", Q)),
    ("90%以上", False, (">=", 90.0, "%", Q)),
    ("24小时以内", False, ("<=", 24.0, "小时", Q)),
    ("≤130,445.50元", True, ("<=", 130445.5, "元", Q)),
    ("2025年", False, (None, 2025.0, "年", Q)),
    ("2025年全年", False, (None, None, None, T)),
    ("7*24小时实时监控", False, (None, None, None, T)),
    ("一线故障，2小时响应，24小时解决", False, (None, None, None, T)),
    ("大于3次", False, (">", 3.0, "次", Q)),
    ("低于5%", False, ("<", 5.0, "%", Q)),
    ("", False, (None, None, None, None)),
    (None, False, (None, None, None, None)),
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
    assert parsed.columns == ["actual_raw", "actual_op", "actual_value", "actual_unit", "actual_kind"]
    assert parsed.row(0) == ("95%", None, 95.0, "%", Q)
