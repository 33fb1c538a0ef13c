"""The unit workbook as a 审计工作底稿: the 概览 header block, what is open to edit, the print setup, the order
of the findings. Read back with openpyxl from a workbook of the bundled 562301 (no kernel)."""

from __future__ import annotations

import openpyxl
import polars as pl
import pytest

from perfkit.report.workbook import write_workbook
from perfkit.run.unit import audit_unit
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    audit = audit_unit("562301", 2025, [str(ROOT / "data/raw/targets")], [str(ROOT / "data/raw/selfeval")])
    return openpyxl.load_workbook(write_workbook(audit, tmp_path_factory.mktemp("wb") / "w.xlsx"))


def test_the_overview_opens_with_the_header_block_and_only_the_fill_in_cells_open(book):
    sheet = book["概览"]
    labels = {sheet.cell(r, c).value: (r, c) for r in range(1, 10) for c in (1, 4) if sheet.cell(r, c).value}
    value = lambda label: sheet.cell(labels[label][0], labels[label][1] + 1)  # noqa: E731
    assert value("被审计单位").value == "天津市妇女联合会（单位编码 562301）"
    assert value("审计事项").value == "项目绩效目标审核及自评复核"
    assert value("所属期间").value == "2025年度"
    assert value("索引号").value == "562301-2025-01"
    # worked by hand from the bundled run: 5 projects, 50 findings (10 high, 13 medium, 27 low), all 优
    # (issue 16: description_repeats_name once per project, 2025年全年 and 2025年 dates, not vague or bare)
    conclusion = value("审计结论（初稿，可修改）").value
    assert (
        "5 个项目" in conclusion and "50 个，其中高 10 个、中 13 个、低 27 个" in conclusion and "优 5 个" in conclusion
    )
    notes = value("审计说明").value
    # 28 + contradictory_target (issue 16) + unreadable_part and unfilled_rows (issue 23) + seven rules of
    # issue 25: 完整性 12 + bare_wan (moved from 可行性) + unfilled_template_text + level2_misplaced = 15;
    # 相关性 2 + vague_target, slogan_benefit, unit_mismatch (moved) + input_as_output = 6; 适当性 5 + 2;
    # 可行性 output_capped + rate_above_bound + deadline_after_year = 3; 异常分析 7; and unit_not_named
    # (issue 23, a table naming no unit): 完整性 16, 39 in all; and indicators_without_levels (a list of
    # indicators without level columns): 完整性 17, 40 in all
    assert "规则 40 条（完整性 17、相关性 6、适当性 7、可行性 3、异常分析 7）" in notes
    assert "tianjin-womens-federation-2025-targets.txt" in notes and "SHA-256" in notes
    assert sheet.protection.sheet
    fill_in = ["编制人", "编制日期", "复核人", "复核日期", "复核意见", "审计结论（初稿，可修改）"]
    assert [value(label).protection.locked for label in fill_in] == [False] * 6
    locked = [sheet.cell(*labels[label]) for label in labels] + [value(k) for k in ("被审计单位", "索引号", "审计说明")]
    assert all(cell.protection.locked for cell in locked)
    assert book["数据来源"].cell(1, 1).value == "项目"
    assert any(str(c.value).startswith("sha256:") for c in book["数据来源"]["B"])


def test_every_sheet_prints_a4_landscape_one_page_wide_with_header_and_footer(book):
    for number, sheet in enumerate(book.worksheets, start=1):
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (9, "landscape"), sheet.title
        # fit to 1 page wide, any number tall (fitTo… is left out when 1, the file format's default);
        # 概览 of 5 projects is the cover page: one page
        tall = 1 if sheet.title == "概览" else 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and (setup.fitToWidth or 1, setup.fitToHeight) in {
            (1, tall),
            (1, None if tall else 0),
        }
        assert sheet.print_area
        assert (
            sheet.oddHeader.center.text.endswith(sheet.title)
            and "天津市妇女联合会（562301）" in sheet.oddHeader.left.text
        )
        assert sheet.oddFooter.left.text == f"索引号：562301-2025-{number:02d}"
        assert sheet.oddFooter.right.text == "第 &P 页 共 &N 页"
    assert book["审核发现"].print_title_rows == "$1:$1"  # the header row on every page


def test_findings_run_high_to_low_then_by_project_and_row(book):
    rows = list(book["审核发现"].iter_rows(values_only=True))
    header = rows[0]
    severity, project, seq = (header.index(h) for h in ("严重程度", "项目编号", "序号"))
    # worked by hand: 10 high, then 13 medium, then 27 low
    assert [r[severity] for r in rows[1:]] == ["高"] * 10 + ["中"] * 13 + ["低"] * 27
    projects = list(book["项目"].iter_rows(values_only=True))
    order = [r[projects[0].index("项目编号")] for r in projects[1:]]  # the projects in document order
    low = [(order.index(r[project]), r[seq] or 0) for r in rows[24:]]
    assert low == sorted(low)


def test_every_header_people_read_is_chinese(book):
    """The header row of every table sheet (the row its print titles repeat) names no column in
    English: a column added to a table without a Chinese label would show its data-file name."""
    import re

    english = re.compile(r"^[a-z_]+$")
    for sheet in book.worksheets:
        if not sheet.print_title_rows:
            continue
        row = int(sheet.print_title_rows.split(":")[0].lstrip("$"))
        headers = [c.value for c in sheet[row] if isinstance(c.value, str)]
        assert [h for h in headers if english.match(h)] == [], sheet.title


def test_the_mean_score_says_how_many_projects_wait_for_a_person():
    # worked by hand: (80 + 90) / 2 = 85.00 over the two projects with a total, one left out and said;
    # a unit whose every total waits for a person has no mean (the summary crashed on None:.2f)
    from perfkit.report.audit import mean_total_text

    waiting = "（1 个项目得分待人工判断，未计入）"
    assert mean_total_text(pl.DataFrame({"total": [80.0, 90.0, None]})) == f"85.00{waiting}"
    assert mean_total_text(pl.DataFrame({"total": [None]}, schema={"total": pl.Float64})) == f"无{waiting}"
    assert mean_total_text(pl.DataFrame({"total": [80.0, 90.0]}), " 分") == "85.00 分"


def test_a_project_whose_total_waits_for_a_person_says_so_in_the_score_lines():
    # worked by hand: the notebook printed each total with :.2f and stopped on the first empty one
    from perfkit.report.audit import score_lines

    scores = pl.DataFrame(
        {
            "project_name": ["甲项目", "乙项目", "丙项目"],
            "total": [91.5, None, None],
            "grade": ["优", None, None],
            "self_total": [95.0, 98.0, 90.0],
            "unscored": [0, 2, 0],
        }
    )
    assert score_lines(scores) == [
        "甲项目：复核 91.50（优），自评 95.0",
        "乙项目：复核 待人工判断（2 项指标无法评分），自评 98.0",
        "丙项目：复核 待人工判断（预算执行率无法评分），自评 90.0",
    ]
