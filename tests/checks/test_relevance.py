"""相关性 rules on hand-made tables: the 绩效目标 text and the indicators say the same thing.

Similarities below are worked out by hand: the share of an indicator name's character pairs
(digits and punctuation removed) found in the goal clause. ``公益活动场次`` has the pairs
公益 益活 活动 动场 场次; the clause ``开展公益活动不少于26场`` (digits removed: 开展公益活动不少于场)
contains 公益 益活 活动, so the similarity is 3/5 = 0.6.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.checks.tables import CLEAN, CLEAN_PROJECT, clean_with, findings_of, make_tables, places

P = CLEAN_PROJECT
ROOT = Path(__file__).resolve().parents[2]


def with_activities(target, goal="开展公益活动不少于26场", extra=()):
    """The clean project with row 1 (公益活动场次) set to ``target`` and the given goal text."""
    row = (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", target)
    return make_tables([P | {"goal_text": goal}], clean_with((1, row), extra=extra))


# goal_target_mismatch ----------------------------------------------------------------------------


def test_goal_target_mismatch_fires_when_the_goal_promises_more_than_the_indicator():
    """The goal says 不少于26场, the matching indicator (similarity 0.6, both events) says ≥20场."""
    found = findings_of(with_activities("≥20场"), "goal_target_mismatch")
    assert places(found) == [(1, 1)]
    assert "绩效目标1写明“开展公益活动不少于26场”，对应指标“公益活动场次”的指标值却是“≥20场”" in found[0]["message"]
    assert found[0]["evidence"] == "目标文本：开展公益活动不少于26场；指标：公益活动场次 ≥20场"


def test_goal_target_mismatch_numbers_the_goal_paragraph():
    """In the second paragraph, 3500人次 promised against ≥2000人次 on 服务妇女人次 (4 of 5 pairs)."""
    goal = "1.开展公益活动不少于26场\n2.服务妇女不少于3500人次"
    women = (1, "效益指标", "社会效益指标", "服务妇女人次", "服务妇女的人次", "≥2000人次")
    found = findings_of(with_activities("≥26场", goal, extra=[women]), "goal_target_mismatch")
    assert places(found) == [(1, 8)]
    assert found[0]["message"].startswith("绩效目标2写明")
    assert "不少于3500人次" in found[0]["message"] and "“≥2000人次”" in found[0]["message"]


def test_goal_target_mismatch_matches_a_number_some_indicator_carries_whatever_its_name():
    """3000人次 is the target of 服务妇女儿童人数 (≥3000人, people too): matched, though 服务妇女人次
    (≥2000人次) has the better name. Was held against the best name alone."""
    goal = "1.开展公益活动不少于26场\n2.服务妇女不少于3000人次"
    women = (1, "效益指标", "社会效益指标", "服务妇女人次", "服务妇女的人次", "≥2000人次")
    assert findings_of(with_activities("≥26场", goal, extra=[women]), "goal_target_mismatch") == []


@pytest.mark.parametrize("goal", ["开展公益活动不少于２６场", "开展公益活动不少于٢٦场", "开展公益活动不少于𝟐𝟔场"])
def test_goal_numbers_in_any_digits_are_read(goal):
    """Full-width ２６ crashed the review (``\\d`` then a strict cast); every script reads as 26."""
    assert findings_of(with_activities("≥26场", goal), "goal_target_mismatch") == []
    assert places(findings_of(with_activities("≥20场", goal), "goal_target_mismatch")) == [(1, 1)]


def test_goal_numbers_with_thousands_separators_are_read():
    """``3,080人`` is 3080 people (it was read as 080人): it matches ≥3080人 and differs from ≥3000人."""
    goal = "开展公益活动不少于26场，服务妇女儿童3,080人"
    found = findings_of(with_activities("≥26场", goal), "goal_target_mismatch")
    assert places(found) == [(1, 6)]
    assert "写明“服务妇女儿童3080人”，对应指标“服务妇女儿童人数”的指标值却是“≥3000人”" in found[0]["message"]
    people = (1, "效益指标", "社会效益指标", "服务妇女儿童人数", "参加活动的妇女儿童人数", "≥3080人")
    tables = make_tables([P | {"goal_text": goal}], clean_with((6, people)))
    assert findings_of(tables, "goal_target_mismatch") == []


@pytest.mark.parametrize("target", ["≥26场", "≥26场次", "=26次"])
def test_goal_target_mismatch_not_fired_when_the_numbers_agree(target):
    """26场 in the goal and 26 events (场, 场次, 次 are one class) in the indicator agree."""
    assert findings_of(with_activities(target), "goal_target_mismatch") == []


def test_goal_target_mismatch_ignores_an_indicator_of_another_unit_class():
    """26场 (events) is not compared with a count of people, however similar the name."""
    assert findings_of(with_activities("≥20人"), "goal_target_mismatch") == []


def test_goal_target_mismatch_compares_only_the_best_matching_indicator():
    """公益活动场次 (0.6) agrees with 26场; 公益活动开展场次 (4/7 ≈ 0.57) says 20场 but matches less well."""
    other = (1, "产出指标", "数量指标", "公益活动开展场次", "另一口径的场次", "≥20场")
    assert findings_of(with_activities("≥26场", extra=[other]), "goal_target_mismatch") == []


def test_goal_target_mismatch_min_similarity_can_be_raised():
    """At min_similarity=0.7 the 0.6 match no longer counts, so there is nothing to compare."""
    assert findings_of(with_activities("≥20场"), "goal_target_mismatch", min_similarity=0.7) == []


def money_goal(target):
    """Goal 活动经费5万元 against the 活动经费 indicator (all 3 pairs 活动 动经 经费 in the clause: 1.0)."""
    fee = (1, "产出指标", "成本指标", "活动经费", "场地、讲师等活动支出", target)
    return make_tables([P | {"goal_text": "开展公益活动不少于26场，活动经费5万元"}], [*CLEAN[:3], fee, *CLEAN[5:]])


def test_goal_target_mismatch_compares_money():
    """The goal budgets 5万元 for activities, the indicator caps them at 4.1万元."""
    found = findings_of(money_goal("≤4.1万元"), "goal_target_mismatch")
    assert places(found) == [(1, 4)]
    assert "写明“活动经费5万元”，对应指标“活动经费”的指标值却是“≤4.1万元”" in found[0]["message"]


def test_goal_target_mismatch_converts_yuan_and_wan_before_comparing():
    """5万元 in the goal and ≤50000元 in the indicator are the same amount."""
    assert findings_of(money_goal("≤50000元"), "goal_target_mismatch") == []


# goal_without_indicator --------------------------------------------------------------------------


def test_goal_without_indicator_fires_on_a_goal_paragraph_no_indicator_measures():
    """Paragraph 2 (妇女儿童之家) shares no character pair with any indicator name."""
    goal = "1.开展公益活动不少于26场\n2.建设妇女儿童之家3个"
    found = findings_of(with_activities("≥26场", goal), "goal_without_indicator")
    assert places(found) == [(1, None)]
    assert found[0]["message"] == "绩效目标第2条没有可对应的绩效指标：每项目标都应有指标衡量"
    assert found[0]["evidence"] == "目标文本：2.建设妇女儿童之家3个"


def test_goal_without_indicator_not_fired_once_an_indicator_covers_the_paragraph():
    """妇女儿童之家建设数量 has 6 of its 9 pairs (妇女 女儿 儿童 童之 之家 建设) in paragraph 2: covered."""
    goal = "1.开展公益活动不少于26场\n2.建设妇女儿童之家3个"
    homes = (1, "产出指标", "数量指标", "妇女儿童之家建设数量", "新建妇女儿童之家数", "≥3个")
    assert findings_of(with_activities("≥26场", goal, extra=[homes]), "goal_without_indicator") == []


def test_goal_without_indicator_skips_blank_lines_when_numbering():
    """A blank line between paragraphs does not count as a paragraph: the uncovered one is still 第2条."""
    goal = "1.开展公益活动不少于26场\n\n2.建设妇女儿童之家3个"
    found = findings_of(with_activities("≥26场", goal), "goal_without_indicator")
    assert [f["message"][:7] for f in found] == ["绩效目标第2条"]


def test_goal_without_indicator_min_similarity_can_be_raised():
    """At min_similarity=0.9 neither paragraph is covered (best matches 0.6 and 6/9)."""
    goal = "1.开展公益活动不少于26场\n2.建设妇女儿童之家3个"
    homes = (1, "产出指标", "数量指标", "妇女儿童之家建设数量", "新建妇女儿童之家数", "≥3个")
    found = findings_of(with_activities("≥26场", goal, extra=[homes]), "goal_without_indicator", min_similarity=0.9)
    assert sorted(f["message"][:7] for f in found) == ["绩效目标第1条", "绩效目标第2条"]


def test_relevance_rules_quiet_on_a_project_without_goal_text():
    """No goal text, nothing to relate: neither rule fires."""
    tables = make_tables([P | {"goal_text": ""}], CLEAN)
    assert findings_of(tables, "goal_target_mismatch") == []
    assert findings_of(tables, "goal_without_indicator") == []


# texts with no character pair --------------------------------------------------------------------

_CRASH_SCRIPT = """
from perfkit.checks import run_checks
from tests.checks.tables import CLEAN, CLEAN_PROJECT, clean_with, make_tables
tables = make_tables([CLEAN_PROJECT | {{"goal_text": {goal!r}}}], clean_with((1, {row!r})))
run_checks(tables)
"""


def runs_within_memory(goal: str, row: tuple) -> subprocess.CompletedProcess:
    """Run the whole catalogue in a child process capped at 2 GB, so a runaway allocation cannot take the
    test run (or the machine) down with it."""
    cap = 2 * 1024**3

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    script = textwrap.dedent(_CRASH_SCRIPT.format(goal=goal, row=row))
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, preexec_fn=limit, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("goal", "row"),
    [
        ("开展公益活动不少于26场", (1, "产出指标", "数量指标", "", "全年开展公益活动的场次", "≥26场")),
        ("开展公益活动不少于26场", (1, "产出指标", "数量指标", "2025", "全年开展公益活动的场次", "≥26场")),
        ("1.\n开展公益活动不少于26场", (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "≥26场")),
    ],
    ids=["empty-name", "digits-only-name", "number-only-goal-line"],
)
def test_checks_survive_texts_without_any_character_pair(goal, row):
    """An empty 三级指标, a name of digits only, or a goal line holding just its number are reviewed, not fatal."""
    done = runs_within_memory(goal, row)
    assert done.returncode == 0, done.stderr[:300]


def test_memory_capped_child_reviews_the_clean_project():
    """The 2 GB child process itself works: the clean project runs through (so a failure above is the rules', not the harness')."""
    done = runs_within_memory(CLEAN_PROJECT["goal_text"], CLEAN[0])
    assert done.returncode == 0, done.stderr[:300]
