"""``perfkit batch``: run the unit notebook for many units in parallel, resumably.

Units run in a local process pool by default or on Dask distributed (``--scheduler``); both call
:func:`run_one`, so the outputs are the same. Each worker runs its units in one warm kernel, reset
between units (:mod:`perfkit.run.kernels`); ``--fresh-kernels`` starts a new kernel per unit. The run manifest (``manifest.json``, rewritten
atomically after every unit) records per unit the parameters, the input hashes, status, duration,
outputs and error. After the units, the portfolio notebook draws the cross-unit charts and
writes ``portfolio.xlsx``. A unit whose fingerprint — notebook, parameter file, inputs and perfkit
version — is unchanged and whose outputs exist is skipped, so a re-run after a kill resumes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from perfkit import __version__
from perfkit.errors import InputError
from perfkit.run.manifest import Unit, describe, is_done, read_manifest, update_manifest


def collect_params(sources: Iterable[str | Path]) -> list[Path]:
    """Parameter files from files and folders (``*.yaml`` / ``*.yml``, sorted by name)."""
    files: list[Path] = []
    for source in map(Path, sources):
        if source.is_dir():
            files.extend(sorted(p for p in source.iterdir() if p.suffix in (".yaml", ".yml")))
        elif source.is_file():
            files.append(source)
        else:
            raise InputError(source, None, "参数文件或文件夹不存在")
    return files


def run_one(params_file: str, output: str, cell_timeout: int | None = 600, warm: bool = True) -> dict[str, Any]:
    """Run one unit and report what happened; never raises (a failure is a record, not a crash).

    ``warm``: in this worker's warm kernel (:mod:`perfkit.run.kernels`); else in a new kernel.
    """
    from perfkit.run.notebook import run_unit

    start = time.perf_counter()
    record: dict[str, Any] = {"status": "ok", "error": None, "outputs": {}}
    try:
        paths = run_unit(params_file, output, progress=False, cell_timeout=cell_timeout, warm=warm)
        record["outputs"] = {kind: str(path) for kind, path in paths.items()}
    except InputError as exc:
        record.update(status="failed", error=exc.one_line())
    except Exception as exc:  # kernel died, cell timed out, notebook raised: this unit fails only
        first_line = (str(exc).strip().splitlines() or [""])[-1][:300]
        record.update(status="failed", error=f"{params_file}: {type(exc).__name__}: {first_line}")
    record["duration_s"] = round(time.perf_counter() - start, 2)
    return record


class _LocalPool:
    def __init__(self, jobs: int) -> None:
        import multiprocessing

        # spawn, not fork: this process has polars' thread pool running, and forked children can hang
        self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, *args):
        return self.executor.submit(run_one, *args)

    def wait(self, futures):
        return wait(futures, return_when=FIRST_COMPLETED)

    def close(self) -> None:
        self.executor.shutdown(cancel_futures=True)


class _DaskPool:
    def __init__(self, scheduler: str, jobs: int) -> None:
        from distributed import Client, LocalCluster

        if scheduler == "local-dask":
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.cluster = None
            self.client = Client(scheduler)
        # the workers may not see this machine's disk: inputs go with the tasks, outputs come back
        from perfkit.run.ship import Courier

        self.courier = Courier(self.client)

    def submit(self, *args):
        return self.courier.submit(run_one, *args)

    def wait(self, futures):
        return self.courier.wait(futures)

    def close(self) -> None:
        if self.cluster is not None:  # a cluster of this batch: its warm kernels go with it, not killed by Dask
            from perfkit.run.kernels import shutdown_all

            self.client.run(shutdown_all)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def run_batch(
    sources: Iterable[str | Path],
    output: str | Path,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    cell_timeout: int | None = 600,
    progress: bool = True,
    fresh_kernels: bool = False,
) -> dict[str, Any]:
    """Run every unit of ``sources`` into ``output``; returns the manifest.

    Each worker reuses one warm kernel for its units; ``fresh_kernels`` starts a new kernel per unit.

    Bad parameter files fail their unit before anything runs; the other units go on.
    """
    from tqdm.auto import tqdm

    from perfkit.run.portfolio import write_run_index

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    previous_records = read_manifest(output)["units"]
    # this batch's units only: another batch may be writing other units into the same folder
    records: dict[str, Any] = {}
    todo: list[Unit] = []
    for params_file in collect_params(sources):
        try:
            unit = describe(params_file, output)
        except InputError as exc:
            records[str(params_file)] = {"status": "failed", "error": exc.one_line(), "params_file": str(params_file)}
            continue
        previous = previous_records.get(unit.unit_code)
        if not force and is_done(previous, unit):
            records[unit.unit_code] = previous | {"skipped": True}
            continue
        todo.append(unit)
    manifest = update_manifest(output, records, perfkit_version=__version__, scheduler=scheduler or "local")
    pool = _DaskPool(scheduler, jobs or os.cpu_count() or 1) if scheduler else _LocalPool(jobs or os.cpu_count() or 1)
    bar = tqdm(total=len(todo), unit="单位", disable=not progress, desc="批量审计")
    failed = 0
    try:
        futures = {pool.submit(u.params_file, str(output), cell_timeout, not fresh_kernels): u for u in todo}
        pending = set(futures)
        while pending:
            done, pending = pool.wait(pending)
            for future in done:
                unit = futures[future]
                record = future.result() | {
                    # absolute: the portfolio step reads it back from another working directory
                    "params_file": str(Path(unit.params_file).resolve()), "fingerprint": unit.fingerprint,
                    "inputs": unit.inputs,
                    "skipped": False,
                }  # fmt: skip
                records[unit.unit_code] = record
                failed += record["status"] != "ok"
                manifest = update_manifest(output, {unit.unit_code: record})
                bar.update(1)
                bar.set_postfix(完成=bar.n - failed, 失败=failed, 运行中=len(pending))
    finally:
        bar.close()
        pool.close()
    if any(r.get("status") == "ok" for r in manifest["units"].values()):
        from perfkit.run.notebook import run_portfolio

        try:
            portfolio = {k: str(v) for k, v in run_portfolio(output, cell_timeout).items()}
        except Exception as exc:  # the units' own outputs stand; say why the portfolio is missing
            portfolio = {"error": f"{type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[-1][:300]}"}
        manifest = update_manifest(output, portfolio=portfolio)
    write_run_index(output)
    return manifest
