"""Read one 项目支出绩效自评表 (self-evaluation), given as grid rows, into records — by labels.

Layouts (labels in :mod:`perfkit.load.layout.selfeval_labels`, data like
:mod:`perfkit.load.layout.labels`): the 财预〔2020〕10号 template (项目资金（万元） merged over two
columns | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分, rows 年度资金总额 / 其中：当年财政拨款 …;
年度总体目标 预期目标 | 实际完成情况; 一级指标 … 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施;
总分), the provincial forms (绩效指标 merged over 一级指标 | 二级指标 | 三级指标 in a two-row header, or
written down the left of the block; 分值 before the target; 未完成原因及拟采取的改进措施 …), the Sichuan
form (年初预算 | 调整后预算数 | 预算执行数 | 权重 | 得分 with rows 总额 / 其中:财政资金 …; 指标性质 | 指标值 |
度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析; 合计), points in level-1 cells (产出指标(50分)), and
transfer-payment forms without 分值 and 得分.

Where the form ends: the indicator rows stop at the first closing row (合计/总分, 评价结论, 存在问题, 审核
意见, 填报人, 说明, 备注, 附件 …); rows after it are never indicators. Several forms one under the other
in one table (a worksheet) are read one by one (:func:`split_forms`).

Decided readings: a level-1 label merged over the level-2 column gives level 2 the one level-2
kind of its group (满意度指标 → 服务对象满意度指标), else repeats itself; a bare actual in a 度量单位
form takes the unit of its row (``8`` with 月 → ``8月``), so that scoring compares like with like;
template rows left empty are skipped and listed in the project's ``selfeval_unfilled_rows`` (place, level 1,
level 2, text).
"""

from __future__ import annotations

import re

from perfkit.errors import InputError
from perfkit.load.layout.department import department_name
from perfkit.load.layout.grid import Row, Table, figure
from perfkit.load.layout.labels import DEPARTMENT_WIDE, LEAD_AFTER_UNIT, UNIT_WITH_LEAD_LABELS
from perfkit.load.layout.selfeval_labels import (
    FUNDING_HEADERS,
    FUNDING_PAIRS,
    FUNDING_PART_ROWS,
    FUNDING_TOTAL_ROWS,
    GOAL_ACTUAL,
    GOAL_EXPECTED,
    INDICATOR_HEADERS,
    PROJECT_NAME_LABELS,
    REQUIRED,
    UNIT_LABELS,
    funding_field,
    indicator_field,
    is_label,
    key,
)
from perfkit.load.layout.selfeval_rows import columns_of, find_header, indicator_rows, own, self_total
from perfkit.load.layout.table import YEAR
from perfkit.text import MONEY_SCALE, MONEY_TO_WAN, figure_value, fold_width_text

__all__ = ["FUNDING_HEADERS", "INDICATOR_HEADERS", "header_found", "is_selfeval", "read_selfeval", "split_forms"]

# a project code in front of the name: 51000021R000000019951-工资性支出
_CODE_PREFIX = re.compile(r"^[0-9A-Za-z]{8,}\s*[-－—–]\s*")
# a unit cell with its six-digit code: 031001-某局, 031001－某局, [031001]某局, 031001某局
_UNIT_CELL = re.compile(r"^[\[【(（]?([0-9]{6})[\]】)）]?\s*[-－—–_]*\s*([^0-9.,\s].*)$", re.S)
_MONEY = "|".join(sorted(MONEY_TO_WAN, key=len, reverse=True))
# a label naming its money unit in brackets: 项目资金（万元）, 年初预算数（元）
_LABEL_UNIT = re.compile(rf"^[^0-9]{{1,16}}[（(]({_MONEY})[）)]$")
# a figure written with its own unit: 12万元, 90万, 1,000,000元
_VALUE_UNIT = re.compile(rf"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*({_MONEY}|万)$")
_PROJECT_NAMES = frozenset(key(lb) for lb in PROJECT_NAME_LABELS)
_PAIR_FIELDS = {key(lb): name for name, labels in FUNDING_PAIRS.items() for lb in labels}
_UNIT_WITH_LEAD = frozenset(key(lb) for lb in UNIT_WITH_LEAD_LABELS)


