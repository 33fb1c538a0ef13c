"""Re-runs of ``perfkit batch`` decided from the manifest: what counts as a change, and what an
unchanged re-run leaves alone (no readers imported, no portfolio, no index)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from perfkit.run.manifest import MANIFEST, describe, store_digests, unchanged
from tests.conftest import ROOT

SEED = ROOT / "data" / "raw" / "targets" / "tianjin-womens-federation-2025-targets.txt"


@pytest.fixture
def unit(tmp_path):
    """A unit whose targets folder, parameter file and output folder are copies of its own."""
    targets = tmp_path / "targets"
    targets.mkdir()
    shutil.copy(SEED, targets)
    params = tmp_path / "562202.yaml"
    params.write_text('unit_code: "562202"\nyear: 2025\ntargets: [targets]\n', encoding="utf-8")
    output = tmp_path / "out"
    output.mkdir()
    return params, targets, output


def record_of(params: Path, output: Path) -> tuple[dict, dict]:
    """The manifest record a batch keeps for the unit, and the manifest with its store digests."""
    described = describe(params, output)
    record = {"status": "ok", "params_file": str(params), "fingerprint": described.fingerprint,
              "inputs": described.inputs, "made_of": described.made_of, "outputs": {}}  # fmt: skip
    return record, {"units": {"562202": record}, "review_stores": store_digests({"562202": record}, {})}


def test_the_same_unit_is_unchanged(unit):
    params, _, output = unit
    record, manifest = record_of(params, output)
    assert unchanged(params, record, manifest)


@pytest.mark.parametrize("change", ["input", "new file", "params", "store", "output gone", "failed", "older manifest"])
def test_every_change_is_a_change(unit, change):
    params, targets, output = unit
    record, manifest = record_of(params, output)
    if change == "input":  # one character more in the targets file
        (targets / SEED.name).write_bytes(SEED.read_bytes() + b" ")
    elif change == "new file":  # a second document in the folder is a second input
        shutil.copy(SEED, targets / "second.txt")
    elif change == "params":
        params.write_text(params.read_text(encoding="utf-8") + "checks: {}\n", encoding="utf-8")
    elif change == "store":  # anything written into the review store since the batch ended (a decision imported)
        with sqlite3.connect(output / "review.sqlite") as db:
            db.execute("CREATE TABLE t (x)")
    elif change == "output gone":
        record["outputs"] = {"workbook": str(output / "562202" / "562202-审计底稿.xlsx")}
    elif change == "failed":
        record["status"] = "failed"
    elif change == "older manifest":  # written by a perfkit that did not keep what the fingerprint was made of
        del record["made_of"]
    assert not unchanged(params, record, manifest)


def test_a_store_changed_while_the_batch_ran_is_not_trusted(unit):
    """The digest of a store is kept only if each unit's decisions in it are those it was fingerprinted with."""
    params, _, output = unit
    record, _ = record_of(params, output)
    store = record["made_of"]["store"]
    assert store == str(output / "review.sqlite")
    assert store_digests({"562202": record}, {}) == {store: "absent"}  # no store yet
    record["made_of"]["decisions"] = "another digest"  # as if a decision had been imported meanwhile
    assert store_digests({"562202": record}, {store: "old"}) == {}


def test_an_unchanged_rerun_imports_no_reader_and_rebuilds_nothing(tmp_path):
    from perfkit.run.batch import run_batch

    params = tmp_path / "params"
    params.mkdir()
    text = (ROOT / "params" / "562202.yaml").read_text(encoding="utf-8").replace("../data", str(ROOT / "data"))
    (params / "562202.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    first = run_batch([params], out, jobs=1, progress=False)
    assert first["unchanged"] is False and first["units"]["562202"]["status"] == "ok"
    built = {name: (out / name).stat().st_mtime_ns for name in ("index.html", "portfolio.xlsx", MANIFEST)}
    code = (
        "import sys\nfrom perfkit.cli import main\nstatus = main(sys.argv[1:])\n"
        "print(sorted(m for m in ('polars', 'perfkit.load', 'papermill', 'jupyter_client') if m in sys.modules))\n"
        "sys.exit(status)\n"
    )
    again = subprocess.run([sys.executable, "-c", code, "batch", str(params), "-o", str(out)],
                           capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)})  # fmt: skip
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert lines[-1] == "[]"  # worked by hand: nothing of these is needed to compare hashes
    assert "成功 1（其中未变化跳过 1）" in again.stdout and "未重建" in again.stdout
    assert {name: (out / name).stat().st_mtime_ns for name in built} == built
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["units"]["562202"]["fingerprint"] == first["units"]["562202"]["fingerprint"]
