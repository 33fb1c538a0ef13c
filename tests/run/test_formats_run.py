"""``perfkit batch`` (and so ``perfkit run``, which runs the same unit notebook) on params files whose
targets and actuals are PDFs, web pages and .xls: the same findings, ids included, and the same
scores as the bundled Word text exports give in-process."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import yaml
from polars.testing import assert_frame_equal

from perfkit.cli import main
from perfkit.run.unit import audit_unit
from tests.conftest import ROOT
from tests.load.html_docs import disclosure_page
from tests.seed_expected import INDICATORS, PROJECTS

FIXTURES = ROOT / "tests" / "fixtures"
BUNDLED = {"targets": [str(ROOT / "data" / "raw" / "targets")], "actuals": [str(ROOT / "data" / "raw" / "selfeval")]}


def params(path: Path, unit: str, targets: list[Path], actuals: list[Path]) -> Path:
    listed = {"targets": [str(p) for p in targets], "actuals": [str(p) for p in actuals]}
    path.write_text(yaml.safe_dump({"unit_code": unit, "year": 2025, **listed}, allow_unicode=True), encoding="utf-8")
    return path


def test_batch_reads_pdf_html_and_xls_sources_as_the_word_export(tmp_path, capsys):
    page = tmp_path / "disclosure.htm"
    page.write_bytes(disclosure_page(PROJECTS, INDICATORS, charset="gbk").encode("gbk"))
    files = [
        params(tmp_path / "a.yaml", "562202", [FIXTURES / "seed-targets.pdf"], [FIXTURES / "selfeval.pdf"]),
        params(tmp_path / "b.yaml", "562301", [page], [FIXTURES / "selfeval.pdf"]),
    ]
    out = tmp_path / "out"
    assert main(["batch", *map(str, files), "-o", str(out)]) == 0, capsys.readouterr().err
    for unit in ("562202", "562301"):
        expected = audit_unit(unit, 2025, **BUNDLED)
        findings = pl.read_parquet(out / unit / "findings.parquet")
        assert sorted(findings["finding_id"]) == sorted(expected.findings["finding_id"])
        scores = pl.read_parquet(out / unit / "project_scores.parquet")
        assert_frame_equal(scores, expected.scorecard.project_scores.select(scores.columns))
