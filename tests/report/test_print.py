"""The workbooks as a real office suite prints them: LibreOffice converts them to PDF, pdftotext reads it.

On the bundled run (``perfkit batch params``): the unit workbook of 562301, the portfolio workbook and
the actuals template. Every page carries the page header (unit, sheet title) and the footer (索引号,
``第 P 页 共 N 页``); every page of a table sheet holds all its printed column headers, so no sheet
is split across pages sideways; every finding's full message is in the PDF text.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from perfkit.load import load_targets
from perfkit.report.template import write_template
from tests.conftest import ROOT, client

TARGETS = ROOT / "data" / "raw" / "targets"
PAGE_NUMBER = re.compile(r"第 (\d+) 页 共 (\d+) 页")


def pdf_pages(workbook: Path, folder: Path) -> list[str]:
    """The text of each page of ``workbook`` printed to PDF by LibreOffice (own profile, time limit)."""
    soffice, pdftotext = client("soffice"), client("pdftotext")  # checked together by `office`
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(workbook)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = folder / f"{workbook.stem}.pdf"
    text = subprocess.run([pdftotext, "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def printed_headers(workbook: Path) -> dict[str, list[str]]:
    """For each table sheet (one with a filter), the labels of its header row that are not hidden."""
    book = openpyxl.load_workbook(workbook)
    headers = {}
    for sheet in book.worksheets:
        if not sheet.auto_filter.ref:
            continue
        row = int(re.search(r"\d+", sheet.auto_filter.ref)[0])
        hidden = {c for d in sheet.column_dimensions.values() if d.hidden for c in range(d.min, d.max + 1)}
        headers[sheet.title] = [str(c.value) for c in sheet[row] if c.value is not None and c.column not in hidden]
    return headers


def flat(text: str) -> str:
    return re.sub(r"\s", "", text)


def assert_printed_like_a_working_paper(pages: list[str], workbook: Path, entity: str, prefix: str) -> dict:
    """Header, footer and page numbers on every page; every page of a table sheet one sheet wide.

    Returns the pages of each sheet by title.
    """
    titles = openpyxl.load_workbook(workbook, read_only=True).sheetnames
    headers = printed_headers(workbook)
    by_sheet: dict[str, list[str]] = {t: [] for t in titles}
    for number, page in enumerate(pages, start=1):
        first = page.strip().splitlines()[0]
        assert first.startswith(entity), (number, first)
        title = next(t for t in titles if f" {t} " in first)
        position = titles.index(title) + 1
        assert f"索引号：{prefix}-{position:02d}" in page, (number, title)
        assert PAGE_NUMBER.search(page).groups() == (str(number), str(len(pages)))
        by_sheet[title].append(page)
        for label in headers.get(title, []):
            assert flat(label) in flat(page), (number, title, label)
    assert all(by_sheet.values()), [t for t, p in by_sheet.items() if not p]  # every sheet prints
    return by_sheet


@pytest.fixture(scope="module")
def office() -> None:
    """LibreOffice and pdftotext, looked for before the bundled run is made for them."""
    client("soffice", "pdftotext")


@pytest.fixture(scope="module")
def unit_pdf(office, bundled_run, tmp_path_factory) -> tuple[Path, list[str]]:
    workbook = bundled_run / "562301" / "562301-审计底稿.xlsx"
    return workbook, pdf_pages(workbook, tmp_path_factory.mktemp("unit-pdf"))


def test_the_unit_workbook_prints_one_page_wide_with_headers_footers_and_every_message(unit_pdf, bundled_run):
    workbook, pages = unit_pdf
    by_sheet = assert_printed_like_a_working_paper(pages, workbook, "天津市妇女联合会（562301）", "562301-2025")
    messages = pl.read_parquet(bundled_run / "562301" / "findings.parquet")["message"]
    findings_text = flat("".join(by_sheet["审核发现"]))
    assert [m for m in messages if flat(m) not in findings_text] == []
    # worked by hand, by Excel's arithmetic (a character unit is 7 px, a column 5 px more): A4 landscape
    # less 2 × 0.75 in margins leaves 487 pt of height; the 13 printed columns of 审核发现 are
    # 14+10+16+18+18+6+40+34+26+10+8+16+12 = 228 units = 1661 px = 439 mm, and 281.8 mm between the
    # side margins makes one page wide a scale of 0.64: a page holds 487 / 0.64 = 760 pt of rows,
    # 745 pt below the repeated 15 pt header row. A row is 14.5 pt a line + 2 pt, rounded up to 0.75 pt;
    # no finding needs more than 6 lines (the longest evidence: about 220 columns in lines of 33), so
    # a row is at most 89.25 pt, 8 rows fit a page and the 124 findings take at most 124 / 8 → 16 pages.
    # LibreOffice measures the columns wider than Excel's 7 px, so its scale is smaller and its pages
    # fewer (6 here); the print before had 70 pages for the workbook and no sheet one page wide.
    assert len(by_sheet["审核发现"]) <= 16
    overview = flat(by_sheet["概览"][0])
    for label in ("被审计单位", "审计事项", "项目绩效目标审核及自评复核", "所属期间", "2025年度", "索引号",
                  "562301-2025-01", "编制人", "编制日期", "复核人", "复核日期", "复核意见", "审计说明", "审计结论"):  # fmt: skip
        assert label in overview, label


def test_the_portfolio_workbook_and_the_template_print_the_same_way(office, bundled_run, tmp_path):
    portfolio = bundled_run / "portfolio.xlsx"
    pages = pdf_pages(portfolio, tmp_path / "portfolio")
    by_sheet = assert_printed_like_a_working_paper(pages, portfolio, "跨单位组合分析（2 个单位", "组合-2025")
    assert "天津市妇女联合会" in by_sheet["单位汇总"][0]
    template = write_template(load_targets(TARGETS), tmp_path / "template.xlsx", sorted(TARGETS.iterdir()))
    pages = pdf_pages(template, tmp_path / "template")
    by_sheet = assert_printed_like_a_working_paper(pages, template, "562202、562301", "多单位-2025-填报")
    indicators = flat("".join(by_sheet["指标完成情况"]))
    # every indicator name of the seed's 109 rows is printed whole
    names = load_targets(TARGETS).indicators["name"]
    assert names.len() == 109 and [n for n in names if flat(n) not in indicators] == []
