"""Loader for PDFs with a text layer (made by Word, WPS or Excel): their ruled target tables.

Every page is searched for ruled tables (pdfplumber, MIT licence); each table's cells are laid on
the grid of its rule lines, so a merged cell — a cell that crosses grid lines — becomes a span, and
the tables are read in the shape the ``.docx`` reader gives. Only target tables and
self-evaluations (by their labels, :data:`perfkit.load.layout.spans.TABLE_LABELS`) are kept; the other
tables of a long disclosure are left alone.

A table that goes on over a page break is joined: the next page's first table continues the last
one when nothing but running headers stands between them and its columns are the same; the rows
it repeats from the table's top (Word's repeated header rows) or the indicator header are
dropped, and a row cut by the page break is joined back into one (see :func:`_continues`).
Rotated pages (``/Rotate``) are read as shown; each page's rule lines are classified again after
rotation, so float noise cannot turn a horizontal rule into a vertical one.

Places read ``第3页表1第5行`` (page, table on that page, row of that table on that page).
Refused, in one line: a PDF that needs a password, one without a text layer (a scan: OCR first),
a page whose text does not decode (``(cid:…)``, a font without a ToUnicode map), more than
:data:`MAX_PAGES` pages or :data:`MAX_OBJECTS` objects, and a PDF with no target table.
"""

from __future__ import annotations

import bisect
import io
from dataclasses import dataclass, field

import polars as pl

from perfkit.errors import InputError
from perfkit.load.formats.pdf_text import CellText, cell_text, joiner, lines_of
from perfkit.load.formats.pdf_text import fold as fold_text
from perfkit.load.layout.labels import without_levels
from perfkit.load.layout.once import parsed_once
from perfkit.load.layout.spans import NO_TABLES, Span, SpanTable, as_tables, is_ours, layout_cells
from perfkit.load.layout.table import Table
from perfkit.text import squash

MAX_PAGES = 2000
MAX_OBJECTS = 1_000_000
_SNAP = 2.0  # points: rule lines closer than this are one line
_MARGIN = 0.08  # the top and bottom 8 % of a page hold running headers and footers
_SETTINGS = {"vertical_strategy": "explicit", "horizontal_strategy": "explicit", "snap_tolerance": 3}
_OCR = "请先用 OCR 软件识别文字（生成可检索的 PDF）后再读取"


@dataclass
class _Part:
    """One ruled table as found on one page."""

    page: int
    number: int  # the table's number on its page
    top: float
    bottom: float
    xs: list[float]  # the grid's column boundaries
    spans: list[Span]
    texts: dict[int, CellText]  # per span (index): its text and its first and last lines
    refs: list[str]  # per grid row
    title: str = ""
    last_page: int = 0  # the page of its last part, once parts on later pages are joined to it
    alone_at_top: bool = False  # nothing but running headers above it on its page
    alone_at_bottom: bool = False  # nothing but running footers below it on its page
    spans_out: list[Span] = field(default_factory=list)


