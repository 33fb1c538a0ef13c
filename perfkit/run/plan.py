"""Write what :mod:`perfkit.run.discover` found: one parameter file per unit and ``unassigned.csv``.

``perfkit plan FOLDER -o PARAMS_DIR`` stops there; ``perfkit batch FOLDER -o OUT`` writes the
parameter files into ``OUT/params/`` and runs them as if they had been given (:func:`prepare`).
A written parameter file names the unit's own documents relative to itself and leaves the
``checks``, ``scoring`` and ``rescoring`` sections empty (the defaults); a section a person has
filled in since is kept when the file is written again, and a file whose content is unchanged is
not rewritten, so a re-run finds the unit unchanged.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from perfkit.errors import InputError
from perfkit.run.walk import CACHE, UNASSIGNED, walk

if TYPE_CHECKING:  # polars and the readers are imported only when there are documents to discover
    import polars as pl

    from perfkit.run.discover import Discovery

PARAMS_FOLDER = "params"
# the sections a person may edit in a written parameter file; kept when it is written again
EDITABLE = ("checks", "scoring", "rescoring", "sample", "review_store", "shared_storage")
_MARK = "由 perfkit 从文件夹中的文件生成"


@dataclass(frozen=True)
class Plan:
    """The parameter files to run (given and written), what discovery found, and the stale files removed."""

    params_files: list[Path]
    discovery: Discovery | None
    written: list[Path]
    dropped: list[Path]
    retired: list[Path] = field(default_factory=list)  # the unit folders of the dropped files, moved aside


def _edited(path: Path) -> dict[str, Any]:
    """The editable sections of an existing parameter file (nothing if it is missing or unreadable)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    return {k: data[k] for k in EDITABLE if isinstance(data, dict) and data.get(k) not in (None, {}, "")}


