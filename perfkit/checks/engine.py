"""Run the rule catalogue over loaded tables and return one findings table (see CONTRACT.md)."""

from __future__ import annotations

import hashlib
from typing import Any

import polars as pl

from perfkit.checks.registry import RULES
from perfkit.errors import InputError
from perfkit.load import TargetTables

FINDING_COLUMNS = [
    "finding_id",
    "rule_id",
    "severity",
    "unit_code",
    "project_id",
    "seq",
    "message",
    "evidence",
    "basis",
]
_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def rule_catalogue() -> pl.DataFrame:
    """The catalogue as a table: id, title, severity, criterion, basis and default parameters."""
    return pl.DataFrame(
        [
            {
                "rule_id": r.id,
                "title": r.title,
                "severity": r.severity,
                "criterion": r.criterion,
                "basis": r.basis,
                "params": ", ".join(f"{k}={v}" for k, v in r.params.items()),
            }
            for r in RULES.values()
        ]
    )


def resolve_settings(overrides: dict[str, Any] | None, source: str = "params") -> dict[str, dict[str, Any]]:
    """Merge user overrides (``{rule_id: {"enabled": bool, param: value}}``) into the defaults.

    Unknown rule ids, unknown parameters and values of the wrong type are an :class:`InputError`.
    """
    settings = {rid: {"enabled": True, **r.params} for rid, r in RULES.items()}
    for rid, values in (overrides or {}).items():
        if rid not in settings:
            raise InputError(source, f"checks.{rid}", f"未知的规则编号（可用：{', '.join(RULES)}）")
        for key, value in (values or {}).items():
            if key not in settings[rid]:
                raise InputError(source, f"checks.{rid}.{key}", f"规则没有此参数（可用：{', '.join(settings[rid])}）")
            default = settings[rid][key]
            numeric = isinstance(default, (int, float)) and not isinstance(default, bool)
            ok = (
                isinstance(value, (int, float)) and not isinstance(value, bool)
                if numeric
                else isinstance(value, type(default))
            )
            if not ok:
                raise InputError(source, f"checks.{rid}.{key}", f"应为 {type(default).__name__}，得到 {value!r}")
            settings[rid][key] = value
    return settings


def run_checks(tables: TargetTables, overrides: dict[str, Any] | None = None, source: str = "params") -> pl.DataFrame:
    """Run every enabled rule; returns the findings sorted by unit, project, seq and rule.

    ``finding_id`` is a fingerprint of the rule, the project, the indicator's name and the
    evidence, so the same defect gets the same id on every run. Does not mutate ``tables``.
    """
    settings = resolve_settings(overrides, source)
    parts = []
    for rid, rule in RULES.items():
        params = settings[rid]
        if not params["enabled"]:
            continue
        found = rule.check(tables, {k: v for k, v in params.items() if k != "enabled"})
        parts.append(found.with_columns(rule_id=pl.lit(rid), severity=pl.lit(rule.severity), basis=pl.lit(rule.basis)))
    schema = {"project_id": pl.String, "seq": pl.Int32, "message": pl.String, "evidence": pl.String}
    findings = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame(schema=schema)
    position = tables.projects.select("project_id", "unit_code").with_row_index("_project_order")
    names = tables.indicators.select(
        "project_id",
        "seq",
        pl.concat_str(pl.col("level2").fill_null(""), pl.col("name").fill_null(""), separator="/").alias("_name"),
    )
    findings = findings.join(position, on="project_id", how="left").join(names, on=["project_id", "seq"], how="left")
    # the fingerprint leaves out seq, so adding or reordering rows keeps the ids of other findings;
    # identical indicators (same group, name and evidence) are told apart by their order
    key = ["rule_id", "project_id", "_name", "evidence"]
    findings = findings.with_columns(pl.col("_name").fill_null("")).sort("_project_order", "seq", nulls_last=False)
    findings = findings.with_columns(_repeat=pl.int_range(pl.len()).over(key))
    keys = findings.select(*key, "_repeat").rows()
    ids = [hashlib.sha1("|".join(map(str, k)).encode()).hexdigest()[:12] for k in keys]
    findings = findings.with_columns(finding_id=pl.Series(ids, dtype=pl.String))
    order = pl.col("severity").replace_strict(_SEVERITY_ORDER, return_dtype=pl.Int8)
    return findings.sort(["_project_order", "seq", order, "rule_id"], nulls_last=False).select(FINDING_COLUMNS)
