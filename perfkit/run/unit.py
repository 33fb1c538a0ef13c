"""One unit's audit end to end — the package call behind the unit notebook.

:func:`audit_unit` loads the unit's targets (and actuals, if any), reviews them, scores them and
re-checks the self-evaluation, and records provenance into a :class:`~perfkit.report.audit.UnitAudit`;
the notebook only narrates it and :mod:`perfkit.report.workbook` writes it as the audit working
paper (审计工作底稿).
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from typing import Any

import polars as pl

from perfkit.checks import RULES, run_checks, year_over_year
from perfkit.checks.registry import SEVERITIES
from perfkit.errors import InputError
from perfkit.load import TargetTables, load_targets, source_files
from perfkit.load.actuals import Actuals, load_actuals
from perfkit.load.layout.assemble import apply_unit_code
from perfkit.report.audit import UnitAudit
from perfkit.review.attach import review_state
from perfkit.review.sample import sample_unit
from perfkit.run.params import unit_key
from perfkit.scoring import score
from perfkit.scoring.params import scoring_params
from perfkit.text import squashed

_LIBRARIES = ("perfkit", "polars", "pandas", "pandera", "papermill", "matplotlib", "xlsxwriter", "python-docx")


def _named(frame: pl.DataFrame, unit_name: str) -> pl.Expr:
    """The rows of a unit without a code: no code, and its name (compared without whitespace and punctuation)."""
    wanted = pl.DataFrame({"n": [unit_name]}).select(squashed("n")).item()
    return (pl.col("unit_code") == "") & (squashed("unit_name") == wanted)


def _unit_only(
    tables: TargetTables, unit_code: str, year: int, unit_name: str = ""
) -> tuple[TargetTables, TargetTables]:
    """The unit's targets of every loaded year, and those of the audited ``year``; a document
    without a unit code is taken as the unit's (its code comes from the params file). A unit
    without a code (``unit_code`` empty) is the projects without a code that name ``unit_name``."""
    if unit_code:
        tables = TargetTables(*apply_unit_code(tables.projects, tables.indicators, unit_code))
        projects = tables.projects.filter(unit_code=unit_code)
    else:
        projects = tables.projects.filter(_named(tables.projects, unit_name))
    if projects.height == 0 and not unit_code:
        raise InputError(unit_name, "unit_name", f"绩效目标表中没有单位“{unit_name}”（无单位编码）的项目")
    if projects.height == 0:
        found = "、".join(sorted(set(tables.projects["unit_code"]))) or "无"
        raise InputError(
            unit_code,
            "unit_code",
            f"绩效目标表中没有该单位的项目（参数文件的单位编码{unit_code}，表中的单位编码{found}）",
        )
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


@cache
def _versions() -> list[tuple[str, str]]:
    """The libraries' versions, looked up once per process (a warm kernel runs unit after unit)."""
    return [(name, version(name)) for name in _LIBRARIES]


def provenance(params: dict[str, Any], files: list) -> list[tuple[str, str]]:
    """What a reviewer needs to reproduce the run: inputs with SHA-256, versions, parameters, time."""
    import json

    rows = [("运行时间（UTC）", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")),
            ("Python", platform.python_version())]  # fmt: skip
    rows += _versions()
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
    unit_name: str = "",
) -> UnitAudit:
    """Load, review, score and re-check one unit, draw its sample; raises :class:`InputError` on bad input.

    With a ``review_store`` (a SQLite file, see :mod:`perfkit.review.store`) the run's findings are
    recorded there and shown with their current decisions; without one every finding is 待复核.
    """
    all_years, tables = _unit_only(load_targets(*targets), unit_code, year, unit_name)
    review = _review(all_years, tables, checks)
    card = None
    if actuals:
        loaded = load_actuals(*actuals)
        if unit_code:
            loaded = Actuals(*apply_unit_code(loaded.projects, loaded.indicators, unit_code))
            mine = Actuals(loaded.projects.filter(unit_code=unit_code), loaded.indicators.filter(unit_code=unit_code))
        else:
            chosen = loaded.projects.filter(_named(loaded.projects, unit_name))
            ids = chosen["project_id"].implode()
            mine = Actuals(chosen, loaded.indicators.filter(pl.col("project_id").is_in(ids)))
        card = score(mine, tables, scoring_params(scoring), rescoring)
    params = {"unit_code": unit_code, "year": year, "checks": checks or {}, "scoring": scoring or {},
              "rescoring": rescoring or {}, "sample": sample or {}}  # fmt: skip
    files = source_files([*targets, *(actuals or [])])
    if not unit_code:
        params["unit_name"] = unit_name
    name = tables.projects["unit_name"][0] or ""
    audit = UnitAudit(unit_code, name, year, tables, review, card, provenance(params, files))
    key = unit_key(unit_code, unit_name)  # a unit without a code is kept in the review store by its name
    drawn = sample_unit(tables.projects, tables.indicators, audit.findings, key, year, sample)
    return replace(audit, review=review_state(audit.findings, key, year, review_store), sample=drawn)
