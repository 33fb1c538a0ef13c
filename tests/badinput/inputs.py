"""Makers of bad (and oddly good) input files for the corpus in ``test_corpus.py``.

Each maker writes one file into a folder and returns its path. Text inputs start from one small
hand-made target table (:func:`word_text`, :data:`CSV_HEADER`); binary inputs start from a valid
``.docx`` / ``.xlsx`` written by :mod:`tests.builders` and are then damaged on purpose.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from string import Template

from tests.builders import _set_cell_text, write_docx, write_flat

PROJECT = {
    "unit_code": "100001", "unit_name": "示例单位", "year": 2025, "project_name": "2025年示例项目",
    "budget_total": 5.0, "budget_fiscal": 5.0, "budget_other": 0.0, "purpose": "用于开展示例活动",
    "goal_text": "1.开展培训不少于2场",
}  # fmt: skip
INDICATORS = [
    (1, 1, "产出指标", "数量指标", "培训场次", "培训场次", "≥2场", ">=", 2.0, "场", "quantitative"),
    (1, 2, "产出指标", "质量指标", "参训率", "参训率", "≥95%", ">=", 95.0, "%", "quantitative"),
    (1, 3, "效益指标", "社会效益指标", "妇女参与度", "参与度", "明显提升", None, None, None, "qualitative"),
    (1, 4, "满意度指标", "服务对象满意度指标", "满意度", "满意度", "≥90%", ">=", 90.0, "%", "quantitative"),
]

# The Word plain-text export of one target table: a tab starts each cell, a blank line ends a row.
# Line numbers matter to the expected messages: the budget is on line 10, the indicator header on
# lines 22-26, the indicator rows start on lines 28, 34, 40 and 46.
WORD_TEXT = Template(
    """1.2025年示例项目绩效目标表
\t100001示例单位
\t单位：万元

\t项目名称
\t2025年示例项目

\t预算规模及资金用途
\t预算数
\t$budget
\t其中：财政资金
\t$fiscal
\t其他资金
\t$other

\t
\t用于开展示例活动

\t绩效目标
\t1.开展培训不少于2场

\t一级指标
\t二级指标
\t三级指标
\t绩效指标描述
\t指标值

\t$level1
\t数量指标
\t培训场次
\t培训场次
\t$target

\t
\t质量指标
\t参训率
\t参训率
\t≥95%

\t效益指标
\t社会效益指标
\t妇女参与度
\t参与度
\t明显提升

\t满意度指标
\t服务对象满意度指标
\t满意度
\t满意度
\t≥90%
"""
)
WORD_DEFAULTS = {"budget": "5.00", "fiscal": "5.00", "other": "", "level1": "产出指标", "target": "≥2场"}


def word_text(**cells: str) -> str:
    """The table above with some cells replaced (``budget``, ``fiscal``, ``other``, ``level1``, ``target``)."""
    return WORD_TEXT.substitute(WORD_DEFAULTS | cells)


def output_blocked_by_a_file(folder: Path) -> Path:
    """A good source, with a file named ``out`` where the output folder should go."""
    (folder / "out").write_text("", encoding="utf-8")
    path = folder / "t.txt"
    path.write_text(word_text(), encoding="utf-8")
    return path


def lines(text: str, drop: tuple[int, ...] = (), stop: int | None = None, replace: dict[int, str] | None = None) -> str:
    """``text`` without the 1-based lines in ``drop``, the lines in ``replace`` replaced, cut after line ``stop``."""
    replace = replace or {}
    kept = [
        replace[number] + "\n" if number in replace else line
        for number, line in enumerate(text.splitlines(keepends=True), start=1)
        if number not in drop
    ]
    return "".join(kept[:stop])


CSV_HEADER = "单位编码,年度,项目名称,预算数,财政资金,其他资金,一级指标,二级指标,三级指标,指标值\n"
CSV_ROWS = [
    "100001,2025,示例项目,5.00,5.00,0,产出指标,数量指标,培训场次,≥2场\n",
    "100001,2025,示例项目,5.00,5.00,0,满意度指标,服务对象满意度指标,满意度,≥90%\n",
]


def csv_text(*rows: str, header: str = CSV_HEADER) -> str:
    return header + "".join(rows or CSV_ROWS)


def text_file(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(text.encode(encoding))
        return path

    return make


def bytes_file(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def noise(size: int, seed: int = 8) -> bytes:
    """Reproducible random bytes (they contain NULs, as binary files do)."""
    return random.Random(seed).randbytes(size)


# --- Office files ---------------------------------------------------------------------------


def good_docx(folder: Path, name: str = "t.docx") -> Path:
    return write_docx(folder / name, [PROJECT], INDICATORS)


def good_xlsx(folder: Path, name: str = "t.xlsx") -> Path:
    return write_flat(folder / name, [PROJECT], INDICATORS)


def rezip(path: Path, change: Callable[[str, bytes], bytes | None], method: int = zipfile.ZIP_DEFLATED) -> Path:
    """Rewrite the archive at ``path`` with each part passed through ``change`` (None drops it)."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", method) as archive:
        for info, data in parts:
            changed = change(info.filename, data)
            if changed is not None:
                archive.writestr(info.filename, changed, method)
    return path


