"""Detect a source file's format from its content (the suffix only breaks ties) and decode text.

Office files (``.docx``, ``.xlsx``) are zip archives of XML parts. Before one is handed to
python-docx or fastexcel, :func:`check_office_zip` inflates every part once, in bounded chunks,
and refuses archives that could hurt the reader: a zip bomb (by the declared sizes before any
expansion, and by the real size when a header lies), an encrypted archive, and XML parts that
declare a DTD (``<!DOCTYPE``), the carrier of external entities and entity expansion
("billion laughs"). Office Open XML never needs a DTD, so refusing it costs nothing.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from perfkit.errors import InputError

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # legacy binary .doc / .xls, and password-protected .docx / .xlsx

# Limits for Office archives. Real workbooks and documents compress 3–20 times; zip bombs 1000
# times and more. The ratio is only judged on parts big enough to matter.
MAX_UNCOMPRESSED_BYTES = 512 * 2**20
MAX_RATIO = 100
RATIO_FROM_BYTES = 2**20
MAX_PARTS = 10_000
_CHUNK = 2**20
_DOCTYPE = re.compile(rb"<!DOCTYPE|<\0!\0D\0O\0C\0T\0Y\0P\0E\0|\0<\0!\0D\0O\0C\0T\0Y\0P\0E", re.IGNORECASE)
_XML_PART = (".xml", ".rels", ".vml")


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB"


def _inflated(raw: io.BytesIO, info: zipfile.ZipInfo, damaged: InputError) -> Iterator[bytes]:
    """The part's data in chunks of at most 1 MB, inflated from its compressed bytes as they are read."""
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, pending = info.compress_size, b""
    try:
        while inflater is None or not inflater.eof:
            if not pending and left > 0:
                pending = raw.read(min(left, _CHUNK))
                if not pending:
                    raise damaged
                left -= len(pending)
            if inflater is None:
                if not pending:
                    return
                chunk, pending = pending, b""
            else:
                chunk = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                if not chunk and not pending and left <= 0:
                    return  # the data ended before the stream did: the size and CRC checks say so
            yield chunk
    except zlib.error:
        raise InputError(damaged.file, damaged.place, "zip 压缩包已损坏（数据无法解压）") from None


def _inflate(raw: io.BytesIO, info: zipfile.ZipInfo, file: str) -> None:
    """Inflate one part in chunks, never past its declared size; scan XML parts for a DTD."""
    place = f"压缩包内 {info.filename}"
    damaged = InputError(file, place, "zip 压缩包已损坏（文件不完整？）")
    if not 0 <= info.header_offset < len(raw.getbuffer()):
        raise damaged
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != _ZIP:
        raise damaged
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InputError(file, place, f"使用了 Office 文件不会用的压缩方式（{info.compress_type}）")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    produced, crc, tail = 0, 0, b""
    scan = info.filename.lower().endswith(_XML_PART)
    for chunk in _inflated(raw, info, damaged):
        produced += len(chunk)
        if produced > info.file_size:  # the header lied about the size: stop before expanding further
            raise InputError(file, place, f"解压后大于声明的 {info.file_size} 字节（疑似压缩炸弹），拒绝读取")
        crc = zlib.crc32(chunk, crc)
        if scan:
            if _DOCTYPE.search(tail + chunk):
                raise InputError(file, place, "XML 含 DTD 声明（<!DOCTYPE），可用于外部实体或实体膨胀攻击，拒绝读取")
            tail = chunk[-20:]
    if produced != info.file_size or crc != info.CRC:
        raise damaged


