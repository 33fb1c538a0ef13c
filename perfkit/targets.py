"""The 指标值 parser: comparator, number, unit and kind of a target cell, vectorised with polars.

A target cell (指标值) mixes a comparator, a number and a unit (``≥26场``, ``≤4.1万元``,
``≥95百分比``), or holds text (``按时完成``). :func:`with_parsed_targets` adds the parsed columns
using polars string kernels only, so it runs on millions of cells without a Python call per row.
The same parser reads actual values (实际完成值) in the scoring step. docs/domain.md has the table of
every written form, its reading and its scoring.

Kinds: ``quantitative`` (comparator, number, unit), ``range`` (``10-15人``: value and value_high),
``deadline`` (``≤10月``, ``2025年12月31日前``: the date as a number ``YYYYMMDD``, or ``MMDD`` when no
year is written), ``contradictory`` (``≥95%以下``: the comparator and the suffix disagree) and
``qualitative`` (text).

>>> parse_targets(["≥26场", "不少于 ４ 次", "≤203万", "按时完成"], money=True).rows()
[('>=', 26.0, '场', 'quantitative'), ('>=', 4.0, '次', 'quantitative'), ('<=', 203.0, '万元', 'quantitative'), (None, None, None, 'qualitative')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import polars as pl

from perfkit.text import (
    COMPARATOR_WORDS,
    NONE_MARKS,
    OP_SYMBOLS,
    SUFFIX_COMPARATORS,
    ZERO_NOUNS,
    drop_thousands,
    fold_width,
    normalise_cell,
)

PARSED_COLUMNS = ["op", "value", "unit", "kind"]
EXTRA_COLUMNS = ["value_high", "noun", "note", "approx"]
QUANTITATIVE = "quantitative"
QUALITATIVE = "qualitative"
RANGE = "range"
DEADLINE = "deadline"
CONTRADICTORY = "contradictory"
# kinds judged by comparing numbers (the others need a band or a person)
NUMERIC_KINDS = (QUANTITATIVE, RANGE, DEADLINE)

# Measurement units seen in target tables. A cell whose text after the number is not built from
# these (or plain Latin units such as Mbps), optionally followed by a counted noun (个社区), is
# text that happens to start with a digit.
UNIT_WORDS = (
    "亿元 万元 千元 元 亿 万 百分比 百分点 个百分点 % ‰ "
    "万人次 人次 万人 人 名 位 户次 户 家次 家 所 个 次 场次 场 期次 期 批次 批 项 件 套 台次 台 "
    "辆次 辆 架 部 本 册 份 篇 条 张 幅 首 集 门 节 课时 学时 课 组 支 类 种 处 座 间 栋 株 棵 "
    "亩 公顷 平方米 平米 ㎡ 立方米 米 厘米 毫米 公里 千米 吨 千克 公斤 个工作日 工作日 人天 人日 天 日 周 "
    "个月 月 季度 年 小时 分钟 秒 届 轮 站 点 单 例 宗 起 分 "
    "只 头 羽 匹 口 眼 盏 盒 瓶 袋 箱 包 双 副 块 根 把 艘 道 片 卷 床 剂 枚 孔 扇 盘 对 棵次 株次 粒 "
    "平方公里 立方 方 千瓦时 千瓦 兆瓦 度 公斤 克 升 毫升 村 社区 乡镇 学校"
).split()
# a multiplier before a unit of things (1.2万亩, 3万株, 5千只): the unit keeps it, as 万元 does
UNIT_MULTIPLIERS = ("万", "千", "亿")

_UNIT_ATOM = "|".join(re.escape(w) for w in sorted(UNIT_WORDS, key=len, reverse=True))
# a rate's denominators are units or one-character nouns (元/生/年: per pupil and year, 元/床, 元/车次)
_PER = rf"[/·](?:{_UNIT_ATOM}|\p{{Han}})"
_UNIT = (
    rf"(?:[{''.join(UNIT_MULTIPLIERS)}]?(?:{_UNIT_ATOM}))(?:{_PER})*|每(?:{_UNIT_ATOM})|[A-Za-z%‰][A-Za-z0-9%‰/·.²³]*"
)
# units that count things, which a counted noun may follow (≥20个社区, ≥3所学校)
COUNT_UNITS = "个 所 家 户 名 位 人 次 场 项 件 套 台 辆 座 处 间 栋 株 棵 篇 本 册 份 张 条 支 门 类 种 站 点 例 宗 起 期 批 村".split()
_COUNT_ATOM = "|".join(re.escape(w) for w in COUNT_UNITS)
# the text after the number: nothing, a unit, or a counting unit and the noun it counts
_UNIT_NOUN_RE = rf"^(?:(?<unit>{_UNIT})|(?<counted>{_COUNT_ATOM})(?<noun>\p{{Han}}{{1,8}}))?$"

_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
# words between a comparator and its number that do not change the reading (至少全年完成2次宣传 → ≥2次宣传)
FILLER_WORDS = ("全年", "年度", "年内", "累计", "完成", "开展", "举办", "组织", "实现")
_FILLER = rf"^(?<op>>=|<=|=|>|<)?(?:{'|'.join(FILLER_WORDS)})+(?<digit>[0-9])"
# the unit before the number (每亩300: 300 per mu; 每人1000元: 1000元/人): the number first, as usual
_OP = r"(?<op>>=|<=|=|>|<)?"
_PER_FIRST_WITH_UNIT = (
    rf"^{_OP}每(?<per>{_UNIT_ATOM})(?<num>{_NUMBER})(?<unit>[{''.join(UNIT_MULTIPLIERS)}]?(?:{_UNIT_ATOM}))$"
)
_PER_FIRST = rf"^{_OP}每(?<per>{_UNIT_ATOM})(?<num>{_NUMBER})$"
_SUFFIX = "|".join(sorted(SUFFIX_COMPARATORS, key=len, reverse=True))
# a trailing note or punctuation: （含）, (暂定), 。 ； , …
_NOTE = r"(?<note>(?:[（(][^（）()]*[）)]|[。；;，,、.！!？?])+)?"
_TARGET_RE = (
    rf"^(?<approx>约为|大约|约)?(?<op>>=|<=|=|>|<)?(?<num>{_NUMBER})"
    rf"(?<range>~|-|—|至|到)?(?<high>[0-9]+(?:\.[0-9]+)?)?"
    rf"(?<rest>.*?)(?<suffix>{_SUFFIX})?(?<around>左右)?{_NOTE}$"
)
# 零事故, 无重大安全事故: an upper bound of zero
_ZERO_RE = rf"^(?:零|无)(?:[^0-9]{{0,10}})(?:{'|'.join(ZERO_NOUNS)})(?:发生)?{_NOTE}$"
# deadlines: 2025年12月31日前, 10月底前, ≤10月, 年底前, 2025年全年
_DEADLINE_RE = (
    r"^(?<op><=|<)?(?:(?<y>[0-9]{4})年)?(?:(?<m>[0-9]{1,2})月)?(?:(?<d>[0-9]{1,2})日)?"
    r"(?<tail>年底前|年底|年末|年内|全年|底前|底|末|前|以前|之前|内|完成|份)?" + _NOTE + "$"
)
_ON_TIME = r"^(?:按期|按时|如期|准时)完成"
# a leading minus written as full-width －, the minus sign − or the small ﹣ (－3%, ≥−5%)
_MINUS = r"^(?<op>>=|<=|=|>|<)?[－−﹣](?<digit>[0-9])"
# a tolerance either side of zero (±3%, 误差±3%以内): the range from minus to plus the number
_PLUS_MINUS = r"^±(?<num>[0-9]+(?:\.[0-9]+)?)"
# a unit written in brackets after the number (≤4（万元）, ≥95(%)): the unit, not a note
_BRACKET_UNIT = rf"^[（(](?<unit>{_UNIT})[）)](?<rest>.*)$"
# in a 时效指标, a date written with dots or slashes (2024.01, 2023/12/31) and a span of two dates
# (2023.07-2024.01, 2023年7月至2024年1月): a span is a deadline at its end
_DATE = r"(?:19|20)[0-9]{2}(?:[./]|年)[0-9]{1,2}月?(?:[./][0-9]{1,2}日?|[0-9]{1,2}日)?"
_DATE_SPAN = rf"^{_DATE}(?:~|-|—|－|至|到)({_DATE}.*)$"
_DOTTED_DAY = r"^((?:19|20)[0-9]{2})[./]([0-9]{1,2})[./]([0-9]{1,2})(\D|$)"
_DOTTED_MONTH = r"^((?:19|20)[0-9]{2})[./]([0-9]{1,2})(\D|$)"

# A target on one of these reads a bare 万 as 万元 (money). Whole words: 价 alone would match 评价.
MONEY_NAME_WORDS = ["费", "经费", "资金", "成本", "金额", "补贴", "补助", "租金", "价格", "单价", "造价", "总价",
                    "报价", "价款", "预算", "投资", "奖金", "工资", "薪酬", "报酬"]  # fmt: skip
_MONEY_NAME = "|".join(MONEY_NAME_WORDS)


def is_money_indicator() -> pl.Expr:
    """Rows of an indicator frame whose targets are money: cost indicators, or names about money."""
    return (
        pl.col("level2").str.contains("成本").fill_null(False)
        | pl.col("level1").str.contains("成本").fill_null(False)
        | pl.col("name").str.contains(_MONEY_NAME).fill_null(False)
    )


def is_timely_indicator() -> pl.Expr:
    """Rows of an indicator frame that state a time limit (时效指标): there ``2025年`` is a date."""
    return pl.col("level2").str.contains("时效").fill_null(False)


_WORD_OPS = {word: op for op, words in COMPARATOR_WORDS.items() for word in words}
_LEADING_WORD = "^(" + "|".join(re.escape(w) for w in sorted(_WORD_OPS, key=len, reverse=True)) + ")"


def _words_to_symbols(expr: pl.Expr) -> pl.Expr:
    """A leading comparator word (不少于, 达到, 不足 …) replaced by its symbol, in one regex pass."""
    word = expr.str.extract(_LEADING_WORD)
    rest = expr.str.slice(word.str.len_chars().fill_null(0))
    return pl.when(word.is_not_null()).then(pl.concat_str(word.replace_strict(_WORD_OPS), rest)).otherwise(expr)


def normalise_text(raw: pl.Expr) -> pl.Expr:
    """Fold widths, digits and comparator words, drop whitespace and thousands separators (does not parse)."""
    return _words_to_symbols(normalise_cell(raw))


def _normalised(cells: pl.DataFrame, raw: str, text: str) -> pl.DataFrame:
    """``cells`` with ``text``, :func:`normalise_text` of ``raw``: thousands separators are removed
    only in the rows that have one (their regex passes are the dearest step of the parser)."""
    folded = cells.with_columns(fold_width(pl.col(raw)).str.replace_all(r"\s+", "").alias(text))
    separated = pl.col(text).str.contains("[0-9][,，][0-9]{3}").fill_null(False)
    parts = [
        folded.filter(~separated),
        folded.filter(separated).with_columns(drop_thousands(pl.col(text)).alias(text)),
    ]
    signed = (
        _words_to_symbols(pl.col(text))
        .str.replace(_MINUS, "${op}-${digit}")
        .str.replace(_PLUS_MINUS, "-${num}~${num}")
        .str.replace(_FILLER, "${op}${digit}")
        .str.replace(_PER_FIRST_WITH_UNIT, "${op}${num}${unit}/${per}")
        .str.replace(_PER_FIRST, "${op}${num}每${per}")
    )
    return pl.concat(parts).with_columns(signed.alias(text))


def comparator_expr(raw: pl.Expr) -> pl.Expr:
    """A comparator cell (指标性质 of a split layout: ``≥``, ``≦``, ``大于等于``, ``﹦``) as ``>=`` …;
    null for an empty cell or one that is not a comparator (the caller names it)."""
    text = normalise_text(raw)
    return pl.when(text.is_in(list(OP_SYMBOLS))).then(text)


def _as_date(text: pl.Expr) -> pl.Expr:
    """A time limit's cell with a span cut to its end and dots written as 年月日 (``2023.07-2024.01`` →
    ``2024年01月``), for the deadline pattern; any other cell as it is."""
    end = pl.when(text.str.contains(_DATE_SPAN)).then(text.str.replace(_DATE_SPAN, "${1}")).otherwise(text)
    return end.str.replace(_DOTTED_DAY, "${1}年${2}月${3}日${4}").str.replace(_DOTTED_MONTH, "${1}年${2}月${3}")


def _days_in_month(month: pl.Expr, year: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return (
        pl.when(month == 2)
        .then(pl.when(leap.fill_null(False)).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )


def _deadline(text: pl.Expr, timely: pl.Expr, parts: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(is a deadline, its comparator, its date as YYYYMMDD or MMDD, its note) of the normalised cell ``text``.

    In a 时效指标 every date form counts; elsewhere only forms that cannot be a quantity
    (``10月底前``, ``2025年12月``, ``年底前``): a bare ``≤10月`` or ``2025年`` there stays a number.
    ``parts`` is ``text`` matched against ``_DEADLINE_RE`` (a struct column).
    """
    field = parts.struct.field
    year = field("y").cast(pl.Int32, strict=False)
    month = field("m").cast(pl.Int32, strict=False)
    day = field("d").cast(pl.Int32, strict=False)
    tail = field("tail").fill_null("")
    year_end = tail.is_in(["年底前", "年底", "年末", "年内", "全年"])
    # 年底前 needs no number; otherwise a year or a month must be written, and 年底 follows no month
    written = (
        pl.when(year_end).then(month.is_null() & day.is_null()).otherwise(year.is_not_null() | month.is_not_null())
    )
    valid = (
        written
        & (month.is_null() | month.is_between(1, 12))
        & (day.is_null() | (month.is_not_null() & day.is_between(1, 31)))
        & (year.is_null() | year.is_between(1990, 2100))
    )
    unambiguous = (tail != "") & (tail != "份") | (year.is_not_null() & month.is_not_null())
    m = month.fill_null(12)
    d = pl.min_horizontal(day.fill_null(_days_in_month(m, year)), _days_in_month(m, year))
    value = (year.fill_null(0) * 10000 + m * 100 + d).cast(pl.Float64)
    on_time = text.str.contains(_ON_TIME) & timely
    is_deadline = (valid.fill_null(False) & (timely | unambiguous)) | on_time
    # 按期完成 names no date: the end of the budget year (perfkit default, docs/domain.md)
    value = pl.when(on_time & ~valid.fill_null(False)).then(pl.lit(1231.0)).otherwise(value)
    return is_deadline, pl.coalesce(field("op"), pl.lit("<=")), value, field("note")


