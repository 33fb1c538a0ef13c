"""Load actuals: self-evaluations (绩效自评表: Word text export, ``.docx``, worksheet) and the
filled-in workbook of ``perfkit template``, into two frames keyed like the target tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from perfkit.errors import InputError
from perfkit.load.formats import doc, html, pdf, word_text, xls, xlsx
from perfkit.load.formats import docx as docx_format
from perfkit.load.formats.sniff import decode_text, detect_format
from perfkit.load.layout.assemble import project_id
from perfkit.load.layout.flat import read_sheets
from perfkit.load.layout.grid import Table
from perfkit.load.layout.selfeval import header_found, is_selfeval, read_selfeval, split_forms
from perfkit.load.layout.spans import as_tables
from perfkit.load.repeats import REPEATED_COLUMNS, without_repeats
from perfkit.text import figure_expr, fold_width

# The sheets of the actuals workbook that ``perfkit template`` writes and this module reads back.
INDICATOR_SHEET = "指标完成情况"
PROJECT_SHEET = "项目执行情况"
# (header, source column or None for a column to fill, width)
INDICATOR_COLUMNS = [
    ("单位编码", "unit_code", 9), ("项目编号", "project_id", 18), ("项目名称", "project_name", 28), ("序号", "seq", 6),
    ("一级指标", "level1", 10), ("二级指标", "level2", 12), ("三级指标", "name", 30), ("指标值", "target_raw", 16),
    ("分值", None, 7), ("实际完成值", None, 14), ("定性评价档次", None, 22), ("定性得分比例", None, 10),
    ("偏差原因分析及改进措施", None, 36), ("自评得分", None, 9),
]  # fmt: skip
PROJECT_COLUMNS = [
    ("单位编码", "unit_code", 9), ("项目编号", "project_id", 18), ("项目名称", "project_name", 34),
    ("预算数（万元）", "budget_total", 12), ("全年预算数（万元）", None, 14), ("全年执行数（万元）", None, 14),
    ("自评总分", None, 9),
]  # fmt: skip
ACTUAL_INDICATOR_COLUMNS = {
    "project_id": pl.String, "unit_code": pl.String, "project_name": pl.String, "seq": pl.Int32,
    "level1": pl.String, "level2": pl.String, "name": pl.String, "target_raw": pl.String,
    "actual_raw": pl.String, "band": pl.String, "band_fraction": pl.Float64, "weight_given": pl.Float64,
    # true where weight_given is an equal share of points the form gave the level-1 group (产出指标(50分))
    "weight_split": pl.Boolean,
    "self_score": pl.Float64, "deviation_reason": pl.String, "source_file": pl.String, "source_ref": pl.String,
}  # fmt: skip
# an empty template row of a self-evaluation (指标2:, ……, a level-2 label alone): skipped, not weighted
UNFILLED_ROW = pl.Struct({"source_ref": pl.String, "level1": pl.String, "level2": pl.String, "text": pl.String})
ACTUAL_PROJECT_COLUMNS = {
    "project_id": pl.String, "unit_code": pl.String, "unit_name": pl.String, "year": pl.Int32,
    "project_name": pl.String, "budget_initial": pl.Float64, "budget_full": pl.Float64, "executed": pl.Float64,
    "execution_weight_given": pl.Float64, "self_execution_score": pl.Float64, "self_total": pl.Float64,
    "goal_expected": pl.String, "goal_actual": pl.String, "source_file": pl.String, "source_ref": pl.String,
    "selfeval_unfilled_rows": pl.List(UNFILLED_ROW),
    # the cells of the form that could not be read (``place：message``), left empty
    "selfeval_unreadable": pl.List(pl.String),
}  # fmt: skip
_TEMPLATE_FIELDS = {
    "分值": "weight_given", "实际完成值": "actual_raw", "定性评价档次": "band", "定性得分比例": "band_fraction",
    "偏差原因分析及改进措施": "deviation_reason", "自评得分": "self_score",
    "全年预算数（万元）": "budget_full", "全年执行数（万元）": "executed", "自评总分": "self_total",
}  # fmt: skip


@dataclass(frozen=True)
class Actuals:
    """Actual values per indicator and execution figures per project, with self-scores if given."""

    projects: pl.DataFrame
    indicators: pl.DataFrame
    # the files left out because another file holds the same self-evaluation (``source_file``, ``same_as``)
    repeated: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REPEATED_COLUMNS))


def _from_tables(tables: list[Table], file: str, why: str = "") -> tuple[pl.DataFrame, pl.DataFrame]:
    """The self-evaluations among ``tables``; none is refused, naming the header found instead, else
    ``why`` (what the format's reader saw in tables it did not hand over)."""
    selfevals = [t for t in tables if is_selfeval(t)]
    if not selfevals:
        found = header_found(tables) or (f"；{why}" if why else "")
        raise InputError(file, None, f"未找到绩效自评表（应含“一级指标”“实际完成值”列{found}）")
    projects, indicators = [], []
    seen: dict[str, int] = {}
    for table in (form for t in selfevals for form in split_forms(t)):
        project, rows = read_selfeval(table, file)
        pid = project_id(project["unit_code"], project["year"], project["project_name"], project["unit_name"])
        # two forms of one name in one file are two projects, told apart as the target tables tell them
        seen[pid] = seen.get(pid, 0) + 1
        pid = pid if seen[pid] == 1 else f"{pid}-{seen[pid]}"
        projects.append(project | {"project_id": pid, "source_file": file})
        rows = [row | {"source_file": file} for row in rows]
        indicators.extend(
            row
            | {
                "project_id": pid,
                "unit_code": project["unit_code"],
                "project_name": project["project_name"],
                "source_file": file,
            }
            for row in rows
        )
    frame = pl.DataFrame(
        projects,
        schema_overrides={"selfeval_unfilled_rows": pl.List(UNFILLED_ROW), "selfeval_unreadable": pl.List(pl.String)},
        infer_schema_length=None,
    )
    return _typed(frame, ACTUAL_PROJECT_COLUMNS), _typed(pl.DataFrame(indicators), ACTUAL_INDICATOR_COLUMNS)


def _typed(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in schema.items() if c not in frame.columns]
    return frame.with_columns(missing).select([pl.col(c).cast(t) for c, t in schema.items()])


def _numbers(frame: pl.DataFrame, columns: list[str], labels: dict[str, str], file: str, sheet: str) -> pl.DataFrame:
    for column in columns:
        # a fraction or score may be written with its % sign; the figure is the same
        value = figure_expr(fold_width(pl.col(column)).str.replace_all("%", ""))
        _refuse(
            frame.filter(value.is_nan()),
            column,
            "不是数字",
            labels,
            file,
            sheet,
        )
        if column == "seq":
            whole = (value >= 1) & (value < 2**31) & (value == value.floor())
            _refuse(frame.filter(value.is_not_null() & ~whole), column, "应为正整数", labels, file, sheet)
        frame = frame.with_columns(value.alias(column))
    return frame


def _refuse(bad: pl.DataFrame, column: str, problem: str, labels: dict[str, str], file: str, sheet: str) -> None:
    if bad.height:
        raise InputError(file, f"工作表“{sheet}”第{bad['_line'][0]}行", f"{labels[column]}“{bad[column][0]}”{problem}")


def _template_sheet(frame: pl.DataFrame, columns: list, file: str, sheet: str) -> pl.DataFrame:
    headers = [str(h or "").strip() for h in frame.row(0)]
    expected = [c[0] for c in columns]
    missing = [h for h in expected if h not in headers]
    if missing:
        raise InputError(file, f"工作表“{sheet}”第1行", f"缺少列：{'、'.join(missing)}")
    names = {h: (source or _TEMPLATE_FIELDS[h]) for h, source, _ in columns}
    body = frame.slice(1).with_row_index("_line", offset=2)
    body = body.select(
        "_line",
        *[
            pl.col(frame.columns[headers.index(h)]).str.strip_chars().replace("", None).alias(n)
            for h, n in names.items()
        ],
    )
    return body.filter(pl.col("project_id").is_not_null())


def _from_template(sheets: dict[str, pl.DataFrame], file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    ind = _template_sheet(sheets[INDICATOR_SHEET], INDICATOR_COLUMNS, file, INDICATOR_SHEET)
    labels = {v: k for k, v in _TEMPLATE_FIELDS.items()} | {"seq": "序号"}
    ind = _numbers(ind, ["weight_given", "band_fraction", "self_score", "seq"], labels, file, INDICATOR_SHEET)
    ind = ind.with_columns(
        source_file=pl.lit(file),
        source_ref=pl.format("工作表“{}”第{}行", pl.lit(INDICATOR_SHEET), "_line"),
    )
    proj = _template_sheet(sheets[PROJECT_SHEET], PROJECT_COLUMNS, file, PROJECT_SHEET)
    proj = _numbers(proj, ["budget_full", "executed", "self_total"], labels, file, PROJECT_SHEET)
    proj = proj.with_columns(
        source_file=pl.lit(file), source_ref=pl.format("工作表“{}”第{}行", pl.lit(PROJECT_SHEET), "_line")
    )
    return _typed(proj, ACTUAL_PROJECT_COLUMNS), _typed(ind, ACTUAL_INDICATOR_COLUMNS)


_TABLE_SOURCES = {"xls": xls.split_tables, "doc": doc.split_tables}
# PDFs and web pages say why they hold no table (a PDF's pages and columns, a mirror's rewritten page)
_TABLE_SOURCES_WITH_WHY = {"pdf": pdf.tables_or_why, "html": html.tables_or_why}


def read_actuals_file(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read one actuals file into (projects, indicators) frames."""
    data, file = path.read_bytes(), str(path)
    kind = detect_format(data, path)
    if kind == "word_text":
        return _from_tables(word_text.split_tables(decode_text(data, file)), file)
    if kind == "docx":
        tables = docx_format.split_tables(data, file)
        return _from_tables(tables, file, "" if tables else docx_format.tables_without_levels(data, file))
    if kind in _TABLE_SOURCES_WITH_WHY:
        tables, why = _TABLE_SOURCES_WITH_WHY[kind](data, file)
        return _from_tables(tables, file, why)
    if kind in _TABLE_SOURCES:  # .xls, .doc/.wps: tables laid on their grid
        return _from_tables(_TABLE_SOURCES[kind](data, file), file)
    if kind == "xlsx":
        sheets = read_sheets(data, file)
        if INDICATOR_SHEET in sheets and PROJECT_SHEET in sheets:
            return _from_template(sheets, file)
        # laid on the grid with the sheet's merged ranges, as the target tables are (a merged cell is one
        # cell), its hidden rows left out
        return _from_tables(as_tables(xls.layout_tables(xlsx.visible_sheets(data, file))), file)
    raise InputError(
        file, None, "实际完成值应为绩效自评表（Word 导出文本、.docx、.xlsx）或 perfkit template 生成的填报表"
    )


def load_actuals(*paths: str | Path) -> Actuals:
    """Load every actuals file; indicators are numbered per project and merged level-1 cells filled."""
    from perfkit.load import source_files

    files = source_files(paths)
    if not files:
        raise InputError(", ".join(map(str, paths)), None, "没有可读取的文件")
    frames = [read_actuals_file(p) for p in files]
    projects, indicators, repeated = without_repeats(
        pl.concat([p for p, _ in frames]), pl.concat([i for _, i in frames])
    )
    indicators = indicators.with_columns(
        level1=pl.col("level1").replace("", None).forward_fill().over("project_id"),
        seq=pl.coalesce("seq", (pl.int_range(pl.len()).over("project_id") + 1).cast(pl.Int32)),
        deviation_reason=pl.col("deviation_reason").replace("", None),
        actual_raw=pl.col("actual_raw").replace("", None),
    )
    return Actuals(projects, indicators, repeated)
