"""Extract, check and score sources too large for memory, chunk by chunk, with the in-memory outputs.

:func:`load_parts` reads the source files in chunks (in file order), finishes each chunk with the
machinery of :func:`~perfkit.load.load_targets` and spills its indicators to Parquet parts in a
private folder; the projects (about one per eleven indicators) stay in memory. :func:`extract`,
:func:`check` and :func:`score` write the same rows, in the same order, with the same ids and types
as ``perfkit extract``, ``check`` and ``score`` do in memory; the large tables are written by polars
streaming from the parts.

What the in-memory load does across files is redone across chunks: a project loaded twice gets the
id suffixes ``-2``, ``-3`` … it would get in one load, and the indicators keep the order of one load
(grouped by format, in file order within each; a chunk's parts are kept per format, a *segment*).
Checks and scores run on chunks of whole units that each cover a contiguous range of the project
order; units whose projects interleave in that order share a chunk.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from perfkit.errors import InputError
from perfkit.load import TargetTables, read_parts, read_sources, source_files
from perfkit.load.actuals import Actuals
from perfkit.load.layout.assemble import assemble
from perfkit.output import atomic_path, staging

# Sources larger than this are extracted, checked and scored in chunks by the command line
LARGE_SOURCE_BYTES = 512 * 2**20
# About this many indicators (raw rows when reading) make one chunk
CHUNK_INDICATORS = 250_000

_REPEAT = r"^(.*-[0-9a-f]{10})-\d+$"  # a project id with the repeat suffix assemble gives (-2, -3 …)


def is_large(sources: list[Path]) -> bool:
    """Whether the files of ``sources`` together exceed :data:`LARGE_SOURCE_BYTES`."""
    return sum(path.stat().st_size for path in source_files(sources)) > LARGE_SOURCE_BYTES


@dataclass
class Parts:
    """A load spilled to disk: every project in memory (``_pos`` its place in the load, ``_n`` its
    number of indicators), the indicators in Parquet parts, one per (segment, chunk)."""

    folder: Path
    projects: pl.DataFrame = field(default_factory=pl.DataFrame)
    files: list[tuple[int, int, Path]] = field(default_factory=list)  # (segment, chunk, path)
    ranges: list[tuple[int, int]] = field(default_factory=list)  # per chunk, its first and last _pos
    empty: pl.DataFrame = field(default_factory=pl.DataFrame)  # the indicators' schema, no rows

    def all_projects(self) -> pl.DataFrame:
        return self.projects.drop("_pos", "_n")

    def scan(self, lo: int = 0, hi: int | None = None) -> pl.LazyFrame:
        """The indicators (with ``_pos`` and ``_segment``) of the projects at ``lo``…``hi``
        (inclusive), in the order of one load."""
        everything = hi is None
        hi = self.projects.height - 1 if hi is None else hi
        chosen = [
            pl.scan_parquet(path).with_columns(_segment=pl.lit(seg, pl.Int32))
            for seg, chunk, path in sorted(self.files)
            if self.ranges[chunk][0] <= hi and self.ranges[chunk][1] >= lo
        ]
        frame = pl.concat(chosen) if chosen else self.empty.lazy().with_columns(_segment=pl.lit(0, pl.Int32))
        return frame if everything else frame.filter(pl.col("_pos").is_between(lo, hi))

    def tables(self, lo: int, hi: int) -> tuple[TargetTables, pl.Series]:
        """The projects at ``lo``…``hi`` (inclusive) and their indicators, with each indicator's segment."""
        indicators = self.scan(lo, hi).collect()
        projects = self.projects.slice(lo, hi - lo + 1).drop("_pos", "_n")
        return TargetTables(projects, indicators.drop("_pos", "_segment")), indicators["_segment"]


def _finish_chunk(raw: dict, segments: dict, strict: bool = False) -> tuple[pl.DataFrame, pl.DataFrame, pl.Series]:
    """One chunk's raw frames as load_targets finishes them, with each indicator's segment."""
    documents = [
        (segments.setdefault(finish, len(segments)), finish(pl.concat(frames, how="diagonal_relaxed", rechunk=True)))
        for finish, frames in raw.items()
    ]
    projects = pl.concat([p for _, (p, _) in documents], how="diagonal_relaxed", rechunk=True)
    indicators = pl.concat([i for _, (_, i) in documents], how="diagonal_relaxed", rechunk=True)
    segment = pl.concat([pl.repeat(s, len(i), dtype=pl.Int32, eager=True) for s, (_, i) in documents])
    projects, indicators = assemble(*read_parts(projects.sort("_file_no", "_key"), indicators, strict), strict=strict)
    assert indicators.height == segment.len(), "assemble kept every indicator row, in order"
    return projects, indicators, segment


