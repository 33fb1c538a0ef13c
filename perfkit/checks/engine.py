"""Run the rule catalogue over loaded tables and return one findings table (see docs/contract.md)."""

from __future__ import annotations

from typing import Any

import polars as pl
import polars_hash

from perfkit.checks.registry import RULES, Rule
from perfkit.errors import InputError
from perfkit.load import TargetTables, annual_indicators

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


def resolve_settings(
    overrides: dict[str, Any] | None, source: str = "params", rules: dict[str, Rule] = RULES, section: str = "checks"
) -> dict[str, dict[str, Any]]:
    """Merge user overrides (``{rule_id: {"enabled": bool, param: value}}``) into the defaults.

    Unknown rule ids, unknown parameters and values of the wrong type are an :class:`InputError`.
    """
    settings = {rid: {"enabled": True, **r.params} for rid, r in rules.items()}
    for rid, values in (overrides or {}).items():
        if rid not in settings:
            raise InputError(source, f"{section}.{rid}", f"未知的规则编号（可用：{', '.join(rules)}）")
        if not isinstance(values, dict):
            raise InputError(source, f"{section}.{rid}", "应是键值映射，如 {enabled: false}")
        for key, value in values.items():
            if key not in settings[rid]:
                raise InputError(
                    source, f"{section}.{rid}.{key}", f"规则没有此参数（可用：{', '.join(settings[rid])}）"
                )
            default = settings[rid][key]
            numeric = isinstance(default, (int, float)) and not isinstance(default, bool)
            # a count (int default) takes an int only: 1e308 or 2.5 as a count is a TypeError later
            kinds = int if isinstance(default, int) else (int, float)
            ok = (
                isinstance(value, kinds) and not isinstance(value, bool) and value == value  # NaN is no threshold
                if numeric
                else isinstance(value, type(default))
                # a list takes items of the default's kind (names stay names, not numbers)
                and not (
                    isinstance(default, list) and default and any(not isinstance(v, type(default[0])) for v in value)
                )
            )
            if not ok:
                raise InputError(source, f"{section}.{rid}.{key}", f"应为 {type(default).__name__}，得到 {value!r}")
            settings[rid][key] = value
    return settings


def run_rules(
    rules: dict[str, Rule],
    context: Any,
    settings: dict[str, dict[str, Any]],
    projects: pl.DataFrame,
    indicators: pl.DataFrame,
) -> pl.DataFrame:
    """Run every enabled rule of ``rules`` on ``context`` and give the findings ids and order.

    ``projects`` (``project_id``, ``unit_code``, in display order) and ``indicators``
    (``project_id``, ``seq``, ``level2``, ``name``) name the places the findings point at.
    ``finding_id`` is a fingerprint of the rule, the project, the indicator's group and name and
    the evidence — not of row numbers — so the same defect gets the same id on every run.
    """
    return _identified(_found(rules, context, settings), projects, indicators)


def _found(rules: dict[str, Rule], context: Any, settings: dict[str, dict[str, Any]]) -> list[pl.DataFrame]:
    """What each enabled rule finds in ``context``, with the rule's id, severity and basis."""
    parts = []
    for rid, rule in rules.items():
        params = settings[rid]
        if not params["enabled"]:
            continue
        found = rule.check(context, {k: v for k, v in params.items() if k != "enabled"})
        parts.append(found.with_columns(rule_id=pl.lit(rid), severity=pl.lit(rule.severity), basis=pl.lit(rule.basis)))
    return parts


