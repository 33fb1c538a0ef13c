"""The 指标值 parser: comparator, number, unit and kind of a target cell, vectorised with polars.

A target cell (指标值) mixes a comparator, a number and a unit (``≥26场``, ``≤4.1万元``,
``≥95百分比``), or holds text (``按时完成``). :func:`with_parsed_targets` adds ``op``, ``value``, ``unit`` and ``kind``
columns using polars string kernels only, so it
runs on millions of cells without a Python call per row. The same parser reads actual values
(实际完成值) in the scoring step.

>>> parse_targets(["≥26场", "不少于 ４ 次", "≤203万", "按时完成"], money=True).rows()
[('>=', 26.0, '场', 'quantitative'), ('>=', 4.0, '次', 'quantitative'), ('<=', 203.0, '万元', 'quantitative'), (None, None, None, 'qualitative')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import polars as pl

from perfkit.text import OP_SYMBOLS, fold_width

QUANTITATIVE = "quantitative"
QUALITATIVE = "qualitative"

# Comparators written as words, longest first so that 大于等于 wins over 大于.
_WORD_COMPARATORS = [
    (r"^(?:大于或等于|大于等于|不少于|不低于|不小于|至少|最少|>==?)", ">="),
    (r"^(?:小于或等于|小于等于|不超过|不高于|不大于|不多于|至多|最多|<==?)", "<="),
    (r"^(?:大于|高于|超过|多于)", ">"),
    (r"^(?:小于|低于|少于)", "<"),
    (r"^(?:等于|==)", "="),
]

# Measurement units seen in target tables. A cell whose text after the number is not built from
# these (or plain Latin units such as Mbps) is text that happens to start with a digit.
UNIT_WORDS = (
    "亿元 万元 千元 元 亿 万 百分比 百分点 个百分点 % ‰ "
    "万人次 人次 万人 人 名 位 户次 户 家次 家 所 个 次 场次 场 期次 期 批次 批 项 件 套 台次 台 "
    "辆次 辆 架 部 本 册 份 篇 条 张 幅 首 集 门 节 课时 学时 课 组 支 类 种 处 座 间 栋 株 棵 "
    "亩 公顷 平方米 平米 ㎡ 立方米 米 公里 千米 吨 千克 公斤 个工作日 工作日 人天 人日 天 日 周 "
    "个月 月 季度 年 小时 分钟 秒 届 轮 站 点 单 例 宗 起 分"
).split()

_UNIT_ATOM = "|".join(re.escape(w) for w in sorted(UNIT_WORDS, key=len, reverse=True))
_UNIT_RE = rf"^(?:{_UNIT_ATOM})(?:[/·](?:{_UNIT_ATOM}))*$|^[A-Za-z%‰][A-Za-z0-9%‰/·.²³]*$"

_TARGET_RE = (
    r"^(?<op>>=|<=|=|>|<)?"
    r"(?<num>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?<unit>.*?)"
    r"(?<suffix>及以上|以上|及以下|以下|以内)?$"
)


# A target on one of these reads a bare 万 as 万元 (money).
_MONEY_NAME = r"费|经费|资金|成本|金额|补贴|补助|租金|价|预算"


def is_money_indicator() -> pl.Expr:
    """Rows of an indicator frame whose targets are money: cost indicators, or names about money."""
    return (
        pl.col("level2").str.contains("成本").fill_null(False)
        | pl.col("level1").str.contains("成本").fill_null(False)
        | pl.col("name").str.contains(_MONEY_NAME).fill_null(False)
    )


def normalise_text(raw: pl.Expr) -> pl.Expr:
    """Fold full-width characters and comparator words and drop whitespace (does not parse)."""
    expr = fold_width(raw).str.replace_all(r"\s+", "")
    for pattern, symbol in _WORD_COMPARATORS:
        expr = expr.str.replace(pattern, symbol)
    return expr


def with_parsed_targets(
    frame: pl.DataFrame, raw: str = "target_raw", money: pl.Expr | bool = False, prefix: str = "target_"
) -> pl.DataFrame:
    """Add ``{prefix}op``, ``{prefix}value``, ``{prefix}unit`` and ``{prefix}kind`` parsed from ``raw``.

    ``money`` says which rows are money amounts (cost indicators), so that a bare ``万`` there
    reads as ``万元``; it does not change anything else. Empty or null cells get a null kind.
    The regex runs once per cell: its groups are kept as temporary columns, then dropped.
    Does not mutate ``frame``.
    """
    money_expr = money if isinstance(money, pl.Expr) else pl.lit(money)
    parts = "__target_parts"
    field = pl.col(parts).struct.field
    unit_written = field("unit")
    number = field("num").str.replace_all(",", "").cast(pl.Float64)
    # a number too long for a float (hundreds of digits) is text, not an infinite target
    is_number = number.is_finite().fill_null(False) & ((unit_written == "") | unit_written.str.contains(_UNIT_RE))
    op = pl.coalesce(
        pl.when(field("op") != "").then(field("op")),
        pl.when(field("suffix").is_in(["以上", "及以上"])).then(pl.lit(">=")),
        pl.when(field("suffix").is_in(["以下", "及以下", "以内"])).then(pl.lit("<=")),
    )
    unit = (
        pl.when(unit_written == "百分比")
        .then(pl.lit("%"))
        .when((unit_written == "万") & money_expr)
        .then(pl.lit("万元"))
        .otherwise(unit_written)
    )
    kind = (
        pl.when(pl.col(raw).is_null() | (pl.col(raw).str.strip_chars() == ""))
        .then(pl.lit(None, dtype=pl.String))
        .when(is_number)
        .then(pl.lit(QUANTITATIVE))
        .otherwise(pl.lit(QUALITATIVE))
    )
    return (
        frame.with_columns(normalise_text(pl.col(raw)).str.extract_groups(_TARGET_RE).alias(parts))
        .with_columns(
            pl.when(is_number).then(op).alias(f"{prefix}op"),
            pl.when(is_number).then(number).alias(f"{prefix}value"),
            pl.when(is_number & (unit != "")).then(unit).alias(f"{prefix}unit"),
            kind.alias(f"{prefix}kind"),
        )
        .drop(parts)
    )


def parse_targets(values: Iterable[str | None], money: bool = False) -> pl.DataFrame:
    """Parse a list of target cells into a frame of ``op``, ``value``, ``unit``, ``kind``."""
    frame = pl.DataFrame({"raw": list(values)}, schema={"raw": pl.String})
    return with_parsed_targets(frame, "raw", money, prefix="").drop("raw")


def format_target(op: str | None, value: float, unit: str | None) -> str:
    """A target cell written from parsed parts; parsing it gives the same parts back.

    The number is written in full, without an exponent or a trailing ``.0``.

    >>> format_target(">=", 26.0, "场"), format_target(None, 1e-7, "%"), format_target("<=", 4.1, "万元")
    ('≥26场', '0.0000001%', '≤4.1万元')
    """
    number = format(Decimal(repr(float(value))).normalize(), "f")
    return f"{OP_SYMBOLS[op] if op else ''}{number}{unit or ''}"