def _renumbered(projects: pl.DataFrame, seen: pl.DataFrame) -> pl.DataFrame:
    """``projects`` with ``_old`` (the chunk's id) and the ``project_id`` one load would give:
    a project seen in earlier chunks counts on from its earlier copies."""
    base = pl.col("project_id").str.replace(_REPEAT, "${1}")
    keyed = projects.with_columns(_old=pl.col("project_id"), _base=base).with_columns(
        _local=pl.int_range(pl.len()).over("_base")
    )
    keyed = keyed.join(seen, on="_base", how="left", maintain_order="left").with_columns(
        _repeat=pl.col("_local") + pl.col("_seen").fill_null(0)
    )
    new = pl.when(pl.col("_repeat") > 0).then(pl.format("{}-{}", "_base", pl.col("_repeat") + 1)).otherwise("_base")
    return keyed.with_columns(project_id=new).drop("_local", "_seen", "_repeat")


# a chunk of files holds about this many source bytes per indicator asked for (synthetic tables: ~220)
BYTES_PER_INDICATOR = 200


def _file_groups(files: list[Path], size: int) -> list[tuple[int, list[Path]]]:
    """``files`` in consecutive groups of about ``size`` indicators' bytes, each with the load
    number of its first file (one stat per file, no reading)."""
    groups: list[tuple[int, list[Path]]] = []
    budget, total = size * BYTES_PER_INDICATOR, 0
    for number, path in enumerate(files):
        if not groups or total >= budget:
            groups.append((number, []))
            total = 0
        groups[-1][1].append(path)
        total += path.stat().st_size
    return groups


@contextmanager
def load_parts(
    sources: list[Path], directory: Path, size: int = CHUNK_INDICATORS, strict: bool = False
) -> Iterator[Parts]:
    """Load ``sources`` chunk by chunk into :class:`Parts` in a private folder inside ``directory``
    (removed on exit). Errors are those of ``load_targets``: a file that cannot be read first."""
    files = source_files(sources)
    if not files:
        raise InputError(", ".join(map(str, sources)), None, "没有可读取的文件")
    with staging(directory) as folder:
        parts = Parts(folder)
        segments: dict = {}
        seen = pl.DataFrame(schema={"_base": pl.String, "_seen": pl.UInt32})
        chunk_projects: list[Path] = []
        offset = 0
        groups = _file_groups(files, size)
        for at, (first, group) in enumerate(groups):
            raw = read_sources(group, first)  # as load_targets reads: many files per polars call
            try:
                projects, indicators, segment = _finish_chunk(raw, segments, strict)
            except InputError:
                for later, rest in groups[at + 1 :]:
                    read_sources(
                        rest, later
                    )  # one load reads every file before finishing any: a read error comes first
                raise
            del raw
            projects = _renumbered(projects, seen).with_columns(_pos=(pl.int_range(pl.len()) + offset).cast(pl.Int64))
            counts = projects.group_by("_base").len("_seen").with_columns(pl.col("_seen").cast(pl.UInt32))
            seen = pl.concat([seen, counts]).group_by("_base").agg(pl.col("_seen").sum())
            ids = projects.select(pl.col("_old").alias("project_id"), pl.col("project_id").alias("_new"), "_pos")
            indicators = (
                indicators.with_columns(_segment=segment)
                .join(ids, on="project_id", how="left", maintain_order="left")
                .with_columns(project_id=pl.col("_new"))
                .drop("_new")
            )
            chunk = len(parts.ranges)
            parts.empty = indicators.clear().drop("_segment")
            for (seg,), frame in indicators.partition_by("_segment", as_dict=True, include_key=False).items():
                file = folder / f"indicators-{seg:04d}-{chunk:06d}.parquet"
                frame.write_parquet(file)
                parts.files.append((seg, chunk, file))
            n = indicators.group_by("_pos").len("_n")
            projects = projects.drop("_old", "_base").join(n, on="_pos", how="left", maintain_order="left")
            # kept on disk too: in memory, the projects' texts would keep the chunk's raw text alive
            projects.with_columns(pl.col("_n").fill_null(0)).write_parquet(folder / f"projects-{chunk:06d}.parquet")
            chunk_projects.append(folder / f"projects-{chunk:06d}.parquet")
            parts.ranges.append((offset, offset + projects.height - 1))
            offset += projects.height
        parts.projects = pl.read_parquet(chunk_projects) if chunk_projects else pl.DataFrame()
        yield parts


