"""The 异常分析 findings of a batch run are computed across all its units: in the portfolio (rule ×
unit counts, a sheet of their own, counts per unit for the index) and when the exploration opens
the batch folder. The batch folder is built by hand here (no kernels): a manifest naming the
parameter files, and per unit the ``summary.json`` and ``findings.parquet`` a unit run writes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from perfkit import explore
from perfkit.checks import run_checks
from perfkit.load import TargetTables, load_targets
from perfkit.report.audit import RULE_TITLES
from perfkit.report.portfolio import CROSS_UNIT_FILE, write_portfolio_workbook
from perfkit.run.portfolio import read_portfolio, read_units
from tests.conftest import ROOT

TWO_YEARS = ROOT / "tests" / "fixtures" / "two-years.csv"


def fake_unit(root: Path, params: Path, tables: TargetTables, code: str, year: int) -> dict:
    """What a unit run leaves: its folder with findings (checked on the unit alone) and summary."""
    projects = tables.projects.filter(unit_code=code, year=year)
    mine = TargetTables(
        projects, tables.indicators.filter(pl.col("project_id").is_in(projects["project_id"].implode()))
    )
    findings = run_checks(mine).with_columns(rule_title=pl.col("rule_id").replace_strict(RULE_TITLES))
    folder = root / code
    folder.mkdir()
    findings.write_parquet(folder / "findings.parquet")
    summary = {"unit_code": code, "unit_name": projects["unit_name"][0], "year": year, "projects": projects.height,
               "budget_total": float(projects["budget_total"].sum()), "findings_high": 0, "findings_medium": 0,
               "findings_low": 0, "mean_total": None, "grades": {}}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return {"status": "ok", "params_file": str(params)}


@pytest.fixture(scope="module")
def seed_batch(tmp_path_factory):
    """The two seed units as a finished batch (parameters from params/)."""
    root = tmp_path_factory.mktemp("batch")
    tables = load_targets(ROOT / "data" / "raw" / "targets")
    units = {
        code: fake_unit(root, ROOT / "params" / f"{code}.yaml", tables, code, 2025) for code in ("562202", "562301")
    }
    (root / "manifest.json").write_text(json.dumps({"units": units}), encoding="utf-8")
    return root


def test_portfolio_puts_cross_unit_findings_in_place_of_the_per_unit_ones(seed_batch):
    """The seed's one copy (大赛 in projects 4 and 7 of 562301) is counted once, not once per run."""
    portfolio = read_portfolio(seed_batch)
    assert portfolio.cross_unit_findings.select("unit_code", "rule_id", "seq").rows() == [
        ("562301", "copy_paste_indicator", 2)
    ]
    assert portfolio.findings.filter(rule_id="copy_paste_indicator").height == 1
    assert portfolio.cross_unit_findings["rule_title"][0] == "指标文字与其他项目雷同（复制粘贴）"


def test_portfolio_workbook_and_index_table_show_the_cross_unit_findings(seed_batch, tmp_path):
    portfolio = read_portfolio(seed_batch)
    book = write_portfolio_workbook(portfolio, seed_batch / "portfolio.xlsx")
    sheet = openpyxl.load_workbook(book)["跨单位异常"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "562301" and "文字相同" in rows[1][5]
    assert (seed_batch / CROSS_UNIT_FILE).exists()
    units = read_units(seed_batch)
    assert dict(zip(units["unit_code"], units["findings_cross_unit"], strict=True)) == {"562202": 0, "562301": 1}


def test_exploration_opens_a_batch_folder(seed_batch):
    exp = explore.open_batch(seed_batch)
    assert exp.tables.projects.height == 7
    assert explore.select(exp.findings, rule="copy_paste_indicator")["project_name"].to_list() == [
        "2025年寻找最美家庭、女性科技创业创新大赛（非财政拨款）"
    ]
    assert exp.actuals is not None and exp.actuals.projects.height == 7


def test_year_over_year_in_the_portfolio_compares_with_the_earlier_year_loaded(tmp_path):
    """A unit audited for 2025 whose targets file also holds 2024: the portfolio finds the four planted changes."""
    params = tmp_path / "300001.yaml"
    params.write_text(f'unit_code: "300001"\nyear: 2025\ntargets: ["{TWO_YEARS}"]\nactuals: []\n', encoding="utf-8")
    root = tmp_path / "batch"
    root.mkdir()
    units = {"300001": fake_unit(root, params, load_targets(TWO_YEARS), "300001", 2025)}
    (root / "manifest.json").write_text(json.dumps({"units": units}), encoding="utf-8")
    cross = read_portfolio(root).cross_unit_findings
    assert sorted(cross["rule_id"]) == ["yoy_indicator_dropped", "yoy_new_project", "yoy_target_lowered",
                                        "yoy_unchanged_target"]  # fmt: skip
