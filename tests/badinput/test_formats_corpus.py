"""The bad-input corpus for PDFs, web pages, .xls and .doc/.wps (see test_corpus.py for the rules).

Every refusal is one line naming the file and the place, exit status 1, and nothing written; every
accepted case is checked on the values read, worked out by hand. The cases run the CLI in-process.
Cases that need a limit lowered or LibreOffice hidden set it with ``monkeypatch`` first.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from perfkit.load.formats import doc, pdf
from tests.badinput import inputs as make
from tests.badinput.test_corpus import Accepted, Case, Refused, check_case, unit_codes
from tests.load import pdf_docs
from tests.load.html_docs import disclosure_page
from tests.seed_expected import INDICATORS, PROJECTS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_UNITS = ("562202",) * 2 + ("562301",) * 5


def fixture(name: str, as_name: str) -> Callable[[Path], Path]:
    def copy(folder: Path) -> Path:
        return Path(shutil.copy(FIXTURES / name, folder / as_name))

    return copy


def html_file(name: str, page: str, encoding: str) -> Callable[[Path], Path]:
    return make.bytes_file(name, page.encode(encoding))


def execution_score_of_project_1(project_scores: pl.DataFrame, indicator_scores: pl.DataFrame) -> None:
    # worked by hand from the illustrative self-evaluation: 4.80 of 5.00 万元 executed, weight 10
    assert project_scores["execution_score"][0] == pytest.approx(9.6)
    assert project_scores.height == 7


NO_TABLE_PAGE = "<html><body><table><tr><td>首页</td><td>部门预算</td></tr></table></body></html>"
CASES: dict[str, Case] = {
    # --- PDF ---------------------------------------------------------------------------------------
    "PDF that is a scan": Case(
        fixture("scan.pdf", "t.pdf"), Refused("t.pdf", "t.pdf: PDF 没有文字层（是扫描件），请先用 OCR 软件识别文字")
    ),
    "PDF with a scanned page among text pages": Case(
        make.bytes_file("t.pdf", pdf_docs.text_then_scan_pdf()),
        Refused("t.pdf", "t.pdf: 第2页: 此页是扫描图像，没有文字层，其中的表格无法读取"),
    ),
    "PDF that needs a password": Case(
        fixture("encrypted.pdf", "t.pdf"), Refused("t.pdf", "t.pdf: PDF 已加密，需要密码才能打开：请去除密码后另存")
    ),
    "PDF whose text comes out as (cid:…)": Case(
        make.bytes_file("t.pdf", pdf_docs.undecodable_pdf()),
        Refused("t.pdf", "t.pdf: 第1页: 文字无法解码（提取出“(cid:…)”"),
    ),
    "PDF font without ToUnicode": Case(
        make.bytes_file("t.pdf", pdf_docs.no_to_unicode_pdf()),
        Refused("t.pdf", "t.pdf: 第1页: 字体“NoMap”没有 ToUnicode 映射，文字无法可靠解码"),
    ),
    "PDF without a target table": Case(
        make.bytes_file("t.pdf", pdf_docs.text_pdf()), Refused("t.pdf", "t.pdf: 未找到项目绩效目标表（共1页")
    ),
    "PDF cut short": Case(
        make.bytes_file("t.pdf", (FIXTURES / "seed-targets.pdf").read_bytes()[:3000]),
        Refused("t.pdf", "t.pdf: PDF 文件已损坏，无法读取"),
    ),
    "PDF saved as .docx": Case(fixture("seed-targets.pdf", "t.docx"), Accepted(unit_codes(*SEED_UNITS))),
    "PDF self-evaluation scored": Case(
        fixture("selfeval.pdf", "selfeval.pdf"), Accepted(execution_score_of_project_1), command="score"
    ),
    # --- web pages ---------------------------------------------------------------------------------
    "web page without a target table": Case(
        make.text_file("t.html", NO_TABLE_PAGE), Refused("t.html", "t.html: 未找到项目绩效目标表")
    ),
    "web page declaring UTF-8 but written in GBK": Case(
        html_file("t.html", disclosure_page(PROJECTS, INDICATORS, charset="utf-8"), "gbk"),
        Refused("t.html", "t.html: 网页声明编码为 utf-8，但内容不是该编码（文件已损坏？）"),
    ),
    "GB2312 web page saved as .xls": Case(
        html_file("t.xls", disclosure_page(PROJECTS, INDICATORS, charset="gb2312"), "gbk"),
        Accepted(unit_codes(*SEED_UNITS)),
    ),
    "GBK web page without a charset": Case(
        html_file("t.htm", disclosure_page(PROJECTS, INDICATORS, charset="").replace("; charset=", ""), "gbk"),
        Accepted(unit_codes(*SEED_UNITS)),
    ),
    # --- .xls and .doc -----------------------------------------------------------------------------
    "xls cut short": Case(
        make.bytes_file("t.xls", (FIXTURES / "seed-layout.xls").read_bytes()[:5000]),
        Refused("t.xls", "t.xls: 旧版 Office 二进制文件已损坏（OLE 复合文档无法读取）"),
    ),
    "xls saved as .csv": Case(fixture("seed-flat.xls", "t.csv"), Accepted(unit_codes(*SEED_UNITS))),
    "xls self-evaluation scored": Case(
        fixture("selfeval.xls", "selfeval.xls"), Accepted(execution_score_of_project_1), command="score"
    ),
    "doc cut short": Case(
        make.bytes_file("t.doc", (FIXTURES / "seed.doc").read_bytes()[:4000]),
        Refused("t.doc", "t.doc: 旧版 Office 二进制文件已损坏（OLE 复合文档无法读取）"),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_format_input(name, tmp_path, capsys):
    check_case(CASES[name], tmp_path, capsys)


LIMITED: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], Case]] = {
    "PDF over the page limit": (
        lambda m: m.setattr(pdf, "MAX_PAGES", 2),
        Case(
            make.bytes_file("t.pdf", pdf_docs.text_pdf(pages=3)), Refused("t.pdf", "t.pdf: PDF 有 3 页，超过上限 2 页")
        ),
    ),
    "PDF over the object limit": (
        lambda m: m.setattr(pdf, "MAX_OBJECTS", 5),
        Case(make.bytes_file("t.pdf", pdf_docs.text_pdf()), Refused("t.pdf", "t.pdf: PDF 有 8 个对象，超过上限 5")),
    ),
    "doc without LibreOffice": (
        lambda m: m.setattr(doc, "office_program", lambda: None),
        Case(
            fixture("seed.doc", "t.doc"),
            Refused(
                "t.doc",
                "t.doc: 是 .doc/.wps 文件：需要 LibreOffice（soffice）才能读取，请安装，或请在 Word 或 WPS 中另存为 .docx",
            ),
        ),
    ),
    "wps when conversion is turned off": (
        lambda m: (m.setattr(doc, "office_program", lambda: "/usr/bin/soffice"), m.setenv(doc.CONVERT_ENV, "0")),
        Case(fixture("seed.doc", "t.wps"), Refused("t.wps", "t.wps: 是 .doc/.wps 文件：转换需调用方允许")),
    ),
}


@pytest.mark.parametrize("name", list(LIMITED))
def test_format_input_with_a_limit(name, tmp_path, capsys, monkeypatch):
    setup, case = LIMITED[name]
    setup(monkeypatch)
    check_case(case, tmp_path, capsys)
