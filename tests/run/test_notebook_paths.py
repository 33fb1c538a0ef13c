"""The unit notebook gets its paths relative to the unit folder; the auditor's messages still name them as given."""

from __future__ import annotations

from pathlib import Path

from perfkit.cli import main
from perfkit.run.notebook import _named_as_given
from perfkit.run.params import relative_parameters


def test_relative_parameters_are_relative_to_the_unit_folder():
    params = {"targets": ["/a/data/t", "/a/build/x.txt"], "actuals": ["/b/s.csv"], "output_dir": "/a/build",
              "review_store": "/a/store.sqlite"}  # fmt: skip
    # worked by hand from /a/build/units/562301
    assert relative_parameters(params, Path("/a/build/units/562301")) == {
        "targets": ["../../../data/t", "../../x.txt"],
        "actuals": ["../../../../b/s.csv"],
        "output_dir": ".",
        "review_store": "../../../store.sqlite",
    }


def test_a_kernel_error_names_the_input_as_this_process_knows_it():
    relative = {"targets": ["../../d", "../../d/t.csv"], "actuals": []}
    known = {"targets": ["/w/d", "/w/d/t.csv"], "actuals": []}
    # the longest relative path that starts the message is the one it names
    assert _named_as_given("../../d/t.csv: 第1行: 坏", relative, known) == "/w/d/t.csv: 第1行: 坏"
    assert _named_as_given("../../d/u.csv: 坏", relative, known) == "/w/d/u.csv: 坏"
    assert _named_as_given("562301: unit_code: 没有", relative, known) == "562301: unit_code: 没有"


def test_a_bad_input_found_in_the_kernel_is_named_with_its_own_path(tmp_path, capsys):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "t.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    params = tmp_path / "p.yaml"
    params.write_text('unit_code: "562301"\nyear: 2025\ntargets: [d/t.csv]\n', encoding="utf-8")
    assert main(["run", str(params), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"错误: {params}: {tmp_path / 'd' / 't.csv'}: 未找到表头行"), err
