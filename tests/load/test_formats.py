"""Every source format with the seed's content gives the same tables as the seed itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from perfkit.load import load_targets
from tests.builders import write_docx, write_flat
from tests.seed_expected import INDICATORS, PROJECTS

# where a row came from differs by format by design; everything else must be identical
PLACE_COLUMNS = ["source_file", "source_ref"]


def assert_same_tables(loaded, seed_tables):
    assert_frame_equal(loaded.projects.drop(PLACE_COLUMNS), seed_tables.projects.drop(PLACE_COLUMNS))
    assert_frame_equal(loaded.indicators.drop("source_ref"), seed_tables.indicators.drop("source_ref"))


def test_docx_with_merged_cells(tmp_path, seed_tables):
    path = write_docx(tmp_path / "targets.docx", PROJECTS, INDICATORS)
    loaded = load_targets(path)
    assert_same_tables(loaded, seed_tables)
    assert loaded.indicators["source_ref"][0] == "表1第8行"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("layout", ["inline", "split"])
@pytest.mark.parametrize("headers", ["zh", "en"])
def test_flat_tables(tmp_path, seed_tables, suffix, layout, headers):
    path = write_flat(tmp_path / f"targets{suffix}", PROJECTS, INDICATORS, layout=layout, headers=headers)
    assert_same_tables(load_targets(path), seed_tables)


def test_format_is_detected_from_content_not_suffix(tmp_path, seed_tables):
    docx = write_docx(tmp_path / "a.docx", PROJECTS, INDICATORS)
    disguised = tmp_path / "targets.bin"
    shutil.copy(docx, disguised)
    assert_same_tables(load_targets(disguised), seed_tables)
    text = tmp_path / "export.docx"  # a Word text export saved with the wrong suffix
    shutil.copy(seed_tables.projects["source_file"][0], text)
    assert_same_tables(load_targets(text), seed_tables)


def test_gbk_text_export_is_read(tmp_path, seed_tables):
    source = seed_tables.projects["source_file"][0]
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(Path(source).read_text(encoding="utf-8").encode("gb18030"))
    assert_same_tables(load_targets(gbk), seed_tables)


def test_folder_loads_every_file_in_name_order(tmp_path, seed_tables):
    write_flat(tmp_path / "b.csv", PROJECTS[:2], [i for i in INDICATORS if i[0] <= 2])
    write_flat(tmp_path / "a.xlsx", PROJECTS[2:], [(i[0] - 2, *i[1:]) for i in INDICATORS if i[0] > 2])
    loaded = load_targets(tmp_path)
    assert loaded.projects["unit_code"].to_list() == ["562301"] * 5 + ["562202"] * 2
    assert loaded.indicators.height == 109


def test_same_project_twice_keeps_both_with_distinct_ids(tmp_path, seed_tables):
    source = seed_tables.projects["source_file"][0]
    loaded = load_targets(source, source)
    ids = loaded.projects["project_id"]
    assert ids.n_unique() == 14
    assert ids[7] == ids[0] + "-2"


def test_bare_wan_only_reads_as_money_on_cost_indicators():
    from perfkit.load.layout.assemble import assemble

    projects = pl.DataFrame(
        {
            "unit_code": ["100001"],
            "unit_name": ["示例单位"],
            "year": [2025],
            "project_name": ["示例项目"],
            "budget_total": [1.0],
            "budget_fiscal": [1.0],
            "budget_other": [0.0],
            "purpose": [""],
            "goal_text": [""],
            "source_file": ["x"],
            "source_ref": ["第1行"],
            "_file": ["x"],
            "_key": [0],
        }
    )
    indicators = pl.DataFrame(
        {
            "_file": ["x", "x"],
            "_key": [0, 0],
            "level1": ["产出指标", "效益指标"],
            "level2": ["成本指标", "社会效益指标"],
            "name": ["培训费", "受益人数"],
            "description": ["", ""],
            "target_raw": ["≤2万", "≥1万"],
            "source_ref": ["第2行", "第3行"],
        }
    )
    _, loaded = assemble(projects, indicators)
    assert loaded["target_unit"].to_list() == ["万元", "万"]


def test_a_portfolio_split_over_many_files_gives_the_same_tables(tmp_path, seed_tables):
    for i in range(1, 8):
        project = [p for j, p in enumerate(PROJECTS, start=1) if j == i]
        write_flat(tmp_path / f"p{i}.csv", project, [(1, *row[1:]) for row in INDICATORS if row[0] == i])
    assert_same_tables(load_targets(tmp_path), seed_tables)


def test_an_error_in_one_of_many_files_names_its_file(tmp_path):
    from perfkit.errors import InputError

    write_flat(tmp_path / "a.csv", PROJECTS[:1], [row for row in INDICATORS if row[0] == 1])
    (tmp_path / "b.csv").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"b\.csv: 文件为空"):
        load_targets(tmp_path)


def test_loading_from_a_script_without_a_main_guard_runs_the_script_once(tmp_path):
    """An auditor's plain script (no ``if __name__ == "__main__":``) loading 100 files: perfkit
    starts no process that would import the script again (a spawned pool ran it once per worker)."""
    folder = tmp_path / "targets"
    folder.mkdir()
    for i in range(100):
        write_flat(folder / f"p{i:03d}.csv", PROJECTS[:1], [row for row in INDICATORS if row[0] == 1])
    runs = tmp_path / "runs.txt"
    script = tmp_path / "audit.py"
    script.write_text(
        "import perfkit\n"
        f"with open({str(runs)!r}, 'a') as f: f.write('ran\\n')\n"
        f"print(perfkit.load_targets({str(folder)!r}).projects.height)\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "100", "")
    assert runs.read_text() == "ran\n"


def test_csv_places_are_lines_as_an_editor_shows_them(tmp_path):
    """A goal cell quoted over three lines (lines 2-4) pushes the second record down to line 5, where
    its text budget is reported; the width error of a later record names its own line (7)."""
    from perfkit.errors import InputError
    from perfkit.load import load_targets

    header = "单位编码,年度,项目名称,预算数,绩效目标,一级指标,二级指标,三级指标,指标值\n"
    first = '100001,2025,示例项目,5,"1.开展培训\n2.提升质量\n3.宣传",产出指标,数量指标,培训场次,≥2场\n'
    second = "100001,2025,示例项目,五万,,满意度指标,服务对象满意度指标,满意度,≥90%\n"
    path = tmp_path / "t.csv"
    path.write_text(header + first + second, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_targets(path)
    assert caught.value.place == "第5行"
    path.write_text(header + first + second.replace("五万", "5") + "\n100001,2025,示例项目,5\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_targets(path)
    assert caught.value.place == "第7行"
