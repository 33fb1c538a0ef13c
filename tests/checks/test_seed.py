"""The review rules on the bundled seed find what an experienced reviewer finds there — and
nothing where the table is right. Project numbers are the document order (1–7)."""

from __future__ import annotations

import pytest

from perfkit.checks import run_checks


@pytest.fixture(scope="module")
def findings(seed_tables):
    number = {pid: i + 1 for i, pid in enumerate(seed_tables.projects["project_id"])}
    return [row | {"project": number[row["project_id"]]} for row in run_checks(seed_tables).iter_rows(named=True)]


def places(findings, rule_id):
    return sorted((f["project"], f["seq"]) for f in findings if f["rule_id"] == rule_id)


def test_goal_text_promises_four_visits_but_indicator_says_three(findings):
    hits = [f for f in findings if f["rule_id"] == "goal_target_mismatch" and (f["project"], f["seq"]) == (1, 3)]
    assert len(hits) == 1
    assert "不少于4次" in hits[0]["evidence"] and "3场" in hits[0]["evidence"]
    assert "社会组织参观学习会议" in hits[0]["message"]


def test_three_targets_without_comparator_in_project_1(findings):
    assert [p for p in places(findings, "missing_comparator") if p[0] == 1] == [(1, 3), (1, 4), (1, 5)]


def test_satisfaction_of_trainees_set_twice_in_project_4(findings):
    hits = [f for f in findings if f["rule_id"] == "duplicate_indicator"]
    assert [(f["project"], f["seq"]) for f in hits] == [(4, 42)]
    assert "参训人员满意度" in hits[0]["message"] and "第41条" in hits[0]["message"]


def test_total_listed_beside_its_parts_in_project_4(findings):
    assert places(findings, "cost_total_beside_parts") == [(4, 31)]


def test_wan_without_yuan(findings):
    assert places(findings, "bare_wan") == [(4, 31), (4, 33)]


def test_six_slogans_as_benefit_targets_in_project_4(findings):
    assert [p for p in places(findings, "slogan_benefit") if p[0] == 4] == [(4, s) for s in range(35, 41)]


def test_self_repeating_name_in_project_5(findings):
    assert places(findings, "self_repeating_name") == [(5, 2)]


def test_output_capped_from_above_in_project_6(findings):
    hits = [f for f in findings if f["rule_id"] == "output_capped"]
    assert [(f["project"], f["seq"]) for f in hits] == [(6, 1)]
    assert "≤2套" in hits[0]["evidence"]


def test_training_fee_per_person_cannot_be_compared_with_the_per_day_standard(findings):
    hits = [f for f in findings if f["rule_id"] == "unit_cost_standard"]
    assert [(f["project"], f["seq"]) for f in hits] == [(4, 34)]
    assert "550元/人" in hits[0]["evidence"]


def test_no_cost_or_fund_finding_where_costs_add_up(findings):
    cost_rules = {"cost_vs_budget", "cost_total_beside_parts", "fund_split"}
    flagged = {f["project"] for f in findings if f["rule_id"] in cost_rules}
    # 1: 4.1+0.9=5; 2: 2+1.8+1.2+5+2=12; 3: 27; 5: 16+14=30; 6: 4+11.2+18+3.5+3.3=40; 7: 74
    assert flagged == {4}
    assert not [f for f in findings if f["rule_id"] == "fund_split"]


def test_project_4_parts_do_not_reach_the_budget(findings):
    hits = [f for f in findings if f["rule_id"] == "cost_vs_budget"]
    assert [(f["project"], f["seq"]) for f in hits] == [(4, None)]
    # 22.5万元 + 600元 + 25万 = 47.56万元; 203万 is the total itself and 550元/人 a rate
    assert "47.56" in hits[0]["message"]


def test_every_finding_has_message_evidence_and_basis(findings):
    for finding in findings:
        assert finding["message"] and finding["evidence"] and finding["basis"]
        assert finding["severity"] in {"high", "medium", "low"}
        assert finding["unit_code"] in {"562202", "562301"}


def test_finding_ids_are_unique(findings):
    ids = [f["finding_id"] for f in findings]
    assert len(ids) == len(set(ids))
