"""The engine: one findings table with stable ids, settings checked against the catalogue, and a
catalogue that describes every rule."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from perfkit.checks import FINDING_COLUMNS, RULES, rule_catalogue, run_checks
from perfkit.checks.engine import resolve_settings
from perfkit.errors import InputError
from perfkit.load import TargetTables
from tests.checks.tables import CLEAN, CLEAN_PROJECT, NO_LEVELS, clean_with, make_tables

P = CLEAN_PROJECT
_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}

# A portfolio that breaks every rule once or more; places worked out by hand (see comments).
BROKEN_PROJECTS = [
    P | {"budget_fiscal": 4.0, "budget_other": 0.5, "goal_text": "1.开展公益活动不少于26场\n2.建设妇女儿童之家3个"},
    {"unreadable": "表2第3行第5格：其他资金“用于培训”不是数字\n表2第9行：指标行有4个单元格，表头有5个"},  # two parts
    {"unfilled_rows": "表3第12行、表3第13行"},  # two template rows left unfilled: one finding
    {"unit_code": "100002"},  # a unit of its own: no satisfaction value shared with the others
    {"unit_code": "", "unit_name": ""},  # no unit named (name and code blank), and no indicator
    {"project_name": "部门整体支出"},  # a list of indicators without level columns
]
BROKEN = [
    (1, "产出指标", "数量指标", "公益活动场次", "公益活动场次", "≥20场"),  # 1 description = name; goal says 26
    (1, "产出指标", "数量指标", "开展培训开展培训数量", "全年培训次数", "4次"),  # 2 no comparator; name repeats
    (1, "产出指标", "质量指标", "活动完成率", "完成活动占比", "≥95"),  # 3 no unit
    (1, "产出指标", "数量指标", "公益活动场次", "另一口径", "≤30场"),  # 4 duplicate of 1; capped; back after 质量
    (1, "产出指标", "时效指标", "活动完成时限", "年内完成", "按时完成"),  # 5 vague
    (1, "产出指标", "时效指标", "资料发放时间", "资料发放的时间", ""),  # 6 no target
    (1, "产出指标", "成本指标", "活动经费", "活动支出", "≤4.1万"),  # 7 bare 万
    (1, "产出指标", "成本指标", "项目总成本", "全部支出", "≤5万元"),  # 8 the total beside its part
    (1, "产出指标", "成本指标", "培训费标准", "每人每天", "≤600元/人·天"),  # 9 over the 550 standard
    (1, "产出指标", "成本指标", "场地使用成本", "场地使用天数", "≤30天"),  # 10 cost not in money
    (1, "效益指标", "社会效益指标", "妇女获得感", "群众获得感", "有效提升"),  # 11 slogan
    (1, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", "≥90%"),  # 12 same in all 3 projects
    (2, "产出指标", "数量指标", "服务人次", "服务的人次", "≥100人次"),
    (2, "产出指标", "数量指标", "服务户数", "服务的户数", "≥10户以下"),  # 2 ≥ against 以下: contradictory
    (2, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", "≥90%"),
    (3, "满意度指标", "服务对象满意度指标", "服务对象满意度", "群众满意度", "≥90%"),
    # project 4: CLEAN with the published defects of issue 25 planted (its costs 4.1万元 + 9000元 = 5万元)
    (4, "产出指标", "数量指标", "XX活动场次", "全年开展活动的场次", "≥26场"),  # 1 template mark; above long term
    (4, "产出指标", "质量指标", "预算执行率", "预算资金执行比例", "≥95%"),  # 2 an input as an output
    (4, "产出指标", "质量指标", "活动合格率", "合格活动占比", "≥105%"),  # 3 a rate above 100%
    (4, "产出指标", "时效指标", "活动完成时限", "全部活动完成的日期", "2026年6月30日前"),  # 4 after 2025
    (4, "产出指标", "成本指标", "活动经费", "场地、讲师等活动支出", "≥4.1万元"),  # 5 a cost as a floor
    (4, "产出指标", "成本指标", "资料印刷费", "宣传资料印刷支出", "≤9000元"),
    (4, "产出指标", "社会效益指标", "带动就业人数", "带动就业的人数", "≥5人"),  # 7 a benefit kind under outputs
    (4, "效益指标", "社会效益指标", "服务妇女儿童人数", "参加活动的妇女儿童人数", "≥3000人"),
    (4, "满意度指标", "服务对象满意度指标", "服务对象满意度", "参加活动群众的满意度", "≥90%"),
    (4, "产出指标", "数量指标", "XX活动场次", "实施期开展活动的场次", "≥20场"),  # 10 made long-term below
    (6, NO_LEVELS, None, "培训人次", "参加培训的人次", "≥100人次"),  # 1 no level: the project said once
    (6, NO_LEVELS, None, "培训合格率", "考核合格的比例", "≥95%"),
]
BROKEN_PLACES = Counter(
    {
        ("missing_target", 1, 6): 1,
        ("missing_comparator", 1, 2): 1,
        ("missing_unit", 1, 3): 1,
        ("duplicate_indicator", 1, 4): 1,
        ("self_repeating_name", 1, 2): 1,
        ("description_repeats_name", 1, None): 1,  # one per project (row 1 only here)
        ("rows_out_of_order", 1, 4): 1,
        ("vague_target", 1, 5): 1,
        ("slogan_benefit", 1, 11): 1,
        ("output_capped", 1, 4): 1,
        ("bare_wan", 1, 7): 1,
        ("unit_mismatch", 1, 10): 1,
        ("cost_total_beside_parts", 1, 8): 1,
        ("cost_vs_budget", 1, None): 1,  # 4.1万元 (the 5万元 total left out) ≠ 5万元
        ("fund_split", 1, None): 1,  # 4.0 + 0.5 ≠ 5.0
        ("unit_cost_standard", 1, 9): 1,
        ("goal_target_mismatch", 1, 1): 1,  # 26场 vs ≥20场 (rows 1 and 4 tie at 0.6: the first wins)
        ("goal_without_indicator", 1, None): 1,  # 妇女儿童之家
        ("boilerplate_satisfaction", 1, 12): 1,
        ("missing_level1", 2, None): 1,  # 效益指标
        ("unreadable_part", 2, None): 2,  # the two parts the reader could not read
        ("missing_output_level2", 2, None): 3,  # 质量、时效、成本
        ("cost_vs_budget", 2, None): 1,  # no money cost: cannot judge
        ("boilerplate_satisfaction", 2, 3): 1,
        ("contradictory_target", 2, 2): 1,
        ("missing_level1", 3, None): 2,  # 产出指标、效益指标
        ("unfilled_rows", 3, None): 1,
        ("cost_vs_budget", 3, None): 1,
        ("boilerplate_satisfaction", 3, 1): 1,
        ("unfilled_template_text", 4, 1): 1,
        ("annual_above_long_term", 4, 1): 1,  # ≥26场 a year against ≥20场 for the whole period
        ("input_as_output", 4, 2): 1,
        ("rate_above_bound", 4, 3): 1,
        ("deadline_after_year", 4, 4): 1,
        ("cost_lower_bound", 4, 5): 1,
        ("level2_misplaced", 4, 7): 1,
        ("unit_not_named", 5, None): 1,  # neither a unit name nor a code
        ("missing_level1", 5, None): 3,  # no indicator at all: 产出指标、效益指标、满意度指标
        ("cost_vs_budget", 5, None): 1,  # no money cost: cannot judge
        ("indicators_without_levels", 6, None): 1,  # two rows, no level: one finding, no missing_level1
        ("cost_vs_budget", 6, None): 1,  # no money cost: cannot judge
    }
)


@pytest.fixture(scope="module")
def broken():
    return broken_tables()


def broken_tables():
    """The broken portfolio, its last row (project 4, row 10) a long-term (实施期) target."""
    tables = make_tables(BROKEN_PROJECTS, BROKEN)
    last = (pl.col("project_id") == tables.projects["project_id"][3]) & (pl.col("seq") == 10)
    return TargetTables(
        tables.projects,
        tables.indicators.with_columns(period=pl.when(last).then(pl.lit("long_term")).otherwise("period")),
    )


def numbered(tables, findings):
    number = {pid: i for i, pid in enumerate(tables.projects["project_id"], start=1)}
    return [(f["rule_id"], number[f["project_id"]], f["seq"]) for f in findings.iter_rows(named=True)]


# the findings table -------------------------------------------------------------------------------


def test_every_rule_fires_at_the_hand_worked_places_and_nowhere_else(broken):
    """A full run over the broken portfolio finds exactly the defects planted in it."""
    assert Counter(numbered(broken, run_checks(broken))) == BROKEN_PLACES


def test_every_rule_is_planted_in_the_broken_portfolio():
    """The expected places name every rule of the catalogue (异常分析 rules need peer groups and years: their own test modules)."""
    assert {rule for rule, _, _ in BROKEN_PLACES} == {rid for rid, r in RULES.items() if r.criterion != "异常分析"}


def test_clean_project_has_no_finding_at_all():
    """Nothing is found where the table is right."""
    assert run_checks(make_tables([P], CLEAN)).height == 0


def test_findings_have_exactly_the_contract_columns(broken):
    """Columns are FINDING_COLUMNS in order, with or without findings."""
    assert run_checks(broken).columns == FINDING_COLUMNS
    assert run_checks(make_tables([P], CLEAN)).columns == FINDING_COLUMNS


def test_findings_carry_rule_metadata_and_the_unit(broken):
    """severity and basis come from the rule, unit_code from the project; message and evidence are filled."""
    findings = run_checks(broken)
    unit = dict(broken.projects.select("project_id", "unit_code").iter_rows())  # project 4 is unit 100002
    for f in findings.iter_rows(named=True):
        rule = RULES[f["rule_id"]]
        assert (f["severity"], f["basis"], f["unit_code"]) == (rule.severity, rule.basis, unit[f["project_id"]])
        assert f["message"] and f["evidence"]


def test_findings_are_sorted_by_project_then_row_then_severity(broken):
    """Project order as loaded; whole-project findings (no seq) first; within a row, high before low."""
    findings = run_checks(broken)
    number = {pid: i for i, pid in enumerate(broken.projects["project_id"])}
    keys = [
        (number[f["project_id"]], -1 if f["seq"] is None else f["seq"], _SEVERITY_RANK[f["severity"]])
        for f in findings.iter_rows(named=True)
    ]
    assert keys == sorted(keys)


def test_run_checks_does_not_mutate_the_tables(broken):
    """The input tables are the same after a run."""
    before = (broken.projects.clone(), broken.indicators.clone())
    run_checks(broken, {"cost_vs_budget": {"tolerance_wan": 1.0}})
    assert_frame_equal(broken.projects, before[0])
    assert_frame_equal(broken.indicators, before[1])


# finding ids --------------------------------------------------------------------------------------


def ids_by_finding(findings):
    return {(f["rule_id"], f["project_id"], f["message"]): f["finding_id"] for f in findings.iter_rows(named=True)}


def test_finding_ids_are_unique_within_a_run(broken):
    """Two findings never share an id in a run of the broken portfolio."""
    ids = run_checks(broken)["finding_id"]
    assert ids.n_unique() == ids.len()


def test_identical_rows_get_distinct_ids():
    """Rows 8 and 9 repeat row 1 word for word: same rule, name and evidence, still two ids."""
    tables = make_tables([P], clean_with(extra=[CLEAN[0], CLEAN[0]]))
    found = run_checks(tables).filter(pl.col("rule_id") == "duplicate_indicator")
    assert found["seq"].to_list() == [8, 9]
    assert found["evidence"].n_unique() == 1
    assert found["finding_id"].n_unique() == 2


def test_project_level_findings_with_the_same_evidence_get_distinct_ids():
    """A project lacking both 效益指标 and 满意度指标 has two findings saying 已有一级指标：产出指标: two ids."""
    tables = make_tables([{}], [CLEAN[0]])
    found = run_checks(tables).filter(pl.col("rule_id") == "missing_level1")
    assert found["evidence"].to_list() == ["已有一级指标：产出指标"] * 2
    assert found["finding_id"].n_unique() == 2


def test_finding_ids_are_the_same_on_every_run(broken):
    """The same tables give the same id for the same finding, run after run."""
    first = ids_by_finding(run_checks(broken))
    for _ in range(3):
        assert ids_by_finding(run_checks(broken_tables())) == first


def only_comparator(tables):
    (row,) = (
        run_checks(tables, {"missing_comparator": {}})
        .filter(pl.col("rule_id") == "missing_comparator")
        .rows(named=True)
    )
    return row


def test_finding_id_survives_a_row_inserted_before_it():
    """Inserting an unrelated indicator above moves the finding from row 1 to row 2 but keeps its id."""
    target = (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "26场")
    before = only_comparator(make_tables([P], clean_with((1, target))))
    inserted = (1, "产出指标", "数量指标", "讲座期数", "全年举办讲座的期数", "≥5期")
    after = only_comparator(make_tables([P], [inserted, *clean_with((1, target))]))
    assert (before["seq"], after["seq"]) == (1, 2)
    assert after["finding_id"] == before["finding_id"]


def test_finding_id_changes_when_the_target_changes():
    """``26场`` and ``27场`` are different defects: different ids."""
    row = (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "26场")
    changed = (*row[:5], "27场")
    first = only_comparator(make_tables([P], clean_with((1, row))))
    second = only_comparator(make_tables([P], clean_with((1, changed))))
    assert first["seq"] == second["seq"] == 1
    assert first["finding_id"] != second["finding_id"]


# settings -----------------------------------------------------------------------------------------


def test_disabling_a_rule_removes_only_its_findings(broken):
    """``enabled: False`` drops every bare_wan finding and nothing else."""
    everything = run_checks(broken)
    without = run_checks(broken, {"bare_wan": {"enabled": False}})
    assert without.filter(pl.col("rule_id") == "bare_wan").height == 0
    assert_frame_equal(without, everything.filter(pl.col("rule_id") != "bare_wan"))


def test_overrides_change_outcomes_through_run_checks(broken):
    """fund_split tolerance 0.6 accepts project 1's 4.0 + 0.5 vs 5.0; min_projects=4 clears the
    three-project boilerplate finding; other rules are untouched."""
    overrides = {"fund_split": {"tolerance_wan": 0.6}, "boilerplate_satisfaction": {"min_projects": 4}}
    loose = Counter(numbered(broken, run_checks(broken, overrides)))
    expected = Counter(
        {k: n for k, n in BROKEN_PLACES.items() if k[0] not in {"fund_split", "boilerplate_satisfaction"}}
    )
    assert loose == expected


def test_overrides_do_not_leak_into_the_defaults(broken):
    """A run with overrides leaves the documented defaults as they were."""
    run_checks(broken, {"missing_level1": {"required": ["产出指标"]}, "fund_split": {"tolerance_wan": 9.0}})
    settings = resolve_settings(None)
    assert settings["missing_level1"]["required"] == ["产出指标", "效益指标", "满意度指标"]
    assert settings["fund_split"]["tolerance_wan"] == 0.005


def test_resolve_settings_merges_overrides_into_defaults():
    """Every rule is enabled with its defaults; an int is accepted where the default is a float."""
    settings = resolve_settings({"cost_vs_budget": {"tolerance_wan": 1}, "bare_wan": {"enabled": False}})
    assert set(settings) == set(RULES)
    assert settings["cost_vs_budget"] == {"enabled": True, "tolerance_wan": 1}
    assert settings["bare_wan"] == {"enabled": False}
    assert settings["self_repeating_name"] == {"enabled": True, "min_repeat": 4}


@pytest.mark.parametrize(
    ("overrides", "place"),
    [
        ({"no_such_rule": {}}, "checks.no_such_rule"),
        ({"cost_vs_budget": {"tolerance": 0.1}}, "checks.cost_vs_budget.tolerance"),
        ({"cost_vs_budget": {"tolerance_wan": "0.1"}}, "checks.cost_vs_budget.tolerance_wan"),
        ({"boilerplate_satisfaction": {"min_projects": True}}, "checks.boilerplate_satisfaction.min_projects"),
        ({"missing_level1": {"required": "产出指标"}}, "checks.missing_level1.required"),
        ({"bare_wan": {"enabled": "no"}}, "checks.bare_wan.enabled"),
    ],
    ids=["unknown-rule", "unknown-param", "str-for-float", "bool-for-int", "str-for-list", "str-for-bool"],
)
def test_resolve_settings_rejects_unknown_or_wrongly_typed_settings(overrides, place):
    """Unknown rule ids and parameters, and values of the wrong type, are an InputError naming the setting."""
    with pytest.raises(InputError) as raised:
        resolve_settings(overrides, "my-params.yml")
    assert raised.value.file == "my-params.yml"
    assert raised.value.place == place


def test_run_checks_rejects_bad_settings_before_running(broken):
    """run_checks raises the same InputError for an unknown rule."""
    with pytest.raises(InputError, match="未知的规则编号"):
        run_checks(broken, {"no_such_rule": {"enabled": False}})


# the catalogue ------------------------------------------------------------------------------------

_CRITERION_MODULE = {
    "完整性": "completeness",
    "相关性": "relevance|measurable",  # the goals (relevance) and 细化、量化 (measurable)
    "适当性": "appropriateness",
    "可行性": "feasibility",
    "异常分析": "outliers|copy_paste|year_over_year",  # one module per analytic
}


def test_catalogue_has_one_described_row_per_rule():
    """One row per rule with a Chinese title, a known severity and criterion, and a basis."""
    catalogue = rule_catalogue()
    assert catalogue["rule_id"].to_list() == list(RULES)
    for row in catalogue.iter_rows(named=True):
        assert re.search(r"[\u4e00-\u9fff]", row["title"]), row
        assert row["severity"] in {"high", "medium", "low"}, row
        assert row["criterion"] in _CRITERION_MODULE, row
        assert row["basis"], row


def test_catalogue_lists_default_parameters():
    """The params column spells out each rule's defaults."""
    params = dict(rule_catalogue().select("rule_id", "params").iter_rows())
    assert params["cost_vs_budget"] == "tolerance_wan=0.005"
    assert params["missing_target"] == ""