def check_office_zip(data: bytes, file: str) -> zipfile.ZipFile:
    """Open ``data`` as a zip archive and refuse it if it is damaged, encrypted, a bomb or declares a DTD.

    The declared sizes are checked before anything is inflated; each part is then inflated once,
    in 1 MB chunks, never past its declared size. Returns the open archive.
    """
    raw = io.BytesIO(data)
    try:
        archive = zipfile.ZipFile(raw)
    # zipfile raises NotImplementedError for a zip version or compression method it cannot read
    # (seen in damaged files: "zip file version 10.5"); to the auditor that is a damaged file too
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        raise InputError(file, None, "zip 压缩包已损坏（文件不完整？）") from None
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise InputError(file, None, f"zip 压缩包有{len(parts)}个文件，超过上限{MAX_PARTS}，拒绝读取")
    total = sum(info.file_size for info in parts)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputError(
            file, None, f"解压后共 {_mb(total)}，超过上限 {_mb(MAX_UNCOMPRESSED_BYTES)}（疑似压缩炸弹），拒绝读取"
        )
    for info in parts:
        if info.flag_bits & 0x1:
            raise InputError(file, f"压缩包内 {info.filename}", "文件已加密，请去除密码后另存")
        if info.file_size >= RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise InputError(
                file,
                f"压缩包内 {info.filename}",
                f"压缩比 {ratio:.0f} 倍，超过上限 {MAX_RATIO} 倍（疑似压缩炸弹），拒绝读取",
            )
    for info in parts:
        _inflate(raw, info, file)
    return archive


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: ASCII characters leave NULs in every other byte."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    for nuls, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if half and nuls >= half // 4 and len(data) % 2 == 0:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _line_of(data: bytes, position: int) -> str:
    line = data.count(b"\n", 0, position) + 1
    return f"第{line}行"


