"""Loader for ``.xls`` workbooks (Excel 97-2003, BIFF) through calamine, with their merged regions.

Every sheet is read. A sheet whose header row is a flat header (项目名称 beside 一级指标) is a flat
table (one row per indicator), read by the flat reader. Any other sheet laid out like the Word
table (labels and values, merged cells) is cut into tables at their title rows (``…绩效目标表``,
``…绩效自评表``), at empty rows and between forms stacked one under the other, and each table is
read with its merged regions as spans, in the shape the ``.docx`` reader gives. The ``.xlsx``
reader (:mod:`perfkit.load.formats.xlsx`) reads its Word-like sheets through here too.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

import polars as pl

from perfkit.errors import InputError
from perfkit.load.layout.labels import FIELD_OF_PROJECT_LABEL, label_key
from perfkit.load.layout.once import parsed_once, remembered
from perfkit.load.layout.spans import (
    TABLE_LABELS,
    Span,
    SpanTable,
    as_tables,
    flat_rows,
    is_ours,
    layout_cells,
    split_forms,
)
from perfkit.load.layout.table import Table

_TITLE = re.compile(r"绩效(?:目标(?:申报)?|自评)表\s*$")
MAX_CELLS = 5_000_000
PROJECT_KEYS = frozenset(FIELD_OF_PROJECT_LABEL)
NOT_FOUND = "未找到项目绩效目标表（既没有 Word 式的目标表，也没有含 项目名称、一级指标、指标值 等列的表头）"


def _text(value) -> str:
    """A cell's value as the sheet shows it: whole numbers without ``.0``, dates as ``2025-01-31``."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):  # 15 significant digits, as Excel shows them (0.1 + 0.2 reads 0.3)
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    return str(value)


@dataclass
class Sheet:
    """One worksheet: its cells as text (from A1), its merged regions (row, col, rows, cols) and
    each row's number in the workbook (1-based; rows left out, such as hidden rows, have none)."""

    name: str
    rows: list[list[str]]
    merged: list[tuple[int, int, int, int]]
    numbers: list[int] = field(default_factory=list)

    def number(self, row: int) -> int:
        return self.numbers[row] if row < len(self.numbers) else row + 1


def workbook_sheets(data: bytes, file: str, names: list[str] | None = None, kind: str = ".xls") -> list[Sheet]:
    """The sheets of a workbook that calamine reads (``names``, or every sheet), with their merged regions.

    In discovery (:func:`~perfkit.load.layout.once.parsing_once`) the workbook is read whole once:
    a later call for some of its sheets takes them from there.
    """
    if names is None:
        return _every_sheet(data, file, kind)
    known = remembered(_every_sheet, data, file, kind)
    if known is not None and known[0] and set(names) <= {s.name for s in known[1]}:
        by_name = {s.name: s for s in known[1]}
        return [by_name[name] for name in names]
    return _read_sheets(data, file, names, kind)


@parsed_once
def _every_sheet(data: bytes, file: str, kind: str) -> list[Sheet]:
    return _read_sheets(data, file, None, kind)


def _read_sheets(data: bytes, file: str, names: list[str] | None, kind: str) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    sheets, name = [], None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in book.sheet_names if names is None else names:
            sheet = book.get_sheet_by_name(name)
            if sheet.total_height * max(sheet.total_width, 1) > MAX_CELLS:
                raise InputError(file, f"工作表“{name}”", f"工作表超过 {MAX_CELLS} 个单元格，拒绝读取")
            values = sheet.to_python(skip_empty_area=False)
            rows = [[_text(v) for v in row] for row in values]
            merged = [
                (top, left, bottom - top + 1, right - left + 1)
                for (top, left), (bottom, right) in (sheet.merged_cell_ranges or [])
            ]
            sheets.append(Sheet(name, rows, merged))
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own family for damaged and encrypted workbooks
        place = f"工作表“{name}”" if name is not None else None
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(file, place, f"无法读取 {kind} 文件（{first_line}）") from None
    return sheets


