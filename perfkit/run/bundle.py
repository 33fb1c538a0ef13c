"""``perfkit bundle``: one archive of an audit that a reviewer (复核人) re-runs and verifies elsewhere.

The archive (a zip) holds, for each unit folder given (or each unit folder of a run folder):

- ``run/…``: the unit folder's outputs (executed notebook, HTML report, workbook, findings and
  scores tables), every input file the unit read, and the review store with only these units'
  rows — all at the same places relative to each other as on the auditor's machine (below the
  folder they have in common), so the relative paths in the executed notebooks resolve inside
  the bundle and a re-run reads its inputs under the same names;
- ``params/<unit_code>.yaml``: the parameters the unit ran with (read from its executed notebook),
  every path pointing inside the bundle;
- ``review-decisions.csv``: the same units' review decisions as a table for people;
- ``environment.lock`` (:mod:`perfkit.run.lock`), a Chinese ``README.md`` on how to verify, and
  ``MANIFEST.json``: the SHA-256 of every other file, the units, the command line, the perfkit
  version and the time.

:mod:`perfkit.run.verify` is the other half. The archive is written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from perfkit import __version__
from perfkit.errors import InputError
from perfkit.output import atomic_path, staging
from perfkit.review.store import STORE_NAME

MANIFEST_NAME = "MANIFEST.json"
README_NAME = "README.md"
PARAMS_FOLDER = "params"
RUN_FOLDER = "run"
FORMAT = "perfkit-bundle/1"
SUMMARY = "summary.json"
DECISIONS_NAME = "review-decisions.csv"
DECISION_EXPORT = ["unit_code", "finding_id", "year", "rule_id", "severity", "project_id", "seq", "message",
                   "review_status", "reviewer", "review_note", "reviewed_on", "decision_version", "first_seen",
                   "resolved_at"]  # fmt: skip


@dataclass(frozen=True)
class BundledUnit:
    """One unit folder to bundle and what it ran with (absolute paths on this machine)."""

    folder: Path
    parameters: dict
    inputs: list[Path]
    review_store: Path


def unit_folders(sources: list[Path]) -> list[Path]:
    """The unit folders among ``sources``: each a unit folder itself or a run folder holding unit folders."""
    found: list[Path] = []
    for source in sources:
        if (source / SUMMARY).is_file():
            found.append(source.resolve())
            continue
        inner = sorted(p.parent.resolve() for p in source.glob(f"*/{SUMMARY}") if not p.parent.name.startswith("."))
        if not source.is_dir() or not inner:
            raise InputError(source, None, "不是单位输出文件夹（含 summary.json），也不含单位输出文件夹")
        found.extend(inner)
    return found


def _executed_parameters(folder: Path) -> dict:
    """The parameters papermill recorded in the unit's executed notebook ``<folder>/<unit>.ipynb``."""
    notebook = folder / f"{folder.name}.ipynb"
    try:
        parameters = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["papermill"]["parameters"]
    except FileNotFoundError:
        raise InputError(notebook, None, "单位文件夹中没有执行后的笔记本") from None
    except (json.JSONDecodeError, KeyError, TypeError):
        raise InputError(notebook, None, "不是 perfkit run 执行后的笔记本（缺少 papermill 参数）") from None
    if not isinstance(parameters, dict) or not isinstance(parameters.get("unit_code"), str):
        raise InputError(notebook, "unit_code", "笔记本的单位编码与文件夹名不一致")
    from perfkit.run.params import run_key

    # the folder is named by the unit code, or the name of a unit without one, and the year where so run
    if "year" not in parameters or run_key(parameters) != folder.name:
        raise InputError(notebook, "unit_code", "笔记本的单位编码与文件夹名不一致")
    return parameters


