"""Loader for the plain-text export of a Word document (the format of the bundled seed).

In the export every table cell is a line starting with a tab, rows are separated by blank lines,
and a cell of several paragraphs continues on lines without a tab. Each project starts with a
heading line such as ``1.2025年服务妇女儿童公益项目绩效目标表`` (optionally after a
``[bookmark: …]`` marker).
"""

from __future__ import annotations

import re

from perfkit.load.table import Row, Table

_HEADING = re.compile(r"^\s*(?:\[bookmark:[^\]]*\])?\s*(?:\d+\s*[.、．]\s*)?(.*绩效(?:目标(?:申报)?|自评)表)\s*$")


def looks_like_word_text(text: str) -> bool:
    """Whether ``text`` has the tab-per-cell shape of a Word export of target tables."""
    head = text[:200_000]
    return "\n\t" in "\n" + head and ("一级指标" in head or "绩效目标表" in head or "绩效自评表" in head)


def split_tables(text: str) -> list[Table]:
    """Split the export into one :class:`Table` per project heading, with its rows of cells.

    Lines before the first heading form a table of their own when they hold cells, so an export
    of a single table without a heading still loads.
    """
    tables = [Table(title="", ref="第1行")]
    row: list[str] | None = None
    last_row: Row | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("\t"):
            if row is None:
                row = []
                last_row = Row(row, f"第{number}行")
                tables[-1].rows.append(last_row)
            row.append(line[1:])
            last_row.cell_refs.append(f"第{number}行")
        elif not line.strip():
            row = None
        elif heading := _HEADING.match(line):
            tables.append(Table(title=heading.group(1).strip(), ref=f"第{number}行"))
            row = last_row = None
        elif last_row is not None and last_row.cells:
            # a further paragraph of the last cell, possibly after a blank line
            last_row.cells[-1] += "\n" + line
            row = last_row.cells
    return [t for t in tables if t.rows]
