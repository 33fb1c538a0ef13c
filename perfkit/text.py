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

# Every Unicode decimal digit that is not ASCII (full-width, Arabic-Indic, mathematical bold …).
_DIGITS = {
    chr(c): str(unicodedata.decimal(chr(c)))
    for c in range(0x80, 0x110000)
    if unicodedata.category(chr(c)) == "Nd" and unicodedata.decimal(chr(c), None) is not None
}
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
    "≧": ">=",
    "≦": "<=",
    "≥": ">=",
    "≤": "<=",
    "⩾": ">=",
    "⩽": "<=",
    "　": " ",
}


def fold_width(raw: pl.Expr) -> pl.Expr:
    """Fold full-width and other Unicode digits, letters and signs to ASCII (``１２．５％`` → ``12.5%``)."""
    return raw.str.replace_many(list(_CHAR_FOLD), list(_CHAR_FOLD.values()))


_FOLD_TABLE = str.maketrans({k: v for k, v in _CHAR_FOLD.items()})


def fold_width_text(text: str) -> str:
    """:func:`fold_width` for one Python string, for code that reads cells one at a time.

    >>> fold_width_text("１，２３４．５")
    '1，234.5'
    """
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


def figure_value(text: str | None) -> float | None:
    """:func:`figure_expr` for one Python string: None for empty or a none mark, NaN for not a number."""
    cleaned = re.sub(_FIGURE_NOISE, "", fold_width_text(text or ""))
    if cleaned in ("", *NONE_MARKS):
        return None
    value = float(cleaned) if _FIGURE_RE.match(cleaned) else math.nan
    return value if math.isfinite(value) else math.nan


# --- comparators ----------------------------------------------------------------------------

# the comparator of a parsed target → the symbol written for people
OP_SYMBOLS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}

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
}
