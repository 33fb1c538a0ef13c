"""Loader for web pages (``.html``, ``.htm``, a simple ``.mhtml``) saved from a disclosure site.

The page is parsed with lxml's HTML parser and only text is taken from it: scripts, styles and
event attributes are never run or kept. Every innermost ``<table>`` is laid on its grid by the
HTML table rules (``rowspan``/``colspan``), and the tables that hold a target table or a
self-evaluation (by their labels: 项目名称, 一级指标) are kept; navigation, footers and other tables
are left alone. A page that holds a flat table instead (one row per indicator, as systems export
"Excel" files that are really web pages) is read as a flat table.

The encoding comes from the byte-order mark, then the page's ``<meta charset>``, then a UTF-8
check with GB18030 (a superset of GBK and GB2312) as the fallback.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re

import lxml.etree
import lxml.html

from perfkit.errors import InputError
from perfkit.load.layout.mirror import rewritten_copy
from perfkit.load.layout.once import parsed_once
from perfkit.load.layout.spans import (
    NO_TABLES,
    Span,
    SpanTable,
    as_tables,
    flat_rows,
    grid_rows,
    is_ours,
    layout_cells,
)
from perfkit.load.layout.table import Table

# A span larger than this is a damaged or hostile page, not a table a person made; so is a grid
# (rows × columns) larger than MAX_CELLS.
MAX_SPAN = 100
MAX_CELLS = 200_000
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_NOT_TEXT = {"script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg"}
_BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
# GB2312 and GBK pages are read as GB18030, which contains both (and what GBK pages often really use)
_CHINESE = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` starts like a web page (or a saved ``.mhtml`` page)."""
    head = data[:8192]
    for bom, encoding in _BOMS[1:]:
        if head.startswith(bom):
            head = head.decode(encoding, errors="ignore").encode("utf-8")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"mime-version:", b"from:", b"content-type: multipart/related")):
        return b"text/html" in data[:65536].lower()
    return head.startswith(b"<") and any(tag in head for tag in (b"<html", b"<table", b"<!doctype html"))


def decode_page(data: bytes, file: str) -> str:
    """The page's text: BOM, then ``<meta charset>``, then UTF-8, then GB18030."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = _META_CHARSET.search(data[:16384])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        name = "gb18030" if name in _CHINESE else name
        try:
            return data.decode(name)
        except LookupError:
            pass  # an unknown name: fall back to the check below
        except UnicodeDecodeError:
            raise InputError(file, None, f"网页声明编码为 {name}，但内容不是该编码（文件已损坏？）") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(file, None, "无法识别网页编码（应为 UTF-8 或 GBK）") from None


def _mhtml_page(data: bytes, file: str) -> bytes:
    """The HTML part of a saved ``.mhtml`` page, with its charset put back as a meta tag."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            body = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            return f'<meta charset="{charset}">'.encode("ascii") + body if charset else body
    raise InputError(file, None, ".mhtml 文件中没有网页部分（text/html）")


def _cell_text(cell: lxml.html.HtmlElement) -> str:
    """A cell's text: line breaks at ``<br>`` and block elements, white space collapsed as a browser
    does (a no-break space stays a space, an ideographic space stays as written)."""
    pieces: list[str] = []

    def walk(element) -> None:  # a comment or processing instruction is skipped, its tail kept
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if tag is None or tag in _NOT_TEXT:
            return
        if tag in _BREAKS:
            pieces.append("\n")
        if element.text:
            pieces.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                pieces.append(child.tail)
        if tag in _BREAKS - {"br"}:
            pieces.append("\n")

    walk(cell)
    return _lines(pieces)


def _lines(pieces: list[str]) -> str:
    """Text pieces (``"\\n"`` where a block ends) as lines, white space collapsed as a browser does."""
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).replace("\u00a0", " ").strip() for line in _source_lines(pieces))
    return "\n".join(line for line in lines if line)


def _source_lines(pieces: list[str]) -> list[str]:
    # a line break in the page's source is a space; only the breaks added above end a line
    return "".join(p if p == "\n" else re.sub(r"[\r\n]+", " ", p) for p in pieces).split("\n")


def _span(value: str | None) -> int:
    try:
        return min(max(int((value or "1").strip() or 1), 1), MAX_SPAN)
    except ValueError:
        return 1


