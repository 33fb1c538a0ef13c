"""Cell normalisation, once for every reader, rule and scorer.

What documents write in many ways is read here in one: full-width and other Unicode digits and
signs, the marks that mean "none" in a figure cell, figures themselves, comparator symbols,
money units and their scale, and the classes of measurement units that compare without
conversion. Polars expressions for columns, and the same rules for single Python strings where a
reader walks cells one at a time.

>>> fold_width_text("≥２６场，١٢％")
'>=26场，12%'
>>> figure_value("１，２３４．５"), figure_value("—"), figure_value("1_000")
(1234.5, None, nan)
"""

from __future__ import annotations

import math
import re
import unicodedata

import polars as pl


def scan_digits() -> dict[str, str]:
    """Every Unicode decimal digit that is not ASCII (full-width, Arabic-Indic, mathematical bold …),
    found by looking at all 1.1 million code points (about 0.2 s, paid by every process on import)."""
    return {
        chr(c): str(unicodedata.decimal(chr(c)))
        for c in range(0x80, 0x110000)
        if unicodedata.category(chr(c)) == "Nd" and unicodedata.decimal(chr(c), None) is not None
    }


# The zeros of the non-ASCII runs of ten decimal digits in Unicode 14.0 (Python 3.11's database):
# every such digit is zero + its value. Another Unicode version scans instead (a test compares both).
DIGIT_ZEROS_UNICODE = "14.0.0"
DIGIT_ZEROS = (
    0x660,
    0x6F0,
    0x7C0,
    0x966,
    0x9E6,
    0xA66,
    0xAE6,
    0xB66,
    0xBE6,
    0xC66,
    0xCE6,
    0xD66,
    0xDE6,
    0xE50,
    0xED0,
    0xF20,
    0x1040,
    0x1090,
    0x17E0,
    0x1810,
    0x1946,
    0x19D0,
    0x1A80,
    0x1A90,
    0x1B50,
    0x1BB0,
    0x1C40,
    0x1C50,
    0xA620,
    0xA8D0,
    0xA900,
    0xA9D0,
    0xA9F0,
    0xAA50,
    0xABF0,
    0xFF10,
    0x104A0,
    0x10D30,
    0x11066,
    0x110F0,
    0x11136,
    0x111D0,
    0x112F0,
    0x11450,
    0x114D0,
    0x11650,
    0x116C0,
    0x11730,
    0x118E0,
    0x11950,
    0x11C50,
    0x11D50,
    0x11DA0,
    0x16A60,
    0x16AC0,
    0x16B50,
    0x1D7CE,
    0x1D7D8,
    0x1D7E2,
    0x1D7EC,
    0x1D7F6,
    0x1E140,
    0x1E2F0,
    0x1E950,
    0x1FBF0,
)
_DIGITS = (
    {chr(zero + value): str(value) for zero in DIGIT_ZEROS for value in range(10)}
    if unicodedata.unidata_version == DIGIT_ZEROS_UNICODE
    else scan_digits()
)
# Full-width and look-alike characters folded to the ASCII forms that the parsers expect.
_CHAR_FOLD = {
    **_DIGITS,
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    "．": ".",
    "％": "%",
    "＞": ">",
    "＜": "<",
    "＝": "=",
    "／": "/",
    "﹦": "=",
    "═": "=",  # box-drawing double line, typed for = in some forms
    "﹤": "<",
    "﹥": ">",
    "≧": ">=",
    "≦": "<=",
    "≥": ">=",
    "≤": "<=",
    "⩾": ">=",
    "⩽": "<=",
    "≮": ">=",
    "≯": "<=",
    # reversed two-character comparators (=> for ≥, =< for ≤)
    "=>": ">=",
    "=<": "<=",
    "＝＞": ">=",
    "＝＜": "<=",
    "～": "~",
    "〜": "~",
    "　": " ",
}


def fold_width(raw: pl.Expr) -> pl.Expr:
    """Fold full-width and other Unicode digits, letters and signs to ASCII (``１２．５％`` → ``12.5%``)."""
    return raw.str.replace_many(list(_CHAR_FOLD), list(_CHAR_FOLD.values()))


_FOLD_TABLE = str.maketrans({k: v for k, v in _CHAR_FOLD.items() if len(k) == 1})
_FOLD_PAIRS = {k: v for k, v in _CHAR_FOLD.items() if len(k) > 1}


