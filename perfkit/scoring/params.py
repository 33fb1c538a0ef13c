"""Scoring parameters (财预〔2020〕10号 and perfkit's defaults, see docs/domain.md), one place.

>>> ScoringParams().group_weights["产出指标"]
50.0
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import polars as pl

from perfkit.errors import InputError

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


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < float("inf")


def _same_shape(value: dict, default: dict) -> bool:
    """A non-empty mapping whose values are numbers, or lists of as many numbers, as the default's."""
    sample = next(iter(default.values()))

    def entry_ok(entry: Any) -> bool:
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
        if isinstance(value, dict) and not _same_shape(value, getattr(defaults, key)):
            raise InputError(source, f"scoring.{key}", f"格式应同默认值 {getattr(defaults, key)}，得到 {value!r}")
        values[key] = float(value) if numeric else value
    try:
        return ScoringParams(**values)
    except ValueError as exc:
        raise InputError(source, "scoring", str(exc)) from None
