"""Benchmark discovery (``perfkit plan``) against extract on the same synthetic units, in one run.

Each is timed in a fresh process over the same files: extract is one ``load_targets`` of the
folder (the floor of reading them as targets); discovery reads the same files recursively, tells
self-evaluations from target tables and plans the units; the re-run is discovery again with its
cache (``discovery.json``) from the first.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.synthetic import generate

_EXTRACT = """
import sys, time
from perfkit.load import load_targets
start = time.perf_counter()
tables = load_targets(sys.argv[1])
print(time.perf_counter() - start, tables.projects["unit_code"].n_unique())
"""
_DISCOVER = """
import sys, time
from pathlib import Path
from perfkit.run.discover import discover
start = time.perf_counter()
found = discover([sys.argv[1]], Path(sys.argv[2]))
print(time.perf_counter() - start, found.units.height, found.read)
"""


def _timed(script: str, *args: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True, text=True)
    return [float(v) for v in out.stdout.split()]


def measure(n_units: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder / "data", 0, units=n_units)
        targets = str(folder / "data" / "targets")
        extract_s, units = _timed(_EXTRACT, targets)
        discover_s, found, read = _timed(_DISCOVER, targets, str(folder / "out"))
        rerun_s, _, reread = _timed(_DISCOVER, targets, str(folder / "out"))
    return {"units": n_units, "extract_s": round(extract_s, 2), "discover_s": round(discover_s, 2),
            "ratio": round(discover_s / extract_s, 2), "rerun_s": round(rerun_s, 2), "found": int(found),
            "read": int(read), "reread": int(reread), "extract_units": int(units)}  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, required=True)
    print(json.dumps(measure(parser.parse_args().units)))
