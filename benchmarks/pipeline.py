"""Benchmark extract + check + score on synthetic portfolios of a given size (one size per process).

``python -m benchmarks.pipeline --size 100000`` prints one JSON line: seconds per stage, total,
indicators and findings, and the process's peak memory. Generation time is not counted.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks.synthetic import generate


def _actuals(folder: Path):
    from perfkit.load.actuals import ACTUAL_INDICATOR_COLUMNS, ACTUAL_PROJECT_COLUMNS, Actuals, _typed

    indicators = pl.read_parquet(folder / "actuals.parquet").with_columns(
        source_file=pl.lit("actuals.parquet"), source_ref=pl.format("第{}行", pl.int_range(pl.len()) + 1)
    )
    projects = pl.read_parquet(folder / "budgets.parquet").with_columns(
        source_file=pl.lit("budgets.parquet"), source_ref=pl.lit("")
    )
    return Actuals(_typed(projects, ACTUAL_PROJECT_COLUMNS), _typed(indicators, ACTUAL_INDICATOR_COLUMNS))


def measure(size: int) -> dict:
    """Generate ``size`` indicators, then time each stage of the pipeline on them."""
    from perfkit.checks import run_checks
    from perfkit.load import load_targets
    from perfkit.scoring import score

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, size)
        times = {}
        start = time.perf_counter()
        tables = load_targets(folder / "targets")
        times["extract_s"] = time.perf_counter() - start
        start = time.perf_counter()
        findings = run_checks(tables)
        times["check_s"] = time.perf_counter() - start
        actuals = _actuals(folder)
        start = time.perf_counter()
        card = score(actuals, tables)
        times["score_s"] = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "indicators": tables.indicators.height,
        "findings": findings.height + card.findings.height,
        **{k: round(v, 2) for k, v in times.items()},
        "total_s": round(sum(times.values()), 2),
        "peak_mb": round(peak_mb),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    print(json.dumps(measure(parser.parse_args().size)))
