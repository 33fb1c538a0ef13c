"""``perfkit bundle`` and ``perfkit verify`` as auditors and reviewers run them (the console script).

The bundled unit 562301 is run from a copy of the project's params and data in a temporary
folder, bundled, and the archive moved to a folder with another absolute path while the audit
folder is renamed away: the reviewer's ``perfkit verify`` can then only use what the bundle holds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
import yaml

from perfkit import __version__
from tests.conftest import ROOT

PERFKIT = Path(sys.executable).with_name("perfkit")
CODE = "562301"
BOOK = f"{CODE}-审计底稿.xlsx"


def perfkit(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(PERFKIT), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600)


def rewritten(source: Path, target: Path, member: str, edit, rehash: bool) -> str:
    """A copy of the archive with ``member`` (the first name containing it) edited; the manifest hash re-written or not."""
    with zipfile.ZipFile(source) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    name = next(n for n in files if member in n)
    files[name] = edit(files[name])
    if rehash:
        manifest = json.loads(files["MANIFEST.json"])
        manifest["files"][name] = hashlib.sha256(files[name]).hexdigest()
        files["MANIFEST.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, data in files.items():
            archive.writestr(n, data)
    return name


@pytest.fixture(scope="module")
def received(tmp_path_factory):
    """The audit run, bundled, and the archive as the reviewer received it elsewhere."""
    base = tmp_path_factory.mktemp("bundle")
    audit = base / "audit"
    (audit / "params").mkdir(parents=True)
    shutil.copy(ROOT / "params" / f"{CODE}.yaml", audit / "params")
    shutil.copytree(ROOT / "data" / "raw", audit / "data" / "raw")
    run = perfkit("run", audit / "params" / f"{CODE}.yaml", "-o", audit / "build" / "units")
    assert run.returncode == 0, run.stderr
    made = perfkit("bundle", audit / "build" / "units" / CODE, "-o", base / "out" / "audit.zip")
    assert made.returncode == 0, made.stderr
    scores = pl.read_parquet(audit / "build" / "units" / CODE / "project_scores.parquet")
    notebook = json.loads((audit / "build" / "units" / CODE / f"{CODE}.ipynb").read_text(encoding="utf-8"))
    elsewhere = base / "reviewer" / "inbox" / "from-auditor"
    elsewhere.mkdir(parents=True)
    archive = elsewhere / "received.zip"
    shutil.move(base / "out" / "audit.zip", archive)
    audit.rename(base / "audit-moved-away")  # nothing the run used is where it was
    return {"archive": archive, "base": base, "scores": scores, "notebook": notebook, "made": made}


def injected(notebook: dict) -> str:
    return next(
        "".join(c["source"]) for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    )


def assert_travels(notebook: dict, base: Path) -> None:
    """No absolute path of this machine and no staging folder anywhere in the executed notebook."""
    text = json.dumps(notebook, ensure_ascii=False)
    assert ".partial-" not in text
    assert str(base) not in text and str(ROOT) not in text
    for value in notebook["metadata"]["papermill"]["parameters"].values():
        for item in value if isinstance(value, list) else [value]:
            assert not (isinstance(item, str) and item.startswith("/")), item


def test_run_notebook_names_paths_relative_to_its_unit_folder(received):
    # worked by hand: the notebook lies in audit/build/units/562301, the inputs in audit/data/raw
    cell = injected(received["notebook"])
    assert 'targets = ["../../../data/raw/targets"]' in cell
    assert 'actuals = ["../../../data/raw/selfeval"]' in cell
    assert 'output_dir = "."' in cell and 'review_store = "../review.sqlite"' in cell
    assert received["notebook"]["metadata"]["papermill"]["output_path"] == f"{CODE}.ipynb"
    assert_travels(received["notebook"], received["base"])


def test_the_bundle_holds_every_part_with_its_hash(received):
    with zipfile.ZipFile(received["archive"]) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    unit = f"run/build/units/{CODE}"
    assert set(files) == {
        "MANIFEST.json", "README.md", "environment.lock", f"params/{CODE}.yaml", "run/build/units/review.sqlite",
        "review-decisions.csv",
        f"{unit}/{CODE}.ipynb", f"{unit}/{CODE}.html", f"{unit}/{BOOK}", f"{unit}/findings.parquet",
        f"{unit}/project_scores.parquet", f"{unit}/summary.json",
        "run/data/raw/targets/tianjin-womens-federation-2025-targets.txt",
        "run/data/raw/selfeval/ILLUSTRATIVE-selfeval-tianjin-womens-federation-2025.txt",
    }  # fmt: skip
    manifest = json.loads(files.pop("MANIFEST.json"))
    assert manifest["files"] == {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    assert manifest["perfkit_version"] == __version__ and manifest["command"][:2] == ["perfkit", "bundle"]
    assert [u["unit_code"] for u in manifest["units"]] == [CODE]
    params = yaml.safe_load(files[f"params/{CODE}.yaml"])
    assert params["targets"] == ["../run/data/raw/targets"] and params["actuals"] == ["../run/data/raw/selfeval"]
    assert params["output_dir"] == "../run/build/units" and params["review_store"] == "../run/build/units/review.sqlite"
    lock = files["environment.lock"].decode()
    assert f"perfkit=={__version__}\n" in lock and f"polars=={pl.__version__}\n" in lock
    readme = files["README.md"].decode()
    assert "perfkit verify" in readme and "一致" in readme and CODE in readme


def test_the_bundled_review_store_holds_this_units_rows(received, tmp_path):
    with zipfile.ZipFile(received["archive"]) as archive:
        (tmp_path / "review.sqlite").write_bytes(archive.read("run/build/units/review.sqlite"))
    with sqlite3.connect(tmp_path / "review.sqlite") as db:
        units = db.execute("SELECT DISTINCT unit_code FROM findings").fetchall()
        count = db.execute("SELECT count(*) FROM findings").fetchone()[0]
    findings = pl.read_parquet(zipfile.Path(received["archive"], f"run/build/units/{CODE}/findings.parquet").open("rb"))
    assert units == [(CODE,)] and count == findings.height
    decisions = pl.read_csv(zipfile.Path(received["archive"], "review-decisions.csv").open("rb"), infer_schema_length=0)
    # a first run: every finding of the unit is recorded once and awaits review (待复核)
    assert sorted(decisions["finding_id"]) == sorted(findings["finding_id"])
    assert set(decisions["review_status"]) == {"open"} and set(decisions["unit_code"]) == {CODE}


def test_verify_reproduces_the_bundle_elsewhere(received):
    result = perfkit("verify", received["archive"].name, cwd=received["archive"].parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CODE} 天津市妇女联合会：一致" in result.stdout.splitlines()


def test_verify_names_an_input_edited_inside_the_archive(received, tmp_path):
    edited = tmp_path / "edited.zip"
    name = rewritten(
        received["archive"], edited, "selfeval/", lambda d: d.replace("达成".encode(), "未达".encode(), 1), False
    )
    result = perfkit("verify", edited)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"错误: {edited}: {name}: SHA-256 与 MANIFEST.json 不符：文件在打包后被改动\n"


def test_verify_names_the_scores_a_changed_scoring_parameter_moves(received, tmp_path):
    changed = tmp_path / "changed.zip"

    def stricter_grade(data: bytes) -> bytes:
        return data.replace(b"\nscoring: {}", "\nscoring: {grade_bounds: {优: 98.0, 良: 80.0, 中: 60.0}}".encode())

    rewritten(received["archive"], changed, f"params/{CODE}.yaml", stricter_grade, True)
    result = perfkit("verify", changed)
    assert result.returncode == 1, result.stdout
    # worked by hand: with 优 from 98 instead of 90, the projects whose total lies in [90, 98) drop to 良
    scores = received["scores"]
    dropped = scores.filter((pl.col("total") >= 90) & (pl.col("total") < 98))["project_id"].to_list()
    assert len(dropped) == 3  # totals 97.57, 97.58 and 94.56 of the bundled data
    for project in scores["project_id"]:
        line = f"project_scores.parquet 项目 {project} 等级：包中 优，重跑 良"
        assert (line in result.stdout) == (project in dropped), result.stdout
    assert f"{CODE} 天津市妇女联合会：不一致" in result.stdout and "一致\n" not in result.stdout


def test_batch_notebooks_travel_too_and_a_batch_folder_bundles(tmp_path):
    audit = tmp_path / "audit"
    (audit / "params").mkdir(parents=True)
    shutil.copy(ROOT / "params" / f"{CODE}.yaml", audit / "params")
    shutil.copytree(ROOT / "data" / "raw", audit / "data" / "raw")
    result = perfkit("batch", "params", "-o", "out", "--jobs", "1", cwd=audit)
    assert result.returncode == 0, result.stderr
    unit = json.loads((audit / "out" / CODE / f"{CODE}.ipynb").read_text(encoding="utf-8"))
    # worked by hand: the notebook lies in audit/out/562301 (the kernel no longer runs in notebooks/)
    assert 'targets = ["../../data/raw/targets"]' in injected(unit)
    assert_travels(unit, tmp_path)
    portfolio = json.loads((audit / "out" / "portfolio.ipynb").read_text(encoding="utf-8"))
    assert 'batch_dir = "."' in injected(portfolio)
    assert_travels(portfolio, tmp_path)
    made = perfkit("bundle", "out", "-o", "batch.zip", cwd=audit)
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(audit / "batch.zip") as archive:
        manifest = json.loads(archive.read("MANIFEST.json"))
    assert [(u["unit_code"], u["folder"]) for u in manifest["units"]] == [(CODE, f"run/out/{CODE}")]


def test_a_unit_known_by_name_and_a_unit_of_several_years_bundle_and_verify(tmp_path):
    from tests.load.layout_docs import write_docx
    from tests.load.test_layouts import CENTRAL_BUDGET, central_table
    from tests.run.test_discover import CODELESS, SEED, of_year

    docs = tmp_path / "docs"
    docs.mkdir()
    write_docx(docs / "就业服务.docx", "2025年就业服务项目绩效目标表", central_table(CENTRAL_BUDGET))
    shutil.copy(SEED, docs / "targets-2025.txt")
    of_year(SEED, docs / "targets-2024.txt", 2024)
    result = perfkit("batch", "docs", "-o", "out", "--jobs", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    made = perfkit("bundle", f"out/{CODELESS}", "out/562301-2024", "-o", "units.zip", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(tmp_path / "units.zip") as archive:
        manifest = json.loads(archive.read("MANIFEST.json"))
        params = {u["unit_code"]: yaml.safe_load(archive.read(u["params"])) for u in manifest["units"]}
    # the units are named as their folders: by name (no code), and by code and year
    assert [u["unit_code"] for u in manifest["units"]] == [CODELESS, "562301-2024"]
    assert (params[CODELESS]["unit_code"], params[CODELESS]["unit_name"]) == ("", CODELESS)
    assert (params["562301-2024"]["unit_code"], params["562301-2024"]["year"]) == ("562301", 2024)
    assert params["562301-2024"]["year_in_name"] is True
    verified = perfkit("verify", tmp_path / "units.zip", cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.count("一致") >= 2, verified.stdout