def is_selfeval(table: Table) -> bool:
    """Whether ``table`` is a self-evaluation (it has a column of actual values such as 实际完成值)."""
    return any(indicator_field(c) == "actual_raw" for row in table.rows for c in row.cells if c.strip())


def header_found(tables: list[Table]) -> str:
    """What a file that holds no self-evaluation has instead, for its refusal: the first row that
    names an indicator name or target column (``；表1第1行的表头只有“一级指标”“指标值”“实施进度”``), its
    own cells in order without whitespace; "" where no table has such a row."""
    for row in (row for table in tables for row in table.rows):
        if {"name", "target_raw"} & columns_of(row).keys():
            cells = ["".join(text.split()) for _, text in own(row) if text]
            return f"；{row.ref}的表头只有“{'”“'.join(cells)}”"
    return ""


def split_forms(table: Table) -> list[Table]:
    """The forms of ``table``, one under the other: a 项目名称 row after an indicator header starts
    the next form, with the title rows (one cell each, no label) just above it."""
    starts, names = [0], [0]
    header_seen = False
    for r, row in enumerate(table.rows):
        cells = [c for _, c in own(row) if c]
        if cells and key(cells[0]) in _PROJECT_NAMES and header_seen:
            begin = r
            while begin - 1 > starts[-1] and _is_title_row(table.rows[begin - 1]):
                begin -= 1
            starts.append(begin)
            names.append(r)
            header_seen = False
        header_seen = header_seen or bool({"level1", "actual_raw"} & columns_of(row).keys())
    if len(starts) == 1:
        return [table]
    forms = [Table(title=table.title, rows=table.rows[: starts[1]], ref=table.ref, context=table.context)]
    for begin, name, end in zip(starts[1:], names[1:], [*starts[2:], len(table.rows)], strict=True):
        lead = " ".join(c for row in table.rows[begin:name] for _, c in own(row) if c)
        rows = table.rows[begin:end]
        forms.append(Table(title=lead or table.title, rows=rows, ref=rows[0].ref, context=table.context))
    return forms


def _is_title_row(row: Row) -> bool:
    cells = [c for _, c in own(row) if c]
    return len(cells) <= 1 and not any(is_label(c) for c in cells)


def _beside(row: Row, index: int) -> str | None:
    """The first non-empty cell after ``index`` in the row that is not a label, or None when a label
    (or nothing) comes first."""
    for i, text in own(row):
        if i <= index or not text:
            continue
        return None if is_label(text) else text
    return None


def _figure_beside(row: Row, index: int) -> bool:
    """Whether the cell after the label at ``index`` is a figure (the label's value, not a column's)."""
    value = figure_value(_beside(row, index) or "")
    return value is not None and value == value


def _value(rows: list[Row], r: int, index: int) -> str:
    """The value of the label at (r, index): beside it, else the cell right below it."""
    beside = _beside(rows[r], index)
    if beside is not None:
        return beside
    if r + 1 < len(rows) and index < len(rows[r + 1].cells) and not rows[r + 1].is_continued(index):
        below = rows[r + 1].cells[index].strip()
        if not is_label(below):
            return below
    return ""


def _scale(table: Table, rows: list[Row], file: str) -> tuple[float, tuple[str, str, str] | None]:
    """万元 per money unit of the table, and the statement it comes from (unit, text, place):
    ``单位：元`` in a cell, a unit in a label's brackets (``项目资金（万元）``), or ``单位：…`` in the
    title or the paragraphs above; 万元 when none is written. Two statements that disagree are refused."""
    stated: list[tuple[str, str, str]] = []
    for row in rows:
        for i, text in own(row):
            compact = "".join(fold_width_text(text).split())
            if (m := re.search(MONEY_SCALE, compact)) or (m := _LABEL_UNIT.match(compact)):
                stated.append((m.group(1), text, row.cell_ref(i)))
    above = f"{table.title}\n{table.context}"
    if m := re.search(MONEY_SCALE, "".join(fold_width_text(above).split())):
        stated.append((m.group(1), m.group(0), f"{table.ref}上方"))
    for unit, text, place in stated[1:]:
        if unit != stated[0][0]:
            first = stated[0]
            raise InputError(
                file, place, f"金额单位不一致：“{first[1]}”（{first[2]}）与“{text}”（{place}）所写单位不同，无法换算"
            )
    return (MONEY_TO_WAN[stated[0][0]], stated[0]) if stated else (1.0, None)


