"""``index.html`` of a run over many units, on unit folders made by hand (no kernels)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import polars as pl

from perfkit.report.portfolio import CROSS_UNIT_FILE
from perfkit.run.portfolio import write_run_index


def index_table(page: str) -> list[dict[str, str]]:
    """The rows of the index page as ``{header: cell text}``, tags stripped and entities decoded."""
    rows = re.findall(r"<tr>(.*?)</tr>", page)
    header = [unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", rows[0])]
    cells = [
        [unescape(re.sub(r"<[^>]+>", " ", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in rows[1:]
    ]
    return [dict(zip(header, row, strict=True)) for row in cells]


def unit_folder(root: Path, code: str, name: str) -> None:
    folder = root / code
    folder.mkdir()
    summary = {"unit_code": code, "unit_name": name, "year": 2025, "projects": 1, "budget_total": 10.0,
               "findings_high": 1, "findings_medium": 2, "findings_low": 3, "mean_total": None, "grades": {}}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")


def test_index_shows_cross_unit_counts_next_to_the_other_counts(tmp_path):
    unit_folder(tmp_path, "300001", "示例<街道>办事处")
    unit_folder(tmp_path, "300002", "另一单位")
    cross = pl.DataFrame({"unit_code": ["300001", "300001"], "rule_id": ["yoy_new_project", "copy_paste_indicator"]})
    cross.write_parquet(tmp_path / CROSS_UNIT_FILE)
    page = write_run_index(tmp_path).read_text(encoding="utf-8")
    assert "示例&lt;街道&gt;办事处" in page and "<街道>" not in page
    table = index_table(page)
    assert list(table[0])[7:11] == ["高", "中", "低", "跨单位异常"]
    assert [(r["单位编码"], r["单位名称"], r["低"], r["跨单位异常"]) for r in table] == [
        ("300001", "示例<街道>办事处", "3", "2"),
        ("300002", "另一单位", "3", "0"),  # in the portfolio, without findings
    ]
    assert pl.read_csv(tmp_path / "index.csv")["findings_cross_unit"].to_list() == [2, 0]


def test_without_a_portfolio_the_cross_unit_cell_is_empty(tmp_path):
    unit_folder(tmp_path, "300001", "示例街道办事处")
    table = index_table(write_run_index(tmp_path).read_text(encoding="utf-8"))
    assert [(r["单位编码"], r["跨单位异常"]) for r in table] == [("300001", "")]