def fold_width_text(text: str) -> str:
    """:func:`fold_width` for one Python string, for code that reads cells one at a time.

    >>> fold_width_text("１，２３４．５")
    '1，234.5'
    """
    for pair, folded in _FOLD_PAIRS.items():
        text = text.replace(pair, folded)
    return text.translate(_FOLD_TABLE)


def squash(text: str) -> str:
    """Remove all whitespace, for comparing labels such as ``其中：财政    资金``."""
    return "".join(text.split())


_PUNCTUATION = r"[\s，,。.；;：:、“”\"'‘’（）()《》【】\[\]—\-]"


def squashed(column: str) -> pl.Expr:
    """The text of ``column`` without whitespace and punctuation, for comparing names and labels."""
    return pl.col(column).fill_null("").str.replace_all(_PUNCTUATION, "")


# --- figures --------------------------------------------------------------------------------

# what people write in a figure cell for "none"
NONE_MARKS = ("—", "-", "/", "－", "——", "／")
# a figure once folded and stripped of whitespace and thousands separators: ASCII digits only, so
# that "inf", "nan" and "1_000" (all of which float() takes) are not figures
_FIGURE = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
_FIGURE_RE = re.compile(_FIGURE)
_FIGURE_NOISE = r"[\s,，]"


def figure_expr(text: pl.Expr) -> pl.Expr:
    """A figure cell as a number: Unicode digits folded, thousands separators and whitespace
    removed; null for an empty cell or a none mark (``—``, ``/``); NaN where the text is not a
    plain number, so callers can name the cell.

    >>> pl.select(figure_expr(pl.Series(["1,234.5", "１２", "—", "", "五万", "inf", None]))).to_series().to_list()
    [1234.5, 12.0, None, None, nan, nan, None]
    """
    cleaned = fold_width(text).str.replace_all(_FIGURE_NOISE, "")
    number = pl.when(cleaned.str.contains(_FIGURE)).then(cleaned.cast(pl.Float64, strict=False))
    given = (cleaned != "") & ~cleaned.is_in(NONE_MARKS)
    return pl.when(given).then(pl.when(number.is_finite()).then(number).otherwise(float("nan")))


# a unit written beside a value (指标值 | 度量单位) completes it where the value ends in a figure (``95``
# | ``%``, ``≥95``, ``3-5``, ``９５``) or in a magnitude before a unit without one (``1.5万`` | ``人次``);
# a value that writes its own unit keeps it (``100%`` | ``%``, ``5万元`` | ``万元``). Matched against
# the value, UNIT_JOIN and the unit
MAGNITUDES = "万千亿"
UNIT_JOIN = "\x1f"
UNIT_COMPLETES = rf"(?:[0-9０-９]\s*\x1f|[{MAGNITUDES}]\s*\x1f[^{MAGNITUDES}])"


def figure_value(text: str | None) -> float | None:
    """:func:`figure_expr` for one Python string: None for empty or a none mark, NaN for not a number."""
    cleaned = re.sub(_FIGURE_NOISE, "", fold_width_text(text or ""))
    if cleaned in ("", *NONE_MARKS):
        return None
    value = float(cleaned) if _FIGURE_RE.match(cleaned) else math.nan
    return value if math.isfinite(value) else math.nan


# thousands separators inside a number (3,080 → 3080; 1，234，567 → 1234567), once folded: a
# separator is one only when exactly three digits follow it
_THOUSANDS = r"([0-9])[,，]([0-9]{3})([^0-9]|$)"


def drop_thousands(text: pl.Expr) -> pl.Expr:
    """Remove thousands separators between ASCII digits (``3,080人`` → ``3080人``); other commas stay.

    >>> pl.select(drop_thousands(pl.lit("1,234,567,890.5元，共3,080人，第1,2名"))).item()
    '1234567890.5元，共3080人，第1,2名'
    """
    # A match consumes the character after its three digits, which may be the next separator:
    # two passes mark every separator, then the marks go. The mark is NUL + STX; a NUL that the
    # cell holds is escaped (NUL + SOH) meanwhile, so that no character of the cell is lost.
    escaped = text.str.replace_all("\x00", "\x00\x01", literal=True)
    mark = "${1}\x00\x02${2}${3}"
    marked = escaped.str.replace_all(_THOUSANDS, mark).str.replace_all(_THOUSANDS, mark)
    return marked.str.replace_all("\x00\x02", "", literal=True).str.replace_all("\x00\x01", "\x00", literal=True)


