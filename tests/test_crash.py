"""Crash safety: a run killed at any point leaves only complete outputs, and a re-run completes.

Every writer stages its file in a ``.partial-<pid>-…`` folder and moves it into place
(:mod:`perfkit.output`). These tests SIGKILL real processes at seeded random moments and then
open every file that is left — parquet, csv, xlsx, json, html, notebooks, the review store — and
run the same commands again.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import openpyxl
import polars as pl
import pytest

from perfkit.cli import main
from perfkit.output import STAGING_PREFIX
from perfkit.run.manifest import LOCK_FILE
from tests.conftest import ROOT
from tests.crash_driver import commands
from tests.hostile import UNIT, batch_folders, completed_batch, write_hostile_unit


def check_complete(path: Path) -> None:
    """Open ``path`` as its suffix says; raises if it is incomplete."""
    suffix = path.suffix
    if suffix == ".parquet":
        pl.read_parquet(path)
    elif suffix == ".csv":
        pl.read_csv(path, infer_schema=False)
    elif suffix == ".xlsx":
        openpyxl.load_workbook(path)
    elif suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    elif suffix == ".ipynb":
        nbformat.read(path, as_version=4)
    elif suffix == ".html":
        assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
    elif suffix == ".sqlite":
        with sqlite3.connect(path) as store:
            assert store.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    elif path.name.endswith((".sqlite-wal", ".sqlite-shm")):
        pass  # SQLite's own journal, replayed when the store is opened above
    elif path.name == LOCK_FILE:
        assert path.stat().st_size == 0  # the manifest's lock: never holds data
    else:
        raise AssertionError(f"an output perfkit does not write: {path}")


def outputs(folder: Path) -> list[Path]:
    """Every file under ``folder`` except those in staging folders (never outputs, by design)."""
    return [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(STAGING_PREFIX) for part in p.relative_to(folder).parts)
    ]


def assert_all_complete(folder: Path) -> list[Path]:
    found = outputs(folder)
    for path in found:
        check_complete(path)
    return found


def staging_left(folder: Path) -> list[Path]:
    return list(folder.rglob(f"{STAGING_PREFIX}*"))


SEEDS = range(3)


def test_commands_killed_at_random_points_leave_complete_files_and_rerun(tmp_path):
    runs = {}
    for seed in SEEDS:  # all at once: the imports overlap, the kills do not wait for each other
        runs[seed] = (
            tmp_path / f"seed{seed}" / "out",
            subprocess.Popen(
                [sys.executable, "-m", "tests.crash_driver", str(tmp_path / f"seed{seed}")],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            ),
        )
    for _, process in runs.values():
        assert process.stdout.readline() == b"ready\n"
    started = time.monotonic()
    delays = {seed: random.Random(seed).uniform(0.1, 1.5) for seed in SEEDS}
    for seed, (_, process) in sorted(runs.items(), key=lambda run: delays[run[0]]):
        time.sleep(max(0.0, started + delays[seed] - time.monotonic()))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    written = 0
    for seed, (out, _) in runs.items():
        written += len(assert_all_complete(out))
        for argv in commands(out):
            assert main(argv) == 0, f"seed {seed}: re-run of {argv[0]} failed"
        assert len(assert_all_complete(out)) == 9  # 4 extract + findings + 3 score + template, all complete
        assert staging_left(out) == [], f"seed {seed}: the re-run left staging folders"
    assert written > 0, "no kill landed after the first output was written"


@pytest.mark.parametrize("seed", [11])  # one kill: a unit run costs seconds (tests/run/test_batch.py kills another)
def test_a_batch_killed_at_a_random_point_resumes_to_complete_outputs(tmp_path_factory, seed):
    base = tmp_path_factory.getbasetemp()
    inputs, out = batch_folders(base)
    params = write_hostile_unit(inputs)
    process = subprocess.Popen(
        [sys.executable, "-m", "perfkit.cli", "batch", str(params), "-o", str(out), "--jobs", "1"],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(random.Random(seed).uniform(2.0, 8.0))
    os.killpg(process.pid, signal.SIGKILL)  # the batch, its workers and the kernels
    process.wait()
    assert_all_complete(out)
    completed_batch(base)  # the resumed run; tests/test_hostile.py reads the same outputs
    names = {p.relative_to(out).as_posix() for p in assert_all_complete(out)}
    assert {f"{UNIT}/{UNIT}-审计底稿.xlsx", f"{UNIT}/{UNIT}.html", "index.html", "manifest.json"} <= names
    assert {"portfolio.xlsx", "portfolio.html"} <= names
    assert staging_left(out) == []
