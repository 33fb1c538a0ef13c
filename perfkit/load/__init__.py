"""Load target tables (项目绩效目标表) from any supported source into the contract tables.

Formats are a registry, as papermill's engines are: each maps a name to a reader from the file's
bytes to a raw frame (lines of a Word export, cells of a .docx, canonical rows of a flat table)
and a finisher that turns the raw frames of all files of a load into projects and indicators in
one vectorised pass instead of one per file. :func:`load_targets` detects each file's format from
its content, reads it, and assembles the validated tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from perfkit.errors import InputError
from perfkit.load.formats import csv_files, doc, html, pdf, word_text, xls, xlsx
from perfkit.load.formats import docx as docx_format
from perfkit.load.formats.sniff import decode_text, detect_format, sniff
from perfkit.load.layout import flat
from perfkit.load.layout.assemble import assemble, finish_projects
from perfkit.load.layout.problems import raise_first, refuse_unread_files
from perfkit.load.layout.spans import finish_tables_or_rows
from perfkit.load.layout.table import read_tables

Reader = Callable[[bytes, str], pl.DataFrame]
Finisher = Callable[[pl.DataFrame], "tuple[pl.DataFrame, pl.DataFrame]"]


@dataclass(frozen=True)
class Format:
    """How one source format is read: ``read`` turns a file's bytes into a raw frame, cheaply;
    ``finish`` turns the raw frames of every file that shares it into (projects, indicators) in
    one vectorised pass — per-file work in polars costs more in overhead than in work."""

    read: Reader
    finish: Finisher


READERS: dict[str, Format] = {}
_SKIPPED_NAMES = ("README", ".", "~$")


@dataclass(frozen=True)
class TargetTables:
    """The two tables of the contract: ``projects`` and ``indicators``."""

    projects: pl.DataFrame
    indicators: pl.DataFrame


def register(name: str, finish: Finisher) -> Callable[[Reader], Reader]:
    """Register a reader for a format name returned by :func:`detect_format`."""

    def add(reader: Reader) -> Reader:
        READERS[name] = Format(reader, finish)
        return reader

    return add


_NO_TABLES = "未找到项目绩效目标表"


def _finish_word_text(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    cells = word_text.cells(lines)
    read = cells["_file_no"].unique().implode()  # the exports that gave no cell at all
    empty = lines.filter(~pl.col("_file_no").is_in(read)).unique("_file_no", keep="first").sort("_file_no")
    if empty.height:
        raise InputError(empty["_file"][0], None, _NO_TABLES)
    return read_tables(cells)


@register("word_text", _finish_word_text)
def _read_word_text(data: bytes, file: str) -> pl.DataFrame:
    return word_text.lines(decode_text(data, file))


@register("docx", read_tables)
def _read_docx(data: bytes, file: str) -> pl.DataFrame:
    grid = docx_format.target_grid(data, file)
    if not grid.height:
        raise InputError(file, None, _NO_TABLES + docx_format.no_tables_why(data, file))
    return grid


def _finish_flat(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """CSV and .xlsx share one finisher, so a load keeps their rows together in file order, as when
    .xlsx held only flat tables; an .xlsx sheet laid out as in Word comes as cells (flat rows alone
    go straight to :func:`~perfkit.load.layout.flat.finish_flat`)."""
    return finish_tables_or_rows(raw)


@register("csv", _finish_flat)
def _read_csv(data: bytes, file: str) -> pl.DataFrame:
    return flat.read_csv(decode_text(data, file), file)


register("xlsx", _finish_flat)(xlsx.read)  # flat sheets, and sheets laid out as in Word (perfkit.load.formats.xlsx)


# PDFs, web pages, .xls and .doc/.wps: each source lays its tables on a grid of cells (perfkit.load.layout.spans)
register("pdf", read_tables)(pdf.read)
register("html", finish_tables_or_rows)(html.read)
register("xls", finish_tables_or_rows)(xls.read)


@register("doc", read_tables)
def _read_doc(data: bytes, file: str) -> pl.DataFrame:  # converted to .docx by LibreOffice, then as .docx
    grid = doc.target_grid(data, file)
    if not grid.height:
        raise InputError(file, None, _NO_TABLES)
    return grid


def annual_indicators(tables: TargetTables | None) -> TargetTables | None:
    """``tables`` with only the annual indicators (``period`` annual), where checks and scoring
    start; the same object when every indicator is annual (or ``tables`` is None)."""
    if tables is None or "period" not in tables.indicators.columns:
        return tables
    if not (tables.indicators["period"] != "annual").any():
        return tables
    return TargetTables(tables.projects, tables.indicators.filter(pl.col("period") == "annual"))


def skip_reason(name: str) -> str | None:
    """Why a file of this name in a folder is not read (a README, a hidden file, an Office lock file), or None."""
    return "说明文件、隐藏文件或 Office 临时文件，不读取" if name.startswith(_SKIPPED_NAMES) else None


def source_files(sources: Iterable[str | Path]) -> list[Path]:
    """Expand folders (not recursively, sorted by name) and check that every source exists."""
    files: list[Path] = []
    for source in map(Path, sources):
        if source.is_dir():
            files.extend(p for p in sorted(source.iterdir()) if p.is_file() and not skip_reason(p.name))
        elif source.is_file():
            files.append(source)
        else:
            raise InputError(source, None, "文件或文件夹不存在")
    return files


def skipped_files(sources: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """What :func:`source_files` leaves out of the folders in ``sources``, each with the reason."""
    skipped = []
    for folder in (Path(s) for s in sources if Path(s).is_dir()):
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                skipped.append((path, "子文件夹，不读取（文件夹不递归）"))
            elif reason := skip_reason(path.name):
                skipped.append((path, reason))
    return skipped


def load_targets(*sources: str | Path, strict: bool = False) -> TargetTables:
    """Load every target table in ``sources`` (files or folders) into validated tables.

    A part of a table that cannot be read (a budget that is not a number, an indicator row that
    does not fit its header) is left empty and named in the project's ``unreadable`` column; the
    other parts and projects load. ``strict`` refuses instead, as :class:`~perfkit.errors.InputError`
    naming the file and place of the first such part. A file none of whose tables gives an
    indicator is refused either way, as is a file that is damaged or not a document at all.
    """
    files = source_files(sources)
    if not files:
        raise InputError(", ".join(map(str, sources)), None, "没有可读取的文件")
    raw = read_sources(files)
    documents = []
    while raw:  # each format's raw frames are let go once finished: they are the largest frames of a load
        finish = next(iter(raw))
        # one contiguous frame: thousands of small chunks make every later step several times slower
        frame = pl.concat(raw.pop(finish), how="diagonal_relaxed", rechunk=True)
        documents.append(finish(frame))
        del frame
    projects = pl.concat([p for p, _ in documents], how="diagonal_relaxed", rechunk=True)
    indicators = pl.concat([i for _, i in documents], how="diagonal_relaxed", rechunk=True)
    projects = projects.sort("_file_no", "_key")  # the order of the files as given
    refuse_empty_files(files, projects)
    return TargetTables(*assemble(*read_parts(projects, indicators, strict), strict=strict))


def refuse_empty_files(files: list[Path], projects: pl.DataFrame) -> None:
    """Refuse the first file that gave no project at all (a flat table with its header only): an
    empty result would read as a unit with nothing to review."""
    read = set(projects["_file"].unique().to_list())
    if empty := next((f for f in files if str(f) not in read), None):
        raise InputError(str(empty), None, "没有指标行：只有表头，没有可读取的项目和指标")


def read_parts(projects: pl.DataFrame, indicators: pl.DataFrame, strict: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The finished raw frames of a load, checked for unreadable parts (see :func:`load_targets`)
    and ready for :func:`~perfkit.load.layout.assemble.assemble`."""
    if strict:
        raise_first(projects)
    refuse_unread_files(projects, indicators)
    return finish_projects(projects.with_columns(source_file=pl.col("_file"))), indicators


