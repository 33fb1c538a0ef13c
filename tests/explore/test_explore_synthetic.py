"""The synthetic generator's multi-year option: earlier years beside unchanged 2025 files, and
the year-over-year rules find what it plants there."""

from __future__ import annotations

from benchmarks.synthetic import generate
from perfkit.checks import RULES, run_checks
from perfkit.load import load_targets


def test_years_add_earlier_files_and_leave_the_current_ones_byte_identical(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    assert generate(one, 400) == generate(two, 400, years=2)
    current = sorted(p.name for p in (one / "targets").iterdir())
    assert sorted(p.name for p in (two / "targets").iterdir()) == sorted(
        current + [name.replace(".", "-2024.", 1) for name in current]
    )
    for name in current:
        assert (one / "targets" / name).read_bytes() == (two / "targets" / name).read_bytes()
    assert (one / "actuals.parquet").read_bytes() == (two / "actuals.parquet").read_bytes()

    tables = load_targets(two / "targets")
    assert sorted(tables.projects["year"].unique()) == [2024, 2025]
    yoy = [rid for rid in RULES if rid.startswith("yoy_")]
    settings = {rid: {"enabled": False} for rid in RULES if rid not in yoy}
    found = run_checks(tables, settings).group_by("rule_id").len()
    assert set(found["rule_id"]) == set(yoy)  # each kind of change is planted somewhere
    later = tables.projects.filter(year=2025)["project_id"].implode()
    assert run_checks(tables, settings)["project_id"].is_in(later).all()  # findings sit on the later year
