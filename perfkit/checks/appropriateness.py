"""适当性 (appropriateness): costs in line with the budget and the expenditure standards, and
targets that are not copied from project to project."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from perfkit.checks.frames import cost_indicators_with_budget, in_wan, is_cost
from perfkit.checks.registry import BASIS_APPROPRIATE, RULES, found, rule, target_evidence
from perfkit.text import MONEY_TO_YUAN, squashed

_BASIS_COST = BASIS_APPROPRIATE
_BASIS_BOILERPLATE = f"{BASIS_APPROPRIATE}；指标值应结合项目实际设定，避免千篇一律"
_BASIS_STANDARDS = (
    f"{BASIS_APPROPRIATE}；《中央和国家机关培训费管理办法》（财行〔2016〕540号）、"
    "《中央和国家机关会议费管理办法》（财行〔2016〕214号）"
)
STANDARDS_FILE = Path(__file__).resolve().parents[1] / "reference" / "expenditure_standards.csv"


def _money_costs(tables) -> pl.DataFrame:
    """Absolute money cost targets (not rates such as 元/人) in 万元, with the project's budget."""
    return cost_indicators_with_budget(tables).with_columns(wan=in_wan(pl.col("target_value"), pl.col("target_unit")))


def _total_beside_parts(costs: pl.DataFrame, tolerance: float) -> pl.Expr:
    # a cost target equal to the whole budget, listed while other money targets exist
    n_money = pl.col("wan").is_not_null().sum().over("project_id")
    return ((pl.col("wan") - pl.col("budget_total")).abs() <= tolerance) & (n_money > 1)


@rule("cost_total_beside_parts", "成本指标把总额与分项并列", "medium", "适当性", _BASIS_COST, tolerance_wan=0.005)
def cost_total_beside_parts(tables, params):
    costs = _money_costs(tables)
    rows = costs.filter(_total_beside_parts(costs, params["tolerance_wan"]))
    return found(
        rows,
        pl.format("成本指标“{}”（{}）等于项目预算总额，却与分项成本并列：总额与分项重复计算", "name", "target_raw"),
        pl.format("指标值：{}；预算数：{}万元", "target_raw", "budget_total"),
    )


@rule("cost_vs_budget", "成本指标合计与预算数不符", "high", "适当性", _BASIS_COST, tolerance_wan=0.005)
def cost_vs_budget(tables, params):
    tolerance = params["tolerance_wan"]
    costs = _money_costs(tables)
    # the total listed beside its parts is left out of the sum (it is its own finding); which cost
    # is "the total" does not depend on how loosely the user compares the sum
    costs = costs.filter(
        ~_total_beside_parts(costs, RULES["cost_total_beside_parts"].params["tolerance_wan"]).fill_null(False)
    )
    sums = costs.group_by("project_id").agg(
        pl.col("wan").sum().round(6).alias("sum_wan"),
        pl.col("wan").is_not_null().sum().alias("n"),
        pl.concat_str("name", pl.lit(" "), "target_raw").filter(pl.col("wan").is_not_null()).alias("items"),
    )
    projects = tables.projects.select("project_id", "budget_total").join(sums, on="project_id", how="left")
    mismatch = projects.filter((pl.col("n") > 0) & ((pl.col("sum_wan") - pl.col("budget_total")).abs() > tolerance))
    unjudged = projects.filter(pl.col("n").fill_null(0) == 0)
    return pl.concat(
        [
            found(
                mismatch,
                pl.format(
                    "金额类成本指标合计{}万元，与预算数{}万元不符：成本指标应覆盖且不超过预算",
                    "sum_wan",
                    "budget_total",
                ),
                pl.format("合计：{}", pl.col("items").list.join("＋")),
                seq=pl.lit(None),
            ),
            found(
                unjudged,
                pl.lit("无法核对成本与预算：项目没有以元或万元计的金额类成本指标"),
                pl.format("预算数：{}万元", "budget_total"),
                seq=pl.lit(None),
            ),
        ]
    )


