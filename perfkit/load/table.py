"""Turn one target table, given as rows of cell texts, into a project record and indicator rows.

Both the Word plain-text export and ``.docx`` documents reduce to the same shape: a list of
:class:`Row` (the cells of one table row and where it came from). This module knows the layout of
a 项目绩效目标表 — labels such as 项目名称 and 预算数 followed by their values, then the header row
一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 and one row per indicator — and nothing about
file formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from perfkit.errors import InputError


@dataclass(frozen=True)
class Row:
    """The cells of one table row, its place in the source (e.g. ``第35行``) and each cell's place."""

    cells: list[str]
    ref: str
    cell_refs: list[str] = field(default_factory=list)

    def cell_ref(self, index: int) -> str:
        """The place of cell ``index``, or of the row when cells have no places of their own."""
        return self.cell_refs[index] if index < len(self.cell_refs) else self.ref


@dataclass
class Table:
    """One project's table: its title (heading above it, may be empty) and its rows."""

    title: str
    rows: list[Row] = field(default_factory=list)
    ref: str = ""


UNIT_CELL = re.compile(r"^(\d{6})\s*([^\d.,].*)$", re.S)
_MONEY_SCALE = re.compile(r"单位[:：]\s*(万元|元|千元)")
YEAR = re.compile(r"(20\d{2})\s*年")

# Header labels → indicator fields; the first match wins.
HEADER_LABELS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标",),
    "description": ("绩效指标描述", "指标描述", "指标内容", "指标解释"),
    "target_raw": ("指标值", "年度指标值", "目标值"),
}
_REQUIRED_HEADERS = ("level1", "level2", "name", "target_raw")

# Labels in the project part of the table → project fields.
PROJECT_LABELS = {
    "project_name": ("项目名称",),
    "budget_total": ("预算数", "预算金额", "资金总额", "年度资金总额"),
    "budget_fiscal": ("其中：财政资金", "财政资金", "其中:财政资金", "财政拨款"),
    "budget_other": ("其他资金",),
    "purpose": ("资金用途", "项目用途"),
    "goal_text": ("绩效目标", "年度绩效目标", "年度总体目标", "总体目标"),
}
_LABEL_TO_FIELD = {label: name for name, labels in PROJECT_LABELS.items() for label in labels}
_SECTION_LABELS = {"预算规模及资金用途", "预算规模", "项目基本情况"}
_TO_WAN = {"万元": 1.0, "元": 1e-4, "千元": 1e-1}


def squash(text: str) -> str:
    """Remove all whitespace, for comparing labels such as ``其中：财政    资金``."""
    return "".join(text.split())


def read_table(table: Table, file: str) -> tuple[dict, list[dict]]:
    """Read a project record and its indicator rows from ``table``.

    Budgets are returned in 万元 (converted when the table says ``单位：元``); empty fiscal and
    other budget cells read as 0. Indicator cells are returned as written (stripped); merged
    level-1 cells stay empty here and are filled in by the assembler.
    """
    header_at = _find_header(table)
    if header_at is None:
        raise InputError(
            file, table.ref, f"表格“{table.title or '（无标题）'}”没有指标表头（一级指标…指标值），表格不完整"
        )
    project = _read_project_part(table.rows[:header_at], table, file)
    columns = _header_columns(table.rows[header_at], file)
    width = len(table.rows[header_at].cells)
    indicators = []
    for row in table.rows[header_at + 1 :]:
        if len(row.cells) != width:
            raise InputError(file, row.ref, f"指标行有{len(row.cells)}个单元格，表头有{width}个")
        indicators.append({name: row.cells[i].strip() for name, i in columns.items()} | {"source_ref": row.ref})
    if not indicators:
        raise InputError(
            file, table.rows[header_at].ref, f"项目“{project['project_name']}”的表头之后没有指标行，表格不完整"
        )
    return project, indicators


def _find_header(table: Table) -> int | None:
    for i, row in enumerate(table.rows):
        labels = {squash(c) for c in row.cells}
        if "一级指标" in labels and labels & set(HEADER_LABELS["target_raw"]):
            return i
    return None


