"""Run every benchmark in fresh processes and print ratios against the baseline of the same run.

``python -m benchmarks`` runs them all; ``python -m benchmarks before pipeline`` only those named
(see ``PARTS``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SIZES = (10_000, 100_000, 1_000_000)


def run(module: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", module, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    print("指标值 parser: perfkit (polars) vs per-row Python baseline, synthetic cells")
    print(f"{'cells':>10} {'polars s':>9} {'python s':>9} {'speed-up':>9} {'polars MB':>10} {'python MB':>10}")
    for size in SIZES:
        fast = run("benchmarks.targets", "--impl", "polars", "--size", str(size))
        slow = run("benchmarks.targets", "--impl", "python", "--size", str(size))
        print(
            f"{size:>10,} {fast['seconds']:>9.3f} {slow['seconds']:>9.3f} "
            f"{slow['seconds'] / fast['seconds']:>8.1f}x {fast['peak_mb']:>10.0f} {slow['peak_mb']:>10.0f}"
        )


def review() -> None:
    print("\nreview rules (perfkit check) on the seed replicated; growth against the smallest size")
    print(f"{'indicators':>11} {'findings':>9} {'seconds':>8} {'per 1k ind.':>12} {'growth':>7} {'peak MB':>8}")
    base = None
    for size in (*SIZES[:2], 300_000):
        r = run("benchmarks.checks", "--size", str(size))
        per_k = r["seconds"] / r["indicators"] * 1000
        base = base or per_k
        print(
            f"{r['indicators']:>11,} {r['findings']:>9,} {r['seconds']:>8.2f} {per_k:>12.4f} "
            f"{per_k / base:>6.2f}x {r['peak_mb']:>8.0f}"
        )


def pipeline() -> None:
    print("\nextract + check + score on synthetic portfolios (illustrative), against the I/O floor of the same run")
    print("the floor: read, decode and split into lines every source file; goal at 1M: <= 8x in all, each stage <= 3x,")
    print("peak memory <= 6x the sources")
    print(
        f"{'indicators':>11} {'floor s':>8} {'extract s':>9} {'check s':>8} {'score s':>8} {'total s':>8} "
        f"{'x floor':>16} {'peak MB':>8} {'x sources':>9}"
    )
    for size in SIZES:
        r = run("benchmarks.pipeline", "--size", str(size))
        stages = f"{r['extract_x_floor']:.1f}/{r['check_x_floor']:.1f}/{r['score_x_floor']:.1f}"
        print(
            f"{r['indicators']:>11,} {r['floor_s']:>8.2f} {r['extract_s']:>9.2f} {r['check_s']:>8.2f} "
            f"{r['score_s']:>8.2f} {r['total_s']:>8.2f} {r['total_x_floor']:>5.1f} ({stages:>9}) "
            f"{r['peak_mb']:>8} {r['peak_x_sources']:>8.1f}x"
        )


def before() -> None:
    """The issue-23 acceptance: extract at 1M no slower than before the issue, in the same run."""
    r = run("benchmarks.before", "--size", "1000000")
    print("\nextract at 1M: now against before the readers' issue (23), same sources, same run, fresh processes")
    if "skipped" in r:
        print(f"skipped: {r['skipped']} (set PERFKIT_BENCH_BASELINE to another ref)")
        return
    print(
        f"before = {r['baseline']} (PERFKIT_BENCH_BASELINE={r['ref']}), now = this tree ({r['head']}); "
        f"median of {r['runs']} runs each, alternated; the floor {r['floor_s']:.2f} s, sources {r['sources_mb']} MB"
    )
    print(f"{'':>7} {'extract s':>9} {'runs s':>20} {'CPU s':>7} {'peak MB':>8} {'projects':>9} {'indicators':>11}")
    for name in ("before", "now"):
        v = r[name]
        runs = "/".join(f"{s:.2f}" for s in v["all_seconds"])
        print(
            f"{name:>7} {v['seconds']:>9.2f} {runs:>20} {v['cpu_s']:>7.1f} {v['peak_mb']:>8.0f} "
            f"{v['projects']:>9,} {v['indicators']:>11,}"
        )
    print(
        f"now / before: time {r['ratio']:.2f}x, CPU {r['cpu_ratio']:.2f}x, peak {r['peak_ratio']:.2f}x; "
        "goal: time <= 1.00x"
    )
    if not r["same_counts"]:
        print("the two versions read different numbers of projects or indicators: the times are not like for like")


def province() -> None:
    """Goal 2: 10M indicators through the chunked driver against 1M in memory, in the same run."""
    one = run("benchmarks.pipeline", "--size", "1000000")
    data = Path(__file__).resolve().parents[1] / "build" / "bench-10m"  # 2.3 GB, generated once (minutes)
    ten = run("benchmarks.pipeline", "--size", "10000000", "--data", str(data), "--chunked")
    print("\n10M indicators chunked (perfkit.run.chunked) vs 1M in memory; goal: time <= 12x, peak <= 2x")
    print(
        f"1M in memory {one['total_s']:.1f} s, peak {one['peak_mb']} MB; 10M chunked {ten['total_s']:.1f} s "
        f"(extract {ten['extract_s']:.1f}, check {ten['check_s']:.1f}, score {ten['score_s']:.1f}), peak {ten['peak_mb']} MB; "
        f"time {ten['total_s'] / one['total_s']:.1f}x, peak {ten['peak_mb'] / one['peak_mb']:.2f}x"
    )


def batch() -> None:
    print("\nperfkit batch (warm kernels; --fresh-kernels) vs papermill loops, same notebook, synthetic units")
    print("the batch includes its portfolio and index; goal: batch <= 0.3x the parallel loop")
    for units in (8, 32, 64):
        r = run("benchmarks.batch", "--units", str(units), *(["--no-sequential"] if units > 32 else []))
        sequential = f", sequential loop {r['loop_s']:.1f} s ({r['ratio']:.2f})" if "loop_s" in r else ""
        print(
            f"{units:>3} units: batch {r['batch_s']:.1f} s, fresh kernels {r['fresh_s']:.1f} s, "
            f"parallel loop (xargs -P {r['jobs']}) {r['parallel_loop_s']:.1f} s, ratio {r['ratio_parallel']:.2f} "
            f"(fresh {r['fresh_ratio_parallel']:.2f}){sequential}; re-run unchanged {r['rerun_s']:.1f} s"
        )
        warm, fresh = r["pieces"]["warm"], r["pieces"]["fresh"]
        print(
            f"    per unit {warm['unit_mean_s']:.2f} s warm, {fresh['unit_mean_s']:.2f} s fresh; "
            f"portfolio notebook {warm['portfolio_s']:.1f} s warm, {fresh['portfolio_s']:.1f} s fresh"
        )


def discovery() -> None:
    print("\ndiscovery (perfkit plan / batch FOLDER) vs extract of the same synthetic files, fresh processes")
    print("discovery tells self-evaluations from targets and plans the units; the re-run reads through its cache")
    for units in (64, 1000):
        r = run("benchmarks.discover", "--units", str(units))
        print(
            f"{units:>5} units: extract {r['extract_s']:.2f} s, discovery {r['discover_s']:.2f} s "
            f"({r['ratio']:.2f}x extract; {r['found']} units, {r['read']} files read), "
            f"re-run {r['rerun_s']:.2f} s ({r['reread']} files read)"
        )


def unit_run() -> None:
    r = run("benchmarks.unit_run")
    print("\none unit end to end (562301, best of 3): perfkit run vs audit_unit + workbook in one process")
    print(
        f"perfkit run {r['perfkit_run_s']:.2f} s (CPU {r['perfkit_run_cpu_s']:.2f} s; goal <= 3 s), "
        f"baseline {r['baseline_s']:.2f} s (CPU {r['baseline_cpu_s']:.2f} s), ratio {r['ratio']:.2f}x"
    )
    print("pieces, each on its own: " + ", ".join(f"{k.removesuffix('_s')} {v}" for k, v in r["pieces"].items()))


def pdf_reading() -> None:
    r = run("benchmarks.pdf")
    print(
        f"\nPDF reader on a {r['pages']}-page disclosure-like PDF ({r['tables']} target tables, built by LibreOffice)"
    )
    print(f"{r['seconds']:.1f} s, {r['pages_per_s']:.1f} pages/s, peak memory {r['peak_mb']} MB")


PARTS = {
    "targets": main,
    "review": review,
    "pipeline": pipeline,
    "before": before,
    "province": province,
    "unit_run": unit_run,
    "batch": batch,
    "discover": discovery,
    "pdf": pdf_reading,
}

if __name__ == "__main__":
    unknown = [name for name in sys.argv[1:] if name not in PARTS]
    if unknown:
        sys.exit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    for name in sys.argv[1:] or PARTS:
        PARTS[name]()
