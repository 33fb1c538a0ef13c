"""Loader for flat tables (``.csv``, ``.xlsx``): one row per indicator, project fields repeated.

Two layouts are accepted. In the *inline* layout 指标值 holds the whole target cell (``≥26场``);
in the *split* layout of budget-system exports (预算管理一体化) the comparator and unit have columns
of their own: 指标性质 (``≥``, ``≤``, ``=``, ``定性``) | 指标值 | 度量单位. Headers may be Chinese or
the English contract names. Project cells left empty under a merged cell continue the row above
(see :func:`_continued`); every sheet of a workbook is read, each sheet on its own.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re

import fastexcel
import polars as pl

from perfkit.errors import InputError
from perfkit.frames import group_numbers, on_distinct
from perfkit.load.layout.labels import CLOSING_LABELS, MONEY_NOTE
from perfkit.load.layout.money import SCALE_STATEMENT
from perfkit.load.layout.once import parsed_once
from perfkit.load.layout.project_part import UNIT_CODE_AND_NAME
from perfkit.schema import PROJECTS
from perfkit.targets import comparator_expr
from perfkit.text import MONEY_TO_WAN, OP_SYMBOLS, figure_expr, fold_width_text

# Accepted headers → contract column. Headers are compared with whitespace and a trailing
# parenthesis such as （万元） removed.
COLUMN_ALIASES = {
    "unit_code": ("单位编码", "单位代码", "预算单位编码", "预算单位代码"),
    "unit_name": ("单位名称", "预算单位", "预算单位名称"),
    "year": ("年度", "预算年度", "年份"),
    "project_name": ("项目名称",),
    "budget_total": ("预算数", "预算金额", "年度预算数", "资金总额", "项目金额"),
    "budget_fiscal": ("财政资金", "其中：财政资金", "其中:财政资金", "财政拨款"),
    "budget_other": ("其他资金",),
    "purpose": ("资金用途", "项目用途", "预算规模及资金用途"),
    "goal_text": ("绩效目标", "年度绩效目标", "年度总体目标", "总体目标"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标名称"),
    "description": ("绩效指标描述", "指标描述", "指标解释"),
    "target_op": ("指标性质", "运算符", "比较符"),
    # in the split layout the value column is 指标值 / target_value, joined back into target_raw
    "target_raw": ("指标值", "年度指标值", "目标值", "target_value"),
    "target_unit": ("度量单位", "计量单位"),
}
REQUIRED = ("project_name", "budget_total", "level1", "name", "target_raw")  # a unit may have no code
PROJECT_FIELDS = (
    "unit_code", "unit_name", "year", "project_name", "budget_total", "budget_fiscal", "budget_other", "purpose", "goal_text",
)  # fmt: skip
BUDGET_FIELDS = ("budget_total", "budget_fiscal", "budget_other")
_UNIT_FIELDS = ("unit_code", "unit_name", "year")
_SHEET = ["_file_no", "_part"]
_ORDER = ["_file_no", "_part", "_line"]  # the order of rows: files, their sheets, lines
_HEADER_FIELDS = {alias: name for name, aliases in COLUMN_ALIASES.items() for alias in (*aliases, name)}
_QUALITATIVE = ("定性", "qualitative")
_HEADER_SEARCH_ROWS = 20
YEAR_RANGE = (PROJECTS["year"][2]["ge"], PROJECTS["year"][2]["le"])


def _header_key(text: str | None) -> str:
    return re.sub(r"[（(][^）)]*[）)]$", "", re.sub(r"\s+", "", text or ""))


# a header's key starts with the cell's first non-blank character: most body cells need no key
_HEADER_FIRST = frozenset(alias[0] for alias in _HEADER_FIELDS)


@functools.lru_cache(maxsize=2**16)  # the first rows of every file are searched for the header
def _header_field(cell: str | None) -> str | None:
    """The contract column a header cell names, or None."""
    first = (cell or "")[:1]
    if first.isspace():
        first = cell.lstrip()[:1]
    return _HEADER_FIELDS.get(_header_key(cell)) if first in _HEADER_FIRST else None


def read_csv(data: str, file: str) -> pl.DataFrame:
    """Read a CSV flat table (text already decoded) into canonical rows for :func:`finish_flat`."""
    first_line = data.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff")), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:  # e.g. an unclosed quote that swallows the rest of the file
        raise InputError(file, _failing_record(data, delimiter), f"CSV 格式错误（{exc}），可能有未闭合的引号") from None
    header_at = _find_header_row(rows[:_HEADER_SEARCH_ROWS], file, "")
    width = len(rows[header_at])
    body = rows[header_at + 1 :]
    # places are lines as an editor shows them: a quoted cell may hold line breaks
    start = header_at + 2 + _breaks(rows[: header_at + 1])  # the line the first body record starts on
    # map, set, index and compress run in C: no Python loop over the rows of a large file
    lengths = list(map(len, body))
    if wrong := set(lengths) - {0, width}:
        first = min(lengths.index(n) for n in wrong)
        line = start + first + _breaks(body[:first])
        raise InputError(file, f"第{line}行", f"有{lengths[first]}列，表头有{width}列")
    lines = list(itertools.compress(range(start, start + len(body)), lengths))  # blank lines carry no data
    body = list(itertools.compress(body, lengths))
    columns = list(zip(*body, strict=True)) if body else [() for _ in range(width)]
    names = [f"c{i}" for i in range(width)]
    frame = pl.DataFrame(
        {"_line": lines, **dict(zip(names, map(list, columns), strict=True))},
        schema={"_line": pl.Int64, **dict.fromkeys(names, pl.String)},
    )
    if '"' in data:  # line breaks inside quoted cells push every later record down
        breaks = pl.sum_horizontal(pl.col(names).str.count_matches("\n", literal=True))
        frame = frame.with_columns(_line=pl.col("_line") + breaks.cum_sum() - breaks)
    return _canonical(frame, rows[header_at], file, prefix="", above=rows[:header_at])


def _breaks(records: list[list[str]]) -> int:
    """Line breaks inside the cells of ``records`` (a few header rows, or the rows before an error)."""
    return sum(cell.count("\n") for record in records for cell in record)


def _failing_record(data: str, delimiter: str) -> str:
    """The line on which the record that the csv module cannot read starts (only on the error path)."""
    reader = csv.reader(io.StringIO(data.lstrip("\ufeff")), delimiter=delimiter)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        pass
    return f"第{start}行"


@parsed_once
def read_sheets(data: bytes, file: str) -> dict[str, pl.DataFrame]:
    """Every sheet of an ``.xlsx`` as a frame of strings, without a header row, in sheet order."""
    sheets = {}
    name = None
    try:
        reader = fastexcel.read_excel(data)
        for name in reader.sheet_names:
            sheet = reader.load_sheet_by_name(name, header_row=None, dtypes="string")
            sheets[name] = pl.from_arrow(sheet.to_arrow())
    except Exception as exc:  # fastexcel raises its own family for corrupt workbooks and sheets
        place = f"工作表“{name}”" if name is not None else None
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(file, place, f"无法读取 Excel 文件（{first_line}）") from None
    return sheets


def sheet_rows(frame: pl.DataFrame, name: str, file: str, part: int = 0) -> pl.DataFrame:
    """One sheet (a frame of strings without a header row, as :func:`read_sheets` gives it) as
    canonical rows; a sheet without a header, or whose header lacks a required column, raises
    :class:`InputError`. ``part`` is the sheet's number in its workbook."""
    rows = [list(r) for r in frame.head(_HEADER_SEARCH_ROWS).iter_rows()]
    header_at = _find_header_row(rows, file, f"工作表“{name}”")
    names = [f"c{i}" for i in range(frame.width)]
    body = frame.rename(dict(zip(frame.columns, names, strict=True))).with_row_index("_line", offset=1)
    body = body.slice(header_at + 1).with_columns(pl.col("_line").cast(pl.Int64))
    return _canonical(body, rows[header_at], file, prefix=f"工作表“{name}”", above=rows[:header_at], part=part)