def with_parsed_targets(
    frame: pl.DataFrame,
    raw: str = "target_raw",
    money: pl.Expr | bool = False,
    prefix: str = "target_",
    timely: pl.Expr | bool = False,
) -> pl.DataFrame:
    """Add ``{prefix}op``, ``{prefix}value``, ``{prefix}unit``, ``{prefix}kind`` and
    ``{prefix}value_high``, ``{prefix}noun``, ``{prefix}note``, ``{prefix}approx`` parsed from ``raw``.

    ``money`` says which rows are money amounts (cost indicators), so that a bare ``万`` there
    reads as ``万元`` (and ``万/人`` as ``万元/人``); ``timely`` says which rows are time limits
    (时效指标), where a year or a month is a date. Empty or null cells get a null kind.
    Each distinct (cell, money, timely) is parsed once and joined back: target tables repeat
    their cells (≥90%, 按时完成) from project to project. Does not mutate ``frame``.
    """
    keys = ["__target_cell", "__target_money", "__target_timely"]
    cells = frame.select(
        pl.col(raw).cast(pl.String).alias(keys[0]),
        (money if isinstance(money, pl.Expr) else pl.lit(money)).fill_null(False).alias(keys[1]),
        (timely if isinstance(timely, pl.Expr) else pl.lit(timely)).fill_null(False).alias(keys[2]),
    )
    added = [f"{prefix}{c}" for c in PARSED_COLUMNS + EXTRA_COLUMNS]
    parsed = _parse_distinct(cells.unique(), keys, prefix)
    kept = [c for c in frame.columns if c not in added]
    # the keys alone go through the join, the frame's other columns beside it
    found = cells.join(parsed, on=keys, how="left", nulls_equal=True, maintain_order="left").select(added)
    return frame.select(kept).hstack(found.get_columns())


