"""Ship units to Dask workers and their outputs back: ``perfkit batch --scheduler`` without shared storage.

A worker of a real cluster sees neither the client's folders nor its working directory. So the
client packs each unit (:func:`pack`): its validated parameters (relative paths resolved against
the params file's folder, as a local batch does), the content of every file the unit's run reads
(targets and actuals, earlier years' included, and any ``*_file`` a rule's settings name), each
with its SHA-256, and the unit's rows of the review store. File contents go to the cluster once
each, by hash, however many units read them. The worker (:func:`run_shipped`) checks every hash,
lays the files out in a private temporary folder at their client paths below it, so the paths
the notebook records relative to the unit folder are the same as in a local run, runs the unit
there (in its warm kernel unless ``--fresh-kernels``) and sends back the unit folder's files and
its store rows. The client (:func:`receive`) writes them atomically into the run folder and
merges the store rows, as a local run leaves them.

A unit whose params say ``shared_storage: true`` has its inputs on storage every worker sees: its
paths are passed as they are (absolute), nothing is shipped for them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from perfkit import __version__
from perfkit.errors import InputError
from perfkit.output import staging
from perfkit.run.params import run_key, unit_key

SHIP_LIMIT = 512 * 2**20  # bytes per shipped file; larger inputs belong on shared storage
OPTIONAL_OUTPUTS = ("project_scores.parquet",)  # written only with actuals (perfkit.run.notebook.run_unit)
HISTORY_COLUMNS = "unit_code, finding_id, changed_at, kind, reviewer, old_status, new_status, review_note, reviewed_on, source"  # fmt: skip


@dataclass(frozen=True)
class Shipment:
    """One unit as its task carries it; every path is absolute on the client."""

    params_file: str  # as given, for messages
    params_path: str
    output: str  # the run folder
    params: dict[str, Any]  # validated
    files: dict[str, str]  # client path → SHA-256 of the shipped content
    folders: list[str]  # folders among the targets and actuals (created even when they ship no file)
    store: str  # the review store of the run
    store_rows: bytes | None  # a copy of the store with only this unit's rows; None when there is no store yet
    shared: bool
    version: str = __version__
    notebook: str = field(default="")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes:
    """The content of an input to ship, or a one-line error naming it."""
    hint = "不能随任务传送到 Dask 工作节点；可放在各节点可见的共享存储上，并在参数文件中写 shared_storage: true"
    try:
        size = path.stat().st_size
        if size > SHIP_LIMIT:
            raise InputError(path, None, f"文件过大（{size / 2**20:.0f} MB，上限 {SHIP_LIMIT // 2**20} MB），{hint}")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"无法读取（{exc.strerror}），{hint}") from None


def _setting_files(checks: dict[str, Any], base: Path) -> dict[tuple[str, str], Path]:
    """The files named in rule settings (keys ending in ``_file``), relative ones against ``base``."""
    return {
        (rule, key): (base / value).resolve()
        for rule, settings in checks.items()
        if isinstance(settings, dict)
        for key, value in settings.items()
        if key.endswith("_file") and isinstance(value, str) and value
    }


def notebook_digest() -> str:
    from perfkit.run.notebook import NOTEBOOK

    return _sha256(NOTEBOOK.read_bytes())


def pack(params_file: str | Path, output: str | Path) -> tuple[Shipment, dict[str, bytes]]:
    """The unit of ``params_file`` packed for a worker, and the contents it ships by SHA-256.

    Raises :class:`InputError` for bad params or an input that cannot be shipped.
    """
    from perfkit.load import source_files
    from perfkit.run.bundle import _store_rows
    from perfkit.run.params import read_unit_params, read_yaml, review_store_path

    params_path = Path(params_file).resolve()
    params = read_unit_params(params_path)
    shared = read_yaml(params_path).get("shared_storage") is True
    output = Path(output).resolve()
    paths: list[Path] = []
    if not shared:
        paths = source_files(params["targets"] + params["actuals"])
        paths += _setting_files(params["checks"], params_path.parent).values()
    files: dict[str, str] = {}
    contents: dict[str, bytes] = {}
    for path in paths:
        data = _read(path)
        files[str(path)] = _sha256(data)
        contents[files[str(path)]] = data
    folders = [] if shared else [p for p in params["targets"] + params["actuals"] if Path(p).is_dir()]
    store = Path(review_store_path(params, output))
    rows = None
    if store.is_file():
        with tempfile.TemporaryDirectory() as scratch:
            rows = _store_rows(
                store, [unit_key(params["unit_code"], params.get("unit_name", ""))], Path(scratch) / "unit.sqlite"
            )
    shipment = Shipment(str(params_file), str(params_path), str(output), params, files, folders, str(store), rows,
                        shared, notebook=notebook_digest())  # fmt: skip
    return shipment, contents


def _failed(message: str) -> dict[str, Any]:
    return {"status": "failed", "error": message, "outputs": {}, "files": {}, "store_rows": None, "history_seen": 0}


def _scratch() -> str:
    """The worker's own folder (removed by Dask when the worker closes or dies), else the temporary folder."""
    try:
        from distributed import get_worker

        return get_worker().local_directory
    except (ImportError, ValueError):
        return tempfile.gettempdir()


