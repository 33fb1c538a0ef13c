"""The review workflow: decisions in the workbook, kept in the store across runs, with full history."""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from perfkit.checks import run_checks
from perfkit.cli import main
from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.report.audit import review_lines, summary_lines
from perfkit.report.workbook import write_workbook
from perfkit.review import Decision, ReviewStore
from perfkit.review.importer import import_workbooks, read_decisions
from perfkit.review.status import status_table
from perfkit.run.unit import audit_unit
from tests.conftest import SEED

UNIT, YEAR = "562301", 2025
HEADERS = {"finding_id": "问题编号", "review_status": "复核状态", "reviewer": "复核人", "review_note": "复核意见",
           "reviewed_on": "复核日期"}  # fmt: skip


def run(store: Path, folder: Path, targets: Path = SEED) -> tuple:
    """One unit run as the notebook does it: audit with the store, then the workbook."""
    audit = audit_unit(UNIT, YEAR, [str(targets)], review_store=str(store))
    return audit, write_workbook(audit, folder / f"{UNIT}-审计底稿.xlsx")


def fill(workbook: Path, decisions: dict[str, tuple], name: str = "filled.xlsx") -> Path:
    """A copy of ``workbook`` with review cells filled in: finding id → (status, reviewer, note, date)."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["审核发现"]
    header = {cell.value: cell.column for cell in sheet[1]}
    for row in sheet.iter_rows(min_row=2):
        values = decisions.get(row[0].value)
        if values is None:
            continue
        for column, value in zip(list(HEADERS)[1:], values, strict=True):
            sheet.cell(row[0].row, header[HEADERS[column]], value)
    path = workbook.with_name(name)
    book.save(path)
    return path


def sheet_rows(workbook: Path, name: str = "审核发现") -> list[dict]:
    sheet = openpyxl.load_workbook(workbook)[name]
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if "问题编号" in r)
    return [dict(zip(rows[top], r, strict=True)) for r in rows[top + 1 :] if r[0]]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("first")
    audit, workbook = run(folder / "review.sqlite", folder)
    return folder, audit, workbook.name


@pytest.fixture
def first_run(template, tmp_path):
    """The store and workbook of a first run, copied for one test."""
    folder, audit, name = template
    for file in (folder / "review.sqlite", folder / name):
        shutil.copy(file, tmp_path / file.name)
    return tmp_path / "review.sqlite", audit, tmp_path / name


def test_decisions_imported_from_a_workbook_survive_a_rerun(first_run, tmp_path):
    store, audit, workbook = first_run
    a, b, c = audit.findings["finding_id"].to_list()[:3]
    filled = fill(workbook, {a: ("已确认", "张三", "属实，已取证", date(2026, 3, 31)), b: ("误报", "李四", None, None),
                             c: ("已排除", "王五", "单位已说明", "2026/04/01")})  # fmt: skip
    result = import_workbooks([filled], store)
    assert (result.applied, result.unchanged, result.overrode) == (3, audit.findings.height - 3, [])
    again, rerun_workbook = run(store, tmp_path / "rerun")
    reviewed = {r["finding_id"]: r for r in again.reviewed_findings.iter_rows(named=True)}
    assert (reviewed[a]["review_status"], reviewed[a]["reviewer"], reviewed[a]["review_note"]) == (
        "confirmed", "张三", "属实，已取证",
    )  # fmt: skip
    assert reviewed[a]["reviewed_on"] == "2026-03-31" and reviewed[c]["reviewed_on"] == "2026-04-01"
    assert reviewed[b]["review_status"] == "false_positive" and reviewed[b]["reviewed_on"] == date.today().isoformat()
    assert again.decision_counts == {"review_open": audit.findings.height - 3, "review_confirmed": 1,
                                     "review_dismissed": 1, "review_false_positive": 1, "review_resolved": 0}  # fmt: skip
    # the next workbook shows each decision, and importing it unchanged changes nothing
    shown = {r["问题编号"]: r for r in sheet_rows(rerun_workbook)}
    assert (shown[a]["复核状态"], shown[a]["复核人"], shown[a]["复核日期"].date()) == (
        "已确认",
        "张三",
        date(2026, 3, 31),
    )
    assert shown[b]["复核状态"] == "误报"
    assert {r["复核状态"] for k, r in shown.items() if k not in (a, b, c)} == {"待复核"}
    assert import_workbooks([rerun_workbook], store).applied == 0


def test_a_rerun_never_overwrites_a_decision(first_run, tmp_path):
    store, audit, workbook = first_run
    fid = audit.findings["finding_id"][0]
    import_workbooks([fill(workbook, {fid: ("已确认", "张三", None, None)})], store)
    run(store, tmp_path / "again")
    with ReviewStore(store) as db:
        row = db.findings(UNIT).filter(finding_id=fid).row(0, named=True)
        kinds = db.history(UNIT, fid)["kind"].to_list()
    assert (row["review_status"], row["reviewer"]) == ("confirmed", "张三")
    assert kinds == ["seen", "decision"]  # runs that find it again add nothing


def flat_export(tables, order: str) -> str:
    """The seed as a flat table (one row per indicator); ``interleaved`` mixes the projects' rows."""
    frame = tables.indicators.join(tables.projects, on=["project_id", "unit_code"]).with_columns(
        rank=pl.col("project_id").rank("dense")
    )
    if order == "interleaved":  # every project keeps its own row order, projects reversed and mixed
        frame = frame.sort("seq", "rank", descending=[False, True])
    columns = {"unit_code": "单位编码", "unit_name": "单位名称", "year": "年度", "project_name": "项目名称",
               "budget_total": "预算数", "budget_fiscal": "财政资金", "budget_other": "其他资金", "purpose": "资金用途",
               "goal_text": "绩效目标", "level1": "一级指标", "level2": "二级指标", "name": "三级指标",
               "description": "绩效指标描述", "target_raw": "指标值"}  # fmt: skip
    return frame.select(list(columns)).rename(columns).write_csv()


