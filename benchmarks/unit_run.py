"""Benchmark one unit end to end: ``perfkit run`` against the package work alone, same machine.

The baseline is ``audit_unit`` + ``write_workbook`` in a fresh process (what the notebook calls);
the difference is the price of papermill, the kernel and the HTML export. Beside the totals, the
pieces of a cold run, each measured on its own in a fresh process: the command's imports, a bare
kernel's start, the imports of the kernel's warm-up, the notebook's cells (papermill's own
timings in the executed notebook) and the HTML export. ``perfkit run`` starts its kernel first and
imports papermill while the kernel starts, so the pieces add up to more than the run.
"""

from __future__ import annotations

import json
import resource
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
KERNEL_START = """
import time
from jupyter_core.utils import run_sync
from perfkit.run.kernels import IPCKernelManager
km = IPCKernelManager(kernel_name="python3")
start = time.perf_counter()
run_sync(km.start_kernel)()
kc = km.client()
kc.start_channels()
run_sync(kc.wait_for_ready)(timeout=120)
print(time.perf_counter() - start)
kc.stop_channels()
run_sync(km.shutdown_kernel)(now=True)
"""
EXPORT = """
import sys, time
from pathlib import Path
import nbformat
from perfkit.run.notebook import export_html
node = nbformat.read(sys.argv[1], as_version=4)
start = time.perf_counter()
export_html(node, Path(sys.argv[2]))
print(time.perf_counter() - start)
"""


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + sys of the process and its children) seconds of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _printed(code: str, *args: str) -> float:
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def _imports(modules: str) -> float:
    return _printed(f"import time; s = time.perf_counter(); import {modules}; print(time.perf_counter() - s)")


def pieces(out: Path) -> dict:
    """The pieces of a cold ``perfkit run`` (seconds; best of two where it is cheap)."""
    from perfkit.run.kernels import WARM_UP

    warm_modules = next(line for line in WARM_UP.splitlines() if line.startswith("import perfkit"))[len("import ") :]
    node = json.loads((out / "562301" / "562301.ipynb").read_text(encoding="utf-8"))
    cells = [
        c["metadata"].get("papermill", {}).get("duration") or 0.0 for c in node["cells"] if c["cell_type"] == "code"
    ]
    html = out / "export.html"
    return {
        "cli_imports_s": round(min(_imports("perfkit.cli") for _ in range(2)), 2),
        "run_imports_s": round(min(_imports("perfkit.run.notebook") for _ in range(2)), 2),
        "kernel_start_s": round(min(_printed(KERNEL_START) for _ in range(2)), 2),
        "kernel_imports_s": round(min(_imports(f"matplotlib.pyplot, polars, {warm_modules}") for _ in range(2)), 2),
        "cells_s": round(sum(cells), 2),
        "slowest_cells_s": sorted((round(c, 2) for c in cells), reverse=True)[:4],
        "export_s": round(_printed(EXPORT, str(out / "562301" / "562301.ipynb"), str(html)), 3),
    }


def measure(repeats: int = 3) -> dict:
    """Best of ``repeats`` wall times (and their CPU times) for the notebook run and the baseline."""
    perfkit = str(Path(sys.executable).parent / "perfkit")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run = min(timed([perfkit, "run", "params/562301.yaml", "-o", str(out)]) for _ in range(repeats))
        base = min(timed([sys.executable, "-c", BASELINE.format(out=out)]) for _ in range(repeats))
        parts = pieces(out)
    return {"perfkit_run_s": round(run[0], 2), "perfkit_run_cpu_s": round(run[1], 2), "baseline_s": round(base[0], 2),
            "baseline_cpu_s": round(base[1], 2), "ratio": round(run[0] / base[0], 2), "pieces": parts}  # fmt: skip


if __name__ == "__main__":
    print(json.dumps(measure()))