def _grid(table: lxml.html.HtmlElement, file: str, number: int) -> list[Span]:
    """The table's cells on their grid, by the HTML rules: a cell takes the first free column."""
    spans: list[Span] = []
    taken: set[tuple[int, int]] = set()
    rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    for r, tr in enumerate(rows):
        col = 0
        for cell in tr.xpath("./td | ./th"):
            while (r, col) in taken:
                col += 1
            height = min(_span(cell.get("rowspan")), len(rows) - r)
            width = _span(cell.get("colspan"))
            spans.append(Span(r, col, height, width, _cell_text(cell)))
            taken.update((r + dr, col + dc) for dr in range(height) for dc in range(width))
            col += width
            if col * len(rows) > MAX_CELLS:  # the grid, not only the cells written, must stay small
                raise InputError(file, f"表{number}", f"表格超过 {MAX_CELLS} 个单元格，拒绝读取")
    return spans


def _title(table: lxml.html.HtmlElement) -> str:
    """The table's own ``<caption>``, else the nearest text above it."""
    caption = table.find("caption")
    if caption is not None and (text := _cell_text(caption)):
        return text
    before = table.xpath(
        "preceding::text()[normalize-space()][not(ancestor::script or ancestor::style or ancestor::title)][1]"
    )
    return str(before[0]).strip() if before else ""


def _document(data: bytes, file: str) -> lxml.html.HtmlElement:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"mime-version:", b"from:", b"content-type:")):
        data = _mhtml_page(data, file)
    text = decode_page(data, file)
    # a parser that neither fetches anything nor keeps comments and processing instructions
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        return lxml.html.document_fromstring(text.replace("\x00", ""), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(file, None, f"无法解析网页（{exc}）") from None


def _contexts(document: lxml.html.HtmlElement, tables: list[lxml.html.HtmlElement]) -> dict:
    """Each of ``tables`` → the page's text between the table before it (any of ``tables``) and it,
    one line per paragraph: where ``单位：元`` above a heading is written."""
    wanted, contexts, pieces = set(tables), {}, []
    walker = lxml.etree.iterwalk(document, events=("start", "end"))
    for event, element in walker:
        tag = element.tag.lower() if isinstance(element.tag, str) else None
        if event == "start":
            if element in wanted:
                contexts[element] = _lines(pieces)
                pieces = []
            if tag is None or tag in _NOT_TEXT or element in wanted:
                walker.skip_subtree()
                continue
            if tag in _BREAKS:
                pieces.append("\n")
            if element.text:
                pieces.append(element.text)
        else:
            if tag in _BREAKS - {"br"} or element in wanted:
                pieces.append("\n")
            if element.tail:
                pieces.append(element.tail)
    return contexts


@parsed_once
def _page(data: bytes, file: str) -> list[SpanTable]:
    """Every innermost table of the page on its grid, ours or not (places ``表N第M行``, N counting
    the page's innermost tables), each with the text above it; parsed once in discovery."""
    document = _document(data, file)
    tables = []
    innermost = _innermost_tables(document)
    contexts = _contexts(document, innermost)
    for number, element in enumerate(innermost, start=1):
        spans = _grid(element, file, number)
        height = max((s.row + s.rows for s in spans), default=0)
        rows = [f"表{number}第{r + 1}行" for r in range(height)]
        tables.append(SpanTable(spans, _title(element), f"表{number}", rows, contexts.get(element, "")))
    return tables


def page_tables(data: bytes, file: str) -> list[SpanTable]:
    """The page's target tables and self-evaluations."""
    return [table for table in _page(data, file) if is_ours(table)]


def split_tables(data: bytes, file: str) -> list[Table]:
    """The page's target tables and self-evaluations, as the ``.docx`` reader gives them."""
    return as_tables(page_tables(data, file))


def tables_or_why(data: bytes, file: str) -> tuple[list[Table], str]:
    """The tables :func:`split_tables` gives, or none and why where the page says it (a mirror's
    rewritten copy), for a reader that names what it looked for itself."""
    tables = split_tables(data, file)
    return tables, "" if tables else _why_none(_page(data, file))


def _why_none(tables: list[SpanTable]) -> str:
    return rewritten_copy(text for table in tables for text in table.texts())


def _innermost_tables(document: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    # a page laid out with tables holds the data tables inside layout tables: read the innermost
    return [t for t in document.iter("table") if not t.xpath(".//table")]


def read(data: bytes, file: str):
    """A page's target tables as cells, or its flat table as canonical rows (see :mod:`perfkit.load.layout.spans`)."""
    tables = _page(data, file)
    for number, table in enumerate(tables, start=1):
        rows = grid_rows(table.spans)  # a flat header row has 项目名称 and 一级指标 side by side
        if rows and (frame := flat_rows(rows, file, f"表{number}", context=table.context)) is not None:
            return frame
    ours = [table for table in tables if is_ours(table)]
    if not ours and (why := _why_none(tables)):
        raise InputError(file, None, f"{NO_TABLES}（{why}）")
    return layout_cells(ours, file)
