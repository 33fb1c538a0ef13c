"""Scoring parameters (财预〔2020〕10号 and perfkit's defaults, see docs/domain.md), one place.

>>> ScoringParams().group_weights["产出指标"]
50.0
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl

from perfkit.errors import InputError
from perfkit.text import LOWER_IS_BETTER

BANDS = ("达成年度指标", "部分达成并具有一定效果", "未达成且效果较差")


@dataclass(frozen=True)
class ScoringParams:
    """Every scoring default, each changeable from the ``scoring:`` section of a params file."""

    # level-1 group weights; 成本指标 as a level-1 group of its own counts with outputs
    group_weights: dict[str, float] = field(
        default_factory=lambda: {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    )
    execution_weight: float = 10.0
    # an absent group's weight moves to the present ones in proportion to their weights
    redistribute_missing_groups: bool = True
    # exceeded upper bound (cost, deadline): "ratio" = weight × target / actual;
    # "linear" = weight × (1 − (actual − target) / target), zero at twice the target
    upper_bound_method: str = "ratio"
    # a quantitative target written without comparator (3200人) is scored as this comparator
    no_comparator_as: str = ">="
    # ... except on an indicator whose name says fewer is better (事故率, 投诉次数): scored as ≤
    lower_is_better_names: list[str] = field(default_factory=lambda: list(LOWER_IS_BETTER))
    # a strict bound (>95%, <5%) met only at its boundary is missed, and scores at most
    # 1 − this fraction of the weight (as does a deadline missed by days within its month)
    strict_boundary_deduction: float = 0.05
    over_achievement_ratio: float = 1.2
    deduct_over_achievement: bool = False
    # qualitative bands: (lowest fraction inclusive, highest fraction, fraction used when only the band is given)
    qualitative_bands: dict[str, list[float]] = field(
        default_factory=lambda: {
            "达成年度指标": [0.8, 1.0, 1.0],
            "部分达成并具有一定效果": [0.6, 0.8, 0.7],
            "未达成且效果较差": [0.0, 0.6, 0.3],
        }
    )
    # qualitative actuals written otherwise than as a band label (the whole text, or its first
    # clause before a comma): anything else is left for a person to judge
    qualitative_synonyms: dict[str, str] = field(
        default_factory=lambda: {
            **dict.fromkeys(
                ["达成", "已达成", "全部达成", "完成", "已完成", "全部完成", "按时完成", "按期完成", "如期完成",
                 "已按时完成", "实现", "已实现", "达标", "已达标", "达成预期指标", "达到预期指标", "达成预期目标",
                 "达到预期目标", "达到预期"],
                "达成年度指标",
            ),
            # the 10号 wording in full (附件2: 达成年度指标、部分达成年度指标并具有一定效果、未达成年度指标且效果较差)
            **dict.fromkeys(["部分达成", "部分完成", "部分实现", "部分达成年度指标并具有一定效果",
                             "部分达成年度指标", "部分达成年度指标且具有一定效果"], "部分达成并具有一定效果"),
            **dict.fromkeys(["未达成", "未完成", "未实现", "未达到", "未达标", "未达成年度指标且效果较差",
                             "未达成年度指标", "未达成年度指标效果较差"], "未达成且效果较差"),
        }
    )  # fmt: skip
    # grade lower bounds, inclusive; below the last is 差
    grade_bounds: dict[str, float] = field(default_factory=lambda: {"优": 90.0, "良": 80.0, "中": 60.0})
    # re-scoring: a self-score more than this many points above perfkit's score is inflated
    inflation_points: float = 0.1
    total_inflation_points: float = 2.0
    # a self total that differs from the sum of its parts by more than this does not add up
    total_tolerance: float = 0.05

    def bands_frame(self) -> pl.DataFrame:
        """The qualitative bands as a table: ``band``, ``band_low``, ``band_high``, ``band_default``."""
        names = list(self.qualitative_bands)
        low, high, default = zip(*self.qualitative_bands.values(), strict=True)
        return pl.DataFrame({"band": names, "band_low": low, "band_high": high, "band_default": default})

    def __post_init__(self) -> None:
        if self.upper_bound_method not in ("ratio", "linear"):
            raise ValueError("upper_bound_method must be 'ratio' or 'linear'")
        if self.no_comparator_as not in (">=", "<=", "="):
            raise ValueError("no_comparator_as must be '>=', '<=' or '='")
        if not 0.0 < self.strict_boundary_deduction <= 1.0:
            raise ValueError("strict_boundary_deduction must be above 0 and at most 1")
        unknown = sorted(set(self.qualitative_synonyms.values()) - set(self.qualitative_bands))
        if unknown:
            raise ValueError(f"qualitative_synonyms name bands that do not exist: {', '.join(unknown)}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < float("inf")


def _same_shape(value: dict, default: dict) -> bool:
    """A non-empty mapping whose values are numbers, or lists of as many numbers, as the default's."""
    sample = next(iter(default.values()))

    def entry_ok(entry: Any) -> bool:
        if isinstance(sample, str):
            return isinstance(entry, str)
        if isinstance(sample, list):
            return isinstance(entry, list) and len(entry) == len(sample) and all(map(_is_number, entry))
        return _is_number(entry)

    return bool(value) and all(isinstance(k, str) and entry_ok(v) for k, v in value.items())


def scoring_params(overrides: dict[str, Any] | None, source: str = "params") -> ScoringParams:
    """Build :class:`ScoringParams` from a ``scoring:`` section, rejecting unknown keys and bad types."""
    known = {f.name: f for f in fields(ScoringParams)}
    defaults = ScoringParams()
    values = {}
    for key, value in (overrides or {}).items():
        if key not in known:
            raise InputError(source, f"scoring.{key}", f"未知的评分参数（可用：{', '.join(known)}）")
        expected = type(getattr(defaults, key))
        numeric = expected is float and isinstance(value, int) and not isinstance(value, bool)
        if not (isinstance(value, expected) or numeric):
            raise InputError(source, f"scoring.{key}", f"应为 {expected.__name__}，得到 {value!r}")
        if isinstance(value, list) and not all(isinstance(v, str) and v for v in value):
            raise InputError(source, f"scoring.{key}", f"应为非空文字的列表，得到 {value!r}")
        if isinstance(value, dict) and not _same_shape(value, getattr(defaults, key)):
            raise InputError(source, f"scoring.{key}", f"格式应同默认值 {getattr(defaults, key)}，得到 {value!r}")
        values[key] = float(value) if numeric else value
    try:
        return ScoringParams(**values)
    except ValueError as exc:
        raise InputError(source, "scoring", str(exc)) from None
