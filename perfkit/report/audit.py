"""What one unit's audit found, as the unit notebook, workbook and index show it.

:class:`UnitAudit` holds the unit's targets, review findings, scorecard, provenance, review
decisions and sample (:func:`perfkit.run.unit.audit_unit` fills it); the functions below put its
figures into short Chinese lines and a JSON record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from perfkit.checks import RULES
from perfkit.labels import REVIEW_STATUS_LABELS, SEVERITY_LABELS
from perfkit.load import TargetTables
from perfkit.review.attach import ReviewState, decision_counts, no_review, with_decisions
from perfkit.review.sample import Sample
from perfkit.scoring import Scorecard
from perfkit.scoring.rescoring import RESCORING_RULES

RULE_TITLES = {rid: r.title for rid, r in (RULES | RESCORING_RULES).items()}


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


def mean_total_text(scores: pl.DataFrame, unit: str = "") -> str:
    """平均复核得分 as people read it: the mean over the projects that have a total, and how many wait
    for a person (their total is empty); ``无`` where none has one."""
    mean, waiting = scores["total"].mean(), scores["total"].null_count()
    text = "无" if mean is None else f"{mean:.2f}{unit}"
    return text + (f"（{waiting} 个项目得分待人工判断，未计入）" if waiting else "")


def score_lines(scores: pl.DataFrame) -> list[str]:
    """One line per project: perfkit's total and grade beside the unit's own, or why there is none
    yet (indicators left to a person, or execution that cannot be scored)."""
    lines = []
    for row in scores.iter_rows(named=True):
        if row["total"] is None:
            waiting = f"{row['unscored']} 项指标" if row.get("unscored") else "预算执行率"
            rescored = f"待人工判断（{waiting}无法评分）"
        else:
            rescored = f"{row['total']:.2f}（{row['grade']}）"
        lines.append(f"{row['project_name']}：复核 {rescored}，自评 {row['self_total']}")
    return lines


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
        lines.append(f"平均复核得分：{mean_total_text(audit.scorecard.project_scores)}")
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
