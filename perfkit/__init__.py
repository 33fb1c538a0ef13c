"""perfkit: review and score Chinese budget performance targets (预算绩效目标) in Jupyter."""

from perfkit.errors import InputError, PerfkitError
from perfkit.load import TargetTables, load_targets
from perfkit.targets import parse_targets, with_parsed_targets

__all__ = ["InputError", "PerfkitError", "TargetTables", "load_targets", "parse_targets", "with_parsed_targets"]
__version__ = "0.1.0"
