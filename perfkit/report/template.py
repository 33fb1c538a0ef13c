"""``perfkit template``: an actuals workbook pre-filled from the targets, for auditors to fill in.

Sheet 指标完成情况 has one row per indicator with the targets locked and the columns to fill
(实际完成值, the qualitative band as a drop-down, 偏差原因, optional 分值 and 自评得分); sheet
项目执行情况 has one row per project for 全年预算数 / 全年执行数. :mod:`perfkit.load.actuals` reads
the filled-in workbook back.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from perfkit.load import TargetTables
from perfkit.load.actuals import INDICATOR_COLUMNS, INDICATOR_SHEET, PROJECT_COLUMNS, PROJECT_SHEET
from perfkit.report.print_setup import row_heights
from perfkit.report.workbook import atomic_workbook
from perfkit.scoring.params import BANDS

ABOUT_SHEET = "说明"


def _sheet(writer, name: str, columns: list, frame: pl.DataFrame, formats: dict) -> object:
    sheet = writer.add_sheet(name)
    sheet.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})
    sheet.freeze_panes(1, 0)
    widths = [float(width) for _, _, width in columns]
    for col, (header, source, width) in enumerate(columns):
        sheet.write(0, col, header, formats["header"] if source else formats["fill_header"])
        cell_format = formats["locked"] if source else formats["open"]
        sheet.set_column(col, col, width, cell_format)
        values = frame[source].to_list() if source else [None] * frame.height
        for row, value in enumerate(values, start=1):
            sheet.write(row, col, value, cell_format)
    sheet.set_row(0, row_heights(pl.DataFrame([[h for h, _, _ in columns]], orient="row"), widths)[0])
    shown = frame.select([pl.col(source) if source else pl.lit(None).alias(header) for header, source, _ in columns])
    for row, height in enumerate(row_heights(shown, widths), start=1):
        sheet.set_row(row, height)
    sheet.autofilter(0, 0, frame.height, len(columns) - 1)
    writer.printed(sheet, name, frame.height, len(columns) - 1, 0)
    return sheet


def write_template(tables: TargetTables, path: Path, sources: list[Path]) -> Path:
    """Write the actuals workbook for ``tables`` to ``path`` atomically; returns ``path``."""
    indicators = tables.indicators.join(
        tables.projects.select("project_id", "project_name"), on="project_id", maintain_order="left"
    )
    # the shared writer also keeps a target such as "=100%" a string, never a formula
    codes = tables.projects["unit_code"].drop_nulls().unique().sort().to_list()
    years = tables.projects["year"].drop_nulls().unique().sort().cast(pl.String).to_list()
    entity = ("、".join(codes[:3]) + ("等" if len(codes) > 3 else "")) or "项目绩效完成情况"
    prefix = f"{codes[0] if len(codes) == 1 else '多单位'}-{'、'.join(years) or '年度'}-填报"
    with atomic_workbook(path, entity, prefix, kind="项目绩效完成情况填报表") as writer:
        book = writer.book
        formats = {
            "header": book.add_format(
                {"bold": True, "bg_color": "#D9D9D9", "border": 1, "locked": True, "text_wrap": True, "valign": "top"}
            ),
            "fill_header": book.add_format(
                {"bold": True, "bg_color": "#FFF2CC", "border": 1, "locked": True, "text_wrap": True, "valign": "top"}
            ),
            "locked": book.add_format({"locked": True, "text_wrap": True, "valign": "top"}),
            "open": book.add_format({"locked": False, "bg_color": "#FFFBEA", "text_wrap": True, "valign": "top"}),
        }
        sheet = _sheet(writer, INDICATOR_SHEET, INDICATOR_COLUMNS, indicators, formats)
        last = max(indicators.height, 1)
        band_col = [c[0] for c in INDICATOR_COLUMNS].index("定性评价档次")
        sheet.data_validation(1, band_col, last, band_col, {"validate": "list", "source": list(BANDS)})
        sheet.data_validation(
            1,
            band_col + 1,
            last,
            band_col + 1,
            {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1},
        )
        _sheet(writer, PROJECT_SHEET, PROJECT_COLUMNS, tables.projects, formats)
        about = writer.add_sheet(ABOUT_SHEET)
        about.set_column(0, 0, 18)
        about.set_column(1, 1, 90, formats["locked"])
        lines = [
            ("用途", "项目绩效完成情况填报表：灰色列为绩效目标（已锁定），黄色列请填写。"),
            ("实际完成值", "按指标值的单位填写，如 95%、4200人次、11月、4.3万元；定性指标可填“达成/部分达成/未达成”。"),
            (
                "定性评价档次",
                "定性指标从下拉列表选择档次；如需给出具体比例，在“定性得分比例”填 0–1 之间的小数（须在档次范围内）。",
            ),
            ("分值、自评得分", "可选：填写单位自评表中的分值与得分，perfkit 将复核自评结果。"),
            ("生成工具", "perfkit template"),
        ]
        lines += [("数据来源", f"{p.name}  sha256:{hashlib.sha256(p.read_bytes()).hexdigest()[:16]}") for p in sources]
        for row, (key, text) in enumerate(lines):
            about.write(row, 0, key, formats["header"])
            about.write(row, 1, text, formats["locked"])
        for row, height in enumerate(row_heights(pl.DataFrame(lines, orient="row"), [18.0, 90.0])):
            about.set_row(row, height)
        writer.printed(about, ABOUT_SHEET, len(lines) - 1, 1)
    return path
