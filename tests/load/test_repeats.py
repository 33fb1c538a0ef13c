"""The same self-evaluation given twice (a .docx and its PDF, a download saved twice): read once
when the copies agree, refused naming both files when they differ. Through the CLI auditors run,
on the bundled (illustrative) self-evaluation."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from perfkit.cli import main
from perfkit.load.actuals import load_actuals

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
SELFEVAL = RAW / "selfeval" / "ILLUSTRATIVE-selfeval-tianjin-womens-federation-2025.txt"


def _score(actuals: Path, out: Path) -> int:
    return main(["score", "--targets", str(RAW / "targets"), "--actuals", str(actuals), "-o", str(out)])


def test_a_self_evaluation_given_twice_is_scored_once(tmp_path, capsys):
    """Two identical copies: the scores are those of one copy (before, the 7 projects were scored
    twice, 14 rows, and the second copy's rows were blamed on the unit), and a line names the copy."""
    once, twice = tmp_path / "once", tmp_path / "twice"
    once.mkdir(), twice.mkdir()
    shutil.copy(SELFEVAL, once / "自评.txt")
    shutil.copy(SELFEVAL, twice / "a.txt")
    shutil.copy(SELFEVAL, twice / "b.txt")
    assert _score(once, tmp_path / "one") == 0
    assert _score(twice, tmp_path / "two") == 0
    err = capsys.readouterr().err
    assert f"提示: {twice / 'b.txt'}: 与 {twice / 'a.txt'} 是同一份自评表（7 个项目内容相同），按一份计" in err
    for table in ("project_scores.csv", "indicator_scores.csv", "findings.csv"):
        one, two = (pl.read_csv(tmp_path / d / table) for d in ("one", "two"))
        assert two.drop("actual_source_file", strict=False).equals(one.drop("actual_source_file", strict=False))
    assert pl.read_csv(tmp_path / "two" / "project_scores.csv").height == 7  # the bundled self-evaluation's 7 projects


def test_copies_that_differ_are_refused_naming_both(tmp_path, capsys):
    """The second copy states another 全年执行数 (4.70 for 4.80): which one is the unit's cannot be
    told, so nothing is scored and the message names both files."""
    shutil.copy(SELFEVAL, tmp_path / "a.txt")
    text = SELFEVAL.read_text(encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("4.80", "4.70", 1), encoding="utf-8")
    assert _score(tmp_path, tmp_path / "out") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"错误: {tmp_path / 'b.txt'}: ")
    assert f"在“{tmp_path / 'a.txt'}”中也有自评表，两份内容不同" in err[0]
    assert not (tmp_path / "out").exists()


def test_a_copy_differing_only_in_line_breaks_is_the_same(tmp_path):
    """A PDF breaks the lines of long cells where the Word file did not: the copies still agree."""
    shutil.copy(SELFEVAL, tmp_path / "a.txt")
    text = SELFEVAL.read_text(encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("服务妇女儿童3200人", "服务妇女儿童\n3200人", 1), encoding="utf-8")
    actuals = load_actuals(tmp_path)
    assert actuals.repeated.rows() == [(str(tmp_path / "b.txt"), str(tmp_path / "a.txt"), 7)]
    assert actuals.projects["source_file"].unique().to_list() == [str(tmp_path / "a.txt")]
