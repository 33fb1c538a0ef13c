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
from perfkit.text import MONEY_SCALE, MONEY_TO_WAN, figure_expr, figure_value, fold_width


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
        cells.filter(pl.col("_level1") | (pl.col("_field") == "target_raw"))
        .group_by(*_TABLE, "row_no")
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
    # every row has the header's width, so a field's cell sits at (first cell of the row + the
    # field's column): a gather by position instead of a group-by over every cell
    body = body.with_row_index("_at")
    where = columns.pivot(on="_field", index=_TABLE, values="col")
    where = where.with_columns(pl.lit(None, dtype=pl.Int32).alias(f) for f in HEADER_LABELS if f not in where.columns)
    rows = body.filter(pl.col("col") == 0).select(*_TABLE, "_file", "_at", source_ref="row_ref")
    rows = rows.join(where, on=_TABLE, how="left", maintain_order="left")
    texts = body["text"]
    indicators = rows.select(
        *_TABLE,
        "_file",
        *[texts.gather(rows["_at"] + rows[f].cast(pl.UInt32)).str.strip_chars().alias(f) for f in HEADER_LABELS],
        "source_ref",
    )
    return projects, indicators


_LONG_TEXT_FIELDS = ("goal_text", "purpose")
_BUDGET_LABELS = {"budget_total": "预算数", "budget_fiscal": "财政资金", "budget_other": "其他资金"}


def _read_project_parts(cells: pl.DataFrame, tables: pl.DataFrame) -> pl.DataFrame:
    """The project record of every table, from the rows above its header — all tables at once.

    Read as a person reads them: the first cell that starts with a six-digit code names the unit;
    ``单位：元`` sets the money scale (the last such cell counts); the first of each label (项目名称,
    预算数 …) takes the next cell of its row — or, for goal and purpose texts, the rest of the row;
    where no label names the purpose, the first row that holds none of these does.
    """
    text = pl.col("text").str.strip_chars()
    unit = fold_width(text).str.extract_groups(r"(?s)^(?<code>[0-9]{6})\s*(?<name>[^0-9.,].*)$")
    c = cells.with_columns(_s=text, _k=pl.col("text").str.replace_all(r"\s", ""), _unit=unit)
    is_unit = pl.col("_unit").struct.field("code").is_not_null()
    c = c.with_columns(_is_unit=is_unit & (is_unit.cum_sum().over(_TABLE) == 1))
    scale = pl.col("_k").str.extract(MONEY_SCALE, 1)
    c = c.with_columns(_scale=pl.when(~pl.col("_is_unit")).then(scale))
    field = pl.col("_k").replace_strict(_LABEL_TO_FIELD, default=None)
    c = c.with_columns(_field=pl.when(~pl.col("_is_unit") & pl.col("_scale").is_null()).then(field))
    first_label = pl.col("_field").is_not_null() & (pl.int_range(pl.len()).over(*_TABLE, "_field") == 0)
    same_row = (pl.col("row_no").shift(-1) == pl.col("row_no")).fill_null(False)
    c = c.with_columns(
        _label=first_label,
        _next=pl.when(same_row).then(pl.col("_s").shift(-1)).otherwise(pl.lit("")),
        _next_ref=pl.when(same_row).then(pl.col("ref").shift(-1)).otherwise("row_ref"),
    )
    labels = c.filter("_label")
    # goal and purpose texts fill the rest of their row
    long = labels.filter(pl.col("_field").is_in(_LONG_TEXT_FIELDS)).select(*_TABLE, "row_no", "_field", _at="col")
    rest = (
        long.join(c.select("_file_no", "row_no", "col", "_s"), on=["_file_no", "row_no"])
        .filter((pl.col("col") > pl.col("_at")) & (pl.col("_s") != ""))
        .sort("_file_no", "row_no", "col")
        .group_by(*_TABLE, "_field", maintain_order=True)
        .agg(_rest=pl.col("_s").str.join("\n"))
    )
    labels = labels.join(rest, on=[*_TABLE, "_field"], how="left").with_columns(
        _value=pl.when(pl.col("_field").is_in(_LONG_TEXT_FIELDS)).then(pl.col("_rest").fill_null("")).otherwise("_next")
    )
    values = labels.group_by(_TABLE).agg(
        *[pl.col("_value").filter(pl.col("_field") == f).first().alias(f) for f in PROJECT_LABELS],
        *[pl.col("_next_ref").filter(pl.col("_field") == f).first().alias(f"{f}_ref") for f in _BUDGET_LABELS],
    )
    # rows that hold no unit, scale or label: the first one is the purpose when no label names it
    row_kind = c.group_by(*_TABLE, "row_no", maintain_order=True).agg(
        _labelled=(pl.col("_is_unit") | pl.col("_scale").is_not_null() | pl.col("_label")).any(),
        _texts=pl.col("_s").filter((pl.col("_s") != "") & ~pl.col("_k").is_in(list(_SECTION_LABELS))),
        _row_ref=pl.col("row_ref").first(),
    )
    unlabelled = (
        row_kind.filter(~pl.col("_labelled") & (pl.col("_texts").list.len() > 0))
        .group_by(_TABLE, maintain_order=True)
        .agg(_unlabelled=pl.col("_texts").first().list.join("\n"))
    )
    found = c.group_by(_TABLE).agg(
        _unit=pl.col("_unit").filter("_is_unit").first(),
        _scale=pl.col("_scale").drop_nulls().last(),
    )
    frame = (
        tables.select(*_TABLE, "_file", "title", "table_ref")
        .join(found, on=_TABLE, how="left")
        .join(values, on=_TABLE, how="left")
        .join(unlabelled, on=_TABLE, how="left")
        .with_columns(
            unit_code=pl.col("_unit").struct.field("code"),
            unit_name=pl.col("_unit").struct.field("name").str.strip_chars(),
            purpose=pl.coalesce("purpose", "_unlabelled"),
            _scale=pl.col("_scale").replace_strict(MONEY_TO_WAN, default=1.0, return_dtype=pl.Float64),
            **{f"_{f}_text": pl.col(f) for f in _BUDGET_LABELS},
        )
        .with_columns(**{f: figure_expr(pl.col(f)) for f in _BUDGET_LABELS})
    )
    _refuse_bad_projects(frame)
    year = pl.coalesce(
        pl.col("project_name").str.extract(YEAR.pattern, 1), pl.col("title").str.extract(YEAR.pattern, 1)
    )
    return frame.select(
        "_file",
        pl.col("_file_no", "_key").cast(pl.Int32),
        "unit_code",
        "unit_name",
        year=year.cast(pl.Int32),
        project_name="project_name",
        **{f: (pl.col(f).fill_null(0.0) * pl.col("_scale")).round(6) for f in _BUDGET_LABELS},
        purpose=pl.col("purpose").fill_null(""),
        goal_text=pl.col("goal_text").fill_null(""),
        source_ref="table_ref",
    )