def _open(data: bytes, file: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        document = pdf.doc
    except Exception as exc:  # pdfminer wraps its own errors; tell a password from damage
        causes = (*exc.args, exc.__cause__, exc.__context__, exc)
        if any(isinstance(c, PDFPasswordIncorrect | PDFEncryptionError) for c in causes):
            raise InputError(file, None, "PDF 已加密，需要密码才能打开：请去除密码后另存") from None
        raise InputError(
            file, None, f"PDF 文件已损坏，无法读取（{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}）"
        ) from None
    objects = sum(len(list(xref.get_objids())) for xref in document.xrefs)
    if objects > MAX_OBJECTS:
        pdf.close()
        raise InputError(file, None, f"PDF 有 {objects} 个对象，超过上限 {MAX_OBJECTS}，拒绝读取")
    try:
        pages = len(pdf.pages)
    except Exception as exc:
        pdf.close()
        raise InputError(file, None, f"PDF 页面结构已损坏（{type(exc).__name__}）") from None
    if pages > MAX_PAGES:
        pdf.close()
        raise InputError(file, None, f"PDF 有 {pages} 页，超过上限 {MAX_PAGES} 页，拒绝读取")
    return pdf


def _edges(page) -> tuple[list[dict], list[dict]]:
    """The page's rule lines (lines and rectangle sides), as vertical and horizontal edges."""
    vertical, horizontal = [], []
    for edge in page.edges:
        x0, x1, top, bottom = edge["x0"], edge["x1"], edge["top"], edge["bottom"]
        if abs(x1 - x0) <= 1 and bottom - top > 1:
            x = (x0 + x1) / 2
            vertical.append({"x0": x, "x1": x, "top": top, "bottom": bottom, "height": bottom - top, "width": 0})
        elif abs(bottom - top) <= 1 and x1 - x0 > 1:
            y = (top + bottom) / 2
            horizontal.append({"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0})
    for e, orientation in [(e, "v") for e in vertical] + [(e, "h") for e in horizontal]:
        e |= {
            "object_type": "line_edge",
            "orientation": orientation,
            "doctop": e["top"],
            "page_number": page.page_number,
        }
    return vertical, horizontal


def _boundaries(values: list[float]) -> list[float]:
    """Sorted positions, those closer than :data:`_SNAP` taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _SNAP:
            out.append(v)
    return out


def _index(bounds: list[float], value: float) -> int:
    return max(bisect.bisect_left(bounds, value - _SNAP), 0)


def _refuse_undecodable(page, file: str) -> None:
    place = f"第{page.page_number}页"
    if any(c["text"].startswith("(cid:") for c in page.chars):
        raise InputError(
            file, place, "文字无法解码（提取出“(cid:…)”，字体缺少 Unicode 映射）：请用原文档重新导出 PDF 或另存为 .docx"
        )
    from pdfminer.pdftypes import resolve1

    used = {c["fontname"] for c in page.chars}
    fonts = resolve1((page.page_obj.resources or {}).get("Font")) or {}
    for font in fonts.values():
        font = resolve1(font) or {}
        name = getattr(resolve1(font.get("BaseFont")), "name", str(font.get("BaseFont", "")))
        encoding = getattr(resolve1(font.get("Encoding")), "name", "")
        type0 = getattr(resolve1(font.get("Subtype")), "name", "") == "Type0"
        # a Type0 font with an Identity encoding gives glyph numbers: only ToUnicode says which character
        if type0 and str(encoding).startswith("Identity") and "ToUnicode" not in font and name in used:
            raise InputError(
                file, place, f"字体“{name}”没有 ToUnicode 映射，文字无法可靠解码：请用原文档重新导出 PDF 或另存为 .docx"
            )


def _page_parts(page) -> list[_Part]:
    """The page's ruled tables, each with its title and whether only running headers or footers
    stand between it and the page's top or bottom."""
    vertical, horizontal = _edges(page)
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    settings = _SETTINGS | {"explicit_vertical_lines": vertical, "explicit_horizontal_lines": horizontal}
    tables = page.find_tables(settings)
    chars = [c for c in page.chars if c["text"].strip()]
    parts = []
    height = float(page.height)
    for number, table in enumerate(sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0])), start=1):
        parts.append(_part(page.page_number, number, table, chars))
    outside = [
        c
        for c in chars
        if not any(p.top - 1 <= c["top"] <= p.bottom + 1 and p.xs[0] - 1 <= c["x0"] <= p.xs[-1] + 1 for p in parts)
    ]
    for i, part in enumerate(parts):
        above = [c for c in outside if height * _MARGIN < c["bottom"] <= part.top]
        below = [c for c in outside if part.bottom <= c["top"] < height * (1 - _MARGIN)]
        previous = parts[i - 1].bottom if i else 0
        part.alone_at_top = i == 0 and not above
        part.alone_at_bottom = i == len(parts) - 1 and not below
        part.title = _heading([c for c in above if c["top"] >= previous])
    return parts


def _heading(chars: list[dict]) -> str:
    """The paragraph just above a table (its lines close together), as its title."""
    lines = lines_of(chars)
    if not lines:
        return ""
    tops = sorted({round(c["top"], 1) for c in chars})
    # walk up from the last line while the lines stand closer than a line and a half apart
    block = [tops[-1]]
    for top in reversed(tops[:-1]):
        if block[-1] - top > 1.6 * lines[-1][2]:
            break
        block.append(top)
    text = "".join(line for line, *_ in lines_of([c for c in chars if round(c["top"], 1) >= block[-1]]))
    return fold_text(text).strip()


