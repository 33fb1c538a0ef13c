"""Comparing a re-run with a bundle's outputs: hand-made tables and workbooks (illustrative values)."""

from __future__ import annotations

import polars as pl
import xlsxwriter

from perfkit.run.compare import compare_findings, compare_project_scores, compare_workbook

FINDINGS = {"finding_id": ["a1", "b2", "c3"], "rule_id": ["r1", "r2", "r3"], "severity": ["high", "low", "low"],
            "message": ["甲", "乙", "丙"]}  # fmt: skip


def test_findings_missing_new_and_changed_are_named(tmp_path):
    pl.DataFrame(FINDINGS).write_parquet(tmp_path / "findings.parquet")
    rerun = {"finding_id": ["a1", "c3", "d4"], "rule_id": ["r1", "r3", "r4"], "severity": ["high", "medium", "low"],
             "message": ["甲改", "丙", "丁"]}  # fmt: skip
    pl.DataFrame(rerun).write_parquet(tmp_path / "rerun.parquet")
    assert compare_findings(tmp_path / "findings.parquet", tmp_path / "rerun.parquet") == [
        "findings.parquet 问题 a1（r1）：说明不同：包中“甲”，重跑“甲改”",
        "findings.parquet 问题 b2（r2）：包中有，重跑没有",
        "findings.parquet 问题 c3（r3）：严重程度不同：包中 low，重跑 medium",
        "findings.parquet 问题 d4（r4）：重跑新出现",
    ]


def test_identical_findings_give_no_line(tmp_path):
    pl.DataFrame(FINDINGS).write_parquet(tmp_path / "findings.parquet")
    assert compare_findings(tmp_path / "findings.parquet", tmp_path / "findings.parquet") == []


def test_project_scores_name_project_and_score(tmp_path):
    scores = {"project_id": ["p1", "p2"], "total": [91.5, 80.0], "grade": ["优", "良"], "execution_score": [9.0, 8.0]}
    pl.DataFrame(scores).write_parquet(tmp_path / "project_scores.parquet")
    pl.DataFrame(scores | {"total": [89.5, 80.0], "grade": ["良", "良"]}).write_parquet(tmp_path / "rerun.parquet")
    assert compare_project_scores(tmp_path / "project_scores.parquet", tmp_path / "rerun.parquet") == [
        "project_scores.parquet 项目 p1 复核总分：包中 91.5，重跑 89.5",
        "project_scores.parquet 项目 p1 等级：包中 优，重跑 良",
    ]


def workbook(path, total: float, run_time: str, polars_version: str, digest: str) -> None:
    book = xlsxwriter.Workbook(path)
    scores = book.add_worksheet("评分")
    for col, header in enumerate(["项目编号", "序号", "复核得分"]):
        scores.write_string(0, col, header)
    scores.write_row(1, 0, ["p1", 1, 7.0])
    scores.write_row(2, 0, ["p1", 2, total])
    about = book.add_worksheet("数据来源")
    rows = [("项目", "内容"), ("运行时间（UTC）", run_time), ("polars", polars_version), ("输入文件 t.txt", digest)]
    for row, (key, value) in enumerate(rows):
        about.write_string(row, 0, key)
        about.write_string(row, 1, value)
    book.close()


def test_workbook_cells_differ_by_sheet_and_cell_but_not_by_run_time_or_version(tmp_path):
    workbook(tmp_path / "u-审计底稿.xlsx", 5.0, "2026-01-01 00:00:00", "2.1.0", "sha256:aa")
    workbook(tmp_path / "same.xlsx", 5.0, "2026-02-02 09:00:00", "2.2.0", "sha256:aa")
    workbook(tmp_path / "other.xlsx", 4.5, "2026-02-02 09:00:00", "2.1.0", "sha256:bb")
    assert compare_workbook(tmp_path / "u-审计底稿.xlsx", tmp_path / "same.xlsx") == []
    # worked by hand: 评分 row 3 (p1, 序号 2) column C; 数据来源 row 4 column B
    assert compare_workbook(tmp_path / "u-审计底稿.xlsx", tmp_path / "other.xlsx") == [
        "u-审计底稿.xlsx 评分!C3（复核得分，p1 2）：包中“5”，重跑“4.5”",
        "u-审计底稿.xlsx 数据来源!B4（内容，输入文件 t.txt）：包中“sha256:aa”，重跑“sha256:bb”",
    ]
