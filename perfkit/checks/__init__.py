"""Review rules for target tables (绩效目标审核) and the engine that runs them.

>>> from perfkit.checks import RULES
>>> sorted({r.criterion for r in RULES.values()}) == sorted(["完整性", "相关性", "适当性", "可行性"])
True
"""

from perfkit.checks import appropriateness, completeness, feasibility, relevance  # noqa: F401  (registers rules)
from perfkit.checks.engine import FINDING_COLUMNS, rule_catalogue, run_checks
from perfkit.checks.registry import RULES, Rule

__all__ = ["FINDING_COLUMNS", "RULES", "Rule", "rule_catalogue", "run_checks"]
