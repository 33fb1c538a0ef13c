"""Charts render Chinese with the bundled font and without missing-glyph warnings."""

from __future__ import annotations

import warnings

import matplotlib as mpl
import polars as pl
from matplotlib import font_manager

from perfkit.report import charts


def test_cjk_font_is_the_bundled_one():
    family = charts.use_cjk_style()
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert found == str(charts.CJK_FONT_FILE)
    assert mpl.rcParams["font.family"] == [family]


def test_charts_render_chinese_without_missing_glyph_warnings(tmp_path, seed_tables):
    scores = pl.DataFrame(
        {
            "project_name": ["2025年妇女健身项目", "2025年妇联网站等信息化系统运维项目"],
            "output_score": [48.6, 47.9],
            "benefit_score": [30.0, 30.0],
            "satisfaction_score": [10.0, 10.0],
            "execution_score": [9.5, 9.67],
            "budget_full": [30.0, 27.0],
            "executed": [28.5, 26.1],
        }
    )
    findings = pl.DataFrame(
        {"rule_title": ["金额单位只写“万”", "金额单位只写“万”", "资金不符"], "severity": ["low", "low", "high"]}
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures = [
            charts.score_by_project(scores),
            charts.findings_by_rule(findings),
            charts.budget_vs_execution(scores),
        ]
        for i, figure in enumerate(figures):
            figure.savefig(tmp_path / f"chart{i}.png")
    glyph = [w for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert glyph == []
    assert all((tmp_path / f"chart{i}.png").stat().st_size > 10_000 for i in range(3))


def test_a_score_left_to_a_person_is_marked_on_its_bar_not_drawn_as_zero():
    # illustrative: the second project's output group is unjudged (null) and its execution unscored;
    # worked by hand, its bar is 30 + 10 long and says it is short of parts, the first says nothing
    scores = pl.DataFrame(
        {
            "project_name": ["甲项目", "乙项目"],
            "output_score": [48.6, None],
            "benefit_score": [30.0, 30.0],
            "satisfaction_score": [10.0, 10.0],
            "execution_score": [9.5, None],
        }
    )
    texts = [(t.get_text(), t.get_position()) for t in charts.score_by_project(scores).axes[0].texts]
    assert texts == [(charts.UNJUDGED_MARK, (41.0, 1))]