def _sink(frame: pl.LazyFrame | pl.DataFrame, path: Path) -> None:
    """Write ``frame`` as ``perfkit.output.write_table`` would, streaming a lazy frame."""
    lazy = frame.lazy()
    if path.suffix.lower() == ".parquet":
        lazy.sink_parquet(path)
    else:
        lazy.sink_csv(path, include_bom=True)


def _write_atomically(tables: dict[str, Any], directory: Path) -> None:
    """Write each ``name → frame`` into ``directory``; nothing is replaced unless all succeed."""
    with staging(directory) as folder:
        for name, frame in tables.items():
            _sink(frame, folder / name)
        for name in tables:
            os.replace(folder / name, directory / name)


def extract(parts: Parts, output: Path) -> None:
    """Write ``projects`` and ``indicators`` (CSV and Parquet) as ``perfkit extract`` does."""
    indicators = parts.scan().drop("_pos", "_segment")
    projects = parts.all_projects()
    tables = {"projects.csv": projects, "indicators.csv": indicators}
    _write_atomically(tables | {"projects.parquet": projects, "indicators.parquet": indicators}, output)


def unit_ranges(parts: Parts, size: int = CHUNK_INDICATORS) -> list[tuple[int, int]]:
    """Ranges (first, last ``_pos``) of whole units, about ``size`` indicators each, in project order;
    a unit whose projects lie on both sides of another's shares its chunk."""
    frame = parts.projects.select("_pos", "_n", _last=pl.col("_pos").max().over("unit_code"))
    before = pl.col("_last").cum_max().shift(1, fill_value=-1)
    groups = frame.with_columns(_group=(before < pl.col("_pos")).cum_sum())
    groups = groups.group_by("_group", maintain_order=True).agg(
        pl.col("_pos").min().alias("lo"), pl.col("_pos").max().alias("hi"), pl.col("_n").sum()
    )
    chunked = groups.with_columns(_chunk=(pl.col("_n").cum_sum() - pl.col("_n")) // max(size, 1))
    ranges = chunked.group_by("_chunk", maintain_order=True).agg(pl.col("lo").min(), pl.col("hi").max())
    return list(ranges.select("lo", "hi").iter_rows())


def _chunk_numbers(parts: Parts, ranges: list[tuple[int, int]], key: str) -> pl.DataFrame:
    """``key`` (``project_id`` or ``unit_code``) → ``_chunk``, the index of its range in ``ranges``."""
    starts = pl.Series([lo for lo, _ in ranges], dtype=pl.Int64)
    chunk = (pl.lit(starts).search_sorted(pl.col("_pos"), side="right") - 1).cast(pl.Int32)
    return parts.projects.select(key, _chunk=chunk).unique(key, keep="first", maintain_order=True)


def _shares(frame: pl.DataFrame, numbers: pl.DataFrame, n: int) -> list[pl.DataFrame]:
    """``frame`` split by chunk (``numbers`` from :func:`_chunk_numbers`); rows of no chunk go to the first."""
    key = numbers.columns[0]
    keyed = frame.join(numbers, on=key, how="left", maintain_order="left").with_columns(pl.col("_chunk").fill_null(0))
    split = keyed.partition_by("_chunk", as_dict=True, include_key=False)
    return [split.get((chunk,), frame.clear()) for chunk in range(n)]


def check(
    parts: Parts, overrides: dict[str, Any] | None, source: str, output: Path, size: int = CHUNK_INDICATORS
) -> dict[str, int]:
    """Write the findings ``run_checks`` gives for the whole load to ``output`` (.csv or .parquet);
    returns the number of findings per severity."""
    from perfkit.checks.engine import (
        PORTFOLIO_COLUMNS,
        check_portfolio,
        check_units,
        checked_view,
        mark_recurring,
        ordered_findings,
        portfolio_view,
        positions,
        resolve_settings,
    )

    settings = resolve_settings(overrides, source)
    ranges = unit_ranges(parts, size)
    annual = parts.scan().filter(pl.col("period") == "annual").select(PORTFOLIO_COLUMNS["indicators"]).collect()
    places = positions(parts.projects)
    whole = portfolio_view(checked_view(TargetTables(parts.all_projects(), annual)))
    portfolio = check_portfolio(whole, settings, places)
    del annual, whole
    shares = _shares(portfolio, _chunk_numbers(parts, ranges, "project_id"), len(ranges))
    counts: dict[str, int] = {}
    with staging(output.parent) as folder:
        written = []
        for chunk, (lo, hi) in enumerate(ranges):
            tables = parts.tables(lo, hi)[0]  # checked_view keeps the annual rows (long-term ones beside)
            view = checked_view(tables)  # whole units, every year: their recurring findings are marked here
            findings = ordered_findings([check_units(view, settings, places), shares[chunk]])
            findings = mark_recurring(findings, view.projects, view.indicators)
            for severity, n in findings.group_by("severity").len().iter_rows():
                counts[severity] = counts.get(severity, 0) + n
            written.append(folder / f"findings-{chunk:06d}.parquet")
            findings.write_parquet(written[-1])
        with atomic_path(output) as staged:
            _sink(pl.scan_parquet(written), staged)
    return counts


def score(
    parts: Parts,
    actuals: Actuals,
    params: Any,
    overrides: dict[str, Any] | None,
    source: str,
    output: Path,
    size: int = CHUNK_INDICATORS,
) -> pl.DataFrame:
    """Write the three tables of ``perfkit score`` for the whole load into the folder ``output``;
    returns the project scores' ``grade`` column and the ``actual_unmatched`` findings (small).

    Actuals go to the chunk of their unit; those naming no loaded unit go to the first chunk. The
    findings about actuals that match no target (no project) come first, as in one run.
    """
    from perfkit.checks.engine import keyed_findings, ordered_findings, positions
    from perfkit.scoring import score as score_tables

    ranges = unit_ranges(parts, size)
    numbers = _chunk_numbers(parts, ranges, "unit_code")
    shares = {name: _shares(getattr(actuals, name), numbers, len(ranges)) for name in ("projects", "indicators")}
    del actuals  # each chunk's share stays, not the whole
    grades, unmatched = [], []
    written: dict[str, list[tuple[int, int, Path]]] = {"indicator_scores": [], "project_scores": [], "findings": []}
    with staging(output) as folder:
        for chunk, (lo, hi) in enumerate(ranges):
            mine = Actuals(shares["projects"][chunk], shares["indicators"][chunk])
            shares["projects"][chunk] = shares["indicators"][chunk] = None
            targets, segment = parts.tables(lo, hi)
            if "period" in targets.indicators.columns:  # score keeps the annual targets, in order
                segment = segment.filter(targets.indicators["period"] == "annual")
            card = score_tables(mine, targets, params, overrides, source)
            assert card.indicator_scores.height == segment.len(), "one indicator score per annual target, in order"
            by_segment = card.indicator_scores.with_columns(_segment=segment).partition_by(
                "_segment", as_dict=True, include_key=False
            )
            pieces = {("indicator_scores", seg): frame for (seg,), frame in by_segment.items()}
            pieces[("project_scores", 0)] = card.project_scores
            pieces[("findings", 0)] = card.findings.filter(pl.col("project_id").is_not_null())
            for (name, seg), frame in pieces.items():
                written[name].append((seg, chunk, folder / f"{name}-{seg:04d}-{chunk:06d}.parquet"))
                frame.write_parquet(written[name][-1][2])
            unmatched.append(card.findings.filter(pl.col("project_id").is_null()).drop("finding_id"))
            grades.append(card.project_scores["grade"])
        # every actual without a target, in the order and with the ids of one run
        places = positions(pl.DataFrame(schema={"project_id": pl.String, "unit_code": pl.String}))
        names = pl.DataFrame(schema={"project_id": pl.String, "seq": pl.Int32, "level2": pl.String, "name": pl.String})
        first = ordered_findings([keyed_findings(unmatched, places, names)])
        written["findings"].insert(0, (-1, -1, folder / "findings-unmatched.parquet"))
        first.write_parquet(written["findings"][0][2])
        tables = {f"{name}.csv": pl.scan_parquet([p for *_, p in sorted(files)]) for name, files in written.items()}
        _write_atomically(tables, output)
        n_findings = pl.scan_parquet([p for *_, p in written["findings"]]).select(pl.len()).collect().item()
    return pl.concat(grades), first, n_findings
