"""Sampling for follow-up testing (抽样): choose projects or indicators to verify against evidence.

Three methods — simple random (简单随机抽样), systematic (系统抽样) and monetary-unit sampling
(货币单位抽样, MUS: a project is chosen with probability proportional to its budget) — draw from
the population left after the key items (关键项目: the largest, and those with findings of a given
severity), which are always included. The population is put in ``item_id`` order first and the
generator is numpy's seeded :class:`numpy.random.Generator`, so the method, the seed and the
population reproduce the selection exactly; :attr:`Sample.record` lists them for the workbook.

>>> population = pl.DataFrame({"item_id": ["a", "b", "c"], "label": ["甲", "乙", "丙"], "value": [10.0, 30.0, 60.0]})
>>> draw(population, size=1, method="mus", seed=7).selection["item_id"].to_list()
['c']
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from perfkit.errors import InputError

METHODS = {"random": "简单随机抽样", "systematic": "系统抽样", "mus": "货币单位抽样（按预算金额加权）"}
POPULATIONS = {"projects": "项目", "indicators": "指标"}
SEVERITY_AT_LEAST = {"high": ["high"], "medium": ["high", "medium"], "low": ["high", "medium", "low"], "none": []}
REASONS = {"key_largest": "关键项目：金额最大", "key_findings": "关键项目：有审核发现", "drawn": "抽中"}
# the defaults of the ``sample:`` section of a unit's parameters; seed None = derived from unit and year
SAMPLE_DEFAULTS: dict[str, Any] = {
    "over": "projects", "method": "mus", "size": 2, "seed": None, "largest": 1, "with_findings": "high",
}  # fmt: skip
SELECTION_SCHEMA = {"item_id": pl.String, "project_id": pl.String, "seq": pl.Int32, "label": pl.String,
                    "value": pl.Float64, "reason": pl.String, "hits": pl.Int64}  # fmt: skip
SELECTION_LABELS = {"item_id": "抽样对象编号", "project_id": "项目编号", "seq": "序号", "label": "名称",
                    "value": "金额（万元）", "reason": "选取原因", "hits": "命中次数"}  # fmt: skip


@dataclass(frozen=True)
class Sample:
    """A drawn sample: the selected items (key items first) and how they were chosen."""

    selection: pl.DataFrame  # SELECTION_SCHEMA; reason is key_largest, key_findings or drawn
    method: str
    seed: int
    population: str
    population_size: int
    population_value: float
    size: int  # items drawn besides the key items
    interval: float | None  # systematic: items between draws; MUS: 万元 between selection points
    start: float | None  # the random start within the first interval

    @property
    def record(self) -> list[tuple[str, str]]:
        """What a reviewer needs to reproduce the sample, as (Chinese label, value) rows."""
        keys = self.selection.filter(pl.col("reason") != "drawn").height
        rows = [
            ("抽样方法", f"{METHODS[self.method]}（{self.method}）"),
            ("随机种子", str(self.seed)),
            ("总体", f"{POPULATIONS.get(self.population, self.population)}，{self.population_size} 个"),
            ("总体金额（万元）", f"{self.population_value:.2f}"),
            ("关键项目（全部纳入）", f"{keys} 个"),
            ("抽取数量（关键项目以外）", f"{self.size} 个"),
        ]
        if self.interval is not None:
            unit = "万元" if self.method == "mus" else "个"
            rows.append(("抽样间距", f"{self.interval:.4f} {unit}，随机起点 {self.start:.4f}"))
        rows.append(("选中", "、".join(self.selection["item_id"].to_list()) or "无"))
        rows.append(("生成工具", "perfkit.review.sample.draw（numpy Generator，总体按编号排序）"))
        return rows

    def for_people(self) -> pl.DataFrame:
        """The selection with Chinese headers and reasons."""
        return self.selection.with_columns(pl.col("reason").replace_strict(REASONS)).rename(SELECTION_LABELS)


def default_seed(unit_code: str, year: int) -> int:
    """A seed fixed by the unit and year, so that a re-run draws the same sample unless told otherwise."""
    return int(hashlib.sha256(f"{unit_code}|{year}".encode()).hexdigest()[:8], 16)


def _drawn(
    values: np.ndarray, size: int, method: str, rng: np.random.Generator
) -> tuple[np.ndarray, float | None, float | None]:
    """Positions drawn from ``values`` (already in item order) and their counts; interval and start."""
    count = len(values)
    if method == "random":
        return np.sort(rng.choice(count, size=size, replace=False)), None, None
    if method == "systematic":
        step = count / size
        start = float(rng.uniform(0, step))
        return np.floor(start + step * np.arange(size)).astype(int), step, start
    total = float(values.sum())
    interval = total / size
    start = float(rng.uniform(0, interval))
    points = start + interval * np.arange(size)
    # a point falls in the item whose cumulative budget range holds it: probability = min(1, size × value / total)
    return np.searchsorted(np.cumsum(values), points, side="right"), interval, start


def draw(
    population: pl.DataFrame,
    size: int,
    method: str = "mus",
    seed: int = 0,
    key: Iterable[str] = (),
    largest: int = 0,
    population_name: str = "projects",
) -> Sample:
    """Draw ``size`` items besides the key items from ``population`` (``item_id``, ``label``, ``value``).

    Key items — the ids in ``key`` and the ``largest`` items by value — are always selected and
    never drawn again. MUS draws only items with a positive value and may hit a large item more
    than once (``hits``), so it can select fewer than ``size`` distinct items. Does not mutate
    ``population``; the same population, method and seed give the same selection in any row order.
    """
    if method not in METHODS:
        raise ValueError(f"unknown sampling method {method!r}")
    # plain Python lists, not frame operations: a sample is drawn thousands of times in a test
    raw = population.to_dict(as_series=False)
    order = sorted(range(population.height), key=raw["item_id"].__getitem__)
    items = {
        c: [raw[c][i] for i in order] if c in raw else [None] * len(order)
        for c in ("item_id", "project_id", "seq", "label")
    }
    ids = items["item_id"]
    values = np.nan_to_num(np.array([raw["value"][i] or 0.0 for i in order], dtype=float))
    reasons = dict.fromkeys(sorted(range(len(ids)), key=lambda i: (-values[i], ids[i]))[:largest], "key_largest")
    keyed = set(key)
    reasons |= {i: "key_findings" for i, item in enumerate(ids) if item in keyed and i not in reasons}
    rest = [i for i in range(len(ids)) if i not in reasons and (method != "mus" or values[i] > 0)]
    size = min(size, len(rest))
    interval = start = None
    hits = dict.fromkeys(reasons, 0)
    if size > 0:
        positions, interval, start = _drawn(values[rest], size, method, np.random.default_rng(seed))
        for position in positions.tolist():
            hits[rest[position]] = hits.get(rest[position], 0) + 1
    chosen = sorted(reasons) + sorted(set(hits) - set(reasons))
    selection = pl.DataFrame(
        {c: [items[c][i] for i in chosen] for c in items}
        | {
            "value": values[chosen].tolist(),
            "reason": [reasons.get(i, "drawn") for i in chosen],
            "hits": [hits[i] for i in chosen],
        },
        schema=SELECTION_SCHEMA,
    )
    return Sample(selection, method, seed, population_name, len(ids), float(values.sum()),
                  size, interval, start)  # fmt: skip


def project_population(projects: pl.DataFrame) -> pl.DataFrame:
    """Projects as a population: ``item_id`` = project id, value = budget (万元)."""
    return projects.select(
        item_id=pl.col("project_id"), project_id=pl.col("project_id"), label=pl.col("project_name"),
        value=pl.col("budget_total"),
    )  # fmt: skip


def indicator_population(projects: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """Indicators as a population: ``item_id`` = ``project_id#seq``; each carries an equal share of its project's budget."""
    frame = indicators.select("project_id", "seq", "name").join(
        projects.select("project_id", "project_name", "budget_total"), on="project_id", how="left"
    )
    return frame.select(
        item_id=pl.format("{}#{}", "project_id", pl.col("seq").cast(pl.String).str.zfill(3)),
        project_id="project_id",
        seq="seq",
        label=pl.format("{} / {}", "project_name", "name"),
        value=pl.col("budget_total") / pl.len().over("project_id"),
    )


