"""Benchmark one unit end to end: ``perfkit run`` against the package work alone, same machine.

The baseline is ``audit_unit`` + ``write_workbook`` in a fresh process (what the notebook calls);
the difference is the price of papermill, the kernel and the HTML export.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = """
from perfkit.run.unit import audit_unit
from perfkit.report.workbook import write_workbook
audit = audit_unit("562301", 2025, ["data/raw/targets"], ["data/raw/selfeval"])
write_workbook(audit, "{out}/baseline.xlsx")
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def measure(repeats: int = 3) -> dict:
    """Best of ``repeats`` wall times for the notebook run and the baseline."""
    perfkit = str(Path(sys.executable).parent / "perfkit")
    with tempfile.TemporaryDirectory() as out:
        run = min(timed([perfkit, "run", "params/562301.yaml", "-o", out]) for _ in range(repeats))
        base = min(timed([sys.executable, "-c", BASELINE.format(out=out)]) for _ in range(repeats))
    return {"perfkit_run_s": round(run, 2), "baseline_s": round(base, 2), "ratio": round(run / base, 2)}


if __name__ == "__main__":
    print(json.dumps(measure()))
