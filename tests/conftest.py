"""Shared fixtures: the bundled seed and its expected tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.load import TargetTables, load_targets

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "targets" / "tianjin-womens-federation-2025-targets.txt"


@pytest.fixture(scope="session")
def seed_tables() -> TargetTables:
    """The bundled seed loaded once for the whole session (tests must not mutate it)."""
    return load_targets(SEED)
