"""Matching actuals to targets by unit, project name and indicator name (illustrative tables)."""

from __future__ import annotations

import polars as pl

from perfkit.load import TargetTables
from perfkit.load.actuals import ACTUAL_INDICATOR_COLUMNS, ACTUAL_PROJECT_COLUMNS, Actuals
from perfkit.scoring.match import _one_key, evaluate


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


def _tables(projects: list[dict], indicators: list[dict]) -> TargetTables:
    """Target tables from rows written out by hand (illustrative)."""
    return TargetTables(
        pl.DataFrame(projects, schema_overrides={"year": pl.Int32}),
        pl.DataFrame(indicators, schema_overrides={"seq": pl.Int32}),
    )


def _actuals(projects: list[dict], indicators: list[dict]) -> Actuals:
    """Actuals from rows written out by hand, typed as load_actuals types them (illustrative)."""
    frames = []
    for rows, schema in ((projects, ACTUAL_PROJECT_COLUMNS), (indicators, ACTUAL_INDICATOR_COLUMNS)):
        frame = pl.DataFrame(rows, infer_schema_length=None)
        fill = [pl.lit(None, dtype=t).alias(c) for c, t in schema.items() if c not in frame.columns]
        frames.append(frame.with_columns(fill).select([pl.col(c).cast(t) for c, t in schema.items()]))
    return Actuals(*frames)


def _indicator(project_id: str, unit: str, project: str, name: str, target: str, actual: str | None = None, ref=""):
    row = {"project_id": project_id, "unit_code": unit, "project_name": project, "name": name, "target_raw": target}
    return row | ({"actual_raw": actual, "source_file": "自评.docx", "source_ref": ref} if actual is not None else {})


def _satisfaction(targets: list[str], stated: list[tuple[str, str]]):
    """One project 某项目 whose indicators are all named 满意度: its targets (seq 1, 2, …) and the
    self-evaluation's rows (stated target, actual; 第1行, 第2行, …)."""
    project = {"unit_code": "100001", "unit_name": "某局", "year": 2025, "project_name": "某项目"}
    tables = _tables(
        [project | {"project_id": "p1"}],
        [_indicator("p1", "100001", "某项目", "满意度", t) | {"seq": i} for i, t in enumerate(targets, start=1)],
    )
    rows = [
        _indicator("a1", "100001", "某项目", "满意度", t, a, f"第{i}行") for i, (t, a) in enumerate(stated, start=1)
    ]
    return _actuals([project | {"project_id": "a1"}], rows), tables


def test_repeated_names_are_matched_by_their_target_text_before_their_order():
    """Two 满意度 rows listed in the other order in the self-evaluation: each goes with the target
    its own 年度指标值 restates (worked by hand: ≥90% ← 91%, ≥95% ← 96%), not the n-th with the n-th."""
    given, tables = _satisfaction(["≥90%", "≥95%"], [("≥ 95%", "96%"), ("≥90%", "91%")])
    got = evaluate(given, tables).indicators.select("target_raw", "actual_raw")
    assert got.rows() == [("≥90%", "91%"), ("≥95%", "96%")]


def test_repeated_names_left_over_after_their_texts_go_in_order():
    """Three 满意度 targets and four actuals: two restate a target (≥ 95%, ≥90%), two do not. Worked by
    hand: ≥90% ← 第3行 (91%) and ≥95% ← 第1行 (96%) by text; ≥98% takes the first actual left, 第2行
    (80%); 第4行 (≥99%) goes with no target and is returned as unmatched."""
    given, tables = _satisfaction(
        ["≥90%", "≥95%", "≥98%"], [("≥ 95%", "96%"), ("≥85%", "80%"), ("≥90%", "91%"), ("≥99%", "99%")]
    )
    evaluation = evaluate(given, tables)
    got = evaluation.indicators.select("target_raw", "actual_raw")
    assert got.rows() == [("≥90%", "91%"), ("≥95%", "96%"), ("≥98%", "80%")]
    assert evaluation.unmatched["source_ref"].to_list() == ["第4行"]


