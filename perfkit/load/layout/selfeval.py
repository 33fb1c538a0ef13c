"""Read one 项目支出绩效自评表 (self-evaluation), given as grid rows, into records — by labels.

Layouts (labels in :data:`SELFEVAL_LABELS`, data like :mod:`perfkit.load.layout.labels`): the
财预〔2020〕10号 template (项目资金（万元） merged over two columns | 年初预算数 | 全年预算数 | 全年执行数 |
分值 | 执行率 | 得分, rows 年度资金总额 / 其中：当年财政拨款 …; 年度总体目标 预期目标 | 实际完成情况;
一级指标 … 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施; 总分), the Sichuan form (年初预算 |
调整后预算数 | 预算执行数 | 权重 | 得分 with rows 总额 / 其中:财政资金 …; 项目年度目标 | 年度目标完成情况;
指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析; 合计), two-row headers (年度指标值 over
指标性质 | 指标值 | 度量单位), points in level-1 cells (产出指标(50分)), and transfer-payment forms without
分值 and 得分 (全年预算数(A) | 全年执行数(B); 年度指标值 | 全年完成值 | 未完成原因和改进措施).
Positions are grid columns: a merged cell is read at its first column only.
"""

from __future__ import annotations

import re

from perfkit.errors import InputError
from perfkit.load.layout.grid import Row, Table
from perfkit.load.layout.labels import CLOSING_LABELS, label_key
from perfkit.load.layout.table import UNIT_CELL, YEAR, figure
from perfkit.text import MONEY_SCALE, MONEY_TO_WAN, OP_SYMBOLS, fold_width_text

INDICATOR_HEADERS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标内容", "指标名称"),
    "target_raw": ("年度指标值", "指标值", "全年指标值"),
    "target_op": ("指标性质",),
    "target_unit": ("度量单位", "计量单位"),
    "actual_raw": ("实际完成值", "全年实际值", "实际值", "完成值", "全年完成值"),
    "weight_given": ("分值", "权重"),
    "self_score": ("得分",),
    "deviation_reason": (
        "偏差原因分析及改进措施",
        "偏差原因分析",
        "偏差原因",
        "未完成原因分析",
        "未完成原因和改进措施",
        "原因分析",
    ),
}
_REQUIRED = ("level1", "name", "actual_raw")
FUNDING_HEADERS = {
    "budget_initial": ("年初预算数", "年初预算"),
    "budget_full": ("全年预算数", "调整后预算数", "调整后预算"),
    "executed": ("全年执行数", "预算执行数", "执行数"),
    "execution_weight_given": ("分值", "权重"),
    "self_execution_score": ("得分",),
}
FUNDING_TOTAL_ROWS = ("年度资金总额", "资金总额", "总额", "合计")
UNIT_LABELS = ("实施单位", "预算单位", "单位名称", "项目单位")
GOAL_EXPECTED = ("预期目标", "项目年度目标", "年度目标")
GOAL_ACTUAL = ("实际完成情况", "年度目标完成情况", "实际完成")
SELFEVAL_LABELS = {"indicators": INDICATOR_HEADERS, "funding": FUNDING_HEADERS}
_KEY_OF = {
    kind: {label_key(lb): f for f, labels in spec.items() for lb in labels} for kind, spec in SELFEVAL_LABELS.items()
}
_ALL_LABELS = {*_KEY_OF["indicators"], *_KEY_OF["funding"], *UNIT_LABELS, *GOAL_EXPECTED, *GOAL_ACTUAL,
               "项目名称", "主管部门", "年度总体目标", "报表编号", "项目资金", "预算执行情况", "年度预算数"}  # fmt: skip
# a project code in front of the name: 51000021R000000019951-工资性支出
_CODE_PREFIX = re.compile(r"^[0-9A-Za-z]{8,}\s*[-－—–]\s*")
_POINTS = re.compile(r"[（(]\s*([0-9]+(?:\.[0-9]+)?)\s*分\s*[）)]\s*$")
_QUALITATIVE = ("定性", "qualitative")


def is_selfeval(table: Table) -> bool:
    """Whether ``table`` is a self-evaluation (it has a column of actual values such as 实际完成值)."""
    actual = {label_key(lb) for lb in INDICATOR_HEADERS["actual_raw"]}
    return any(label_key(c) in actual for row in table.rows for c in row.cells)