def test_a_reexport_with_rows_reordered_keeps_every_finding_id(seed_tables, tmp_path):
    ids = {}
    for order in ("as_published", "interleaved"):
        path = tmp_path / f"{order}.csv"
        path.write_text(flat_export(seed_tables, order), encoding="utf-8")
        tables = load_targets(path)
        ids[order] = run_checks(tables)["finding_id"].to_list()
    assert len(ids["as_published"]) > 40  # the seed gives 49 (description_repeats_name: one per project)
    assert sorted(ids["interleaved"]) == sorted(ids["as_published"])
    assert len(set(ids["as_published"])) == len(ids["as_published"])


def test_a_changed_target_creates_a_new_finding_and_resolves_the_old_one(first_run, tmp_path):
    store, audit, workbook = first_run
    old = audit.findings.filter(rule_id="bare_wan", evidence="指标值：≤25万")["finding_id"].item()
    import_workbooks([fill(workbook, {old: ("已确认", "张三", "金额单位应为万元", None)})], store)
    changed = tmp_path / "changed.txt"
    text = SEED.read_text(encoding="utf-8")
    assert text.count("\t≤25万\n") == 1
    changed.write_text(text.replace("\t≤25万\n", "\t≤26万\n"), encoding="utf-8")
    again, rerun_workbook = run(store, tmp_path / "rerun", changed)
    new = again.findings.filter(rule_id="bare_wan", evidence="指标值：≤26万")["finding_id"].item()
    assert new != old and old not in again.findings["finding_id"].to_list()
    assert again.reviewed_findings.filter(finding_id=new)["review_status"].item() == "open"
    resolved = again.review.resolved.filter(finding_id=old).row(0, named=True)
    assert (resolved["review_status"], resolved["reviewer"], resolved["resolved_at"] is not None) == (
        "confirmed",
        "张三",
        True,
    )
    assert old in {r["问题编号"] for r in sheet_rows(rerun_workbook, "已消除的发现")}
    # the findings that did not depend on the changed cell keep their ids
    unchanged = set(audit.findings["finding_id"]) - set(again.findings["finding_id"])
    assert old in unchanged and len(unchanged) <= 3
    counts = status_table(store).row(0, named=True)
    assert counts["review_resolved"] == len(unchanged) and counts["review_confirmed"] == 0


def test_two_concurrent_imports_both_land(first_run):
    store, audit, workbook = first_run
    a, b = audit.findings["finding_id"].to_list()[:2]
    books = [fill(workbook, {a: ("已确认", "张三", None, None)}, "a.xlsx"),
             fill(workbook, {b: ("误报", "李四", None, None)}, "b.xlsx")]  # fmt: skip
    start, errors = threading.Barrier(3), []
    holder = ReviewStore(store)

    def importer(book: Path) -> None:
        try:
            start.wait()
            import_workbooks([book], store)
        except Exception as exc:  # reported below, so a failure names itself
            errors.append(exc)

    threads = [threading.Thread(target=importer, args=(book,)) for book in books]
    with holder.transaction():  # a third writer holds the store while both imports start
        for thread in threads:
            thread.start()
        start.wait()
    holder.close()
    for thread in threads:
        thread.join()
    assert errors == []
    with ReviewStore(store) as db:
        decided = db.findings(UNIT).filter(pl.col("review_status") != "open")
        decisions = db.history(UNIT).filter(kind="decision")
    assert dict(decided.select("finding_id", "review_status").iter_rows()) == {a: "confirmed", b: "false_positive"}
    assert sorted(decisions["reviewer"]) == ["张三", "李四"]


