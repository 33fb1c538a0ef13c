"""Properties of the 指标值 parser and of whole documents, checked on generated strings.

The examples in ``tests/test_targets.py`` pin what known cells mean; these properties say what
must hold for *any* cell: parsing never raises and gives a known kind, a parsed target written
back parses to the same parts, full-width forms read as their half-width twins — and a whole
document (every layout, any cell replaced by any string) goes through extract, check and score
into tables or one InputError, never a traceback. ``make fuzz`` runs the documents randomised
for minutes; here a derandomised profile replaces every cell of every small layout once.
"""

from __future__ import annotations

import math
import random

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from perfkit.scoring.indicators import score_indicators
from perfkit.targets import (
    CONTRADICTORY,
    DEADLINE,
    QUALITATIVE,
    QUANTITATIVE,
    RANGE,
    UNIT_WORDS,
    format_target,
    parse_targets,
)
from perfkit.text import NONE_MARKS, normalise_cell
from tests.badinput.documents import CELL_WORDS, CHARACTERS, NUMBERS, layouts, random_value, run, shaped_value
from tests.scoring.test_indicators import evaluation

# the same examples on every run (CI stays reproducible), no example database kept between runs
BOUNDED = settings(max_examples=200, deadline=None, database=None, derandomize=True)

# Characters target cells are made of, so that generated strings are often near-misses of real
# cells rather than random noise; any other character may appear too.
CELL_CHARACTERS = list(
    "0123456789.,%≥≤<>=＞＜＝≧≦％．，０１２３４５６７８９ \u3000\t\n-—/万元人次场月不少于低超过以上以下及内约"
)
# lone surrogates cannot come out of a decoded file; every digit, punctuation, symbol and control
# character is in reach, and whole words, comparators and huge or tiny numbers
ANY_CHARACTER = st.sampled_from([c for chars in CHARACTERS.values() for c in chars])
pieces = (
    st.sampled_from(CELL_CHARACTERS)
    | ANY_CHARACTER
    | st.characters(exclude_categories=["Cs"])
    | st.sampled_from(CELL_WORDS)
    | st.sampled_from(NUMBERS)
)
cells = st.lists(pieces, max_size=12).map("".join)
# Unicode White_Space, what polars strips: Python's str.strip() also strips \x1c-\x1f, which are not
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
OPS = {
    ">=": ["≥", ">=", "＞＝", "≧", "不少于", "不低于", "至少", "大于等于"],
    "<=": ["≤", "<=", "＜＝", "≦", "不超过", "不高于", "至多", "小于等于"],
    ">": [">", "＞", "大于", "超过"],
    "<": ["<", "＜", "小于", "低于"],
    "=": ["=", "＝", "等于"],
}
UNITS = [u for u in UNIT_WORDS if u not in ("百分比", "万")]  # the two spellings the parser rewrites
numbers = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False)


def parsed(cell: str | None, money: bool = False) -> tuple:
    return parse_targets([cell], money=money).row(0)


# Cells are drawn in lists and parsed together, as the loaders do: many strings per example
cell_lists = st.lists(cells, min_size=1, max_size=10)


@BOUNDED
@given(cell_lists, st.booleans())
@example(["≥" + "9" * 400 + "人"], False)  # too long for a float: it was read as an infinite target
@example(["≥٢٦场", "≥𝟗𝟓%", "1,000,000,000.000亿元", "\x00,000"], True)
def test_any_cell_parses_or_is_qualitative(batch, money):
    for cell, (op, value, unit, kind) in zip(batch, parse_targets(batch, money=money).rows(), strict=True):
        # no target: an empty cell, or a mark that means none (—, -, /) as in a figure cell
        folded = pl.select(normalise_cell(pl.lit(cell, dtype=pl.String))).item()
        assert (kind is None) == (cell.strip(WHITE_SPACE) == "" or folded in NONE_MARKS)
        assert kind in (None, QUANTITATIVE, QUALITATIVE, RANGE, DEADLINE, CONTRADICTORY)
        if kind in (QUANTITATIVE, DEADLINE):
            assert op in (None, ">=", "<=", ">", "<", "=")
            assert value is not None and math.isfinite(value)
        elif kind in (RANGE, CONTRADICTORY):
            assert op is None and value is not None and math.isfinite(value)
        elif kind is not None:
            assert (kind, op, value, unit) == (QUALITATIVE, None, None, None)


