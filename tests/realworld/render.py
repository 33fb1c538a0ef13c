"""Render a corpus document (``sources/<id>.json``) in the format it was published in.

A source holds its table as a grid in the HTML way: each row lists the cells that start in it, a
cell is a text or ``{"t": text, "rs": rows, "cs": cols}``. :func:`render` writes it as

* ``html``: a web page encoded in GBK with a ``<meta charset>``, the table with ``rowspan`` and
  ``colspan``, the lines before and after it as paragraphs;
* ``docx``: paragraphs and a ruled table with merged cells (a line break inside a cell is a
  paragraph of its own);
* ``pdf``: that ``.docx`` printed by LibreOffice (:func:`print_pdfs`, many files in one call);
* ``xlsx``: one sheet, the lines before the table as rows above it and the lines after as rows
  below, merged ranges merged, line breaks kept in wrapped cells.

Which formats each document gets is data, in ``formats.json`` (id → formats and the reason).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from tests.load.layout_docs import fill_table

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
TRUTH = HERE / "truth"
FORMATS_FILE = HERE / "formats.json"
FORMATS = ("html", "docx", "pdf", "xlsx")
SUFFIX = {"html": ".html", "docx": ".docx", "pdf": ".pdf", "xlsx": ".xlsx"}
NO_SOFFICE = "未安装 LibreOffice（soffice），无法打印 PDF"

# Notes the corpus authors wrote into the before/after lines; they are not part of the page.
_EDITORIAL = re.compile(r"\s*\((?:a second table follows|stored copy ends|the stored text)[^\n]*\)\s*$")
_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.([0-9]+))?$")
Placed = tuple[int, int, str, int, int]  # row, column, text, rows spanned, columns spanned


def document_ids() -> list[str]:
    """The id of every source document, in name order."""
    return sorted(path.stem for path in SOURCES.glob("*.json"))


def load_source(doc_id: str) -> dict[str, Any]:
    return json.loads((SOURCES / f"{doc_id}.json").read_text(encoding="utf-8"))


def load_formats() -> dict[str, dict[str, Any]]:
    """``formats.json`` without its ``_comment``: id → {"formats": [...], "why": "..."}."""
    data = json.loads(FORMATS_FILE.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def cases() -> list[tuple[str, str]]:
    """Every (document, format) to render, in id order; a source without a formats.json entry
    gets the format ``"?"``, which fails when rendered."""
    formats = load_formats()
    return [(i, f) for i in document_ids() for f in formats.get(i, {"formats": ["?"]})["formats"]]


def placed_cells(grid: list[list[Any]]) -> tuple[list[Placed], int]:
    """(row, col, text, rows, cols) of every cell of ``grid``, and the grid's width. A rowspan that
    runs past the last row is cut there, as browsers do (ah-jinzhai-kfq-2021's 绩效指标 label)."""
    covered: set[tuple[int, int]] = set()
    placed: list[Placed] = []
    width = 0
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            text, height, span = (
                (cell, 1, 1) if isinstance(cell, str) else (cell["t"], cell.get("rs", 1), cell.get("cs", 1))
            )
            height = min(height, len(grid) - r)
            placed.append((r, c, text, height, span))
            covered.update((r + dr, c + dc) for dr in range(height) for dc in range(span))
            c += span
            width = max(width, c)
    return placed, width


def page_lines(lines: list[str]) -> list[str]:
    """The lines as the page shows them: the corpus authors' notes in brackets taken out."""
    kept = (_EDITORIAL.sub("", line) for line in lines)
    return [line for line in kept if line.strip()]


def render(source: dict[str, Any], fmt: str, folder: Path) -> Path:
    """Write ``source`` as ``fmt`` into ``folder/fmt/`` and return the file. For ``pdf`` this is the
    ``.docx`` that :func:`print_pdfs` then prints beside it."""
    if fmt not in WRITERS:
        raise ValueError(f"{source['id']}: 未知格式“{fmt}”（formats.json 中应为 {', '.join(FORMATS)} 之一）")
    (folder / fmt).mkdir(parents=True, exist_ok=True)
    suffix = ".docx" if fmt == "pdf" else SUFFIX[fmt]
    return WRITERS[fmt](source, folder / fmt / f"{source['id']}{suffix}")


def render_all(
    wanted: list[tuple[str, str]], folder: Path, soffice: str | None, cache: Path | None = None
) -> dict[tuple[str, str], Path | str]:
    """Render every (document, format) of ``wanted`` into ``folder``: the file, or why there is none
    (a PDF without ``soffice``). All PDFs are printed in one LibreOffice call (see :func:`print_pdfs`
    for ``cache``)."""
    out: dict[tuple[str, str], Path | str] = {}
    to_print: dict[tuple[str, str], Path] = {}
    for doc_id, fmt in wanted:
        path = render(load_source(doc_id), fmt, folder)
        if fmt == "pdf":
            to_print[doc_id, fmt] = path
        else:
            out[doc_id, fmt] = path
    out.update(print_all(to_print, folder, soffice, cache))
    return out


def print_all(
    to_print: dict[tuple[str, str], Path], folder: Path, soffice: str | None, cache: Path | None = None
) -> dict[tuple[str, str], Path | str]:
    """The PDF of every rendered ``.docx`` in ``to_print`` (or why there is none)."""
    if soffice is None:
        return dict.fromkeys(to_print, NO_SOFFICE)
    pdfs = print_pdfs(soffice, list(to_print.values()), folder / "pdf", cache)
    return dict(zip(to_print, pdfs, strict=True))


# --- web page ----------------------------------------------------------------------------------


def _html_text(text: str) -> str:
    # leading spaces carry meaning (tree indentation), and a page keeps them as &nbsp;
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        lines.append("&nbsp;" * (len(line) - len(stripped)) + escape(stripped))
    return "<br>".join(lines)


def write_html(source: dict[str, Any], path: Path) -> Path:
    """A government page: GBK bytes, a meta charset, the table with rowspan/colspan."""
    placed, _ = placed_cells(source["grid"])
    rows: dict[int, list[str]] = {r: [] for r in range(len(source["grid"]))}
    for r, _c, text, height, span in placed:
        spans = (f' rowspan="{height}"' if height > 1 else "") + (f' colspan="{span}"' if span > 1 else "")
        rows[r].append(f"<td{spans}>{_html_text(text)}</td>")
    table = "\n".join(f"<tr>{''.join(cells)}</tr>" for cells in rows.values())
    before = "\n".join(f"<p>{_html_text(line)}</p>" for line in page_lines(source["before"]))
    after = "\n".join(f"<p>{_html_text(line)}</p>" for line in page_lines(source["after"]))
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{escape(source.get("title") or "")}</title></head>
<body><div class="content">
{before}
<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">
{table}
</table>
{after}
</div></body></html>
"""
    # characters outside GBK become character references, as publishing systems write them
    path.write_bytes(page.encode("gbk", errors="xmlcharrefreplace"))
    return path


# --- Word, and PDF printed from Word -----------------------------------------------------------


def write_docx(source: dict[str, Any], path: Path) -> Path:
    """Paragraphs before, a ruled table with merged cells, paragraphs after."""
    import docx
    from docx.enum.section import WD_ORIENT

    placed, width = placed_cells(source["grid"])
    document = docx.Document()
    document.core_properties.title = source.get("title") or ""
    if width > 7:  # wide forms are printed landscape
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for line in page_lines(source["before"]):
        document.add_paragraph(line)
    table = document.add_table(rows=len(source["grid"]), cols=width)
    table.style = "Table Grid"
    fill_table(table, placed)
    for line in page_lines(source["after"]):
        document.add_paragraph(line)
    document.save(str(path))
    return path


def pdf_key(doc_id: str) -> str:
    """What a printed PDF depends on: the source and this renderer (a hash of both)."""
    digest = hashlib.sha256((SOURCES / f"{doc_id}.json").read_bytes() + Path(__file__).read_bytes())
    return f"{doc_id}-{digest.hexdigest()[:16]}"


def print_pdfs(soffice: str, documents: list[Path], folder: Path, cache: Path | None = None) -> list[Path]:
    """Print every ``.docx`` of ``documents`` to PDF in ``folder`` with one LibreOffice call. With
    ``cache``, PDFs printed before from the same source and renderer are copied from it instead."""
    folder.mkdir(parents=True, exist_ok=True)
    pdfs = [folder / f"{doc.stem}.pdf" for doc in documents]
    cached = {pdf: cache / f"{pdf_key(pdf.stem)}.pdf" for pdf in pdfs} if cache else {}
    for pdf, kept in cached.items():
        if kept.exists():
            shutil.copyfile(kept, pdf)
    todo = [doc for doc, pdf in zip(documents, pdfs, strict=True) if not pdf.exists()]
    if todo:
        with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
            subprocess.run(
                [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to", "pdf",
                 "--outdir", str(folder), *map(str, todo)],
                check=True, capture_output=True, timeout=900,
            )  # fmt: skip
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice 未生成 PDF：{', '.join(missing)}")
    for pdf, kept in cached.items():
        if not kept.exists():
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, kept)
    return pdfs


# --- spreadsheet -------------------------------------------------------------------------------


def _xlsx_value(text: str) -> tuple[Any, str | None]:
    """A cell's value and number format: plain numbers are numbers, as in a workbook."""
    if text == "":
        return None, None
    match = _NUMBER.match(text)
    if match:
        decimals = match.group(1)
        return (float(text), "0." + "0" * len(decimals)) if decimals else (int(text), None)
    return text, None


def write_xlsx(source: dict[str, Any], path: Path) -> Path:
    """One sheet: the lines before as rows above the table, the lines after as rows below."""
    import openpyxl
    from openpyxl.styles import Alignment

    placed, width = placed_cells(source["grid"])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    before = page_lines(source["before"])
    for i, line in enumerate(before, start=1):
        sheet.cell(row=i, column=1, value=line)
        if width > 1:
            sheet.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
    top = len(before) + 1
    for r, c, text, height, span in placed:
        cell = sheet.cell(row=top + r, column=c + 1)
        cell.value, number_format = _xlsx_value(text)
        if number_format:
            cell.number_format = number_format
        if "\n" in text:
            cell.alignment = Alignment(wrap_text=True)
        if height > 1 or span > 1:
            sheet.merge_cells(start_row=top + r, start_column=c + 1, end_row=top + r + height - 1, end_column=c + span)
    below = top + len(source["grid"])
    for i, line in enumerate(page_lines(source["after"])):
        sheet.cell(row=below + i, column=1, value=line)
    workbook.save(str(path))
    return path


WRITERS = {"html": write_html, "docx": write_docx, "pdf": write_docx, "xlsx": write_xlsx}
