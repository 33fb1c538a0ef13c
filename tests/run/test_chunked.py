"""perfkit.run.chunked: a load taken in chunks gives the in-memory outputs, row for row.

The portfolio is ILLUSTRATIVE synthetic data (benchmarks.synthetic, two years, three formats);
tiny chunks force many chunks of files and of units. The reference is always the in-memory path
(load_targets, run_checks, score) on the same sources.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal, assert_series_equal

from benchmarks.pipeline import synthetic_actuals
from benchmarks.synthetic import generate
from perfkit.checks import run_checks
from perfkit.cli import main
from perfkit.load import load_targets
from perfkit.load.actuals import Actuals
from perfkit.output import write_tables_atomically
from perfkit.run import chunked
from perfkit.scoring import score
from tests.conftest import ROOT

TARGETS = ROOT / "data" / "raw" / "targets"
SELFEVAL = ROOT / "data" / "raw" / "selfeval" / "ILLUSTRATIVE-selfeval-tianjin-womens-federation-2025.txt"


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    generate(folder, 3000, years=2)
    return folder


def _with_strays(actuals: Actuals) -> Actuals:
    """``actuals`` plus rows that match no target: a unit that is not loaded, and in the last unit
    an indicator and a project whose names are in no target table."""
    last = actuals.indicators["unit_code"].max()
    lost = actuals.indicators.head(3).with_columns(
        unit_code=pl.Series(["999999", last, last]),
        name=pl.Series(["某指标", "不存在的指标", "另一个不存在的指标"]),
        source_ref=pl.Series(["第9001行", "第9002行", "第9003行"]),
    )
    project = actuals.projects.head(1).with_columns(unit_code=pl.lit(last), project_name=pl.lit("不存在的项目"))
    return Actuals(pl.concat([actuals.projects, project]), pl.concat([actuals.indicators, lost]))


def _csv_bytes(frame: pl.DataFrame, path: Path) -> bytes:
    write_tables_atomically({path.name: frame}, path.parent)
    return path.read_bytes()


@pytest.mark.parametrize(("size", "repeats"), [(400, False), (1, False), (50, True)])
def test_chunks_give_the_in_memory_tables_findings_and_scores(portfolio, tmp_path, size, repeats):
    files = sorted((portfolio / "targets").iterdir())
    # the same files again (two exports of one document): their projects get ids -2, -3 across chunks
    sources = [portfolio / "targets", *([files[1], files[6], files[1]] if repeats else [])]
    tables = load_targets(*sources)
    actuals = _with_strays(synthetic_actuals(portfolio))
    findings = run_checks(tables)
    card = score(actuals, tables)
    # worked by hand: the three stray indicator rows and the stray project row match no target
    assert card.findings.filter(pl.col("rule_id") == "actual_unmatched").height >= 4
    assert card.findings["project_id"][:4].is_null().all()  # ... and come first
    if repeats:  # worked by hand: files[1] is loaded three times, files[6] twice
        assert tables.projects["project_id"].str.ends_with("-3").any()
    with chunked.load_parts(sources, tmp_path, size) as parts:
        ranges = chunked.unit_ranges(parts, size)
        assert len(parts.ranges) > 5  # many chunks of files
        if not repeats:  # the units lie in file order: one chunk per few units
            assert len(ranges) > 5
        chunked.extract(parts, tmp_path / "extract")
        check_counts = chunked.check(parts, None, "params", tmp_path / "findings.parquet", size)
        grades, unmatched, n_findings = chunked.score(parts, actuals, None, None, "params", tmp_path / "score", size)
    assert not list(tmp_path.glob(".partial-*"))  # the parts are gone
    for name, frame in (("projects", tables.projects), ("indicators", tables.indicators)):
        assert_frame_equal(pl.read_parquet(tmp_path / "extract" / f"{name}.parquet"), frame)
        assert (tmp_path / "extract" / f"{name}.csv").read_bytes() == _csv_bytes(
            frame, tmp_path / "ref" / f"{name}.csv"
        )
    assert_frame_equal(pl.read_parquet(tmp_path / "findings.parquet"), findings)
    assert check_counts == dict(findings.group_by("severity").len().iter_rows())
    for name in ("indicator_scores", "project_scores", "findings"):
        expected = _csv_bytes(getattr(card, name), tmp_path / "ref" / f"{name}.csv")
        assert (tmp_path / "score" / f"{name}.csv").read_bytes() == expected, name
    assert_series_equal(grades, card.project_scores["grade"])
    assert_frame_equal(unmatched, card.findings.filter(pl.col("project_id").is_null()))
    assert n_findings == card.findings.height


def test_unit_ranges_keep_interleaved_units_together(tmp_path):
    # worked by hand: unit A's projects sit at 0, 1 and 3, around B's at 2, so A and B make one
    # range 0–3 (2+1+1+1 = 5 indicators); C (4–5) is another. A group goes to chunk (indicators
    # before it) // size: C to 5 // 1 = 5 and 5 // 5 = 1 (a chunk of its own), to 5 // 6 = 0 (with A, B).
    projects = pl.DataFrame({"unit_code": list("AABACC"), "_pos": range(6), "_n": [2, 1, 1, 1, 3, 3]})
    parts = chunked.Parts(tmp_path, projects)
    assert chunked.unit_ranges(parts, 1) == [(0, 3), (4, 5)]
    assert chunked.unit_ranges(parts, 5) == [(0, 3), (4, 5)]
    assert chunked.unit_ranges(parts, 6) == [(0, 5)]


def _cli(args: list[str], capsys) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_commands_in_chunks_write_the_in_memory_outputs(tmp_path, capsys):
    """The bundled data: the same files and console lines with tiny chunks as in memory."""
    runs = {}
    for mode, extra in (("memory", []), ("chunks", ["--chunk-indicators", "3"])):
        out = tmp_path / mode
        runs[mode] = [
            _cli(["extract", str(TARGETS), "-o", str(out / "extract"), *extra], capsys),
            _cli(["check", str(TARGETS), "-o", str(out / "findings.csv"), *extra], capsys),
            _cli(["check", str(TARGETS), "-o", str(out / "findings.parquet"), *extra], capsys),
            _cli(["score", "--targets", str(TARGETS), "--actuals", str(SELFEVAL), "-o", str(out / "score"), *extra], capsys),
        ]  # fmt: skip
    assert [s for s, _, _ in runs["chunks"]] == [0, 0, 0, 0]
    strip = [(s, o.replace("/chunks/", "/memory/"), e) for s, o, e in runs["chunks"]]
    assert strip == runs["memory"]
    for name in ("extract/projects.csv", "extract/indicators.csv", "findings.csv", "score/indicator_scores.csv",
                 "score/project_scores.csv", "score/findings.csv"):  # fmt: skip
        assert (tmp_path / "chunks" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name
    for name in ("extract/projects.parquet", "extract/indicators.parquet", "findings.parquet"):
        assert_frame_equal(pl.read_parquet(tmp_path / "chunks" / name), pl.read_parquet(tmp_path / "memory" / name))
    assert pl.read_csv(tmp_path / "chunks" / "findings.csv").height > 10  # the seed has findings to compare


def test_the_first_unreadable_file_is_named_as_in_memory(portfolio, tmp_path, capsys):
    """One load reads every file before finishing any: a later unreadable file is named before an
    earlier file with an empty level-1 cell, in chunks as in memory."""
    folder = tmp_path / "targets"
    shutil.copytree(portfolio / "targets", folder)
    files = sorted(folder.glob("*.csv"))
    with files[0].open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    # ILLUSTRATIVE: the first indicator of the first CSV loses its 一级指标 and its 二级指标 (which would
    # otherwise name its group): an unreadable part, which --strict refuses
    rows[1][rows[0].index("level1")] = ""
    rows[1][rows[0].index("level2")] = ""
    with (folder / f"{files[0].stem}-a.csv").open("w", encoding="utf-8", newline="") as bad:
        csv.writer(bad).writerows(rows)
    expected_empty = _cli(["extract", str(folder), "-o", str(tmp_path / "m"), "--strict"], capsys)
    assert expected_empty[0] == 1 and "一级指标为空" in expected_empty[2]
    assert (
        _cli(["extract", str(folder), "-o", str(tmp_path / "c"), "--chunk-indicators", "5", "--strict"], capsys)
        == expected_empty
    )
    (folder / f"{files[-1].stem}-z.csv").write_text("unit_code,foo\n1,2\n", encoding="utf-8")  # no header row
    in_memory = _cli(["extract", str(folder), "-o", str(tmp_path / "m"), "--strict"], capsys)
    assert in_memory[0] == 1 and f"{files[-1].stem}-z.csv" in in_memory[2]
    assert (
        _cli(["extract", str(folder), "-o", str(tmp_path / "c"), "--chunk-indicators", "5", "--strict"], capsys)
        == in_memory
    )
    assert not (tmp_path / "c" / "projects.csv").exists()
    assert not list((tmp_path / "c").glob(".partial-*"))
