"""相关性 (relevance): the 绩效目标 text and the indicators say the same thing.

Quantities promised in the goal text (``不少于26次``, ``发布…微课25期``) are matched to the
indicators of the same project by meaning — the share of an indicator name's character pairs
(bigrams) found in the clause around the number — and by unit class (场/次/期 count events alike).
All matching is joins and group-bys over the whole portfolio, never a loop over projects.
"""

from __future__ import annotations

import re

import polars as pl

from perfkit.checks.registry import BASIS_RELATED, found, rule
from perfkit.text import (
    COMPARATOR_WORDS,
    MONEY_TO_YUAN,
    SUFFIX_COMPARATORS,
    UNIT_CLASSES,
    drop_thousands,
    fold_width,
    squashed,
)

_BASIS = BASIS_RELATED
_UNITS = "|".join(sorted(UNIT_CLASSES, key=len, reverse=True))
# goal text is folded first (２６ → 26, 3,080 → 3080), so digits are ASCII digits
_QUANTITY = rf"[^，,。；;！!？?\n]*?[0-9]+(?:\.[0-9]+)?(?:{_UNITS})"
# the comparator a goal writes before its number (不少于26场, ≥30%) or after it (30%以上)
_WORD_OPS = {word: op for op, words in COMPARATOR_WORDS.items() for word in words}
_GOAL_WORD = "(" + "|".join(sorted(map(re.escape, _WORD_OPS), key=len, reverse=True)) + ")"
_GOAL_SUFFIX = "(" + "|".join(sorted(SUFFIX_COMPARATORS, key=len, reverse=True)) + ")"


def _bigrams(frame: pl.DataFrame, text: str, keys: list[str]) -> pl.DataFrame:
    """One row per distinct character pair of ``text`` (whitespace and punctuation removed)."""
    clean = frame.select(*keys, squashed(text).str.replace_all(r"[0-9]", "").alias("_t"))
    return (
        # len_chars is unsigned: cast before subtracting, or an empty text wraps round to 4 billion pairs
        clean.with_columns(_i=pl.int_ranges(0, (pl.col("_t").str.len_chars().cast(pl.Int64) - 1).clip(lower_bound=0)))
        .explode("_i")
        .drop_nulls("_i")
        .select(*keys, pl.col("_t").str.slice(pl.col("_i"), 2).alias("bigram"))
        .unique()
    )


_NAME_BIGRAMS: list = []  # (indicators frame, its name bigrams): both relevance rules share one computation