def _project_part(rows: list[Row], file: str, project: dict) -> None:
    for r, row in enumerate(rows):
        for i, text in own(row):
            k = key(text) if text else ""
            if k in _PROJECT_NAMES and not project["project_name"]:
                project["project_name"] = _CODE_PREFIX.sub("", _value(rows, r, i))
            elif k in UNIT_LABELS and project["unit_name"] is None:
                value = _value(rows, r, i)
                if k in _UNIT_WITH_LEAD:  # 某中心/张三: the unit is the part before the slash
                    value = re.sub(LEAD_AFTER_UNIT, "", value)
                if m := _UNIT_CELL.match(fold_width_text(value)):
                    project["unit_code"], project["unit_name"] = m.group(1), m.group(2).strip()
                elif value:
                    project["unit_name"] = value
            elif k in GOAL_EXPECTED and "goal_expected" not in project:
                project["goal_expected"] = _value(rows, r, i)
            elif k in GOAL_ACTUAL and "goal_actual" not in project:
                project["goal_actual"] = _value(rows, r, i)
        funding = {}
        for i, text in own(row):
            if text and (name := funding_field(text)) is not None and name not in funding:
                funding[name] = i
        # a form may have no 全年预算数 (年初预算数(A) | 全年执行数(B), 执行率 B/A): its execution still counts;
        # labels with their figures beside them (预算数: | 2.38 | 执行数: | 2.38) are no column headers
        columns = "budget_full" in funding or "executed" in funding
        if columns and "_money" not in project and not any(_figure_beside(row, i) for i in funding.values()):
            _funding(rows, r, funding, file, project)
    if "_money" not in project:
        _funding_pairs(rows, file, project)


def _funding_pairs(rows: list[Row], file: str, project: dict) -> None:
    """The funding of a form that writes it as label–value pairs in one row (预算数: | 2.38 | 执行数: |
    2.38): the first row holding every label of :data:`FUNDING_PAIRS` and a budget figure, each figure
    beside its label. A label whose figure is left empty (全年执行数(B) | | 执行率(B/A)) is not written."""
    for row in rows:
        money = {}
        for i, text in own(row):
            name = _PAIR_FIELDS.get(key(text)) if text else None
            if name is None or name in money:
                continue
            if (cell := _beside(row, i)) is None:
                money[name] = (None, None, "", row.cell_ref(i))
                continue
            ref = row.cell_ref(next(j for j, text in own(row) if j > i and text))
            written = _VALUE_UNIT.match(fold_width_text(cell.strip()))
            value = figure_value(written.group(1) if written else cell)
            if value is None or value != value:  # a header row (预算数(A) | 执行数(B) | 执行率(B/A)): no pair
                break
            money[name] = _money_cell(name, cell.strip(), ref, file)
        if money.keys() == FUNDING_PAIRS.keys() and money["budget_full"][0] is not None:
            project["_money"] = money
            return


_AMOUNTS = ("budget_initial", "budget_full", "executed")


def _funding(rows: list[Row], r: int, funding: dict[str, int], file: str, project: dict) -> None:
    at = next(
        (i for i in range(r + 1, len(rows)) if any(key(c) in FUNDING_TOTAL_ROWS for _, c in own(rows[i]) if c)), -1
    )
    if at < 0:
        raise InputError(file, rows[r].ref, "资金表缺少“年度资金总额”行")
    money = _money_row(rows[at], funding, file)
    # a total row left at 0 (or empty) over parts that hold money (其中：本年财政拨款 90 …) was not filled in:
    # the total is the sum of its parts (年度资金总额 = 财政拨款 + 上年结转 + 其他资金), where they share a unit
    parts = []
    for row in rows[at + 1 :]:
        cells = [c for _, c in own(row) if c]
        if not cells or key(cells[0]) not in FUNDING_PART_ROWS:
            break
        parts.append(_money_row(row, {n: i for n, i in funding.items() if n in _AMOUNTS}, file))
    for name in (n for n in _AMOUNTS if n in money):
        written = [p[name] for p in parts if p[name][0]]
        if not money[name][0] and written and len({unit for _, unit, _, _ in written}) == 1:
            text = "+".join(cell for _, _, cell, _ in written)
            money[name] = (sum(v for v, _, _, _ in written), written[0][1], text, written[0][3])
    project["_money"] = money


