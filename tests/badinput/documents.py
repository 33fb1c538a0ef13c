"""Whole documents with one cell replaced, for the property tests and ``make fuzz``.

A *layout* is a small, valid document of one source format — the seed, the Word text export of
:mod:`tests.badinput.inputs`, inline and split CSV tables, ``.docx`` and ``.xlsx`` files written by
:mod:`tests.builders`, and a self-evaluation — cut into its cells. :func:`document` writes the
layout with one cell replaced by any string; :func:`run` takes it through what the CLI does
(extract, check, score) and returns ``None`` when every step ended as perfkit promises: in
tables, or in one :class:`~perfkit.errors.InputError`. Anything else is returned, as the bug.

Cell strings are drawn from every Unicode digit and punctuation category, maths symbols,
control characters, huge and tiny numbers, comparators and units, and the empty string.
"""

from __future__ import annotations

import random
import sys
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from perfkit.checks import run_checks
from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.actuals import load_actuals
from perfkit.scoring import score
from perfkit.text import UNIT_CLASSES
from tests.badinput import inputs
from tests.builders import write_docx, write_flat
from tests.conftest import SEED

_CATEGORIES = ("Nd", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Cc", "Zs", "No", "Nl")
# every character of those categories (a few thousand), once
CHARACTERS: dict[str, list[str]] = {}
for _code in range(sys.maxunicode + 1):
    _category = unicodedata.category(chr(_code))
    if _category in _CATEGORIES:
        CHARACTERS.setdefault(_category, []).append(chr(_code))
# what target and actual cells are made of, so that strings are near-misses of real cells
CELL_WORDS = [
    "≥", "≤", ">", "<", "=", "﹦", "＝", "=>", "=<", "≧", "≦", "不少于", "不超过", "达到", "不足", "约", "以上", "以下",
    "以内", "及以上", "零", "无", "事故", "万", "万元", "元/人", "万/人", "人", "人次", "场", "次", "个", "社区", "%",
    "％", "百分比", "天", "日", "个工作日", "月", "年", "月底前", "年底前", "全年", "前", "按期完成", "达成年度指标",
    "部分达成", "未达成", "（含）", "。", "；", ",", "，", "-", "～", "至", ".", "—", "/", "定性",
]  # fmt: skip
NUMBERS = [
    "0",
    "-5",
    "1e308",
    "9" * 400,
    "0." + "0" * 300 + "1",
    "1,000,000",
    "１２",
    "٢٦",
    "𝟗𝟓",
    "2025",
    "12",
    "31",
    "3.5",
]


# the zero of every decimal digit script (full-width ０, Arabic-Indic ٠, mathematical 𝟎 …)
ZEROS = [c for c in CHARACTERS["Nd"] if unicodedata.decimal(c) == 0]


def in_script(number: str, zero: str) -> str:
    """``number`` with its ASCII digits written in the script whose zero is ``zero``."""
    return "".join(chr(ord(zero) + int(c)) if c.isascii() and c.isdigit() else c for c in number)


@dataclass(frozen=True)
class Layout:
    """A valid document of one format: ``cells`` are its replaceable places, ``write`` puts it into a
    folder with cell ``index`` set to ``value`` (or unchanged for ``None``) and returns the path."""

    name: str
    cells: int
    write: Callable[[Path, int | None, str], Path]
    selfeval: bool = False


def _text_layout(name: str, text: str, suffix: str = ".txt", selfeval: bool = False) -> Layout:
    """A text export cut into its cells (lines that start with a tab)."""
    lines = text.splitlines(keepends=True)
    places = [i for i, line in enumerate(lines) if line.startswith("\t")]

    def write(folder: Path, index: int | None, value: str) -> Path:
        changed = list(lines)
        if index is not None:
            changed[places[index]] = "\t" + value + "\n"
        path = folder / f"{name}{suffix}"
        path.write_text("".join(changed), encoding="utf-8")
        return path

    return Layout(name, len(places), write, selfeval)


def _csv_layout(name: str, text: str) -> Layout:
    """A CSV table cut into its cells (the header stays); a cell is quoted as a CSV writer would."""
    rows = [line.rstrip("\n").split(",") for line in text.splitlines()]
    width = len(rows[0])
    body = rows[1:]

    def write(folder: Path, index: int | None, value: str) -> Path:
        changed = [list(r) for r in body]
        if index is not None:
            quoted = '"' + value.replace('"', '""') + '"'
            changed[index // width][index % width] = quoted
        path = folder / f"{name}.csv"
        path.write_text("\n".join(",".join(r) for r in [rows[0], *changed]) + "\n", encoding="utf-8")
        return path

    return Layout(name, width * len(body), write)


# the small table of inputs.py as builder rows: project fields, then the cells of each indicator
_PROJECT_FIELDS = ["unit_code", "unit_name", "project_name", "budget_total", "budget_fiscal", "purpose", "goal_text"]
_INDICATOR_CELLS = (2, 3, 4, 5, 6)  # level1, level2, name, description, target_raw


def _office_layout(name: str, write_file: Callable[[Path, list, list], Path]) -> Layout:
    n_project = len(_PROJECT_FIELDS)
    n_cells = n_project + len(inputs.INDICATORS) * len(_INDICATOR_CELLS)

    def write(folder: Path, index: int | None, value: str) -> Path:
        project = dict(inputs.PROJECT)
        rows = [list(r) for r in inputs.INDICATORS]
        if index is not None and index < n_project:
            project[_PROJECT_FIELDS[index]] = value
        elif index is not None:
            row, cell = divmod(index - n_project, len(_INDICATOR_CELLS))
            rows[row][_INDICATOR_CELLS[cell]] = value
            rows[row][10] = "qualitative"  # the builders split a cell they cannot read as written
        return write_file(folder / name, [project], [tuple(r) for r in rows])

    return Layout(name, n_cells, write)


def _selfeval_text() -> str:
    from tests.scoring.test_scorecard import CLEAN_ROWS, selfeval_text

    return selfeval_text(CLEAN_ROWS, "96.6")


def _clean_actuals(folder: Path):
    path = folder / "clean-selfeval.txt"
    path.write_text(_selfeval_text(), encoding="utf-8")
    return load_actuals(path)


def layouts() -> list[Layout]:
    """Every layout, the seed first."""
    return [
        _text_layout("seed", SEED.read_text(encoding="utf-8")),
        _text_layout("word_text", inputs.word_text()),
        _csv_layout("csv_inline", inputs.csv_text()),
        _csv_layout("csv_split", inputs.split_csv("≥", "2", "场")),
        _office_layout("docx", lambda p, pr, ind: write_docx(p.with_suffix(".docx"), pr, ind)),
        _office_layout("xlsx", lambda p, pr, ind: write_flat(p.with_suffix(".xlsx"), pr, ind)),
        _text_layout("selfeval", _selfeval_text(), selfeval=True),
    ]


def run(layout: Layout, folder: Path, index: int | None, value: str, outcomes: Counter | None = None) -> str | None:
    """Write the document and take it through extract, check and score; ``None`` when each step
    gave tables or one InputError, else the traceback. ``outcomes`` counts tables and refusals."""
    outcomes = outcomes if outcomes is not None else Counter()
    try:
        path = layout.write(folder, index, value)
    except Exception:  # a writer (openpyxl, python-docx) that cannot hold the value: no document
        outcomes["not written"] += 1
        return None
    try:
        if layout.selfeval:
            card = score(load_actuals(path))
            card.indicator_scores.shape  # noqa: B018 - the tables exist
        else:
            tables = load_targets(path)
            run_checks(tables)
            # the clean self-evaluation scored against these targets (the same unit and project)
            score(_clean_actuals(folder), tables).project_scores.shape  # noqa: B018
    except InputError as error:
        outcomes["InputError"] += 1
        one_line = error.one_line()
        return f"an InputError of more than one line: {one_line!r}" if "\n" in one_line else None
    except Exception:  # anything else is the bug this looks for
        outcomes["bug"] += 1
        return traceback.format_exc()
    outcomes["tables"] += 1
    return None


def shaped_value(rng: random.Random) -> str:
    """A comparator or word, a number in any digit script, a unit: the shape of a real target or
    goal quantity (不少于٢٦场, ≥𝟗𝟓%), where digits used to be misread."""
    number = in_script(rng.choice([*NUMBERS[:6], str(rng.randint(0, 10**6))]), rng.choice(ZEROS))
    return rng.choice(CELL_WORDS) + number + rng.choice([*UNIT_CLASSES, *CELL_WORDS])


def random_value(rng: random.Random) -> str:
    """One cell string: often a shaped value, else a mix of words, numbers and noise of any category."""
    if rng.random() < 0.4:
        return shaped_value(rng)
    parts = []
    for _ in range(rng.randint(0, 6)):
        pick = rng.random()
        if pick < 0.35:
            parts.append(rng.choice(CELL_WORDS))
        elif pick < 0.6:
            parts.append(rng.choice(NUMBERS))
        elif pick < 0.75:
            parts.append(str(rng.randint(0, 10 ** rng.randint(1, 12))))
        else:
            category = rng.choice(list(CHARACTERS))
            parts.append("".join(rng.choice(CHARACTERS[category]) for _ in range(rng.randint(1, 4))))
    return "".join(parts)