def run_shipped(run: Any, shipment: Shipment, contents: dict[str, bytes], cell_timeout: int | None,
                warm: bool) -> dict[str, Any]:  # fmt: skip
    """On the worker: check and lay out ``shipment`` in a private folder, run the unit with ``run``
    (:func:`perfkit.run.batch.run_one`) and return its record with the unit folder's files and store rows.

    Never raises: a refusal or failure is the unit's record, naming the client's files.
    """
    from perfkit.run import kernels

    folder = Path(tempfile.mkdtemp(prefix="pk-unit-", dir=_scratch())).resolve()
    try:
        record = _run_in(folder, run, shipment, contents, cell_timeout, warm)
    except Exception as exc:  # the worker's disk, not the unit: this unit fails only
        record = _failed(f"{shipment.params_file}: 工作节点出错: {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    record["error"] = record["error"] and record["error"].replace(str(folder), "")
    record["kernel"] = kernels.current_id() if warm else None
    try:
        from distributed import get_worker

        record["worker"] = get_worker().address
    except (ImportError, ValueError):
        record["worker"] = None
    return record


def _run_in(folder: Path, run: Any, shipment: Shipment, contents: dict[str, bytes], cell_timeout: int | None,
            warm: bool) -> dict[str, Any]:  # fmt: skip
    def inside(path: str | Path) -> Path:
        return folder / Path(path).relative_to("/")

    if shipment.version != __version__ or shipment.notebook != notebook_digest():
        return _failed(InputError(shipment.params_file, None, f"工作节点的 perfkit（{__version__}）与本机（{shipment.version}）的版本或单位笔记本不同，请在各节点安装相同的 perfkit").one_line())  # fmt: skip
    for path, expected in shipment.files.items():
        data = contents.get(expected, b"")
        got = _sha256(data)
        if got != expected:
            message = f"传送到工作节点的内容与其 SHA-256 不符（应为 {expected[:12]}…，收到 {got[:12]}…），拒绝运行"
            return _failed(InputError(path, None, message).one_line())
        inside(path).parent.mkdir(parents=True, exist_ok=True)
        inside(path).write_bytes(data)
    for path in shipment.folders:
        inside(path).mkdir(parents=True, exist_ok=True)
    p = shipment.params
    here = (lambda path: str(path)) if shipment.shared else (lambda path: str(inside(path)))
    base = Path(shipment.params_path).parent
    checks = {
        rule: dict(settings) if isinstance(settings, dict) else settings for rule, settings in p["checks"].items()
    }
    for (rule, key), path in _setting_files(p["checks"], base).items():
        checks[rule][key] = here(path)
    params = {"unit_code": p["unit_code"], "year": p["year"], "targets": [here(t) for t in p["targets"]],
              "actuals": [here(a) for a in p["actuals"]], "checks": checks, "scoring": p["scoring"],
              "rescoring": p["rescoring"], "sample": p["sample"], "review_store": str(inside(shipment.store))}  # fmt: skip
    params |= {k: p[k] for k in ("unit_name", "year_in_name") if k in p}  # a unit by name, or by name and year
    params_path = inside(shipment.params_path)
    params_path.parent.mkdir(parents=True, exist_ok=True)
    params_path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    store = inside(shipment.store)
    store.parent.mkdir(parents=True, exist_ok=True)
    seen = 0
    if shipment.store_rows is not None:
        store.write_bytes(shipment.store_rows)
        seen = _last_history_id(store, unit_key(p["unit_code"], p.get("unit_name", "")))
    record = run(str(params_path), str(inside(shipment.output)), cell_timeout, warm)
    unit_folder = inside(shipment.output) / run_key(p)
    final = Path(shipment.output) / run_key(p)
    record["outputs"] = {kind: str(final / Path(path).name) for kind, path in record["outputs"].items()}
    if record["error"]:
        record["error"] = record["error"].replace(str(params_path), shipment.params_file)
    files = sorted(f for f in unit_folder.iterdir() if f.is_file() and not f.name.startswith(".")) if unit_folder.is_dir() else []  # fmt: skip
    record["files"] = {f.name: f.read_bytes() for f in files}
    record["store_rows"] = store.read_bytes() if store.is_file() else None
    record["history_seen"] = seen
    return record


def _last_history_id(store: Path, unit_code: str) -> int:
    import sqlite3

    with sqlite3.connect(store) as db:
        return db.execute("SELECT coalesce(max(id), 0) FROM history WHERE unit_code = ?", (unit_code,)).fetchone()[0]


def receive(record: dict[str, Any], shipment: Shipment) -> dict[str, Any]:
    """On the client: write a worker's unit folder files atomically into the run folder, merge its
    store rows; returns the unit's manifest record."""
    record = dict(record)
    files: dict[str, bytes] = record.pop("files")
    rows, seen = record.pop("store_rows"), record.pop("history_seen")
    p = shipment.params
    code = run_key(p)
    final = Path(shipment.output) / code
    final.mkdir(parents=True, exist_ok=True)
    with staging(final.parent) as folder:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        if rows is not None:
            _merge_store(
                Path(shipment.store), unit_key(p["unit_code"], p.get("unit_name", "")), p["year"], rows, seen, folder
            )
        for name in files:
            os.replace(folder / name, final / name)
    if record["status"] == "ok":  # as a local run leaves the folder: no failed notebook, no stale table
        for name in (f"{code}.failed.ipynb", *OPTIONAL_OUTPUTS):
            if name not in files:
                (final / name).unlink(missing_ok=True)
    return record


def _merge_store(store: Path, unit_code: str, year: int, rows: bytes, seen: int, scratch: Path) -> None:
    """Replace the unit's findings of ``year`` in ``store`` with those the worker's run left, add its
    new history rows. A run records the findings of its year only (:meth:`ReviewStore.record_run`),
    so two years of one unit run at once on two workers do not undo each other's."""
    from perfkit.review.store import ReviewStore

    copy = scratch / ".shipped-store.sqlite"
    copy.write_bytes(rows)
    with ReviewStore(store) as target:
        target.db.execute("ATTACH DATABASE ? AS shipped", (str(copy),))
        columns = ", ".join(row[1] for row in target.db.execute("PRAGMA main.table_info(findings)"))
        with target.transaction() as db:
            db.execute("DELETE FROM main.findings WHERE unit_code = ? AND year IS ?", (unit_code, year))
            db.execute(f"INSERT INTO main.findings ({columns}) SELECT {columns} FROM shipped.findings"
                       " WHERE unit_code = ? AND year IS ?", (unit_code, year))  # fmt: skip
            db.execute(f"INSERT INTO main.history ({HISTORY_COLUMNS}) SELECT {HISTORY_COLUMNS} FROM shipped.history"
                       " WHERE unit_code = ? AND id > ? ORDER BY id", (unit_code, seen))  # fmt: skip
        target.db.execute("DETACH DATABASE shipped")
    copy.unlink()


class Parcel:
    """One unit's task on the cluster; :meth:`result` receives its outputs (once) and gives its record."""

    def __init__(self, shipment: Shipment | None, future: Any = None, record: dict[str, Any] | None = None) -> None:
        self.shipment, self.future, self.record = shipment, future, record
        self.on_done: Any = None

    def result(self) -> dict[str, Any]:
        if self.record is None:
            assert self.shipment is not None
            try:
                self.record = receive(self.future.result(), self.shipment)
            except Exception as exc:  # the task itself failed (a worker died again and again): this unit only
                first_line = (str(exc).strip().splitlines() or [""])[-1][:300]
                self.record = _failed(f"{self.shipment.params_file}: {type(exc).__name__}: {first_line}")
                for key in ("files", "store_rows", "history_seen"):
                    self.record.pop(key)
            self.on_done()
        return self.record


class Courier:
    """The client's side: packs units, sends each file content to the cluster once, waits for parcels."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.sent: dict[str, Any] = {}  # SHA-256 → the future of that content on the cluster
        self.readers: dict[str, int] = {}  # SHA-256 → units still to read it

    def submit(self, run: Any, params_file: str, output: str, cell_timeout: int | None, warm: bool) -> Parcel:
        try:
            shipment, contents = pack(params_file, output)
        except InputError as exc:
            return Parcel(None, record={"status": "failed", "error": exc.one_line(), "outputs": {}})
        new = {f"pk-file-{sha}": data for sha, data in contents.items() if sha not in self.sent}
        for key, future in self.client.scatter(new, hash=False).items() if new else ():
            self.sent[key.removeprefix("pk-file-")] = future
        for sha in contents:
            self.readers[sha] = self.readers.get(sha, 0) + 1
        futures = {sha: self.sent[sha] for sha in contents}
        parcel = Parcel(
            shipment, self.client.submit(run_shipped, run, shipment, futures, cell_timeout, warm, pure=False)
        )
        parcel.on_done = lambda: self._done(list(contents))
        return parcel

    def _done(self, shas: list[str]) -> None:
        """Let the cluster forget the contents no unit still to run reads."""
        for sha in shas:
            self.readers[sha] -= 1
            if not self.readers[sha]:
                del self.readers[sha], self.sent[sha]

    def wait(self, parcels: set[Parcel]) -> tuple[set[Parcel], set[Parcel]]:
        from distributed import wait

        done = {p for p in parcels if p.future is None}
        if not done:
            by_future = {p.future: p for p in parcels}
            finished = wait(list(by_future), return_when="FIRST_COMPLETED").done
            done = {by_future[f] for f in finished}
        return done, parcels - done
