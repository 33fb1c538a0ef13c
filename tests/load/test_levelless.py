"""A list of indicators without level columns (指标名称 | 计量单位 | 指标性质 | 年初指标值 …, no 一级指标 /
二级指标): read with null levels in every format, only where one header row holds a name AND a target
label; scored as rows without a group. All content is illustrative, made up for the tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polars as pl
import pytest

from perfkit.cli import main
from perfkit.errors import InputError
from perfkit.load import load_targets
from tests.load.layout_docs import write_docx, write_xlsx

TITLE = "某中心部门整体绩效自评表"
# 绩效指标 merged down the left; 指标性质 says 定量 / 定性 (a nature, not a comparator); the unit column
# beside values that write their unit or not
LIST = [
    [
        ("绩效指标", 5, 1),
        "指标名称",
        "计量单位",
        "指标性质",
        "年初指标值",
        "全年完成值",
        "指标权重(分)",
        "指标得分(分)",
    ],
    ["预算完成率", "%", ("定量指标", 2, 1), "≥90%", "95%", "4", "4"],
    ["培训人次", "人次", "100", "80", "6", "6"],
    ["资金使用合规性", "", "定性指标", "合规", "合规", "5", "5"],
    ["服务人次", "人次", "定量指标", "1.5万", "1.6万", "5", "5"],
]
# worked by hand: no level; ≥90% keeps its own unit (the % column is not added twice); 100 is a bare
# figure that the 人次 column completes, and so is 1.5万 (a magnitude, not a unit: 1.5万人次, kept as
# written, docs/domain.md §3); 定量指标 / 定性指标 are no comparator
READ = [
    (None, None, "预算完成率", "≥90%", ">=", 90.0, "%", "quantitative"),
    (None, None, "培训人次", "100人次", None, 100.0, "人次", "quantitative"),
    (None, None, "资金使用合规性", "合规", None, None, None, "qualitative"),
    (None, None, "服务人次", "1.5万人次", None, 1.5, "万人次", "quantitative"),
]
COLUMNS = ["level1", "level2", "name", "target_raw", "target_op", "target_value", "target_unit", "target_kind"]


def _page(title: str, *tables: list[list]) -> bytes:
    """A web page of ``tables`` (cells as text or (text, rows, cols)) under ``title``."""

    def cell(c) -> str:
        text, rows, cols = (c, 1, 1) if isinstance(c, str) else c
        return f"<td rowspan={rows} colspan={cols}>{text}</td>"

    body = "".join("<table>" + "".join(f"<tr>{''.join(map(cell, r))}</tr>" for r in t) + "</table>" for t in tables)
    return f"<html><body><p>{title}</p>{body}</body></html>".encode()


def _written(tmp_path: Path, kind: str) -> Path:
    if kind == "html":
        path = tmp_path / "t.html"
        path.write_bytes(_page(TITLE, LIST))
        return path
    if kind == "xlsx":
        return write_xlsx(tmp_path / "t.xlsx", [[TITLE], *LIST])
    word = write_docx(tmp_path / "t.docx", TITLE, LIST)
    if kind == "docx":
        return word
    from tests.conftest import client

    soffice = client("writer", "soffice")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(word)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return tmp_path / "t.pdf"


@pytest.mark.parametrize("kind", ["html", "docx", "xlsx", "pdf"])
def test_a_list_without_levels_is_read_with_null_levels_in_every_format(tmp_path, kind):
    loaded = load_targets(_written(tmp_path, kind))
    assert loaded.indicators.select(COLUMNS).rows() == READ
    # a level that the table does not have is not a level left unfilled: no unreadable part for it.
    # The list states no money, so its budget and its parts are unknown, not 0: null, and said
    # (docs/contract.md §4.1)
    place = {"html": "表1", "docx": "表1", "xlsx": "工作表“自评表”第2行", "pdf": "第1页表1"}[kind]
    budget = ["budget_total", "budget_fiscal", "budget_other"]
    assert loaded.projects.select("project_name", *budget, "unreadable").rows() == [
        ("部门整体支出", None, None, None, f"{place}：预算数为空")
    ]


@pytest.mark.parametrize("kind", ["html", "docx"])
def test_a_self_evaluation_without_levels_scores_no_row_and_says_why(tmp_path, kind):
    # worked by hand: the 全年完成值 column is readable, so the form is read; no row has a group, so none
    # is weighted or scored (no group is invented), and each says it is the missing level, not a bad one
    path, out = _written(tmp_path, kind), tmp_path / "out"
    assert main(["score", "--actuals", str(path), "-o", str(out)]) == 0
    scores = pl.read_csv(out / "indicator_scores.csv")
    assert scores.select("name", "actual_raw", "score", "status").rows() == [
        ("预算完成率", "95%", None, "unjudged"),
        ("培训人次", "80人次", None, "unjudged"),
        ("资金使用合规性", "合规", None, "unjudged"),
        ("服务人次", "1.6万人次", None, "unjudged"),
    ]
    why = "无法评分：指标表没有一级指标、二级指标列，不能确定指标所属的产出、效益、满意度或成本指标，无法确定权重"
    assert set(scores["note"]) == {why}
    findings = pl.read_csv(out / "findings.csv").filter(pl.col("rule_id") == "indicator_unscored")
    assert findings.select("seq", "message").rows() == [(1, why), (2, why), (3, why), (4, why)]


# what a name and a target label alone must not make a list of indicators of (illustrative)
NOT_LISTS = {
    # money, not indicators: no name or target label
    "资金表": [["资金名称", "年初预算数", "全年预算数", "全年执行数"], ["一般公共预算", "100", "120", "110"]],
    # a plan's targets: 目标值 (with its year) is no 指标值
    "规划表": [["指标名称", "单位", "2020年基数", "2025年目标值", "属性"], ["森林覆盖率", "%", "40", "42", "约束性"]],
    # statistics: 年度数值 is a value, not a target
    "统计表": [["指标名称", "计量单位", "年度数值", "上年数值"], ["地区生产总值", "亿元", "120", "110"]],
    # the two labels in two rows (a listing of label and value), never one header row
    "两行": [["指标名称", "森林覆盖率"], ["指标值", "42%"]],
}


@pytest.mark.parametrize("name", NOT_LISTS)
def test_tables_that_only_look_like_a_list_are_not_read(tmp_path, name):
    path = tmp_path / "t.html"
    path.write_bytes(_page("某县统计公报", NOT_LISTS[name]))
    with pytest.raises(InputError, match="未找到项目绩效目标表"):
        load_targets(path)


def test_beside_a_target_table_such_tables_add_no_project(tmp_path):
    # worked by hand: the target table gives one project of one indicator; the statistics and plan tables
    # on the same page give nothing
    target = [
        ["项目名称", ("某培训项目", 1, 3)],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训人次", "≥100人次"],
    ]
    path = tmp_path / "t.html"
    path.write_bytes(_page("某单位2025年项目绩效目标表", NOT_LISTS["统计表"], target, NOT_LISTS["规划表"]))
    loaded = load_targets(path)
    assert loaded.projects["project_name"].to_list() == ["某培训项目"]
    assert loaded.indicators.select("level1", "name", "target_raw").rows() == [("产出指标", "培训人次", "≥100人次")]


@pytest.mark.parametrize("kind", ["html", "xlsx"])
def test_a_list_header_is_known_by_its_label_keys_in_every_format(tmp_path, kind):
    # 指标名称： and 年初指标值（%） are the same labels once a colon and a bracketed note are taken off;
    # a sheet used to be tested with the raw text, so only the web page read this list (illustrative)
    header = [("绩效指标", 5, 1), "指标名称：", "计量单位", "指标性质", "年初指标值（%）", "全年完成值", "指标权重(分)",
              "指标得分(分)"]  # fmt: skip
    rows = [header, *LIST[1:]]
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "t.xlsx", [[TITLE], *rows])
    else:
        path = tmp_path / "t.html"
        path.write_bytes(_page(TITLE, rows))
    # worked by hand: the same four indicators as READ
    assert load_targets(path).indicators.select(COLUMNS).rows() == READ
