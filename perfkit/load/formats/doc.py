"""Loader for ``.doc`` and ``.wps`` documents: converted to ``.docx`` by LibreOffice, then read as ``.docx``.

Converting starts a process (``soffice``), and a library call must never start one on its own:
conversion happens only when the caller has allowed it, by :func:`allow_conversion` or by the
environment variable :data:`CONVERT_ENV` set to ``1`` (which notebook kernels and batch workers
inherit). The ``perfkit`` command line allows it unless the variable is set otherwise (so
``perfkit run`` and ``perfkit batch`` convert inside their kernels too); a library user calls
``allow_conversion()``.

LibreOffice runs headless with a profile of its own in a private temporary folder (so it neither
reads nor changes the user's settings), set to the highest macro security with macro execution
disabled, and with a timeout. The ``.docx`` it writes
goes through the Office archive checks like any other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl

from perfkit.errors import InputError
from perfkit.load.formats import docx as docx_format
from perfkit.load.formats.sniff import check_office_zip
from perfkit.load.layout.once import parsed_once
from perfkit.load.layout.table import Table

CONVERT_ENV = "PERFKIT_CONVERT_DOC"
TIMEOUT_SECONDS = 120
_SAVE_AS = "请在 Word 或 WPS 中另存为 .docx"
# the private profile's settings: macros disabled outright, whatever the document asks
_NO_MACROS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def allow_conversion() -> None:
    """Allow this process and the processes it starts to convert ``.doc``/``.wps`` with LibreOffice
    (unless the environment already says otherwise, e.g. ``PERFKIT_CONVERT_DOC=0``)."""
    os.environ.setdefault(CONVERT_ENV, "1")


def office_program() -> str | None:
    """The LibreOffice program on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, file: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """``data`` (a ``.doc`` or ``.wps``) converted to ``.docx`` by LibreOffice, in a private folder.

    Raises :class:`InputError` when conversion is not allowed, LibreOffice is missing, or it fails
    or runs past ``timeout`` seconds.
    """
    program = office_program()
    if program is None:
        raise InputError(file, None, f"是 .doc/.wps 文件：需要 LibreOffice（soffice）才能读取，请安装，或{_SAVE_AS}")
    if os.environ.get(CONVERT_ENV) != "1":
        raise InputError(
            file,
            None,
            f"是 .doc/.wps 文件：转换需调用方允许（设置 {CONVERT_ENV}=1 或 allow_conversion()），或{_SAVE_AS}",
        )
    with tempfile.TemporaryDirectory(prefix="perfkit-doc-") as folder:
        work = Path(folder)
        source = work / "source.doc"
        source.write_bytes(data)
        (work / "profile" / "user").mkdir(parents=True)
        (work / "profile" / "user" / "registrymodifications.xcu").write_text(_NO_MACROS, encoding="utf-8")
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputError(file, None, f"LibreOffice 转换超过 {timeout:.0f} 秒未完成，{_SAVE_AS}") from None
        converted = work / "out" / "source.docx"
        if not converted.is_file():
            raise InputError(file, None, f"LibreOffice 无法转换此文件（文件已损坏或加密？），{_SAVE_AS}")
        return converted.read_bytes()


@parsed_once  # LibreOffice converts a document once in discovery
def _checked_docx(data: bytes, file: str) -> bytes:
    converted = to_docx(data, file)
    check_office_zip(converted, file)  # LibreOffice's .docx passes the archive checks like any other
    return converted


def split_tables(data: bytes, file: str) -> list[Table]:
    """The target tables and self-evaluations of a ``.doc``/``.wps``, as the ``.docx`` reader gives them."""
    return docx_format.split_tables(_checked_docx(data, file), file)


def target_grid(data: bytes, file: str) -> pl.DataFrame:
    """The grid of a ``.doc``/``.wps``'s target tables, as :func:`perfkit.load.formats.docx.target_grid` gives it."""
    return docx_format.target_grid(_checked_docx(data, file), file)
