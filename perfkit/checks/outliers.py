"""异常分析 (anomaly analysis): the same kind of target compared across projects and units.

Unit costs (元/人, 元/场 …) — written as a rate, or derived from a project's money cost targets and
its one quantity target in that unit — and satisfaction targets are scored against their peer
group with a robust z-score (median and MAD, not mean and standard deviation), so one wild value
cannot hide itself by dragging the mean. A value is an outlier only when it is both far out in
robust terms and far out in plain terms (a ratio to the median for costs, a gap in percentage
points for satisfaction): a group of near-identical values (MAD 0) does not turn a small
difference into an alarm. Groups with fewer projects than ``min_peers`` are not judged;
:func:`unit_cost_peers` and :func:`satisfaction_peers` say so in their ``status`` column, and a
rule says so as a finding only when asked (``report_small_groups``), to keep small runs quiet.

>>> frame = pl.DataFrame({"g": ["a"] * 5, "project_id": list("pqrst"), "value": [1.0, 1.1, 0.9, 1.0, 9.0]})
>>> robust_peers(frame, ["g"], min_peers=5, threshold=3.5, log=False)["status"].to_list()
['normal', 'normal', 'normal', 'normal', 'high']
"""

from __future__ import annotations

import math

import polars as pl

from perfkit.checks.frames import in_wan, is_cost
from perfkit.checks.registry import BASIS_APPROPRIATE, found, rule
from perfkit.load import TargetTables
from perfkit.text import MONEY_TO_YUAN, UNIT_CLASSES

CRITERION = "异常分析"
_BASIS_COST = f"{BASIS_APPROPRIATE}；成本应与同类项目相当（预算支出标准），跨项目、跨单位比较"
_BASIS_SATISFACTION = f"{BASIS_APPROPRIATE}；指标值应结合项目实际设定，跨项目、跨单位比较"
# units of a quantity that a cost can be spread over (people, households and events, not "items")
QUANTITY_UNITS = tuple(unit for unit, kind in UNIT_CLASSES.items() if kind in ("people", "households", "events"))
STATUS_LABELS = {"normal": "正常", "high": "偏高", "low": "偏低", "too_few": "同类不足，未判断"}
# sigma from MAD (normal consistency), and from the mean absolute deviation when MAD is 0
_MAD_SIGMA, _MEAN_AD_SIGMA = 1.4826, 1.2533
PEER_LIST_LIMIT = 8


def robust_peers(
    frame: pl.DataFrame,
    group: list[str],
    min_peers: int,
    threshold: float,
    log: bool,
    min_ratio: float | None = None,
    min_gap: float | None = None,
) -> pl.DataFrame:
    """``frame`` (``project_id``, ``value``, the ``group`` keys) with its peer group's statistics.

    Adds ``peer_projects``, ``peer_n``, ``peer_median``, ``robust_z``, ``lower``, ``upper`` (the
    outlier bounds in the value's unit) and ``status`` (``normal``, ``high``, ``low`` or
    ``too_few``). On ``log`` scale the z-score is of log10(value): a cost 10x the median and one
    a tenth of it are equally far out. The bounds are the wider of the robust bounds (median ±
    ``threshold`` sigma) and the plain ones (median × / ÷ ``min_ratio``, median ± ``min_gap``).
    Does not mutate ``frame``; null or (on log scale) non-positive values are left out.
    """
    frame = frame.filter(pl.col("value").is_not_null() & (pl.col("value") > 0 if log else pl.lit(True)))
    x = pl.col("value").log10() if log else pl.col("value")
    median = x.median().over(group)
    mad = (x - median).abs().median().over(group)
    mean_ad = (x - median).abs().mean().over(group)
    sigma = pl.when(mad > 0).then(mad * _MAD_SIGMA).otherwise(mean_ad * _MEAN_AD_SIGMA)
    frame = frame.with_columns(
        peer_projects=pl.col("project_id").n_unique().over(group),
        peer_n=pl.len().over(group),
        _m=median,
        _s=sigma,
        robust_z=pl.when(sigma > 0).then((x - median) / sigma).otherwise(0.0),
    )
    low, high = pl.col("_m") - threshold * pl.col("_s"), pl.col("_m") + threshold * pl.col("_s")
    if log:
        spread = math.log10(min_ratio or 1.0)
        low, high = pl.min_horizontal(low, pl.col("_m") - spread), pl.max_horizontal(high, pl.col("_m") + spread)
        low, high, centre = 10**low, 10**high, 10 ** pl.col("_m")
    else:
        gap = min_gap or 0.0
        low, high, centre = (
            pl.min_horizontal(low, pl.col("_m") - gap),
            pl.max_horizontal(high, pl.col("_m") + gap),
            pl.col("_m"),
        )
    frame = frame.with_columns(peer_median=centre, lower=low, upper=high).drop("_m", "_s")
    status = (
        pl.when(pl.col("peer_projects") < min_peers)
        .then(pl.lit("too_few"))
        .when(pl.col("value") > pl.col("upper"))
        .then(pl.lit("high"))
        .when(pl.col("value") < pl.col("lower"))
        .then(pl.lit("low"))
        .otherwise(pl.lit("normal"))
    )
    return frame.with_columns(status=status)