def params_text(unit: dict[str, Any], folder: Path) -> str:
    """The parameter file of one unit of :attr:`Discovery.units`, with paths relative to ``folder``."""

    def relative(paths: list[str]) -> list[str]:
        return [Path(os.path.relpath(p, folder)).as_posix() for p in paths]

    data: dict[str, Any] = {"unit_code": unit["unit_code"]}
    if not unit["unit_code"]:
        data["unit_name"] = unit["unit_name"]
    data |= {"year": unit["year"], "targets": relative(unit["targets"]), "actuals": relative(unit["actuals"]),
             "checks": {}, "scoring": {}, "rescoring": {}}  # fmt: skip
    if unit.get("year_in_name"):  # the unit has targets of several years: one params file and folder per year
        data["year_in_name"] = True
    who = unit["unit_code"] or "（无单位编码）"
    head = (
        f"# 单位 {who} {unit['unit_name']} {unit['year']}年的审计参数，{_MARK}；路径相对于本文件。\n"
        f"# 可修改后用 perfkit batch {folder.name} 重新运行；checks、scoring、rescoring 段为空即默认值。\n"
    )
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def write_params(units: pl.DataFrame, folder: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """Write one parameter file per unit and year into ``folder`` (``<unit>.yaml``, or
    ``<unit>-<year>.yaml`` for each year of a unit with several); returns (all files, files
    rewritten, stale files removed).

    A file this module wrote earlier for a unit no longer found is removed (one a person wrote is left).
    """
    from perfkit.run.params import unit_key

    folder.mkdir(parents=True, exist_ok=True)
    files, written = [], []
    for unit in units.iter_rows(named=True):
        year = unit["year"] if unit.get("year_in_name") else None
        path = folder / f"{unit_key(unit['unit_code'], unit['unit_name'], year)}.yaml"
        text = params_text(unit, folder)
        if edited := _edited(path):  # keep what a person set, in place of the empty defaults
            data = yaml.safe_load(text) | edited
            text = text.split("\n", 2)[0] + "\n" + text.split("\n", 2)[1] + "\n"
            text += yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            from perfkit.output import write_text_atomically

            write_text_atomically(path, text)
            written.append(path)
        files.append(path)
    dropped = [
        p
        for p in sorted(folder.glob("*.yaml"))
        if p not in files and _MARK in p.read_text(encoding="utf-8").split("\n", 1)[0]
    ]
    for path in dropped:
        path.unlink()
    return files, written, dropped


def write_unassigned(unassigned: pl.DataFrame, folder: Path) -> Path:
    """``unassigned.csv`` (UTF-8 with BOM, for Excel): each file that belongs to no unit, with the reason."""
    import polars as pl

    from perfkit.output import write_table_atomically

    path = folder / UNASSIGNED
    shown = unassigned.with_columns(pl.col("file").map_elements(_shown, return_dtype=pl.String))
    write_table_atomically(shown, path)
    return path


def _shown(file: str) -> str:
    """A path as a person gave it: relative to the working folder when inside it."""
    here = Path.cwd()
    return os.path.relpath(file, here) if Path(file).is_relative_to(here) else file


def nothing_to_audit(sources: list[Path], discovery: Discovery) -> InputError:
    """The one-line error for folders with neither parameter files nor a unit in their documents."""
    held = Counter(reason for reason in discovery.unassigned["reason"])
    if not held:
        what = "是空文件夹" if all(p.is_dir() for p in sources) else "没有文件"
    else:
        what = "只有 " + "；".join(f"{n} 个文件：{reason}" for reason, n in held.most_common(3))
    names = "、".join(map(str, sources))
    return InputError(names, None, f"没有可审计的内容：既没有参数文件（*.yaml），也没有能归属单位的绩效目标表；{what}")


def prepare(sources: list[Path], output: Path, params_folder: Path | None = None) -> Plan:
    """The parameter files a batch over ``sources`` runs, discovering the units of their documents.

    Sources with parameter files only run as before. Documents are discovered, their parameter
    files written into ``params_folder`` (default ``output/params``) and ``unassigned.csv`` into
    ``output``. Neither parameter files nor a unit: :class:`InputError`, nothing written.
    """
    walked = walk(sources, output)
    documents, params, _ = walked
    if params and not documents:
        return Plan(params, None, [], [])  # params files only, as before (no polars, no readers)
    from perfkit.run.discover import discover

    discovery = discover(sources, output, write_cache=False, walked=walked)
    documents = discovery.units.height or discovery.unassigned.height or discovery.removed
    if not discovery.units.height and not discovery.params_files:
        raise nothing_to_audit(sources, discovery)
    if not documents or (not discovery.units.height and discovery.unassigned["reason"].is_in(SKIPPED).all()):
        return Plan(discovery.params_files, None, [], [])  # parameter files only (a README beside them)
    output.mkdir(parents=True, exist_ok=True)
    files, written, dropped = write_params(discovery.units, params_folder or output / PARAMS_FOLDER)
    write_unassigned(discovery.unassigned, output)
    discovery.save(output)
    return Plan([*discovery.params_files, *files], discovery, written, dropped, retire(output, dropped))


RETIRED = ".retired"


def retire(output: Path, dropped: list[Path]) -> list[Path]:
    """Move the unit folders of the ``dropped`` params files out of the run (into ``output/.retired/``,
    which no index reads) and drop their records from the manifest; returns the folders moved.

    A unit no longer found, or found now with several years (its folder renamed ``<unit>-<year>``),
    would otherwise stay in the index and the portfolio beside its successors. The folder is moved,
    not deleted: a workbook a reviewer filled in there may not have been imported yet. The index
    is removed so that the batch rebuilds it and the portfolio.
    """
    from perfkit.run.manifest import MANIFEST, manifest_lock, read_manifest, write_manifest

    if not dropped or not (output / MANIFEST).is_file():
        return []
    gone = {str(p.resolve()) for p in dropped}
    with manifest_lock(output):
        manifest = read_manifest(output)
        keys = [k for k, r in manifest["units"].items() if r.get("params_file") in gone]
        for key in keys:
            del manifest["units"][key]
        write_manifest(output, manifest)
    moved = []
    for key in keys:
        folder = output / key
        if folder.is_dir() and output.resolve() in folder.resolve().parents:
            target = output / RETIRED / key
            shutil.rmtree(target, ignore_errors=True)
            target.parent.mkdir(exist_ok=True)
            os.replace(folder, target)
            moved.append(target)
    if keys:
        (output / "index.html").unlink(missing_ok=True)
    return moved


SKIPPED = ("说明文件、隐藏文件或 Office 临时文件，不读取", "隐藏文件夹，不读取", "perfkit 生成的文件，不读取")


def plan_lines(plan: Plan) -> list[str]:
    """One line per unit (code, name, year, target and self-evaluation files, projects without a
    self-evaluation), then the unassigned files and the documents removed since the last run."""
    if plan.discovery is None:
        return []
    d = plan.discovery
    lines = []
    for u in d.units.iter_rows(named=True):
        missing = u["without_selfeval"]
        names = "、".join(missing[:3]) + ("等" if len(missing) > 3 else "")
        gap = f"无自评的项目 {len(missing)} 个（{names}）" if missing else "每个项目都有自评"
        lines.append(
            f"{u['unit_code'] or '（无编码）'} {u['unit_name']} {u['year']}年：目标表 {len(u['targets'])} 个文件，"
            f"自评表 {len(u['actuals'])} 个文件，项目 {u['projects']} 个，{gap}"
        )
    return lines


def notice_lines(plan: Plan) -> list[str]:
    """The unassigned files and the removed documents, one line each, for stderr."""
    if plan.discovery is None:
        return []
    d = plan.discovery
    lines = [f"未归属：{_shown(r['file'])}：{r['reason']}" for r in d.unassigned.iter_rows(named=True)]
    lines += [f"已移除：{_shown(file)}（上次属于 {units or '无单位'}）" for file, units in d.removed]
    lines += [
        f"已删除过时的参数文件：{path}（本次发现中已没有这个单位与年度，或已改为按年度命名）" for path in plan.dropped
    ]
    lines += [f"已移出过时的单位输出：{path}（不再计入索引与跨单位汇总）" for path in plan.retired]
    return lines


def summary_line(plan: Plan, output: Path) -> str:
    """One line: units found, files read, unassigned."""
    d = plan.discovery
    if d is None:
        return ""
    n_targets = len({f for files in d.units["targets"] for f in files})
    n_actuals = len({f for files in d.units["actuals"] for f in files})
    n_units = d.units.select("unit_code", "unit_name").n_unique() if d.units.height else 0
    years = f"、{d.units.height} 个单位年度" if d.units.height > n_units else ""
    return (
        f"发现 {n_units} 个单位{years}（目标表 {n_targets} 个文件，自评表 {n_actuals} 个文件；本次读取 {d.read} 个文件），"
        f"未归属 {d.unassigned.height} 个 → {output / UNASSIGNED}"
    )


__all__ = ["CACHE", "Plan", "plan_lines", "prepare", "write_params", "write_unassigned"]