@rule("fund_split", "财政资金与其他资金之和不等于预算数", "high", "适当性", _BASIS_COST, tolerance_wan=0.005)
def fund_split(tables, params):
    projects = tables.projects.filter(
        ((pl.col("budget_fiscal") + pl.col("budget_other")) - pl.col("budget_total")).abs() > params["tolerance_wan"]
    )
    return found(
        projects,
        pl.format("财政资金{}万元＋其他资金{}万元≠预算数{}万元", "budget_fiscal", "budget_other", "budget_total"),
        pl.format("预算数：{}；财政资金：{}；其他资金：{}", "budget_total", "budget_fiscal", "budget_other"),
        seq=pl.lit(None),
    )


@rule(
    "boilerplate_satisfaction", "满意度指标值千篇一律", "low", "适当性", _BASIS_BOILERPLATE, min_projects=3,
)  # fmt: skip
def boilerplate_satisfaction(tables, params):
    sat = tables.indicators.filter((pl.col("level1") == "满意度指标") & pl.col("target_value").is_not_null())
    sat = sat.with_columns(
        value=pl.concat_str(pl.col("target_op").fill_null(""), pl.col("target_value").cast(pl.String))
    )
    per_unit = sat.group_by("unit_code").agg(
        pl.col("project_id").n_unique().alias("n_projects"),
        pl.col("value").unique().alias("values"),
    )
    # the value that every project of the unit uses (at least once)
    common = (
        sat.group_by("unit_code", "value")
        .agg(pl.col("project_id").n_unique().alias("n"))
        .join(per_unit, on="unit_code")
        .filter((pl.col("n") == pl.col("n_projects")) & (pl.col("n_projects") >= params["min_projects"]))
    )
    rows = sat.join(common.select("unit_code", "value", "n_projects"), on=["unit_code", "value"])
    rows = rows.filter(pl.col("seq") == pl.col("seq").min().over("project_id"))
    return found(
        rows,
        pl.format("本单位{}个项目的满意度指标值都是“{}”：应按服务对象和项目实际设定", "n_projects", "target_raw"),
        pl.format("满意度指标值：{}", "target_raw"),
    )


@rule(
    "unit_cost_standard", "单位成本超过或无法对照支出标准", "high", "适当性", _BASIS_STANDARDS,
    standards_file="",
)  # fmt: skip
def unit_cost_standard(tables, params):
    """A per-person cost of training or meetings against the standard of the class (一类 … 四类)
    that the name or description names; without a class, against the highest rate, saying so."""
    standards = pl.read_csv(params["standards_file"] or STANDARDS_FILE)
    # 三类和四类会议 is one rate for two classes: one row per (kind, class numeral)
    classes = (
        standards.with_columns(numeral=pl.col("class").str.extract_all("[一二三四]"))
        .explode("numeral")
        .select("kind", "numeral", pl.col("class").alias("standard"), pl.col("rate_yuan_per_person_day").alias("rate"))
    )
    highest = (
        standards.sort("rate_yuan_per_person_day", descending=True)
        .group_by("kind", maintain_order=True)
        .first()
        .select("kind", pl.col("class").alias("top_standard"), pl.col("rate_yuan_per_person_day").alias("top_rate"))
    )
    per_person = pl.col("target_unit").str.contains(r"^(?:万元|元)/人").fill_null(False)
    written = pl.concat_str(pl.col("name").fill_null(""), pl.col("description").fill_null(""))
    rates = tables.indicators.filter(is_cost() & per_person).with_columns(
        # a rate in 万元/人 compares in 元 like the standards
        target_value=pl.col("target_value")
        * pl.col("target_unit").str.extract(r"^(万元|元)/", 1).replace_strict(MONEY_TO_YUAN, return_dtype=pl.Float64),
        kind=pl.col("name").str.extract("(培训|会议)"),
        numeral=written.str.extract("([一二三四])类"),
    )
    rates = (
        rates.join(highest, on="kind")
        .join(classes, on=["kind", "numeral"], how="left")
        .with_columns(
            assumed=pl.col("standard").is_null(),
            standard=pl.coalesce("standard", "top_standard"),
            ceiling=pl.coalesce("rate", "top_rate"),
        )
    )
    basis = (
        pl.when(pl.col("assumed"))
        .then(pl.format("未写明类别，按最高标准{}对照", "standard"))
        .otherwise(pl.format("名称或描述写明{}类，按{}对照", "numeral", "standard"))
    )
    per_day = pl.col("target_unit").str.contains("天|日")
    over = rates.filter(per_day & (pl.col("target_value") > pl.col("ceiling")))
    per_person = rates.filter(~per_day)
    return pl.concat(
        [
            found(
                over,
                pl.format("{}“{}”{}超过支出标准（{}）{}元/人·天", "kind", "name", "target_raw", "standard", "ceiling"),
                pl.format("指标值：{}；标准上限：{}元/人·天（{}）", "target_raw", "ceiling", basis),
            ),
            found(
                per_person,
                pl.format(
                    "{}“{}”按人计（{}），支出标准按人·天计（{}{}元）：需写明天数才能核对",
                    "kind",
                    "name",
                    "target_raw",
                    "standard",
                    "ceiling",
                ),
                pl.format("指标值：{}；标准：{}元/人·天（{}）", "target_raw", "ceiling", basis),
            ),
        ]
    )


