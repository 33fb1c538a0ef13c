"""From a folder of documents to an audit of every unit in it (issue 26): ``perfkit plan`` and
``perfkit batch FOLDER``, on a folder mixing units, formats, a self-evaluation and stray files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml

from perfkit.cli import main
from perfkit.run.discover import discover
from perfkit.run.unit import audit_unit
from tests.conftest import ROOT
from tests.load.html_docs import disclosure_page
from tests.load.layout_docs import write_docx
from tests.load.test_layouts import CENTRAL_BUDGET, central_table
from tests.seed_expected import INDICATORS, PROJECTS

RAW = ROOT / "data" / "raw"
SEED = RAW / "targets" / "tianjin-womens-federation-2025-targets.txt"
SELFEVAL = RAW / "selfeval" / "ILLUSTRATIVE-selfeval-tianjin-womens-federation-2025.txt"
CODELESS = "某市就业服务中心"  # the central-style table's 实施单位, named without a code


def selfeval_of_562301(path: Path) -> Path:
    """The bundled self-evaluation from its third form on: the five projects of 562301 only
    (forms 1 and 2 are 562202's, as its two projects come first in the targets)."""
    lines = SELFEVAL.read_text(encoding="utf-8").split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith("3.") and line.endswith("自评表"))
    path.write_text("\n".join(lines[start:]), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    """Two units in one Word export, a .docx of a unit without a code, a web page of a third unit,
    a self-evaluation of 562301, a stray README and a file that is no document at all."""
    docs = tmp_path / "docs"
    (docs / "exports").mkdir(parents=True)
    shutil.copy(SEED, docs / "exports")
    (docs / "区县").mkdir()
    write_docx(docs / "区县" / "就业服务.docx", "2025年就业服务项目绩效目标表", central_table(CENTRAL_BUDGET))
    (docs / "web").mkdir()
    hexi = [p | {"unit_code": "563001", "unit_name": "河西区妇女联合会"} for p in PROJECTS[:2]]
    page = disclosure_page(hexi, [i for i in INDICATORS if i[0] in (1, 2)])
    (docs / "web" / "hexi.htm").write_bytes(page.encode("gbk"))
    (docs / "selfeval").mkdir()
    selfeval_of_562301(docs / "selfeval" / "562301-自评.txt")
    (docs / "README.md").write_text("# 收到的文件\n", encoding="utf-8")
    (docs / "scan.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return docs


def test_discovery_finds_every_unit_pairs_the_selfevaluation_and_lists_the_rest(folder, tmp_path):
    found = discover([folder])
    export = str(folder / "exports" / SEED.name)
    # worked by hand from the files written above: four units, each audited for 2025
    assert found.units.select("unit_code", "unit_name", "year", "projects").rows() == [
        ("", CODELESS, 2025, 1),
        ("562202", "天津市妇女儿童社会服务中心", 2025, 2),
        ("562301", "天津市妇女联合会", 2025, 5),
        ("563001", "河西区妇女联合会", 2025, 2),
    ]
    files = {
        (r["unit_code"] or r["unit_name"]): (r["targets"], r["actuals"]) for r in found.units.iter_rows(named=True)
    }
    assert files == {
        CODELESS: ([str(folder / "区县" / "就业服务.docx")], []),
        "562202": ([export], []),  # the self-evaluation is 562301's only
        "562301": ([export], [str(folder / "selfeval" / "562301-自评.txt")]),
        "563001": ([str(folder / "web" / "hexi.htm")], []),
    }
    without = dict(zip(found.units["unit_code"], found.units["without_selfeval"].to_list(), strict=True))
    assert without["562301"] == []  # its five projects each have a form in the self-evaluation
    assert without["562202"] == [p["project_name"] for p in PROJECTS[:2]]
    assert found.unassigned.select("file", "reason").rows() == [
        (str(folder / "README.md"), "说明文件、隐藏文件或 Office 临时文件，不读取"),
        (str(folder / "scan.xlsx"), found.unassigned["reason"][1]),
    ]
    assert found.unassigned["reason"][1].startswith(f"{folder / 'scan.xlsx'}: ")  # the reader's own one line


def test_plan_writes_one_params_file_per_unit_with_paths_relative_to_it(folder, tmp_path, capsys):
    plans = tmp_path / "plans"
    assert main(["plan", str(folder), "-o", str(plans)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == [
        f"（无编码） {CODELESS} 2025年：目标表 1 个文件，自评表 0 个文件，项目 1 个，无自评的项目 1 个（2025年就业服务项目）",
        "562202 天津市妇女儿童社会服务中心 2025年：目标表 1 个文件，自评表 0 个文件，项目 2 个，"
        f"无自评的项目 2 个（{PROJECTS[0]['project_name']}、{PROJECTS[1]['project_name']}）",
        "562301 天津市妇女联合会 2025年：目标表 1 个文件，自评表 1 个文件，项目 5 个，每个项目都有自评",
        "563001 河西区妇女联合会 2025年：目标表 1 个文件，自评表 0 个文件，项目 2 个，"
        f"无自评的项目 2 个（{PROJECTS[0]['project_name']}、{PROJECTS[1]['project_name']}）",
    ]
    assert sorted(p.name for p in plans.glob("*.yaml")) == [
        "562202.yaml",
        "562301.yaml",
        "563001.yaml",
        f"{CODELESS}.yaml",
    ]
    params = yaml.safe_load((plans / "562301.yaml").read_text(encoding="utf-8"))
    assert params == {
        "unit_code": "562301", "year": 2025, "targets": [f"../docs/exports/{SEED.name}"],
        "actuals": ["../docs/selfeval/562301-自评.txt"], "checks": {}, "scoring": {}, "rescoring": {},
    }  # fmt: skip
    codeless = yaml.safe_load((plans / f"{CODELESS}.yaml").read_text(encoding="utf-8"))
    assert (codeless["unit_code"], codeless["unit_name"], codeless["targets"]) == (
        "",
        CODELESS,
        ["../docs/区县/就业服务.docx"],
    )
    listed = pl.read_csv(plans / "unassigned.csv")
    assert listed["file"].to_list() == [str(folder / "README.md"), str(folder / "scan.xlsx")]


def test_batch_over_the_folder_audits_each_unit_and_reruns_only_what_changed(folder, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(folder), "-o", str(out), "--jobs", "2"]) == 0, capsys.readouterr().err
    captured = capsys.readouterr()
    assert (
        "发现 4 个单位（目标表 3 个文件，自评表 1 个文件；本次读取 5 个文件），未归属 2 个" in captured.out
    )  # the unreadable one too
    assert f"未归属：{folder / 'scan.xlsx'}：" in captured.err
    for key in ("562202", "562301", "563001", CODELESS):
        assert (out / key / f"{key}-审计底稿.xlsx").is_file()
        assert (out / "params" / f"{key}.yaml").is_file()
    # the paired self-evaluation is scored as audit_unit scores it with the same two files
    expected = audit_unit(
        "562301", 2025, [str(folder / "exports" / SEED.name)], [str(folder / "selfeval" / "562301-自评.txt")]
    )
    scores = pl.read_parquet(out / "562301" / "project_scores.parquet")
    assert scores["total"].to_list() == expected.scorecard.project_scores["total"].to_list()
    assert not (out / "562202" / "project_scores.parquet").exists()  # no self-evaluation: no scores
    codeless = json.loads((out / CODELESS / "summary.json").read_text(encoding="utf-8"))
    assert (codeless["unit_code"], codeless["unit_name"], codeless["projects"]) == ("", CODELESS, 1)
    assert pl.read_csv(out / "unassigned.csv")["file"].to_list() == [
        str(folder / "README.md"),
        str(folder / "scan.xlsx"),
    ]

    # a re-run over the same folder reads nothing again and skips every unit
    assert main(["batch", str(folder), "-o", str(out), "--jobs", "2"]) == 0
    again = capsys.readouterr().out
    assert "本次读取 0 个文件" in again
    assert "批量审计：4 个单位，成功 4（其中未变化跳过 4），失败 0" in again

    # a changed web page re-runs its unit only
    page = folder / "web" / "hexi.htm"
    page.write_bytes(page.read_bytes().replace("≥26场".encode("gbk"), "≥27场".encode("gbk")))
    assert main(["batch", str(folder), "-o", str(out), "--jobs", "2"]) == 0
    assert "本次读取 1 个文件" in capsys.readouterr().out
    units = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["units"]
    assert {key for key, record in units.items() if not record["skipped"]} == {"563001"}

    # a removed document is named, and its unit's parameter file goes with it
    (folder / "区县" / "就业服务.docx").unlink()
    assert main(["batch", str(folder), "-o", str(out), "--jobs", "2"]) == 0
    err = capsys.readouterr().err
    assert f"已移除：{folder / '区县' / '就业服务.docx'}（上次属于 {CODELESS}）" in err
    assert not (out / "params" / f"{CODELESS}.yaml").exists()


def test_a_folder_with_nothing_to_audit_is_one_line_and_exit_1(tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "README.md").write_text("说明\n", encoding="utf-8")
    assert main(["batch", str(docs), "-o", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"错误: {docs}: 没有可审计的内容：既没有参数文件（*.yaml），也没有能归属单位的绩效目标表；"
        "只有 1 个文件：说明文件、隐藏文件或 Office 临时文件，不读取\n"
    )
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_a_word_export_is_read_as_a_selfevaluation_whenever_a_header_of_actuals_may_be_in_it():
    from perfkit.run.discover import _may_hold_selfeval

    # worked by hand: the label split over two lines of a cell, and spaced, is still 实际完成值
    assert _may_hold_selfeval("\t一级指标\n\t实际\n完成值\n")
    assert _may_hold_selfeval("\t实 际 完 成 值（单位）\n")
    assert _may_hold_selfeval(SELFEVAL.read_text(encoding="utf-8"))
    assert not _may_hold_selfeval(SEED.read_text(encoding="utf-8"))  # the targets: no column of actuals


def of_year(source: Path, path: Path, year: int) -> Path:
    """``source`` with its year 2025 (written 2025年 in every project name and heading) made ``year``."""
    path.write_text(source.read_text(encoding="utf-8").replace("2025年", f"{year}年"), encoding="utf-8")
    return path


@pytest.fixture
def years(tmp_path) -> Path:
    """The bundled targets of 2025 and the same targets as of 2024; 562301's self-evaluation of
    2024, and one of 2023 (a year without targets in the folder)."""
    docs = tmp_path / "years"
    docs.mkdir()
    shutil.copy(SEED, docs / "targets-2025.txt")
    of_year(SEED, docs / "targets-2024.txt", 2024)
    selfeval = selfeval_of_562301(tmp_path / "selfeval-2025.txt")
    of_year(selfeval, docs / "自评-2024.txt", 2024)
    of_year(selfeval, docs / "自评-2023.txt", 2023)
    return docs


def test_a_unit_with_targets_of_several_years_is_one_run_per_year(years, tmp_path):
    found = discover([years])
    t2024, t2025 = str(years / "targets-2024.txt"), str(years / "targets-2025.txt")
    # worked by hand: both units have targets of 2024 and 2025, so four runs, each named with its
    # year; the audit of 2025 sees the 2024 file (year over year), that of 2024 only its own
    assert found.units.select("unit_code", "year", "projects", "year_in_name", "targets", "actuals").rows() == [
        ("562202", 2024, 2, True, [t2024], []),
        ("562202", 2025, 2, True, [t2024, t2025], []),
        ("562301", 2024, 5, True, [t2024], [str(years / "自评-2024.txt")]),
        ("562301", 2025, 5, True, [t2024, t2025], []),
    ]
    # the self-evaluation of 2023 pairs with no targets: listed with the years the unit has
    assert found.unassigned.select("file", "unit_code", "year", "reason").rows() == [
        (
            str(years / "自评-2023.txt"),
            "562301",
            2023,
            "自评表为2023年，文件夹中没有该单位2023年的绩效目标表（有2024、2025年的），未配对",
        )
    ]


def test_plan_names_the_params_files_of_a_unit_with_several_years_by_year(years, tmp_path, capsys):
    plans = tmp_path / "plans"
    assert main(["plan", str(years), "-o", str(plans)]) == 0
    assert sorted(p.name for p in plans.glob("*.yaml")) == [
        "562202-2024.yaml",
        "562202-2025.yaml",
        "562301-2024.yaml",
        "562301-2025.yaml",
    ]
    params = yaml.safe_load((plans / "562301-2024.yaml").read_text(encoding="utf-8"))
    assert params == {
        "unit_code": "562301", "year": 2024, "targets": ["../years/targets-2024.txt"],
        "actuals": ["../years/自评-2024.txt"], "checks": {}, "scoring": {}, "rescoring": {}, "year_in_name": True,
    }  # fmt: skip
    out = capsys.readouterr().out
    assert "562301 天津市妇女联合会 2024年：目标表 1 个文件，自评表 1 个文件，项目 5 个，每个项目都有自评" in out
    assert "562301 天津市妇女联合会 2025年：目标表 2 个文件，自评表 0 个文件" in out


def test_batch_audits_each_year_and_moves_aside_a_folder_named_before_the_second_year(years, tmp_path, capsys):
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(years / "targets-2025.txt", first)
    out = tmp_path / "out"
    # one year: named by unit only, as before
    assert main(["batch", str(first), "-o", str(out), "--jobs", "2"]) == 0, capsys.readouterr().err
    assert (out / "562301" / "562301-审计底稿.xlsx").is_file()
    capsys.readouterr()

    # the 2024 documents arrive: each unit runs per year, its folder of before is moved aside
    for name in ("targets-2024.txt", "自评-2024.txt"):
        shutil.copy(years / name, first)
    assert main(["batch", str(first), "-o", str(out), "--jobs", "2"]) == 0, capsys.readouterr().err
    captured = capsys.readouterr()
    assert "发现 2 个单位、4 个单位年度" in captured.out
    assert "批量审计：4 个单位，成功 4（其中未变化跳过 0），失败 0" in captured.out
    assert f"已删除过时的参数文件：{out / 'params' / '562301.yaml'}" in captured.err
    assert f"已移出过时的单位输出：{out / '.retired' / '562301'}" in captured.err
    assert sorted(p.name for p in out.iterdir() if (p / "summary.json").is_file()) == [
        "562202-2024", "562202-2025", "562301-2024", "562301-2025",
    ]  # fmt: skip
    assert (out / ".retired" / "562301" / "562301-审计底稿.xlsx").is_file()
    for key in ("562301-2024", "562301-2025"):
        assert (out / key / f"{key}-审计底稿.xlsx").is_file()
    units = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["units"]
    assert sorted(units) == ["562202-2024", "562202-2025", "562301-2024", "562301-2025"]
    index = pl.read_csv(out / "index.csv")
    assert index.select("unit_code", "year", "folder").rows() == [
        (562202, 2024, "562202-2024"), (562202, 2025, "562202-2025"),
        (562301, 2024, "562301-2024"), (562301, 2025, "562301-2025"),
    ]  # fmt: skip
    # the self-evaluation of 2024 is scored against the targets of 2024, as audit_unit scores it
    t2024, t2025 = str(first / "targets-2024.txt"), str(first / "targets-2025.txt")
    expected = audit_unit("562301", 2024, [t2024], [str(first / "自评-2024.txt")])
    scores = pl.read_parquet(out / "562301-2024" / "project_scores.parquet")
    assert scores["total"].to_list() == expected.scorecard.project_scores["total"].to_list()
    assert not (out / "562301-2025" / "project_scores.parquet").exists()
    # the audit of 2025 sees 2024 for the year-over-year rules: the findings of audit_unit with both files
    both = audit_unit("562301", 2025, [t2024, t2025])
    findings = pl.read_parquet(out / "562301-2025" / "findings.parquet")
    assert sorted(findings["finding_id"]) == sorted(both.findings["finding_id"])
    # the 2025 params list the targets of 2024 beside those of 2025 (the 2024 copy is the same table a
    # year earlier, so the year-over-year rules find nothing more in it: a deadline named with its
    # year, 2024年全年 → 2025年全年, is the same target a year on)
    params = yaml.safe_load((out / "params" / "562301-2025.yaml").read_text(encoding="utf-8"))
    assert sorted(Path(t).name for t in params["targets"]) == ["targets-2024.txt", "targets-2025.txt"]
    summary = json.loads((out / "562301-2024" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["unit_code"], summary["year"]) == ("562301", 2024)

    # a re-run skips all four
    assert main(["batch", str(first), "-o", str(out), "--jobs", "2"]) == 0
    assert "批量审计：4 个单位，成功 4（其中未变化跳过 4），失败 0" in capsys.readouterr().out


FIXTURES = ROOT / "tests" / "fixtures"


def count_parses(monkeypatch) -> dict[str, int]:
    """How often each document is parsed, by file name: the call that parses each format (the PDF
    opened, the page's tree built, the workbook's sheets read by calamine or fastexcel, the
    .docx's tables walked), counted as discovery and the unit runs make it."""
    import hashlib

    from perfkit.load.formats import docx as docx_format
    from perfkit.load.formats import html, pdf, xls
    from perfkit.load.layout import flat

    counts: dict[str, int] = {}
    names: dict[str, str] = {}

    def counted(module, name, file_of=lambda args: Path(args[1]).name):
        real = getattr(module, name)

        def call(*args, **kwargs):
            key = f"{file_of(args)} {name}"  # an .xlsx is read by two libraries: fastexcel and calamine
            counts[key] = counts.get(key, 0) + 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, call)

    for module, name in ((pdf, "_open"), (html, "_document"), (xls, "_read_sheets"), (docx_format, "document_tables")):
        counted(module, name)
    # fastexcel is given the bytes only: named by their digest, as the test folder's files are
    counted(flat.fastexcel, "read_excel", lambda args: names.get(hashlib.sha256(args[0]).hexdigest(), "?"))
    counts["_names"] = names  # type: ignore[assignment]
    return counts


@pytest.mark.parametrize("kind", ["pdf-targets", "xls-targets"])
def test_discovery_parses_each_document_once_and_the_unit_runs_once_more(kind, tmp_path, monkeypatch):
    from tests.load.layout_docs import write_xlsx
    from tests.load.test_selfeval_formats import selfeval_page

    docs = tmp_path / "docs"
    docs.mkdir()
    if kind == "pdf-targets":  # seed targets as PDF, their self-evaluation as .xls, a .docx and a web page
        shutil.copy(FIXTURES / "seed-targets.pdf", docs)
        shutil.copy(FIXTURES / "selfeval.xls", docs)
        write_docx(docs / "就业服务.docx", "2025年就业服务项目绩效目标表", central_table(CENTRAL_BUDGET))
        hexi = [p | {"unit_code": "563001", "unit_name": "河西区妇女联合会"} for p in PROJECTS[:2]]
        (docs / "hexi.htm").write_bytes(disclosure_page(hexi, [i for i in INDICATORS if i[0] in (1, 2)]).encode("gbk"))
    else:  # seed targets as .xls, the self-evaluation as PDF and as a web page, an .xlsx
        shutil.copy(FIXTURES / "seed-layout.xls", docs)
        shutil.copy(FIXTURES / "selfeval.pdf", docs)
        selfeval_page(docs / "selfeval.html")
        write_xlsx(docs / "就业服务.xlsx", central_table(CENTRAL_BUDGET), title="2025年就业服务项目绩效目标表")
    counts = count_parses(monkeypatch)
    import hashlib

    counts["_names"].update({hashlib.sha256(p.read_bytes()).hexdigest(): p.name for p in docs.iterdir()})
    found = discover([docs])
    names = counts.pop("_names")
    files = sorted(p.name for p in docs.iterdir())
    # worked by hand: every document here is parsed, and once only, by discovery
    assert {f.split()[0] for f in counts} == set(files)
    assert counts == dict.fromkeys(counts, 1)
    assert found.unassigned.height == 0
    for unit in found.units.iter_rows(named=True):
        audit_unit(unit["unit_code"], unit["year"], unit["targets"], unit["actuals"], unit_name=unit["unit_name"])
    # then each unit's run parses its own documents once more: a document of one unit twice in all,
    # one of the two seed units (562202 and 562301) three times
    by_hand = {
        "pdf-targets": {"hexi.htm _document": 2, "seed-targets.pdf _open": 3, "selfeval.xls _read_sheets": 3,
                        "就业服务.docx document_tables": 2},
        "xls-targets": {"seed-layout.xls _read_sheets": 3, "selfeval.html _document": 3, "selfeval.pdf _open": 3,
                        "就业服务.xlsx _read_sheets": 2, "就业服务.xlsx read_excel": 2},
    }  # fmt: skip
    assert counts == by_hand[kind], names