def normalise_cell(raw: pl.Expr) -> pl.Expr:
    """The one entry of every target or actual cell: widths and digits folded, whitespace and
    thousands separators removed (does not parse)."""
    return drop_thousands(fold_width(raw).str.replace_all(r"\s+", ""))


# --- comparators ----------------------------------------------------------------------------

# the comparator of a parsed target → the symbol written for people
OP_SYMBOLS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}

# Comparators written as words or symbols (after folding), longest first within each comparator
# so that 大于等于 wins over 大于. The target parser and the split layouts' 指标性质 column read
# comparators from this one table.
COMPARATOR_WORDS = {
    ">=": ["大于或等于", "大于等于", "不少于", "不低于", "不小于", "至少", "最少", "达到", ">==", ">="],
    "<=": ["小于或等于", "小于等于", "不超过", "不高于", "不大于", "不多于", "至多", "最多", "<==", "<="],
    ">": ["大于", "高于", "超过", "多于", ">"],
    "<": ["小于", "低于", "少于", "不足", "未达到", "未达", "不到", "<"],
    "=": ["等于", "==", "="],
}
# suffixes that state the comparator after the number (95%以上)
# 内 closes a time limit or a count (3个工作日内, 12个月内): an upper bound in its unit
SUFFIX_COMPARATORS = {"及以上": ">=", "以上": ">=", "及以下": "<=", "以下": "<=", "以内": "<=", "内": "<="}

# --- lower is better ------------------------------------------------------------------------

# what an indicator counts when fewer is better (事故率, 投诉次数): a bare number on such an
# indicator is an upper bound, and 零事故 / 无重大安全事故 are upper bounds of zero
LOWER_IS_BETTER = ["事故", "投诉", "差错", "故障率", "发生率", "违规", "超支", "失误"]
# the things a "zero" target (零事故, 无重大安全事故) may count
ZERO_NOUNS = [*LOWER_IS_BETTER, "故障", "事件", "案件", "隐患", "纠纷", "违纪", "泄密", "失泄密"]

# --- money ----------------------------------------------------------------------------------

# a money unit → its amount in 元, and in 万元 (the unit of every budget figure in the tables)
MONEY_TO_YUAN = {"元": 1.0, "万元": 1e4, "千元": 1e3, "亿元": 1e8}
MONEY_TO_WAN = {unit: yuan / MONEY_TO_YUAN["万元"] for unit, yuan in MONEY_TO_YUAN.items()}
MONEY_UNITS = tuple(MONEY_TO_WAN)
# a table's money scale, written as 单位：万元 (in a paragraph, a title or a cell)
MONEY_SCALE = r"单位[:：]\s*(" + "|".join(sorted(MONEY_UNITS, key=len, reverse=True)) + ")"

# --- measurement units ----------------------------------------------------------------------

# units → the class of things they count; units of one class compare without conversion (人 and
# 人次 are both head counts here), money units by their scale
UNIT_CLASSES = {
    **dict.fromkeys(["人", "人次", "名"], "people"),
    **dict.fromkeys(["户", "家"], "households"),
    **dict.fromkeys(["场", "次", "期", "场次", "届", "轮", "批"], "events"),
    **dict.fromkeys(["个", "项", "套", "件", "篇", "本", "份", "部", "条"], "items"),
    **dict.fromkeys(MONEY_UNITS, "money"),
    "%": "share",
    **dict.fromkeys(["天", "日"], "days"),
    **dict.fromkeys(["个工作日", "工作日"], "working_days"),
}

# --- labels ---------------------------------------------------------------------------------