def _parse_distinct(cells: pl.DataFrame, keys: list[str], prefix: str) -> pl.DataFrame:
    """The parsed columns of each row of ``cells`` (the key columns: cell, money, timely)."""
    raw = keys[0]
    money_expr, timely_expr = pl.col(keys[1]), pl.col(keys[2])
    text, parts, tail = "__target_text", "__target_parts", "__target_tail"
    field = pl.col(parts).struct.field
    after = pl.col(tail).struct.field
    number = field("num").cast(pl.Float64, strict=False)
    high = field("high").cast(pl.Float64, strict=False)
    bracket = pl.col("__target_bracket").struct.field
    unit_written = pl.coalesce(after("unit"), after("counted"), bracket("unit")).fill_null("")
    is_range = field("range").is_not_null() & high.is_not_null()
    # a number too long for a float (hundreds of digits) is text, not an infinite target
    finite = number.is_finite().fill_null(False) & (~is_range | high.is_finite().fill_null(False))
    is_number = finite & field("rest").str.contains(_UNIT_NOUN_RE) & (field("range").is_null() == high.is_null())
    is_number = is_number & (~is_range | ((number <= high) & field("op").is_null()).fill_null(False))
    suffix_op = field("suffix").replace_strict(SUFFIX_COMPARATORS, default=None)
    written_op = field("op")
    conflict = (
        written_op.is_not_null() & suffix_op.is_not_null() & (written_op.str.slice(0, 1) != suffix_op.str.slice(0, 1))
    )
    approx = field("approx").is_not_null() | field("around").is_not_null()
    op = pl.coalesce(written_op, suffix_op, pl.when(approx).then(pl.lit("=")))
    unit = (
        pl.when(unit_written == "百分比")
        .then(pl.lit("%"))
        .when((unit_written == "万") & money_expr)
        .then(pl.lit("万元"))
        .when(unit_written.str.starts_with("万/") & money_expr)
        .then(pl.concat_str(pl.lit("万元"), unit_written.str.slice(1)))
        .otherwise(unit_written)
    )
    # each regex runs once: its result is a column the expressions below read
    is_zero = pl.col("__target_zero")
    deadline = _deadline(pl.col(text), timely_expr, pl.col("__target_deadline"))
    is_deadline, deadline_op, deadline_value, deadline_note = (pl.col(f"__target_deadline_{i}") for i in range(4))
    # a number followed by 年 in a 时效指标 that is no date (≤1年: a period) stays a number
    # a none mark (—, -, /) is no target, as in a figure cell
    empty = pl.col(raw).is_null() | (pl.col(text) == "") | pl.col(text).is_in(NONE_MARKS)
    kind = (
        pl.when(empty)
        .then(pl.lit(None, dtype=pl.String))
        .when(is_deadline)
        .then(pl.lit(DEADLINE))
        .when(is_zero)
        .then(pl.lit(QUANTITATIVE))
        .when(is_number & conflict)
        .then(pl.lit(CONTRADICTORY))
        .when(is_number & is_range)
        .then(pl.lit(RANGE))
        .when(is_number)
        .then(pl.lit(QUANTITATIVE))
        .otherwise(pl.lit(QUALITATIVE))
    )
    k = pl.col(f"{prefix}kind")
    numeric = k.is_in([QUANTITATIVE, RANGE, CONTRADICTORY])
    zero_noun = pl.col(text).str.extract(r"^(?:零|无)([^0-9（(。；;，,、.！!？?]+)")
    added = [f"{prefix}{c}" for c in PARSED_COLUMNS + EXTRA_COLUMNS]
    out = _normalised(cells, raw, text)
    out = out.with_columns(pl.col(text).str.extract_groups(_TARGET_RE).alias(parts))
    out = out.with_columns(
        field("rest").str.extract_groups(_UNIT_NOUN_RE).alias(tail),
        pl.col(text).str.contains(_ZERO_RE).alias("__target_zero"),
        pl.when(timely_expr)
        .then(_as_date(pl.col(text)))
        .otherwise(pl.col(text))
        .str.extract_groups(_DEADLINE_RE)
        .alias("__target_deadline"),
    )
    out = out.with_columns(*[expr.alias(f"__target_deadline_{i}") for i, expr in enumerate(deadline)])
    # the bracket is read only after a number written without a unit
    unit_missing = after("unit").is_null() & after("counted").is_null() & field("note").str.contains("^[（(]")
    out = out.with_columns(
        pl.when(unit_missing).then(field("note")).str.extract_groups(_BRACKET_UNIT).alias("__target_bracket")
    )
    return (
        out.with_columns(kind.alias(f"{prefix}kind"))
        .with_columns(
            pl.when(k == DEADLINE)
            .then(deadline_op)
            .when(is_zero)
            .then(pl.lit("<="))
            .when(k == QUANTITATIVE)
            .then(op)
            .alias(f"{prefix}op"),
            pl.when(k == DEADLINE)
            .then(deadline_value)
            .when(is_zero)
            .then(pl.lit(0.0))
            .when(numeric)
            .then(number)
            .alias(f"{prefix}value"),
            pl.when(numeric & ~is_zero & (unit != "")).then(unit).alias(f"{prefix}unit"),
            pl.when(k == RANGE).then(high).alias(f"{prefix}value_high"),
            pl.when(is_zero).then(zero_noun).when(numeric).then(after("noun")).alias(f"{prefix}noun"),
            pl.when(k == DEADLINE)
            .then(deadline_note)
            .when(is_zero)
            .then(pl.col(text).str.extract(_NOTE + "$"))
            .when(numeric & bracket("unit").is_not_null())
            .then(pl.when(bracket("rest") != "").then(bracket("rest")))
            .when(numeric)
            .then(field("note"))
            .alias(f"{prefix}note"),
            (numeric & approx).fill_null(False).alias(f"{prefix}approx"),
        )
        .select(*keys, *added)
    )


def parse_targets(
    values: Iterable[str | None], money: bool = False, timely: bool = False, full: bool = False
) -> pl.DataFrame:
    """Parse a list of target cells into a frame of ``op``, ``value``, ``unit``, ``kind`` (and,
    with ``full``, ``value_high``, ``noun``, ``note``, ``approx``)."""
    frame = pl.DataFrame({"raw": list(values)}, schema={"raw": pl.String})
    parsed = with_parsed_targets(frame, "raw", money, prefix="", timely=timely).drop("raw")
    return parsed.select(PARSED_COLUMNS + (EXTRA_COLUMNS if full else []))


def format_target(op: str | None, value: float, unit: str | None) -> str:
    """A target cell written from parsed parts; parsing it gives the same parts back.

    The number is written in full, without an exponent or a trailing ``.0``.

    >>> format_target(">=", 26.0, "场"), format_target(None, 1e-7, "%"), format_target("<=", 4.1, "万元")
    ('≥26场', '0.0000001%', '≤4.1万元')
    """
    number = format(Decimal(repr(float(value))).normalize(), "f")
    return f"{OP_SYMBOLS[op] if op else ''}{number}{unit or ''}"
