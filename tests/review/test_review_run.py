"""The review workflow end to end through ``perfkit run``: the notebook records findings, shows decisions."""

from __future__ import annotations

import json

import openpyxl

from perfkit.cli import main
from perfkit.review import ReviewStore
from perfkit.run.batch import describe
from tests.conftest import ROOT

PARAMS = ROOT / "params" / "562301.yaml"


def test_a_decision_imported_from_the_workbook_shows_in_the_next_run(tmp_path, capsys):
    assert main(["run", str(PARAMS), "-o", str(tmp_path)]) == 0
    store = tmp_path / "review.sqlite"
    with ReviewStore(store) as db:
        recorded = db.findings("562301")
    workbook = tmp_path / "562301" / "562301-审计底稿.xlsx"
    book = openpyxl.load_workbook(workbook)
    sheet = book["审核发现"]
    header = [c.value for c in sheet[1]]
    assert {r[0] for r in sheet.iter_rows(min_row=2, values_only=True)} == set(recorded["finding_id"])
    fid = sheet.cell(2, 1).value
    sheet.cell(2, header.index("复核状态") + 1, "已确认")
    sheet.cell(2, header.index("复核人") + 1, "张三")
    book.save(workbook)
    before = describe(PARAMS, tmp_path).fingerprint
    # no --store: the store beside the workbook's unit folder
    assert main(["review", "import", str(workbook)]) == 0
    assert describe(PARAMS, tmp_path).fingerprint != before  # a batch would run this unit again
    capsys.readouterr()
    assert main(["run", str(PARAMS), "-o", str(tmp_path)]) == 0
    rows = openpyxl.load_workbook(workbook)["审核发现"].iter_rows(min_row=2, values_only=True)
    shown = {r[0]: r[header.index("复核状态")] for r in rows}
    assert shown[fid] == "已确认" and list(shown.values()).count("待复核") == len(shown) - 1
    summary = json.loads((tmp_path / "562301" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["review_confirmed"], summary["review_open"]) == (1, len(shown) - 1)
    notebook = (tmp_path / "562301" / "562301.ipynb").read_text(encoding="utf-8")
    assert f"复核：待复核 {len(shown) - 1}，已确认 1，已排除 0，误报 0；已消除 0" in notebook