def sample_params(overrides: dict[str, Any] | None, source: str = "params") -> dict[str, Any]:
    """The ``sample:`` parameters merged into :data:`SAMPLE_DEFAULTS`; bad keys or values are an :class:`InputError`."""
    params = dict(SAMPLE_DEFAULTS)
    choices = {"over": POPULATIONS, "method": METHODS, "with_findings": SEVERITY_AT_LEAST}
    for key, value in (overrides or {}).items():
        place = f"sample.{key}"
        if key not in params:
            raise InputError(source, place, f"未知的抽样参数（可用：{', '.join(SAMPLE_DEFAULTS)}）")
        if key in choices and value not in choices[key]:
            raise InputError(source, place, f"应为 {' / '.join(choices[key])} 之一，得到 {value!r}")
        counted = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        if key in ("size", "largest", "seed") and not counted and not (key == "seed" and value is None):
            raise InputError(source, place, f"应为非负整数，得到 {value!r}")
        params[key] = value
    return params


def sample_unit(
    projects: pl.DataFrame,
    indicators: pl.DataFrame,
    findings: pl.DataFrame,
    unit_code: str,
    year: int,
    params: dict[str, Any] | None = None,
) -> Sample:
    """Draw one unit's sample as its ``sample:`` parameters say (see :data:`SAMPLE_DEFAULTS`)."""
    p = sample_params(params)
    severities = SEVERITY_AT_LEAST[p["with_findings"]]
    flagged = findings.filter(pl.col("severity").is_in(severities) & pl.col("project_id").is_not_null())
    if p["over"] == "projects":
        population = project_population(projects)
        key = flagged["project_id"].unique().to_list()
    else:
        population = indicator_population(projects, indicators)
        key = population.join(flagged.select("project_id", "seq"), on=["project_id", "seq"])["item_id"].to_list()
    seed = default_seed(unit_code, year) if p["seed"] is None else p["seed"]
    return draw(population, p["size"], p["method"], seed, key, p["largest"], p["over"])
