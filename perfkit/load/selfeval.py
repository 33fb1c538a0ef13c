"""Read one 项目支出绩效自评表 (self-evaluation), given as rows of cells, into records.

The layout (财预〔2020〕10号 annex): 项目名称 and 实施单位 label rows; a funding block whose header
holds 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 and whose 年度资金总额 row holds the
figures; 年度总体目标 with 预期目标 / 实际完成情况; then the indicator header 一级指标 … 年度指标值 |
实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施, one row per indicator, and the 总分 row.
Word text exports, ``.docx`` and worksheets all reduce to this shape (see :mod:`perfkit.load.table`).
"""

from __future__ import annotations

from perfkit.errors import InputError
from perfkit.load.table import UNIT_CELL, YEAR, Row, Table, figure
from perfkit.text import fold_width_text, squash

INDICATOR_HEADERS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标",),
    "target_raw": ("年度指标值", "指标值"),
    "actual_raw": ("实际完成值", "全年实际值", "实际值"),
    "weight_given": ("分值",),
    "self_score": ("得分",),
    "deviation_reason": ("偏差原因分析及改进措施", "偏差原因分析", "偏差原因"),
}
_REQUIRED = ("level1", "name", "actual_raw")
FUNDING_HEADERS = {
    "budget_initial": ("年初预算数",),
    "budget_full": ("全年预算数",),
    "executed": ("全年执行数",),
    "execution_weight_given": ("分值",),
    "self_execution_score": ("得分",),
}


def is_selfeval(table: Table) -> bool:
    """Whether ``table`` is a self-evaluation (it has an 实际完成值 column)."""
    return any(squash(c) in INDICATOR_HEADERS["actual_raw"] for row in table.rows for c in row.cells)


def _positions(row: Row, labels: dict[str, tuple[str, ...]]) -> dict[str, int]:
    keys = [squash(c) for c in row.cells]
    found = {}
    for name, accepted in labels.items():
        index = next((i for i, k in enumerate(keys) if k in accepted), None)
        if index is not None:
            found[name] = index
    return found


def _next_text(cells: list[str], index: int) -> str:
    return next((c.strip() for c in cells[index + 1 :] if c.strip()), "")


def read_selfeval(table: Table, file: str) -> tuple[dict, list[dict]]:
    """A project record (funding, goals, self total) and its indicator rows from ``table``."""
    project: dict = {"project_name": None, "unit_code": None, "unit_name": None}
    header_at = None
    for i, row in enumerate(table.rows):
        keys = [squash(c) for c in row.cells]
        if "一级指标" in keys and set(keys) & set(INDICATOR_HEADERS["actual_raw"]):
            header_at = i
            break
        for j, key in enumerate(keys):
            if key == "项目名称" and not project["project_name"]:
                project["project_name"] = _next_text(row.cells, j)
            elif key in ("实施单位", "预算单位", "单位名称") and (
                m := UNIT_CELL.match(fold_width_text(_next_text(row.cells, j)))
            ):
                project["unit_code"], project["unit_name"] = m.group(1), m.group(2).strip()
        if "全年预算数" in keys:
            funding = _positions(row, FUNDING_HEADERS)
            total_row = next((r for r in table.rows[i + 1 :] if any("资金总额" in squash(c) for c in r.cells)), None)
            if total_row is None:
                raise InputError(file, row.ref, "资金表缺少“年度资金总额”行")
            for name, index in funding.items():
                cell = total_row.cells[index] if index < len(total_row.cells) else ""
                project[name] = figure(cell, FUNDING_HEADERS[name][0], file, total_row.cell_ref(index))
        if "预期目标" in keys and i + 1 < len(table.rows):
            values = [c.strip() for c in table.rows[i + 1].cells if c.strip()]
            project["goal_expected"], project["goal_actual"] = [*values, "", ""][:2]
    title = table.title or ""
    if header_at is None:
        raise InputError(
            file,
            table.ref,
            f"自评表“{title or project['project_name']}”没有绩效指标表头（一级指标…实际完成值），表格不完整",
        )
    if not project["project_name"]:
        raise InputError(file, table.ref, "自评表中未找到项目名称")
    if not project["unit_code"]:
        raise InputError(file, table.ref, f"自评表“{project['project_name']}”的实施单位没有六位单位编码")
    header = table.rows[header_at]
    columns = _positions(header, INDICATOR_HEADERS)
    missing = [INDICATOR_HEADERS[n][0] for n in _REQUIRED if n not in columns]
    if missing:
        raise InputError(file, header.ref, f"绩效指标表头缺少列：{'、'.join(missing)}")
    width = len(header.cells)
    indicators, self_total = [], None
    for row in table.rows[header_at + 1 :]:
        if squash(row.cells[0]) == "总分":
            scores = [c for c in row.cells[1:] if squash(c)]
            self_total = figure(scores[-1], "总分", file, row.ref) if scores else None
            break
        if len(row.cells) != width:
            raise InputError(file, row.ref, f"指标行有{len(row.cells)}个单元格，表头有{width}个")
        record = {name: row.cells[i].strip() for name, i in columns.items()} | {"source_ref": row.ref}
        for name in ("weight_given", "self_score"):
            if name in columns:
                record[name] = figure(
                    row.cells[columns[name]], INDICATOR_HEADERS[name][0], file, row.cell_ref(columns[name])
                )
        indicators.append(record)
    if not indicators:
        raise InputError(file, header.ref, f"自评表“{project['project_name']}”的表头之后没有指标行，表格不完整")
    year = YEAR.search(project["project_name"]) or YEAR.search(title) or YEAR.search(" ".join(table.rows[0].cells))
    project |= {"year": int(year.group(1)) if year else None, "self_total": self_total, "source_ref": table.ref}
    return project, indicators