def _money_row(row: Row, funding: dict[str, int], file: str) -> dict[str, tuple]:
    """The figures of a money row under the funding columns (see :func:`_money_cell`)."""
    return {
        name: _money_cell(
            name,
            row.cells[index].strip() if index < len(row.cells) and not row.is_side(index) else "",
            row.cell_ref(index),
            file,
        )
        for name, index in funding.items()
    }


def _money_cell(name: str, cell: str, ref: str, file: str) -> tuple[float | None, str | None, str, str]:
    """(figure, its own money unit or None, the cell, its place) of a funding cell."""
    if name in _AMOUNTS and (m := _VALUE_UNIT.match(fold_width_text(cell))):
        unit = "万元" if m.group(2) == "万" else m.group(2)
        return figure(m.group(1), FUNDING_HEADERS[name][0], file, ref), unit, cell, ref
    return figure(cell, FUNDING_HEADERS[name][0], file, ref), None, cell, ref


def _money(project: dict, scale: float, statement: tuple[str, str, str] | None, file: str) -> None:
    """The budget figures in 万元: by their own unit where written (12万元), else by the table's."""
    for name, (value, unit, text, ref) in project.pop("_money", {}).items():
        if name not in ("budget_initial", "budget_full", "executed"):
            project[name] = value
            continue
        if unit is not None and statement is not None and unit != statement[0]:
            raise InputError(
                file,
                ref,
                f"金额单位不一致：“{statement[1]}”（{statement[2]}）与“{text}”（{ref}）所写单位不同，无法换算",
            )
        factor = MONEY_TO_WAN[unit] if unit is not None else scale
        project[name] = round(value * factor, 6) if value is not None else None


def _department_wide(table: Table) -> bool:
    """Whether the form is a department's whole (部门整体) self-evaluation: its title, the text above
    or a cell says so (see :mod:`perfkit.load.layout.department`)."""
    texts = [table.title or "", table.context or "", *(c for row in table.rows for c in row.cells)]
    return any(DEPARTMENT_WIDE in "".join(t.split()) for t in texts)


def read_selfeval(table: Table, file: str) -> tuple[dict, list[dict]]:
    """A project record (funding, goals, self total, unfilled template rows) and its indicator rows from
    ``table`` (one form: see :func:`split_forms`).

    A unit without a six-digit code keeps ``unit_code`` empty. Budget figures are in 万元.
    """
    project: dict = {"project_name": None, "unit_code": "", "unit_name": None}
    at, columns, first = find_header(table.rows)
    title = table.title or ""
    _project_part(table.rows[: at if at >= 0 else len(table.rows)], file, project)
    if at < 0:
        raise InputError(
            file,
            table.ref,
            f"自评表“{title or project['project_name']}”没有绩效指标表头（一级指标…实际完成值），表格不完整",
        )
    if not project["project_name"] and _department_wide(table):
        project["project_name"] = department_name(project["unit_name"])
    if not project["project_name"]:
        raise InputError(file, table.ref, "自评表中未找到项目名称")
    _money(project, *_scale(table, table.rows[:at], file), file)
    header = table.rows[at]
    levelless = "level1" not in columns  # a list without level columns (find_header took it as one)
    missing = [INDICATOR_HEADERS[n][0] for n in REQUIRED if n not in columns and not (levelless and n == "level1")]
    if missing:
        raise InputError(file, header.ref, f"绩效指标表头缺少列：{'、'.join(missing)}")
    indicators, totals, unfilled_rows = indicator_rows(table.rows[first:], columns, len(header.cells), file)
    if not indicators:
        raise InputError(file, header.ref, f"自评表“{project['project_name']}”的表头之后没有指标行，表格不完整")
    year = YEAR.search(project["project_name"]) or YEAR.search(title) or YEAR.search(" ".join(table.rows[0].cells))
    project |= {
        "year": int(year.group(1)) if year else None,
        "self_total": self_total(totals, indicators, project),
        "source_ref": table.ref,
        "selfeval_unfilled_rows": unfilled_rows,
        "selfeval_unreadable": [part for record in indicators for part in record.pop("_unreadable", [])],
    }
    return project, indicators
