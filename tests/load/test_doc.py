"""The .doc/.wps reader: LibreOffice converts to .docx, only when the caller allows it.

tests/fixtures/seed.doc is the seed's target tables saved as Word 97-2003 by LibreOffice. Reading
it needs LibreOffice; the refusals do not.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from perfkit.cli import main
from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.formats import doc
from perfkit.load.formats.sniff import detect_format
from tests.conftest import client
from tests.load.test_formats import assert_same_tables

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def refusal(path: Path) -> str:
    with pytest.raises(InputError) as error:
        load_targets(path)
    return error.value.one_line()


@pytest.mark.parametrize("suffix", [".doc", ".wps", ".txt"])
def test_a_word_97_document_is_told_from_a_workbook_by_its_streams(suffix, tmp_path):
    path = tmp_path / f"seed{suffix}"
    shutil.copy(FIXTURES / "seed.doc", path)
    assert detect_format(path.read_bytes(), path) == "doc"


def test_without_libreoffice_the_fix_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(doc, "office_program", lambda: None)
    path = tmp_path / "t.doc"
    shutil.copy(FIXTURES / "seed.doc", path)
    assert refusal(path) == (
        f"{path}: 是 .doc/.wps 文件：需要 LibreOffice（soffice）才能读取，请安装，或请在 Word 或 WPS 中另存为 .docx"
    )


def test_a_library_call_does_not_start_libreoffice_unless_allowed(tmp_path, monkeypatch):
    monkeypatch.setattr(doc, "office_program", lambda: "/usr/bin/soffice")
    monkeypatch.delenv(doc.CONVERT_ENV, raising=False)
    started = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: started.append(a))
    path = tmp_path / "t.doc"
    shutil.copy(FIXTURES / "seed.doc", path)
    assert "转换需调用方允许（设置 PERFKIT_CONVERT_DOC=1 或 allow_conversion()）" in refusal(path)
    assert started == []


def test_a_conversion_past_the_timeout_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(doc, "office_program", lambda: "/usr/bin/soffice")
    monkeypatch.setenv(doc.CONVERT_ENV, "1")

    def too_slow(command, **kwargs):
        # the profile is private and the document is converted in a folder of its own
        assert any(part.startswith("-env:UserInstallation=file://") for part in command)
        assert kwargs["timeout"] == doc.TIMEOUT_SECONDS
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(subprocess, "run", too_slow)
    path = tmp_path / "t.doc"
    shutil.copy(FIXTURES / "seed.doc", path)
    assert refusal(path) == f"{path}: LibreOffice 转换超过 120 秒未完成，请在 Word 或 WPS 中另存为 .docx"


def test_the_command_line_allows_conversion(monkeypatch, capsys):
    monkeypatch.setenv(doc.CONVERT_ENV, "0")  # so that the variable is restored after the test
    monkeypatch.delenv(doc.CONVERT_ENV)
    assert main(["check", "--list-rules"]) == 0
    assert doc.os.environ[doc.CONVERT_ENV] == "1"
    monkeypatch.setenv(doc.CONVERT_ENV, "0")  # a caller who said no is not overruled
    main(["check", "--list-rules"])
    assert doc.os.environ[doc.CONVERT_ENV] == "0"


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_the_seed_as_doc_gives_the_seed_tables(suffix, tmp_path, monkeypatch, seed_tables):
    client("soffice", "writer")  # skipped without LibreOffice Writer, failed under CI=true
    monkeypatch.setenv(doc.CONVERT_ENV, "1")
    path = tmp_path / f"seed{suffix}"
    shutil.copy(FIXTURES / "seed.doc", path)
    loaded = load_targets(path)
    assert_same_tables(loaded, seed_tables)
    assert loaded.indicators["source_ref"][0] == "表1第8行"
