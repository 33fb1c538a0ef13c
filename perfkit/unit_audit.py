"""One unit's audit end to end — the package call behind the unit notebook.

:func:`audit_unit` loads the unit's targets (and actuals, if any), reviews them, scores them and
re-checks the self-evaluation, and records provenance; the notebook only narrates the result
and :mod:`perfkit.workbook` writes it as the audit working paper (审计工作底稿).
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

import polars as pl

from perfkit.checks import RULES, run_checks, year_over_year
from perfkit.checks.registry import SEVERITIES
from perfkit.errors import InputError
from perfkit.labels import REVIEW_STATUS_LABELS, SEVERITY_LABELS
from perfkit.load import TargetTables, load_targets, source_files
from perfkit.load.actuals import Actuals, load_actuals
from perfkit.rescoring import RESCORING_RULES
from perfkit.review.attach import ReviewState, decision_counts, no_review, review_state, with_decisions
from perfkit.sample import Sample, sample_unit
from perfkit.scorecard import Scorecard, score
from perfkit.scoring_params import scoring_params

RULE_TITLES = {rid: r.title for rid, r in (RULES | RESCORING_RULES).items()}
_LIBRARIES = ("perfkit", "polars", "pandas", "pandera", "papermill", "matplotlib", "xlsxwriter", "python-docx")


@dataclass(frozen=True)
class UnitAudit:
    """Everything the unit notebook and workbook show."""

    unit_code: str
    unit_name: str
    year: int
    targets: TargetTables
    review_findings: pl.DataFrame
    scorecard: Scorecard | None
    provenance: list[tuple[str, str]] = field(default_factory=list)
    review: ReviewState = field(default_factory=no_review)
    sample: Sample | None = None

    @property
    def findings(self) -> pl.DataFrame:
        """Review findings followed by re-scoring findings, with each rule's Chinese title."""
        parts = [self.review_findings] + ([self.scorecard.findings] if self.scorecard else [])
        return pl.concat(parts).with_columns(rule_title=pl.col("rule_id").replace_strict(RULE_TITLES, default=None))

    @property
    def reviewed_findings(self) -> pl.DataFrame:
        """:attr:`findings` with each one's current decision (复核状态 …); new findings are 待复核."""
        return with_decisions(self.findings, self.review)

    @property
    def decision_counts(self) -> dict[str, int]:
        """Findings per review status (``review_open`` …) and findings resolved since earlier runs."""
        return decision_counts(self.findings, self.review)

    @property
    def overview(self) -> pl.DataFrame:
        """One row per project: budget, scores, grade and findings by severity."""
        projects = self.targets.projects.select("project_id", "project_name", "budget_total")
        counts = (
            self.findings.filter(pl.col("project_id").is_not_null())
            .group_by("project_id")
            .agg(*[(pl.col("severity") == s).sum().alias(f"findings_{s}") for s in ("high", "medium", "low")])
        )
        frame = projects.join(counts, on="project_id", how="left", maintain_order="left").with_columns(
            pl.col("^findings_.*$").fill_null(0)
        )
        if self.scorecard is not None:
            scores = self.scorecard.project_scores.select("project_id", "total", "grade", "self_total")
            frame = frame.join(scores, on="project_id", how="left", maintain_order="left")
        return frame


def _unit_only(tables: TargetTables, unit_code: str, year: int) -> tuple[TargetTables, TargetTables]:
    """The unit's targets of every loaded year, and those of the audited ``year``."""
    projects = tables.projects.filter(unit_code=unit_code)
    if projects.height == 0:
        raise InputError(unit_code, "unit_code", "绩效目标表中没有该单位的项目")
    audited = projects.filter(year=year)
    if audited.height == 0:
        raise InputError(unit_code, "year", f"绩效目标表中没有该单位{year}年的项目")

    def of(chosen: pl.DataFrame) -> TargetTables:
        return TargetTables(
            chosen, tables.indicators.filter(pl.col("project_id").is_in(chosen["project_id"].implode()))
        )

    return of(projects), of(audited)


def _review(all_years: TargetTables, audited: TargetTables, checks: dict | None) -> pl.DataFrame:
    """The review rules on the audited year; the year-over-year ones over every loaded year of the unit.

    Of the year-over-year findings those about the audited year's projects are kept (each rule
    reports on the later year's project, a dropped indicator included). The other rules stay on
    the audited year: pooled with earlier years, a rule counting the unit's projects or comparing
    peers would see projects that are not audited. Rows are in the engine's order (project, seq,
    severity, rule).
    """
    overrides = checks or {}
    yoy = [rid for rid, r in RULES.items() if r.check.__module__ == year_over_year.__name__]
    off = {rid: {"enabled": False} for rid in RULES if rid not in yoy}
    findings = pl.concat(
        [
            run_checks(audited, overrides | {rid: {"enabled": False} for rid in yoy}),
            run_checks(all_years, overrides | off).filter(
                pl.col("project_id").is_in(audited.projects["project_id"].implode())
            ),
        ]
    )
    order = audited.projects.select("project_id").with_row_index("_project")
    severity = pl.col("severity").replace_strict({s: i for i, s in enumerate(SEVERITIES)}, return_dtype=pl.Int8)
    return (
        findings.join(order, on="project_id", how="left", maintain_order="left")
        .sort(["_project", "seq", severity, "rule_id"], nulls_last=False, maintain_order=True)
        .drop("_project")
    )


