"""The .xls reader (calamine): Word-like sheet layouts with merged regions, and flat tables.

The workbooks are committed (tests/fixtures/, written by openpyxl and saved as Excel 97-2003 by
LibreOffice in tests/fixtures/make_pdfs.py): no library here writes .xls.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.formats import xls
from perfkit.load.formats.sniff import detect_format
from tests.load.test_formats import assert_same_tables

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("name", ["seed-layout.xls", "seed-flat.xls"])
def test_the_seed_as_xls_gives_the_seed_tables(name, seed_tables):
    loaded = load_targets(FIXTURES / name)
    assert (loaded.projects.height, loaded.indicators.height) == (7, 109)
    assert_same_tables(loaded, seed_tables)


def test_merged_regions_read_as_the_docx_reader_reads_merged_cells():
    tables = xls.split_tables((FIXTURES / "seed-layout.xls").read_bytes(), "seed-layout.xls")
    first = tables[0]
    # worked by hand from make_pdfs.seed_layout_xls: the title is row 1, the table rows 2-22;
    # 预算规模及资金用途 is merged over rows 4-6, project 1's 产出指标 over rows 9-14; on the grid a
    # merged region's text stands at every position it covers (the unit cell over 3 columns …)
    unit, name, purpose = (
        "562202天津市妇女儿童社会服务中心",
        "2025年服务妇女儿童公益项目",
        "用于2025年服务妇女儿童公益项目",
    )
    assert first.title == "1.2025年服务妇女儿童公益项目绩效目标表"
    assert [row.cells for row in first.rows[:5]] == [
        [unit, unit, unit, "单位：万元", "单位：万元"],
        ["项目名称", name, name, name, name],
        ["预算规模及资金用途", "预算数", "5.00", "其中：财政资金", "5.00"],
        ["预算规模及资金用途", "其他资金", "", "", ""],
        ["预算规模及资金用途", purpose, purpose, purpose, purpose],
    ]
    assert [row.cells[0] for row in first.rows[7:10]] == ["产出指标"] * 3
    assert first.rows[0].ref == "工作表“绩效目标表”第2行"
    assert len(tables) == 7


def test_flat_sheets_keep_their_rows_as_places(seed_tables):
    loaded = load_targets(FIXTURES / "seed-flat.xls")
    # worked by hand: row 1 is the header, so the first indicator is on row 2
    assert loaded.indicators["source_ref"][0] == "工作表“Sheet1”第2行"


def test_an_xls_with_the_wrong_suffix_still_loads(tmp_path, seed_tables):
    disguised = tmp_path / "targets.doc"
    shutil.copy(FIXTURES / "seed-layout.xls", disguised)
    assert detect_format(disguised.read_bytes(), disguised) == "xls"
    assert_same_tables(load_targets(disguised), seed_tables)


def test_a_damaged_xls_is_refused(tmp_path):
    data = (FIXTURES / "seed-layout.xls").read_bytes()
    path = tmp_path / "t.xls"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError) as error:
        load_targets(path)
    assert error.value.one_line() == f"{path}: 旧版 Office 二进制文件已损坏（OLE 复合文档无法读取）"


def test_forms_stacked_on_one_sheet_are_each_a_project():
    # stacked-layout.xls: tests/load/test_xlsx.py's FORM_A then FORM_B on rows 1-20 (illustrative)
    loaded = load_targets(FIXTURES / "stacked-layout.xls")
    # worked by hand: form A on rows 1-10 (12.5万元), form B on rows 11-20 (8万元), four indicators each
    assert loaded.projects.select("project_name", "budget_total", "source_ref").rows() == [
        ("2025年社区服务项目", 12.5, "工作表“目标表”第1行"),
        ("2025年家庭教育项目", 8.0, "工作表“目标表”第11行"),
    ]
    assert loaded.indicators.group_by("project_id", maintain_order=True).len()["len"].to_list() == [4, 4]
    assert loaded.indicators["source_ref"][4] == "工作表“目标表”第17行"


def test_every_flat_sheet_is_read():
    # units-flat.xls: one illustrative flat sheet per unit (tests/load/test_xlsx.py's UNIT_SHEETS)
    loaded = load_targets(FIXTURES / "units-flat.xls")
    # worked by hand: one project on row 2 of each sheet
    assert loaded.projects.select("unit_code", "project_name", "budget_total", "source_ref").rows() == [
        ("100001", "社区服务项目", 10.0, "工作表“100001”第2行"),
        ("100002", "校园安全项目", 20.0, "工作表“100002”第2行"),
    ]
