"""Auditors' review of findings: a store of decisions kept across runs, workbook import, status."""

from perfkit.review.store import STORE_NAME, Decision, ReviewStore

__all__ = ["STORE_NAME", "Decision", "ReviewStore"]