def _find_header_row(rows: list[list], file: str, where: str) -> int:
    best, best_fields = None, set()
    for i, row in enumerate(rows):
        fields = {_header_field(c) for c in row if c is not None} - {None}
        if len(fields) > len(best_fields):
            best, best_fields = i, fields
    if best is None or len(best_fields) < 3:
        raise InputError(file, where or None, "未找到表头行（应含 项目名称、一级指标、指标值 等列）")
    missing = [COLUMN_ALIASES[f][0] for f in REQUIRED if f not in best_fields]
    if missing:
        place = f"{where}第{best + 1}行" if where else f"第{best + 1}行"
        raise InputError(file, place, f"缺少必需的列：{'、'.join(missing)}")
    return best


_INDICATOR_CELLS = (
    "level1", "level2", "name", "description", "target_raw", "target_op", "target_unit", "target_value_written",
)  # fmt: skip
FLAT_COLUMNS = (*PROJECT_FIELDS, *_INDICATOR_CELLS)


def _money_scale(header: list, above: list[list], file: str = "", where: str = "") -> float:
    """万元 per unit of the budget columns: a unit in a budget header's brackets (``预算数（元）``,
    ``预算数（单位：元）``), or ``单位：元`` in a line above the header; 万元 when neither is written.
    Where the two disagree the file is refused, naming both."""
    stated = []
    for cell in header:
        in_brackets = re.search(MONEY_NOTE + "$", re.sub(r"\s+", "", fold_width_text(cell or "")))
        if in_brackets and _HEADER_FIELDS.get(_header_key(cell)) in BUDGET_FIELDS:
            stated.append((in_brackets.group(1), f"表头“{cell.strip()}”"))
            break
    for cell in (c for row in above for c in row if c):
        if m := re.search(SCALE_STATEMENT, fold_width_text(str(cell))):
            stated.append((m.group(2), f"表头上方“{m.group(1)}”"))
            break
    if len({unit for unit, _ in stated}) > 1:
        (_, first), (_, second) = stated
        raise InputError(
            file, where or None, f"金额单位不一致：{first}与{second}，无法确定预算数的单位，请改为一致后再读取"
        )
    return MONEY_TO_WAN[stated[0][0]] if stated else 1.0