def _part(page_no: int, number: int, table, chars: list[dict]) -> _Part:
    """One table's cells as spans on the grid of its rule lines, with their text."""
    cells = table.cells
    xs = _boundaries([x for c in cells for x in (c[0], c[2])])
    ys = _boundaries([y for c in cells for y in (c[1], c[3])])
    top, bottom = ys[0], ys[-1]
    placed = []
    owner: dict[tuple[int, int], int] = {}
    for x0, y0, x1, y1 in sorted(cells, key=lambda c: (c[1], c[0])):
        r0, r1, c0, c1 = _index(ys, y0), _index(ys, y1), _index(xs, x0), _index(xs, x1)
        if r1 <= r0 or c1 <= c0:
            continue
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), len(placed))
        placed.append((r0, c0, r1 - r0, c1 - c0, x0, x1))
    inside: dict[int, list[dict]] = {}
    for ch in chars:
        x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if xs[0] <= x <= xs[-1] and top <= y <= bottom:
            r = min(bisect.bisect_right(ys, y) - 1, len(ys) - 2)
            c = min(bisect.bisect_right(xs, x) - 1, len(xs) - 2)
            if (r, c) in owner:
                inside.setdefault(owner[(r, c)], []).append(ch)
    spans, texts = [], {}
    for i, (r, c, rows, cols, x0, x1) in enumerate(placed):
        texts[i] = cell_text(inside.get(i, []), x0, x1)
        spans.append(Span(r, c, rows, cols, texts[i].text))
    refs = [f"第{page_no}页表{number}第{r + 1}行" for r in range(len(ys) - 1)]
    return _Part(page_no, number, top, bottom, xs, spans, texts, refs, last_page=page_no)


def _row_texts(part: _Part, row: int) -> list[str]:
    return [squash(s.text) for s in sorted(part.spans, key=lambda s: s.col) if s.row == row]


def _same_columns(a: _Part, b: _Part) -> bool:
    """The same outer borders (the rows on each page may draw different inner ones)."""
    return abs(a.xs[0] - b.xs[0]) <= _SNAP * 2 and abs(a.xs[-1] - b.xs[-1]) <= _SNAP * 2


def _goes_on(table: _Part, part: _Part) -> bool:
    """Whether ``part``, the first table on its page, continues ``table``, the last one of the page
    before: the same outer borders, and nothing but running headers and footers between them — or,
    when text stands between, a part with no labels of its own after a target table, with the same
    columns (dropping it would lose indicator rows without a word). A part that names a project
    (项目名称) below the rows it repeats starts a table of its own."""
    if table.last_page != part.page - 1 or not _same_columns(table, part):
        return False
    skip = _repeated_rows(table, part)
    if any(squash(s.text) == "项目名称" for s in part.spans if s.row >= skip):
        return False  # a table of its own, whatever stands above it
    if table.alone_at_bottom and part.alone_at_top:
        return True
    texts = SpanTable(table.spans, "", "", [])
    return is_ours(texts) and not is_ours(SpanTable(part.spans, "", "", [])) and len(table.xs) == len(part.xs)


def _on_grid(part: _Part, xs: list[float]) -> list[Span]:
    """The part's spans with their columns counted on the grid ``xs`` (a union of both pages' borders)."""
    at = [_index(xs, x) for x in part.xs]
    return [Span(s.row, at[s.col], s.rows, at[s.col + s.cols] - at[s.col], s.text) for s in part.spans]


def _repeated_rows(table: _Part, part: _Part) -> int:
    """How many rows at the top of ``part`` repeat the table's first rows or its indicator header."""
    header = next((_row_texts(table, r) for r in range(len(table.refs)) if "一级指标" in _row_texts(table, r)), None)
    dropped = 0
    while dropped < len(part.refs) - 1:
        texts = _row_texts(part, dropped)
        if not texts or not (texts == _row_texts(table, dropped) or texts == header):
            break
        dropped += 1
    return dropped


def _continues(last: list[tuple[int, Span]], first: list[Span], table: _Part) -> bool:
    """Whether the first row of a page's part goes on with the last row before the break (a row
    cut by the page break): every cell of the row below that holds text stands under a cell whose
    last line runs to its edge, or the row below holds text in one cell only, under a cell of
    several lines, and no label of its own (a cut between two paragraphs)."""
    above = {s.col: (i, s) for i, s in last}
    pairs = [(above[s.col], s) for s in first if s.col in above and above[s.col][1].cols == s.cols]
    filled = [((i, a), b) for (i, a), b in pairs if b.text]
    if len(pairs) != len(first) or not filled:
        return False
    if all(table.texts[i].runs_on for (i, _), _ in filled):
        return True
    return len(filled) == 1 and "\n" in filled[0][0][1].text and not is_ours(SpanTable(first, "", "", []))