def decode_text(data: bytes, file: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (with or without BOM), or GBK/GB18030 text.

    Refuses binary data (NUL bytes that are not UTF-16), a UTF-8 file cut in the middle of a
    character, and a file that switches from UTF-8 to another encoding part way (GB18030 would
    decode it all into garbled text).
    """
    return _decode(data, file)[0]


def _decode(data: bytes, file: str) -> tuple[str, bool]:
    """:func:`decode_text`, and whether ``data`` was UTF-8 (so that its bytes are the text's UTF-8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), False
        except UnicodeDecodeError:
            raise InputError(file, None, "UTF-16 文本不完整或已损坏") from None
    if b"\0" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise InputError(file, None, "含二进制数据，不是文本文件")
        return text, False
    try:
        return data.decode("utf-8-sig"), True
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8-sig")
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            raise InputError(file, _line_of(data, exc.start), "文件在一个字符中间截断（文件不完整？）") from None
        if sum(ch >= "\u0800" for ch in before) >= 8:  # Chinese read fine as UTF-8 up to here
            raise InputError(
                file, _line_of(data, exc.start), "前文是 UTF-8，此处起编码不同（文件混用了两种编码）"
            ) from None
    try:
        return data.decode("gb18030"), False
    except UnicodeDecodeError:
        raise InputError(file, None, "无法识别文本编码（应为 UTF-8 或 GBK）") from None


def _ole_format(data: bytes, file: str) -> str:
    """``doc`` or ``xls`` for a legacy binary Office file (an OLE compound file), by its streams."""
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except (OSError, olefile.olefile.OleFileError, ValueError, IndexError, struct.error):
        raise InputError(file, None, "旧版 Office 二进制文件已损坏（OLE 复合文档无法读取）") from None
    if "EncryptedPackage" in streams:
        raise InputError(file, None, "受密码保护（已加密），请在 Office 中去除密码后另存")
    if "WordDocument" in streams:  # Word 97-2003 and WPS Writer documents
        return "doc"
    if streams & {"Workbook", "Book"}:  # Excel 97-2003 (BIFF8) and Excel 5 (BIFF5) workbooks
        return "xls"
    raise InputError(file, None, "是旧版 Office 二进制文件，但既不是 .doc/.wps 也不是 .xls")


def detect_format(data: bytes, path: Path) -> str:
    """Return ``docx``, ``xlsx``, ``doc``, ``xls``, ``pdf``, ``html``, ``word_text`` or ``csv`` for a file's bytes.

    Raises :class:`InputError` for empty files, password-protected Office files and anything
    unrecognisable — naming what the file seems to be.
    Office archives are checked with :func:`check_office_zip` before any reader sees them.
    """
    return sniff(data, path).name


# the line breaks of str.splitlines
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _first_line(text: str) -> str:
    """``text.lstrip("\ufeff").splitlines()[0]`` without splitting (or copying) the whole text."""
    start = 0
    while text.startswith("\ufeff", start):
        start += 1
    if start == len(text):
        return ""
    end = _LINE_BREAK.search(text, start)
    return text[start : end.start() if end else len(text)]


_HEADER_LINES = 20  # lines searched for a flat header, as the flat reader searches rows


def _flat_header_line(text: str) -> bool:
    """Whether one of the first lines is a tab-separated flat header (three flat columns or more,
    e.g. 项目名称, 一级指标, 指标值): a Word export writes one cell per line, never such a line."""
    from perfkit.load.layout.flat import _header_field

    end = -1
    for _ in range(_HEADER_LINES):  # the first lines only, without splitting (or copying) the whole text
        end = text.find("\n", end + 1, 200_000)
        if end < 0:
            end = min(len(text), 200_000)
            break
    for line in text[:end].lstrip("\ufeff").splitlines():
        if line.count("\t") >= 2 and len({_header_field(c) for c in line.split("\t")} - {None}) >= 3:
            return True
    return False


class Sniffed(NamedTuple):
    """A file's format; for a text format (``word_text``, ``csv``) its decoded text, and whether
    the file's bytes are that text in UTF-8."""

    name: str
    text: str | None = None
    utf8: bool = False


def sniff(data: bytes, path: Path) -> Sniffed:
    """:func:`detect_format`, with the decoded text of a text format, so that it is decoded once."""
    file = str(path)
    suffix = path.suffix.lower()
    if not data or data.isspace():  # data.strip() is empty, without copying the file
        raise InputError(file, None, "文件为空")
    if data.startswith(_ZIP):
        names = set(check_office_zip(data, file).namelist())
        if "word/document.xml" in names:
            return Sniffed("docx")
        if "xl/workbook.xml" in names:
            return Sniffed("xlsx")
        raise InputError(file, None, "是 zip 压缩包，但既不是 .docx 也不是 .xlsx")
    if data.startswith(_OLE):
        return Sniffed(_ole_format(data, file))
    if b"%PDF-" in data[:1024]:  # readers accept a PDF header within the first 1024 bytes
        return Sniffed("pdf")
    from perfkit.load.formats.html import looks_like_html
    from perfkit.load.formats.word_text import looks_like_word_text

    if looks_like_html(data):  # before the Word export: a page's source has tab-led lines too
        return Sniffed("html")

    office_suffix = suffix in {".docx", ".xlsx"}
    not_zip = InputError(file, None, f"不是有效的 {suffix} 文件（不是 zip 压缩包）")
    try:
        text, utf8 = _decode(data, file)
    except InputError:
        if office_suffix:
            raise not_zip from None
        raise
    rest = text.lstrip("\ufeff")  # the same object (no copy) unless byte-order marks lead
    if not rest or rest.isspace():  # nothing but spaces and byte-order marks
        raise InputError(file, None, "文件为空")
    # a Word text export is read whatever its suffix; a tab-separated flat export whose rows with
    # blank first cells start with a tab is told from one by its header row of flat columns
    if looks_like_word_text(text) and not _flat_header_line(text):
        return Sniffed("word_text", text, utf8)
    if office_suffix:
        raise not_zip
    first_line = _first_line(text)
    if any(sep in first_line for sep in (",", "\t", ";")) or suffix == ".csv":
        return Sniffed("csv", text, utf8)
    raise InputError(file, "第1行", "无法识别的文件格式（应为目标表的 Word 导出文本、.docx、.xlsx 或 .csv）")