def describe_unit(folder: Path) -> BundledUnit:
    """What ``folder`` ran with: its parameters, the input files it read and its review store.

    Paths in the parameters are relative to the unit folder (absolute in runs of older perfkit).
    """
    from perfkit.load import source_files

    parameters = _executed_parameters(folder)

    def here(path: str) -> Path:
        return (folder / path).resolve()

    try:
        inputs = source_files([here(p) for p in [*parameters["targets"], *(parameters.get("actuals") or [])]])
    except InputError as exc:
        raise InputError(exc.file, None, f"单位 {folder.name} 的输入已不存在，无法打包") from None
    store = here(parameters["review_store"]) if parameters.get("review_store") else folder.parent / STORE_NAME
    return BundledUnit(folder, parameters, [p.resolve() for p in inputs], store)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _store_rows(store: Path, unit_codes: list[str], copy: Path) -> bytes:
    """A copy (at ``copy``) of the review store with only the rows of ``unit_codes`` (findings and history)."""
    source = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    target = sqlite3.connect(copy, isolation_level=None)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
        marks = ",".join("?" * len(unit_codes))
        for table in ("findings", "history"):
            target.execute(f"DELETE FROM {table} WHERE unit_code NOT IN ({marks})", unit_codes)
        target.execute("VACUUM")
    finally:
        source.close()
        target.close()
    return copy.read_bytes()


def _decisions_csv(copies: list[Path]) -> bytes:
    """The review decisions of the bundled store ``copies`` as one CSV table for people (UTF-8 with BOM, for Excel)."""
    import polars as pl

    frames = []
    for copy in copies:
        with sqlite3.connect(copy) as db:
            cursor = db.execute(
                f"SELECT {', '.join(DECISION_EXPORT)} FROM findings ORDER BY unit_code, first_seen, finding_id"
            )
            frames.append(
                pl.DataFrame(cursor.fetchall(), schema=DECISION_EXPORT, orient="row", infer_schema_length=None)
            )
    table = pl.concat(frames) if frames else pl.DataFrame(schema=DECISION_EXPORT)
    return table.write_csv(include_bom=True).encode("utf-8")


def _bundled_params(unit: BundledUnit, name_of: dict[Path, str]) -> str:
    """The unit's parameter file inside the bundle: its paths relative to ``params/``."""
    p = unit.parameters

    def inside(path: str) -> str:
        return os.path.relpath(name_of[(unit.folder / path).resolve()], PARAMS_FOLDER)

    data = {
        "unit_code": p["unit_code"],
        **({"unit_name": p["unit_name"]} if not p["unit_code"] else {}),
        "year": p["year"],
        "targets": [inside(t) for t in p["targets"]],
        "actuals": [inside(a) for a in p.get("actuals") or []],
        "checks": p.get("checks") or {},
        "scoring": p.get("scoring") or {},
        "rescoring": p.get("rescoring") or {},
        "sample": p.get("sample") or {},
        "output_dir": os.path.relpath(name_of[unit.folder.parent], PARAMS_FOLDER),
        "review_store": os.path.relpath(name_of[unit.review_store], PARAMS_FOLDER),
    }
    if p.get("year_in_name"):
        data["year_in_name"] = True
    head = f"# 单位 {unit.folder.name} 运行时的参数（由 perfkit bundle 从执行后的笔记本写出；路径相对于本文件）\n"
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def readme_text(units: list[dict], created: str) -> str:
    """The bundle's ``README.md``: how a reviewer verifies and re-runs it (Chinese)."""
    codes = "、".join(u["unit_code"] for u in units)
    first = units[0]
    return f"""# 绩效审计复核包

本压缩包由 perfkit {__version__} 于 {created}（UTC）生成，含 {len(units)} 个单位：{codes}。

## 如何校验

1. 安装 perfkit（各库的版本见 `environment.lock`；版本不同时校验会列出，结果仍可比较）。
2. 不必解压，直接运行：

   ```
   perfkit verify 本文件.zip
   ```

   它会：
   - 核对 `MANIFEST.json` 中每个文件的 SHA-256（任何文件在打包后被改动都会被指出）；
   - 比较 `environment.lock` 与本机的库版本，列出不同的库；
   - 用包内的参数文件（`params/`）和输入文件重新运行每个单位的审计笔记本，比较审核发现
     （问题编号、说明）、指标与项目得分，以及审计底稿每个单元格的值（运行时间除外）。
3. 每个单位重现时显示“一致”，全部一致时退出状态为 0；否则逐项指出不同的文件、工作表、
   单元格或问题编号，退出状态为 1。

## 内容

- `params/`：各单位运行时的参数文件，路径指向包内；
- `run/`：各单位的输出（执行后的笔记本、HTML 报告、审计底稿、审核发现与得分表）、它读取的
  全部输入文件，以及只含这些单位记录的复核库 `{STORE_NAME}`，相互位置与原机器上相同；
- `{DECISIONS_NAME}`：这些单位的复核决定（问题编号、复核状态、复核人、意见、日期），可用 Excel 打开；
- `environment.lock`：生成本包的环境中 Python、perfkit 及其依赖库的确切版本；
- `MANIFEST.json`：每个文件的 SHA-256、生成命令、perfkit 版本与时间。

## 手工重跑

解压后，在解压出的文件夹中运行 `perfkit run {first["params"]} -o 另一个文件夹`，或在 Jupyter
中打开 `{first["notebook"]}` 并依次运行全部单元格：笔记本参数中的路径相对于笔记本所在的文件夹。
"""