def _header_columns(row: Row, file: str) -> dict[str, int]:
    labels = [squash(c) for c in row.cells]
    columns = {}
    for name, accepted in HEADER_LABELS.items():
        found = next((i for i, label in enumerate(labels) if label in accepted), None)
        if found is not None:
            columns[name] = found
    missing = [HEADER_LABELS[n][0] for n in _REQUIRED_HEADERS if n not in columns]
    if missing:
        raise InputError(file, row.ref, f"指标表头缺少列：{'、'.join(missing)}")
    return columns


def _read_project_part(rows: list[Row], table: Table, file: str) -> dict:
    values: dict[str, tuple[str, str]] = {}
    unit_code = unit_name = None
    scale = 1.0
    unlabelled: list[tuple[str, str]] = []
    for row in rows:
        cells = [c.strip() for c in row.cells]
        labelled = False
        for i, cell in enumerate(cells):
            key = squash(cell)
            if unit_code is None and (m := UNIT_CELL.match(cell)):
                unit_code, unit_name = m.group(1), m.group(2).strip()
                labelled = True
            elif m := _MONEY_SCALE.search(key):
                scale = _TO_WAN[m.group(1)]
                labelled = True
            elif key in _LABEL_TO_FIELD and _LABEL_TO_FIELD[key] not in values:
                rest = [c for c in cells[i + 1 :] if c]
                # goal and purpose texts fill the rest of the row; a budget or name is the next cell
                long_text = _LABEL_TO_FIELD[key] in ("goal_text", "purpose")
                value = "\n".join(rest) if long_text else (cells[i + 1] if i + 1 < len(cells) else "")
                values[_LABEL_TO_FIELD[key]] = (value, row.cell_ref(i + 1))
                labelled = True
        texts = [c for c in cells if c and squash(c) not in _SECTION_LABELS]
        if not labelled and texts:
            unlabelled.append(("\n".join(texts), row.ref))
    if unit_code is None:
        raise InputError(
            file, table.ref, f"表格“{table.title or '（无标题）'}”中未找到六位单位编码（如“562202单位名称”）"
        )
    if "project_name" not in values or not values["project_name"][0]:
        raise InputError(file, table.ref, "未找到项目名称")
    if "budget_total" not in values:
        raise InputError(file, table.ref, f"项目“{values['project_name'][0]}”未找到预算数")
    if "purpose" not in values and unlabelled:
        # the purpose (资金用途) sits in an unlabelled row under 预算规模及资金用途
        values["purpose"] = unlabelled[0]
    name = values["project_name"][0]
    year = YEAR.search(name) or YEAR.search(table.title)
    return {
        "unit_code": unit_code,
        "unit_name": unit_name,
        "year": int(year.group(1)) if year else None,
        "project_name": name,
        "budget_total": _money(values["budget_total"], "预算数", file, scale, required=True),
        "budget_fiscal": _money(values.get("budget_fiscal", ("", "")), "财政资金", file, scale),
        "budget_other": _money(values.get("budget_other", ("", "")), "其他资金", file, scale),
        "purpose": values.get("purpose", ("", ""))[0],
        "goal_text": values.get("goal_text", ("", ""))[0],
        "source_ref": table.ref,
    }


_EMPTY_FIGURES = ("", "—", "-", "/", "－", "——")


def figure(text: str, label: str, file: str, ref: str) -> float | None:
    """A figure from a cell: empty, ``—`` and ``/`` read as missing; anything else must be a number."""
    cleaned = squash(text).replace(",", "").replace("，", "")
    if cleaned in _EMPTY_FIGURES:
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise InputError(file, ref, f"{label}“{text.strip()}”不是数字") from None


def _money(value_ref: tuple[str, str], label: str, file: str, scale: float, required: bool = False) -> float:
    text, ref = value_ref
    value = figure(text, label, file, ref)
    if value is None:
        if required:
            raise InputError(file, ref, f"{label}为空")
        return 0.0
    return round(value * scale, 6)
