"""Drop-downs over the findings for JupyterLab (ipywidgets), where they save re-running cells.

Only an addition: where ipywidgets is missing, or in a report, the notebook's parameters and
:func:`perfkit.explore.select` choose the rows, and the static table shows them.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from perfkit.explore.data import Exploration
from perfkit.explore.filters import select
from perfkit.explore.tables import DEFAULT_ROWS, show
from perfkit.labels import SEVERITY_LABELS

COLUMNS = ["finding_id", "unit_code", "project_name", "seq", "severity", "rule_title", "message", "evidence"]
_ALL = ("全部", None)


def _options(frame: pl.DataFrame, label: str, value: str) -> list[tuple[str, Any]]:
    pairs = frame.select(pl.col(label).alias("_label"), pl.col(value).alias("_value")).unique().drop_nulls()
    pairs = pairs.sort("_label", "_value").rows()
    return [_ALL, *pairs]


def picker(exploration: Exploration, columns: list[str] = COLUMNS, rows: int = DEFAULT_ROWS) -> Any | None:
    """Drop-downs for unit, project, rule and severity, with the matching findings below them.

    Returns the widget (its ``picked`` attribute holds the rows shown), or ``None`` without ipywidgets.
    """
    try:
        import ipywidgets as widgets
    except ImportError:
        return None
    findings = exploration.findings
    style = {"description_width": "initial"}
    boxes = {
        "unit": widgets.Dropdown(options=_options(findings, "unit_code", "unit_code"), description="单位", style=style),
        "project": widgets.Dropdown(options=_options(findings, "project_name", "project_id"), description="项目", style=style),
        "rule": widgets.Dropdown(options=_options(findings, "rule_title", "rule_id"), description="规则", style=style),
        "severity": widgets.Dropdown(options=[_ALL, *[(v, k) for k, v in SEVERITY_LABELS.items()]], description="严重程度", style=style),
    }  # fmt: skip
    output = widgets.Output()
    box = widgets.VBox([widgets.HBox(list(boxes.values())), output])

    def refresh(_: Any = None) -> None:
        box.picked = select(findings, **{name: b.value for name, b in boxes.items()})
        output.clear_output()
        with output:
            show(box.picked.select(columns), rows, caption="所选审核发现")

    for b in boxes.values():
        b.observe(refresh, names="value")
    refresh()
    return box
