"""The project part of target tables (the rows above the indicator header), read by labels.

Every table of a load at once, on the grid (:mod:`perfkit.load.layout.grid`): a label cell (项目名称,
预算数 and its synonyms, see :data:`~perfkit.load.layout.labels.PROJECT_LABELS`) takes the cells beside
it up to the next label, or — when nothing at all is beside it — the cell right below it. Merged
cells are read once (a continued position is neither a label nor a value), so the value is found
whatever the merge shape. Section labels (项目资金（万元）, 项目基本情况 …) are never values.
"""

from __future__ import annotations

import re

import polars as pl

from perfkit.frames import on_few, running_sum, with_distinct
from perfkit.load.layout.department import as_department, department_wide, split_tasks
from perfkit.load.layout.labels import (
    FIELD_OF_PROJECT_LABEL,
    FISCAL_TOTAL_LABELS,
    FUNDING_TEXT,
    INTERNAL_SECTIONS,
    KNOWN_UNKEPT_LABELS,
    LEAD_AFTER_UNIT,
    LONG_TEXT_FIELDS,
    PERIOD_LABELS,
    PROJECT_LABELS,
    SECONDARY_LABELS,
    SECTION_LABELS,
    TITLE_FORM_NAMES,
    UNIT_AND_DEPARTMENT_LABELS,
    UNIT_WITH_LEAD_LABELS,
    label_key_expr,
    money_in_label,
    project_kind,
)
from perfkit.load.layout.money import budget_figures, cell_statement, cost_totals, funding_texts, table_scales
from perfkit.load.layout.problems import problems
from perfkit.text import fold_width

TABLE_KEY = ["_file_no", "_key"]
BUDGET_LABELS = {"budget_total": "预算数", "budget_fiscal": "财政资金", "budget_other": "其他资金"}
YEAR = r"(20\d{2})\s*年"
# a unit's code and name in one cell: 100001某单位, 031001-某局 (the name starts with a Chinese character)
# 031001-某局, 031001 某局, [610001]某公司: a six-digit code (bracketed or not) in front of the name
UNIT_CODE_AND_NAME = _UNIT_CELL = (
    r"(?s)^[\[【［(（]?\s*(?<code>[0-9]{6})\s*[\]】］)）]?\s*[-－—–_]*\s*(?<name>[^0-9.,\s\-－—–_].+)$"
)
_BRACKET_CODE = r"^[\[【［(（]\s*[0-9]+\s*[\]】］)）]\s*"
# a table's own title written in a cell (2025年度…项目绩效目标表): never a value, and it gives the year
_TITLE_CELL = r"绩效(?:目标|自评)(?:申报)?表$"
_TITLE_NAME = rf"^(?:(?:19|20)[0-9]{{2}}年度?)?([^0-9年度].*项目)(?:{'|'.join(TITLE_FORM_NAMES)})$"
_MONEY_FIELDS = [*BUDGET_LABELS, "fiscal_part"]
_TEXT_FIELDS = [f for f in PROJECT_LABELS if f not in _MONEY_FIELDS]
_INLINE_LABEL = rf"^\s*(?:其中\s*[:：]?\s*)?(?:{'|'.join(sorted(map(re.escape, FIELD_OF_PROJECT_LABEL), key=len, reverse=True))})\s*[:：]"
# … matched on the cell without whitespace: the label, then a colon, then a value
_INLINE = rf"^(?:其中[:：]?)?({'|'.join(sorted(map(re.escape, FIELD_OF_PROJECT_LABEL), key=len, reverse=True))})[:：](?<value>.+)$"
_LABEL_CHARS = 256
_KEY_CHARS = 64  # no label is longer, with its notes in brackets