def test_keys_too_wide_for_one_number_are_numbered_instead():
    """Three columns of 32-bit numbers do not fit side by side in 64 bits: the rows get the numbers
    of their groups instead (worked by hand: rows 0 and 2 alike, 1 and 3 apart)."""
    big = 2**31
    rows = pl.DataFrame(
        {"a": [big, 5, big, 7], "b": [big, 1, big, 1], "c": [3, big, 3, big]}, schema=dict.fromkeys("abc", pl.UInt32)
    )
    key = _one_key(rows, ["a", "b", "c"])
    assert key[0] == key[2] and key.n_unique() == 3
    assert _one_key(rows, ["b", "c"]).to_list() == [big * 2**32 + 3, 2**32 + big, big * 2**32 + 3, 2**32 + big]


def test_two_projects_of_one_name_in_one_unit_each_take_one_self_evaluation():
    """Two projects named alike in one unit and year (load_actuals numbers the second ``-2``): the
    first goes with the first, the second with the second; neither takes both (worked by hand)."""
    project = {"unit_code": "100001", "unit_name": "某局", "year": 2025, "project_name": "设备购置"}
    tables = _tables(
        [project | {"project_id": "p1"}, project | {"project_id": "p2"}],
        [
            _indicator("p1", "100001", "设备购置", "购置数量", "≥2台") | {"seq": 1},
            _indicator("p2", "100001", "设备购置", "购置数量", "≥5台") | {"seq": 1},
        ],
    )
    given = _actuals(
        [
            {"project_id": "a", "unit_code": "100001", "year": 2025, "project_name": "设备购置", "self_total": 90.0},
            {"project_id": "a-2", "unit_code": "100001", "year": 2025, "project_name": "设备购置", "self_total": 80.0},
        ],
        [
            _indicator("a", "100001", "设备购置", "购置数量", "≥2台", "2台", "表1第5行"),
            _indicator("a-2", "100001", "设备购置", "购置数量", "≥5台", "4台", "表2第5行"),
        ],
    )
    evaluation = evaluate(given, tables)
    assert evaluation.indicators.select("project_id", "actual_raw").rows() == [("p1", "2台"), ("p2", "4台")]
    assert evaluation.projects.select("project_id", "self_total").rows() == [("p1", 90.0), ("p2", 80.0)]
    assert evaluation.unmatched.is_empty()


def test_units_without_codes_are_matched_by_their_names_only():
    """Two units without codes, each with a project 社区服务, 乙街道 loaded first; only 甲街道 filed a
    self-evaluation. Worked by hand: 甲's target (p2) gets 甲's actual; 乙's (p1) gets none (it is not
    judged), where matching by project name alone gave 乙 甲's actual."""
    project = {"unit_code": "", "year": 2025, "project_name": "社区服务"}
    tables = _tables(
        [project | {"project_id": "p1", "unit_name": "乙街道"}, project | {"project_id": "p2", "unit_name": "甲街道"}],
        [
            _indicator("p1", "", "社区服务", "服务人次", "≥100人次") | {"seq": 1},
            _indicator("p2", "", "社区服务", "服务人次", "≥100人次") | {"seq": 1},
        ],
    )
    given = _actuals(
        [{"project_id": "a", "unit_code": "", "unit_name": "甲街道", "year": 2025, "project_name": "社区服务"}],
        [_indicator("a", "", "社区服务", "服务人次", "≥100人次", "120人次", "第3行")],
    )
    got = evaluate(given, tables).indicators.select("project_id", "actual_raw")
    assert got.rows() == [("p1", None), ("p2", "120人次")]


def test_actuals_are_scored_against_the_targets_of_their_own_year():
    """Targets of 2024 and 2025 loaded together, one project name in both: the 2025 self-evaluation
    goes with the 2025 targets (worked by hand: ≥12场 ← 13场); the 2024 project gets no actual."""
    project = {"unit_code": "100001", "unit_name": "某局", "project_name": "文化惠民演出"}
    tables = _tables(
        [project | {"project_id": "p24", "year": 2024}, project | {"project_id": "p25", "year": 2025}],
        [
            _indicator("p24", "100001", "文化惠民演出", "演出场次", "≥10场") | {"seq": 1},
            _indicator("p25", "100001", "文化惠民演出", "演出场次", "≥12场") | {"seq": 1},
        ],
    )
    given = _actuals(
        [{"project_id": "a", "unit_code": "100001", "year": 2025, "project_name": "文化惠民演出"}],
        [_indicator("a", "100001", "文化惠民演出", "演出场次", "≥12场", "13场", "第4行")],
    )
    got = evaluate(given, tables).indicators.select("project_id", "target_raw", "actual_raw")
    assert got.rows() == [("p24", "≥10场", None), ("p25", "≥12场", "13场")]
