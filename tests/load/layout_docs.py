"""Build small ``.docx`` and ``.xlsx`` documents of the layouts perfkit reads, with merged cells.

A table is written as rows of cells in the HTML way: a cell is a text or ``(text, rows, cols)``,
and a position covered by a cell from an earlier row is left out of the later row. All content
is illustrative, made up for the tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

Cell = str | tuple[str, int, int]


def _layout(rows: list[list[Cell]]) -> tuple[list[tuple[int, int, str, int, int]], int]:
    """(row, col, text, rows, cols) of every cell, and the grid width."""
    covered: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            text, height, width = (cell, 1, 1) if isinstance(cell, str) else cell
            placed.append((r, c, text, height, width))
            covered.update((r + dr, c + dc) for dr in range(height) for dc in range(width))
            c += width
    return placed, max(c for _, c in covered) + 1


def add_table(document: Any, rows: list[list[Cell]]) -> None:
    """Append a table of ``rows`` (merged cells as given) to a python-docx ``document``."""
    placed, width = _layout(rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"  # ruled, as published tables are (and as a PDF reader finds them)
    fill_table(table, placed)


def fill_table(table: Any, placed: list[tuple[int, int, str, int, int]]) -> None:
    """Merge and write each placed cell (row, col, text, rows, cols) of a python-docx ``table``; a
    text's lines become the cell's paragraphs."""
    for r, c, text, height, span in placed:
        cell = table.cell(r, c)
        if height > 1 or span > 1:
            cell = cell.merge(table.cell(r + height - 1, c + span - 1))
        lines = text.split("\n")
        for extra in cell.paragraphs[1:]:
            extra._element.getparent().remove(extra._element)
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def write_docx(path: Path, *blocks: str | list[list[Cell]]) -> Path:
    """A ``.docx`` of paragraphs (str) and tables (rows), in the order given."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            add_table(document, block)
    document.save(str(path))
    return path


def write_xlsx(
    path: Path, rows: list[list[Cell]], title: str = "自评表", more: dict[str, list[list[Cell]]] | None = None
) -> Path:
    """An ``.xlsx`` with one sheet holding ``rows``, merged cells merged (and a sheet per entry of
    ``more``, sheet name → rows, after it)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    for n, (name, content) in enumerate({title: rows, **(more or {})}.items()):
        sheet = workbook.active if n == 0 else workbook.create_sheet()
        sheet.title = name
        placed, _ = _layout(content)
        for r, c, text, height, span in placed:
            sheet.cell(row=r + 1, column=c + 1, value=text)
            if height > 1 or span > 1:
                sheet.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + height, end_column=c + span)
    workbook.save(str(path))
    return path