# What a form writes around a label that is not the label: marks of a required field (*), a
# numbering (一、 (二) 3.), a 其中 of a breakdown, a colon, a note in brackets. The note is taken
# apart rather than thrown away: a money unit there is the table's scale (预算数（单位：元）), points
# are a group's weight (产出指标(50分)), anything else is a remark (数量指标（必填硬性指标）).
_LABEL_LEADING = r"^(?:[*★]+|其中[:：]?|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.]|[0-9]{1,2}、)+"
_LABEL_NOTE = r"[（(]([^（）()]*)[）)]"
_LABEL_TRAILING = rf"(?:[:：]|{_LABEL_NOTE})+$"
# whitespace a label may hold (dropped), and the one table of replacements of a label column
_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_NO_SPACE = str.maketrans(dict.fromkeys(_WHITESPACE, ""))
_LABEL_FOLD = {**_CHAR_FOLD, "（": "(", "）": ")", "：": ":", **dict.fromkeys(_WHITESPACE, "")}
_FOLDED_LABEL_FOLD = {"（": "(", "）": ")", "：": ":"}
_MONEY_ALTERNATIVES = "|".join(sorted(MONEY_UNITS, key=len, reverse=True))
# a note that states a money unit: （万元） （元） （单位：元） （人民币元） （金额单位：万元）
MONEY_NOTE = rf"[（(](?:[^（）()]*单位[:：])?(?:人民币)?({_MONEY_ALTERNATIVES})[）)]"
_POINTS_NOTE = r"[（(]([0-9]+(?:\.[0-9]+)?)分[）)]"
# labels whose brackets are part of the label, not a note
LABELS_WITH_BRACKETS = frozenset({"评(扣)分标准"})


def label_key(text: str) -> str:
    """A label cell as perfkit compares it: widths folded, whitespace, a leading mark or numbering,
    a 其中 prefix, colons and trailing notes in brackets dropped.

    >>> [label_key(t) for t in (" 年度资金总额： ", "其中:财政资金", "预算数（单位：元）", "*年度绩效总目标")]
    ['年度资金总额', '财政资金', '预算数', '年度绩效总目标']
    >>> [label_key(t) for t in ("产出指标(50分)", "数量指标（必填硬性指标）", "(三级指标)", "二、自有资金", "评（扣）分标准")]
    ['产出指标', '数量指标', '三级指标', '自有资金', '评(扣)分标准']
    """
    key = fold_label_text(text).translate(_NO_SPACE)
    if key in LABELS_WITH_BRACKETS:
        return key
    plain = re.sub(_LABEL_TRAILING, "", re.sub(_LABEL_LEADING, "", key))
    return plain or key.strip("():")  # (三级指标): a label written inside brackets


def label_key_expr(text: pl.Expr, folded: bool = False) -> pl.Expr:
    """:func:`label_key` for a column, in one pass of replacements that folds widths, brackets and
    colons and drops whitespace together (``folded``: the widths are folded and the whitespace
    removed already, as in a reader's flat copy of its cells)."""
    fold = _FOLDED_LABEL_FOLD if folded else _LABEL_FOLD
    key = text.str.replace_many(list(fold), list(fold.values()))
    plain = key.str.replace(_LABEL_LEADING, "").str.replace(_LABEL_TRAILING, "")
    return (
        pl.when(key.is_in(list(LABELS_WITH_BRACKETS)))
        .then(key)
        .when(plain == "")
        .then(key.str.strip_chars("():"))
        .otherwise(plain)
    )


def fold_label_text(text: str) -> str:
    """Widths folded, and the full-width brackets and colon of a label written in ASCII."""
    return fold_width_text(text).replace("（", "(").replace("）", ")").replace("：", ":")


def money_in_label(text: pl.Expr, folded: bool = False) -> pl.Expr:
    """The money unit a label's note states (``项目资金（万元）``, ``预算数（单位：元）`` → ``万元``, ``元``), else null."""
    return (text if folded else fold_width(text)).str.replace_all(r"\s", "").str.extract(MONEY_NOTE, 1)


def money_in_label_text(text: str) -> str | None:
    """:func:`money_in_label` for one Python string.

    >>> money_in_label_text("年度预算数（单位：人民币元）"), money_in_label_text("产出指标(50分)")
    ('元', None)
    """
    found = re.search(MONEY_NOTE, re.sub(r"\s", "", fold_width_text(text)))
    return found.group(1) if found else None


def points_in_label(text: pl.Expr) -> pl.Expr:
    """The points a label's note gives (``产出指标(50分)`` → 50.0), else null."""
    return fold_width(text).str.replace_all(r"\s", "").str.extract(_POINTS_NOTE, 1).cast(pl.Float64)