def header_columns(header: list) -> tuple[bool, dict[str, str]]:
    """Whether a header row is of the split layout, and its columns (``c0`` …) → contract names."""
    fields = [_header_field(c) for c in header]
    split = "target_op" in fields
    renames = {}
    for i, field in enumerate(fields):
        if field == "target_raw" and split:
            field = "target_value_written"
        if field and field not in renames.values():
            renames[f"c{i}"] = field
    return split, renames


def canonical_columns(renames: dict[str, str]) -> dict[str, pl.Expr]:
    """The :data:`FLAT_COLUMNS` from a frame of columns ``c0`` … (missing ones null)."""
    given = {f: pl.col(c) for c, f in renames.items()}
    return {c: given.get(c, pl.lit(None, dtype=pl.String)) for c in FLAT_COLUMNS}


def _canonical(
    frame: pl.DataFrame, header: list, file: str, prefix: str, above: list[list] = (), part: int | None = None
) -> pl.DataFrame:
    """One file's rows under the contract's column names, as strings (empty rows still in); the rows
    of a workbook's sheet carry its number in the workbook (``_part``; a CSV file has one part)."""
    split, renames = header_columns(header)
    # one select per file; stripping and dropping empty rows happen once for all files in finish_flat
    return frame.select(
        _file=pl.lit(file),
        _prefix=pl.lit(prefix),
        _split=pl.lit(split),
        _scale=pl.lit(_money_scale(header, list(above), file, prefix)),
        _line="_line",
        **canonical_columns(renames),
        **({} if part is None else {"_part": pl.lit(part, dtype=pl.Int32)}),
    )


def _bad_row(frame: pl.DataFrame, message) -> None:
    """Raise for the first row of ``frame`` (in file and line order), if any."""
    if frame.height:
        row = frame.sort([c for c in _ORDER if c in frame.columns]).row(0, named=True)
        raise InputError(row["_file"], f"{row['_prefix']}第{row['_line']}行", message(row))


def _bad_unit_code(row: dict) -> str:
    code = row["unit_code"] or ""
    hint = "（Excel 可能去掉了前导零：请把该列设为文本）" if code.isdigit() and len(code) < 6 else ""
    return f"单位编码“{code}”应为六位数字{hint}"


