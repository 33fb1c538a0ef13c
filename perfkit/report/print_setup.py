"""How perfkit's workbooks print: A4 landscape, one page wide, headers and footers, wrapped cells.

A 审计工作底稿 is printed, signed and filed, so every sheet gets the same page setup
(:func:`setup_print`): A4 landscape, fit to one page wide (as many pages tall as needed), the
header row repeated on every page, a page header with the unit and the sheet's title, a footer
with the sheet's 索引号 and ``第 &P 页 共 &N 页``, and a print area. Columns are sized to their text
but never wider than :data:`MAX_WIDTH` (:func:`column_widths`), long texts wrap, and rows get the
height their wrapped text needs (:func:`row_heights`): neither Excel nor LibreOffice grows a row
for wrapped text when the file is opened, so without it the text is cut off on paper.

Widths are in Excel's character units (the width of ``0``); a CJK character takes about two.

>>> import polars as pl
>>> column_widths(pl.DataFrame({"message": ["短", "中文" * 40]}), ["问题说明"])
[40]
>>> row_heights(pl.DataFrame({"message": ["短", "中文" * 40, "一\\n二\\n三"]}), [40])
[16.5, 74.5, 45.5]
"""

from __future__ import annotations

import polars as pl

A4 = 9  # XlsxWriter's paper code
MAX_WIDTH = 40
MIN_WIDTH = 6
LINE_HEIGHT = 14.5  # points per line of 11-point text with a CJK fallback font (Excel: 15 for one Latin line)
ROW_PADDING = 2.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit
# characters that print two columns wide: CJK, Hangul, full-width forms and CJK punctuation
_WIDE = r"[\x{1100}-\x{115F}\x{2E80}-\x{A4CF}\x{AC00}-\x{D7A3}\x{F900}-\x{FAFF}\x{FE30}-\x{FE4F}\x{FF00}-\x{FF60}\x{FFE0}-\x{FFE6}]"


def text_width(expr: pl.Expr) -> pl.Expr:
    """Display width of each string in ``expr``: wide (CJK) characters count two."""
    return expr.str.len_chars() + expr.str.count_matches(_WIDE)


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        [
            (pl.col(c).cast(pl.String) if frame[c].dtype != pl.String else pl.col(c)).fill_null("")
            if frame[c].dtype not in (pl.List, pl.Struct, pl.Object)
            else pl.lit("").alias(c)
            for c in frame.columns
        ]
    )


def column_widths(frame: pl.DataFrame, labels: list[str], cap: int = MAX_WIDTH) -> list[int]:
    """A width per column: its widest line (or label) plus a margin, within [MIN_WIDTH, ``cap``].

    A column is never narrower than its label, so headers print on one line.
    """
    if frame.width == 0:
        return []
    text = _as_text(frame)
    widest = text.select(
        [text_width(pl.col(c).str.split("\n").explode()).max().fill_null(0).alias(c) for c in text.columns]
    ).row(0)
    labelled = pl.select(text_width(pl.Series(labels, dtype=pl.String)))
    return [
        int(max(MIN_WIDTH, label + 2, min(w + 2, cap))) for w, label in zip(widest, labelled.to_series(), strict=True)
    ]


def row_heights(frame: pl.DataFrame, widths: list[float]) -> list[float]:
    """The height in points each row needs so that its wrapped cells show all their lines.

    ``widths`` are the columns' widths (a merged cell: the sum of its columns). A line holds about
    ``width - 1`` narrow characters; every paragraph (``\\n``) starts a line of its own.
    """
    if frame.height == 0:
        return []
    text = _as_text(frame)
    lines = [
        pl.col(c)
        .str.split("\n")
        .list.eval((text_width(pl.element()) / max(w - 1.0, 1.0)).ceil().clip(lower_bound=1))
        .list.sum()
        .alias(c)
        for c, w in zip(text.columns, widths, strict=True)
    ]
    most = text.select(pl.max_horizontal(lines).alias("lines"))["lines"]
    return (most * LINE_HEIGHT + ROW_PADDING).clip(upper_bound=MAX_ROW_HEIGHT).cast(pl.Float64).to_list()


def _header_text(text: str) -> str:
    """``&`` starts a code in Excel headers and footers: a literal one is written twice."""
    return text.replace("&", "&&")


def index_number(prefix: str, position: int) -> str:
    """The 索引号 of the sheet at ``position`` (1-based) of a workbook: ``562301-2025-03``."""
    return f"{prefix}-{position:02d}"


def setup_print(
    sheet,
    entity: str,
    title: str,
    index_no: str,
    last_row: int,
    last_col: int,
    header_row: int | None = None,
    kind: str = "审计工作底稿",
) -> None:
    """A4 landscape, one page wide, ``header_row`` repeated, header (``entity``, ``title``, ``kind``) and
    footer (``index_no``, page numbers), print area to the given cell."""
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.3, right=0.3, top=0.75, bottom=0.75)
    sheet.hide_gridlines(0)  # gridlines on paper too: the tables are read printed
    if header_row is not None:
        sheet.repeat_rows(header_row)
    # header and footer are limited to 255 characters by Excel
    head = f"&L{_header_text(entity)[:100]}&C&12{_header_text(title)[:60]}&R{_header_text(kind)[:40]}"
    sheet.set_header(head, {"margin": 0.3})
    sheet.set_footer(f"&L索引号：{_header_text(index_no)[:60]}&R第 &P 页 共 &N 页", {"margin": 0.3})
    sheet.print_area(0, 0, max(last_row, 0), max(last_col, 0))
