"""perfkit.text: the one place where cells are normalised. Expected values worked out by hand."""

from __future__ import annotations

import math
import re
from pathlib import Path

import polars as pl
import pytest

from perfkit.text import (
    MONEY_SCALE,
    MONEY_TO_WAN,
    MONEY_TO_YUAN,
    OP_SYMBOLS,
    UNIT_CLASSES,
    figure_expr,
    figure_value,
    fold_width,
    fold_width_text,
)

PACKAGE = Path(__file__).resolve().parents[1] / "perfkit"

# cell as written → the figure it holds: None for "nothing written", NaN for "not a figure"
FIGURES = {
    "12": 12.0,
    " 1,234.50 ": 1234.5,
    "１２．５": 12.5,  # full-width digits and point
    "٢٦": 26.0,  # Arabic-Indic digits
    "𝟗𝟓": 95.0,  # mathematical bold digits
    "-3": -3.0,
    "": None,
    "—": None,
    "／": None,
    "inf": math.nan,  # float() takes these three: a document never means them as figures
    "nan": math.nan,
    "1_000": math.nan,
    "1e3": math.nan,
    "五万": math.nan,
    "5.00万元": math.nan,
}


def same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and (a == b or (a != a and b != b)))


@pytest.mark.parametrize("written", list(FIGURES))
def test_figure_value_reads_a_cell_as_written(written: str) -> None:
    assert same(figure_value(written), FIGURES[written])


def test_the_vectorised_figure_parser_agrees_with_the_one_for_single_cells() -> None:
    column = pl.select(figure_expr(pl.Series(list(FIGURES)))).to_series().to_list()
    assert [same(a, b) for a, b in zip(column, FIGURES.values(), strict=True)] == [True] * len(FIGURES)


def test_fold_width_folds_every_kind_of_digit_and_sign() -> None:
    written = ["≥２６场", "≦１０天", "９５％", "≥٢٦场", "≥𝟗𝟓%"]
    expected = [">=26场", "<=10天", "95%", ">=26场", ">=95%"]
    assert pl.select(fold_width(pl.Series(written))).to_series().to_list() == expected
    assert [fold_width_text(w) for w in written] == expected


def test_money_scale_converts_to_wan_and_yuan() -> None:
    # 50000 元 = 5 万元; 3 千元 = 0.3 万元; 1.2 亿元 = 12000 万元 (by hand)
    assert 50000 * MONEY_TO_WAN["元"] == pytest.approx(5.0)
    assert 3 * MONEY_TO_WAN["千元"] == pytest.approx(0.3)
    assert 1.2 * MONEY_TO_WAN["亿元"] == pytest.approx(12000.0)
    assert MONEY_TO_YUAN["万元"] == 10000.0
    assert [re.search(MONEY_SCALE, s)[1] for s in ("单位：万元", "单位:元", "（单位： 千元）", "单位：亿元")] == [
        "万元",
        "元",
        "千元",
        "亿元",
    ]


def test_unit_classes_group_units_that_count_the_same_things() -> None:
    assert UNIT_CLASSES["人"] == UNIT_CLASSES["人次"] == UNIT_CLASSES["名"]
    assert UNIT_CLASSES["场"] == UNIT_CLASSES["次"] == UNIT_CLASSES["期"]
    assert UNIT_CLASSES["户"] != UNIT_CLASSES["人"]  # households are not heads
    assert {UNIT_CLASSES[u] for u in MONEY_TO_WAN} == {"money"}


def test_comparator_symbols_for_people() -> None:
    assert OP_SYMBOLS == {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}


# A second money table, comparator map or unit list elsewhere would drift from these (they once
# did: four money tables, two of them without 千元, none with 亿元).
SECOND_DEFINITIONS = {
    "money scale": r"[\"']千?元[\"']\s*:\s*1e?-?\d",
    "comparator map": r"[\"']>=[\"']\s*:\s*[\"']≥[\"']",
    "unit class list": r"\[\s*[\"']人[\"']\s*,\s*[\"']人次[\"']",
}


@pytest.mark.parametrize("what", list(SECOND_DEFINITIONS))
def test_nothing_outside_perfkit_text_defines_them_again(what: str) -> None:
    pattern = re.compile(SECOND_DEFINITIONS[what])
    hits = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "text.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert hits == []


def test_the_digit_table_is_every_unicode_decimal_digit():
    """The precomputed runs of ten (zero + value) give exactly the digits a scan of all code points
    finds in this Python's Unicode database: 650 non-ASCII digits in Unicode 14.0, counted by the scan."""
    import unicodedata

    from perfkit import text

    assert text.scan_digits() == text._DIGITS
    if unicodedata.unidata_version == text.DIGIT_ZEROS_UNICODE:
        assert len(text._DIGITS) == 650