def _own(row: Row) -> list[tuple[int, str]]:
    """The (grid column, stripped text) of each cell that starts in this row."""
    return [(i, c.strip()) for i, c in enumerate(row.cells) if not row.is_continued(i)]


def _columns(row: Row, kind: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, text in _own(row):
        name = _KEY_OF[kind].get(label_key(text))
        if name is not None and name not in found:
            found[name] = i
    return found


def _beside(row: Row, index: int) -> str | None:
    """The first non-empty cell after ``index`` in the row that is not a label, or None when a label
    (or nothing) comes first."""
    for i, text in _own(row):
        if i <= index or not text:
            continue
        return None if label_key(text) in _ALL_LABELS else text
    return None


def _value(rows: list[Row], r: int, index: int) -> str:
    """The value of the label at (r, index): beside it, else the cell right below it."""
    beside = _beside(rows[r], index)
    if beside is not None:
        return beside
    if r + 1 < len(rows) and index < len(rows[r + 1].cells) and not rows[r + 1].is_continued(index):
        below = rows[r + 1].cells[index].strip()
        if label_key(below) not in _ALL_LABELS:
            return below
    return ""


def _scale(table: Table, rows: list[Row]) -> float:
    """万元 per money unit of the table: ``单位：元`` in a cell, a unit in a label's brackets, or
    ``单位：…`` in the title or the paragraphs above; 万元 when none is written."""
    texts = [c for row in rows for _, c in _own(row)]
    for text in reversed(texts):
        if m := re.search(MONEY_SCALE, "".join(fold_width_text(text).split())):
            return MONEY_TO_WAN[m.group(1)]
    for text in texts:
        if label_key(text) in _ALL_LABELS and (m := re.search(r"[（(](万元|千元|亿元|元)[）)]", fold_width_text(text))):
            return MONEY_TO_WAN[m.group(1)]
    if m := re.search(MONEY_SCALE, "".join(f"{table.title}\n{table.context}".split())):
        return MONEY_TO_WAN[m.group(1)]
    return 1.0


def _project_part(rows: list[Row], file: str, project: dict) -> None:
    for r, row in enumerate(rows):
        for i, text in _own(row):
            key = label_key(text)
            if key == "项目名称" and not project["project_name"]:
                project["project_name"] = _CODE_PREFIX.sub("", _value(rows, r, i))
            elif key in UNIT_LABELS and project["unit_name"] is None:
                value = _value(rows, r, i)
                if m := UNIT_CELL.match(fold_width_text(value)):
                    project["unit_code"], project["unit_name"] = m.group(1), m.group(2).strip()
                elif value:
                    project["unit_name"] = value
            elif key in GOAL_EXPECTED and "goal_expected" not in project:
                project["goal_expected"] = _value(rows, r, i)
            elif key in GOAL_ACTUAL and "goal_actual" not in project:
                project["goal_actual"] = _value(rows, r, i)
        funding = _columns(row, "funding")
        if "budget_full" in funding and not project.get("_funded"):
            _funding(rows, r, funding, file, project)
            project["_funded"] = True
    project.pop("_funded", None)


def _funding(rows: list[Row], r: int, funding: dict[str, int], file: str, project: dict) -> None:
    total = next((row for row in rows[r + 1 :] if any(label_key(c) in FUNDING_TOTAL_ROWS for _, c in _own(row))), None)
    if total is None:
        raise InputError(file, rows[r].ref, "资金表缺少“年度资金总额”行")
    for name, index in funding.items():
        cell = total.cells[index] if index < len(total.cells) and not total.is_side(index) else ""
        project[name] = figure(cell, FUNDING_HEADERS[name][0], file, total.cell_ref(index))


def _header(rows: list[Row]) -> tuple[int, dict[str, int], int]:
    """The indicator header's row, its columns, and the first row under it (after a second header row)."""
    actual = {label_key(lb) for lb in INDICATOR_HEADERS["actual_raw"]}
    for r, row in enumerate(rows):
        keys = {label_key(c) for _, c in _own(row)}
        if "一级指标" in keys and keys & actual:
            columns = _columns(row, "indicators")
            if r + 1 < len(rows):
                sub = rows[r + 1]
                under = {
                    f: i
                    for f, i in _columns(sub, "indicators").items()
                    if f in ("target_op", "target_raw", "target_unit")
                }
                if under and any(sub.is_continued(i) for i in range(len(sub.cells))):
                    columns = {f: i for f, i in columns.items() if i not in under.values()} | under
                    return r, columns, r + 2
            return r, columns, r + 1
    return -1, {}, -1


def read_selfeval(table: Table, file: str) -> tuple[dict, list[dict]]:
    """A project record (funding, goals, self total) and its indicator rows from ``table``.

    A unit without a six-digit code keeps ``unit_code`` empty. Budget figures are in 万元.
    """
    project: dict = {"project_name": None, "unit_code": "", "unit_name": None}
    at, columns, first = _header(table.rows)
    title = table.title or ""
    _project_part(table.rows[: at if at >= 0 else len(table.rows)], file, project)
    if at < 0:
        raise InputError(
            file,
            table.ref,
            f"自评表“{title or project['project_name']}”没有绩效指标表头（一级指标…实际完成值），表格不完整",
        )
    if not project["project_name"]:
        raise InputError(file, table.ref, "自评表中未找到项目名称")
    scale = _scale(table, table.rows[:at])
    for name in ("budget_initial", "budget_full", "executed"):
        if project.get(name) is not None:
            project[name] = round(project[name] * scale, 6)
    header = table.rows[at]
    missing = [INDICATOR_HEADERS[n][0] for n in _REQUIRED if n not in columns]
    if missing:
        raise InputError(file, header.ref, f"绩效指标表头缺少列：{'、'.join(missing)}")
    indicators, self_total = _indicator_rows(table.rows[first:], columns, len(header.cells), file)
    if not indicators:
        raise InputError(file, header.ref, f"自评表“{project['project_name']}”的表头之后没有指标行，表格不完整")
    year = YEAR.search(project["project_name"]) or YEAR.search(title) or YEAR.search(" ".join(table.rows[0].cells))
    project |= {"year": int(year.group(1)) if year else None, "self_total": self_total, "source_ref": table.ref}
    return project, indicators


def _indicator_rows(rows: list[Row], columns: dict[str, int], width: int, file: str) -> tuple[list[dict], float | None]:
    indicators: list[dict] = []
    self_total = None
    points: dict[str, float] = {}
    for row in rows:
        own = [(i, c) for i, c in _own(row) if c]
        if own and label_key(own[0][1]) in CLOSING_LABELS:
            if label_key(own[0][1]) in ("总分", "合计", "总计"):
                scores = [c for i, c in own[1:]]
                self_total = figure(scores[-1], "总分", file, row.ref) if scores else None
            break
        if not own:
            continue
        if len(row.cells) != width:
            raise InputError(file, row.ref, f"指标行有{len(row.cells)}个单元格，表头有{width}个")
        record = {name: _cell(row, i) for name, i in columns.items()} | {"source_ref": row.ref}
        if m := _POINTS.search(record.get("level1") or ""):
            record["level1"] = record["level1"][: m.start()].strip()
            points[record["level1"]] = float(m.group(1))
        if "target_op" in record:
            record["target_raw"] = _joined(
                record.pop("target_op"), record.get("target_raw"), record.pop("target_unit", "")
            )
        record.pop("target_unit", None)
        for name in ("weight_given", "self_score"):
            if name in columns:
                record[name] = figure(
                    row.cells[columns[name]], INDICATOR_HEADERS[name][0], file, row.cell_ref(columns[name])
                )
        indicators.append(record)
    _group_points(indicators, points)
    return indicators, self_total


def _cell(row: Row, index: int) -> str:
    """A cell's text at a grid column; a position continuing a cell from its left reads empty."""
    return "" if row.is_side(index) else row.cells[index].strip()


def _joined(op: str, value: str | None, unit: str) -> str:
    """指标性质 | 指标值 | 度量单位 back as one cell (``﹦``/``＝`` read as ``=``; 定性 keeps the text)."""
    if not value or op in _QUALITATIVE:
        return value or ""
    folded = "".join(fold_width_text(op.replace("﹦", "=")).split())
    return f"{OP_SYMBOLS.get(folded, '')}{value}{unit or ''}"


def _group_points(indicators: list[dict], points: dict[str, float]) -> None:
    """Points written in a level-1 cell (产出指标(50分)) are split equally over the group's
    indicators that carry no 分值 of their own."""
    level1 = ""
    for record in indicators:
        level1 = record.get("level1") or level1
        record["_group"] = level1
    for group, total in points.items():
        members = [r for r in indicators if r["_group"] == group]
        if members and all(r.get("weight_given") is None for r in members):
            for record in members:
                record["weight_given"] = round(total / len(members), 6)
    for record in indicators:
        del record["_group"]
