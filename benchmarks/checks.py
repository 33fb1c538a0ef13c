"""Benchmark the review rules on the seed replicated to a given number of indicators.

The replicated portfolio is illustrative only: the seven seed projects copied with new project
ids and unit codes, so every rule has the same work per indicator at every size.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import polars as pl

from perfkit.checks import run_checks
from perfkit.load import TargetTables, load_targets

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "targets"


def replicated(size: int) -> TargetTables:
    """About ``size`` indicators: copies of the seed, each copy its own unit."""
    seed = load_targets(SEED)
    copies = max(1, round(size / seed.indicators.height))
    copy = pl.DataFrame({"copy": range(copies)})

    def spread(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.join(copy, how="cross")
            .with_columns(
                project_id=pl.format("{}-{}", "project_id", "copy"),
                unit_code=(pl.col("unit_code").cast(pl.Int64) + pl.col("copy") * 1000).cast(pl.String).str.zfill(6),
            )
            .drop("copy")
        )

    return TargetTables(spread(seed.projects), spread(seed.indicators))


def measure(size: int) -> dict:
    """Time one review of ``size`` indicators; report findings and this process's peak memory."""
    tables = replicated(size)
    start = time.perf_counter()
    findings = run_checks(tables)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "indicators": tables.indicators.height,
        "findings": findings.height,
        "seconds": round(seconds, 3),
        "peak_mb": round(peak_mb, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    print(json.dumps(measure(parser.parse_args().size)))
