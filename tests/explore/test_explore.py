"""perfkit.explore on the bundled seed and hand-made tables: selections, a project's full view
reached from a finding, the analytics tables with their peer groups, and tables for people."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from perfkit import explore
from perfkit.explore import peers
from perfkit.explore.charts import peer_chart
from perfkit.load import load_targets
from tests.checks.test_outliers import cost_projects

ROOT = Path(__file__).resolve().parents[2]
TWO_YEARS = ROOT / "tests" / "fixtures" / "two-years.csv"


@pytest.fixture(scope="module")
def seed():
    return explore.open_sources(ROOT / "data" / "raw" / "targets", ROOT / "data" / "raw" / "selfeval")


# opening and selecting ---------------------------------------------------------------------------


def test_overview_counts_units_projects_and_findings_by_criterion(seed):
    lines = explore.overview_lines(seed)
    assert lines[0] == "单位：2 个；项目：7 个；年度：2025"
    assert "异常分析 1" in lines[2] and lines[3] == "自评表：7 个项目"
    assert set(seed.findings.columns) >= {"rule_title", "criterion", "project_name"}


def test_select_by_unit_severity_rule_and_project_name(seed):
    high = explore.select(seed.findings, severity="高")
    assert high.height > 0 and set(high["severity"]) == {"high"}
    assert explore.select(seed.findings, severity=["high"]).height == high.height
    by_title = explore.select(seed.findings, rule="指标文字与其他项目雷同（复制粘贴）")
    assert by_title["rule_id"].to_list() == ["copy_paste_indicator"]
    assert explore.select(seed.findings, rule="copy_paste_indicator", unit="562202").height == 0
    fitness = explore.select(seed.findings, project="妇女健身")
    assert set(fitness["project_name"]) == {"2025年妇女健身项目"}


def test_select_ignores_choices_a_table_has_no_column_for(seed):
    """Indicators have no rule or severity: only the unit restricts them."""
    rows = explore.select(seed.tables.indicators, unit="562202", rule="bare_wan", severity="高")
    assert rows.height == seed.tables.indicators.filter(unit_code="562202").height


# a project in full --------------------------------------------------------------------------------


def test_finding_leads_to_its_project_with_goal_text_self_evaluation_and_findings(seed):
    """The copy-paste finding is on project 7 (大赛, 非财政拨款), row 2, copied from project 4's row 6."""
    finding = seed.findings.filter(rule_id="copy_paste_indicator").row(0, named=True)
    view = explore.finding_view(seed, finding["finding_id"])
    assert view.project["project_name"] == "2025年寻找最美家庭、女性科技创业创新大赛（非财政拨款）"
    assert view.targets.height == 8 and view.targets.columns[:2] == ["seq", "level1"]
    assert view.selfeval.height == 8 and "actual_raw" in view.selfeval.columns
    assert finding["finding_id"] in set(seed.findings.filter(project_id=view.project["project_id"])["finding_id"])
    lines = view.lines()
    assert "  2.举办天津市第十八届暨京津冀第二届女性科技创新创业大赛。" in lines
    assert lines[-1] == "所选发现指向第2条：举办天津市第十八届暨京津冀第二届女性科技创新创业大赛（≥1次）"
    assert "自评：全年预算数 74.0 万元，执行数 70.3 万元，自评总分 98.75" in lines


def test_project_view_by_name_text_and_unknown_project(seed):
    assert explore.project_view(seed, "妇女健身").project["budget_total"] == 30.0
    with pytest.raises(KeyError, match="没有项目编号或名称包含“不存在”的项目"):
        explore.project_view(seed, "不存在")


# analytics tables ---------------------------------------------------------------------------------


def test_unit_cost_table_explains_the_outlier_and_the_normal_values():
    table = peers.unit_cost_table(cost_projects(5.0, 5.2, 4.8, 5.1, 4.9, 50.0))
    assert table["status"].to_list()[0] == "high"  # outliers first
    assert table["explanation"][0] == "50000.0元高于上界15149.26（中位数5049.75的9.9倍，稳健Z分数52.0）"
    assert table["explanation"][1] == "在1683.25–15149.26之间，属正常"  # median ÷ 3 … median × 3
    groups = peers.peer_groups(table, ["basis", "per"])
    assert groups.select("peer_projects", "outliers", "judged").row(0) == (6, 1, True)


