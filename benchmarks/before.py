"""Benchmark extract at 1M indicators with the current perfkit against perfkit before the issue.

``python -m benchmarks.before [--size N] [--runs R] [--stage extract|check|score]`` prints one JSON line
(``--stage check`` times ``run_checks`` on the loaded tables instead of the load, ``--stage score``
the scoring of the synthetic actuals against them). The baseline is a git
ref (``PERFKIT_BENCH_BASELINE``, default ``023dafa``: the last commit before issue 23 changed the
readers), written with ``git archive`` into a scratch folder: nothing is registered in the shared
repository, and an interrupted run leaves only that folder behind. Both versions then run the
same measurement — this file run as a script, in a fresh process, with ``PYTHONPATH`` naming the
tree whose ``perfkit`` it imports — on the same synthetic sources (those of
``benchmarks.pipeline``), alternately before/now, now/before… ``R`` times each, so that load
from other processes on a shared 2-core machine falls on both; the medians are compared.

Each run reports the wall and CPU time of its ``load_targets`` (CPU of all threads: less swayed
than wall time by other processes, not immune), the peak memory of its process (imports
included, the same for both) and the projects and indicators it read. Without git or
the ref, the JSON says why and nothing is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = os.environ.get("PERFKIT_BENCH_BASELINE", "023dafa")


def extract_once(targets: Path, stage: str = "extract") -> dict:
    """Child side: time one ``load_targets`` of ``targets`` (stage ``extract``), or one ``run_checks``
    of the loaded tables (stage ``check``), or one ``score`` of the synthetic actuals against them
    (stage ``score``; the load before the clock), with whichever perfkit is importable."""
    import perfkit
    from perfkit.checks import run_checks
    from perfkit.load import load_targets  # imported before the clock starts
    from perfkit.scoring import score

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)  # all of polars' threads
        return usage.ru_utime + usage.ru_stime

    loaded = load_targets(targets) if stage != "extract" else None
    actuals = None
    if stage == "score":
        sys.path.append(str(ROOT))  # after the tree's perfkit: only benchmarks.pipeline comes from here
        from benchmarks.pipeline import synthetic_actuals

        actuals = synthetic_actuals(targets.parent)
    cpu_start, start = cpu(), time.perf_counter()
    tables = load_targets(targets) if loaded is None else loaded
    findings = run_checks(tables).height if stage == "check" else None
    findings = score(actuals, tables).findings.height if stage == "score" else findings
    seconds, cpu_s = time.perf_counter() - start, cpu() - cpu_start
    return {
        "findings": findings,
        "perfkit": str(Path(perfkit.__file__).resolve().parents[1]),
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu_s, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "projects": tables.projects.height,
        "indicators": tables.indicators.height,
    }


def _run_child(tree: Path, targets: Path, stage: str = "extract") -> dict:
    """One fresh process importing ``tree``'s perfkit; ``-P`` keeps this file's folder off sys.path."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-P", __file__, "--child", str(targets), "--stage", stage],
        cwd=tempfile.gettempdir(),
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(out.stdout)
    if Path(result["perfkit"]) != tree.resolve():  # an installed perfkit shadowing PYTHONPATH would void the comparison
        raise RuntimeError(f"the run for {tree} imported perfkit from {result['perfkit']}")
    return result


def _baseline_tree(ref: str, scratch: Path) -> tuple[Path | None, str]:
    """The tree of ``ref`` written under ``scratch``, with its short commit; or None and why not."""
    if shutil.which("git") is None:
        return None, "git is not installed"
    commit = _git("rev-parse", "--verify", "--quiet", "--short", f"{ref}^{{commit}}")
    if not commit:
        return None, f"git ref {ref!r} is not in this repository"
    tree = scratch / f"perfkit-{commit}"
    tree.mkdir()
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", commit], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
    archive.stdout.close()
    if archive.wait() != 0:
        return None, f"git archive {commit} failed"
    return tree, commit


def _git(*args: str) -> str:
    """The output of a git command in this repository, or "" when git fails or is missing."""
    try:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def _summary(runs: list[dict]) -> dict:
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "peak_mb": statistics.median(r["peak_mb"] for r in runs),
        "all_seconds": [r["seconds"] for r in runs],
        "projects": runs[0]["projects"],
        "indicators": runs[0]["indicators"],
    }


def measure(size: int, runs: int = 3, ref: str = BASELINE, stage: str = "extract") -> dict:
    """Extract (or check) ``size`` synthetic indicators ``runs`` times with each version, alternating."""
    from benchmarks.pipeline import io_floor, synthetic

    head = _git("rev-parse", "--short", "HEAD") or "?"
    if _git("status", "--porcelain", "--", "perfkit"):  # "now" is the working tree, edits included
        head += "+edits"
    targets = synthetic(size) / "targets"
    with tempfile.TemporaryDirectory(prefix="perfkit-before-") as scratch:
        tree, commit = _baseline_tree(ref, Path(scratch))
        if tree is None:
            return {"skipped": commit, "ref": ref}
        floor_s, source_bytes = io_floor(targets)  # also leaves the sources in the page cache for both
        before, now = [], []
        for i in range(runs):
            pair = [(before, tree), (now, ROOT)]
            for results, root in pair if i % 2 == 0 else reversed(pair):
                results.append(_run_child(root, targets, stage))
    old, new = _summary(before), _summary(now)
    return {
        "stage": stage,
        "size": size,
        "runs": runs,
        "ref": ref,
        "baseline": commit,
        "head": head,
        "floor_s": round(floor_s, 3),
        "sources_mb": round(source_bytes / 2**20),
        "before": old,
        "now": new,
        "ratio": round(new["seconds"] / old["seconds"], 3),
        "cpu_ratio": round(new["cpu_s"] / old["cpu_s"], 3),
        "peak_ratio": round(new["peak_mb"] / old["peak_mb"], 3),
        "same_counts": (old["projects"], old["indicators"]) == (new["projects"], new["indicators"]),
        "findings": [before[0]["findings"], now[0]["findings"]],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each version, alternated")
    parser.add_argument("--stage", choices=["extract", "check", "score"], default="extract", help="what is timed")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # a target folder: measure one run here
    args = parser.parse_args()
    if args.child:
        print(json.dumps(extract_once(args.child, args.stage)))
    else:
        print(json.dumps(measure(args.size, args.runs, stage=args.stage)))