def unit_costs(tables: TargetTables) -> pl.DataFrame:
    """Every unit cost of every project, in 元 per unit, with how it was obtained.

    Two kinds (``basis``): a cost target written as a rate (``≤550元/人``, ``≤0.2万元/场``), and
    a cost derived as the project's money cost targets (at most its budget, so a total listed
    beside its parts is not counted twice) divided by its one quantity target (数量指标) in that
    unit — a project with two ``场`` targets has no derived cost per 场, as the split is unknown.
    ``seq`` is the row of the rate, or of the quantity target. Columns: ``project_id``,
    ``unit_code``, ``project_name``, ``seq``, ``name``, ``target_raw``, ``basis``, ``per`` (元/场 …),
    ``value``, ``how``.
    """
    budget = tables.projects.select("project_id", "project_name", "budget_total")
    # the few rows a cost can come from are picked first: the text patterns then run on them only
    costs = tables.indicators.filter(is_cost()).join(budget, on="project_id", how="left", maintain_order="left")
    rate = pl.col("target_unit").str.extract(r"^(元|千元|万元)/(.+)$", 1)
    rates = costs.filter(rate.is_not_null() & pl.col("target_value").is_not_null()).with_columns(
        basis=pl.lit("指标值"),
        per=pl.concat_str(pl.lit("元/"), pl.col("target_unit").str.extract(r"/(.+)$", 1)),
        # a rate in 万元/人 compares in 元/人
        value=pl.col("target_value") * rate.replace_strict(MONEY_TO_YUAN, return_dtype=pl.Float64),
        how=pl.format("指标值{}", "target_raw"),
    )
    money = (
        costs.with_columns(wan=in_wan(pl.col("target_value"), pl.col("target_unit")))
        .group_by("project_id")
        .agg(pl.col("wan").sum().alias("cost_wan"), pl.col("wan").is_not_null().sum().alias("n_money"))
        .filter(pl.col("n_money") > 0)
    )
    quantity = (
        tables.indicators.filter(
            pl.col("level2").str.contains("数量").fill_null(False)
            & pl.col("target_unit").is_in(QUANTITY_UNITS)
            & (pl.col("target_value") > 0)
            & pl.col("target_op").fill_null("=").is_in([">=", ">", "="])
        )
        .filter(pl.len().over("project_id", "target_unit") == 1)
        .join(budget, on="project_id", how="left", maintain_order="left")
    )
    cost_wan = pl.min_horizontal("cost_wan", pl.col("budget_total").fill_null(float("inf")))
    derived = quantity.join(money, on="project_id", maintain_order="left").with_columns(
        basis=pl.lit("成本÷数量"),
        per=pl.concat_str(pl.lit("元/"), "target_unit"),
        value=cost_wan * 1e4 / pl.col("target_value"),
        how=pl.format("成本{}万元÷{}", cost_wan.round(4), "target_raw"),
    )
    columns = ["project_id", "unit_code", "project_name", "seq", "name", "target_raw", "basis", "per", "value", "how"]
    return pl.concat([rates.select(columns), derived.select(columns)])


def unit_cost_peers(tables: TargetTables, min_peers: int = 5, threshold: float = 3.5, min_ratio: float = 3.0):
    """:func:`unit_costs` scored within their peer group (same ``basis`` and ``per``), see :func:`robust_peers`."""
    return robust_peers(unit_costs(tables), ["basis", "per"], min_peers, threshold, log=True, min_ratio=min_ratio)