def provenance(params: dict[str, Any], files: list) -> list[tuple[str, str]]:
    """What a reviewer needs to reproduce the run: inputs with SHA-256, versions, parameters, time."""
    import json

    rows = [("运行时间（UTC）", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
            ("Python", platform.python_version())]  # fmt: skip
    rows += [(name, version(name)) for name in _LIBRARIES]
    rows += [(f"输入文件 {p.name}", f"sha256:{hashlib.sha256(p.read_bytes()).hexdigest()}") for p in files]
    rows.append(("参数", json.dumps(params, ensure_ascii=False, sort_keys=True)))
    return rows


def audit_unit(
    unit_code: str,
    year: int,
    targets: list[str],
    actuals: list[str] | None = None,
    checks: dict | None = None,
    scoring: dict | None = None,
    rescoring: dict | None = None,
    sample: dict | None = None,
    review_store: str | None = None,
) -> UnitAudit:
    """Load, review, score and re-check one unit, draw its sample; raises :class:`InputError` on bad input.

    With a ``review_store`` (a SQLite file, see :mod:`perfkit.review.store`) the run's findings are
    recorded there and shown with their current decisions; without one every finding is 待复核.
    """
    all_years, tables = _unit_only(load_targets(*targets), unit_code, year)
    review = _review(all_years, tables, checks)
    card = None
    if actuals:
        loaded = load_actuals(*actuals)
        mine = Actuals(loaded.projects.filter(unit_code=unit_code), loaded.indicators.filter(unit_code=unit_code))
        card = score(mine, tables, scoring_params(scoring), rescoring)
    params = {"unit_code": unit_code, "year": year, "checks": checks or {}, "scoring": scoring or {},
              "rescoring": rescoring or {}, "sample": sample or {}}  # fmt: skip
    files = source_files([*targets, *(actuals or [])])
    unit_name = tables.projects["unit_name"][0] or ""
    audit = UnitAudit(unit_code, unit_name, year, tables, review, card, provenance(params, files))
    drawn = sample_unit(tables.projects, tables.indicators, audit.findings, unit_code, year, sample)
    return replace(audit, review=review_state(audit.findings, unit_code, year, review_store), sample=drawn)


def summary_lines(audit: UnitAudit) -> list[str]:
    """The unit overview as short Chinese lines (what the notebook prints and nbval compares)."""
    overview, findings = audit.overview, audit.findings
    severity = {s: int((findings["severity"] == s).sum()) for s in ("high", "medium", "low")}
    lines = [
        f"单位：{audit.unit_code} {audit.unit_name}（{audit.year}年度）",
        f"项目：{overview.height} 个，预算合计 {overview['budget_total'].sum():.2f} 万元",
        f"审核发现：{findings.height} 个（高 {severity['high']}，中 {severity['medium']}，低 {severity['low']}）",
    ]
    if audit.scorecard is not None:
        grades = audit.scorecard.project_scores["grade"].drop_nulls().value_counts().sort("grade")
        lines.append(f"平均复核得分：{audit.scorecard.project_scores['total'].mean():.2f}")
        lines.append("等级分布：" + "，".join(f"{g} {n} 个" for g, n in grades.iter_rows()))
    return [*lines, review_lines(audit)[0]]


def review_lines(audit: UnitAudit) -> list[str]:
    """Decision counts in Chinese: one line over all (待复核, 已确认, 已排除, 误报, 已消除), then per status by severity."""
    counts = audit.decision_counts
    where = "" if audit.review.store else "（未使用复核库）"
    lines = [
        f"复核：待复核 {counts['review_open']}，已确认 {counts['review_confirmed']}，"
        f"已排除 {counts['review_dismissed']}，误报 {counts['review_false_positive']}；"
        f"已消除 {counts['review_resolved']}{where}"
    ]
    reviewed = audit.reviewed_findings
    for status, label in REVIEW_STATUS_LABELS.items():
        mine = reviewed.filter(review_status=status)
        if mine.height:
            by = [f"{SEVERITY_LABELS[s]} {(mine['severity'] == s).sum()}" for s in SEVERITY_LABELS]
            lines.append(f"{label}：" + "，".join(by))
    return lines


def summary_record(audit: UnitAudit) -> dict[str, Any]:
    """Key figures of the unit as plain JSON types, for the index of a run over many units."""
    findings = audit.findings
    record: dict[str, Any] = {
        "unit_code": audit.unit_code,
        "unit_name": audit.unit_name,
        "year": audit.year,
        "projects": audit.targets.projects.height,
        "budget_total": round(float(audit.targets.projects["budget_total"].sum()), 4),
        "findings_high": int((findings["severity"] == "high").sum()),
        "findings_medium": int((findings["severity"] == "medium").sum()),
        "findings_low": int((findings["severity"] == "low").sum()),
        "mean_total": None,
        "grades": {},
        **audit.decision_counts,
    }
    if audit.scorecard is not None:
        scores = audit.scorecard.project_scores
        mean = scores["total"].mean()
        record["mean_total"] = round(float(mean), 4) if mean is not None else None
        record["grades"] = dict(scores["grade"].drop_nulls().value_counts().sort("grade").iter_rows())
    return record