def _name_bigrams(indicators: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(``project_id, _pair, bigram``, ``_pair, project_id, name, name_size``) for every distinct name
    of every project; ``_pair`` numbers the (project, name) pairs."""
    # names recur within and across projects (服务对象满意度 everywhere): split each distinct name
    # once, and compare a name repeated within a project (several 活动场次 rows) once
    if not (_NAME_BIGRAMS and _NAME_BIGRAMS[0][0] is indicators):
        split = _bigrams(indicators.select(pl.col("name").unique()), "name", ["name"])
        pairs = indicators.select("project_id", "name").unique().with_row_index("_pair")
        pairs = pairs.join(split.group_by("name").len("name_size"), on="name")
        bigrams = pairs.select("project_id", "_pair", "name").join(split, on="name").drop("name")
        _NAME_BIGRAMS[:] = [(indicators, bigrams, pairs)]
    return _NAME_BIGRAMS[0][1], _NAME_BIGRAMS[0][2]


def _similarity(left: pl.DataFrame, left_keys: list[str], indicators: pl.DataFrame) -> pl.DataFrame:
    """For every (left row, distinct indicator name of the same project): share of the name's
    bigrams found in the left text. Join ``indicators`` on ``project_id, name`` for the rows."""
    names, pairs = _name_bigrams(indicators)
    left = left.with_row_index("_text")
    texts = _bigrams(left, "text", ["project_id", "_text"])
    # group by row numbers, not by the texts and names themselves: integers hash far faster
    hits = texts.join(names, on=["project_id", "bigram"]).group_by("_text", "_pair").len("hits")
    return (
        hits.join(left.select("_text", *left_keys), on="_text")
        .join(pairs.drop("project_id"), on="_pair")
        .with_columns(similarity=pl.col("hits") / pl.col("name_size"))
        .drop("_text", "_pair")
    )


_GOALS: list = []  # (projects frame, its goal paragraphs): both relevance rules share one computation


def _goal_paragraphs(tables) -> pl.DataFrame:
    if not (_GOALS and _GOALS[0][0] is tables.projects):
        _GOALS[:] = [(tables.projects, _split_goals(tables))]
    return _GOALS[0][1]


def _split_goals(tables) -> pl.DataFrame:
    return (
        tables.projects.select(
            "project_id", drop_thousands(fold_width(pl.col("goal_text").fill_null(""))).str.split("\n").alias("text")
        )
        .explode("text")
        .filter(pl.col("text").str.strip_chars() != "")
        .with_columns(goal_no=pl.int_range(pl.len()).over("project_id") + 1)
    )


def _in_yuan(value: str, unit: str) -> pl.Expr:
    """Money compares in 元 (the text may say 5万元 where the indicator says 50000元; whole 元
    compare exactly, where 万元 fractions would not)."""
    return pl.col(value) * pl.col(unit).replace_strict(MONEY_TO_YUAN, default=1.0, return_dtype=pl.Float64)


@rule("goal_target_mismatch", "绩效目标文本与指标值不一致", "high", "相关性", _BASIS, min_similarity=0.3)
def goal_target_mismatch(tables, params):
    """A goal quantity that some indicator of the project carries (same number, same unit class)
    is matched, whatever the names; otherwise it is held against the indicator of its unit class
    whose name matches the goal clause best (at least ``min_similarity``)."""
    quantities = (
        _goal_paragraphs(tables)
        .with_columns(clause=pl.col("text").str.extract_all(_QUANTITY + _GOAL_SUFFIX + "?"))
        .explode("clause")
        .drop_nulls("clause")
        .with_columns(
            goal_op=pl.coalesce(
                pl.col("clause").str.extract(_GOAL_SUFFIX + "$").replace_strict(SUFFIX_COMPARATORS, default=None),
                pl.col("clause")
                .str.extract(_GOAL_WORD + r"[0-9]+(?:\.[0-9]+)?(?:" + _UNITS + ")" + _GOAL_SUFFIX + "?$")
                .replace_strict(_WORD_OPS, default=None),
            ),
            clause=pl.col("clause").str.replace(_GOAL_SUFFIX + "$", ""),
        )
        .with_columns(
            q_no=pl.int_range(pl.len()).over("project_id"),
            goal_value=pl.col("clause")
            .str.extract(r"([0-9]+(?:\.[0-9]+)?)(?:" + _UNITS + r")$")
            .cast(pl.Float64, strict=False),
            goal_unit=pl.col("clause").str.extract(r"[0-9](" + _UNITS + r")$"),
        )
        .filter(pl.col("goal_value").is_finite())
        .with_columns(
            unit_class=pl.col("goal_unit").replace_strict(UNIT_CLASSES, default=None),
            text=pl.col("clause"),
            goal_money=_in_yuan("goal_value", "goal_unit"),
        )
    )
    columns = ["project_id", "seq", "name", "target_raw", "target_op", "target_value", "target_unit"]
    indicators = (
        tables.indicators.select(columns)
        .filter(pl.col("target_value").is_not_null())
        .with_columns(
            ind_class=pl.col("target_unit").replace_strict(UNIT_CLASSES, default=None),
            target_money=_in_yuan("target_value", "target_unit"),
        )
    )
    carried = (
        quantities.join(indicators, left_on=["project_id", "unit_class"], right_on=["project_id", "ind_class"])
        .filter((pl.col("goal_money") - pl.col("target_money")).abs() <= 1e-9)
        .select("project_id", "q_no")
        .unique()
    )
    scores = _similarity(quantities, ["project_id", "q_no"], tables.indicators)
    best = (
        scores.join(quantities.join(carried, on=["project_id", "q_no"], how="anti"), on=["project_id", "q_no"])
        .join(indicators, on=["project_id", "name"])
        .filter((pl.col("unit_class") == pl.col("ind_class")) & (pl.col("similarity") >= params["min_similarity"]))
        .sort("similarity", "seq", descending=[True, False])
        .group_by("project_id", "q_no", maintain_order=True)
        .first()
    )
    # a bound on the goal's side at least as strict (≥32.68% for a goal of ≥30%) keeps the goal
    goal, target = pl.col("goal_money"), pl.col("target_money")
    lower, upper = [">=", ">"], ["<=", "<"]
    stricter = (pl.col("goal_op").is_in(lower) & pl.col("target_op").is_in(lower) & (target >= goal)) | (
        pl.col("goal_op").is_in(upper) & pl.col("target_op").is_in(upper) & (target <= goal)
    )
    rows = best.filter(~stricter.fill_null(False)).sort("project_id", "q_no")
    return found(
        rows,
        pl.format(
            "绩效目标{}写明“{}”，对应指标“{}”的指标值却是“{}”：目标文本与指标应一致",
            "goal_no",
            pl.col("clause").str.strip_chars(" \t、"),
            "name",
            "target_raw",
        ),
        pl.format("目标文本：{}；指标：{} {}", pl.col("clause").str.strip_chars(" \t、"), "name", "target_raw"),
    )


@rule("goal_without_indicator", "绩效目标没有对应指标", "medium", "相关性", _BASIS, min_similarity=0.5)
def goal_without_indicator(tables, params):
    goals = _goal_paragraphs(tables)
    scores = _similarity(goals, ["project_id", "goal_no"], tables.indicators)
    covered = scores.filter(pl.col("similarity") >= params["min_similarity"]).select("project_id", "goal_no").unique()
    rows = goals.join(covered, on=["project_id", "goal_no"], how="anti").sort("project_id", "goal_no")
    return found(
        rows,
        pl.format("绩效目标第{}条没有可对应的绩效指标：每项目标都应有指标衡量", "goal_no"),
        pl.format("目标文本：{}", pl.col("text").str.slice(0, 80)),
        seq=pl.lit(None),
    )
