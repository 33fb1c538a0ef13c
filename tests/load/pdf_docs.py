"""Small PDFs written byte by byte, for the PDF reader's refusals (no office suite needed).

:func:`one_page_pdf` writes a one-page PDF with one font and one content stream; the fonts below
are the cases a reader must not guess at: a CID font without a ToUnicode map whose glyph numbers
pdfminer cannot name (text comes out as ``(cid:1)``), and one whose numbers it would read in a
character collection the font may not follow.
"""

from __future__ import annotations

HELVETICA = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>"


def cid_font(ordering: bytes) -> bytes:
    """A Type0 font with an Identity-H encoding and no ToUnicode map (its descendant is object 6)."""
    return b"<</Type/Font/Subtype/Type0/BaseFont/NoMap/Encoding/Identity-H/DescendantFonts[6 0 R]>>"


def _descendant(ordering: bytes) -> bytes:
    return (
        b"<</Type/Font/Subtype/CIDFontType0/BaseFont/NoMap/CIDSystemInfo<</Registry(Adobe)/Ordering("
        + ordering
        + b")/Supplement 0>>/FontDescriptor 7 0 R>>"
    )


_DESCRIPTOR = (
    b"<</Type/FontDescriptor/FontName/NoMap/Flags 4/FontBBox[0 0 1000 1000]/ItalicAngle 0"
    b"/Ascent 800/Descent -200/CapHeight 700/StemV 80>>"
)


def _written(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the catalog first) with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def one_page_pdf(content: bytes, font: bytes = HELVETICA, ordering: bytes = b"Identity", pages: int = 1) -> bytes:
    """A PDF of ``pages`` equal pages drawing ``content`` with ``font`` as /F1."""
    kids = b" ".join(b"%d 0 R" % (8 + i) for i in range(pages))
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[" + kids + b"]/Count %d>>" % pages,
        b"<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream",
        font,
        b"<<>>",
        _descendant(ordering),
        _DESCRIPTOR,
    ]
    page = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>/Contents 3 0 R>>"
    objects += [page] * pages
    return _written(objects)


def text_pdf(text: bytes = b"Department budget 2025", pages: int = 1) -> bytes:
    """A PDF with a line of text and no table on each page."""
    return one_page_pdf(b"BT /F1 12 Tf 72 760 Td (" + text + b") Tj ET", pages=pages)


def undecodable_pdf() -> bytes:
    """Text drawn in a CID font that pdfminer can only name by glyph number: ``(cid:1)(cid:2)``."""
    return one_page_pdf(b"BT /F1 12 Tf 72 760 Td <00010002> Tj ET", cid_font(b"Identity"))


def no_to_unicode_pdf() -> bytes:
    """Text drawn in an Identity-H CID font without ToUnicode that claims the Adobe-GB1 collection:
    pdfminer reads its glyph numbers as GB1 characters, which a subset font need not follow."""
    return one_page_pdf(b"BT /F1 12 Tf 72 760 Td <0F9E0FA0> Tj ET", cid_font(b"GB1"), ordering=b"GB1")


def text_then_scan_pdf() -> bytes:
    """Page 1 has a line of text; page 2 is only an image (a scanned page in a text PDF)."""
    text = b"BT /F1 12 Tf 72 760 Td (Department budget 2025) Tj ET"
    scan = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    pixel = b"\x80"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[4 0 R 5 0 R]/Count 2>>",
        HELVETICA,
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>>>/Contents 6 0 R>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</XObject<</Im1 8 0 R>>>>/Contents 7 0 R>>",
        b"<</Length %d>>\nstream\n" % len(text) + text + b"\nendstream",
        b"<</Length %d>>\nstream\n" % len(scan) + scan + b"\nendstream",
        b"<</Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace/DeviceGray/BitsPerComponent 8/Length 1>>\n"
        b"stream\n" + pixel + b"\nendstream",
    ]
    return _written(objects)
