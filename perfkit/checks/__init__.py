"""Review rules for target tables (绩效目标审核) and the engine that runs them.

>>> from perfkit.checks import RULES
>>> sorted({r.criterion for r in RULES.values()}) == sorted(["完整性", "相关性", "适当性", "可行性", "异常分析"])
True
"""

from perfkit.checks import (  # noqa: F401  (registers rules)
    appropriateness,
    completeness,
    copy_paste,
    feasibility,
    measurable,
    outliers,
    relevance,
    year_over_year,
)
from perfkit.checks.engine import FINDING_COLUMNS, rule_catalogue, run_checks
from perfkit.checks.registry import RULES, Rule

__all__ = ["FINDING_COLUMNS", "RULES", "Rule", "rule_catalogue", "run_checks"]
