"""Sampling for follow-up testing: reproducible, weighted by budget for MUS, key items always in."""

from __future__ import annotations

import itertools
from collections import Counter

import openpyxl
import polars as pl
import pytest

from perfkit.errors import InputError
from perfkit.report.workbook import write_workbook
from perfkit.review.sample import default_seed, draw, indicator_population, sample_params, sample_unit
from perfkit.run.unit import audit_unit
from tests.conftest import SEED

TEN_THIRTY_SIXTY = pl.DataFrame({"item_id": ["a", "b", "c"], "label": ["甲", "乙", "丙"], "value": [10.0, 30.0, 60.0]})
TWENTY = pl.DataFrame(
    {"item_id": [f"p{i:02d}" for i in range(20)], "label": ["x"] * 20, "value": [float(i + 1) for i in range(20)]}
)


def frequencies(population: pl.DataFrame, draws: int, **kwargs) -> dict[str, float]:
    counts = Counter(i for seed in range(draws) for i in draw(population, seed=seed, **kwargs).selection["item_id"])
    return {item: n / draws for item, n in sorted(counts.items())}


@pytest.mark.parametrize("method", ["random", "systematic", "mus"])
def test_the_same_seed_draws_the_same_sample_in_any_row_order(method):
    first = draw(TWENTY, size=5, method=method, seed=42, key=["p03"], largest=2)
    again = draw(TWENTY, size=5, method=method, seed=42, key=["p03"], largest=2)
    shuffled = draw(TWENTY.sample(fraction=1.0, shuffle=True, seed=1), size=5, method=method, seed=42, key=["p03"],
                    largest=2)  # fmt: skip
    assert first.selection.equals(again.selection) and first.selection.equals(shuffled.selection)
    assert first.record == again.record
    other = {tuple(draw(TWENTY, size=5, method=method, seed=s).selection["item_id"]) for s in range(10)}
    assert len(other) > 1  # the seed matters


def test_mus_selects_in_proportion_to_budget():
    # budgets 10/30/60, one draw: probabilities 0.1 / 0.3 / 0.6; 2000 seeds, tolerance 0.03 (≈3 standard errors)
    observed = frequencies(TEN_THIRTY_SIXTY, 2000, size=1, method="mus")
    for item, expected in {"a": 0.1, "b": 0.3, "c": 0.6}.items():
        assert observed[item] == pytest.approx(expected, abs=0.03)


def test_mus_takes_an_item_at_least_one_interval_wide_with_certainty():
    # two draws over 100: interval 50, so c (60) is always selected; a and b share the other point 1:3
    observed = frequencies(TEN_THIRTY_SIXTY, 500, size=2, method="mus")
    assert observed["c"] == 1.0
    assert observed["a"] == pytest.approx(0.2, abs=0.05) and observed["b"] == pytest.approx(0.6, abs=0.05)


def test_simple_random_gives_every_item_the_same_chance():
    observed = frequencies(TEN_THIRTY_SIXTY, 1000, size=1, method="random")
    assert all(f == pytest.approx(1 / 3, abs=0.05) for f in observed.values())


def test_systematic_takes_every_kth_item_from_a_random_start():
    for seed in range(20):
        picked = draw(TWENTY, size=5, method="systematic", seed=seed).selection["item_id"].to_list()
        numbers = [int(i[1:]) for i in picked]
        assert len(numbers) == 5 and {b - a for a, b in itertools.pairwise(numbers)} == {4}


@pytest.mark.parametrize("method", ["random", "systematic", "mus"])
def test_key_items_are_always_in_and_never_drawn_again(method):
    for seed in range(100):
        sample = draw(TWENTY, size=3, method=method, seed=seed, key=["p00", "p05"], largest=2)
        reasons = dict(sample.selection.select("item_id", "reason").iter_rows())
        assert {k: reasons.get(k) for k in ("p19", "p18", "p00", "p05")} == {
            "p19": "key_largest", "p18": "key_largest", "p00": "key_findings", "p05": "key_findings",
        }  # fmt: skip
        assert sample.selection.height == 4 + sum(1 for r in reasons.values() if r == "drawn")
        assert 1 <= sum(1 for r in reasons.values() if r == "drawn") <= 3


def test_a_sample_larger_than_what_is_left_takes_everything():
    sample = draw(TEN_THIRTY_SIXTY, size=10, method="random", seed=1, key=["a"])
    assert sorted(sample.selection["item_id"]) == ["a", "b", "c"] and sample.size == 2


def test_the_record_says_how_to_reproduce_it():
    sample = draw(TEN_THIRTY_SIXTY, size=1, method="mus", seed=7)
    record = dict(sample.record)
    assert record["抽样方法"] == "货币单位抽样（按预算金额加权）（mus）" and record["随机种子"] == "7"
    assert record["总体"] == "项目，3 个" and record["总体金额（万元）"] == "100.00"
    assert record["抽样间距"].startswith("100.0000 万元，随机起点 ")
    assert record["选中"] == "、".join(sample.selection["item_id"])


def test_indicators_share_their_project_budget(seed_tables):
    population = indicator_population(seed_tables.projects, seed_tables.indicators)
    assert population.height == seed_tables.indicators.height
    assert population["value"].sum() == pytest.approx(seed_tables.projects["budget_total"].sum())
    assert population["item_id"][0].endswith("#001")


def test_unit_sample_keys_projects_with_high_findings(seed_tables):
    projects = seed_tables.projects.filter(unit_code="562301")
    findings = pl.DataFrame({"project_id": [projects["project_id"][0]], "seq": [1], "severity": ["high"]})
    sample = sample_unit(projects, seed_tables.indicators, findings, "562301", 2025, {"largest": 0, "size": 1})
    assert sample.seed == default_seed("562301", 2025)
    reasons = dict(sample.selection.select("item_id", "reason").iter_rows())
    assert reasons[projects["project_id"][0]] == "key_findings" and list(reasons.values()).count("drawn") == 1
    over = sample_unit(projects, seed_tables.indicators, findings, "562301", 2025, {"over": "indicators", "seed": 3})
    assert over.population == "indicators" and f"{projects['project_id'][0]}#001" in over.selection["item_id"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"method": "stratified"}, "sample.method: 应为 random / systematic / mus 之一"), ({"size": -1}, "sample.size: 应为非负整数"),
     ({"colour": 1}, "sample.colour: 未知的抽样参数"), ({"seed": "abc"}, "sample.seed: 应为非负整数")],
)  # fmt: skip
def test_bad_sample_parameters_are_refused(overrides, message):
    with pytest.raises(InputError) as raised:
        sample_params(overrides, "unit.yaml")
    assert raised.value.one_line().startswith(f"unit.yaml: {message}")


def test_the_workbook_records_the_sample(tmp_path):
    audit = audit_unit("562301", 2025, [str(SEED)], sample={"method": "systematic", "size": 1, "seed": 11})
    sheet = openpyxl.load_workbook(write_workbook(audit, tmp_path / "w.xlsx"))["抽样"]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    record = {r[0]: r[1] for r in rows[1:] if len(r) == 2}
    assert (
        record["抽样方法"] == "系统抽样（systematic）" and record["随机种子"] == "11" and record["总体"] == "项目，5 个"
    )
    table = rows[rows.index(["抽样对象编号", "项目编号", "序号", "名称", "金额（万元）", "选取原因", "命中次数"]) + 1 :]
    assert [r[0] for r in table] == audit.sample.selection["item_id"].to_list()
    assert record["选中"] == "、".join(r[0] for r in table)