@BOUNDED
@given(cell_lists, st.booleans())
def test_a_parsed_target_written_back_parses_the_same(batch, money):
    first = parse_targets(batch, money=money).filter(kind=QUANTITATIVE)
    written = [format_target(op, value, unit) for op, value, unit, _ in first.rows()]
    assert parse_targets(written, money=money).rows() == first.rows()


@BOUNDED
@given(st.sampled_from(sorted(OPS)), st.data(), numbers, st.sampled_from(UNITS), st.sampled_from(["", " ", "\u3000"]))
def test_comparator_number_and_unit_are_read_back(op, data, number, unit, space):
    spelling = data.draw(st.sampled_from(OPS[op]))
    cell = f"{spelling}{space}{number}{unit}"
    assert parsed(cell) == (op, float(number), unit, QUANTITATIVE)
    with_separators = f"{spelling}{number:,}{unit}"  # 1234567.5 written 1,234,567.5
    assert parsed(with_separators) == (op, float(number), unit, QUANTITATIVE)


FULL_WIDTH = str.maketrans("0123456789.%<>=,", "０１２３４５６７８９．％＜＞＝，")


@BOUNDED
@given(st.text(st.sampled_from(list("0123456789.%<>=, 场人次万元")), max_size=20), st.booleans())
def test_full_width_and_half_width_forms_agree(cell, money):
    assert parsed(cell.translate(FULL_WIDTH), money) == parsed(cell, money)


TARGETS = ["≥26场", "≤4.1万元", "=100%", "3200人", "按时完成"]


@settings(
    max_examples=60, deadline=None, database=None, derandomize=True
)  # scoring a frame costs more than parsing: 60 lists of 10
@given(st.lists(cells, min_size=len(TARGETS), max_size=len(TARGETS) * 2))
def test_any_actual_value_is_scored_or_left_unjudged(actuals):
    rows = [
        {"level1": "产出指标", "target_raw": TARGETS[i % len(TARGETS)], "actual_raw": actual, "weight_given": 10.0}
        for i, actual in enumerate(actuals)
    ]
    for row in score_indicators(evaluation(*rows)).iter_rows(named=True):
        if row["score"] is None:
            assert row["achievement"] is None
            assert row["note"].startswith("无法评分：") and len(row["note"]) > len("无法评分：")
        else:
            assert 0.0 <= row["achievement"] <= 1.0
            assert (
                abs(row["score"] - row["achievement"] * 10.0) <= 5e-5 + 1e-12
            )  # rounded to 4 places (0.00625 → 0.0062)


# whole documents -------------------------------------------------------------------------------

LAYOUTS = {layout.name: layout for layout in layouts()}
# The derandomised profile of ``make fuzz``: the same strings on every run (a fixed seed per
# layout), every cell of every small layout replaced once, a dozen cells of the seed. Strings come
# from tests.badinput.documents.random_value: near-misses of real cells (a word, a number in any
# digit script, a unit: 不少于٢٦场), or noise of every digit, punctuation, symbol and control category.
# (Hypothesis with one example per cell would give each cell its simplest string, ≥0%.)
SEED_CELLS = 12


def cell_value(rng: random.Random) -> str:
    """Half the cells get a random string, half a shaped quantity followed by one (so that every
    layout's text cells, the goals included, meet numbers in other digit scripts)."""
    return random_value(rng) if rng.random() < 0.5 else shaped_value(rng) + random_value(rng)


@pytest.mark.parametrize("name", [n for n in LAYOUTS if n != "seed"])
def test_any_cell_of_any_layout_gives_tables_or_one_input_error(name, tmp_path):
    layout, rng = LAYOUTS[name], random.Random(f"perfkit-{name}")
    problems = []
    for index in range(layout.cells):
        value = cell_value(rng)
        problem = run(layout, tmp_path, index, value)
        if problem:
            problems.append(f"cell {index} = {value!r}:\n{problem}")
    assert not problems, "\n".join(problems)


def test_some_cells_of_the_seed_give_tables_or_one_input_error(tmp_path):
    layout, rng = LAYOUTS["seed"], random.Random("perfkit-seed")
    for index in sorted(rng.sample(range(layout.cells), SEED_CELLS)):
        value = cell_value(rng)
        assert run(layout, tmp_path, index, value) is None, (index, value)
