"""Warm kernels: one unit's state never reaches the next, dead kernels are replaced, outputs are unchanged."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import nbformat
import openpyxl
import polars as pl
import pytest

from perfkit.run import kernels
from perfkit.run.batch import run_batch
from perfkit.run.notebook import _execute
from tests.conftest import ROOT
from tests.run.test_batch import workbook_values

# mode "leak" changes everything a unit could leave behind (and "fail" then raises); "observe" reports it
CELLS = [
    'mode = "observe"\nout = "state.json"',
    "import json, os, sys\nimport matplotlib\nimport matplotlib.pyplot as plt\nimport polars as pl",
    'if mode != "observe":\n'
    "    leaked_global = 1\n"
    "    plt.ioff()\n"
    "    plt.figure()\n"
    "    matplotlib.rcParams['lines.linewidth'] = 7.0\n"
    "    pl.Config.set_tbl_rows(3)\n"
    "    sys.path.append('leaked-path')\n"
    "    os.environ['PK_LEAKED'] = '1'\n"
    "    os.chdir('/')",
    "state = {'pid': os.getpid(), 'cwd': os.getcwd(), 'leaked_global': 'leaked_global' in globals(),\n"
    "         'figures': plt.get_fignums(), 'linewidth': matplotlib.rcParams['lines.linewidth'],\n"
    "         'polars': pl.Config.state(if_set=True, env_only=True), 'path': 'leaked-path' in sys.path,\n"
    "         'env': os.environ.get('PK_LEAKED')}\n"
    "open(os.path.join(os.environ['PK_TEST_OUT'], out), 'w').write(json.dumps(state))",
    'if mode == "fail":\n    raise ValueError("this unit fails")',
]


@pytest.fixture
def probe(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setenv("PK_TEST_OUT", str(tmp_path))  # the kernel inherits it at its start
    kernels.discard()
    yield path
    kernels.discard()


def run(probe: Path, mode: str, out: str) -> dict:
    cwd = probe.parent / f"cwd-{out}"
    cwd.mkdir()
    _execute(probe, cwd / "executed.ipynb", {"mode": mode, "out": out}, False, 60, cwd, warm=True)
    state = json.loads((probe.parent / out).read_text())
    state["cwd"] = Path(state["cwd"]) == cwd
    shutil.rmtree(cwd)  # as a unit's staging folder is moved away after its run
    return state


CLEAN = {"cwd": True, "leaked_global": False, "figures": [], "polars": {}, "path": False, "env": None}


def test_nothing_of_one_unit_reaches_the_next_in_the_same_kernel(probe):
    leaked = run(probe, "leak", "first.json")
    # worked by hand: the leak cell chdir'd to "/", opened figure 1, set 3 table rows and linewidth 7
    assert (leaked["cwd"], leaked["leaked_global"], leaked["figures"], leaked["linewidth"]) == (False, True, [1], 7.0)
    assert leaked["polars"] == {"POLARS_FMT_MAX_ROWS": "3"} and leaked["env"] == "1" and leaked["path"]
    clean = run(probe, "observe", "second.json")
    assert clean["pid"] == leaked["pid"]  # the same kernel ran both units
    assert {k: clean[k] for k in CLEAN} == CLEAN
    assert clean["linewidth"] != 7.0


def test_nothing_of_a_failed_unit_reaches_the_next(probe):
    cwd = probe.parent / "cwd-fail"
    cwd.mkdir()
    with pytest.raises(Exception, match="this unit fails"):
        _execute(probe, cwd / "executed.ipynb", {"mode": "fail", "out": "first.json"}, False, 60, cwd, warm=True)
    leaked = json.loads((probe.parent / "first.json").read_text())
    assert leaked["leaked_global"] and leaked["figures"] == [1]
    clean = run(probe, "observe", "second.json")
    assert clean["pid"] != leaked["pid"]  # a failed unit's kernel is replaced
    assert {k: clean[k] for k in CLEAN} == CLEAN and clean["linewidth"] != 7.0


def test_a_dead_kernel_is_replaced(probe):
    first = run(probe, "observe", "first.json")
    os.kill(first["pid"], signal.SIGKILL)
    second = run(probe, "observe", "second.json")
    assert second["pid"] != first["pid"]
    assert {k: second[k] for k in CLEAN} == CLEAN


def test_warm_and_fresh_kernels_give_identical_outputs(tmp_path):
    warm, fresh = tmp_path / "warm", tmp_path / "fresh"
    # one job: both bundled units run one after the other in the same warm kernel
    run_batch([ROOT / "params"], warm, jobs=1, progress=False)
    run_batch([ROOT / "params"], fresh, jobs=1, progress=False, fresh_kernels=True)
    for unit in ("562202", "562301"):
        name = f"{unit}/{unit}-审计底稿.xlsx"
        assert workbook_values(warm / name) == workbook_values(fresh / name)
        for table in ("findings.parquet", "project_scores.parquet"):
            assert pl.read_parquet(warm / unit / table).equals(pl.read_parquet(fresh / unit / table)), table
    assert sheet_values(warm / "portfolio.xlsx") == sheet_values(fresh / "portfolio.xlsx")


def sheet_values(path: Path) -> dict[str, list]:
    book = openpyxl.load_workbook(path)
    return {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
