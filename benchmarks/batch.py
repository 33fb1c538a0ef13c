"""Benchmark ``perfkit batch`` against a shell loop running the papermill command line per unit.

Both run the same notebook on the same synthetic units (illustrative data) on this machine;
the shell loop is what an auditor would write without perfkit.
"""

from __future__ import annotations

import argparse
import json
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


def measure(n_units: int, jobs: int | None = None) -> dict:
    """Wall time of one batch and of the equivalent shell loop."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        params = _units(folder, n_units)
        perfkit = str(Path(sys.executable).parent / "perfkit")
        start = time.perf_counter()
        command = [perfkit, "batch", str(params), "-o", str(folder / "batch")] + (["--jobs", str(jobs)] if jobs else [])
        subprocess.run(command, check=True, capture_output=True)
        batch_s = time.perf_counter() - start
        papermill = str(Path(sys.executable).parent / "papermill")
        loop = (
            f'for f in {params}/*.yaml; do u=$(basename "$f" .yaml); mkdir -p {folder}/loop/$u; '
            f'{papermill} {NOTEBOOK} {folder}/loop/$u/$u.ipynb -f "$f" --cwd {NOTEBOOK.parent} -k python3 '
            f"--no-progress-bar >/dev/null 2>&1 || exit 1; done"
        )
        start = time.perf_counter()
        subprocess.run(["bash", "-c", loop], check=True)
        loop_s = time.perf_counter() - start
    return {
        "units": n_units,
        "batch_s": round(batch_s, 1),
        "loop_s": round(loop_s, 1),
        "ratio": round(batch_s / loop_s, 2),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, required=True)
    parser.add_argument("--jobs", type=int)
    args = parser.parse_args()
    print(json.dumps(measure(args.units, args.jobs)))