def _identified(parts: list[pl.DataFrame], projects: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """All findings in one order, with their units and stable ids (see :func:`run_rules`)."""
    schema = {"project_id": pl.String, "seq": pl.Int32, "message": pl.String, "evidence": pl.String}
    findings = pl.concat(parts, how="diagonal_relaxed", rechunk=True) if parts else pl.DataFrame(schema=schema)
    if "rule_id" not in findings.columns:
        findings = findings.with_columns(
            rule_id=pl.lit(None, pl.String), severity=pl.lit(None, pl.String), basis=pl.lit(None, pl.String)
        )
    if "unit_code" not in findings.columns:  # a rule may name the unit itself (an actual matching no project)
        findings = findings.with_columns(unit_code=pl.lit(None, dtype=pl.String))
    findings = findings.rename({"unit_code": "_unit"})
    position = projects.select("project_id", "unit_code").with_row_index("_project_order")
    names = indicators.select(
        "project_id",
        "seq",
        pl.concat_str(pl.col("level2").fill_null(""), pl.col("name").fill_null(""), separator="/").alias("_name"),
    )
    findings = findings.join(position, on="project_id", how="left").join(names, on=["project_id", "seq"], how="left")
    findings = findings.with_columns(unit_code=pl.coalesce("unit_code", "_unit"))
    # the fingerprint leaves out seq and row numbers; SHA-256 rather than polars' own hash, which
    # may change between polars versions
    key = ["rule_id", "project_id", "_name", "evidence"]
    text = pl.concat_str([pl.col(c).cast(pl.String).fill_null("None") for c in key], separator="|")
    findings = findings.with_columns(pl.col("_name").fill_null("")).with_columns(_id_key=text)
    findings = findings.with_columns(_digest=polars_hash.col("_id_key").chash.sha2_256())
    # 60 bits of the digest stand for the key when sorting and ranking: integers, not long texts
    # (two keys sharing 60 bits — odds about 1 in 10^6 among 2 million findings — are only ranked together)
    findings = findings.with_columns(_key_no=pl.col("_digest").str.slice(0, 15).str.to_integer(base=16))
    # one total order (the key breaks ties), so ids and rows do not depend on how a rule ordered its rows
    order = pl.col("severity").replace_strict(_SEVERITY_ORDER, return_dtype=pl.Int8)
    findings = findings.sort(
        ["_project_order", "seq", order, "rule_id", "_key_no"], nulls_last=False, maintain_order=True
    )
    # identical findings (the same defect in duplicated indicators) are told apart by their rank in
    # this order: counted along runs of equal keys after a sort, far cheaper than a window per key
    at = pl.int_range(pl.len())
    starts = pl.col("_key_no") != pl.col("_key_no").shift(1, fill_value=-1)
    rank = (
        findings.select("_key_no")
        .with_row_index("_at")
        .sort("_key_no", "_at")
        .with_columns(_rank=at - pl.when(starts).then(at).forward_fill())
        .sort("_at")["_rank"]
    )
    findings = findings.with_columns(_rank=rank)
    ids = findings["_digest"].str.slice(0, 12)
    repeats = findings.select(pl.arg_where(pl.col("_rank") > 0)).to_series()
    if repeats.len():
        ranked = pl.concat_str("_id_key", pl.col("_rank").cast(pl.String), separator="|")
        again = (
            findings[repeats].with_columns(_k=ranked).select(polars_hash.col("_k").chash.sha2_256().str.slice(0, 12))
        )
        ids = ids.scatter(repeats, again.to_series())
    return findings.with_columns(finding_id=ids).select(FINDING_COLUMNS)


def run_checks(tables: TargetTables, overrides: dict[str, Any] | None = None, source: str = "params") -> pl.DataFrame:
    """Run every enabled review rule; returns the findings sorted by project, seq and severity.

    Does not mutate ``tables``. Empty text cells reach the rules as empty strings, so messages
    about a row with a blank name or group still read in full.
    """
    tables = annual_indicators(tables)  # the rules read the annual targets (long-term ones are kept in the tables)
    settings = resolve_settings(overrides, source)
    text = ["level2", "name", "description"]
    view = TargetTables(tables.projects, tables.indicators.with_columns(pl.col(text).fill_null("")))
    by_scope = {scope: {rid: r for rid, r in RULES.items() if r.scope == scope} for scope in ("unit", "portfolio")}
    parts = [
        part for chunk in unit_chunks(view, CHUNK_INDICATORS) for part in _found(by_scope["unit"], chunk, settings)
    ]
    parts += _found(by_scope["portfolio"], view, settings)
    return _identified(parts, tables.projects, tables.indicators)


# Rules that look no further than one unit run on chunks of whole units of about this many
# indicators: their joins and group-bys then work on hash tables that stay small, so checking
# grows linearly with the portfolio instead of slowing per row as the tables outgrow the caches.
CHUNK_INDICATORS = 100_000


def unit_chunks(tables: TargetTables, size: int = CHUNK_INDICATORS) -> list[TargetTables]:
    """``tables`` split into chunks of whole units (all years of a unit stay together), in unit order."""
    counts = tables.indicators.group_by("unit_code").len().sort("unit_code")
    chunk = counts.select("unit_code", _chunk=((pl.col("len").cum_sum() - pl.col("len")) // size).cast(pl.Int32))
    if chunk["_chunk"].max() in (0, None):
        return [tables]
    projects = tables.projects.join(chunk, on="unit_code", how="left", maintain_order="left")
    indicators = tables.indicators.join(chunk, on="unit_code", how="left", maintain_order="left")
    project_parts = projects.partition_by("_chunk", as_dict=True, include_key=False)
    indicator_parts = indicators.partition_by("_chunk", as_dict=True, include_key=False)
    return [TargetTables(project_parts[key], indicator_parts[key]) for key in sorted(indicator_parts)]


# The pieces of run_checks, for a driver that checks a load too large for memory in chunks of
# whole units (perfkit.run.chunked): the same findings, ids and order as one run_checks call.


def check_view(tables: TargetTables) -> TargetTables:
    """``tables`` as the rules read them: empty text cells as empty strings (see :func:`run_checks`)."""
    text = ["level2", "name", "description"]
    return TargetTables(tables.projects, tables.indicators.with_columns(pl.col(text).fill_null("")))


def unit_scope_findings(tables: TargetTables, settings: dict[str, dict[str, Any]]) -> list[pl.DataFrame]:
    """What the enabled rules that look no further than one unit find in ``tables`` (whole units)."""
    return _found({rid: r for rid, r in RULES.items() if r.scope == "unit"}, tables, settings)


def portfolio_scope_findings(tables: TargetTables, settings: dict[str, dict[str, Any]]) -> list[pl.DataFrame]:
    """What the enabled rules that compare across units find in ``tables`` (every unit)."""
    return _found({rid: r for rid, r in RULES.items() if r.scope == "portfolio"}, tables, settings)


def identified(parts: list[pl.DataFrame], projects: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """Raw findings (of :func:`unit_scope_findings`, :func:`portfolio_scope_findings`) with their ids,
    in the engine's order; for a range of whole projects, the rows one run gives for them."""
    return _identified(parts, projects, indicators)