def _spans(rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> list[Span]:
    """The sheet's cells as spans: a merged region once, with the text of its top-left cell."""
    spans, covered = [], set()
    for top, left, height, width in merged:
        text = rows[top][left] if top < len(rows) and left < len(rows[top]) else ""
        spans.append(Span(top, left, height, width, text))
        covered.update((top + r, left + c) for r in range(height) for c in range(width))
    spans += [Span(r, c, 1, 1, t) for r, row in enumerate(rows) for c, t in enumerate(row) if (r, c) not in covered]
    return spans


def _blocks(spans: list[Span]) -> list[tuple[str, list[Span]]]:
    """The sheet cut into tables at title rows and at rows that nothing fills or covers."""
    by_row: dict[int, list[Span]] = {}
    for span in spans:
        for r in range(span.row, span.row + span.rows):
            by_row.setdefault(r, []).append(span)
    blocks: list[tuple[str, list[Span]]] = []
    current: list[Span] | None = None
    title = ""
    for r in sorted(by_row):
        starting = [s for s in by_row[r] if s.row == r]
        texts = [s.text.strip() for s in starting if s.text.strip()]
        filled = texts or any(s.row < r and s.text.strip() for s in by_row[r])
        if len(texts) == 1 and not any(s.row < r for s in by_row[r]) and _TITLE.search(texts[0]):
            title, current = texts[0], None
            continue
        if not filled:
            current = None
            continue
        if current is None:
            current = []
            blocks.append((title, current))
        current.extend(starting)
    return blocks


def _rejoined(blocks: list[tuple[str, list[Span]]]) -> list[tuple[str, list[Span]]]:
    """A form's project part cut off from its indicator rows by an empty row, joined to them again: a
    block with project labels (部门(单位)名称, 资金总额 …) but no label of ours, followed by one that
    starts with its indicator header (一级指标)."""
    joined: list[tuple[str, list[Span]]] = []
    for title, block in blocks:
        top = min(s.row for s in block)
        if joined and "一级指标" in {label_key(s.text) for s in block if s.row == top}:
            keys = {label_key(s.text) for s in joined[-1][1]}
            if keys & PROJECT_KEYS and not keys & TABLE_LABELS:
                joined[-1] = (joined[-1][0], joined[-1][1] + block)
                continue
        joined.append((title, block))
    return joined


def _trimmed(spans: list[Span]) -> list[Span]:
    """The table without the sheet's columns that it leaves empty."""
    used = {c for s in spans if s.text.strip() or s.rows > 1 or s.cols > 1 for c in range(s.col, s.col + s.cols)}
    return [s for s in spans if s.col in used]


def split_tables(data: bytes, file: str) -> list[Table]:
    """The workbook's target tables and self-evaluations laid out as in Word, as the ``.docx`` reader gives them."""
    return as_tables(layout_tables(workbook_sheets(data, file)))


def layout_tables(sheets: list[Sheet]) -> list[SpanTable]:
    """The tables of ours on ``sheets``: cut at title rows and empty rows, and between forms stacked
    one under the other (:func:`~perfkit.load.layout.spans.split_forms`)."""
    tables = []
    for sheet in sheets:
        for title, block in _rejoined(_blocks(_spans(sheet.rows, sheet.merged))):
            block = _trimmed(block)
            height = max(s.row + s.rows for s in block)
            refs = [f"工作表“{sheet.name}”第{sheet.number(r)}行" for r in range(height)]
            table = SpanTable(block, title or sheet.name, refs[min(s.row for s in block)], refs)
            if is_ours(table):
                tables.extend(split_forms(table))
    return tables


def read(data: bytes, file: str) -> pl.DataFrame:
    """Every sheet of the workbook: flat sheets as canonical rows, tables laid out as in Word as cells."""
    sheets = workbook_sheets(data, file)
    frames, flat_sheets = [], set()
    for number, sheet in enumerate(sheets):  # a flat header row has 项目名称 and 一级指标 side by side
        if sheet.rows and (frame := flat_rows(sheet.rows, file, f"工作表“{sheet.name}”", number)) is not None:
            frames.append(frame)
            flat_sheets.add(sheet.name)
    if tables := layout_tables([s for s in sheets if s.name not in flat_sheets]):
        frames.insert(0, layout_cells(tables, file))
    if not frames:
        raise InputError(file, None, NOT_FOUND)
    return pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
