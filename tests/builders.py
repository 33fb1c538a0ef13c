"""Build input files (docx, xlsx, csv) from an expected-table description.

The tests describe the expected tables once (``tests/seed_expected.py``:
``PROJECTS`` and ``INDICATORS``) and use these builders to render the same
content in every input format, so each loader can be checked against the
same expected tables.

Input description::

    PROJECTS = [dict(unit_code="562202", unit_name="...", year=2025,
                     project_name="...", budget_total=5.0, budget_fiscal=5.0,
                     budget_other=0.0, purpose="...", goal_text="1.a\\n2.b"), ...]
    # (project_no, seq, level1, level2, name, description,
    #  target_raw, target_op, target_value, target_unit, target_kind)
    INDICATORS = [(1, 1, "产出指标", "数量指标", "公益活动场次", "公益活动场次",
                   "≥26场", ">=", 26.0, "场", "quantitative"), ...]

``project_no`` is a 1-based index into ``PROJECTS``.  Only ``target_raw`` and
``target_kind`` are used to write targets; the normalised ``target_op``,
``target_value`` and ``target_unit`` are never written (the written unit is
taken from ``target_raw``).
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

Project = Mapping[str, Any]
Indicator = Sequence[Any]

__all__ = [
    "DOCX_BUDGET_FISCAL_LABEL",
    "DOCX_BUDGET_LABEL",
    "DOCX_BUDGET_OTHER_LABEL",
    "DOCX_BUDGET_TOTAL_LABEL",
    "DOCX_GOAL_LABEL",
    "DOCX_INDICATOR_HEADER",
    "DOCX_PROJECT_NAME_LABEL",
    "DOCX_UNIT_LABEL",
    "FLAT_HEADERS",
    "QUALITATIVE_MARK",
    "flat_headers",
    "flat_rows",
    "indicators_by_project",
    "split_target_raw",
    "write_docx",
    "write_flat",
]

# Fixed texts of the Word layout.
DOCX_UNIT_LABEL = "单位：万元"
DOCX_PROJECT_NAME_LABEL = "项目名称"
DOCX_BUDGET_LABEL = "预算规模及资金用途"
DOCX_BUDGET_TOTAL_LABEL = "预算数"
DOCX_BUDGET_FISCAL_LABEL = "其中：财政资金"
DOCX_BUDGET_OTHER_LABEL = "其他资金"
DOCX_GOAL_LABEL = "绩效目标"
DOCX_INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值")

# Value written in the 指标性质 / target_op column for qualitative targets.
QUALITATIVE_MARK = "定性"

_PROJECT_HEADERS = {
    "zh": [
        "单位编码",
        "单位名称",
        "年度",
        "项目名称",
        "预算数",
        "财政资金",
        "其他资金",
        "资金用途",
        "绩效目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "绩效指标描述",
    ],
    "en": [
        "unit_code",
        "unit_name",
        "year",
        "project_name",
        "budget_total",
        "budget_fiscal",
        "budget_other",
        "purpose",
        "goal_text",
        "level1",
        "level2",
        "name",
        "description",
    ],
}
_TARGET_HEADERS = {
    ("zh", "inline"): ["指标值"],
    ("zh", "split"): ["指标性质", "指标值", "度量单位"],
    ("en", "inline"): ["target_raw"],
    ("en", "split"): ["target_op", "target_value", "target_unit"],
}

#: Column headers of the flat layouts, keyed by (headers, layout).
FLAT_HEADERS: dict[tuple[str, str], list[str]] = {
    key: _PROJECT_HEADERS[key[0]] + cols for key, cols in _TARGET_HEADERS.items()
}

_PROJECT_KEYS = (
    "unit_code",
    "unit_name",
    "year",
    "project_name",
    "budget_total",
    "budget_fiscal",
    "budget_other",
    "purpose",
    "goal_text",
)

# First number in a target cell: optional sign, optional thousands separators,
# optional decimal part.
_NUMBER_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


# --------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------


def indicators_by_project(projects: Sequence[Project], indicators: Sequence[Indicator]) -> list[list[Indicator]]:
    """Group indicator tuples per project (1-based ``project_no``), sorted by seq.

    Returns one list per project, in ``projects`` order.  Raises ``ValueError``
    for a ``project_no`` outside ``1..len(projects)``.
    """
    groups: list[list[Indicator]] = [[] for _ in projects]
    for ind in indicators:
        project_no = int(ind[0])
        if not 1 <= project_no <= len(projects):
            raise ValueError(f"indicator {tuple(ind)!r}: project_no out of range")
        groups[project_no - 1].append(ind)
    for group in groups:
        group.sort(key=lambda ind: ind[1])
    return groups


def split_target_raw(target_raw: str, target_kind: str) -> tuple[str, str, str]:
    """Split a target cell as written into (comparator, number text, unit).

    For a quantitative target the comparator is everything before the first
    number and the unit everything after it, both verbatim, so
    ``op + number + unit == target_raw`` always holds, e.g.
    ``"≥95百分比" -> ("≥", "95", "百分比")``, ``"≤203万" -> ("≤", "203", "万")``,
    ``"3200人" -> ("", "3200", "人")``.
    For a qualitative target (``target_kind == "qualitative"``) returns
    ``(QUALITATIVE_MARK, target_raw, "")``.
    Raises ``ValueError`` for a quantitative target without a number.
    """
    if target_kind == "qualitative" or (target_kind == "deadline" and _NUMBER_RE.search(target_raw) is None):
        return QUALITATIVE_MARK, target_raw, ""
    match = _NUMBER_RE.search(target_raw)
    if match is None:
        raise ValueError(f"quantitative target without a number: {target_raw!r}")
    return target_raw[: match.start()], match.group(), target_raw[match.end() :]


def _number_cell(number_text: str) -> int | float:
    """Number text as written -> int when it has no decimal part, else float."""
    plain = number_text.replace(",", "")
    return float(plain) if "." in plain else int(plain)


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)!r}, got {value!r}")


# --------------------------------------------------------------------------
# Word
# --------------------------------------------------------------------------


def _format_budget(value: float | None) -> str:
    """Budget as the documents print it: two decimals, empty for 0 / None."""
    if value is None or float(value) == 0.0:
        return ""
    return f"{float(value):.2f}"


def _set_cell_text(cell: Any, text: str | None) -> None:
    """Write ``text`` into a (possibly merged) cell, one paragraph per line."""
    lines = ("" if text is None else str(text)).split("\n")
    # A fresh or freshly merged cell holds exactly one empty paragraph.
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    first = cell.paragraphs[0]
    for run in list(first.runs):
        run._element.getparent().remove(run._element)
    first.add_run(lines[0])
    for line in lines[1:]:
        cell.add_paragraph(line)


def _add_project_table(document: Any, project: Project, rows: Sequence[Indicator]) -> None:
    table = document.add_table(rows=7 + len(rows), cols=5)
    with contextlib.suppress(KeyError, ValueError):  # template without the style
        table.style = "Table Grid"
    cell = table.cell

    # Row 0: unit code + name over cols 0-2, unit label over cols 3-4.
    _set_cell_text(cell(0, 0).merge(cell(0, 2)), f"{project['unit_code']}{project['unit_name']}")
    _set_cell_text(cell(0, 3).merge(cell(0, 4)), DOCX_UNIT_LABEL)

    # Row 1: project name.
    _set_cell_text(cell(1, 0), DOCX_PROJECT_NAME_LABEL)
    _set_cell_text(cell(1, 1).merge(cell(1, 4)), project["project_name"])

    # Rows 2-4: budget block, label merged vertically over the three rows.
    _set_cell_text(cell(2, 1), DOCX_BUDGET_TOTAL_LABEL)
    _set_cell_text(cell(2, 2), _format_budget(project.get("budget_total")))
    _set_cell_text(cell(2, 3), DOCX_BUDGET_FISCAL_LABEL)
    _set_cell_text(cell(2, 4), _format_budget(project.get("budget_fiscal")))
    _set_cell_text(cell(3, 1), DOCX_BUDGET_OTHER_LABEL)
    _set_cell_text(cell(3, 2), _format_budget(project.get("budget_other")))
    _set_cell_text(cell(4, 1).merge(cell(4, 4)), project.get("purpose") or "")
    _set_cell_text(cell(2, 0).merge(cell(4, 0)), DOCX_BUDGET_LABEL)

    # Row 5: performance goal, one paragraph per line.
    _set_cell_text(cell(5, 0), DOCX_GOAL_LABEL)
    _set_cell_text(cell(5, 1).merge(cell(5, 4)), project.get("goal_text") or "")

    # Row 6: indicator header.
    for col, text in enumerate(DOCX_INDICATOR_HEADER):
        _set_cell_text(cell(6, col), text)

    # Rows 7..: indicators; level1 merged vertically over runs of equal values.
    first_row = 7
    for offset, ind in enumerate(rows):
        r = first_row + offset
        for col, value in enumerate((ind[3], ind[4], ind[5], ind[6]), start=1):
            _set_cell_text(cell(r, col), value)
    start = 0
    while start < len(rows):
        end = start
        while end + 1 < len(rows) and rows[end + 1][2] == rows[start][2]:
            end += 1
        top = cell(first_row + start, 0)
        if end > start:
            top = top.merge(cell(first_row + end, 0))
        _set_cell_text(top, rows[start][2])
        start = end + 1


def write_docx(path: str | Path, projects: Sequence[Project], indicators: Sequence[Indicator]) -> Path:
    """Write a Word document with one performance target table per project.

    Each table is preceded by a heading paragraph (style "Heading 2")
    ``"{i}.{project_name}绩效目标表"`` (``i`` 1-based).  Table layout, 5 grid
    columns (``|`` = cell boundary, ``<-`` = horizontal merge, ``^`` =
    vertical merge continuation)::

        0  unit_code+unit_name <- <-       | 单位：万元 <-
        1  项目名称         | project_name <- <- <-
        2  预算规模及资金用途 | 预算数 | total | 其中：财政资金 | fiscal
        3  ^                | 其他资金 | other | "" | ""
        4  ^                | purpose <- <- <-
        5  绩效目标          | goal_text <- <- <-   (one paragraph per line)
        6  一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值
        7+ level1 (^ over equal runs) | level2 | name | description | target_raw

    Budgets are written with two decimals; 0.0 / None is an empty cell.
    """
    from docx import Document

    path = Path(path)
    document = Document()
    for i, (project, rows) in enumerate(
        zip(projects, indicators_by_project(projects, indicators), strict=True), start=1
    ):
        document.add_heading(f"{i}.{project['project_name']}绩效目标表", level=2)
        _add_project_table(document, project, rows)
        document.add_paragraph("")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


# --------------------------------------------------------------------------
# flat tables (xlsx / csv)
# --------------------------------------------------------------------------


def flat_headers(*, layout: str = "inline", headers: str = "zh") -> list[str]:
    """Column headers :func:`write_flat` uses for ``layout`` and ``headers``."""
    _check_choice("layout", layout, ("inline", "split"))
    _check_choice("headers", headers, ("zh", "en"))
    return list(FLAT_HEADERS[(headers, layout)])


def flat_rows(
    projects: Sequence[Project],
    indicators: Sequence[Indicator],
    *,
    layout: str = "inline",
    typed: bool = True,
    blank_repeated_level1: bool = False,
) -> list[list[Any]]:
    """Data rows (no header) of the flat layout, one row per indicator.

    ``typed=True`` gives Python numbers for year, budgets and the split target
    number (what goes into xlsx); ``typed=False`` gives strings (what goes into
    csv).  A project without indicators yields one row with empty indicator
    columns.  ``blank_repeated_level1`` empties level1 on rows continuing the
    level1 of the previous row of the same project.
    """
    _check_choice("layout", layout, ("inline", "split"))
    out: list[list[Any]] = []
    for project, rows in zip(projects, indicators_by_project(projects, indicators), strict=True):
        base = [project.get(key) for key in _PROJECT_KEYS]
        base[0] = str(base[0])  # unit_code is always text
        if typed:
            base[2] = int(base[2])
            base[4:7] = [None if v is None else float(v) for v in base[4:7]]
        else:
            base[2] = str(base[2])
            base[4:7] = ["" if v is None else f"{float(v):.2f}" for v in base[4:7]]
        base = ["" if v is None and not typed else v for v in base]
        if not rows:
            n_target = 1 if layout == "inline" else 3
            out.append(base + [""] * (4 + n_target))
            continue
        previous_level1: Any = object()
        for ind in rows:
            level1, level2, name, description, target_raw = ind[2:7]
            target_kind = ind[10]
            shown_level1 = level1
            if blank_repeated_level1 and level1 == previous_level1:
                shown_level1 = None if typed else ""
            previous_level1 = level1
            if layout == "inline":
                target: list[Any] = [target_raw]
            else:
                op, number, unit = split_target_raw(target_raw, target_kind)
                typed_number = typed and op != QUALITATIVE_MARK
                target = [op, _number_cell(number) if typed_number else number, unit]
            out.append([*base, shown_level1, level2, name, description, *target])
    return out


def write_flat(
    path: str | Path,
    projects: Sequence[Project],
    indicators: Sequence[Indicator],
    *,
    layout: str = "inline",
    headers: str = "zh",
    encoding: str = "utf-8-sig",
) -> Path:
    """Write one row per indicator, project fields repeated, as .xlsx or .csv.

    The format follows the suffix of ``path``.  ``layout="inline"`` writes the
    target cell as written (指标值 / target_raw); ``layout="split"`` writes
    comparator / number / unit as written (指标性质, 指标值, 度量单位 or
    target_op, target_value, target_unit), see :func:`split_target_raw`;
    qualitative targets get ``"定性"`` and the whole text as value.

    xlsx (one sheet "Sheet1", header in row 1): unit_code is a text cell,
    year an int cell, budgets float cells, the split number an int/float cell;
    with ``layout="split"`` level1 is left empty on rows continuing the level1
    of the row above within the same project.  csv (``encoding``, UTF-8 with
    BOM by default): every cell text, budgets with two decimals, level1 always
    filled.
    """
    path = Path(path)
    columns = flat_headers(layout=layout, headers=headers)
    suffix = path.suffix.lower()
    _check_choice("path suffix", suffix, (".xlsx", ".csv"))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        rows = flat_rows(projects, indicators, layout=layout, typed=False)
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
        return path

    from openpyxl import Workbook

    rows = flat_rows(
        projects,
        indicators,
        layout=layout,
        typed=True,
        blank_repeated_level1=layout == "split",
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    for (unit_code_cell,) in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
        unit_code_cell.number_format = "@"
    workbook.save(str(path))
    return path
