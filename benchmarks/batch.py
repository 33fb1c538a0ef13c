"""Benchmark ``perfkit batch`` against shell loops running the papermill command line per unit.

All run the same notebook on the same synthetic units (illustrative data) on this machine: the
batch with warm kernels (the default) and with ``--fresh-kernels``, a re-run with nothing changed,
and the papermill command line in a parallel loop (``xargs -P jobs``) and a sequential one, which
is what an auditor would write without perfkit.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import generate

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "1.0-unit-audit.ipynb"


def _units(folder: Path, n_units: int) -> Path:
    """``n_units`` synthetic units, one targets file each, and a params folder pointing at them."""
    generate(folder / "data", 0, units=n_units)  # 5 to 20 projects of about 11 indicators each per unit
    params = folder / "params"
    params.mkdir()
    files = sorted((folder / "data" / "targets").iterdir())
    assert len(files) == n_units, f"asked for {n_units} units, the generator wrote {len(files)}"
    for path in files:
        code = path.stem.split("-")[1]
        params.joinpath(f"{code}.yaml").write_text(
            f'unit_code: "{code}"\nyear: 2025\ntargets: ["{path}"]\nactuals: []\noutput_dir: "{folder / "loop" / code}"\n',
            encoding="utf-8",
        )
    return params


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def _pieces(run: Path) -> dict:
    """Where a batch's time went: its units' own durations (per worker, summed) and the portfolio notebook."""
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    durations = [r["duration_s"] for r in manifest["units"].values() if "duration_s" in r]
    portfolio = json.loads((run / "portfolio.ipynb").read_text(encoding="utf-8"))["metadata"]["papermill"]
    return {"unit_mean_s": round(sum(durations) / len(durations), 2), "portfolio_s": round(portfolio["duration"], 1)}


def _papermill(folder: Path, unit: str) -> str:
    """The papermill command line for one unit ``$u`` of ``params/$u.yaml``, into ``folder/$u``."""
    papermill = str(Path(sys.executable).parent / "papermill")
    return (
        f'mkdir -p {folder}/{unit} && {papermill} {NOTEBOOK} {folder}/{unit}/{unit}.ipynb -f "$f" '
        f"-p output_dir {folder}/{unit} --cwd {NOTEBOOK.parent} -k python3 --no-progress-bar >/dev/null 2>&1"
    )


def measure(n_units: int, jobs: int | None = None, sequential: bool = True) -> dict:
    """Wall time of a batch with warm and with fresh kernels, and of the papermill loops, in one run.

    The batch times include its portfolio notebook and run index; the loops run the unit notebooks only.
    """
    jobs = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        params = _units(folder, n_units)
        perfkit = [str(Path(sys.executable).parent / "perfkit"), "batch", str(params), "--jobs", str(jobs), "-o"]
        warm_s = _timed([*perfkit, str(folder / "warm")])
        rerun_s = _timed([*perfkit, str(folder / "warm")])
        fresh_s = _timed([*perfkit, str(folder / "fresh"), "--fresh-kernels"])
        pieces = {"warm": _pieces(folder / "warm"), "fresh": _pieces(folder / "fresh")}
        one = _papermill(folder / "parallel", '$(basename "$f" .yaml)')
        parallel = f"ls {params}/*.yaml | xargs -P {jobs} -I{{}} bash -c 'f={{}}; {one}'"
        parallel_s = _timed(["bash", "-c", parallel])
        result = {"units": n_units, "jobs": jobs, "batch_s": round(warm_s, 1), "rerun_s": round(rerun_s, 1),
                  "fresh_s": round(fresh_s, 1), "parallel_loop_s": round(parallel_s, 1),
                  "ratio_parallel": round(warm_s / parallel_s, 2), "fresh_ratio_parallel": round(fresh_s / parallel_s, 2),
                  "pieces": pieces}  # fmt: skip
        if sequential:
            one = _papermill(folder / "sequential", '$(basename "$f" .yaml)')
            loop_s = _timed(["bash", "-c", f"for f in {params}/*.yaml; do {one} || exit 1; done"])
            result |= {"loop_s": round(loop_s, 1), "ratio": round(warm_s / loop_s, 2)}
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, required=True)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--no-sequential", action="store_true", help="skip the sequential papermill loop")
    args = parser.parse_args()
    print(json.dumps(measure(args.units, args.jobs, not args.no_sequential)))
