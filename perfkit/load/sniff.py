"""Detect a source file's format from its content (the suffix only breaks ties) and decode text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from perfkit.errors import InputError

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # legacy binary .doc / .xls


def decode_text(data: bytes, file: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(file, None, "无法识别文本编码（应为 UTF-8 或 GBK）")


def detect_format(data: bytes, path: Path) -> str:
    """Return ``docx``, ``xlsx``, ``word_text`` or ``csv`` for a file's bytes.

    Raises :class:`InputError` for empty files, legacy binary Office files, PDFs and anything
    unrecognisable — naming what the file seems to be.
    """
    file = str(path)
    suffix = path.suffix.lower()
    if not data.strip():
        raise InputError(file, None, "文件为空")
    if data.startswith(_ZIP):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            raise InputError(file, None, "zip 压缩包已损坏（文件不完整？）") from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise InputError(file, None, "是 zip 压缩包，但既不是 .docx 也不是 .xlsx")
    if data.startswith(_OLE):
        raise InputError(file, None, "是旧版 Office 二进制文件（.doc/.xls），请另存为 .docx 或 .xlsx")
    if data.startswith(b"%PDF"):
        raise InputError(file, None, "PDF 暂不支持，请导出为 .docx 或文本")
    from perfkit.load.word_text import looks_like_word_text

    text = decode_text(data, file)
    if looks_like_word_text(text):
        return "word_text"
    if suffix in {".docx", ".xlsx"}:
        raise InputError(file, None, f"不是有效的 {suffix} 文件（不是 zip 压缩包）")
    first_line = text.lstrip("\ufeff").splitlines()[0]
    if any(sep in first_line for sep in (",", "\t", ";")) or suffix == ".csv":
        return "csv"
    raise InputError(file, "第1行", "无法识别的文件格式（应为目标表的 Word 导出文本、.docx、.xlsx 或 .csv）")
