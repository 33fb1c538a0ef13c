"""perfkit: review and score Chinese budget performance targets (预算绩效目标) in Jupyter.

The public API is re-exported here and imported on first use, so ``perfkit run`` and the other
commands do not pay for libraries they do not need.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
_EXPORTS = {
    "InputError": "perfkit.errors",
    "PerfkitError": "perfkit.errors",
    "TargetTables": "perfkit.load",
    "load_targets": "perfkit.load",
    "load_actuals": "perfkit.load.actuals",
    "parse_targets": "perfkit.targets",
    "with_parsed_targets": "perfkit.targets",
    "run_checks": "perfkit.checks",
    "score": "perfkit.scoring",
    "audit_unit": "perfkit.run.unit",
    "write_workbook": "perfkit.report.workbook",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'perfkit' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