@rule("cost_lower_bound", "成本指标设为下限", "medium", "适当性", _BASIS_COST)
def cost_lower_bound(tables, params):
    """A cost target written as a floor (``≥18万元``): a cost is a ceiling the project must keep
    under; a floor asks the money to be spent, whatever the outputs."""
    money = pl.col("target_unit").str.contains("元").fill_null(False)
    rows = tables.indicators.filter(is_cost() & money & pl.col("target_op").is_in([">=", ">"]))
    return found(
        rows,
        pl.format("成本指标“{}”的指标值“{}”是下限：成本应设上限（≤），不应要求至少花费多少", "name", "target_raw"),
        target_evidence(),
    )


@rule("annual_above_long_term", "年度指标值超过长期目标", "medium", "适当性", _BASIS_COST, skip_units=["%"])
def annual_above_long_term(tables, params):
    """An annual target above the long-term (实施期) target of the same indicator of the project —
    a year cannot promise more than the whole period. Indicators are matched by name (whitespace
    and punctuation ignored), in the same unit and on the same side (both floors, or both
    ceilings); rates (``skip_units``) are levels, not sums, and are left alone."""
    if "long_term" not in tables.projects.columns:
        return found(tables.indicators.clear(), pl.lit(""), pl.lit(""))
    side = pl.col("target_op").fill_null("=").is_in([">=", ">", "="])
    long_term = (
        tables.projects.select("project_id", "long_term")
        .explode("long_term")
        .unnest("long_term")
        .drop_nulls("target_value")
        .select(
            "project_id",
            _key=squashed("name"),
            long_raw="target_raw",
            long_value="target_value",
            target_unit="target_unit",
            _floor=side,
        )
    )
    rows = (
        tables.indicators.filter(
            pl.col("target_value").is_not_null() & ~pl.col("target_unit").is_in(params["skip_units"])
        )
        .with_columns(_key=squashed("name"), _floor=side)
        .join(long_term, on=["project_id", "_key", "target_unit", "_floor"], maintain_order="left")
        .filter(pl.col("_floor") & (pl.col("target_value") > pl.col("long_value")))
    )
    return found(
        rows,
        pl.format(
            "年度指标“{}”的指标值“{}”超过同一指标的长期目标“{}”：年度目标不应高于整个实施期的目标",
            "name",
            "target_raw",
            "long_raw",
        ),
        pl.format("年度指标值：{}；长期指标值：{}", "target_raw", "long_raw"),
    )
