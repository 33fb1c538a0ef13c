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

import polars as pl

from perfkit.errors import InputError
from perfkit.targets import fold_width_text


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


UNIT_CELL = re.compile(r"^([0-9]{6})\s*([^0-9.,].*)$", re.S)  # match after fold_width_text
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


CELL_SCHEMA = {
    "_file": pl.String,  # the source, for messages
    "_file_no": pl.Int32,  # the source's position in the load
    "table_no": pl.Int32,  # tables in document order
    "title": pl.String,
    "table_ref": pl.String,
    "row_no": pl.Int32,  # rows in document order
    "row_ref": pl.String,
    "col": pl.Int32,  # 0-based position in the row
    "ref": pl.String,
    "text": pl.String,
}
_TABLE = ["_file_no", "_key"]


def cells_of(tables: list[Table], file: str) -> pl.DataFrame:
    """The cells of one document's ``tables`` as a frame (see :data:`CELL_SCHEMA`), for :func:`read_tables`."""
    columns: dict[str, list] = {name: [] for name in CELL_SCHEMA}
    row_no = 0
    for table_no, table in enumerate(tables):
        for row in table.rows:
            row_no += 1
            for col, text in enumerate(row.cells):
                values = (file, 0, table_no, table.title, table.ref, row_no, row.ref, col, row.cell_ref(col), text)
                for name, value in zip(CELL_SCHEMA, values, strict=True):
                    columns[name].append(value)
    return pl.DataFrame(columns, schema=CELL_SCHEMA)


def tables_of(cells: pl.DataFrame) -> list[Table]:
    """The cells frame back as :class:`Table` objects, for readers that walk rows one by one."""
    tables: dict[tuple[int, int], Table] = {}
    rows = cells.group_by("_file_no", "table_no", "row_no", maintain_order=True).agg(
        pl.col("title", "table_ref", "row_ref").first(), pl.col("text"), pl.col("ref")
    )
    for file_no, table_no, _, title, table_ref, row_ref, texts, refs in rows.iter_rows():
        table = tables.setdefault((file_no, table_no), Table(title=title, ref=table_ref))
        table.rows.append(Row(texts, row_ref, refs))
    return list(tables.values())


_HEADER_FIELD = {label: name for name, labels in HEADER_LABELS.items() for label in labels}


