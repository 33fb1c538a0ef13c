"""From folders of documents to one parameter file per unit (``perfkit plan``, ``perfkit batch FOLDER``).

:func:`discover` reads every document under the folders given, recursively (skipping what
:func:`perfkit.load.source_files` skips), and finds in them every unit — by its code, or by its name
for a unit without one — and every year. Self-evaluations (the documents
:func:`perfkit.load.actuals.read_actuals_file` reads as such) are told from target tables, and each
is paired with its unit's targets of the same year. A unit is audited once for each year of its
targets (one params file per unit and year, named by unit and year where a unit has several); the
audit of a year sees the unit's target files of that year and of the years before it, for the
year-over-year rules. A file that belongs to no unit, or cannot be read, or a self-evaluation
with no targets of its unit and year, is a row of ``unassigned`` with the reason — never
silently left out.

What each document held is kept in ``discovery.json`` beside the run (by the file's SHA-256), so
a re-run reads only new and changed documents, and names the documents removed since.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from perfkit import __version__
from perfkit.errors import InputError
from perfkit.run.walk import CACHE, walk
from perfkit.text import squashed

_ROW = {"file": pl.String, "unit_code": pl.String, "unit_name": pl.String, "year": pl.Int32, "project_name": pl.String}
UNIT_COLUMNS = ("unit_code", "unit_name", "year", "targets", "actuals", "projects", "without_selfeval", "year_in_name")
UNASSIGNED_COLUMNS = {"file": pl.String, "unit_code": pl.String, "unit_name": pl.String, "year": pl.Int32,
                      "reason": pl.String}  # fmt: skip


@dataclass(frozen=True)
class Discovery:
    """What the folders hold: ``units`` (one row per unit: :data:`UNIT_COLUMNS`, files as absolute paths), ``unassigned`` (``file, unit_code, unit_name,
    year, reason``), the parameter files found among the sources, and the documents ``removed``
    since the last discovery into the same folder."""

    units: pl.DataFrame
    unassigned: pl.DataFrame
    params_files: list[Path] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (file, the units it held)
    read: int = 0  # documents read this time (the others came from the cache)
    entries: dict[str, dict] = field(default_factory=dict, repr=False)  # what each document held

    def save(self, output: Path) -> None:
        """Keep what each document held in ``output/discovery.json``, for the next discovery."""
        from perfkit.output import write_text_atomically

        output.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"version": __version__, "files": self.entries}, ensure_ascii=False)
        write_text_atomically(output / CACHE, text)


def _read_cache(file: Path | None) -> dict[str, Any]:
    try:
        cache = json.loads(file.read_text(encoding="utf-8")) if file else {}
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return cache.get("files", {}) if cache.get("version") == __version__ else {}


def _may_hold_selfeval(text: str) -> bool:
    """Whether a Word text export may hold a self-evaluation: False only when no header of actual
    values (实际完成值 and its variants) can be in it.

    A header cell is one when its label key (widths folded, whitespace dropped, then a leading
    mark and a trailing note cut off) is such a label; the label then lies whole in the export's
    text folded the same way, since a cell of the export is its lines with whitespace between.
    So the test never turns a self-evaluation away, and spares a target table the reading as one.
    """
    from perfkit.load.layout.selfeval_labels import INDICATOR_HEADERS, key
    from perfkit.text import _WHITESPACE, fold_label_text  # the whitespace label_key drops, exactly

    flat = fold_label_text(text).translate(str.maketrans(dict.fromkeys(_WHITESPACE, "")))
    return any(key(label) in flat for label in INDICATOR_HEADERS["actual_raw"])


def _actuals_rows(path: Path, data: bytes) -> list[list] | None:
    """The projects of ``path`` read as a self-evaluation, or None when it holds none."""
    from perfkit.load.actuals import read_actuals_file
    from perfkit.load.formats.sniff import sniff

    sniffed = sniff(data, path)  # InputError: no document at all
    if sniffed.name == "csv":  # a self-evaluation is never a CSV file
        return None
    if sniffed.name == "word_text" and not _may_hold_selfeval(sniffed.text or ""):
        return None
    try:
        projects, _ = read_actuals_file(path)
    except InputError:
        return None
    return projects.select("unit_code", "unit_name", "year", "project_name").rows()


def _target_rows(files: list[Path]) -> tuple[dict[str, list[list]], dict[str, str]]:
    """The projects of each of ``files`` read as target tables, and the files that cannot be read.

    All files are read in one load; when it fails, each half is loaded on its own, down to the
    files that fail alone (a few bad files cost a few loads of ever smaller halves, not one per file).
    """
    from perfkit.load import load_targets

    if not files:
        return {}, {}
    try:
        projects = load_targets(*files).projects
    except InputError as exc:
        if len(files) == 1:
            return {}, {str(files[0]): exc.one_line()}
        half = len(files) // 2
        (rows_a, bad_a), (rows_b, bad_b) = _target_rows(files[:half]), _target_rows(files[half:])
        return rows_a | rows_b, bad_a | bad_b
    rows: dict[str, list[list]] = {str(f): [] for f in files}
    for file, *row in projects.select("source_file", "unit_code", "unit_name", "year", "project_name").iter_rows():
        rows[file].append(row)
    return rows, {}


CHUNK = 1000  # documents read together: one load of their target tables, their parses held at once


def read_documents(files: list[Path], cached: dict[str, dict] | None = None) -> tuple[dict[str, dict], int]:
    """What each of ``files`` holds — ``{"sha256", "kind": targets|actuals|unreadable, "rows" or
    "reason"}`` by path — reusing the ``cached`` entries of files whose bytes did not change; and how
    many files were read.

    Each document is parsed once (:func:`~perfkit.load.layout.once.parsing_once`): what the try as
    a self-evaluation parsed, the reading as target tables takes up again. A Word text export is
    not parsed at all as a self-evaluation unless a header of actual values may be in it.
    """
    from perfkit.load.layout.once import parsing_once

    cached = cached or {}
    entries: dict[str, dict] = {}
    for start in range(0, len(files), CHUNK):
        with parsing_once():
            entries |= _read_chunk(files[start : start + CHUNK], cached)
    return entries, sum(1 for f, e in entries.items() if cached.get(f) is not e)


def _read_chunk(files: list[Path], cached: dict[str, dict]) -> dict[str, dict]:
    entries: dict[str, dict] = {}
    candidates: list[Path] = []
    for path in files:
        file = str(path)
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if cached.get(file, {}).get("sha256") == sha:
            entries[file] = cached[file]
            continue
        entries[file] = {"sha256": sha}
        try:
            rows = _actuals_rows(path, data)
        except InputError as exc:
            entries[file] |= {"kind": "unreadable", "reason": exc.one_line()}
            continue
        if rows is not None:
            entries[file] |= {"kind": "actuals", "rows": rows}
        else:
            candidates.append(path)
    rows, bad = _target_rows(candidates)
    for path in candidates:
        file = str(path)
        if file in bad:
            entries[file] |= {"kind": "unreadable", "reason": bad[file]}
        else:
            entries[file] |= {"kind": "targets", "rows": rows[file]}
    return entries


def _frame(entries: dict[str, dict], kind: str) -> pl.DataFrame:
    rows = [[file, *row] for file, e in entries.items() if e["kind"] == kind for row in e["rows"]]
    frame = pl.DataFrame(rows, schema=_ROW, orient="row")
    return frame.with_columns(
        pl.col("unit_code").fill_null(""), pl.col("unit_name").fill_null(""), _name=squashed("unit_name")
    ).with_columns(
        key=pl.when(pl.col("unit_code") != "").then("unit_code").otherwise(pl.concat_str(pl.lit("名:"), "_name"))
    )


def _with_units(actuals: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """``actuals`` with a self-evaluation without a code given the unit of the one coded unit of its name."""
    coded = targets.filter(pl.col("unit_code") != "", pl.col("_name") != "").select("_name", "key").unique()
    single = coded.filter(pl.len().over("_name") == 1).rename({"key": "_coded"})
    return (
        actuals.join(single, on="_name", how="left", maintain_order="left")
        .with_columns(
            key=pl.when((pl.col("unit_code") == "") & pl.col("_coded").is_not_null()).then("_coded").otherwise("key")
        )
        .drop("_coded")
    )


def plan_units(entries: dict[str, dict], skipped: list[tuple[Path, str]] = ()) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Units (one row per unit and year of its targets) and unassigned files from what the documents hold."""
    targets, actuals = _frame(entries, "targets"), _frame(entries, "actuals")
    actuals = _with_units(actuals, targets)
    problems: list[pl.DataFrame] = []

    def unassigned(frame: pl.DataFrame, reason: pl.Expr) -> None:
        problems.append(frame.select("file", "unit_code", "unit_name", "year", reason.alias("reason")))

    # a project with neither code nor name, or no year, belongs to no unit-year
    for frame, what in ((targets, "绩效目标表"), (actuals, "自评表")):
        nameless = frame.filter((pl.col("unit_code") == "") & (pl.col("_name") == ""))
        unassigned(
            nameless.unique(["file"], maintain_order=True), pl.lit(f"{what}未写明单位编码或单位名称，无法归属单位")
        )
        yearless = frame.filter(pl.col("year").is_null(), pl.col("_name").ne("") | pl.col("unit_code").ne(""))
        if what == "绩效目标表":
            unassigned(
                yearless.unique(["file", "key"], maintain_order=True), pl.lit("绩效目标表未写明年度，无法归属年度")
            )
    targets = targets.filter(pl.col("year").is_not_null(), (pl.col("unit_code") != "") | (pl.col("_name") != ""))
    actuals = actuals.filter((pl.col("unit_code") != "") | (pl.col("_name") != ""))
    # one run per unit and year of its targets; a unit with several years has them in its names
    runs = targets.group_by("key", "year").agg(
        unit_code=pl.col("unit_code").first(),
        unit_name=pl.col("unit_name").filter(pl.col("unit_name") != "").first().fill_null(""),
        projects=pl.len(),
    ).with_columns(year_in_name=pl.len().over("key") > 1)  # fmt: skip
    # a self-evaluation pairs with its unit's targets of its year; without a year, of the unit's only year
    years = runs.group_by("key").agg(
        n_years=pl.len(), only=pl.col("year").first(), known=pl.col("year").sort().cast(pl.String).str.join("、")
    )
    paired = (
        actuals.join(years, on="key", how="left")
        .with_columns(
            audited=pl.when(pl.col("year").is_null() & (pl.col("n_years") == 1)).then("only").otherwise("year")
        )
        .join(runs.select("key", pl.col("year").alias("audited"), fits=pl.lit(True)), on=["key", "audited"], how="left")
        .with_columns(pl.col("fits").fill_null(False))
    )
    stray = paired.filter(~pl.col("fits")).unique(["file", "key", "year"], maintain_order=True)
    unassigned(
        stray,
        pl.when(pl.col("n_years").is_null())
        .then(
            pl.format(
                "自评表中的单位在文件夹中没有绩效目标表（{}年）", pl.col("year").cast(pl.String).fill_null("未写明")
            )
        )
        .when(pl.col("year").is_null())
        .then(pl.lit("自评表未写明年度，而该单位有多个年度的绩效目标表，无法配对"))
        .otherwise(
            pl.format("自评表为{}年，文件夹中没有该单位{}年的绩效目标表（有{}年的），未配对", "year", "year", "known")
        ),
    )
    paired = paired.filter("fits").drop("year").rename({"audited": "year"})
    # an audit sees the unit's targets of its year and of the years before it (the year-over-year rules)
    earlier = targets.select("key", pl.col("year").alias("_held"), "file").join(runs.select("key", "year"), on="key")
    target_files = (
        earlier.filter(pl.col("_held") <= pl.col("year"))
        .group_by("key", "year")
        .agg(targets=pl.col("file").unique(maintain_order=True))
    )
    done = paired.select("key", "year", _p=squashed("project_name")).unique()
    without = (
        targets.with_columns(_p=squashed("project_name"))
        .join(done, on=["key", "year", "_p"], how="anti")
        .group_by("key", "year")
        .agg(without_selfeval=pl.col("project_name").unique(maintain_order=True))
    )
    actual_files = paired.group_by("key", "year").agg(actuals=pl.col("file").unique(maintain_order=True))
    units = (
        runs.join(target_files, on=["key", "year"], how="left")
        .join(actual_files, on=["key", "year"], how="left")
        .join(without, on=["key", "year"], how="left")
        .with_columns(pl.col("actuals").fill_null([]), pl.col("without_selfeval").fill_null([]))
        .select(UNIT_COLUMNS)
        .sort("unit_code", "unit_name", "year")
    )
    for file, e in entries.items():
        if e["kind"] == "unreadable":
            problems.append(pl.DataFrame({"file": [file], "reason": [e["reason"]]}))
        elif not e["rows"]:
            problems.append(pl.DataFrame({"file": [file], "reason": ["文件中没有项目，不属于任何单位"]}))
    problems.extend(pl.DataFrame({"file": [str(p)], "reason": [r]}) for p, r in skipped)
    listed = pl.concat([pl.DataFrame(schema=UNASSIGNED_COLUMNS), *problems], how="diagonal_relaxed")
    return units, listed.select(list(UNASSIGNED_COLUMNS)).cast(UNASSIGNED_COLUMNS).sort("file", maintain_order=True)


def discover(sources: list[str | Path], output: Path | None = None, write_cache: bool = True,
             walked: tuple[list[Path], list[Path], list[tuple[Path, str]]] | None = None) -> Discovery:  # fmt: skip
    """Read the documents under ``sources`` and plan their units; ``output`` keeps the cache (see
    module doc). ``walked``: what :func:`~perfkit.run.walk.walk` found there, when known."""
    documents, params, skipped = walked or walk(sources, output)
    cache_file = output / CACHE if output is not None else None
    before = _read_cache(cache_file)
    entries, read = read_documents([p.resolve() for p in documents], before)
    units, unassigned = plan_units(entries, [(p.resolve(), r) for p, r in skipped])
    removed = [
        (file, "、".join(sorted({str(row[0] or row[1]) for row in before[file].get("rows", [])})))
        for file in sorted(set(before) - set(entries))
    ]
    discovery = Discovery(units, unassigned, params, removed, read, entries)
    if write_cache and output is not None:
        discovery.save(output)
    return discovery
