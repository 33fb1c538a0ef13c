"""The exploration notebook run on the bundled data with static tables, exported to HTML without
code (as ``perfkit run`` exports reports): the tables and the charts are in the page, in Chinese."""

from __future__ import annotations

import re

import papermill
import pytest

from perfkit.run.notebook import export_html
from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "3.0-explore-anomalies.ipynb"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explore")
    executed = folder / NOTEBOOK.name
    papermill.execute_notebook(str(NOTEBOOK), str(executed), parameters={"interactive": False},
                               cwd=str(NOTEBOOK.parent), progress_bar=False, kernel_name="python3")  # fmt: skip
    export_html(executed, folder / "report.html")
    return (folder / "report.html").read_text(encoding="utf-8")


def test_parameters_cell_declares_the_documented_parameters():
    declared = set(papermill.inspect_notebook(str(NOTEBOOK)))
    assert {"source", "actuals", "batch_dir", "unit", "project", "rule", "severity", "interactive"} <= declared


def test_html_report_shows_static_tables_in_chinese(page):
    tables = re.findall(r'<table class="pk-table">.*?</table>', page, flags=re.S)
    assert len(tables) >= 8  # findings, the project's table, self-evaluation and findings, 4 analytics
    assert "<th>规则</th>" in page and "<th>三级指标</th>" in page and "<th>同类中位数</th>" in page
    assert "<b>绩效目标表</b> 共 8 行" in page
    assert "举办天津市第十八届暨京津冀第二届女性科技创新创业大赛" in page
    assert "单位成本：7 个值，0 个同类组可判断，离群 0 个" in page
    assert "import polars" not in page  # no code in the report


def test_html_report_shows_the_charts(page):
    """Charts are PNG images drawn with the bundled CJK font (see test_explore for their labels)."""
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', page)) >= 5