def read_tables(cells: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Project records and indicator rows of every table in ``cells`` (of any number of documents).

    Both are keyed by ``_file_no`` and ``_key`` (the table's position in its document). Each
    table's project part (the rows above its 一级指标 header) is read label by label; the
    indicator rows — the bulk of a document — are checked and pivoted for all tables at once.
    Budgets are in 万元 (converted when the table says ``单位：元``); empty fiscal and other budget
    cells read as 0. Indicator cells are stripped; merged level-1 cells stay empty here and are
    filled in by the assembler. The first problem found raises an :class:`InputError`.
    """
    label = pl.col("text").str.replace_all(r"\s", "")
    cells = cells.with_columns(
        _key=(pl.col("table_no").rank("dense").over("_file_no") - 1).cast(pl.Int32),
        _field=label.replace_strict(_HEADER_FIELD, default=None),
        _level1=label == "一级指标",
    )
    header_rows = (
        cells.group_by(*_TABLE, "row_no")
        .agg(pl.col("_level1").any() & (pl.col("_field") == "target_raw").any())
        .filter("_level1")
        .group_by(_TABLE)
        .agg(pl.col("row_no").min().alias("_header"))
    )
    tables = cells.group_by(_TABLE, maintain_order=True).agg(pl.col("_file", "title", "table_ref").first())
    tables = tables.join(header_rows, on=_TABLE, how="left").sort(_TABLE)
    if (missing := tables.filter(pl.col("_header").is_null())).height:
        row = missing.row(0, named=True)
        title = row["title"] or "（无标题）"
        raise InputError(row["_file"], row["table_ref"], f"表格“{title}”没有指标表头（一级指标…指标值），表格不完整")
    cells = cells.join(tables.select(*_TABLE, "_header"), on=_TABLE, maintain_order="left")
    projects = _read_project_parts(cells.filter(pl.col("row_no") < pl.col("_header")), tables)
    header = cells.filter(pl.col("row_no") == pl.col("_header"))
    columns = header.drop_nulls("_field").group_by(*_TABLE, "_field").agg(pl.col("col").min())
    _require_headers(header, columns)
    body = cells.filter(pl.col("row_no") > pl.col("_header"))
    _check_widths(header, body, projects)
    named = body.join(columns.rename({"_field": "_column"}), on=[*_TABLE, "col"], how="left")
    indicators = named.group_by(*_TABLE, "row_no", maintain_order=True).agg(
        pl.col("_file").first(),
        *[
            pl.col("text").filter(pl.col("_column") == name).first().str.strip_chars().alias(name)
            for name in HEADER_LABELS
        ],
        source_ref=pl.col("row_ref").first(),
    )
    return projects, indicators.drop("row_no")


def _read_project_parts(cells: pl.DataFrame, tables: pl.DataFrame) -> pl.DataFrame:
    # a handful of labelled rows per project, read one by one as a person reads them
    parts = {(n, k): (f, Table(title=t, ref=r)) for n, k, f, t, r, _ in tables.iter_rows()}
    keys = cells.select(_TABLE).unique(maintain_order=True).iter_rows()
    for key, table in zip(keys, tables_of(cells), strict=True):
        parts[key] = (parts[key][0], table)
    records = [
        _read_project_part(table.rows, table, file) | {"_file": file, "_file_no": n, "_key": k}
        for (n, k), (file, table) in parts.items()
    ]
    return pl.DataFrame(records).with_columns(pl.col("_file_no", "_key").cast(pl.Int32))


def _require_headers(header: pl.DataFrame, columns: pl.DataFrame) -> None:
    required = pl.DataFrame({"_field": list(_REQUIRED_HEADERS)})
    tables = header.group_by(_TABLE).agg(pl.col("_file", "row_ref").first())
    missing = tables.join(required, how="cross").join(columns, on=[*_TABLE, "_field"], how="anti")
    if missing.height:
        first = missing.sort(_TABLE).row(0, named=True)
        fields = missing.filter(pl.col("_file_no") == first["_file_no"], pl.col("_key") == first["_key"])["_field"]
        labels = "、".join(HEADER_LABELS[f][0] for f in _REQUIRED_HEADERS if f in fields)
        raise InputError(first["_file"], first["row_ref"], f"指标表头缺少列：{labels}")


def _check_widths(header: pl.DataFrame, body: pl.DataFrame, projects: pl.DataFrame) -> None:
    widths = header.group_by(_TABLE).agg(pl.len().alias("_width"), pl.col("row_ref").first().alias("_header_ref"))
    rows = body.group_by(*_TABLE, "row_no").agg(pl.len().alias("_cells"), pl.col("_file", "row_ref").first())
    wrong = rows.join(widths, on=_TABLE).filter(pl.col("_cells") != pl.col("_width")).sort("_file_no", "row_no")
    if wrong.height:
        row = wrong.row(0, named=True)
        raise InputError(row["_file"], row["row_ref"], f"指标行有{row['_cells']}个单元格，表头有{row['_width']}个")
    empty = widths.join(rows, on=_TABLE, how="anti").join(projects, on=_TABLE).sort(_TABLE)
    if empty.height:
        row = empty.row(0, named=True)
        message = f"项目“{row['project_name']}”的表头之后没有指标行，表格不完整"
        raise InputError(row["_file"], row["_header_ref"], message)


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
            if unit_code is None and (m := UNIT_CELL.match(fold_width_text(cell))):
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
    """A figure from a cell: empty, ``—`` and ``/`` read as missing; anything else must be a number
    (full-width digits such as ``１２．５`` read as written in half width)."""
    cleaned = fold_width_text(squash(text)).replace(",", "").replace("，", "")
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
    if value < 0:
        raise InputError(file, ref, f"{label}“{text.strip()}”不能为负数")
    return round(value * scale, 6)
