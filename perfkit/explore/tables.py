"""Tables for people: interactive (itables: sort, search, page) where a browser runs them, and a
static HTML table of the first rows everywhere else — the HTML report and nbval read the static one.

>>> import polars as pl
>>> html = static_html(pl.DataFrame({"rule_title": ["金额单位只写“万”"], "seq": [31]}), rows=5)
>>> "<th>规则</th>" in html and "金额单位只写“万”" in html and "共 1 行" in html
True
"""

from __future__ import annotations

import html as html_lib
from typing import Any

import polars as pl

from perfkit.labels import for_people

DEFAULT_ROWS = 20
_STYLE = (
    "<style>.pk-table{border-collapse:collapse;font-size:12px}.pk-table td,.pk-table th{border:1px solid #ccc;"
    "padding:3px 6px;text-align:left;vertical-align:top}.pk-table th{background:#DDEBF7}</style>"
)
_settings = {"interactive": False}


def set_interactive(on: bool) -> bool:
    """Show tables with itables from now on (``True``) or statically; returns whether itables is used.

    Falls back to static tables when itables is not installed.
    """
    if on:
        try:
            import itables

            itables.init_notebook_mode(connected=False)
        except ImportError:
            on = False
    _settings["interactive"] = on
    return on


def static_html(frame: pl.DataFrame, rows: int = DEFAULT_ROWS, caption: str | None = None) -> str:
    """A plain HTML table of the first ``rows`` rows, with Chinese headers and a row count."""
    people = for_people(frame)
    head = "".join(f"<th>{html_lib.escape(str(c))}</th>" for c in people.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{'' if v is None else html_lib.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in people.head(rows).iter_rows()
    )
    shown = f"共 {frame.height} 行" + (f"，显示前 {rows} 行" if frame.height > rows else "")
    title = f"<b>{html_lib.escape(caption)}</b> " if caption else ""
    return f'{_STYLE}<p>{title}{shown}</p><table class="pk-table"><tr>{head}</tr>{body}</table>'


class Table:
    """A frame for display: ``_repr_html_`` gives the static table, ``_repr_markdown_`` nothing else."""

    def __init__(self, frame: pl.DataFrame, rows: int = DEFAULT_ROWS, caption: str | None = None) -> None:
        self.frame, self.rows, self.caption = frame, rows, caption

    def __repr__(self) -> str:
        return f"表格：{self.caption or ''} 共 {self.frame.height} 行"

    def _repr_html_(self) -> str:
        return static_html(self.frame, self.rows, self.caption)


def show(
    frame: pl.DataFrame, rows: int = DEFAULT_ROWS, caption: str | None = None, interactive: bool | None = None
) -> Any:
    """Display ``frame`` for people: interactive with itables if switched on, else the static table.

    Returns what was displayed (for tests); in a notebook the table appears as a side effect.
    """
    from IPython.display import display

    interactive = _settings["interactive"] if interactive is None else interactive
    if interactive:
        from itables import show as itables_show

        itables_show(
            for_people(frame), caption=f"{caption or ''} 共 {frame.height} 行".strip(), maxBytes=0, show_dtypes=False
        )
        return frame
    table = Table(frame, rows, caption)
    display(table)
    return table
