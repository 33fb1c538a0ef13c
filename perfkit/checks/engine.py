"""Run the rule catalogue over loaded tables and return one findings table (see docs/contract.md)."""

from __future__ import annotations

from typing import Any

import polars as pl
import polars_hash

from perfkit.checks.recurring import RECURRENCE_COLUMNS, mark_recurring, unmarked
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
    *RECURRENCE_COLUMNS,  # recurring_since, recurring_from: see perfkit.checks.recurring
]
_BASE_COLUMNS = FINDING_COLUMNS[: -len(RECURRENCE_COLUMNS)]
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
    return ordered_findings([keyed_findings(_found(rules, context, settings), positions(projects), indicators)])


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


def positions(projects: pl.DataFrame) -> pl.DataFrame:
    """``_project_order, project_id, unit_code``: where each project comes in the findings."""
    return projects.select("project_id", "unit_code").with_row_index("_project_order")


def keyed_findings(parts: list[pl.DataFrame], places: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """The rows rules found (``parts``) with their unit, the place they sort to and the indicator
    name their id is a fingerprint of.

    ``places`` is :func:`positions` of all projects; ``indicators`` need only hold the rows the
    findings name (one chunk's for that chunk's rules). Findings of several calls go together
    into :func:`ordered_findings`, which gives them their ids and order.
    """
    schema = {"project_id": pl.String, "seq": pl.Int32, "message": pl.String, "evidence": pl.String}
    findings = pl.concat(parts, how="diagonal_relaxed", rechunk=True) if parts else pl.DataFrame(schema=schema)
    if "rule_id" not in findings.columns:
        findings = findings.with_columns(
            rule_id=pl.lit(None, pl.String), severity=pl.lit(None, pl.String), basis=pl.lit(None, pl.String)
        )
    if "unit_code" not in findings.columns:  # a rule may name the unit itself (an actual matching no project)
        findings = findings.with_columns(unit_code=pl.lit(None, dtype=pl.String))
    findings = findings.rename({"unit_code": "_unit"})
    names = indicators.select(
        "project_id",
        "seq",
        pl.concat_str(pl.col("level2").fill_null(""), pl.col("name").fill_null(""), separator="/").alias("_name"),
    )
    findings = findings.join(places, on="project_id", how="left", maintain_order="left").join(
        names, on=["project_id", "seq"], how="left", maintain_order="left"
    )
    return findings.with_columns(
        unit_code=pl.coalesce("unit_code", "_unit"),
        _name=pl.col("_name").fill_null(""),
        _severity_order=pl.col("severity").replace_strict(_SEVERITY_ORDER, return_dtype=pl.Int8),
    ).drop("_unit")


def _fingerprint_text(rank: pl.Expr | None = None) -> pl.Expr:
    """``rule|project|level2/name|evidence`` (and ``|rank`` for a repeat): what a finding id is the SHA-256 of."""
    key = [pl.col(c).cast(pl.String).fill_null("None") for c in ["rule_id", "project_id", "_name", "evidence"]]
    return pl.concat_str([*key, *([rank.cast(pl.String)] if rank is not None else [])], separator="|")


def ordered_findings(keyed: list[pl.DataFrame]) -> pl.DataFrame:
    """Findings of :func:`keyed_findings` (one frame or more) in one order, with their ids (see
    :func:`run_rules`): the :data:`FINDING_COLUMNS`."""
    # the fingerprint leaves out seq and row numbers; SHA-256 rather than polars' own hash, which
    # may change between polars versions. Hashed by polars' streaming engine: in parallel, and
    # without holding every finding's key text at once
    digest = polars_hash.col("_id_key").chash.sha2_256()
    findings = (
        pl.concat(keyed, how="diagonal_relaxed", rechunk=False)
        .lazy()
        .with_columns(_id_key=_fingerprint_text())
        .with_columns(_digest=digest)
        .select(
            pl.exclude("_id_key", "_digest"),
            _id=pl.col("_digest").str.slice(0, 12),
            # 60 bits of the digest stand for the key when sorting and ranking: integers, not long texts
            # (two keys sharing 60 bits — odds about 1 in 10^6 among 2 million findings — are only ranked together)
            _key_no=pl.col("_digest").str.slice(0, 15).str.to_integer(base=16),
        )
        .collect(engine="streaming")
    )
    # one total order (the key breaks ties), so ids and rows do not depend on how a rule ordered its
    # rows; the rows are gathered into it once, at the end, with only the columns given back
    keys = ["_project_order", "seq", "_severity_order", "rule_id", "_key_no"]
    order = findings.select(pl.arg_sort_by(keys, nulls_last=False, maintain_order=True)).to_series()
    # identical findings (the same defect in duplicated indicators) are told apart by their rank in
    # this order: counted along runs of equal keys after a sort, far cheaper than a window per key
    at = pl.int_range(pl.len())
    starts = pl.col("_key_no") != pl.col("_key_no").shift(1, fill_value=-1)
    rank = (
        pl.DataFrame({"_key_no": findings["_key_no"].gather(order)})
        .with_row_index("_at")
        .sort("_key_no", "_at")
        .with_columns(_rank=at - pl.when(starts).then(at).forward_fill())
        .sort("_at")["_rank"]
    )
    ids = findings["_id"].gather(order)
    repeats = pl.select(pl.arg_where(rank > 0)).to_series()
    if repeats.len():
        again = (
            findings.select("rule_id", "project_id", "_name", "evidence")[order.gather(repeats)]
            .with_columns(_k=_fingerprint_text(rank.gather(repeats).alias("_rank")))
            .select(polars_hash.col("_k").chash.sha2_256().str.slice(0, 12))
        )
        ids = ids.scatter(repeats, again.to_series())
    given = findings.select(_BASE_COLUMNS[1:])
    del findings
    return unmarked(given[order].insert_column(0, ids.alias("finding_id")))


def run_checks(tables: TargetTables, overrides: dict[str, Any] | None = None, source: str = "params") -> pl.DataFrame:
    """Run every enabled review rule; returns the findings sorted by project, seq and severity.

    Does not mutate ``tables``. Empty text cells reach the rules as empty strings, so messages
    about a row with a blank name or group still read in full. The same as
    ``ordered_findings([*(check_units(c, …) for c in unit_chunks(…)), check_portfolio(…)])``,
    which a caller may run on chunks it reads one at a time (then :func:`mark_recurring` on each
    chunk's findings, with its tables).
    """
    settings = resolve_settings(overrides, source)
    view = checked_view(tables)  # the rules read the annual targets (long-term ones beside their project)
    places = positions(tables.projects)
    # each chunk's findings are keyed (and its intermediate frames dropped) before the next runs
    keyed = [check_units(chunk, settings, places) for chunk in unit_chunks(view, CHUNK_INDICATORS)]
    keyed.append(check_portfolio(portfolio_view(view), settings, places))
    return mark_recurring(ordered_findings(keyed), view.projects, view.indicators)


def checked_view(tables: TargetTables) -> TargetTables:
    """The tables as the rules read them: the annual indicators, empty text cells as empty strings.

    Where long-term (实施期) indicators are loaded, each project carries them in a ``long_term``
    column (a list of ``name, target_raw, target_op, target_value, target_unit``), for the rules
    that hold the annual targets against them.
    """
    projects = tables.projects
    annual = annual_indicators(tables)
    if annual is not tables:
        long_term = (
            tables.indicators.filter(pl.col("period") != "annual")
            .group_by("project_id", maintain_order=True)
            .agg(long_term=pl.struct("name", "target_raw", "target_op", "target_value", "target_unit"))
        )
        projects = projects.join(long_term, on="project_id", how="left", maintain_order="left")
    text = ["level2", "name", "description"]
    return TargetTables(projects, annual.indicators.with_columns(pl.col(text).fill_null("")))


def _scope(scope: str) -> dict[str, Rule]:
    return {rid: r for rid, r in RULES.items() if r.scope == scope}


def check_units(chunk: TargetTables, settings: dict[str, dict[str, Any]], places: pl.DataFrame) -> pl.DataFrame:
    """The findings of the rules that look no further than one unit, on ``chunk`` (whole units,
    all their years; :func:`checked_view` of the tables), keyed for :func:`ordered_findings`.
    ``places`` is :func:`positions` of all projects."""
    return keyed_findings(_found(_scope("unit"), chunk, settings), places, chunk.indicators)


# The columns the rules that compare units (scope "portfolio") read: all a caller must hold of the
# whole portfolio for :func:`check_portfolio`
PORTFOLIO_COLUMNS = {
    "projects": ["project_id", "unit_code", "year", "project_name", "budget_total"],
    "indicators": [
        "project_id", "unit_code", "seq", "level1", "level2", "name", "description",
        "target_raw", "target_op", "target_value", "target_unit",
    ],
}  # fmt: skip


def portfolio_view(tables: TargetTables) -> TargetTables:
    """``tables`` with only the :data:`PORTFOLIO_COLUMNS`."""
    return TargetTables(
        tables.projects.select(PORTFOLIO_COLUMNS["projects"]),
        tables.indicators.select(PORTFOLIO_COLUMNS["indicators"]),
    )


def check_portfolio(tables: TargetTables, settings: dict[str, dict[str, Any]], places: pl.DataFrame) -> pl.DataFrame:
    """The findings of the rules that compare units, on the whole portfolio (:func:`portfolio_view`
    of :func:`checked_view` is enough), keyed for :func:`ordered_findings`."""
    return keyed_findings(_found(_scope("portfolio"), tables, settings), places, tables.indicators)


# Rules that look no further than one unit run on chunks of whole units of about this many
# indicators: their joins and group-bys then work on hash tables that stay small, so checking
# grows linearly with the portfolio instead of slowing per row as the tables outgrow the caches.
CHUNK_INDICATORS = 100_000


def unit_chunks(tables: TargetTables, size: int = CHUNK_INDICATORS) -> list[TargetTables]:
    """``tables`` split into chunks of whole units (all years of a unit stay together).

    When each unit's indicators are one run of rows (as loaded, file by file), the chunks follow
    that order and their indicators are slices of ``tables.indicators``, not copies; otherwise
    they are gathered in unit-code order. A project whose unit has no indicators goes with the
    last chunk; each chunk keeps the projects in their order.
    """
    runs = tables.indicators.select(pl.col("unit_code").rle()).unnest("unit_code")
    contiguous = runs["value"].n_unique() == runs.height
    if not contiguous:
        runs = tables.indicators.group_by("unit_code").agg(pl.len().alias("len")).sort("unit_code")
        runs = runs.rename({"unit_code": "value"})
    starts = runs["len"].cum_sum() - runs["len"]
    chunk = runs.select(pl.col("value").alias("unit_code"), _chunk=(starts // size).cast(pl.Int32))
    last = int(chunk["_chunk"].max() or 0)
    if last == 0:
        return [tables]
    projects = tables.projects.join(chunk, on="unit_code", how="left", maintain_order="left", nulls_equal=True)
    project_parts = projects.with_columns(pl.col("_chunk").fill_null(last)).partition_by(
        "_chunk", as_dict=True, include_key=False
    )
    if contiguous:
        bounds = chunk.with_columns(start=starts).group_by("_chunk").agg(pl.col("start").min()).sort("_chunk")
        offsets = [*bounds["start"].to_list(), tables.indicators.height]
        indicator_parts = {
            (key,): tables.indicators.slice(offsets[i], offsets[i + 1] - offsets[i])
            for i, key in enumerate(bounds["_chunk"].to_list())
        }
    else:
        indicators = tables.indicators.join(chunk, on="unit_code", how="left", maintain_order="left", nulls_equal=True)
        indicator_parts = indicators.partition_by("_chunk", as_dict=True, include_key=False)
    empty = tables.projects.clear()
    return [TargetTables(project_parts.get(key, empty), indicator_parts[key]) for key in sorted(indicator_parts)]