def test_small_groups_are_summed_up_in_one_sentence(seed):
    """Seed unit costs: 7 values in 5 groups (元/人 written, 元/人, 元/次, 元/场, 元/户 derived), none with 5 projects."""
    note = peers.small_groups_note(peers.unit_cost_table(seed.tables), ["basis", "per"], "单位成本")
    assert note == "单位成本：7 个值，0 个同类组可判断，离群 0 个；另有 5 个同类组（7 个值）同类项目不足，未作判断。"


def test_satisfaction_and_execution_tables_on_the_seed(seed):
    """Eight satisfaction targets (seven at 90%, one at 95%) and seven execution rates: one group each, no outlier."""
    satisfaction = peers.satisfaction_table(seed.tables)
    assert satisfaction.height == 8 and set(satisfaction["status"]) == {"normal"}
    assert satisfaction["explanation"][0] == "在80.0–100.0之间，属正常"
    execution = peers.execution_table(seed.actuals)
    rates = dict(zip(execution["project_name"], execution["value"], strict=True))
    assert rates["2025年寻找最美家庭、女性科技创业创新大赛（非财政拨款）"] == 95.0  # 70.3 / 74
    assert set(execution["status"]) == {"normal"}


def test_copy_table_lists_the_seed_copy(seed):
    table = peers.copy_table(seed.tables)
    assert table.select("seq", "source_project_name", "source_seq", "similarity").rows() == [
        (2, "2025年妇女儿童业务经费", 6, 1.0)
    ]


def test_year_over_year_table_names_every_change():
    """Fixture: 社区 2024→2025 keeps 4 rows, lowers 服务居民人数, raises the cost ceiling, drops 居民参与率; 培训 keeps 4."""
    table = peers.year_over_year_table(load_targets(TWO_YEARS))
    assert dict(table.group_by("change").len().iter_rows()) == {"不变": 8, "降低": 1, "放宽": 1, "删除": 1}
    dropped = table.filter(change="删除").row(0, named=True)
    assert (dropped["name"], dropped["prev_target_raw"], dropped["target_raw"]) == ("居民参与率", "≥80%", None)
    assert peers.year_over_year_table(explore.open_sources(ROOT / "data" / "raw" / "targets").tables).height == 0


def test_labelled_gives_chinese_headers_and_status():
    frame = peers.labelled(pl.DataFrame({"peer_median": [1.0], "status": ["too_few"], "explanation": ["x"]}))
    assert frame.columns == ["同类中位数", "判断结果", "说明"]
    assert frame["判断结果"][0] == "同类不足，未判断"


# tables and charts for people ---------------------------------------------------------------------


def test_static_table_shows_the_first_rows_with_chinese_headers():
    frame = pl.DataFrame({"rule_title": ["甲<乙", "丙", "丁"], "severity": ["high", "low", "low"]})
    html = explore.static_html(frame, rows=2, caption="所选")
    assert "<b>所选</b> 共 3 行，显示前 2 行" in html
    assert "<th>规则</th><th>严重程度</th>" in html and "<td>甲&lt;乙</td><td>高</td>" in html
    assert "丁" not in html


def test_show_without_itables_is_the_static_table():
    shown = explore.show(pl.DataFrame({"seq": [1]}), caption="表", interactive=False)
    assert repr(shown) == "表格：表 共 1 行" and "<th>序号</th>" in shown._repr_html_()


def test_peer_chart_has_chinese_labels_in_the_bundled_font(seed):
    import matplotlib as mpl
    from matplotlib import font_manager

    from perfkit.report.charts import CJK_FONT_FILE

    fig = peer_chart(peers.satisfaction_table(seed.tables), "满意度指标值与同类组", "%")
    ax = fig.axes[0]
    assert ax.get_title() == "满意度指标值与同类组"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["中位数 90.00%", "下界 80.00%", "上界 100.00%"]
    assert mpl.rcParams["font.family"] == [font_manager.FontProperties(fname=str(CJK_FONT_FILE)).get_name()]


def test_picker_drop_downs_select_the_findings(seed):
    """In JupyterLab the drop-downs do what select() does; the table follows each choice."""
    box = explore.picker(seed)
    unit, project, rule, severity = box.children[0].children
    assert box.picked.height == seed.findings.height  # 全部 at first
    assert ("高", "high") in severity.options and project.options[0] == ("全部", None)
    unit.value, severity.value = "562301", "high"
    assert box.picked.height == explore.select(seed.findings, unit="562301", severity="high").height > 0
    rule.value = "copy_paste_indicator"
    assert box.picked.height == 0  # the copy is a low finding
    severity.value = None
    assert box.picked["seq"].to_list() == [2]
