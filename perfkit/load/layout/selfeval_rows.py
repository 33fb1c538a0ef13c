"""The indicator part of a self-evaluation: its header (one row, or two under a merged label), its
rows up to the end of the form, and the template's empty rows, which are recorded and skipped.

Positions are grid columns: a merged cell is read at its first column only, and a figure merged
down several rows (one 分值 over a ★ indicator and its 其中 rows) at its first row only.
"""

from __future__ import annotations

import re

from perfkit.errors import InputError
from perfkit.load.layout.grid import Row, figure
from perfkit.load.layout.labels import LEVEL1_OF_LEVEL2, heads_levelless
from perfkit.load.layout.selfeval_labels import (
    INDICATOR_HEADERS,
    SOLE_LEVEL2,
    TOTAL_ROWS,
    indicator_field,
    is_closing,
    is_filler,
    is_header_cell,
    key,
)
from perfkit.text import (
    COMPARATOR_WORDS,
    MAGNITUDES,
    OP_SYMBOLS,
    UNIT_COMPLETES,
    UNIT_JOIN,
    figure_value,
    fold_width_text,
)

# points written in a level-1 cell: 产出指标(50分), 产出指标(50)
# 产出指标(50分), 产出指标(50), and 效益指标30分) whose opening bracket is lost (the 分 says what it is)
_POINTS = re.compile(r"(?:[（(]\s*([0-9]+(?:\.[0-9]+)?)\s*分?|([0-9]+(?:\.[0-9]+)?)\s*分)\s*[）)]\s*$")
_QUALITATIVE = ("定性", "qualitative")
_EMPTY_MARKS = ("", "/", "／", "-", "－", "—", "——")


def is_figure(text: str | None) -> bool:
    """Whether a cell is a bare figure (``8``, ``1,200.5``), with no unit or words."""
    value = figure_value(text)
    return value is not None and value == value


def own(row: Row) -> list[tuple[int, str]]:
    """The (grid column, stripped text) of each cell that starts in this row."""
    return [(i, c.strip()) for i, c in enumerate(row.cells) if not row.is_continued(i)]


def columns_of(row: Row) -> dict[str, int]:
    """The indicator columns a row names: field → grid column (the first column of a field wins)."""
    found: dict[str, int] = {}
    for i, text in own(row):
        name = indicator_field(text) if text else None
        if name is not None and name not in found:
            found[name] = i
    return found


def is_header_row(row: Row) -> bool:
    """Whether every cell that starts in ``row`` is a header or section label (and one is a column)."""
    texts = [t for _, t in own(row) if t]
    return bool(texts) and all(is_header_cell(t) for t in texts) and any(indicator_field(t) for t in texts)


def find_header(rows: list[Row]) -> tuple[int, dict[str, int], int]:
    """The indicator header's row, its columns, and the first row under it.

    A header is one row, or two: the second row names the columns under a label merged over
    several (绩效指标 over 一级指标 | 二级指标 | 三级指标; 年度指标值 over 指标性质 | 指标值 | 度量单位; 预期指标值
    over 符号 | (no label) | 单位). A column of the second row replaces the merged label above it; a
    merged label keeps the one column under it that the second row leaves without a label. A list
    without level columns (指标名称 | 年初指标值 | 全年完成值 …, :func:`~perfkit.load.layout.labels.heads_levelless`)
    is a header too: its rows have no level."""
    for r, row in enumerate(rows):
        columns = columns_of(row)
        levelless = heads_levelless({key(t) for _, t in own(row) if t})
        if not {"level1", "actual_raw"} & columns.keys():
            continue
        first = r + 1
        if first < len(rows) and (is_header_row(rows[first]) or _under_merged(row, rows[first])):
            columns = _merged_columns(row, rows[first], columns)
            first += 1
        if ("level1" in columns or levelless) and "actual_raw" in columns:
            return r, dict(sorted(columns.items(), key=lambda item: item[1])), first
    return -1, {}, -1


def _span(row: Row, index: int) -> list[int]:
    """The grid columns of the cell starting at ``index``."""
    end = index + 1
    while row.is_side(end):
        end += 1
    return list(range(index, end))


def _under_merged(row: Row, sub: Row) -> bool:
    """Whether every cell starting in ``sub`` lies under a cell of ``row`` merged over several
    columns (the other columns of ``row`` reaching down over ``sub``)."""
    cells = [i for i, t in own(sub) if t]
    merged = {j for i, _ in own(row) if len(span := _span(row, i)) > 1 for j in span}
    return bool(cells) and any(sub.is_continued(i) for i in range(len(sub.cells))) and set(cells) <= merged