def test_every_rule_lives_in_the_module_of_its_criterion():
    """A 可行性 rule is defined in feasibility.py, and so on."""
    for rule in RULES.values():
        module = rule.check.__module__.removeprefix("perfkit.checks.")
        assert module in _CRITERION_MODULE[rule.criterion].split("|"), rule.id


def test_every_rule_has_tests_in_this_folder():
    """Each rule id in the catalogue appears in a criterion test module here (a new rule needs tests)."""
    here = Path(__file__).parent
    text = "".join(p.read_text(encoding="utf-8") for p in here.glob("test_*.py") if p.name != "test_engine.py")
    assert [rid for rid in RULES if f'"{rid}"' not in text] == []


def test_unit_rules_run_on_chunks_of_whole_units_with_the_same_result(seed_tables, monkeypatch):
    """Chunking is only a speed-up: with one unit per chunk the findings are identical, ids included."""
    from perfkit.checks import engine

    whole = run_checks(seed_tables)
    chunks = engine.unit_chunks(seed_tables, size=1)
    assert [sorted(set(c.projects["unit_code"])) for c in chunks] == [["562202"], ["562301"]]
    assert sum(c.indicators.height for c in chunks) == seed_tables.indicators.height
    monkeypatch.setattr(engine, "CHUNK_INDICATORS", 1)
    assert_frame_equal(run_checks(seed_tables), whole)


