"""Pick rows by unit, project, rule, severity or year — one function for findings and indicators alike.

>>> import polars as pl
>>> findings = pl.DataFrame({"unit_code": ["562301", "562202"], "rule_id": ["bare_wan", "fund_split"],
...                          "severity": ["low", "high"], "project_id": ["a", "b"]})
>>> select(findings, severity="高")["rule_id"].to_list()
['fund_split']
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from perfkit.labels import SEVERITY_LABELS

Choice = str | int | Iterable[str | int] | None
_SEVERITY_CODES = {v: k for k, v in SEVERITY_LABELS.items()}


def _values(choice: Choice) -> list | None:
    if choice is None or choice == "" or choice == []:
        return None
    return [choice] if isinstance(choice, (str, int)) else list(choice)


def select(
    frame: pl.DataFrame,
    unit: Choice = None,
    project: Choice = None,
    rule: Choice = None,
    severity: Choice = None,
    year: Choice = None,
) -> pl.DataFrame:
    """The rows of ``frame`` matching every choice given (``None`` or empty: no restriction).

    ``unit``: unit codes; ``project``: project ids, or text found in ``project_name`` when the
    frame has that column; ``rule``: rule ids or Chinese titles (``rule_title``); ``severity``:
    ``high``/``medium``/``low`` or 高/中/低; ``year``: years. A choice whose column the frame does
    not have is ignored (indicators have no ``rule_id``). Does not mutate ``frame``.
    """
    condition = pl.lit(True)
    columns = set(frame.columns)
    if (units := _values(unit)) and "unit_code" in columns:
        condition &= pl.col("unit_code").is_in([str(u) for u in units])
    if (projects := _values(project)) and "project_id" in columns:
        by_name = pl.lit(False)
        if "project_name" in columns:
            for text in projects:
                by_name |= pl.col("project_name").str.contains(str(text), literal=True).fill_null(False)
        condition &= pl.col("project_id").is_in([str(p) for p in projects]) | by_name
    if (rules := _values(rule)) and "rule_id" in columns:
        by_title = pl.col("rule_title").is_in(rules) if "rule_title" in columns else pl.lit(False)
        condition &= pl.col("rule_id").is_in(rules) | by_title
    if (severities := _values(severity)) and "severity" in columns:
        condition &= pl.col("severity").is_in([_SEVERITY_CODES.get(s, s) for s in severities])
    if (years := _values(year)) and "year" in columns:
        condition &= pl.col("year").is_in([int(y) for y in years])
    return frame.filter(condition)