def satisfaction_targets(tables: TargetTables) -> pl.DataFrame:
    """Satisfaction targets written as a lower bound in % (``≥90%``), one row each."""
    return (
        tables.indicators.filter(
            (pl.col("level1") == "满意度指标") & (pl.col("target_unit") == "%") & pl.col("target_op").is_in([">=", ">"])
        )
        .join(tables.projects.select("project_id", "project_name"), on="project_id", how="left")
        .with_columns(per=pl.lit("%"), value=pl.col("target_value"))
        .select("project_id", "unit_code", "project_name", "seq", "name", "target_raw", "per", "value")
    )


def satisfaction_peers(tables: TargetTables, min_peers: int = 5, threshold: float = 3.5, min_gap: float = 10.0):
    """Satisfaction targets scored against all others (one peer group), see :func:`robust_peers`."""
    return robust_peers(satisfaction_targets(tables), ["per"], min_peers, threshold, log=False, min_gap=min_gap)


def _peer_list(scored: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """Per peer group: the first :data:`PEER_LIST_LIMIT` members (by value) as 'project value' text."""
    member = pl.format("{}第{}条{}", "project_name", "seq", pl.col("value").round(2))
    return (
        # ties in value listed by name and row, in a stable sort: the evidence (and so the id) is the same every run
        scored.sort("value", "project_name", "seq", maintain_order=True)
        .group_by(group, maintain_order=True)
        .agg(member.head(PEER_LIST_LIMIT).str.join("；").alias("peer_list"))
    )


def _outlier_findings(scored: pl.DataFrame, group: list[str], what: str, params: dict) -> pl.DataFrame:
    rows = scored.filter(pl.col("status").is_in(["high", "low"])).join(_peer_list(scored, group), on=group)
    more = pl.when(pl.col("peer_n") > PEER_LIST_LIMIT).then(pl.format("等{}个", "peer_n")).otherwise(pl.lit(""))
    side = pl.col("status").replace_strict({"high": "高于", "low": "低于"})
    bound = pl.when(pl.col("status") == "high").then(pl.col("upper")).otherwise(pl.col("lower"))
    findings = found(
        rows,
        pl.format(
            "{}“{}”为{}{}，{}同类{}个项目的离群界限{}{}（中位数{}{}，稳健Z分数{}）：与同类项目相差悬殊，请核实测算依据",
            pl.lit(what),
            "name",
            pl.col("value").round(2),
            "per",
            side,
            "peer_projects",
            bound.round(2),
            "per",
            pl.col("peer_median").round(2),
            "per",
            pl.col("robust_z").round(1),
        ),
        pl.format(
            "{}；同类（{}）：{}{}；中位数{}，界限{}–{}",
            pl.col("how") if "how" in rows.columns else pl.format("指标值{}", "target_raw"),
            pl.concat_str(group, separator=" "),
            "peer_list",
            more,
            pl.col("peer_median").round(2),
            pl.col("lower").round(2),
            pl.col("upper").round(2),
        ),
    )
    if not params.get("report_small_groups"):
        return findings
    small = (
        scored.filter(pl.col("status") == "too_few")
        .group_by("unit_code", maintain_order=True)
        .agg(pl.col("project_id").first(), pl.struct(group).n_unique().alias("groups"), pl.len().alias("values"))
    )
    said = found(
        small,
        pl.format(
            "{}：本单位{}个值分属{}个同类组，同类项目均少于{}个，无法判断是否离群",
            pl.lit(what),
            "values",
            "groups",
            pl.lit(params["min_peers"]),
        ),
        pl.lit("同类项目不足"),
        seq=pl.lit(None),
    )
    return pl.concat([findings, said])


@rule(
    "unit_cost_outlier", "单位成本与同类项目相差悬殊", "medium", CRITERION, _BASIS_COST, scope="portfolio",
    min_peers=5, threshold=3.5, min_ratio=3.0, report_small_groups=False,
)  # fmt: skip
def unit_cost_outlier(tables, params):
    scored = unit_cost_peers(tables, params["min_peers"], params["threshold"], params["min_ratio"])
    return _outlier_findings(scored, ["basis", "per"], "单位成本", params)


@rule(
    "satisfaction_outlier", "满意度指标值与同类项目相差悬殊", "low", CRITERION, _BASIS_SATISFACTION, scope="portfolio",
    min_peers=5, threshold=3.5, min_gap=10.0, report_small_groups=False,
)  # fmt: skip
def satisfaction_outlier(tables, params):
    scored = satisfaction_peers(tables, params["min_peers"], params["threshold"], params["min_gap"])
    return _outlier_findings(scored, ["per"], "满意度指标值", params)