def test_the_history_shows_every_change(first_run):
    store, audit, workbook = first_run
    fid = audit.findings["finding_id"][0]
    steps = [("已确认", "张三", "属实", "2026-03-01"), ("误报", "李四", "规则不适用", "2026-03-02"),
             ("待复核", "李四", "重新核实", "2026-03-03")]  # fmt: skip
    for n, step in enumerate(steps):
        import_workbooks([fill(workbook, {fid: step}, f"step{n}.xlsx")], store)
    with ReviewStore(store) as db:
        history = db.history(UNIT, fid)
    assert history.select("kind", "reviewer", "old_status", "new_status", "review_note", "reviewed_on").rows() == [
        ("seen", "perfkit", None, "open", "首次发现", None),
        ("decision", "张三", "open", "confirmed", "属实", "2026-03-01"),
        ("decision", "李四", "confirmed", "false_positive", "规则不适用", "2026-03-02"),
        ("decision", "李四", "false_positive", "open", "重新核实", "2026-03-03"),
    ]
    assert history["changed_at"].str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$").all()
    assert history["source"][1].endswith("step0.xlsx perfkit review import")


def test_an_old_workbook_does_not_undo_a_later_decision(first_run):
    store, audit, workbook = first_run
    a, b = audit.findings["finding_id"].to_list()[:2]
    import_workbooks([fill(workbook, {a: ("已确认", "张三", None, None)}, "first.xlsx")], store)
    # another auditor fills in the original workbook (a still shown as 待复核) for b only
    result = import_workbooks([fill(workbook, {b: ("已排除", "李四", None, None)}, "second.xlsx")], store)
    assert result.applied == 1
    with ReviewStore(store) as db:
        statuses = dict(db.findings(UNIT).select("finding_id", "review_status").iter_rows())
    assert (statuses[a], statuses[b]) == ("confirmed", "dismissed")
    # changing a on the old workbook does replace the later decision, and says so
    result = import_workbooks([fill(workbook, {a: ("误报", "李四", None, None)}, "third.xlsx")], store)
    assert result.overrode == [a]


def test_workbook_review_columns_are_open_and_the_rest_locked(first_run):
    _, _, workbook = first_run
    sheet = openpyxl.load_workbook(workbook)["审核发现"]
    header = [c.value for c in sheet[1]]
    assert header[-6:] == ["复核状态", "复核人", "复核意见", "复核日期", "单位编码", "复核版本"]
    assert sheet.protection.sheet
    row = sheet[2]
    assert [c.protection.locked for c in row[-6:-2]] == [False] * 4
    assert row[0].protection.locked and row[header.index("问题说明")].protection.locked
    hidden = sheet.column_dimensions[row[-2].column_letter]
    assert hidden.hidden and (hidden.min, hidden.max) == (len(header) - 1, len(header))
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert [v.formula1 for v in lists] == ['"待复核,已确认,已排除,误报"']
    assert str(lists[0].sqref) == f"J2:J{sheet.max_row}"


