"""Tiny target tables written by hand, built through the production assembler.

``make_tables`` takes projects as dicts (only what a test cares about) and indicators as short
tuples ``(project_no, level1, level2, name, description, target_raw)`` with a 1-based
``project_no``. The rows go through :func:`perfkit.load.layout.assemble.assemble`, so merged cells,
``seq`` numbering and the parsing of 指标值 are exactly those of a real load.

``findings_of`` runs one rule through :func:`perfkit.checks.run_checks` (the others switched off,
optionally with parameter overrides) and returns its findings as dicts, each with ``project`` (the
1-based project number) added.

A row whose level 1 is :data:`NO_LEVELS` is a row of a list without level columns (指标名称 |
年初指标值 …): it reaches the rules with no level, as the reader gives it.

``CLEAN`` is a complete, well-formed project on which no rule finds anything: a test changes one
thing in it and expects exactly one kind of finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from perfkit.checks import RULES, run_checks
from perfkit.load import TargetTables
from perfkit.load.layout.assemble import assemble

_FILE = "hand-made"
_CELLS = ["level1", "level2", "name", "description", "target_raw"]

Indicator = tuple[int, str, str | None, str | None, str | None, str | None]
# the level 1 of a row read from a list without level columns (its levels stay null)
NO_LEVELS = object()

# A project that passes every rule: 4.1万元 + 9000元 = 5.0万元 = budget, every output kind
# present, the goal text's 26场 matches the indicator, satisfaction in %.
CLEAN_PROJECT: dict[str, Any] = {"budget_total": 5.0, "goal_text": "开展公益活动不少于26场"}
CLEAN: list[Indicator] = [
    (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "≥26场"),
    (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", "≥95%"),
    (1, "产出指标", "时效指标", "活动完成时限", "自年初起完成全部活动的月数", "≤12个月"),
    (1, "产出指标", "成本指标", "活动经费", "场地、讲师等活动支出", "≤4.1万元"),
    (1, "产出指标", "成本指标", "资料印刷费", "宣传资料印刷支出", "≤9000元"),
    (1, "效益指标", "社会效益指标", "服务妇女儿童人数", "参加活动的妇女儿童人数", "≥3000人"),
    (1, "满意度指标", "服务对象满意度指标", "服务对象满意度", "参加活动群众的满意度", "≥90%"),
]


def project_row(i: int, values: dict[str, Any]) -> dict[str, Any]:
    """One raw project row with defaults; fiscal funds default to the total minus other funds."""
    total = float(values.get("budget_total", 5.0))
    other = float(values.get("budget_other", 0.0))
    row = {
        "unit_code": "100001",
        "unit_name": "示例单位",
        "year": 2025,
        "project_name": f"示例项目{i}",
        "budget_total": total,
        "budget_fiscal": total - other,
        "budget_other": other,
        "purpose": "",
        "goal_text": "",
    }
    row |= values
    for column in ("budget_total", "budget_fiscal", "budget_other"):
        row[column] = float(row[column])
    return row | {"source_file": _FILE, "source_ref": f"表{i}", "_file": _FILE, "_key": i}


def make_tables(projects: Sequence[dict[str, Any]], indicators: Iterable[Sequence[Any]]) -> TargetTables:
    """Build validated tables from hand-written projects and indicator tuples (see module doc)."""
    raw_projects = pl.DataFrame(
        [project_row(i, p) for i, p in enumerate(projects, start=1)],
        schema_overrides={"year": pl.Int32, "purpose": pl.String, "goal_text": pl.String},
    )
    rows = []
    for line, indicator in enumerate(indicators, start=1):
        project_no, *cells = indicator
        assert len(cells) == len(_CELLS), f"indicator tuple needs {len(_CELLS) + 1} fields: {indicator!r}"
        assert 1 <= project_no <= len(projects), f"no project {project_no}: {indicator!r}"
        no_levels = cells[0] is NO_LEVELS
        cells = [None, None, *cells[2:]] if no_levels else cells
        rows.append(
            {"_file": _FILE, "_key": project_no, **dict(zip(_CELLS, cells, strict=True))}
            | {"source_ref": f"第{line}行", "_no_levels": no_levels}
        )
    schema = {
        "_file": pl.String, "_key": pl.Int64, **dict.fromkeys(_CELLS, pl.String), "source_ref": pl.String,
        "_no_levels": pl.Boolean,
    }  # fmt: skip
    raw_indicators = pl.DataFrame(rows, schema=schema)
    return TargetTables(*assemble(raw_projects, raw_indicators))


def findings_of(tables: TargetTables, rule_id: str, **overrides: Any) -> list[dict[str, Any]]:
    """The findings of ``rule_id`` from :func:`run_checks` with ``overrides`` for that rule.

    Every other rule is switched off (``enabled: False``), so a test sees one rule at work and a
    failure in an unrelated rule does not fail it.
    """
    settings: dict[str, dict[str, Any]] = {rid: {"enabled": False} for rid in RULES if rid != rule_id}
    findings = run_checks(tables, settings | {rule_id: overrides})
    number = {pid: i for i, pid in enumerate(tables.projects["project_id"], start=1)}
    return [
        row | {"project": number[row["project_id"]]}
        for row in findings.filter(pl.col("rule_id") == rule_id).iter_rows(named=True)
    ]


def places(findings: list[dict[str, Any]]) -> list[tuple[int, int | None]]:
    """``(project, seq)`` of each finding in report order (project-level findings have seq None)."""
    return [(f["project"], f["seq"]) for f in findings]


def clean_with(*changes: tuple[int, Sequence[Any] | None], extra: Iterable[Sequence[Any]] = ()) -> list[Indicator]:
    """``CLEAN`` with row ``seq`` replaced (or removed when the new row is None), then ``extra`` appended."""
    rows: list[Any] = list(CLEAN)
    for seq, row in changes:
        rows[seq - 1] = row
    return [r for r in rows if r is not None] + list(extra)
