"""Recurring findings: the same defect in the same project's indicator in consecutive loaded years.

Red before: findings had no ``recurring_since``; a defect found in 2024 and again in 2025 read the
same as a new one (the message said nothing of the year before).
"""

from __future__ import annotations

import polars as pl

from perfkit.checks import run_checks
from tests.checks.tables import CLEAN, CLEAN_PROJECT, clean_with, make_tables

NO_UNIT = (1, "产出指标", "质量指标", "活动完成率", "完成的活动占计划的比例", "≥95")  # missing_unit


def years(*defective: bool, first: int = 2024):
    """One project of one unit per year from ``first``, named for its year; ``defective`` says which
    years carry 活动完成率 ``≥95`` (no unit)."""
    projects, rows = [], []
    for i, bad in enumerate(defective):
        year = first + i
        projects.append(CLEAN_PROJECT | {"year": year, "project_name": f"{year}年示例项目"})
        rows += [(i + 1, *r[1:]) for r in (clean_with((2, NO_UNIT)) if bad else CLEAN)]
    return make_tables(projects, rows)


def missing_unit(tables) -> list[dict]:
    found = run_checks(tables).filter(pl.col("rule_id") == "missing_unit")
    year = dict(tables.projects.select("project_id", "year").iter_rows())
    return [f | {"year": year[f["project_id"]]} for f in found.iter_rows(named=True)]


def test_a_defect_found_two_years_running_is_marked_with_its_first_year():
    """2024 and 2025 both write ≥95 without a unit: the 2025 finding says 连续2年, since 2024."""
    first, second = sorted(missing_unit(years(True, True)), key=lambda f: f["year"])
    assert (first["recurring_since"], first["recurring_from"]) == (None, None)
    assert first["message"] == "指标值“≥95”没有计量单位：应写明单位（如场、人、%、万元）"
    assert second["recurring_since"] == 2024 and second["recurring_from"] == first["finding_id"]
    assert second["message"] == "指标值“≥95”没有计量单位：应写明单位（如场、人、%、万元）（连续2年出现，自2024年起）"


def test_three_years_running_and_a_broken_run():
    """2023–2025 all defective: 连续3年, since 2023. Defective in 2023 and 2025 only: no run in 2025."""
    run = sorted(missing_unit(years(True, True, True, first=2023)), key=lambda f: f["year"])
    assert [f["recurring_since"] for f in run] == [None, 2023, 2023]
    assert run[2]["message"].endswith("（连续3年出现，自2023年起）")
    broken = missing_unit(years(True, False, True, first=2023))
    assert [f["recurring_since"] for f in broken] == [None, None]


def test_a_defect_new_this_year_is_not_recurring():
    """Clean twin: 2024 writes ≥95% (fine), 2025 ≥95: one finding, not recurring; one year alone neither."""
    (found,) = missing_unit(years(False, True))
    assert found["recurring_since"] is None and "连续" not in found["message"]
    assert all(f["recurring_since"] is None for f in missing_unit(years(True)))


def test_finding_ids_do_not_change_when_a_finding_recurs():
    """The mark is in the message and the new columns; the id stays the fingerprint of the defect."""
    alone = missing_unit(years(False, True))[0]["finding_id"]
    recurring = max(missing_unit(years(True, True)), key=lambda f: f["year"])["finding_id"]
    assert alone == recurring


def test_the_review_store_carries_last_years_decision_as_history_not_as_the_decision(tmp_path):
    """2024's finding confirmed by 张三; the 2025 run records the recurring finding 待复核, with a
    ``carried`` history row quoting the 2024 decision."""
    from perfkit.review.store import Decision, ReviewStore

    findings = run_checks(years(True, True)).filter(pl.col("rule_id") == "missing_unit")
    year = {pid: y for pid, y in years(True, True).projects.select("project_id", "year").iter_rows()}
    old = findings.filter(pl.col("project_id").replace_strict(year) == 2024)
    new = findings.filter(pl.col("project_id").replace_strict(year) == 2025)
    with ReviewStore(tmp_path / "review.sqlite") as store:
        store.record_run("100001", 2024, old)
        store.apply([Decision("100001", old["finding_id"][0], "confirmed", "张三", "已要求补写单位", "2025-03-01")])
        store.record_run("100001", 2025, new)
        now = store.findings("100001", 2025).row(0, named=True)
        history = store.history("100001", new["finding_id"][0]).filter(pl.col("kind") == "carried").row(0, named=True)
    assert now["review_status"] == "open" and now["reviewer"] is None
    assert (history["reviewer"], history["old_status"], history["new_status"]) == ("张三", "confirmed", "open")
    assert history["review_note"] == (
        f"上年同一问题（{old['finding_id'][0]}，2024年）的复核结论：已确认；已要求补写单位"
    )
    assert history["reviewed_on"] == "2025-03-01"
