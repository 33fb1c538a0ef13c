"""The files under the folders of a batch or plan: documents, params files and what is skipped.

Kept apart from :mod:`perfkit.run.discover` so that a batch of params files only, re-run
unchanged, imports neither polars nor the readers (:mod:`perfkit.run.batch`).
"""

from __future__ import annotations

import os
from pathlib import Path

from perfkit.errors import InputError

CACHE = "discovery.json"
UNASSIGNED = "unassigned.csv"
PARAMS_SUFFIXES = (".yaml", ".yml")


def walk(
    sources: list[str | Path], exclude: Path | None = None
) -> tuple[list[Path], list[Path], list[tuple[Path, str]]]:
    """Documents, parameter files and skipped paths (with the reason) under ``sources``, recursively.

    ``exclude`` (the run's output folder) is never walked into, so that a run inside its sources
    does not read its own outputs.
    """
    documents: list[Path] = []
    params: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    out = exclude.resolve() if exclude is not None else None

    def take(path: Path) -> None:
        if path.suffix.lower() in PARAMS_SUFFIXES:  # as a folder of params files was always read
            params.append(path)
            return
        from perfkit.load import skip_reason  # the readers only when there are documents

        if path.name in (CACHE, UNASSIGNED):
            skipped.append((path, "perfkit 生成的文件，不读取"))
        elif reason := skip_reason(path.name):
            skipped.append((path, reason))
        else:
            documents.append(path)

    for source in map(Path, sources):
        if source.is_file():
            (params if source.suffix.lower() in PARAMS_SUFFIXES else documents).append(source)
            continue
        if not source.is_dir():
            raise InputError(source, None, "文件或文件夹不存在")
        for folder, dirs, files in os.walk(source):
            here = Path(folder)
            for name in sorted(dirs):
                sub = (here / name).resolve()
                if out is not None and (sub == out or out in sub.parents):
                    dirs.remove(name)
                elif name.startswith("."):
                    dirs.remove(name)
                    skipped.append((here / name, "隐藏文件夹，不读取"))
            dirs.sort()
            for name in sorted(files):
                take(here / name)
    return documents, params, skipped
