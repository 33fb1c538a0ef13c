"""The bundled seed (Word plain-text export) loads into the values worked out by hand."""

from __future__ import annotations

import pytest

from tests.seed_expected import INDICATORS, PROJECTS

INDICATOR_FIELDS = (
    "level1", "level2", "name", "description", "target_raw", "target_op", "target_value", "target_unit", "target_kind",
)  # fmt: skip
PROJECT_FIELDS = tuple(PROJECTS[0])


def test_seed_has_seven_projects_and_109_indicators(seed_tables):
    assert seed_tables.projects.height == 7
    assert seed_tables.indicators.height == 109


def test_projects_per_unit(seed_tables):
    counts = dict(seed_tables.projects.group_by("unit_code").len().iter_rows())
    assert counts == {"562202": 2, "562301": 5}


def test_budgets_and_split(seed_tables):
    rows = seed_tables.projects.select("budget_total", "budget_fiscal", "budget_other").rows()
    assert rows == [
        (5.0, 5.0, 0.0),
        (12.0, 12.0, 0.0),
        (27.0, 27.0, 0.0),
        (203.0, 203.0, 0.0),
        (30.0, 30.0, 0.0),
        (40.0, 40.0, 0.0),
        (74.0, 0.0, 74.0),
    ]


@pytest.mark.parametrize("number", range(1, len(PROJECTS) + 1))
def test_project_fields(seed_tables, number):
    loaded = seed_tables.projects.row(number - 1, named=True)
    expected = PROJECTS[number - 1]
    assert {f: loaded[f] for f in PROJECT_FIELDS} == expected


@pytest.mark.parametrize("expected", INDICATORS, ids=lambda row: f"p{row[0]}-{row[1]}")
def test_indicator(seed_tables, expected):
    project_no, seq, *values = expected
    project_id = seed_tables.projects["project_id"][project_no - 1]
    loaded = seed_tables.indicators.filter(project_id=project_id, seq=seq)
    assert loaded.height == 1
    assert loaded.select(INDICATOR_FIELDS).row(0) == tuple(values)


def test_every_level1_is_filled_from_its_merged_cell(seed_tables):
    assert seed_tables.indicators["level1"].null_count() == 0
    # project 1, seq 2 has an empty level-1 cell in the source (line 39) that continues 产出指标
    first = seed_tables.indicators.filter(seq=2).row(0, named=True)
    assert first["level1"] == "产出指标"
    assert first["source_ref"] == "第39行"


def test_project_ids_are_stable_and_unique(seed_tables):
    from perfkit.load import load_targets
    from tests.conftest import SEED

    again = load_targets(SEED)
    assert again.projects["project_id"].to_list() == seed_tables.projects["project_id"].to_list()
    assert seed_tables.projects["project_id"].n_unique() == 7
    assert all(
        pid.startswith(code + "-") for pid, code in seed_tables.projects.select("project_id", "unit_code").rows()
    )


def test_indicators_carry_their_unit_code(seed_tables):
    joined = seed_tables.indicators.join(seed_tables.projects, on="project_id", suffix="_project")
    assert (joined["unit_code"] == joined["unit_code_project"]).all()


def test_project_part_read_as_written(tmp_path):
    """单位：元 scales the budgets to 万元; the unlabelled row under 预算规模及资金用途 is the purpose;
    a goal cell that runs over two lines keeps both."""
    from perfkit.load import load_targets
    from tests.badinput.inputs import word_text

    text = word_text(budget="50,000", fiscal="30000", other="20000").replace("单位：万元", "单位：元")
    text = text.replace("\t1.开展培训不少于2场\n", "\t1.开展培训不少于2场\n2.提升参与度\n")
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    project = load_targets(path).projects.row(0, named=True)
    assert (project["unit_code"], project["unit_name"], project["year"]) == ("100001", "示例单位", 2025)
    assert (project["budget_total"], project["budget_fiscal"], project["budget_other"]) == (5.0, 3.0, 2.0)
    assert project["purpose"] == "用于开展示例活动"
    assert project["goal_text"] == "1.开展培训不少于2场\n2.提升参与度"
