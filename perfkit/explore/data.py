"""What an exploration opens: targets, every finding, self-evaluations and scores — from source
files (the bundled data) or from the output folder of a batch run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from perfkit.checks import RULES, run_checks
from perfkit.load import TargetTables, load_targets
from perfkit.load.actuals import Actuals, load_actuals

CRITERIA = {rid: r.criterion for rid, r in RULES.items()}


@dataclass(frozen=True)
class Exploration:
    """The tables an auditor explores: ``findings`` carry ``rule_title``, ``criterion`` and ``project_name``."""

    tables: TargetTables
    findings: pl.DataFrame
    actuals: Actuals | None = None
    project_scores: pl.DataFrame = field(default_factory=pl.DataFrame)
    indicator_scores: pl.DataFrame = field(default_factory=pl.DataFrame)


def _paths(value: str | Path | Sequence[str | Path] | None) -> list[str]:
    if value is None or value == "":
        return []
    return [str(value)] if isinstance(value, (str, Path)) else [str(v) for v in value]


def _described(findings: pl.DataFrame, projects: pl.DataFrame) -> pl.DataFrame:
    from perfkit.report.audit import RULE_TITLES

    return findings.with_columns(
        rule_title=pl.col("rule_id").replace_strict(RULE_TITLES, default=None),
        criterion=pl.col("rule_id").replace_strict(CRITERIA, default="评分复核"),
    ).join(projects.select("project_id", "project_name"), on="project_id", how="left", maintain_order="left")


def open_sources(
    targets: str | Path | Sequence[str | Path],
    actuals: str | Path | Sequence[str | Path] | None = None,
    checks: dict[str, Any] | None = None,
    scoring: dict[str, Any] | None = None,
) -> Exploration:
    """Load targets (and actuals), run every review rule over all of them at once, score if actuals are given.

    All units and years are checked together, so the 异常分析 rules see every peer and year.
    """
    from perfkit.scoring import score
    from perfkit.scoring.params import scoring_params

    tables = load_targets(*_paths(targets))
    parts = [run_checks(tables, checks)]
    loaded, project_scores, indicator_scores = None, pl.DataFrame(), pl.DataFrame()
    if _paths(actuals):
        loaded = load_actuals(*_paths(actuals))
        card = score(loaded, tables, scoring_params(scoring))
        parts.append(card.findings)
        project_scores, indicator_scores = card.project_scores, card.indicator_scores
    findings = _described(pl.concat(parts, how="diagonal_relaxed"), tables.projects)
    return Exploration(tables, findings, loaded, project_scores, indicator_scores)


def open_batch(batch_dir: str | Path) -> Exploration:
    """A batch run's output: the findings the units' notebooks wrote, with the 异常分析 findings
    recomputed across all units (as in the portfolio), and the units' targets and actuals reloaded
    through the run's parameter files for the project views."""
    from perfkit.run.portfolio import read_portfolio, run_targets, run_unit_params

    portfolio = read_portfolio(batch_dir)
    tables = run_targets(batch_dir)
    if tables is None:
        raise FileNotFoundError(f"{batch_dir}: 没有批量运行清单（manifest.json）或没有成功的单位")
    actual_paths = list(dict.fromkeys(path for p in run_unit_params(batch_dir) for path in p["actuals"]))
    loaded = load_actuals(*actual_paths) if actual_paths else None
    findings = _described(portfolio.findings.drop("rule_title", strict=False), tables.projects)
    return Exploration(tables, findings, loaded, portfolio.project_scores)


def overview_lines(exploration: Exploration) -> list[str]:
    """Units, projects, years and findings by criterion, as short Chinese lines."""
    projects, findings = exploration.tables.projects, exploration.findings
    years = "、".join(str(y) for y in sorted(projects["year"].unique().drop_nulls()))
    by_criterion = findings.group_by("criterion").len().sort("len", "criterion", descending=[True, False])
    lines = [
        f"单位：{projects['unit_code'].n_unique()} 个；项目：{projects.height} 个；年度：{years}",
        f"指标：{exploration.tables.indicators.height} 条；审核发现：{findings.height} 个",
        "按审核要点：" + "，".join(f"{c} {n}" for c, n in by_criterion.iter_rows()),
    ]
    if exploration.actuals is not None:
        lines.append(f"自评表：{exploration.actuals.projects.height} 个项目")
    return lines
