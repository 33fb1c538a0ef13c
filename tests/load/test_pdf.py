"""The PDF reader: the seed's tables from a PDF made by LibreOffice, and every refusal.

The committed fixtures (tests/fixtures/, made by tests/fixtures/make_pdfs.py) hold the seed's
seven target tables after an unrelated table, over ten pages: tables run over page breaks with
their first row repeated, pages 4-8 are landscape, and in seed-rotated.pdf page 2 is a portrait
page turned by /Rotate 90.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.formats import pdf
from perfkit.load.formats.pdf_text import fold
from perfkit.load.formats.sniff import detect_format
from tests.load import pdf_docs
from tests.load.test_formats import assert_same_tables
from tests.seed_expected import PROJECTS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def refusal(data: bytes, tmp_path: Path, name: str = "t.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as error:
        load_targets(path)
    return error.value.one_line().removeprefix(f"{tmp_path}/")


def test_the_fixtures_hold_what_the_tests_rely_on():
    # so that a remade fixture cannot quietly stop covering a case
    with pdfplumber.open(FIXTURES / "seed-rotated.pdf") as document:
        assert [p.rotation for p in document.pages][:3] == [0, 90, 0]
    with pdfplumber.open(FIXTURES / "seed-targets.pdf") as document:
        widths = [p.width for p in document.pages]
        texts = [p.extract_text() for p in document.pages]
    assert widths.count(792) == 5 and widths.count(612) == 5  # landscape and portrait pages
    # worked by hand: page 3 starts with table 2's first row repeated (Word's repeated header row)
    assert texts[2].splitlines()[0].startswith("562202天津市妇女儿童社会服务中心")


@pytest.mark.parametrize("name", ["seed-targets.pdf", "seed-rotated.pdf"])
def test_the_seed_as_pdf_gives_the_seed_tables(name, seed_tables):
    loaded = load_targets(FIXTURES / name)
    assert (loaded.projects.height, loaded.indicators.height) == (7, 109)
    assert_same_tables(loaded, seed_tables)


def test_places_name_page_table_and_row():
    loaded = load_targets(FIXTURES / "seed-targets.pdf")
    refs = loaded.indicators["source_ref"].to_list()
    # worked by hand from the PDF: table 1 of page 1 is the 收支总表; in table 2 rows 1-7 are the
    # project part and the header, so the first indicator is row 8
    assert refs[0] == "第1页表2第8行"
    # project 2's last indicator (满意度) is the third row on page 3, below the repeated first row
    # and the row 可持续影响指标
    assert refs[25] == "第3页表1第3行"
    assert loaded.projects["source_ref"].to_list()[:2] == ["第1页表2", "第2页表1"]


def test_a_cell_cut_by_the_page_break_is_kept_whole():
    # worked by hand: make_pdfs.cut_cell_docx writes these 35 paragraphs into the 绩效目标 cell,
    # and LibreOffice breaks the page inside them (page 1 ends with "…不少于1400人，")
    goals = [
        f"{n}.开展第{n}类公益活动不少于{n}次，服务人数不少于{n}00人，并在活动结束后一个月内完成总结。"
        for n in range(1, 36)
    ]
    with pdfplumber.open(FIXTURES / "cut-cell.pdf") as document:
        assert "1400人，" in document.pages[0].extract_text() and len(document.pages) == 2
    loaded = load_targets(FIXTURES / "cut-cell.pdf")
    assert loaded.projects["goal_text"].to_list() == ["\n".join(goals)]
    assert loaded.indicators["name"].to_list() == ["公益活动场次", "公益培训场次", "社会组织参观学习会议"]


def test_suffix_does_not_decide(tmp_path, seed_tables):
    disguised = tmp_path / "targets.docx"
    disguised.write_bytes((FIXTURES / "seed-targets.pdf").read_bytes())
    assert detect_format(disguised.read_bytes(), disguised) == "pdf"
    assert_same_tables(load_targets(disguised), seed_tables)


def test_radicals_and_compatibility_ideographs_are_folded():
    # worked by hand: ⻓ U+2ED3 and ⻔ U+2ED4 (CJK Radicals Supplement, which NFKC leaves alone),
    # ⼯ U+2F2F (Kangxi radical), \uf9b2 (compatibility ideograph of 零 U+96F6), ﹦ U+FE66; full
    # width stays as written
    assert fold("⻓期⻔户⼯作\uf9b2﹦１００％（）") == "长期门户工作\u96f6=１００％（）"


def test_a_scan_is_refused_with_ocr_first(tmp_path):
    message = refusal((FIXTURES / "scan.pdf").read_bytes(), tmp_path)
    assert message == "t.pdf: PDF 没有文字层（是扫描件），请先用 OCR 软件识别文字（生成可检索的 PDF）后再读取"


def test_a_password_is_refused(tmp_path):
    assert refusal((FIXTURES / "encrypted.pdf").read_bytes(), tmp_path) == (
        "t.pdf: PDF 已加密，需要密码才能打开：请去除密码后另存"
    )


def test_text_that_does_not_decode_is_refused_by_page(tmp_path):
    assert refusal(pdf_docs.undecodable_pdf(), tmp_path).startswith("t.pdf: 第1页: 文字无法解码（提取出“(cid:…)”")
    assert refusal(pdf_docs.no_to_unicode_pdf(), tmp_path).startswith("t.pdf: 第1页: 字体“NoMap”没有 ToUnicode 映射")


def test_a_pdf_without_a_target_table_is_refused(tmp_path):
    assert refusal(pdf_docs.text_pdf(pages=2), tmp_path) == (
        "t.pdf: 未找到项目绩效目标表（共2页，没有含“项目名称”或“一级指标”的表格）"
    )


def test_page_and_object_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    assert refusal(pdf_docs.text_pdf(pages=3), tmp_path) == "t.pdf: PDF 有 3 页，超过上限 2 页，拒绝读取"
    monkeypatch.setattr(pdf, "MAX_OBJECTS", 5)
    # worked by hand: catalog, page tree, content, font, resources, descendant, descriptor, page
    assert refusal(pdf_docs.text_pdf(), tmp_path) == "t.pdf: PDF 有 8 个对象，超过上限 5，拒绝读取"


def test_a_damaged_pdf_is_refused(tmp_path):
    data = (FIXTURES / "seed-targets.pdf").read_bytes()
    assert refusal(data[:2000], tmp_path).startswith("t.pdf: PDF ")


def test_unrelated_tables_are_left_alone():
    tables = pdf.split_tables((FIXTURES / "seed-targets.pdf").read_bytes(), "seed.pdf")
    assert [t.ref for t in tables][:2] == ["第1页表2", "第2页表1"]  # page 1's 收支总表 is not read
    assert len(tables) == len(PROJECTS)
    # worked by hand: the budget block of project 2 — the label merged over three rows stands in each
    assert [r.cells for r in tables[1].rows[2:4]] == [
        ["预算规模及资金用途", "预算数", "12.00", "其中：财政资金", "12.00"],
        ["预算规模及资金用途", "其他资金", "", "", ""],
    ]
