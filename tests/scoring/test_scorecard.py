"""``perfkit score`` and ``perfkit template``: self-evaluations re-checked, workbooks round-tripped."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from perfkit.cli import main
from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.actuals import INDICATOR_SHEET, PROJECT_SHEET, load_actuals
from perfkit.report.template import write_template
from perfkit.scoring import score
from tests.conftest import ROOT, SEED

SELFEVAL = ROOT / "data" / "raw" / "selfeval"
HEADER = [
    "绩效指标",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]


def selfeval_text(rows: list[list[str]], total: str, executed: str = "48.00", name: str = "2025年示例项目") -> str:
    """A one-project self-evaluation in the Word text-export layout (a tab starts each cell)."""
    table = [
        ["（2025年度）"],
        ["项目名称", name],
        ["主管部门", "示例主管部门", "实施单位", "100001示例单位"],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "50.00", "50.00", executed, "10", "96.00%", "9.6"],
        ["年度总体目标", "预期目标", "实际完成情况"],
        ["", "举办活动", "已举办"],
        HEADER,
        *[["", *r] for r in rows],
        ["总分", "", "", "", "", "", "100", total, ""],
    ]
    return "1.2025年示例项目绩效自评表\n\n" + "\n\n".join("\n".join("\t" + c for c in row) for row in table) + "\n"


CLEAN_ROWS = [
    ["产出指标", "数量指标", "举办活动场次", "≥10场", "9场", "30", "27", "受天气影响1场取消"],
    ["产出指标", "成本指标", "活动经费", "≤20万元", "19万元", "20", "20", ""],
    ["效益指标", "社会效益指标", "活动影响力", "提升影响力", "达成年度指标", "30", "30", ""],
    ["满意度指标", "服务对象满意度指标", "参与者满意度", "≥90%", "95%", "10", "10", ""],
]


def scored(tmp_path: Path, rows: list[list[str]], total: str, **kwargs) -> pl.DataFrame:
    path = tmp_path / "selfeval.txt"
    path.write_text(selfeval_text(rows, total, **kwargs), encoding="utf-8")
    return score(load_actuals(path)).findings


def test_honest_self_evaluation_has_no_findings(tmp_path):
    # 27 + 20 + 30 + 10 + 9.6 (48/50 executed) = 96.6
    assert scored(tmp_path, CLEAN_ROWS, "96.6").height == 0


def test_inflated_score_score_above_weight_and_wrong_total_give_one_finding_each(tmp_path):
    rows = [list(r) for r in CLEAN_ROWS]
    rows[0][6] = "29"  # 9/10 场 earns 30 × 0.9 = 27; 29 is inflated (a reason is given)
    rows[3][6] = "11"  # above its 分值 of 10
    # stated total 98 ≠ 29 + 20 + 30 + 11 + 9.6 = 99.6
    findings = scored(tmp_path, rows, "98")
    assert sorted(zip(findings["rule_id"], findings["seq"], strict=True), key=str) == sorted(
        [("self_score_inflated", 1), ("self_score_above_weight", 4), ("self_total_mismatch", None)], key=str
    )


def test_full_marks_on_unmet_target_and_missing_reason(tmp_path):
    rows = [list(r) for r in CLEAN_ROWS]
    rows[0][6], rows[0][7] = "30", ""  # 9 of ≥10 场 with full marks and no reason
    # stated 30 + 20 + 30 + 10 + 9.6 = 99.6 against a re-scored 96.6: 3 points > 2 → total inflated too
    rules = set(scored(tmp_path, rows, "99.6")["rule_id"])
    assert rules == {
        "full_marks_on_unmet_target",
        "self_score_inflated",
        "missing_deviation_reason",
        "self_total_inflated",
    }


def test_over_achievement_is_flagged(tmp_path):
    rows = [list(r) for r in CLEAN_ROWS]
    rows[0][4], rows[0][6] = "12场", "30"  # 12 ≥ 1.2 × 10
    findings = scored(tmp_path, rows, "99.6")
    assert findings["rule_id"].to_list() == ["over_achievement"]
    assert "1.2倍" in findings["message"][0]


def test_unparseable_actual_is_a_finding_and_leaves_the_total_empty(tmp_path):
    rows = [list(r) for r in CLEAN_ROWS]
    rows[0][4] = "约九场"
    card = scorecard(tmp_path, rows)
    assert card.indicator_scores["score"][0] is None
    project = card.project_scores.row(0, named=True)
    assert project["total"] is None and project["grade"] is None and project["unscored"] == 1
    # worked by hand: the output group has a row left to a person, so it has no score either (it was
    # 20, the cost row alone, read as the group's); benefit 30 and satisfaction 10 are whole
    groups = [project[c] for c in ("output_score", "benefit_score", "satisfaction_score")]
    assert groups == [None, 30.0, 10.0]
    assert "indicator_unscored" in card.findings["rule_id"].to_list()


def test_actual_without_target_is_reported_with_file_and_row(tmp_path, capsys):
    text = (SELFEVAL / "ILLUSTRATIVE-selfeval-tianjin-womens-federation-2025.txt").read_text(encoding="utf-8")
    extra = text.replace("\t公益活动场次\n", "\t公益活动场次（新增）\n", 1)
    path = tmp_path / "selfeval.txt"
    path.write_text(extra, encoding="utf-8")
    status = main(["score", "--targets", str(SEED), "--actuals", str(path), "-o", str(tmp_path / "out")])
    assert status == 0
    findings = pl.read_csv(tmp_path / "out" / "findings.csv", infer_schema=False)
    unmatched = findings.filter(rule_id="actual_unmatched")
    assert unmatched.height == 1
    assert "公益活动场次（新增）" in unmatched["message"][0]
    assert str(path) in unmatched["evidence"][0] and "第" in unmatched["evidence"][0]
    # the target it should have matched is unscored, not zero
    unscored = findings.filter(rule_id="indicator_unscored")
    assert unscored.height == 1 and "没有实际完成值" in unscored["message"][0]
    assert "警告" in capsys.readouterr().err


def test_illustrative_selfevaluations_show_their_planted_defects():
    card = score(load_actuals(SELFEVAL), load_targets(SEED))
    rules = card.findings["rule_id"].value_counts().sort("rule_id")
    counts = dict(rules.iter_rows())
    # planted (data/raw/selfeval/README.md): 3 inflated (+1 qualitative), 1 above weight,
    # 1 wrong total, 2 missing reasons, 2 over-achievements, 1 qualitative out of band
    assert counts["self_score_above_weight"] == 1
    assert counts["self_total_mismatch"] == 1
    assert counts["missing_deviation_reason"] == 2
    assert counts["over_achievement"] == 2
    assert counts["qualitative_score_outside_band"] == 1
    assert counts["self_score_inflated"] >= 3
    assert card.project_scores["grade"].null_count() == 0


def test_self_evaluation_alone_scores_like_with_targets():
    alone = score(load_actuals(SELFEVAL))
    with_targets = score(load_actuals(SELFEVAL), load_targets(SEED))
    assert alone.project_scores["total"].to_list() == with_targets.project_scores["total"].to_list()


def test_band_fraction_outside_its_band_is_bad_input(tmp_path):
    targets = load_targets(SEED)
    path = write_template(targets, tmp_path / "t.xlsx", [SEED])
    book = openpyxl.load_workbook(path)
    sheet = book[INDICATOR_SHEET]
    headers = [c.value for c in sheet[1]]
    sheet.cell(2, headers.index("定性评价档次") + 1, "部分达成并具有一定效果")
    sheet.cell(2, headers.index("定性得分比例") + 1, 0.9)
    book.save(path)
    with pytest.raises(InputError, match=r"第2行.*0\.9"):
        score(load_actuals(path), targets)


def test_template_filled_in_gives_the_same_scores_as_the_self_evaluation(tmp_path):
    targets = load_targets(SEED)
    selfeval = load_actuals(SELFEVAL)
    path = write_template(targets, tmp_path / "actuals.xlsx", [SEED])
    book = openpyxl.load_workbook(path)
    ind = book[INDICATOR_SHEET]
    headers = [c.value for c in ind[1]]
    column = {h: headers.index(h) + 1 for h in headers}
    values = {(r["project_id"], r["seq"]): r for r in selfeval.indicators.iter_rows(named=True)}
    for row in range(2, ind.max_row + 1):
        source = values[(ind.cell(row, column["项目编号"]).value, ind.cell(row, column["序号"]).value)]
        ind.cell(row, column["实际完成值"], source["actual_raw"])
        ind.cell(row, column["分值"], source["weight_given"])
        ind.cell(row, column["自评得分"], source["self_score"])
        ind.cell(row, column["偏差原因分析及改进措施"], source["deviation_reason"])
    proj = book[PROJECT_SHEET]
    headers = [c.value for c in proj[1]]
    column = {h: headers.index(h) + 1 for h in headers}
    figures = {r["project_id"]: r for r in selfeval.projects.iter_rows(named=True)}
    for row in range(2, proj.max_row + 1):
        source = figures[proj.cell(row, column["项目编号"]).value]
        proj.cell(row, column["全年预算数（万元）"], source["budget_full"])
        proj.cell(row, column["全年执行数（万元）"], source["executed"])
    book.save(path)
    from_template = score(load_actuals(path), targets)
    from_selfeval = score(selfeval, targets)
    assert from_template.indicator_scores["score"].to_list() == from_selfeval.indicator_scores["score"].to_list()
    columns = ["output_score", "benefit_score", "satisfaction_score", "execution_score", "total", "grade"]
    assert from_template.project_scores.select(columns).equals(from_selfeval.project_scores.select(columns))


def test_template_locks_targets_and_validates_the_band_column(tmp_path):
    path = write_template(load_targets(SEED), tmp_path / "t.xlsx", [SEED])
    book = openpyxl.load_workbook(path)
    sheet = book[INDICATOR_SHEET]
    assert sheet.protection.sheet
    headers = [c.value for c in sheet[1]]
    assert sheet.cell(2, headers.index("指标值") + 1).protection.locked
    assert not sheet.cell(2, headers.index("实际完成值") + 1).protection.locked
    band_letter = openpyxl.utils.get_column_letter(headers.index("定性评价档次") + 1)
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1 and band_letter in str(lists[0].sqref)
    assert "部分达成并具有一定效果" in lists[0].formula1
    assert sheet.max_row == 110  # header + 109 indicators
    assert book[PROJECT_SHEET].max_row == 8


def test_score_command_writes_the_three_tables(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["score", "--targets", str(SEED), "--actuals", str(SELFEVAL), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "indicator_scores.csv", "project_scores.csv"]
    projects = pl.read_csv(out / "project_scores.csv")
    assert projects.height == 7
    assert set(projects.columns) >= {"unit_code", "project_id", "total", "grade", "self_total", "total_diff"}


def _selfeval_rows(rows: list[list[str]], total: str) -> list[list[str]]:
    """The self-evaluation table of :func:`selfeval_text` as rows of cells."""
    text = selfeval_text(rows, total)
    blocks = text.split("\n\n")[1:]
    return [[line[1:] for line in block.strip("\n").split("\n")] for block in blocks]


def test_selfevaluation_as_docx_and_xlsx_scores_like_the_text_export(tmp_path):
    import docx

    table_rows = _selfeval_rows(CLEAN_ROWS, "96.6")
    width = max(map(len, table_rows))
    document = docx.Document()
    document.add_paragraph("1.2025年示例项目绩效自评表")
    table = document.add_table(rows=0, cols=width)
    for cells in table_rows:
        row = table.add_row()
        for i, text in enumerate(cells):
            row.cells[i].text = text
        if len(cells) < width:  # a short row: its last cell spans the rest, as in Word
            row.cells[len(cells) - 1].merge(row.cells[width - 1])
    document.save(tmp_path / "selfeval.docx")
    book = openpyxl.Workbook()
    for cells in table_rows:
        book.active.append(cells)
    book.save(tmp_path / "selfeval.xlsx")
    (tmp_path / "selfeval.txt").write_text(selfeval_text(CLEAN_ROWS, "96.6"), encoding="utf-8")
    cards = {name: score(load_actuals(tmp_path / name)) for name in ("selfeval.txt", "selfeval.docx", "selfeval.xlsx")}
    # 27 + 20 + 30 + 10 + 9.6 = 96.6, and no findings, in every format
    for card in cards.values():
        assert card.project_scores["total"].to_list() == [pytest.approx(96.6)]
        assert card.project_scores["self_total"].to_list() == [96.6]
        assert card.findings.height == 0


def test_template_keeps_a_target_that_starts_with_equals_as_text(tmp_path):
    import polars as pl

    targets = load_targets(SEED)
    first = (pl.col("seq") == 1) & (pl.col("project_id") == targets.projects["project_id"][0])
    changed = type(targets)(
        targets.projects,
        targets.indicators.with_columns(target_raw=pl.when(first).then(pl.lit("=100%")).otherwise("target_raw")),
    )
    sheet = openpyxl.load_workbook(write_template(changed, tmp_path / "t.xlsx", [SEED]))[INDICATOR_SHEET]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(2, headers.index("指标值") + 1)
    assert (cell.value, cell.data_type) == ("=100%", "s")


def scorecard(tmp_path: Path, rows: list[list[str]], total: str = "96.6"):
    """The scorecard of a one-project self-evaluation with these indicator rows."""
    path = tmp_path / "selfeval.txt"
    path.write_text(selfeval_text(rows, total), encoding="utf-8")
    return score(load_actuals(path))


def test_weights_above_their_group_give_a_finding_and_no_negative_weight(tmp_path):
    """分值 30 + 30 in the 50-point output group: a finding naming the group and both sums (the
    third output row got weight −10 and score −10 before)."""
    rows = [
        ["产出指标", "数量指标", "举办活动场次", "≥10场", "10场", "30", "30", ""],
        ["产出指标", "成本指标", "活动经费", "≤20万元", "19万元", "30", "30", ""],
        ["效益指标", "社会效益指标", "活动影响力", "提升影响力", "达成年度指标", "30", "30", ""],
        ["满意度指标", "服务对象满意度指标", "参与者满意度", "≥90%", "95%", "10", "10", ""],
    ]
    card = scorecard(tmp_path, rows, "109.6")
    assert card.indicator_scores["weight"].min() >= 0
    found = card.findings.filter(rule_id="weights_exceed_group")
    assert found.height == 1 and found["seq"][0] is None
    assert found["message"][0] == "产出指标各指标分值合计60分，超过该组权重50分：未给分值的指标按0分权重计，应核对分值"


def test_unknown_level1_is_a_finding_that_names_it(tmp_path):
    """``过程指标`` is no level-1 group of the rules: unscored with a message naming it, total empty."""
    rows = [list(r) for r in CLEAN_ROWS]
    rows[0][0] = "过程指标"
    card = scorecard(tmp_path, rows)
    found = card.findings.filter(rule_id="indicator_unscored")
    assert found["message"].to_list() == ["无法评分：一级指标“过程指标”不是产出、效益、满意度或成本指标，无法确定权重"]
    assert card.project_scores["total"][0] is None


def test_every_indicator_unscored_finding_has_a_message(tmp_path):
    """``=0起`` with ``2起`` was unjudged with an empty message; now it is scored 0 (a zero upper
    bound missed), and every unscored row says why."""
    rows = [list(r) for r in CLEAN_ROWS]
    rows[0][2:5] = ["安全事故数", "=0起", "2起"]
    rows[2][4] = "工作有序开展"
    card = scorecard(tmp_path, rows)
    assert card.indicator_scores["score"][0] == 0.0
    unscored = card.findings.filter(rule_id="indicator_unscored")
    assert unscored.height == 1
    assert all(m and m.startswith("无法评分：") and "需人工判断" in m for m in unscored["message"].to_list())


# points written only in the level-1 cells (产出指标(50分)), no 分值 on the rows: perfkit splits them
# equally (25 each) to score, but the unit may share them out as it likes (illustrative)
SPLIT_ROWS = [
    ["产出指标(50分)", "数量指标", "举办活动场次", "≥10场", "{actual}", "", "{first}", "{reason}"],
    ["产出指标(50分)", "成本指标", "活动经费", "≤20万元", "19万元", "", "{second}", ""],
    ["效益指标(30分)", "社会效益指标", "活动影响力", "提升影响力", "达成年度指标", "", "30", ""],
    ["满意度指标(10分)", "服务对象满意度指标", "参与者满意度", "≥90%", "95%", "", "10", ""],
]


def split_rows(first: str, second: str, actual: str = "10场", reason: str = "") -> list[list[str]]:
    values = {"first": first, "second": second, "actual": actual, "reason": reason}
    return [[cell.format(**values) for cell in row] for row in SPLIT_ROWS]


def test_a_share_of_group_points_is_not_the_rows_weight(tmp_path):
    # worked by hand: both output rows met, the unit gives 30 + 20 = 50 of the group's 50. Row 1's 30
    # is above the equal share 25, but the form never gave row 1 a 分值: no finding. Total: 50 + 30 +
    # 10 + 9.6 = 99.6 as stated
    findings = scored(tmp_path, split_rows("30", "20"), "99.6")
    assert findings.height == 0


def test_a_group_self_scored_above_its_points_is_one_finding_on_the_group(tmp_path):
    # worked by hand: 30 + 25 = 55 above the group's 50; said once, on the group (no row), and the
    # total 55 + 30 + 10 + 9.6 = 104.6 is stated as it adds up
    findings = scored(tmp_path, split_rows("30", "25"), "104.6")
    above = findings.filter(pl.col("rule_id") == "self_score_above_weight")
    assert above["seq"].to_list() == [None]
    assert above["message"].to_list() == ["一级指标“产出指标”2项指标的自评得分合计55超过该组分值50：得分不得高于分值"]


def test_a_group_self_scored_above_its_rescore_is_inflated_as_a_group(tmp_path):
    # worked by hand: 8 of ≥10 场 earns 25 × 0.8 = 20, the cost row 25: 45 re-scored against the
    # unit's 30 + 20 = 50, 5 points above, said on the group; each row alone is not compared (the
    # unit's 20 on the cost row is below the share 25, its 30 above it)
    findings = scored(tmp_path, split_rows("30", "20", actual="8场", reason="天气原因"), "99.6")
    inflated = findings.filter(pl.col("rule_id") == "self_score_inflated")
    assert inflated["seq"].to_list() == [None]
    assert inflated["message"].to_list() == [
        "一级指标“产出指标”2项指标的自评得分合计50高于复核得分合计45（相差5分）；该组只写了组分值，逐项分值未给出，按组比较"
    ]


def test_points_taken_off_a_group_without_a_reason_are_one_finding_on_the_group(tmp_path):
    # worked by hand: both output rows met, the unit gives 20 + 20 = 40 of the group's 50 and writes
    # no 偏差原因; the total 40 + 30 + 10 + 9.6 = 89.6 as stated. No row is below its 分值 on its own
    # (the form gave none), the group is
    findings = scored(tmp_path, split_rows("20", "20"), "89.6")
    assert findings.select("rule_id", "seq", "message").rows() == [
        (
            "missing_deviation_reason",
            None,
            "一级指标“产出指标”2项指标的自评得分合计40低于该组分值50，但未填写偏差原因分析及改进措施",
        )
    ]


def test_a_group_with_a_row_not_self_scored_is_not_compared_with_its_rescore(tmp_path):
    # worked by hand: 8 of ≥10 场 (re-scored 20) self-scored 30, the cost row (25) left blank: the unit's
    # 30 is not the group's self-score, so it is neither inflated against 45 nor short of 50 (a guard:
    # with the blank read as 0 the group would be short by 20). The total 30 + 30 + 10 + 9.6 = 79.6
    findings = scored(tmp_path, split_rows("30", "", actual="8场", reason="天气原因"), "79.6")
    assert findings.height == 0
