"""Auditors' review of findings: a store of decisions kept across runs, workbook import, status.

The names below are loaded on first use, so that the CLI can wire the review commands
(:mod:`perfkit.review.commands`) without importing polars on every start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from perfkit.review.store import STORE_NAME, Decision, ReviewStore

__all__ = ["STORE_NAME", "Decision", "ReviewStore"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from perfkit.review import store

        return getattr(store, name)
    raise AttributeError(f"module 'perfkit.review' has no attribute {name!r}")
