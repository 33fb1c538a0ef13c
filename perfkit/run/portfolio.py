"""The portfolio of a run over many units: one table set across all units.

Each unit folder of a batch holds ``summary.json``, ``findings.parquet`` and (with actuals)
``project_scores.parquet``; :func:`read_portfolio` stacks them into a
:class:`~perfkit.report.portfolio.Portfolio`, which :mod:`perfkit.report.portfolio` writes as the
cross-unit working paper.

The 异常分析 rules (outliers against peers, copy-paste, year over year) see only one unit when
its notebook runs; the portfolio runs them again over the targets of every unit of the run (all
years, read through the run's manifest and parameter files) and puts those cross-unit findings in
place of the per-unit ones, in the rule × unit counts, on a sheet of their own and in
``cross_unit_findings.parquet`` (whose counts per unit the index reads).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from perfkit.report.portfolio import CROSS_UNIT_FILE, Portfolio

ANOMALY_CRITERION = "异常分析"


def _unit_folders(root: Path) -> list[Path]:
    # a staging folder (.partial-…) beside the unit folders is never a unit
    return sorted(p.parent for p in root.glob("*/summary.json") if not p.parent.name.startswith("."))


def run_unit_params(root: str | Path) -> list[dict[str, Any]]:
    """The validated parameters of every unit that ran successfully in the batch at ``root`` (its manifest)."""
    from perfkit.run.manifest import read_manifest
    from perfkit.run.params import read_unit_params

    records = read_manifest(Path(root))["units"].values()
    files = sorted({r["params_file"] for r in records if r.get("status") == "ok" and r.get("params_file")})
    return [read_unit_params(f) for f in files]


def run_targets(root: str | Path) -> Any:
    """The targets of every unit of the run, all years loaded (``TargetTables``), or ``None`` without a manifest."""
    from perfkit.load import TargetTables, load_targets

    params = run_unit_params(root)
    if not params:
        return None
    tables = load_targets(*dict.fromkeys(path for p in params for path in p["targets"]))
    units = pl.Series([p["unit_code"] for p in params]).implode()
    projects = tables.projects.filter(pl.col("unit_code").is_in(units))
    return TargetTables(
        projects, tables.indicators.filter(pl.col("project_id").is_in(projects["project_id"].implode()))
    )


def run_projects(root: str | Path) -> pl.DataFrame:
    """``unit_code, year`` of each unit as audited in the run (its parameter file's year)."""
    params = run_unit_params(root)
    return pl.DataFrame(
        {"unit_code": [p["unit_code"] for p in params], "year": [int(p["year"]) for p in params]},
        schema={"unit_code": pl.String, "year": pl.Int32},
    )


def anomaly_rules() -> list[str]:
    """Ids of the 异常分析 rules: those that compare across projects, units and years."""
    from perfkit.checks import RULES

    return [rid for rid, r in RULES.items() if r.criterion == ANOMALY_CRITERION]


def cross_unit_findings(tables: Any, checks: dict[str, Any] | None = None) -> pl.DataFrame:
    """The 异常分析 rules over all of ``tables`` at once, with each rule's title (``rule_title``)."""
    from perfkit.checks import RULES, run_checks

    mine = anomaly_rules()
    settings = {rid: {"enabled": False} for rid in RULES if rid not in mine} | (checks or {})
    titles = {rid: RULES[rid].title for rid in mine}
    return run_checks(tables, settings).with_columns(rule_title=pl.col("rule_id").replace_strict(titles))


def read_units(root: str | Path, cross_unit: pl.DataFrame | None = None) -> pl.DataFrame:
    """One row per unit folder of ``root`` (its ``summary.json``), with the folder and report paths.

    ``findings_cross_unit`` counts the cross-unit findings per unit: those given, or else those
    written beside the folders by an earlier :func:`write_portfolio_workbook` (none: no column).
    """
    records = []
    for folder in _unit_folders(Path(root)):
        record = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        record["grades"] = "，".join(f"{g}{n}" for g, n in record["grades"].items())
        record["folder"] = folder.name
        # the files are named as the folder: the unit code, or the name of a unit without one
        record["report"] = f"{folder.name}/{folder.name}.html"
        record["workbook"] = f"{folder.name}/{folder.name}-审计底稿.xlsx"
        records.append(record)
    units = pl.DataFrame(records) if records else pl.DataFrame()
    file = Path(root) / CROSS_UNIT_FILE
    if cross_unit is None and file.exists():
        cross_unit = pl.read_parquet(file)
    if units.height and cross_unit is not None and cross_unit.columns:
        # per unit and year where the findings carry their year (a unit audited for several years)
        on = ["unit_code", "year"] if "year" in cross_unit.columns and "year" in units.columns else ["unit_code"]
        counts = cross_unit.group_by(on).agg(pl.len().cast(pl.Int64).alias("findings_cross_unit"))
        units = units.join(counts, on=on, how="left", maintain_order="left").with_columns(
            pl.col("findings_cross_unit").fill_null(0)
        )
    return units


def read_portfolio(root: str | Path) -> Portfolio:
    """Stack the tables of every unit folder in ``root`` (folders sorted by unit code)."""
    root = Path(root)
    scores, findings = [], []
    for folder in _unit_folders(root):
        if (folder / "project_scores.parquet").exists():
            scores.append(pl.read_parquet(folder / "project_scores.parquet"))
        if (folder / "findings.parquet").exists():
            findings.append(pl.read_parquet(folder / "findings.parquet"))
    stacked = pl.concat(findings, how="diagonal_relaxed") if findings else pl.DataFrame()
    tables = run_targets(root)
    cross = pl.DataFrame()
    if tables is not None:
        # earlier years are loaded for comparison; findings are kept for the audited year only
        audited = tables.projects.join(run_projects(root), on=["unit_code", "year"])["project_id"].implode()
        cross = cross_unit_findings(tables).filter(pl.col("project_id").is_in(audited))
        years = tables.projects.select("project_id", pl.col("year").cast(pl.Int64))
        cross = cross.join(years, on="project_id", how="left", maintain_order="left")
        if stacked.height:  # the per-unit runs saw one unit each: the cross-unit findings replace them
            stacked = pl.concat(
                [stacked.filter(~pl.col("rule_id").is_in(anomaly_rules())), cross], how="diagonal_relaxed"
            )
    return Portfolio(
        read_units(root, cross).drop("folder", strict=False),
        pl.concat(scores, how="diagonal_relaxed") if scores else pl.DataFrame(),
        stacked,
        cross,
    )


def write_run_index(root: str | Path) -> Path:
    """Write the index (``index.html``, ``index.csv``) of the unit folders in ``root``; returns the HTML path."""
    from perfkit.report.index import write_index

    return write_index(Path(root), read_units(root))
