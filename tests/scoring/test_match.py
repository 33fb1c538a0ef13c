"""Matching actuals to targets by unit, project name and indicator name (illustrative tables)."""

from __future__ import annotations

import polars as pl
import pytest

from perfkit.load import TargetTables
from perfkit.load.actuals import ACTUAL_INDICATOR_COLUMNS, ACTUAL_PROJECT_COLUMNS, Actuals
from perfkit.scoring import match
from perfkit.scoring.match import evaluate


def targets(*rows: tuple[str, str, str]) -> TargetTables:
    """Target indicators as (project_id, unit_code, name); projects p1, p2 (unit 100001), p3 (100002)."""
    projects = pl.DataFrame(
        {
            "project_id": ["p1", "p2", "p3"],
            "unit_code": ["100001", "100001", "100002"],
            "project_name": ["2025年示例项目", "2025年另一项目", "2025年示例项目"],
        }
    )
    indicators = pl.DataFrame(
        [
            {"project_id": p, "unit_code": u, "seq": i, "name": n, "target_raw": "≥1次"}
            for i, (p, u, n) in enumerate(rows)
        ],
        schema_overrides={"seq": pl.Int32},
    )
    return TargetTables(projects, indicators)


def actuals(*rows: tuple[str | None, str, str | None, str]) -> Actuals:
    """Actual indicators as (unit_code, project_name, name, actual_raw), rows numbered 第1行 …"""
    indicators = pl.DataFrame(
        [
            {
                "unit_code": u,
                "project_name": p,
                "name": n,
                "actual_raw": a,
                "source_file": "a.xlsx",
                "source_ref": f"第{i}行",
            }
            for i, (u, p, n, a) in enumerate(rows, start=1)
        ],
        schema_overrides={"unit_code": pl.String, "name": pl.String},
    )
    fill = [pl.lit(None, dtype=t).alias(c) for c, t in ACTUAL_INDICATOR_COLUMNS.items() if c not in indicators.columns]
    projects = pl.DataFrame(schema=ACTUAL_PROJECT_COLUMNS)
    return Actuals(projects, indicators.with_columns(fill).select(list(ACTUAL_INDICATOR_COLUMNS)))


TARGETS = targets(
    ("p1", "100001", "培训场次"),
    ("p1", "100001", "满意度"),
    ("p1", "100001", "满意度"),  # the same name twice: the n-th actual goes with the n-th target
    ("p2", "100001", "培训场次"),
    ("p3", "100002", "培训场次"),
    ("p9", "100001", "不属于任何项目"),  # no such project: left out
)
ACTUALS = actuals(
    ("100002", "2025年示例项目", "培训场次", "5次"),
    ("100001", "2025年 示例项目", "“满意度”", "90%"),  # whitespace and punctuation do not count
    ("100001", "2025年示例项目", "满意度", "95%"),
    ("100001", "2025年示例项目", "培训场次", "3次"),
    ("100001", "2025年示例项目", "满意度", "99%"),  # a third 满意度: no target
    ("100001", "2025年另一项目", "培训 场次", "4次"),
    ("100001", "2025年第三项目", "培训场次", "1次"),  # a project without targets
    (None, "2025年示例项目", "培训场次", "2次"),  # no unit: matches nothing
)


def test_actuals_go_with_the_target_of_their_unit_project_and_name():
    evaluation = evaluate(ACTUALS, TARGETS)
    # worked by hand: p1 培训场次 ← 第4行 (3次); p1 满意度 (1st, 2nd) ← 第2行 (90%), 第3行 (95%);
    # p2 培训场次 ← 第6行 (4次); p3 (unit 100002) 培训场次 ← 第1行 (5次); p9 is no project
    got = evaluation.indicators.select("project_id", "name", "actual_raw", "actual_source_ref", "project_name")
    assert got.rows() == [
        ("p1", "培训场次", "3次", "第4行", "2025年示例项目"),
        ("p1", "满意度", "90%", "第2行", "2025年示例项目"),
        ("p1", "满意度", "95%", "第3行", "2025年示例项目"),
        ("p2", "培训场次", "4次", "第6行", "2025年另一项目"),
        ("p3", "培训场次", "5次", "第1行", "2025年示例项目"),
    ]
    # the third 满意度, the project without targets and the row without a unit, in the actuals' order
    lost = evaluation.unmatched.filter(kind="indicator")
    assert lost["source_ref"].to_list() == ["第5行", "第7行", "第8行"]
    assert lost["text"].to_list() == ["指标“满意度”", "指标“培训场次”", "指标“培训场次”"]


def test_matching_is_the_same_when_the_keys_do_not_fit_one_integer(monkeypatch):
    expected = evaluate(ACTUALS, TARGETS)
    monkeypatch.setattr(match, "_KEY_BITS", 1)  # too few bits: the keys become (number, n-th) pairs
    fallback = evaluate(ACTUALS, TARGETS)
    assert fallback.indicators.equals(expected.indicators)
    assert fallback.unmatched.equals(expected.unmatched)


@pytest.mark.parametrize(
    ("keys", "nth"),
    [
        # worked by hand: the n-th repeat of each key, in row order
        ([7, 3, 7, 7, 3, 1], [0, 0, 1, 2, 1, 0]),
        ([None, 2, None, 2], [None, 0, None, 1]),  # no key, no count
    ],
)
def test_nth_counts_earlier_rows_with_the_same_key(keys, nth):
    assert match._nth(pl.Series(keys, dtype=pl.UInt64)).to_list() == nth


def test_actuals_in_several_chunks_match_as_in_one(tmp_path):
    """Actuals of several files come as a frame of several chunks: matching them gave a polars panic
    (a gather of texts out of bounds) before the actual columns were rechunked. Illustrative data:
    a small synthetic portfolio, plus three actuals concatenated without rechunking (one chunk more);
    worked by hand: the three name no target (unit 999999 is not loaded, the two names are in no
    table), so they are the three unmatched indicators, and the rest match as in one chunk."""
    from benchmarks.pipeline import synthetic_actuals
    from benchmarks.synthetic import generate
    from perfkit.load import load_targets

    generate(tmp_path, 3000, years=2)
    tables, given = load_targets(tmp_path / "targets"), synthetic_actuals(tmp_path)
    last = given.indicators["unit_code"].max()
    strays = given.indicators.head(3).with_columns(
        unit_code=pl.Series(["999999", last, last]), name=pl.Series(["某指标", "不存在的指标", "另一个不存在的指标"])
    )
    chunked = Actuals(given.projects, pl.concat([given.indicators, strays], rechunk=False))
    assert chunked.indicators.n_chunks() > 1
    whole = Actuals(given.projects, chunked.indicators.rechunk())
    apart, together = evaluate(chunked, tables), evaluate(whole, tables)
    assert apart.indicators.equals(together.indicators)
    assert apart.unmatched.equals(together.unmatched)
    assert apart.unmatched.filter(pl.col("kind") == "indicator").height == 3
