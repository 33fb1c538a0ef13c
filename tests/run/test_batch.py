"""``perfkit batch``: many units in parallel, failures isolated, resumable, same outputs on Dask."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from perfkit.cli import main
from perfkit.run.batch import run_batch
from perfkit.run.manifest import MANIFEST
from tests.conftest import ROOT
from tests.report.test_index import index_table

PARAMS = ROOT / "params"
UNITS = ("562202", "562301")


def workbook_values(path: Path) -> dict[str, list]:
    book = openpyxl.load_workbook(path)
    values = {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
    values["数据来源"] = [row for row in values["数据来源"] if row[0] != "运行时间（UTC）"]  # the run time differs
    return values


@pytest.fixture(scope="module")
def local_and_dask(tmp_path_factory):
    local, dask = tmp_path_factory.mktemp("local"), tmp_path_factory.mktemp("dask")
    run_batch([PARAMS], local, jobs=2, progress=False)
    run_batch([PARAMS], dask, jobs=2, scheduler="local-dask", progress=False)
    return local, dask


def test_local_pool_and_local_dask_give_identical_workbooks(local_and_dask):
    local, dask = local_and_dask
    for unit in UNITS:
        name = f"{unit}/{unit}-审计底稿.xlsx"
        assert workbook_values(local / name) == workbook_values(dask / name)


def test_batch_writes_manifest_and_index(local_and_dask):
    local, _ = local_and_dask
    manifest = json.loads((local / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["units"]) == list(UNITS)
    for unit in UNITS:
        record = manifest["units"][unit]
        assert record["status"] == "ok" and record["error"] is None and record["duration_s"] > 0
        assert all(Path(p).exists() for p in record["outputs"].values())
        assert any(name.endswith("tianjin-womens-federation-2025-targets.txt") for name in record["inputs"])
    page = (local / "index.html").read_text(encoding="utf-8")
    assert "562202/562202.html" in page and "562301/562301-审计底稿.xlsx" in page


def test_unchanged_units_are_skipped_and_force_redoes_them(tmp_path):
    run_batch([PARAMS / "562202.yaml"], tmp_path, jobs=1, progress=False)
    again = run_batch([PARAMS / "562202.yaml"], tmp_path, jobs=1, progress=False)
    assert again["units"]["562202"]["skipped"] is True
    forced = run_batch([PARAMS / "562202.yaml"], tmp_path, jobs=1, force=True, progress=False)
    assert forced["units"]["562202"]["skipped"] is False


def make_unit(folder: Path, code: str, targets: str, year: int = 2025) -> Path:
    path = folder / f"{code}.yaml"
    path.write_text(f'unit_code: "{code}"\nyear: {year}\ntargets: [{targets}]\n', encoding="utf-8")
    return path


def test_failures_are_isolated_named_and_exit_1(tmp_path, capsys):
    params = tmp_path / "params"
    params.mkdir()
    shutil.copy(PARAMS / "562301.yaml", params / "562301.yaml")
    (params / "562301.yaml").write_text(
        (PARAMS / "562301.yaml").read_text(encoding="utf-8").replace("../data", str(ROOT / "data")), encoding="utf-8"
    )
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "targets.txt").write_text("", encoding="utf-8")
    make_unit(params, "100001", str(broken))  # its input is an empty file
    make_unit(params, "562202", str(ROOT / "data" / "raw" / "targets"), year=2031)  # the notebook raises
    status = main(["batch", str(params), "-o", str(tmp_path / "out"), "--jobs", "2"])
    assert status == 1
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text(encoding="utf-8"))
    units = manifest["units"]
    assert units["562301"]["status"] == "ok"
    assert units["100001"]["status"] == "failed" and "文件为空" in units["100001"]["error"]
    assert units["562202"]["status"] == "failed" and "2031" in units["562202"]["error"]
    err = capsys.readouterr().err
    assert "失败 100001" in err and "失败 562202" in err
    assert not (tmp_path / "out" / "100001" / "100001-审计底稿.xlsx").exists()


def test_a_killed_batch_resumes_without_redoing_finished_units(tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "perfkit.cli", "batch", str(PARAMS), "-o", str(out), "--jobs", "1"]
    process = subprocess.Popen(
        command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            units = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["units"]
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            units = {}
        if any(r.get("status") == "ok" for r in units.values()):
            break
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the whole batch, kernels included, mid-way
    process.wait()
    finished = [u for u, r in units.items() if r.get("status") == "ok"]
    assert len(finished) == 1
    manifest = run_batch([PARAMS], out, jobs=1, progress=False)
    assert manifest["units"][finished[0]]["skipped"] is True
    assert all(r["status"] == "ok" for r in manifest["units"].values())
    for unit in UNITS:
        openpyxl.load_workbook(out / unit / f"{unit}-审计底稿.xlsx")  # every workbook is complete
        assert not list((out / unit).glob(".partial-*"))


def test_portfolio_workbook_and_report_cover_every_unit(local_and_dask):
    local, _ = local_and_dask
    assert (local / "portfolio.html").exists() and (local / "portfolio.ipynb").exists()
    book = openpyxl.load_workbook(local / "portfolio.xlsx")
    assert book.sheetnames == ["单位汇总", "项目得分", "问题×单位", "问题清单", "跨单位异常"]
    units = [row for row in book["单位汇总"].iter_rows(min_row=2, values_only=True)]
    assert [u[0] for u in units] == list(UNITS)
    assert len(list(book["项目得分"].iter_rows(min_row=2))) == 7  # 2 + 5 projects
    pivot = book["问题×单位"]
    header = [c.value for c in pivot[1]]
    assert header == ["规则", *UNITS]
    totals = {
        unit: sum(row[i] for row in pivot.iter_rows(min_row=2, values_only=True)) for i, unit in enumerate(header) if i
    }
    for unit in UNITS:
        summary = json.loads((local / unit / "summary.json").read_text(encoding="utf-8"))
        assert totals[unit] == summary["findings_high"] + summary["findings_medium"] + summary["findings_low"]
    page = (local / "index.html").read_text(encoding="utf-8")
    assert 'href="portfolio.xlsx"' in page
    # the seed's one cross-unit finding: 大赛 copied between projects 4 and 7 of 562301
    assert {r["单位编码"]: r["跨单位异常"] for r in index_table(page)} == {"562202": "0", "562301": "1"}


def _notebook_that_kills_its_kernel(path: Path) -> Path:
    import nbformat

    from perfkit.run.params import UNIT_PARAMETERS

    node = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("\n".join(f"{name} = None" for name in UNIT_PARAMETERS))
    parameters.metadata["tags"] = ["parameters"]
    node.cells = [parameters, nbformat.v4.new_code_cell("import os\nos._exit(9)  # as the OOM killer would")]
    node.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(node, path)
    return path


def test_a_kernel_that_dies_fails_its_unit_and_keeps_the_notebook(tmp_path):
    from nbclient.exceptions import DeadKernelError

    from perfkit.run.notebook import run_unit

    notebook = _notebook_that_kills_its_kernel(tmp_path / "dies.ipynb")
    with pytest.raises(DeadKernelError):
        run_unit(PARAMS / "562301.yaml", tmp_path / "out", progress=False, notebook=notebook)
    assert sorted(p.name for p in (tmp_path / "out" / "562301").iterdir()) == ["562301.failed.ipynb"]


def test_run_one_turns_any_failure_into_a_record(monkeypatch, tmp_path):
    import perfkit.run.notebook
    from perfkit.run.batch import run_one

    def dies(*args, **kwargs):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(perfkit.run.notebook, "run_unit", dies)
    record = run_one(str(PARAMS / "562301.yaml"), str(tmp_path))
    assert record["status"] == "failed"
    assert "RuntimeError: Kernel died" in record["error"] and "562301.yaml" in record["error"]


def test_params_given_relative_to_the_caller_still_reach_the_portfolio(tmp_path, monkeypatch, capsys):
    """`make audit` runs `perfkit batch params`: the manifest keeps absolute params paths, because
    the portfolio notebook reads them back from notebooks/; a portfolio failure would exit 1."""
    (tmp_path / "params").mkdir()
    text = (PARAMS / "562202.yaml").read_text(encoding="utf-8").replace("../data", str(ROOT / "data"))
    (tmp_path / "params" / "562202.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["batch", "params", "-o", "out"]) == 0, capsys.readouterr().err
    manifest = json.loads((tmp_path / "out" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["units"]["562202"]["params_file"] == str(tmp_path / "params" / "562202.yaml")
    assert "error" not in manifest["portfolio"]
    assert (tmp_path / "out" / "portfolio.xlsx").exists()


def test_two_batches_into_one_folder_both_keep_their_unit(tmp_path):
    """Two ``perfkit batch`` processes at the same time, one unit each, into one folder: the
    manifest merges under a lock, so it names both units (it kept only the last writer's before)."""
    perfkit = Path(sys.executable).parent / "perfkit"
    runs = [
        subprocess.Popen(
            [str(perfkit), "batch", str(PARAMS / f"{unit}.yaml"), "-o", str(tmp_path), "--jobs", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for unit in UNITS
    ]
    outputs = [run.communicate(timeout=600)[0].decode() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["units"]) == list(UNITS)
    assert {manifest["units"][u]["status"] for u in UNITS} == {"ok"}


def test_manifest_updates_from_many_processes_lose_nothing(tmp_path):
    """Eight processes writing five records each at the same time: all 40 records are there afterwards."""
    code = (
        "import sys; from pathlib import Path; from perfkit.run.manifest import update_manifest\n"
        "for i in range(5): update_manifest(Path(sys.argv[1]), {f'{sys.argv[2]}-{i}': {'status': 'ok'}})\n"
    )
    writers = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path), f"w{n}"]) for n in range(8)]
    assert [w.wait(timeout=120) for w in writers] == [0] * 8
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert len(manifest["units"]) == 40