def test_rules_that_compare_units_see_the_whole_portfolio():
    portfolio = {rid for rid, r in RULES.items() if r.scope == "portfolio"}
    assert portfolio == {"unit_cost_outlier", "satisfaction_outlier", "copy_paste_indicator"}


def test_finding_id_is_sha256_of_rule_project_name_and_evidence_with_a_rank_for_repeats():
    """Two identical rows without a comparator: the first id is SHA-256 of
    ``rule|project|level2/name|evidence``, the second of the same text with ``|1`` appended."""
    import hashlib

    row = (1, "产出指标", "数量指标", "公益活动场次", "全年开展公益活动的场次", "26场")
    tables = make_tables([P], [*clean_with((1, row)), row])
    found = run_checks(tables).filter(pl.col("rule_id") == "missing_comparator").sort("seq")
    project = tables.projects["project_id"][0]
    text = f"missing_comparator|{project}|数量指标/公益活动场次|指标值：26场"
    expected = [hashlib.sha256(t.encode()).hexdigest()[:12] for t in (text, text + "|1")]
    assert found["finding_id"].to_list() == expected


def test_a_unit_without_indicators_keeps_its_projects_when_chunked(monkeypatch):
    """Units 100002 and 100001 (in that row order) have indicators, unit 100003 only a project.

    Worked by hand: with one unit per chunk the chunks follow the rows (100002, then 100001) and
    100003's project rides with the last chunk, so it is still found without its three groups
    (产出、效益、满意度), without a money cost (cost_vs_budget cannot judge) and without an indicator
    for its goal, as unchunked. Before, that project fell out of every chunk.
    """
    from perfkit.checks import engine

    projects = [P | {"unit_code": "100002"}, P | {"unit_code": "100001"}, P | {"unit_code": "100003"}]
    tables = make_tables(projects, [(1, *r[1:]) for r in CLEAN] + [(2, *r[1:]) for r in CLEAN])
    whole = run_checks(tables)
    chunks = engine.unit_chunks(tables, size=1)
    assert [c.indicators["unit_code"].unique().to_list() for c in chunks] == [["100002"], ["100001"]]
    assert [c.projects["unit_code"].to_list() for c in chunks] == [["100002"], ["100001", "100003"]]
    monkeypatch.setattr(engine, "CHUNK_INDICATORS", 1)
    chunked = run_checks(tables)
    assert_frame_equal(chunked, whole)
    lonely = tables.projects["project_id"][2]
    found = Counter(chunked.filter(pl.col("project_id") == lonely)["rule_id"])
    assert found == Counter({"missing_level1": 3, "cost_vs_budget": 1, "goal_without_indicator": 1})


def test_rules_that_compare_units_read_only_the_portfolio_columns():
    """The same text in two projects (a copy-paste finding, worked by hand: project 2 row 1 copies
    project 1 row 1): the portfolio rules find the same on the narrow columns as on all of them."""
    from perfkit.checks import engine

    text = "举办全市妇女创业创新大赛决赛及颁奖典礼活动"
    row = ("产出指标", "数量指标", text, text, "≥1场")
    tables = engine.checked_view(make_tables([P, P], [(1, *row), (2, *row)]))
    settings = resolve_settings(None)
    places = engine.positions(tables.projects)
    narrow = engine.ordered_findings([engine.check_portfolio(engine.portfolio_view(tables), settings, places)])
    wide = engine.ordered_findings([engine.check_portfolio(tables, settings, places)])
    assert narrow["rule_id"].to_list() == ["copy_paste_indicator"]
    assert_frame_equal(narrow, wide)
