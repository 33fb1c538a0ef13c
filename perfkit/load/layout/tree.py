"""Tree exports: a budget system's target tables as one indented column.

Some systems export a unit's approved targets as three columns, 项目 | 指标值 | 绩效金额, where the
unit, its projects, the level-1 groups, the level-2 kinds and the indicators follow one another
in the 项目 column, told apart only by their indentation::

     某中心
      某项目                                    |       | 3000000
       产出指标
        数量指标(必填硬性指标)
         疫苗使用率                              | 100%  |

The indentation is often lost on the way (a web page collapses it), so the rows are told apart
by their labels and values, never by counting spaces: the level-1 groups and level-2 kinds of the
indicator system by their labels (:data:`~perfkit.load.layout.labels.LEVEL1_OF_LEVEL2`); a row
with a 绩效金额 is a project, that amount its budget; a row with a 指标值, or under a level-2 kind
without one, is an indicator; a row with neither that comes before the levels or right above a
project is the unit. :func:`flat_from_tree` rewrites such a table as a flat table (one row per
indicator), which the flat reader then reads like any export, its money scale included.
"""

from __future__ import annotations

from perfkit.load.layout.labels import LEVEL1_OF_LEVEL2, TREE_COLUMNS, label_key

_LEVEL1 = frozenset(LEVEL1_OF_LEVEL2.values())
FLAT_HEADER = ["单位名称", "项目名称", "预算数", "一级指标", "二级指标", "三级指标", "指标值"]
_HEADER_ROWS = 5  # the header is among a table's first rows


def flat_from_tree(rows: list[list[str]]) -> list[list[str]] | None:
    """``rows`` (a table at full grid width) as a flat table with :data:`FLAT_HEADER`, one row per
    indicator; None when no row among the first is the tree's header (项目 | 指标值 | 绩效金额), or
    when no indicator is under it."""
    at = next((i for i, row in enumerate(rows[:_HEADER_ROWS]) if _columns(row) is not None), None)
    if at is None:
        return None
    item, target, money = _columns(rows[at])  # type: ignore[misc]
    nodes = [(text, cell(row, target), cell(row, money)) for row in rows[at + 1 :] if (text := cell(row, item))]
    flat = [FLAT_HEADER]
    unit = project = budget = level1 = level2 = ""
    for n, (text, value, amount) in enumerate(nodes):
        key = label_key(text)
        if key in _LEVEL1:
            level1, level2 = key, ""
        elif key in LEVEL1_OF_LEVEL2:
            level2 = key
        elif amount:  # a project, its 绩效金额 the budget
            project, budget, level1, level2 = text, amount, "", ""
        elif value or (level2 and not (n + 1 < len(nodes) and nodes[n + 1][2])):
            flat.append([unit, project, budget, level1, level2, text, value])  # an indicator (its 指标值 may be empty)
        else:  # above a project, or before any level: the unit
            unit, project, budget, level1, level2 = text, "", "", "", ""
    return flat if len(flat) > 1 else None  # a header with no indicator under it is no table


def cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _columns(row: list[str]) -> tuple[int, int, int] | None:
    """The positions of the tree's item, target and money columns when ``row`` is its header."""
    keys = [label_key(cell) for cell in row]
    found = [next((i for i, k in enumerate(keys) if k in labels), None) for labels in TREE_COLUMNS]
    if None in found or len({k for k in keys if k}) != len(found):
        return None
    return found[0], found[1], found[2]  # type: ignore[return-value]
