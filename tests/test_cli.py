"""The command line: outputs of ``perfkit extract`` and one-line errors on bad input."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from perfkit.cli import main
from tests.builders import write_flat
from tests.conftest import ROOT, SEED
from tests.seed_expected import INDICATORS, PROJECTS

SEED_LINES = SEED.read_text(encoding="utf-8").splitlines(keepends=True)


def run_extract(capsys, *args: str | Path) -> tuple[int, str, str]:
    status = main(["extract", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_extract_writes_both_tables_in_csv_and_parquet(tmp_path, capsys):
    status, out, _ = run_extract(capsys, SEED, "-o", tmp_path)
    assert status == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "indicators.csv", "indicators.parquet", "projects.csv", "projects.parquet",
    ]  # fmt: skip
    assert "7 个项目" in out and "109 条指标" in out
    projects = pl.read_csv(tmp_path / "projects.csv", infer_schema=False)
    assert projects["budget_total"].cast(pl.Float64).to_list() == [5, 12, 27, 203, 30, 40, 74]
    indicators = pl.read_parquet(tmp_path / "indicators.parquet")
    assert indicators.height == 109
    assert indicators.filter(target_raw="≥95百分比")["target_unit"].unique().to_list() == ["%"]


def test_extract_output_is_reproducible(tmp_path, capsys):
    run_extract(capsys, SEED, "-o", tmp_path / "a")
    run_extract(capsys, SEED, "-o", tmp_path / "b")
    for name in ("projects.csv", "indicators.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def write_text(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def truncated_mid_row(tmp_path: Path) -> Path:
    # the file ends after three cells of the row that starts on line 866 (empty level-1 cell)
    return write_text(tmp_path / "cut.txt", SEED_LINES[:868])


def truncated_before_header(tmp_path: Path) -> Path:
    # the last project's table stops after its 绩效目标 row (line 833)
    return write_text(tmp_path / "cut.txt", SEED_LINES[:834])


def text_with_bad_budget(tmp_path: Path) -> Path:
    lines = list(SEED_LINES)
    assert lines[9] == "\t5.00\n"
    lines[9] = "\t五万元\n"
    return write_text(tmp_path / "budget.txt", lines)


def xlsx_without_target_column(tmp_path: Path) -> Path:
    import openpyxl

    path = write_flat(tmp_path / "flat.xlsx", PROJECTS, INDICATORS)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet.delete_cols(14)  # 指标值
    book.save(path)
    return path


FLAT_HEADER = "单位编码,项目名称,预算数,一级指标,二级指标,三级指标,指标值\n"
FLAT_ROW = "562202,示例项目,5.00,产出指标,数量指标,培训场次,≥2场\n"


def flat_csv(path: Path, third_line: str) -> Path:
    """A two-row flat CSV whose second data row (line 3) is ``third_line``."""
    return write_text(path, [FLAT_HEADER, FLAT_ROW, third_line])


BAD_INPUTS = {
    "empty file": (lambda d: write_text(d / "empty.txt", []), "empty.txt: 文件为空"),
    "blank file": (lambda d: write_text(d / "blank.csv", ["\n", "  \n"]), "blank.csv: 文件为空"),
    "truncated mid-row": (truncated_mid_row, "cut.txt: 第866行: 指标行有3个单元格，表头有5个"),
    "truncated before header": (truncated_before_header, "cut.txt: 第811行: 表格“2025年寻找最美家庭"),
    "non-numeric budget in text": (text_with_bad_budget, "budget.txt: 第10行: 预算数“五万元”不是数字"),
    "docx that is not a zip": (
        lambda d: write_text(d / "t.docx", ["这不是 Word 文件\n"]),
        "t.docx: 不是有效的 .docx 文件（不是 zip 压缩包）",
    ),
    "zip that is not docx": (lambda d: _zip(d / "t.docx"), "t.docx: 是 zip 压缩包，但既不是 .docx 也不是 .xlsx"),
    "xlsx without required column": (
        xlsx_without_target_column,
        "flat.xlsx: 工作表“Sheet1”第1行: 缺少必需的列：指标值",
    ),
    "non-numeric budget in csv": (
        lambda d: flat_csv(d / "flat.csv", "562202,示例项目二,约5万,产出指标,数量指标,培训场次,≥2场\n"),
        "flat.csv: 第3行: 预算数“约5万”不是数字",
    ),
    "row with wrong column count": (
        lambda d: flat_csv(d / "flat.csv", "562202,示例项目,5.00,产出指标,数量指标,≥2场\n"),
        "flat.csv: 第3行: 有6列，表头有7列",
    ),
    "missing file": (lambda d: d / "nowhere.txt", "nowhere.txt: 文件或文件夹不存在"),
    "legacy .doc": (
        lambda d: _bytes(d / "old.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 100),
        "old.doc: 旧版 Office 二进制文件已损坏",
    ),
}


def _zip(path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_one_line_naming_file_and_place(tmp_path, capsys, case):
    make, expected = BAD_INPUTS[case]
    source = make(tmp_path)
    out_dir = tmp_path / "out"
    # --strict: a part that cannot be read refuses the file too (without it, tests/load/test_unreadable.py)
    status, _, err = run_extract(capsys, source, "-o", out_dir, "--strict")
    assert status == 1
    assert err.count("\n") == 1 and err.startswith("错误: ")
    assert expected in err
    assert str(source) in err
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_failed_run_leaves_previous_outputs_untouched(tmp_path, capsys):
    out_dir = tmp_path / "out"
    run_extract(capsys, SEED, "-o", out_dir)
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    empty = write_text(tmp_path / "empty.txt", [])
    status, _, _ = run_extract(capsys, SEED, empty, "-o", out_dir)
    assert status == 1
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before


def test_console_script_exit_codes_and_no_traceback(tmp_path):
    perfkit = Path(sys.executable).parent / "perfkit"
    empty = write_text(tmp_path / "empty.txt", [])
    bad = subprocess.run([perfkit, "extract", empty, "-o", tmp_path / "o"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    usage = subprocess.run([perfkit, "extract"], capture_output=True, text=True)
    assert usage.returncode == 2


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_raw_data_is_untouched_by_extract(tmp_path, capsys):
    raw = ROOT / "data" / "raw"
    before = _digest(raw)
    mtimes = {p: os.stat(p).st_mtime_ns for p in raw.rglob("*")}
    assert run_extract(capsys, raw / "targets", "-o", tmp_path)[0] == 0
    assert _digest(raw) == before
    assert {p: os.stat(p).st_mtime_ns for p in raw.rglob("*")} == mtimes


def test_version_batch_default_and_skipped_files_are_named(tmp_path, capsys):
    """``perfkit --version``; ``batch`` writes to build/units by default; a folder's unread files are named."""
    from perfkit import cli

    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.strip() == "perfkit 0.1.0"
    assert cli.build_parser().parse_args(["batch", "params"]).output == Path("build/units")
    folder = tmp_path / "targets"
    (folder / "old").mkdir(parents=True)
    shutil.copy(Path(__file__).parents[1] / "data/raw/targets/tianjin-womens-federation-2025-targets.txt", folder)
    (folder / "README.md").write_text("说明", encoding="utf-8")
    assert cli.main(["check", str(folder), "-o", str(tmp_path / "f.csv")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"跳过：{folder / 'README.md'}：说明文件、隐藏文件或 Office 临时文件，不读取",
        f"跳过：{folder / 'old'}：子文件夹，不读取（文件夹不递归）",
    ]