def read_project_parts(cells: pl.DataFrame, tables: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One project record per table of ``tables`` (``_file``, ``_file_no``, ``_key``, ``title``,
    ``context``, ``table_ref``) from ``cells``, the grid positions of the rows above each header.

    The unit's code comes only from a cell labelled as the unit's: the value of 单位编码, else the
    code in front of the 实施单位 name (``031001-某局``), else the first cell of code and name that is
    no label's value (``100001单位名``); a table without one keeps ``unit_code`` empty, and 主管部门
    stays the ``department``. Budgets are in 万元 at the scale the table states
    (:mod:`perfkit.load.layout.money`: a figure's own unit wins for that figure; statements that
    disagree are refused). A funding text (``总额…万元财政拨款:…``) gives the budgets with its own
    units. Where no label names the purpose, the first row without any label holds it.
    """
    # labels repeat on every table, and so do many values: each text is read once
    c = with_distinct(cells, "text", *_cell_readings())
    # a label and its value in one cell (年度资金总额:50万, 项目名称：某项目): the label's key and the value
    c = c.with_columns(_inline_cells(c))
    c = c.with_columns(_k=pl.coalesce("_inline_label", "_k")).drop("_inline_label")
    c = c.with_columns(_field=pl.col("_k").replace_strict(FIELD_OF_PROJECT_LABEL, default=None))
    wide = department_wide(c, tables)
    c, tasks = split_tasks(c)
    is_label = pl.col("_field").is_not_null() | pl.col("_k").is_in(
        [*SECTION_LABELS, *KNOWN_UNKEPT_LABELS, *PERIOD_LABELS]
    )
    # a code cell right after a label is that label's value (主管部门, 项目起止时间 …), not the unit
    same_row = (pl.col("row_no") == pl.col("row_no").shift(1)) & (pl.col("_file_no") == pl.col("_file_no").shift(1))
    after_label = same_row & is_label.shift(1)
    is_unit = pl.col("_unit").struct.field("code").is_not_null() & ~pl.col("continued") & ~after_label.fill_null(False)
    c = c.with_columns(
        _is_unit=is_unit & (running_sum(is_unit, *TABLE_KEY) == 1),
        _is_label=is_label,
    ).with_columns(
        # the regexes run only on the few cells a literal test lets through (most cells are values)
        on_few(c, pl.col("_flat").str.contains("单位", literal=True), cell_statement(pl.col("_folded")), "_statement"),
        on_few(
            c, pl.col("_flat").str.contains_any(["(", "（"]), money_in_label(pl.col("_flat"), folded=True), "_money"
        ),
        on_few(
            c,
            pl.col("_flat").str.contains("总额", literal=True),
            pl.col("_flat").str.contains(FUNDING_TEXT),
            "_funding",
        ).fill_null(False),
        on_few(
            c,
            pl.col("_flat").str.ends_with("表"),
            pl.when(pl.col("_flat").str.contains(_TITLE_CELL)).then(pl.col("_flat").str.extract(YEAR, 1)),
            "_title_year",
        ),
    )
    stop = (
        pl.col("_is_unit")
        | pl.col("_statement").is_not_null()
        | pl.col("_is_label")
        | pl.col("_funding")
        | pl.col("_title_year").is_not_null()
    )
    # rows are contiguous: a running count of row starts numbers them (the next row is _r + 1)
    starts_row = (pl.col("row_no") != pl.col("row_no").shift(1)) | (pl.col("_file_no") != pl.col("_file_no").shift(1))
    c = c.with_columns(_stop=stop, _r=starts_row.fill_null(True).cum_sum())
    origin = c.filter(~pl.col("continued"))
    # a label and the cells after it up to the next stop form a group (rows are contiguous)
    row_start = pl.col("row_no") != pl.col("row_no").shift(1, fill_value=-1)
    origin = origin.with_columns(_grp=(pl.col("_stop") | row_start).cum_sum())
    groups = origin.group_by("_grp", maintain_order=True).agg(
        *[pl.col(k).first() for k in (*TABLE_KEY, "row_no", "_r", "col", "_field", "_k", "_stop", "ref", "row_ref")],
        _inline=pl.col("_inline").first(),
        _n=pl.len(),
        _values=pl.col("_s").filter(~pl.col("_stop") & (pl.col("_s") != "")),
        _first_cell=pl.col("_s").filter(~pl.col("_stop")).first(),
        _value_ref=pl.col("ref").filter(~pl.col("_stop")).first(),
    )
    labels = groups.filter(pl.col("_field").is_not_null())
    # nothing at all beside the label: the value is the cell right below it
    below = c.filter(~pl.col("_stop"), pl.col("origin_row") == pl.col("row_no"), pl.col("origin_col") == pl.col("col"))
    below = below.select(
        *TABLE_KEY, _r=pl.col("_r") - 1, col="col", _below=pl.col("_s"), _below_ref="ref", _below_row="row_no"
    )
    labels = labels.join(below, on=[*TABLE_KEY, "_r", "col"], how="left").with_columns(
        _value=pl.when(pl.col("_inline").is_not_null())
        .then("_inline")
        .when(pl.col("_n") > 1)
        .then(
            pl.when(pl.col("_field").is_in(LONG_TEXT_FIELDS))
            .then(pl.col("_values").list.join("\n"))
            .otherwise(pl.col("_values").list.first())
        )
        .otherwise(pl.col("_below")),
        _next=pl.when(pl.col("_inline").is_not_null())
        .then(pl.col("_values").list.first())
        .when(pl.col("_n") > 1)
        .then(pl.col("_values").list.get(1, null_on_oob=True)),
        _value_ref=pl.when(pl.col("_inline").is_not_null())
        .then("ref")
        .when(pl.col("_n") > 1)
        .then("_value_ref")
        .otherwise(pl.coalesce("_below_ref", "row_ref")),
    )
    # a money label's value is the cell right after it: left empty, the money is not written, and a text
    # after the empty cell (用于…) is no figure of it but the purpose the form writes there
    money_text = (
        pl.col("_field").is_in(_MONEY_FIELDS)
        & pl.col("_inline").is_null()
        & (pl.col("_n") > 1)
        & (pl.col("_first_cell") == "")
        & pl.col("_values").list.first().str.contains(r"^\D*$").fill_null(False)
    )
    labels = labels.with_columns(
        _leftover=pl.when(money_text).then(pl.col("_values").list.join("\n")),
        _value=pl.when(money_text).then(pl.lit("")).otherwise(pl.col("_value").fill_null("")),
    )
    # a unit named with its project lead (某中心/张三) is the part before the slash
    with_lead = pl.col("_k").is_in(UNIT_WITH_LEAD_LABELS)
    labels = labels.with_columns(
        _value=pl.when(with_lead).then(pl.col("_value").str.replace(LEAD_AFTER_UNIT, "")).otherwise("_value")
    )
    written = labels.filter(pl.col("_value") != "")
    # a cost build-up's 合计 stands for the budget total where no label gives one
    costs = cost_totals(c)
    if costs.height:
        costs = costs.join(written.filter(pl.col("_field") == "budget_total"), on=TABLE_KEY, how="anti")
        written = pl.concat([written, costs], how="diagonal_relaxed")
        labels = pl.concat([labels, costs], how="diagonal_relaxed")
    # a label of the unit and its department (实施(主管)单位) gives both; a 主管部门 of its own comes first
    both = written.filter(pl.col("_k").is_in(UNIT_AND_DEPARTMENT_LABELS))
    if both.height:
        written = pl.concat([written, both.with_columns(_field=pl.lit("department"))])
    # a budget label that calls its money fiscal gives the fiscal figure too, where no fiscal figure
    # (财政拨款) or part of one (上级资金 …) is written
    fiscal_written = written.filter(pl.col("_field").is_in(["budget_fiscal", "fiscal_part"])).select(TABLE_KEY)
    fiscal_total = written.filter(pl.col("_k").is_in(FISCAL_TOTAL_LABELS)).join(
        fiscal_written.unique(), on=TABLE_KEY, how="anti"
    )
    if fiscal_total.height:
        written = pl.concat([written, fiscal_total.with_columns(_field=pl.lit("budget_fiscal"))])
    # the first value of each field in document order, a secondary label (组织实施单位) only where no other is
    secondary = pl.col("_k").is_in(list(SECONDARY_LABELS))
    ordered = written
    if written.select(secondary.any()).item():
        ordered = written.sort(*TABLE_KEY, "_field", secondary, maintain_order=True)
    first = ordered.unique([*TABLE_KEY, "_field"], keep="first", maintain_order=True)
    values = _pivot(first, "_value", {f: f for f in _TEXT_FIELDS} | {f: f"_{f}_text" for f in _MONEY_FIELDS})
    refs = _pivot(
        first.filter(pl.col("_field").is_in(_MONEY_FIELDS)), "_value_ref", {f: f"{f}_ref" for f in _MONEY_FIELDS}
    )
    scales = table_scales(c, tables)
    # several labels of other money (自有资金, 事业收入 …) add up, and so do the parts of the fiscal money
    figures = budget_figures(written, scales, BUDGET_LABELS)
    given = (
        labels.filter(pl.col("_field") == "budget_total")
        .select(*TABLE_KEY)
        .unique()
        .with_columns(_total_given=pl.lit(True))
    )
    # a row whose cells are the values of the labels above it holds no purpose
    used = labels.filter((pl.col("_n") == 1) & (pl.col("_below").fill_null("") != ""))
    used = used.select(*TABLE_KEY, row_no="_below_row").unique()
    # a row without any label is one group that does not start with a stop
    unlabelled = (
        groups.filter(~pl.col("_stop"), pl.len().over(*TABLE_KEY, "row_no") == 1, pl.col("_values").list.len() > 0)
        .join(used, on=[*TABLE_KEY, "row_no"], how="anti", maintain_order="left")
        .unique(TABLE_KEY, keep="first", maintain_order=True)
        .select(*TABLE_KEY, _unlabelled=pl.col("_values").list.join("\n"))
    )
    leftover = labels.filter(pl.col("_leftover").is_not_null()).unique(TABLE_KEY, keep="first", maintain_order=True)
    leftover = leftover.select(*TABLE_KEY, "_leftover")
    found = c.group_by(TABLE_KEY).agg(
        _unit=pl.col("_unit").filter("_is_unit").first(),
        _title_year=pl.col("_title_year").filter(~pl.col("continued")).drop_nulls().first(),
    )
    frame = (
        tables.join(found, on=TABLE_KEY, how="left")
        .join(values, on=TABLE_KEY, how="left")
        .join(refs, on=TABLE_KEY, how="left")
        .join(figures, on=TABLE_KEY, how="left")
        .join(given, on=TABLE_KEY, how="left")
        .join(unlabelled, on=TABLE_KEY, how="left")
        .join(leftover, on=TABLE_KEY, how="left")
        .join(funding_texts(c, scales), on=TABLE_KEY, how="left")
        .join(wide, on=TABLE_KEY, how="left")
        .join(tasks, on=TABLE_KEY, how="left")
    )
    department = fold_width(pl.col("department").str.replace(_BRACKET_CODE, "").str.strip_chars())
    frame = _unit_identity(frame).with_columns(
        purpose=pl.coalesce("purpose", "_unlabelled", "_leftover"),
        project_kind=project_kind(pl.col("project_kind")),
        department=pl.coalesce(department.str.extract_groups(_UNIT_CELL).struct.field("name"), department),
        # the parts of the fiscal money stand for it where it is not given
        _budget_fiscal_text=pl.coalesce("_budget_fiscal_text", "_fiscal_part_text"),
        budget_fiscal_ref=pl.coalesce("budget_fiscal_ref", "fiscal_part_ref"),
    )
    section = pl.col("unit_name").str.contains(f"(?:{'|'.join(INTERNAL_SECTIONS)})$") & (pl.col("unit_code") == "")
    frame = frame.with_columns(
        # an internal section (…股) of the 主管部门 carries out the project: the unit is that department
        unit_name=pl.when(section & (pl.col("department").fill_null("") != ""))
        .then("department")
        .otherwise("unit_name"),
        # a funding text states its own units; where it is given it wins over labelled cells
        **{f: pl.coalesce(f"_text_{f}", f) for f in BUDGET_LABELS},
        _budget_total_text=pl.coalesce(pl.col("_text_budget_total").cast(pl.String), "_budget_total_text"),
    )
    # no cell names the project: the heading above the table may (…某某项目绩效目标表)
    named = pl.col("title").str.replace_all(r"\s", "").str.extract(_TITLE_NAME, 1)
    frame = as_department(frame).with_columns(project_name=pl.coalesce(pl.col("project_name").replace("", None), named))
    frame, found = unreadable_parts(frame)
    # the year of the project's name, else of the table's own title, else of the heading above the table
    year = pl.coalesce(pl.col("project_name").str.extract(YEAR, 1), "_title_year", pl.col("title").str.extract(YEAR, 1))
    return frame.select(
        "_file",
        pl.col(*TABLE_KEY).cast(pl.Int32),
        "unit_code",
        "unit_name",
        year=year.cast(pl.Int32),
        project_name="project_name",
        # a budget not written is 0; one written but unreadable stays empty (its problem says why), and
        # so do the parts of a department-wide table that states no money at all (nothing is known)
        **{
            f: pl.when(~pl.col(f"_{f}_unreadable") & ~_states_no_money()).then(pl.col(f).fill_null(0.0).round(6))
            for f in BUDGET_LABELS
        },
        purpose=pl.col("purpose").fill_null(""),
        goal_text=pl.col("goal_text").fill_null(""),
        source_ref="table_ref",
        department="department",
        project_kind="project_kind",
        goal_long_term="goal_long_term",
        tasks="tasks",
    ), found


def _cell_readings() -> list[dict[str, pl.Expr]]:
    """The readings of a distinct ``text``, in stages: the text stripped (``_s``), its start folded
    (``_folded``: labels, codes and figures are short, so long texts such as goals need no folding to
    be recognised) and without whitespace (``_flat``), a unit's code and name in it (``_unit``), and
    its label key (``_k``; only a short cell, notes included, can be a label, else "")."""
    text = pl.col("text").str.strip_chars()
    short = pl.col("_flat").str.len_chars() <= _KEY_CHARS
    return [
        {"_s": text, "_folded": fold_width(text.str.slice(0, _LABEL_CHARS))},
        {
            "_flat": pl.col("_folded").str.replace_all(r"\s", ""),
            "_unit": pl.col("_folded").str.strip_chars().str.extract_groups(_UNIT_CELL),
        },
        {"_k": pl.when(short).then(label_key_expr(pl.col("_flat"), folded=True)).otherwise(pl.lit(""))},
    ]


def _inline_cells(c: pl.DataFrame) -> list[pl.Series]:
    """``_inline_label`` and ``_inline`` (the value) of every cell that holds a label, a colon and a
    value (``年度资金总额:50万``), null elsewhere: the regexes run only on the cells with a colon."""
    at = c.select(pl.arg_where(pl.col("_flat").str.contains_any([":", "："]))).to_series()
    some = c.select(pl.col("_flat", "_s").gather(at))
    found = some.select(
        _label=pl.col("_flat").str.extract(_INLINE, 1),
        _value=pl.col("_s").str.replace(_INLINE_LABEL, "").str.strip_chars(),
    ).with_columns(_value=pl.when(pl.col("_label").is_not_null()).then("_value"))
    empty = pl.repeat(None, c.height, dtype=pl.String, eager=True)
    return [
        empty.alias("_inline_label").scatter(at, found["_label"]),
        empty.alias("_inline").scatter(at, found["_value"]),
    ]


def _pivot(first: pl.DataFrame, values: str, names: dict[str, str]) -> pl.DataFrame:
    """One row per table with a column per field (named by ``names``) holding ``values``."""
    wide = first.pivot(on="_field", index=TABLE_KEY, values=values) if first.height else first.select(*TABLE_KEY)
    wide = wide.rename({f: n for f, n in names.items() if f in wide.columns}).select(
        *TABLE_KEY, *[n for f, n in names.items() if f in wide.columns]
    )
    return wide.with_columns(pl.lit(None, dtype=pl.String).alias(n) for f, n in names.items() if n not in wide.columns)


def _unit_identity(frame: pl.DataFrame) -> pl.DataFrame:
    """``unit_code`` and ``unit_name``: the 单位编码 label, else a code in front of the 实施单位 name,
    else a code cell that is no label's value; "" where the document has no code."""
    named = fold_width(pl.col("unit_name").fill_null("").str.strip_chars()).str.extract_groups(_UNIT_CELL)
    code_label = fold_width(pl.col("unit_code").fill_null("")).str.extract(r"^\s*([0-9]{6})\s*$", 1)
    return frame.with_columns(
        unit_code=pl.coalesce(code_label, named.struct.field("code"), pl.col("_unit").struct.field("code"), pl.lit("")),
        unit_name=pl.coalesce(
            named.struct.field("name").str.strip_chars(),
            pl.col("unit_name").str.strip_chars(),
            pl.col("_unit").struct.field("name").str.strip_chars(),
        ),
    )


def _states_no_money() -> pl.Expr:
    """A department-wide table with no money written anywhere (its budget is the unit's, not stated)."""
    written = [pl.col(f"_{name}_text").is_not_null() for name in BUDGET_LABELS]
    return (
        pl.col("_department_wide").fill_null(False)
        & ~pl.any_horizontal(written)
        & ~pl.col("_total_given").fill_null(False)
    )


def unreadable_parts(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every table whose project part lacks or misstates a field, as problems
    (:mod:`perfkit.load.layout.problems`), and ``frame`` with those fields left empty: a budget that
    is not a number, negative or missing is null (``_<field>_unreadable`` marks it); a missing
    project name is replaced by a marker naming the table, so that the project can still be told
    apart and reported."""
    no_name = pl.col("project_name").fill_null("") == ""
    checks = [(no_name, pl.col("table_ref"), pl.lit("未找到项目名称"), None)]
    checks.append(
        (
            # a department-wide table may state no money at all: its budget is 预算数为空 below
            pl.col("_budget_total_text").is_null()
            & ~pl.col("_total_given").fill_null(False)
            & ~pl.col("_department_wide").fill_null(False),
            pl.col("table_ref"),
            pl.format("项目“{}”未找到预算数", pl.col("project_name").fill_null("")),
            "budget_total",
        )
    )
    for name, label in BUDGET_LABELS.items():
        written, value, ref = pl.col(f"_{name}_text"), pl.col(name), pl.coalesce(f"{name}_ref", "table_ref")
        checks.append((value.is_nan(), ref, pl.format("{}“{}”不是数字", pl.lit(label), written), name))
        if name == "budget_total":  # a department-wide table that states no money: its budget is unknown
            checks.append((value.is_null(), ref, pl.lit(f"{label}为空"), name))
        checks.append((value < 0, ref, pl.format("{}“{}”不能为负数", pl.lit(label), written), name))
    found = pl.concat(
        [problems(frame.filter(failed.fill_null(False)), place, message) for failed, place, message, _ in checks]
    )
    marks = {f"_{name}_unreadable": pl.lit(False) for name in BUDGET_LABELS}
    for failed, _, _, field in checks:
        if field is not None:
            marks[f"_{field}_unreadable"] = marks[f"_{field}_unreadable"] | failed.fill_null(False)
    frame = frame.with_columns(**marks).with_columns(
        project_name=pl.when(no_name).then(pl.format("（未找到项目名称：{}）", "table_ref")).otherwise("project_name")
    )
    # problems in table order, each table's in the order of the checks
    found = found.with_row_index("_order").sort("_file_no", "_key", "_order").drop("_order")
    return frame, found
