"""``perfkit run``: one unit end to end through papermill — notebook, workbook and HTML report."""

from __future__ import annotations

import hashlib
import json

import openpyxl
import pytest

from perfkit.checks import RULES, run_checks
from perfkit.cli import main
from perfkit.load import load_targets
from tests.conftest import ROOT, SEED

PARAMS = ROOT / "params" / "562301.yaml"


def digest(folder):
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def unit_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    raw_before = digest(ROOT / "data" / "raw")
    status = main(["run", str(PARAMS), "-o", str(out)])
    return status, out / "562301", raw_before


def test_run_writes_the_three_files(unit_run):
    status, folder, _ = unit_run
    assert status == 0
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "562301-审计底稿.xlsx", "562301.html", "562301.ipynb", "findings.parquet", "project_scores.parquet", "summary.json",
    ]  # fmt: skip


def test_raw_data_is_byte_identical_after_a_full_run(unit_run):
    _, _, before = unit_run
    assert digest(ROOT / "data" / "raw") == before


def test_workbook_sheets_and_overview(unit_run):
    _, folder, _ = unit_run
    book = openpyxl.load_workbook(folder / "562301-审计底稿.xlsx")
    assert book.sheetnames == [
        "概览", "项目", "指标", "审核发现", "已消除的发现", "抽样", "评分", "项目得分", "图表", "数据来源",
    ]  # fmt: skip
    overview = book["概览"]
    assert "562301" in overview["A1"].value and "天津市妇女联合会" in overview["A1"].value
    # the key figures follow the 底稿 header block (被审计单位 … 审计结论, tests/report/test_workbook.py)
    cells = {row[0].value: row[1].value for row in overview.iter_rows() if row[0].value}
    assert cells["项目数"] == 5
    assert cells["预算合计（万元）"] == pytest.approx(27 + 203 + 30 + 40 + 74)
    # the project table under the facts: five projects with their scores and grades
    header_row = next(r for r in overview.iter_rows() if r[0].value == "项目编号")
    headers = [c.value for c in header_row]
    rows = [[c.value for c in r] for r in overview.iter_rows(min_row=header_row[0].row + 1) if r[0].value]
    assert len(rows) == 5
    assert {r[headers.index("项目名称")] for r in rows} >= {"2025年妇女健身项目", "2025年市妇联履职能力提升项目"}
    assert all(isinstance(r[headers.index("复核总分")], float) for r in rows)
    assert {r[headers.index("等级")] for r in rows} <= {"优", "良", "中", "差"}


def test_findings_sheet_matches_perfkit_check(unit_run):
    _, folder, _ = unit_run
    sheet = openpyxl.load_workbook(folder / "562301-审计底稿.xlsx")["审核发现"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["问题编号", "严重程度", "规则编号", "规则"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    review = {r[0] for r in rows if r[2] in RULES}
    tables = load_targets(SEED)
    unit_projects = tables.projects.filter(unit_code="562301")
    expected = run_checks(type(tables)(unit_projects, tables.indicators.filter(unit_code="562301")))[
        "finding_id"
    ].to_list()
    assert review == set(expected)
    assert {r[1] for r in rows} <= {"高", "中", "低"}


def test_text_from_documents_is_never_a_formula(unit_run):
    _, folder, _ = unit_run
    sheet = openpyxl.load_workbook(folder / "562301-审计底稿.xlsx")["指标"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_provenance_records_inputs_versions_and_parameters(unit_run):
    _, folder, _ = unit_run
    sheet = openpyxl.load_workbook(folder / "562301-审计底稿.xlsx")["数据来源"]
    rows = {r[0].value: r[1].value for r in sheet.iter_rows(min_row=2)}
    seed_hash = hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert rows[f"输入文件 {SEED.name}"] == f"sha256:{seed_hash}"
    assert rows["perfkit"] and rows["polars"] and rows["运行时间（UTC）"]
    assert json.loads(rows["参数"])["unit_code"] == "562301"


def test_html_report_hides_the_code(unit_run):
    _, folder, _ = unit_run
    page = (folder / "562301.html").read_text(encoding="utf-8")
    assert "单位项目绩效审计底稿" in page and "审核发现" in page
    assert "audit_unit(" not in page
    assert page.count("<img") >= 3  # the charts


def test_failed_run_keeps_the_notebook_and_writes_no_workbook(tmp_path, capsys):
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "empty.txt").write_text("", encoding="utf-8")
    params = tmp_path / "562301.yaml"
    params.write_text('unit_code: "562301"\nyear: 2025\ntargets: [targets]\n', encoding="utf-8")
    status = main(["run", str(params), "-o", str(tmp_path / "out")])
    assert status == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "empty.txt" in err and "文件为空" in err
    folder = tmp_path / "out" / "562301"
    assert sorted(p.name for p in folder.iterdir()) == ["562301.failed.ipynb"]


def test_bad_params_stop_before_anything_runs(tmp_path, capsys):
    params = tmp_path / "x.yaml"
    params.write_text('unit_code: "5623"\nyear: 2025\ntargets: []\n', encoding="utf-8")
    assert main(["run", str(params), "-o", str(tmp_path / "out")]) == 1
    assert "六位数字" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
