"""The rule catalogue: each rule is data (id, title, severity, criterion, basis, parameters) plus
a function from the loaded tables to the rows it finds. Adding a rule touches one place: a
decorated function in the module of its criterion.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from perfkit.load import TargetTables

SEVERITIES = ("high", "medium", "low")
SCOPES = ("unit", "portfolio")
CRITERIA = ("完整性", "相关性", "适当性", "可行性", "异常分析")

# The review rule of the four criteria (审核): 《中央部门预算绩效目标管理办法》, its chapter on
# reviewing targets, as it words each criterion (docs/domain.md §4.1)
REVIEW_RULE = "《中央部门预算绩效目标管理办法》（财预〔2015〕88号）绩效目标的审核"
BASIS_COMPLETE = f"{REVIEW_RULE}：完整性审核（绩效目标的内容是否完整，绩效目标是否明确、清晰）"
BASIS_RELATED = f"{REVIEW_RULE}：相关性审核（是否对申报的绩效目标设定了相关联的绩效指标）"
BASIS_MEASURABLE = f"{REVIEW_RULE}：相关性审核（绩效指标是否细化、量化）"
BASIS_APPROPRIATE = f"{REVIEW_RULE}：适当性审核（资金规模与绩效目标之间是否匹配，绩效目标是否过高或过低）"
BASIS_FEASIBLE = f"{REVIEW_RULE}：可行性审核（绩效目标是否经过充分论证和合理测算，能否如期实现）"
# the indicator system (指标体系) and the evaluation rule (scoring, self-evaluation)
INDICATOR_SYSTEM = "《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》（财预〔2021〕101号）"
EVALUATION_RULE = "《项目支出绩效评价管理办法》（财预〔2020〕10号）"

# What a rule function returns: project_id, seq (null for a whole-project finding), message,
# evidence. The engine adds the id, rule metadata and unit code.
RuleFunction = Callable[[TargetTables, dict[str, Any]], pl.DataFrame]


@dataclass(frozen=True)
class Rule:
    """One review rule (审核规则) and its documented default parameters."""

    id: str
    title: str
    severity: str
    criterion: str
    basis: str
    check: RuleFunction
    params: dict[str, Any] = field(default_factory=dict)
    # "unit": the rule looks no further than one unit's tables (all its years); "portfolio": it
    # compares across units (peer groups, copied text) and needs every unit at once
    scope: str = "unit"


RULES: dict[str, Rule] = {}


def rule(
    id: str, title: str, severity: str, criterion: str, basis: str, scope: str = "unit", **params: Any
) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as rule ``id`` with its default ``params``."""
    assert severity in SEVERITIES and criterion in CRITERIA and scope in SCOPES, (id, severity, criterion, scope)

    def add(check: RuleFunction) -> RuleFunction:
        RULES[id] = Rule(id, title, severity, criterion, basis, check, params, scope)
        return check

    return add


def found(frame: pl.DataFrame, message: pl.Expr, evidence: pl.Expr, seq: pl.Expr | None = None) -> pl.DataFrame:
    """Shape the rows a rule found into ``project_id, seq, message, evidence``.

    The columns the expressions read are made contiguous first (only those: a rule's frame may
    be wide): polars 2.1 can panic formatting strings over a frame left in pieces by a filtered
    cross join, and every rule formats its messages here.
    """
    columns = [
        pl.col("project_id"),
        (seq if seq is not None else pl.col("seq")).cast(pl.Int32).alias("seq"),
        message.alias("message"),
        evidence.alias("evidence"),
    ]
    read = dict.fromkeys(name for column in columns for name in column.meta.root_names())
    return frame.select(list(read)).rechunk().select(columns)


def any_of(words: list[str]) -> str:
    """A regex group matching any of ``words`` literally; one that matches nothing for an empty list
    (polars' regex engine has no look-ahead, so ``(?!)`` is not available).

    >>> print(any_of(["**", "XX"]))
    (\\*\\*|XX)
    """
    return "(" + "|".join(re.escape(w) for w in words) + ")" if words else r"(a\A)"


def target_evidence() -> pl.Expr:
    """The evidence most rules quote: the target cell as written."""
    return pl.format("指标值：{}", "target_raw")


def target_actual_evidence() -> pl.Expr:
    """The evidence of re-scoring rules: the target and the actual as written."""
    return pl.format("指标值：{}；实际完成值：{}", "target_raw", pl.col("actual_raw").fill_null("（空）"))