def write_bundle(sources: list[Path], output: Path, command: list[str]) -> dict:
    """Bundle the unit folders of ``sources`` into the zip ``output``; returns the manifest.

    Raises :class:`InputError` when a source is no unit or run folder, a unit appears twice, or an
    input a unit read is gone. ``command`` is the command line recorded in the manifest.
    """
    from perfkit.run.lock import LOCK_NAME, lock_text
    from perfkit.run.params import unit_key

    bundled = [describe_unit(folder) for folder in unit_folders(sources)]
    codes = [u.folder.name for u in bundled]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InputError(sources[0], None, f"单位 {twice[0]} 出现了两次：一个包中每个单位只能有一份输出")
    outputs = {
        u.folder: sorted(p for p in u.folder.iterdir() if p.is_file() and not p.is_symlink() and p.name[0] != ".")
        for u in bundled
    }
    stores = {u.review_store for u in bundled if u.review_store.is_file()}
    # every place the bundle names, below the folder they all share
    given = {
        (u.folder / t).resolve()
        for u in bundled
        for t in [*u.parameters["targets"], *(u.parameters.get("actuals") or [])]
    }
    places = {*outputs, *(p for files in outputs.values() for p in files), *(u.folder.parent for u in bundled),
              *(p for u in bundled for p in u.inputs), *(u.review_store for u in bundled), *given}  # fmt: skip
    common = Path(os.path.commonpath([str(p) for p in places]))
    name_of = {p: Path(RUN_FOLDER, p.relative_to(common)).as_posix() for p in places}
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    files: dict[str, bytes] = {}
    units = []
    with staging(output.resolve().parent) as scratch:
        for unit in bundled:
            code = unit.folder.name
            for path in [*outputs[unit.folder], *unit.inputs]:
                files[name_of[path]] = path.read_bytes()
            params_name = f"{PARAMS_FOLDER}/{code}.yaml"
            files[params_name] = _bundled_params(unit, name_of).encode("utf-8")
            folder = name_of[unit.folder]
            units.append(
                {"unit_code": code, "params": params_name, "folder": folder, "notebook": f"{folder}/{code}.ipynb"}
            )
        copies = []
        for number, store in enumerate(sorted(stores)):
            # the store knows a unit by its code or name, without the year
            mine = [
                unit_key(u.parameters["unit_code"], u.parameters.get("unit_name", ""))
                for u in bundled
                if u.review_store == store
            ]
            copies.append(scratch / f"store-{number}.sqlite")
            files[name_of[store]] = _store_rows(store, mine, copies[-1])
        files[DECISIONS_NAME] = _decisions_csv(copies)
        files[LOCK_NAME] = lock_text().encode("utf-8")
        files[README_NAME] = readme_text(units, created).encode("utf-8")
        manifest = {
            "format": FORMAT,
            "perfkit_version": __version__,
            "created_utc": created,
            "command": command,
            "units": units,
            "files": {name: _sha256(data) for name, data in sorted(files.items())},
        }
        files[MANIFEST_NAME] = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        with atomic_path(output) as staged, zipfile.ZipFile(staged, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in [MANIFEST_NAME, README_NAME, *sorted(set(files) - {MANIFEST_NAME, README_NAME})]:
                archive.writestr(name, files[name])
    return manifest