def _refuse_bad_projects(frame: pl.DataFrame) -> None:
    """Raise for the first table (in load order) whose project part lacks or misstates a field."""
    title = pl.coalesce(pl.when(pl.col("title") != "").then("title"), pl.lit("（无标题）"))
    checks = [
        (
            pl.col("unit_code").is_null(),
            "table_ref",
            pl.format("表格“{}”中未找到六位单位编码（如“562202单位名称”）", title),
        ),
        (pl.col("project_name").fill_null("") == "", "table_ref", pl.lit("未找到项目名称")),
        (pl.col("_budget_total_text").is_null(), "table_ref", pl.format("项目“{}”未找到预算数", "project_name")),
    ]
    for name, label in _BUDGET_LABELS.items():
        written, value = pl.col(f"_{name}_text"), pl.col(name)
        checks.append((value.is_nan(), f"{name}_ref", pl.format("{}“{}”不是数字", pl.lit(label), written)))
        if name == "budget_total":
            checks.append((written.is_not_null() & value.is_null(), f"{name}_ref", pl.lit(f"{label}为空")))
        checks.append((value < 0, f"{name}_ref", pl.format("{}“{}”不能为负数", pl.lit(label), written)))
    place = pl.when(checks[0][0].fill_null(False)).then(pl.col(checks[0][1]))
    message = pl.when(checks[0][0].fill_null(False)).then(checks[0][2])
    for failed, ref, text in checks[1:]:
        place = place.when(failed.fill_null(False)).then(pl.col(ref))
        message = message.when(failed.fill_null(False)).then(text)
    bad = frame.select("_file", "_file_no", "_key", _place=place, _message=message).drop_nulls("_message")
    if bad.height:
        row = bad.sort("_file_no", "_key").row(0, named=True)
        raise InputError(row["_file"], row["_place"], row["_message"])


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


def figure(text: str, label: str, file: str, ref: str) -> float | None:
    """A figure from a cell: empty, ``—`` and ``/`` read as missing; anything else must be a number
    (full-width digits such as ``１２．５`` read as written in half width)."""
    value = figure_value(text)
    if value is not None and value != value:  # NaN: not a number
        raise InputError(file, ref, f"{label}“{text.strip()}”不是数字")
    return value