def stored_docx(folder: Path) -> Path:
    """The small table as a .docx whose parts are stored, not compressed (some tools write them so)."""
    return rezip(good_docx(folder), lambda name, data: data, zipfile.ZIP_STORED)


def big_docx(folder: Path) -> Path:
    """The small table as a .docx whose document part carries a 1.5 MB comment (inflated in two chunks)."""
    letters = random.Random(3).choices(b"abcdefghijklmnopqrstuvwxyz ", k=3 * 2**19)
    comment = b"<!--" + bytes(letters) + b"-->"
    return rezip(good_docx(folder), lambda name, data: data + comment if name == "word/document.xml" else data)


def office_with(base: Callable[[Path], Path], part: str, change: Callable[[bytes], bytes]) -> Callable[[Path], Path]:
    """A maker: the valid file from ``base`` with one XML part changed."""

    def make(folder: Path) -> Path:
        return rezip(base(folder), lambda name, data: change(data) if name == part else data)

    return make


def cut_in_half(base: Callable[[Path], Path]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = base(folder)
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        return path

    return make


SECRET = "绝密-XXE-外泄测试"


def with_doctype(doctype: str, tag: bytes, reference: bytes) -> Callable[[bytes], bytes]:
    """Insert ``doctype`` after the XML declaration (or at the start) and ``reference`` after ``tag``."""

    def change(data: bytes) -> bytes:
        if data.startswith(b"<?xml"):
            end = data.index(b"?>") + 2
            data = data[:end] + doctype.encode() + data[end:]
        else:
            data = doctype.encode() + data
        return data.replace(tag, tag + reference, 1)

    return change


def external_entity(secret_file: Path) -> str:
    return f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret_file}">]>'


# "billion laughs": ten levels of ten references each expand to 10^9 copies of "lol"
BILLION_LAUGHS = (
    '<!DOCTYPE x [<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>"
)