def _merged_columns(row: Row, sub: Row, columns: dict[str, int]) -> dict[str, int]:
    under = columns_of(sub)
    merged = dict(under)
    for field, index in columns.items():
        if field in under:
            continue
        free = [j for j in _span(row, index) if j not in under.values()]
        blank = [j for j in free if not sub.cells[j].strip()] if len(free) < len(_span(row, index)) else free
        if blank:
            merged[field] = blank[0]
    return merged


def indicator_rows(
    rows: list[Row], columns: dict[str, int], width: int, file: str
) -> tuple[list[dict], list[list[float]], list[dict]]:
    """The indicator records under the header, the figures of each total row (合计/总分; a
    合计 of the weights may come before the 总分 row, see :func:`self_total`) and the unfilled
    template rows.

    The rows end at the first closing row (合计/总分, 评价结论, 审核意见, 填报人 …) and the total row
    right after it. A repeated header row is skipped. A row with no name, target, actual or score
    (``指标2:``, ``……``, a level-2 label alone) is an unfilled row: recorded with its place, never an
    indicator. A 分值 or 得分 that is not a figure (``IO``, OCR for 10) is left empty and named in the
    record's ``_unreadable`` (``place：message``): one damaged cell does not sink the form."""
    indicators: list[dict] = []
    unfilled_rows: list[dict] = []
    totals: list[list[float]] = []
    levels = _Levels(columns)
    cells_of_level1: list[int] = []  # per indicator, the level-1 cell it lies under (a merged cell is one)
    level1_cell = 0
    for row in rows:
        cells = [(i, c) for i, c in own(row) if c]
        if not cells:
            continue
        if totals or is_closing(cells[0][1]):
            if key(cells[0][1]) in TOTAL_ROWS:
                totals.append([figure(c, "总分", file, row.ref) for _, c in cells[1:] if is_figure(c)])
                if len(totals) == 1:
                    continue
            break
        if is_header_row(row):
            continue
        if len(row.cells) != width:
            raise InputError(file, row.ref, f"指标行有{len(row.cells)}个单元格，表头有{width}个")
        if "level1" in columns and not row.is_continued(columns["level1"]):
            level1_cell += 1
        record = {name: _cell(row, i) for name, i in columns.items()} | {"source_ref": row.ref}
        level1, level2, filler = levels.read(row, record)
        if _is_unfilled(record):
            text = record.get("name") or filler
            unfilled_rows.append({"source_ref": row.ref, "level1": level1, "level2": level2, "text": text})
            continue
        record["level1"], record["level2"] = level1, level2
        if "target_op" in record:
            record["target_raw"] = _joined(record.pop("target_op"), record.get("target_raw"), record.get("target_unit"))
        unit = record.pop("target_unit", None)
        actual = record.get("actual_raw") or ""
        # a bare figure in a 度量单位 form, or one with its magnitude (1.6万 | 人次 is 1.6万人次)
        if unit and (is_figure(actual) or (actual[-1:] in MAGNITUDES and is_figure(actual[:-1]))):
            record["actual_raw"] = _joined("", actual, unit)
        for name in ("weight_given", "self_score"):
            if name in columns:
                index = columns[name]
                # a figure merged down several rows counts once, at its first row
                text = "" if row.is_continued(index) else row.cells[index]
                record[name] = figure_value(text)
                if record[name] != record[name]:  # not a figure (an OCR'd IO): that cell unread, not the file
                    record[name] = None
                    unread = f"{INDICATOR_HEADERS[name][0]}“{text.strip()}”不是数字"
                    record.setdefault("_unreadable", []).append(f"{row.cell_ref(index)}：{unread}")
        indicators.append(record)
        cells_of_level1.append(level1_cell)
    _level1_of_merged_cell(indicators, cells_of_level1)
    _group_points(indicators, levels.group_points)
    return indicators, totals, unfilled_rows


def self_total(totals: list[list[float]], indicators: list[dict], project: dict) -> float | None:
    """The self total (自评总分) of a form from the figures of its total rows: the last figure of
    the first row that holds the scores. A row whose one figure is the sum of the weights (分值,
    with the execution's) and not the sum of the scores is the weights' 合计, not a total."""
    weights = [r.get("weight_given") for r in indicators] + [project.get("execution_weight_given")]
    scores = [r.get("self_score") for r in indicators] + [project.get("self_execution_score")]
    weight_sum, score_sum = sum(w for w in weights if w), sum(s for s in scores if s)
    for figures in totals:
        if len(figures) == 1 and abs(figures[0] - weight_sum) < 0.05 <= abs(figures[0] - score_sum):
            continue
        return figures[-1] if figures else None
    return None


