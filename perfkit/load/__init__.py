"""Load target tables (项目绩效目标表) from any supported source into the contract tables.

Formats are a registry, as papermill's engines are: each maps a name to a reader from the file's
bytes to raw frames — two (projects, indicators) for documents, or one frame of canonical rows
for flat tables, which are finished together for all flat files of a load (one vectorised pass
instead of one per file). :func:`load_targets` detects each file's format from its content,
reads it, and assembles the validated tables.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from perfkit.errors import InputError
from perfkit.load import docx as docx_format
from perfkit.load import flat, word_text
from perfkit.load.assemble import assemble, finish_projects
from perfkit.load.sniff import decode_text, detect_format
from perfkit.load.table import read_table

Reader = Callable[[bytes, str], "tuple[pl.DataFrame, pl.DataFrame] | pl.DataFrame"]
READERS: dict[str, Reader] = {}
_SKIPPED_NAMES = ("README", ".", "~$")


@dataclass(frozen=True)
class TargetTables:
    """The two tables of the contract: ``projects`` and ``indicators``."""

    projects: pl.DataFrame
    indicators: pl.DataFrame


def register(name: str) -> Callable[[Reader], Reader]:
    """Register a reader for a format name returned by :func:`detect_format`."""

    def add(reader: Reader) -> Reader:
        READERS[name] = reader
        return reader

    return add


def _frames_from_tables(tables: list, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    if not tables:
        raise InputError(file, None, "未找到项目绩效目标表")
    projects, indicators = [], []
    for key, table in enumerate(tables):
        project, rows = read_table(table, file)
        projects.append(project | {"_key": key})
        indicators.extend(row | {"_key": key} for row in rows)
    return pl.DataFrame(projects), pl.DataFrame(indicators)


@register("word_text")
def _read_word_text(data: bytes, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    return _frames_from_tables(word_text.split_tables(decode_text(data, file)), file)


@register("docx")
def _read_docx(data: bytes, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    return _frames_from_tables(docx_format.split_tables(data, file), file)


@register("csv")
def _read_csv(data: bytes, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    return flat.read_csv(decode_text(data, file), file)


@register("xlsx")
def _read_xlsx(data: bytes, file: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    return flat.read_xlsx(data, file)


def source_files(sources: Iterable[str | Path]) -> list[Path]:
    """Expand folders (not recursively, sorted by name) and check that every source exists."""
    files: list[Path] = []
    for source in map(Path, sources):
        if source.is_dir():
            files.extend(p for p in sorted(source.iterdir()) if p.is_file() and not p.name.startswith(_SKIPPED_NAMES))
        elif source.is_file():
            files.append(source)
        else:
            raise InputError(source, None, "文件或文件夹不存在")
    return files


def read_source(path: Path, number: int = 0) -> tuple[pl.DataFrame, pl.DataFrame] | pl.DataFrame:
    """Read one file: (projects, indicators) for a document, canonical rows for a flat table.

    Every frame carries ``_file`` (for messages) and ``_file_no`` (the file's position in the
    load, so that the same file given twice stays two sources).
    """
    data = path.read_bytes()
    read = READERS[detect_format(data, path)](data, str(path))
    tag = {"_file": pl.lit(str(path)), "_file_no": pl.lit(number, dtype=pl.Int32)}
    if isinstance(read, pl.DataFrame):
        return read.with_columns(**tag)
    projects, indicators = read
    return projects.with_columns(**tag), indicators.with_columns(**tag)


# Reading a file is mostly Python-level parsing (csv, Word text); past this many files the work is
# spread over the machine's cores. Below it, starting processes costs more than it saves.
PARALLEL_FROM_FILES = 64


def _can_spawn() -> bool:
    # a spawned worker re-imports __main__; a script read from stdin cannot be re-imported
    main_file = getattr(sys.modules["__main__"], "__file__", None)
    return main_file is None or Path(main_file).exists()


def _read_all(files: list[Path]) -> list:
    serial = len(files) < PARALLEL_FROM_FILES or (os.cpu_count() or 1) < 2 or not _can_spawn()
    if not serial:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        # spawn, not fork: polars runs a thread pool, and a forked child of a threaded process can hang
        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context) as pool:
                return list(pool.map(read_source, files, range(len(files)), chunksize=8))
        except BrokenProcessPool:  # workers could not start here: read in this process instead
            pass
    return [read_source(path, number) for number, path in enumerate(files)]


def load_targets(*sources: str | Path) -> TargetTables:
    """Load every target table in ``sources`` (files or folders) into validated tables.

    Raises :class:`~perfkit.errors.InputError` naming the file and place of the first problem.
    """
    files = source_files(sources)
    if not files:
        raise InputError(", ".join(map(str, sources)), None, "没有可读取的文件")
    read = _read_all(files)
    documents = [r for r in read if isinstance(r, tuple)]
    flat_rows = [r for r in read if isinstance(r, pl.DataFrame)]
    if flat_rows:
        documents.append(flat.finish_flat(pl.concat(flat_rows)))
    projects = pl.concat([p for p, _ in documents], how="diagonal_relaxed")
    indicators = pl.concat([i for _, i in documents], how="diagonal_relaxed")
    projects = projects.sort("_file_no", "_key")  # the order of the files as given
    projects = finish_projects(projects.with_columns(source_file=pl.col("_file")))
    return TargetTables(*assemble(projects, indicators))


__all__ = ["READERS", "TargetTables", "detect_format", "load_targets", "register", "source_files"]