def _join(table: _Part, part: _Part) -> None:
    """Append ``part`` (the same table on the next page) to ``table``, in place."""
    xs = _boundaries(table.xs + part.xs)
    table.spans, part.spans, table.xs, part.xs = _on_grid(table, xs), _on_grid(part, xs), xs, xs
    skip = _repeated_rows(table, part)
    last_row = len(table.refs) - 1
    last = [(i, s) for i, s in enumerate(table.spans) if s.row <= last_row < s.row + s.rows]
    first = sorted((s for s in part.spans if s.row == skip), key=lambda s: s.col)
    joined = _continues(last, first, table)
    offset = len(table.refs) - skip - (1 if joined else 0)
    ends = {s.col: i for i, s in last}
    for j, span in enumerate(part.spans):
        if span.row < skip:
            continue
        if joined and span.row == skip and span.col in ends:
            i = ends[span.col]
            above, cut, below = table.spans[i], table.texts[i], part.texts[j]
            text = above.text + joiner(cut.last, cut.short_by, cut.size, below.first, below.lead) + span.text
            if not above.text or not span.text:
                text = above.text or span.text
            table.spans[i] = Span(above.row, above.col, above.rows + span.rows - 1, above.cols, text)
            table.texts[i] = CellText(text, cut.first or below.first, cut.lead or below.lead, *_tail(below, cut))
            continue
        table.texts[len(table.spans)] = part.texts[j]
        table.spans.append(Span(span.row + offset, span.col, span.rows, span.cols, span.text))
    table.refs += part.refs[skip + (1 if joined else 0) :]
    table.bottom, table.alone_at_bottom, table.last_page = part.bottom, part.alone_at_bottom, part.page


def _tail(below: CellText, above: CellText) -> tuple[str, float, float]:
    kept = below if below.last else above
    return kept.last, kept.short_by, kept.size


def split_tables(data: bytes, file: str) -> list[Table]:
    """The PDF's target tables and self-evaluations, joined over page breaks, as the ``.docx`` reader gives them."""
    return as_tables(document_tables(data, file))


def tables_or_why(data: bytes, file: str) -> tuple[list[Table], str]:
    """The tables :func:`split_tables` gives, or none and why (``共2页，没有含…的表格``), for a reader
    that names what it looked for itself (a self-evaluation is not a target table)."""
    ours, why = _ours_or_why(data, file)
    return as_tables(ours), why


def document_tables(data: bytes, file: str) -> list[SpanTable]:
    """The PDF's target tables and self-evaluations, joined over page breaks; none is refused."""
    ours, why = _ours_or_why(data, file)
    if why:
        raise InputError(file, None, f"{NO_TABLES}（{why}）")
    return ours


def _ours_or_why(data: bytes, file: str) -> tuple[list[SpanTable], str]:
    """The PDF's tables that are ours, or none and why: the pages read, and a table with indicator
    columns but no levels where there is one."""
    tables, pages = _all_tables(data, file)
    ours = [t for t in tables if is_ours(t)]
    if ours:
        return ours, ""
    why = next((f"；{t.ref}{w}" for t in tables if (w := without_levels(t.texts()))), "")
    return [], f"共{pages}页，没有含“项目名称”或“一级指标”的表格{why}"


@parsed_once
def _all_tables(data: bytes, file: str) -> tuple[list[SpanTable], int]:
    """Every table of the PDF, joined over page breaks, and the number of pages."""
    pdf = _open(data, file)
    joined: list[_Part] = []
    scanned, has_text, pages = [], False, 0
    try:
        for page in pdf.pages:
            pages += 1
            if not any(c["text"].strip() for c in page.chars):
                if page.images:
                    scanned.append(page.page_number)
                page.close()
                continue
            has_text = True
            _refuse_undecodable(page, file)
            for k, part in enumerate(_page_parts(page)):
                previous = joined[-1] if joined else None
                if previous is not None and k == 0 and _goes_on(previous, part):
                    _join(previous, part)
                else:
                    joined.append(part)
            page.close()
    finally:
        pdf.close()
    if not has_text:
        raise InputError(file, None, f"PDF 没有文字层（是扫描件），{_OCR}")
    if scanned:
        raise InputError(
            file, f"第{scanned[0]}页", f"此页是扫描图像，没有文字层，其中的表格无法读取：{_OCR}，或删去此页"
        )
    return [SpanTable(p.spans, p.title, f"第{p.page}页表{p.number}", p.refs) for p in joined], pages


def read(data: bytes, file: str) -> pl.DataFrame:
    """The PDF's target tables as cells for :func:`perfkit.load.layout.table.read_tables`."""
    return layout_cells(document_tables(data, file), file)
