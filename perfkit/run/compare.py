"""Compare a unit's re-run with the outputs a bundle holds (for ``perfkit verify``).

Compared: the findings (``findings.parquet``: the same finding ids, and for each its message and
severity), the project scores (``project_scores.parquet``, every score column and the grade), and
every cell of the audit workbook (so the indicator scores of the 评分 sheet too). Left out: the
run time and the library versions of the 数据来源 sheet (versions are compared on their own,
from ``environment.lock``), and the executed notebook and HTML report, which hold run times and
images. Each difference is one Chinese line naming the file and the finding, project, sheet or cell.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from perfkit.labels import COLUMN_LABELS

MAX_SHOWN = 30  # differences listed per unit; the rest are counted
PROVENANCE_SHEET = "数据来源"
COMPARED_PROVENANCE = ("输入文件", "参数")  # rows of 数据来源 that are compared (the rest: time, versions)
SCORE_COLUMNS = ["output_score", "benefit_score", "satisfaction_score", "execution_score", "total", "grade",
                 "self_total", "total_diff"]  # fmt: skip


def _shown(value: object) -> str:
    return "（空）" if value is None else f"“{value}”"


def compare_findings(expected: Path, got: Path) -> list[str]:
    """Findings only in the bundle, only in the re-run, or with another message or severity."""
    name = expected.name
    if not got.exists():
        return [f"{name}：重跑没有生成"]
    columns = ["finding_id", "rule_id", "severity", "message"]
    old, new = pl.read_parquet(expected).select(columns), pl.read_parquet(got).select(columns)
    both = old.join(new, on="finding_id", how="full", suffix="_rerun", coalesce=True, maintain_order="left")
    lines = [
        f"{name} 问题 {r['finding_id']}（{r['rule_id'] or r['rule_id_rerun']}）：" + (
            "包中有，重跑没有" if r["rule_id_rerun"] is None and r["message_rerun"] is None
            else "重跑新出现" if r["rule_id"] is None and r["message"] is None
            else f"说明不同：包中{_shown(r['message'])}，重跑{_shown(r['message_rerun'])}"
            if r["message"] != r["message_rerun"]
            else f"严重程度不同：包中 {r['severity']}，重跑 {r['severity_rerun']}"
        )
        for r in both.filter(
            pl.col("message").ne_missing(pl.col("message_rerun"))
            | pl.col("severity").ne_missing(pl.col("severity_rerun"))
            | pl.col("rule_id").ne_missing(pl.col("rule_id_rerun"))
        ).iter_rows(named=True)
    ]  # fmt: skip
    return lines


def compare_project_scores(expected: Path, got: Path) -> list[str]:
    """Each project score (产出、效益、满意度、预算执行得分, 总分, 等级 …) that differs, by project."""
    if not expected.exists() and not got.exists():
        return []
    if not got.exists() or not expected.exists():
        return [f"{expected.name}：{'重跑没有生成' if expected.exists() else '包中没有，重跑生成了'}"]

    def long(path: Path) -> pl.DataFrame:
        frame = pl.read_parquet(path)
        present = [c for c in SCORE_COLUMNS if c in frame.columns]
        return frame.select("project_id", *[pl.col(c).cast(pl.String) for c in present]).unpivot(
            index="project_id", variable_name="column", value_name="value"
        )

    both = long(expected).join(long(got), on=["project_id", "column"], how="full", suffix="_rerun", coalesce=True)
    differing = both.filter(pl.col("value").ne_missing(pl.col("value_rerun"))).sort("project_id", maintain_order=True)
    return [
        f"{expected.name} 项目 {r['project_id']} {COLUMN_LABELS.get(r['column'], r['column'])}："
        f"包中 {r['value'] if r['value'] is not None else '（空）'}，重跑 {r['value_rerun'] if r['value_rerun'] is not None else '（空）'}"
        for r in differing.iter_rows(named=True)
    ]


def _cells(reader, sheet: str) -> pl.DataFrame:
    """A sheet's cells as text, one row per cell: ``row``, ``col`` (0-based from A1), ``value``.

    Every sheet perfkit writes starts at A1, so positions are the cells' own.
    """
    frame = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    frame = frame.rename({c: str(i) for i, c in enumerate(frame.columns)})
    return (
        frame.with_row_index("row")
        .unpivot(index="row", variable_name="col", value_name="value")
        .with_columns(pl.col("row").cast(pl.Int64), pl.col("col").cast(pl.Int64))
    )


def _key_columns(headers: pl.DataFrame) -> pl.Series:
    """The columns that name a row: 问题编号, else 项目编号 (and 序号), else the first column."""
    named = dict(zip(headers["header"], headers["col"], strict=True))
    for keys in (["问题编号"], ["项目编号", "序号"]):
        if keys[0] in named:
            return pl.Series([named[k] for k in keys if k in named], dtype=pl.Int64)
    return pl.Series([0], dtype=pl.Int64)


def compare_workbook(expected: Path, got: Path) -> list[str]:
    """Every cell of the audit workbook whose value differs (run time and versions left out), by sheet and cell."""
    import fastexcel
    from xlsxwriter.utility import xl_rowcol_to_cell

    name = expected.name
    if not got.exists():
        return [f"{name}：重跑没有生成"]
    old, new = fastexcel.read_excel(expected), fastexcel.read_excel(got)
    lines = [f"{name} 工作表 {s}：包中有，重跑没有" for s in old.sheet_names if s not in new.sheet_names]
    lines += [f"{name} 工作表 {s}：重跑新出现" for s in new.sheet_names if s not in old.sheet_names]
    for sheet in [s for s in old.sheet_names if s in new.sheet_names]:
        both = _cells(old, sheet).join(
            _cells(new, sheet), on=["row", "col"], how="full", suffix="_rerun", coalesce=True
        )
        headers = both.filter(row=0).select("col", header=pl.coalesce("value", "value_rerun"))
        keys = (
            both.filter(pl.col("col").is_in(_key_columns(headers).implode()))
            .group_by("row")
            .agg(key=pl.coalesce("value", "value_rerun").sort_by("col").str.join(" "))
        )
        differing = (
            both.filter(pl.col("value").ne_missing(pl.col("value_rerun")))
            .join(keys, on="row", how="left")
            .join(headers, on="col", how="left")
            .sort("row", "col")
        )
        if sheet == PROVENANCE_SHEET:
            differing = differing.filter((pl.col("row") == 0) | pl.col("key").is_in(COMPARED_PROVENANCE)
                                         | pl.col("key").str.starts_with(COMPARED_PROVENANCE[0]))  # fmt: skip
        lines += [
            f"{name} {sheet}!{xl_rowcol_to_cell(r['row'], r['col'])}"
            f"（{r['header'] or ''}{'，' + r['key'] if r['key'] and r['row'] else ''}）："
            f"包中{_shown(r['value'])}，重跑{_shown(r['value_rerun'])}"
            for r in differing.head(MAX_SHOWN).iter_rows(named=True)
        ]
        if differing.height > MAX_SHOWN:
            lines.append(f"{name} {sheet}：另有 {differing.height - MAX_SHOWN} 个单元格不同")
    return lines


def compare_unit(expected: Path, got: Path, unit_code: str) -> tuple[str, list[str]]:
    """The unit's name and every difference between the bundled outputs ``expected`` and the re-run ``got``."""
    try:
        unit_name = json.loads((expected / "summary.json").read_text(encoding="utf-8")).get("unit_name") or ""
    except (OSError, json.JSONDecodeError, AttributeError):
        unit_name = ""
    differences: list[str] = []
    findings = expected / "findings.parquet"
    if findings.exists():
        differences += compare_findings(findings, got / findings.name)
    else:
        differences.append(f"{findings.name}：包中没有")
    differences += compare_project_scores(expected / "project_scores.parquet", got / "project_scores.parquet")
    workbook = f"{unit_code}-审计底稿.xlsx"
    if (expected / workbook).exists():
        differences += compare_workbook(expected / workbook, got / workbook)
    else:
        differences.append(f"{workbook}：包中没有")
    if len(differences) > MAX_SHOWN * 3:
        differences = [*differences[: MAX_SHOWN * 3], f"另有 {len(differences) - MAX_SHOWN * 3} 处不同"]
    return unit_name, differences