class _Levels:
    """Level 1 and level 2 carried down the rows: a merged cell read as text on every row it
    covers, or a text export's empty continuation, continues the label above."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.columns, self.level1, self.level2, self.points = columns, None, None, None
        self.group_points: dict[str, float] = {}

    def read(self, row: Row, record: dict) -> tuple[str | None, str | None, str]:
        """(level 1, level 2, the filler mark of a level-2 cell such as ``……``) of ``row``."""
        raw1 = " ".join((record.get("level1") or "").split())
        text1 = raw1
        if m := _POINTS.search(raw1):
            text1 = raw1[: m.start()].strip()
        text1 = "".join(text1.split())
        if raw1 and (text1 != self.level1 or not row.is_continued(self.columns["level1"])):
            # a new level-1 cell starts its own level-2 labels; one whose words are lost (only
            # its points left) is named by its level-2 kinds
            self.level1, self.level2, self.points = text1, None, float(m.group(1) or m.group(2)) if m else None
        text2 = "".join((record.get("level2") or "").split())
        filler = ""
        index2 = self.columns.get("level2")
        if index2 is not None and row.is_side(index2) and row.cells[index2].strip():
            self.level2 = SOLE_LEVEL2.get(self.level1 or "", self.level1)  # one label over both levels
        elif text2 and is_filler(text2):
            filler = text2
        elif text2:
            self.level2 = text2
        elif self.level2 is None and self.level1 in SOLE_LEVEL2:
            self.level2 = SOLE_LEVEL2[self.level1]
        level1 = self.level1 or LEVEL1_OF_LEVEL2.get(self.level2 or "") or None
        if level1 and self.points is not None:
            self.group_points.setdefault(level1, self.points)
        return level1, self.level2, filler


def _level1_of_merged_cell(indicators: list[dict], cells: list[int]) -> None:
    """An empty level-1 cell merged over several rows is one cell: where the rows under it that have
    a level 1 (named by their level-2 kind, 质量指标 → 产出指标) agree on one group, the others take it."""
    groups: dict[int, set[str]] = {}
    for record, cell in zip(indicators, cells, strict=True):
        if record["level1"]:
            groups.setdefault(cell, set()).add(record["level1"])
    for record, cell in zip(indicators, cells, strict=True):
        if not record["level1"] and len(found := groups.get(cell, set())) == 1:
            record["level1"] = next(iter(found))


def _is_unfilled(record: dict) -> bool:
    """A template row left empty: no name (or a numbering / filler only) and nothing to score."""
    name = record.get("name") or ""
    if name and not is_filler(name):
        return False
    filled = [record.get(f) or "" for f in ("target_raw", "actual_raw", "weight_given", "self_score")]
    return all("".join(v.split()) in _EMPTY_MARKS for v in filled)


def _cell(row: Row, index: int) -> str:
    """A cell's text at a grid column; a position continuing a cell from its left reads empty."""
    return "" if row.is_side(index) else row.cells[index].strip()


# 大于等于, 不少于, 小于等于 … (the comparator words of perfkit.text) → >=, <=, …
COMPARATOR_OF_WORD = {word: op for op, words in COMPARATOR_WORDS.items() for word in words}


def _joined(op: str, value: str | None, unit: str | None) -> str:
    """指标性质 | 指标值 | 度量单位 back as one cell (``﹦``/``＝`` read as ``=``; 定性 keeps the text); the
    unit completes the value as :data:`~perfkit.text.UNIT_COMPLETES` says (``100%`` | ``%`` is 100%)."""
    if not value or op in _QUALITATIVE:
        return value or ""
    folded = "".join(fold_width_text(op.replace("﹦", "=")).split())
    unit = unit if unit and re.search(UNIT_COMPLETES, f"{value}{UNIT_JOIN}{unit}") else ""
    return f"{OP_SYMBOLS.get(COMPARATOR_OF_WORD.get(folded, folded), '')}{value}{unit or ''}"


def _group_points(indicators: list[dict], points: dict[str, float]) -> None:
    """Points written in a level-1 cell (产出指标(50分)) are split equally over the group's
    indicators that carry no 分值 of their own, marked ``weight_split``: the form gave the group its
    points, not the row its share."""
    for group, total in points.items():
        members = [r for r in indicators if r["level1"] == group]
        if members and all(r.get("weight_given") is None for r in members):
            for record in members:
                record["weight_given"] = round(total / len(members), 6)
                record["weight_split"] = True
