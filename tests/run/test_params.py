"""Unit parameter files: validated before anything runs, and they fit the notebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkit.errors import InputError
from perfkit.run.notebook import NOTEBOOK, notebook_parameters
from perfkit.run.params import UNIT_PARAMETERS, read_unit_params, run_key, unit_output_dir
from tests.conftest import ROOT

PARAMS = sorted((ROOT / "params").glob("*.yaml"))


def test_there_is_a_params_file_per_bundled_unit():
    assert [p.stem for p in PARAMS] == ["562202", "562301"]


@pytest.mark.parametrize("path", PARAMS, ids=lambda p: p.name)
def test_every_params_file_fits_the_notebook(path):
    params = read_unit_params(path)
    assert set(params) <= notebook_parameters(NOTEBOOK)
    assert params["unit_code"] == path.stem
    assert all(Path(p).is_absolute() and Path(p).exists() for p in params["targets"] + params["actuals"])


def test_notebook_declares_exactly_the_unit_parameters():
    assert notebook_parameters(NOTEBOOK) == set(UNIT_PARAMETERS)


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "targets").mkdir(exist_ok=True)
    path = tmp_path / "unit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = 'unit_code: "562301"\nyear: 2025\ntargets: [targets]\n'

BAD = {
    "unknown key": (GOOD + "colour: red\n", "colour: 未知的参数"),
    "year as text": (GOOD.replace("2025", '"2025年"'), "year: 应为 int"),
    "unit code of five digits": (GOOD.replace('"562301"', '"56230"'), "unit_code: 单位编码“56230”应为六位数字"),
    "unit code with a path": (GOOD.replace('"562301"', '"../../etc"'), "unit_code: 单位编码“../../etc”应为六位数字"),
    "unit code as a number": (GOOD.replace('"562301"', "562301"), "unit_code: 单位编码应写成带引号的字符串"),
    "targets not a list": (GOOD.replace("[targets]", "targets"), "targets: 应为 list"),
    "missing targets": ('unit_code: "562301"\nyear: 2025\n', "targets: 缺少必需的参数"),
    "missing path": (GOOD.replace("[targets]", "[nowhere]"), "targets: 路径不存在：nowhere"),
    "not a mapping": ("- 1\n- 2\n", "参数文件应是键值映射"),
    "broken yaml": ('unit_code: "562301\n', "YAML 格式错误"),
    "year_in_name not a bool": (GOOD + 'year_in_name: "yes"\n', "year_in_name: 应为 bool"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_params_are_refused_with_the_key(tmp_path, case):
    text, expected = BAD[case]
    with pytest.raises(InputError) as raised:
        read_unit_params(write(tmp_path, text))
    assert expected in raised.value.one_line()
    assert "unit.yaml" in raised.value.one_line()


def test_good_params_resolve_paths_against_the_file(tmp_path):
    params = read_unit_params(write(tmp_path, GOOD))
    assert params["targets"] == [str((tmp_path / "targets").resolve())]
    assert params["actuals"] == [] and params["checks"] == {}


def test_output_folder_stays_inside_the_root(tmp_path):
    assert unit_output_dir({"unit_code": "562301"}, tmp_path) == (tmp_path / "562301").resolve()
    with pytest.raises(InputError):
        unit_output_dir({"unit_code": ".."}, tmp_path)


def test_a_unit_audited_for_several_years_is_named_by_unit_and_year_where_asked(tmp_path):
    # worked by hand: GOOD is 562301 for 2025; with year_in_name its folder and key are 562301-2025
    params = read_unit_params(write(tmp_path, GOOD + "year_in_name: true\n"))
    assert params["year_in_name"] is True and run_key(params) == "562301-2025"
    assert unit_output_dir(params, tmp_path) == (tmp_path / "562301-2025").resolve()
    # without it (or false), as before: the parameters the notebook receives are unchanged
    for text in (GOOD, GOOD + "year_in_name: false\n"):
        params = read_unit_params(write(tmp_path, text))
        assert "year_in_name" not in params and run_key(params) == "562301"
    named = read_unit_params(
        write(tmp_path, 'unit_code: ""\nunit_name: 某区 妇联\nyear: 2024\ntargets: [targets]\nyear_in_name: true\n')
    )
    assert run_key(named) == "某区_妇联-2024"