BAD = {
    "unknown status": ({"review_status": "通过"}, "审核发现!J2: 未知的复核状态“通过”（可选：待复核、已确认、已排除、误报）"),
    "decision without reviewer": ({"review_status": "已确认"}, "审核发现!K2: 已填写复核状态或意见，但没有复核人"),
    "date that is not one": ({"review_status": "已确认", "reviewer": "张三", "reviewed_on": "三月底"}, "审核发现!M2: 复核日期“三月底”无法识别"),
    "finding id unknown to the store": ({"finding_id": "000000000000"}, "审核发现!A2: 复核库中没有单位 562301 的问题编号 000000000000"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_workbooks_are_refused_naming_the_cell_and_change_nothing(first_run, case):
    store, _, workbook = first_run
    cells, expected = BAD[case]
    book = openpyxl.load_workbook(workbook)
    sheet = book["审核发现"]
    header = {cell.value: cell.column for cell in sheet[1]}
    for column, value in cells.items():
        sheet.cell(2, header[HEADERS[column]], value)
    sheet.cell(3, header["复核状态"], "已确认")  # a good decision in the same file
    sheet.cell(3, header["复核人"], "张三")
    bad = workbook.with_name("bad.xlsx")
    book.save(bad)
    with pytest.raises(InputError) as raised:
        import_workbooks([bad], store)
    assert raised.value.one_line() == f"{bad}: {expected}" or expected in raised.value.one_line()
    assert str(bad) in raised.value.one_line()
    with ReviewStore(store) as db:
        assert db.history(UNIT).filter(kind="decision").height == 0  # all or nothing


def test_a_workbook_without_the_findings_sheet_is_refused(tmp_path):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.save(path)
    with pytest.raises(InputError, match="工作簿中没有“审核发现”表"):
        read_decisions(path)
    (tmp_path / "not.xlsx").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="无法读取工作簿"):
        read_decisions(tmp_path / "not.xlsx")


def test_reviewer_option_stands_in_for_an_empty_cell(first_run):
    _, audit, workbook = first_run
    fid = audit.findings["finding_id"][0]
    decisions = read_decisions(fill(workbook, {fid: ("已确认", None, None, None)}), reviewer="组长")
    mine = next(d for d in decisions if d.finding_id == fid)
    assert (mine.unit_code, mine.review_status, mine.reviewer, mine.based_on) == (UNIT, "confirmed", "组长", 0)


def test_cli_import_status_and_history(first_run, capsys):
    store, audit, workbook = first_run
    fid = audit.findings["finding_id"][0]
    filled = fill(workbook, {fid: ("已确认", "张三", "属实", None)})
    # without --store the store beside the workbook's unit folder is used; here the workbook is its own folder
    assert main(["review", "import", str(filled), "--store", str(store.parent)]) == 0
    assert "更新复核决定 1 条" in capsys.readouterr().out
    assert main(["review", "status", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert f"{UNIT}    2025" in out and f"合计：待复核 {audit.findings.height - 1}，已决定 1，已消除 0" in out
    assert main(["review", "history", "--store", str(store), "--finding", fid]) == 0
    assert "张三  待复核 → 已确认：属实" in capsys.readouterr().out
    assert main(["review", "status", "--store", str(store.with_name("none.sqlite"))]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "复核库不存在" in err


def test_the_unit_summary_and_index_show_decision_counts(first_run, tmp_path):
    import json

    from perfkit.report.audit import summary_record
    from perfkit.run.portfolio import write_run_index

    store, audit, workbook = first_run
    fid = audit.findings["finding_id"][0]
    import_workbooks([fill(workbook, {fid: ("已确认", "张三", None, None)})], store)
    again, _ = run(store, tmp_path / "rerun")
    open_count = audit.findings.height - 1
    assert summary_lines(again)[-1] == f"复核：待复核 {open_count}，已确认 1，已排除 0，误报 0；已消除 0"
    assert review_lines(again)[1].startswith("待复核：高 ")
    folder = tmp_path / "batch" / UNIT
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text(json.dumps(summary_record(again), ensure_ascii=False), encoding="utf-8")
    page = write_run_index(tmp_path / "batch").read_text(encoding="utf-8")
    assert "<th>待复核</th><th>已确认</th><th>已排除</th><th>误报</th><th>已消除</th>" in page
    assert f"<td>{open_count}</td><td>1</td><td>0</td><td>0</td><td>0</td>" in page
    index = pl.read_csv(tmp_path / "batch" / "index.csv")
    assert index.select("review_open", "review_confirmed").row(0) == (open_count, 1)


def test_store_refuses_a_file_that_is_not_a_store(tmp_path):
    path = tmp_path / "review.sqlite"
    path.write_text("not a database" * 100, encoding="utf-8")
    with pytest.raises(InputError, match="不是可用的复核库"):
        ReviewStore(path)
    decision = Decision(UNIT, "x", "confirmed", "张三", None, None)
    with ReviewStore(tmp_path / "new.sqlite") as db, pytest.raises(InputError, match="复核库中没有单位"):
        db.apply([decision])


def test_the_decision_digest_moves_with_decisions_only(first_run, tmp_path):
    from perfkit.review.store import decision_digest

    store, audit, workbook = first_run
    assert decision_digest(tmp_path / "none.sqlite", UNIT) == decision_digest(store, UNIT)  # no decisions yet
    assert not (tmp_path / "none.sqlite").exists()
    before = decision_digest(store, UNIT)
    with ReviewStore(store) as db:
        db.record_run(UNIT, YEAR, audit.findings.head(3))  # a run resolves findings: not a decision
    assert decision_digest(store, UNIT) == before
    import_workbooks([fill(workbook, {audit.findings["finding_id"][0]: ("已确认", "张三", None, None)})], store)
    assert decision_digest(store, UNIT) != before
    assert decision_digest(store, "562202") == decision_digest(tmp_path / "none.sqlite", "562202")


def test_the_same_defect_in_another_unit_gets_another_id(seed_tables, tmp_path):
    # finding ids cover the unit through project_id (unit code and a hash of unit, year and project name)
    other = tmp_path / "other-unit.txt"
    other.write_text(SEED.read_text(encoding="utf-8").replace("562301", "562399"), encoding="utf-8")
    mine = run_checks(seed_tables).filter(unit_code=UNIT)
    theirs = run_checks(load_targets(other)).filter(unit_code="562399")
    assert theirs.height == mine.height and set(theirs["rule_id"]) == set(mine["rule_id"])
    assert set(theirs["finding_id"]).isdisjoint(mine["finding_id"])
    assert theirs["project_id"].str.starts_with("562399-").all()