def finish_flat(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Projects and indicator rows from the canonical rows of any number of flat files, at once.

    Project cells left empty under a merged cell continue the row above (within the file);
    budgets and years must be numbers and agree within a project; split-layout targets are
    joined back into the cell as written.
    """
    if "_part" not in raw.columns:  # CSV files have one part
        raw = raw.with_columns(_part=pl.lit(0, dtype=pl.Int32))
    raw = raw.with_columns(pl.col(FLAT_COLUMNS).str.strip_chars().replace("", None), pl.col("_part").fill_null(0))
    raw = raw.filter(~pl.all_horizontal(pl.col(FLAT_COLUMNS).is_null()))
    frame = _continued(_without_department_rows(raw))
    for name in (*BUDGET_FIELDS, "year"):
        frame = frame.with_columns(_number=on_distinct(frame, name, figure_expr(pl.col(name))))
        frame = frame.with_columns(pl.when(pl.col("_number").is_not_null()).then(pl.col(name)).alias(name))
        number = pl.col("_number")
        label = COLUMN_ALIASES[name][0]
        _bad_row(
            frame.filter(number.is_nan()),
            lambda r, n=name, lb=label: f"{lb}“{r[n]}”不是数字",
        )
        if name == "year":
            whole_year = number.is_between(*YEAR_RANGE) & (number == number.floor())
            _bad_row(
                frame.filter(number.is_not_null() & ~whole_year),
                lambda r: f"年度“{r['year']}”应为{YEAR_RANGE[0]}至{YEAR_RANGE[1]}之间的整数",
            )
        else:
            _bad_row(frame.filter(number < 0), lambda r, n=name, lb=label: f"{lb}“{r[n]}”不能为负数")
        scaled = pl.when(pl.col("_scale") == 1.0).then(number).otherwise((number * pl.col("_scale")).round(6))
        value = number.cast(pl.Int32) if name == "year" else scaled
        frame = frame.with_columns(value.alias(name)).drop("_number")
    _bad_row(frame.filter(pl.col("budget_total").is_null()), lambda r: "预算数为空")
    _bad_row(frame.filter(pl.col("project_name").is_null()), lambda r: "项目名称为空，且上方没有可延续的合并单元格")
    _bad_row(frame.filter(~pl.col("unit_code").str.contains(r"^[0-9]{6}$").fill_null(True)), _bad_unit_code)
    frame = frame.with_columns(
        pl.col("unit_code").fill_null(""), _op=on_distinct(frame, "target_op", comparator_expr(pl.col("target_op")))
    )
    unknown_op = pl.col("_split") & pl.col("target_op").is_not_null() & ~_declared_qualitative()
    _bad_row(
        frame.filter(unknown_op & pl.col("_op").is_null()),
        lambda r: f"指标性质“{r['target_op']}”不是可识别的比较符（应为≥、≤、=、>、<、定性，或不少于、不超过等文字）",
    )
    frame = frame.with_columns(
        target_raw=pl.when(pl.col("_split")).then(_joined_target()).otherwise("target_raw"),
        _qualitative=pl.col("_split") & _declared_qualitative(),
    )
    # a project is (unit, year, name) within a sheet of a file, numbered by its first row
    key = ["_file_no", "_part", "unit_code", "year", "project_name"]
    frame = frame.with_columns(_key=group_numbers(frame, key, "_line", within=["_file_no", "_part"]))
    # rows come in file and line order from the readers: sorting a copy of every cell then changes nothing
    file, part = pl.col("_file_no").diff(), pl.col("_part").diff()
    in_order = (file > 0) | ((file == 0) & ((part > 0) | ((part == 0) & (pl.col("_line").diff() > 0))))
    if not frame.select(in_order.slice(1).all()).item():
        frame = frame.sort(_ORDER)
    disagree = frame.group_by("_file_no", "_key").agg(
        pl.col("_file", "_prefix", "_part").first(),
        pl.col("_line").min(),
        *[pl.col(f).n_unique().alias(f) for f in BUDGET_FIELDS],
    )
    _bad_row(disagree.filter(pl.any_horizontal(pl.col(BUDGET_FIELDS) > 1)), lambda r: "同一项目的各行预算数不一致")
    ref = pl.concat_str(pl.col("_prefix"), pl.lit("第"), pl.col("_line").cast(pl.String), pl.lit("行"))
    projects = (
        frame.group_by("_file_no", "_key", maintain_order=True)
        .agg(pl.col("_file").first(), pl.col(PROJECT_FIELDS).first(), pl.col("_prefix", "_line", "department").first())
        .with_columns(pl.col("budget_fiscal", "budget_other").fill_null(0.0), source_ref=ref)
        .drop("_prefix", "_line")
    )
    indicators = frame.select(
        "_file",
        "_file_no",
        "_key",
        "level1",
        "level2",
        "name",
        "description",
        "target_raw",
        "_qualitative",
        source_ref=ref,
    )
    return projects, indicators


def _without_department_rows(raw: pl.DataFrame) -> pl.DataFrame:
    """``raw`` without rows of no project and no indicator (``820-某镇部门 | 8,827,620.53``: the ``department`` of
    the projects under it, its unit cells continued as if merged); ``820001-某镇人民政府`` gives ``unit_code``."""
    heading = pl.col("project_name").is_null() & pl.all_horizontal(pl.col(_INDICATOR_CELLS).is_null())
    total = heading & pl.col("unit_name").str.replace_all(r"\s", "").is_in(list(CLOSING_LABELS))  # 合计
    if not raw.select(heading.any()).item():  # most exports have none
        frame = raw.with_columns(department=pl.lit(None, dtype=pl.String))
    else:
        frame = raw.with_columns(department=pl.when(heading & ~total).then("unit_name").forward_fill().over(_SHEET))
        filled = (pl.when(~total).then(f).forward_fill().over(_SHEET).alias(f) for f in _UNIT_FIELDS[:2])
        frame = frame.with_columns(filled).filter(~heading)
    if not frame.select(pl.col("unit_code").is_null().any()).item():  # a code column: nothing to split
        return frame
    unit = pl.col("unit_name").str.extract_groups(UNIT_CODE_AND_NAME).struct
    split = pl.col("unit_code").is_null() & unit.field("code").is_not_null()
    return frame.with_columns(
        unit_code=pl.when(split).then(unit.field("code")).otherwise("unit_code"),
        unit_name=pl.when(split).then(unit.field("name").str.strip_chars()).otherwise("unit_name"),
    )


def _continued(raw: pl.DataFrame) -> pl.DataFrame:
    """Project cells left empty under a merged cell, filled within their sheet: a row without a
    project name continues the row above; the unit's cells (单位编码, 单位名称, 年度) merged down a
    unit's rows continue whatever the project; a project's other cells left empty on a row that
    names the project (预算数 merged, 项目名称 written on every row) are the project's. A project is
    one project, its budget counted once, whatever the merge shape."""
    sheet = ["_file_no", "_part"]
    continues = pl.col("project_name").is_null()
    frame = raw
    if raw.select(continues.any()).item():  # exports write the project on every row
        frame = raw.with_columns(
            pl.when(continues).then(pl.col(f).forward_fill().over(sheet)).otherwise(pl.col(f)).alias(f)
            for f in PROJECT_FIELDS
        )
    # only columns written on some rows and left empty on others need more (exports write every cell)
    nulls = frame.select(pl.col(PROJECT_FIELDS).null_count()).row(0, named=True)
    partly = [f for f, n in nulls.items() if 0 < n < frame.height]
    if unit := [f for f in partly if f in _UNIT_FIELDS]:
        frame = frame.with_columns(pl.col(unit).forward_fill().over(sheet))
    if rest := [f for f in partly if f not in _UNIT_FIELDS and f != "project_name"]:
        # a merged cell spans consecutive rows: the project's run of rows (numbered, which is cheaper
        # than a window over its texts)
        run = frame.select(pl.struct(*sheet, *_UNIT_FIELDS, "project_name").rle_id()).to_series()
        frame = frame.with_columns(pl.col(f).fill_null(pl.col(f).drop_nulls().first().over(run)) for f in rest)
    return frame


def _joined_target() -> pl.Expr:
    # 指标性质 written ≥, >=, ≧, ≦, ﹦, 大于等于 … (read in ``_op`` as the 指标值 parser reads comparators)
    symbol = pl.col("_op").replace_strict(OP_SYMBOLS, default="").fill_null("")
    return (
        pl.when(pl.col("target_op").is_in(_QUALITATIVE) | pl.col("target_value_written").is_null())
        .then(pl.col("target_value_written"))
        .otherwise(pl.concat_str([symbol, pl.col("target_value_written"), pl.col("target_unit").fill_null("")]))
    )


def _declared_qualitative() -> pl.Expr:
    return pl.col("target_op").is_in(_QUALITATIVE).fill_null(False)