def read_sources(files: list[Path], first: int = 0) -> dict[Finisher, list[pl.DataFrame]]:
    """The raw frames of ``files`` (numbered from ``first`` in the load) by finisher (in the order the finishers first appear), each
    list in load order. Word exports and regular CSV files are read together once every file is
    seen (per-file polars calls cost more than the work); the first problem in load order is raised."""
    raw: dict[Finisher, list[pl.DataFrame]] = {}
    texts: list[tuple[str, int, str]] = []
    regular: list[csv_files.Regular] = []
    failure = None
    try:
        # one process: a library call never starts processes (a spawned worker re-runs the caller's script)
        for number, path in enumerate(files, first):
            data, file = path.read_bytes(), str(path)
            name, text, utf8 = sniff(data, path)
            frames = raw.setdefault(READERS[name].finish, [])
            if name == "word_text" and READERS[name].read is _read_word_text:
                texts.append((file, number, text))
            elif name == "csv" and READERS[name].read is _read_csv:
                found = csv_files.regular(text, data if utf8 else None, file, number)
                if found is None:
                    frames.append(_numbered(flat.read_csv(text, file), file, number))
                else:
                    regular.append(found)
            else:
                frames.append(_numbered(READERS[name].read(data, file), file, number))
    except InputError as exc:
        failure = exc
    # a file before the failing one that polars may not read after all may fail first
    rows, irregular = csv_files.read_regular(regular)
    for source in sorted(irregular, key=lambda s: s.number):
        text = csv_files.irregular_text(source)
        raw[READERS["csv"].finish].append(_numbered(flat.read_csv(text, source.file), source.file, source.number))
    if failure is not None:
        raise failure
    if rows is not None:
        frames = raw[READERS["csv"].finish]
        frames.append(rows)
        if len(frames) > 1:  # in load order, as read file by file
            frames[:] = [pl.concat(frames, how="diagonal_relaxed").sort("_file_no", maintain_order=True)]
    if texts:
        table = pl.DataFrame(texts, schema={"_file": pl.String, "_file_no": pl.Int32, "text": pl.String}, orient="row")
        raw[READERS["word_text"].finish].append(word_text.lines_of(table))
    return raw


def _numbered(frame: pl.DataFrame, file: str, number: int) -> pl.DataFrame:
    return frame.with_columns(_file=pl.lit(file), _file_no=pl.lit(number, dtype=pl.Int32))


__all__ = [
    "READERS",
    "TargetTables",
    "annual_indicators",
    "detect_format",
    "load_targets",
    "read_parts",
    "read_sources",
    "register",
    "skip_reason",
    "source_files",
]