def set_zip_sizes(path: Path, part: str, size: int, local_too: bool = False) -> Path:
    """Patch the uncompressed size that the archive declares for ``part`` (central directory, and
    optionally the local header), leaving the compressed data as it is."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(part)
    name = part.encode()
    central = 0
    while True:  # the central directory entry of this part
        central = data.index(b"PK\x01\x02", central)
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            break
        central += 4
    struct.pack_into("<I", data, central + 24, size)
    if local_too:
        struct.pack_into("<I", data, info.header_offset + 22, size)
    path.write_bytes(bytes(data))
    return path


def declared_bomb(folder: Path) -> Path:
    """A .docx whose document part declares 600 MB (the data is the real, small part)."""
    return set_zip_sizes(good_docx(folder), "word/document.xml", 600 * 2**20)


def lying_sizes(folder: Path) -> Path:
    """A .docx whose document part declares 1 KB but inflates to far more."""
    return set_zip_sizes(good_docx(folder), "word/document.xml", 1024, local_too=True)


def central_offset_outside(folder: Path) -> Path:
    """A .docx whose central directory says its first part starts far past the end of the file."""
    path = good_docx(folder)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 42, len(data) + 10**6)
    path.write_bytes(bytes(data))
    return path


def unknown_zip_version(folder: Path) -> Path:
    """A .docx whose central directory asks for zip version 10.5 to extract its first part (damage)."""
    path = good_docx(folder)
    data = bytearray(path.read_bytes())
    struct.pack_into("<H", data, data.index(b"PK\x01\x02") + 6, 105)
    path.write_bytes(bytes(data))
    return path


def ratio_bomb(folder: Path) -> Path:
    """An .xlsx whose sheet part is padded with 20 MB of spaces (legal XML, ~1000:1 compression)."""
    return rezip(
        good_xlsx(folder), lambda name, data: data + b" " * (20 * 2**20) if name == "xl/worksheets/sheet1.xml" else data
    )


def encrypted_zip_flag(folder: Path) -> Path:
    """A .docx whose parts carry the zip "encrypted" flag, as a zip tool with a password writes it."""
    path = good_docx(folder)
    data = bytearray(path.read_bytes())
    position = 0
    while (position := data.find(b"PK\x03\x04", position)) >= 0:
        data[position + 6] |= 0x1
        position += 4
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        data[position + 8] |= 0x1
        position += 4
    path.write_bytes(bytes(data))
    return path


def encrypted_office(name: str) -> Callable[[Path], Path]:
    """What Office writes for a password-protected .docx/.xlsx: a compound file (OLE/CFB) holding
    the streams ``EncryptionInfo`` and ``EncryptedPackage`` instead of a zip archive.

    Built by hand to the CFB layout (version 3, 512-byte sectors): header, one FAT sector, one
    directory sector, then the two streams of 4096 bytes each (8 sectors, so no mini stream).
    """

    def make(folder: Path) -> Path:
        end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
        header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
        header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
        header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        header += struct.pack("<109I", 0, *[free] * 108)
        # sectors: 0 FAT, 1 directory, 2-9 EncryptionInfo, 10-17 EncryptedPackage
        fat = [fat_sector, end, *range(3, 10), end, *range(11, 18), end]
        fat_bytes = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", free) * (128 - len(fat))

        def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
            encoded = (name + "\0").encode("utf-16-le")
            return (
                encoded.ljust(64, b"\0")
                + struct.pack("<HBBIII", len(encoded), kind, 1, free, right, child)
                + bytes(16 + 4 + 16)
                + struct.pack("<IQ", start, size)
            )

        directory = (
            entry("Root Entry", 5, 1, free, end, 0)
            + entry("EncryptionInfo", 2, free, 2, 2, 4096)
            + entry("EncryptedPackage", 2, free, free, 10, 4096)
            + entry("", 0, free, free, 0, 0)
        )
        path = folder / name
        path.write_bytes(header + fat_bytes + directory + noise(4096, 1) + noise(4096, 2))
        return path

    return make


def docx_with_table(fill: Callable[[object], None]) -> Callable[[Path], Path]:
    """A .docx of the small table in which ``fill`` changes the table before it is saved."""

    def make(folder: Path) -> Path:
        import docx

        path = good_docx(folder)
        document = docx.Document(str(path))
        fill(document.tables[0])
        document.save(str(path))
        return path

    return make


def merge_across_indicator_row(table) -> None:
    """Merge the 二级指标 and 三级指标 cells of the first indicator row (table row 8)."""
    table.cell(7, 1).merge(table.cell(7, 2))


def merge_level1_into_header(table) -> None:
    """Merge the first indicator row's 一级指标 cell up into the header cell above it."""
    _set_cell_text(table.cell(6, 0).merge(table.cell(7, 0)), "一级指标")


def docx_without_tables(folder: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("2025年示例项目绩效目标表（见附件）")
    path = folder / "t.docx"
    document.save(str(path))
    return path


def xlsx_with_merged_project_cells(folder: Path) -> Path:
    """The flat table with the project cells of rows 3-5 emptied and merged into row 2, as people do."""
    import openpyxl

    path = good_xlsx(folder)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for column in range(1, 10):  # 单位编码 … 绩效目标
        sheet.merge_cells(start_row=2, start_column=column, end_row=5, end_column=column)
    book.save(path)
    return path


def xlsx_of_rows(rows: list[list]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        import openpyxl

        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        path = folder / "t.xlsx"
        book.save(path)
        return path

    return make


def template_with(cells: dict[str, object], sheet: str = "指标完成情况") -> Callable[[Path], Path]:
    """The actuals workbook of ``perfkit template`` for the small table, with ``header → value`` of row 2 filled."""

    def make(folder: Path) -> Path:
        import openpyxl

        from perfkit.load import load_targets
        from perfkit.report.template import write_template

        targets = folder / "targets.txt"
        targets.write_text(word_text(), encoding="utf-8")
        path = write_template(load_targets(targets), folder / "a.xlsx", [targets])
        book = openpyxl.load_workbook(path)
        headers = [c.value for c in book[sheet][1]]
        for header, value in cells.items():
            book[sheet].cell(2, headers.index(header) + 1).value = value
        book.save(path)
        return path

    return make
