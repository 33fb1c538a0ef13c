"""Loader for ``.xlsx`` workbooks: every sheet, flat or laid out as in Word.

A sheet whose header row names the flat columns (项目名称 beside 一级指标, 指标值 …) is a flat table
and stays on the fast path: fastexcel reads it as strings, the flat reader takes it from there.
Any other sheet that holds a label of ours (项目名称, 一级指标) is laid out as in Word: calamine
reads it again with its merged ranges, and it is cut into forms and laid on the grid as the
``.xls`` reader does (:func:`perfkit.load.formats.xls.layout_tables`). A hidden row is left out:
what a hidden row holds is not a live indicator (nor a live value of the project part); the rows
left out keep their numbers out of every place, so the places stay those of the sheet, and
:func:`hidden_rows` names them. Flat sheets keep their hidden rows: finding them means inflating
every sheet's XML once more, about 5% of a flat load (a place for it: ``hidden_rows`` and
``xls.Sheet.numbers``).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from io import BytesIO

import polars as pl
from lxml import etree

from perfkit.errors import InputError
from perfkit.load.formats import xls
from perfkit.load.layout import flat
from perfkit.load.layout.labels import LEVELLESS_ROW
from perfkit.load.layout.spans import TABLE_LABELS, layout_cells
from perfkit.text import label_key_expr

_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_HIDDEN = re.compile(rb"""\bhidden\s*=\s*["'](?:1|true)["']""")
_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def read(data: bytes, file: str) -> pl.DataFrame:
    """Every sheet of the workbook: flat sheets as canonical rows, sheets laid out as in Word as cells."""
    frames, layout, missing = [], [], None
    for part, (name, frame) in enumerate(flat.read_sheets(data, file).items()):
        try:
            frames.append(flat.sheet_rows(frame, name, file, part))
        except InputError as exc:  # a flat header lacking a column is a flat table's error
            if _has_labels(frame) and not _flat_header(frame):
                layout.append(name)
            else:
                missing = missing or exc
    if layout and (tables := xls.layout_tables(visible_sheets(data, file, layout))):
        frames.insert(0, layout_cells(tables, file))
    if frames:
        return pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
    raise missing or InputError(file, None, xls.NOT_FOUND)


def _has_labels(frame: pl.DataFrame) -> bool:
    """Whether a sheet holds a label of ours (a form laid out as in Word, or a self-evaluation)."""
    if not frame.width:
        return False
    squashed = pl.col(frame.columns).str.replace_all(r"\s", "")
    if frame.select(pl.any_horizontal(squashed.is_in(list(TABLE_LABELS)).any())).item():
        return True
    # a row that heads indicators without levels (指标名称： | 计量单位 | 年初指标值（%） …), by the label keys
    # the other readers compare; only rows with 指标 in a cell can hold one
    rows = frame.filter(pl.any_horizontal(pl.col(frame.columns).str.contains("指标", literal=True)))
    keys = label_key_expr(pl.col(frame.columns).fill_null(""))
    has = {name: pl.any_horizontal(keys.is_in(list(labels))) for name, labels in LEVELLESS_ROW.items()}
    return rows.select((has["name"] & has["target"] & ~has["level"]).any()).item()


def _flat_header(frame: pl.DataFrame) -> bool:
    """Whether one of the first rows is a flat header: 项目名称 beside 一级指标."""
    rows = frame.head(flat._HEADER_SEARCH_ROWS).iter_rows()
    return any({"project_name", "level1"} <= {flat._header_field(c) for c in row} for row in rows)


def visible_sheets(data: bytes, file: str, names: list[str] | None = None) -> list[xls.Sheet]:
    """The sheets ``names`` (or every sheet) with their merged ranges, their hidden rows left out:
    what a hidden row holds is no live indicator, target or actual value."""
    sheets = xls.workbook_sheets(data, file, names, kind=".xlsx")
    hidden = hidden_rows(data, [s.name for s in sheets])
    return [_without(s, hidden.get(s.name, set())) for s in sheets]


def hidden_rows(data: bytes, names: list[str]) -> dict[str, set[int]]:
    """The hidden rows (0-based) of the sheets ``names``, from their XML (``<row r="8" hidden="1">``)."""
    with zipfile.ZipFile(BytesIO(data)) as archive:  # already checked by perfkit.load.formats.sniff
        book = etree.fromstring(archive.read("xl/workbook.xml"))
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        found = {}
        for sheet in book.iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(_REL))
            if sheet.get("name") not in names or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            try:
                xml = archive.read(path)
            except KeyError:
                continue
            if b"hidden" not in xml:
                continue
            found[sheet.get("name")] = {
                int(number.group(1)) - 1
                for row in _ROW.finditer(xml)
                if _HIDDEN.search(row.group(1)) and (number := _NUMBER.search(row.group(1)))
            }
    return found


def _without(sheet: xls.Sheet, hidden: set[int]) -> xls.Sheet:
    """``sheet`` without its ``hidden`` rows: a merged range keeps its visible rows (and its text)."""
    if not hidden:
        return sheet
    keep = [r for r in range(len(sheet.rows)) if r not in hidden]
    at = {r: i for i, r in enumerate(keep)}
    rows = [list(sheet.rows[r]) for r in keep]
    merged = []
    for top, left, height, width in sheet.merged:
        visible = [at[r] for r in range(top, top + height) if r in at]
        if visible:
            if top in hidden and left < len(sheet.rows[top]) and left < len(rows[visible[0]]):
                rows[visible[0]][left] = sheet.rows[top][left]
            merged.append((visible[0], left, len(visible), width))
    return xls.Sheet(sheet.name, rows, merged, [r + 1 for r in keep])
