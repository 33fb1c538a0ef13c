"""The labels of self-evaluations (项目支出绩效自评表), as data: columns, funding rows, closing rows.

A cell is compared by its key (:func:`key`): :func:`perfkit.load.layout.labels.label_key` with any
colon dropped, so that ``年度资金总额:`` and ``年度资金总额`` are one label. Labels come from the
field (财预〔2020〕10号 and provincial forms), never from one document.
"""

from __future__ import annotations

import re

from perfkit.load.layout.labels import (
    CLOSING_EXACT,
    CLOSING_PARTS,
    CLOSING_STEMS,
    GOAL_ACTUAL,
    GOAL_EXPECTED,
    PROJECT_LABELS,
    label_key,
)
from perfkit.text import fold_width_text

# indicator column → its labels (exact keys); the first column of a field wins
INDICATOR_HEADERS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标内容", "指标名称"),
    "target_raw": ("年度指标值", "指标值", "全年指标值", "预期指标值", "年初指标值", "目标值", "年度目标值", "年初目标值"),
    "target_op": ("指标性质", "符号"),
    "target_unit": ("度量单位", "计量单位", "单位(文字描述)"),
    "actual_raw": (
        "实际完成值", "全年实际值", "实际值", "完成值", "全年完成值", "实际完成数", "单项指标实际完成值", "全年实际完成值",
        "实际完成指标值",
    ),
    "weight_given": ("分值", "权重", "参考分值", "指标权重", "权重占比"),
    "self_score": ("得分", "自评得分", "指标得分", "单项指标得分"),
    "deviation_reason": (
        "偏差原因分析及改进措施", "偏差原因分析", "偏差原因", "未完成原因分析", "未完成原因和改进措施",
        "未完成原因及拟采取的改进措施", "未完成原因分析及改进措施", "原因分析",
    ),
}  # fmt: skip
# a header whose key starts with one of these stems is that column whatever follows the stem
# (偏差原因说明, 未完成原因及整改措施 …)
INDICATOR_STEMS = {"deviation_reason": ("偏差原因", "未完成原因", "未达成原因", "未达标原因", "偏差分析")}
REQUIRED = ("level1", "name", "actual_raw")
FUNDING_HEADERS = {
    "budget_initial": ("年初预算数", "年初预算"),
    # 预算数 over 执行数 (预算数(A) | 执行数(B) | 执行率(B/A)): the budget execution is measured against
    "budget_full": ("全年预算数", "调整后预算数", "调整后预算", "全年(调整)预算数", "调整预算数", "预算数"),
    "executed": ("全年执行数", "预算执行数", "执行数"),
    "execution_weight_given": ("分值", "权重", "执行率权重"),
    "self_execution_score": ("得分", "执行率得分"),
}
# funding written as label–value pairs in one row (预算数: | 2.38 | 执行数: | 2.38), as regional
# transfer-payment forms write it: both labels of a row, each with its figure beside it
FUNDING_PAIRS = {"budget_full": ("预算数", "全年预算数", "调整后预算数"), "executed": ("执行数", "全年执行数")}
# the execution rate's labels (执行率(B/A)): labels, never a figure of the label before them
FUNDING_RATES = ("执行率", "预算执行率")
FUNDING_TOTAL_ROWS = ("年度资金总额", "资金总额", "总额", "合计", "年度财政资金总额")
# the parts of the funding under its total: labels, never values
FUNDING_PART_ROWS = (
    "当年财政拨款", "本年财政拨款", "财政拨款", "财政资金", "上年结转资金", "上年结转", "其他资金", "财政专户管理资金",
    "单位资金", "自有资金",
)  # fmt: skip
# the unit: the target tables' unit labels, and the self-evaluation forms' own
UNIT_LABELS = (*PROJECT_LABELS["unit_name"], "实施(主管)单位", "资金使用单位")
PROJECT_NAME_LABELS = PROJECT_LABELS["project_name"]
# labels of the parts of a form: never a value
SECTION_LABELS = (
    "主管部门", "年度总体目标", "年度总体目标完成情况", "报表编号", "项目资金", "资金情况", "预算资金", "预算执行情况",
    "年度预算数", "绩效指标", "年度绩效指标完成情况", "绩效指标完成情况", "项目负责人及电话", "负责人及电话",
)  # fmt: skip

TOTAL_ROWS = ("总分", "合计", "总计", "总得分", "自评总分")

# a label over both level columns names the one level-2 kind of its group (财预〔2020〕10号: the
# satisfaction group has only 服务对象满意度指标); other labels repeat themselves as level 2
SOLE_LEVEL2 = {"满意度指标": "服务对象满意度指标"}
# marks of an empty template row: 指标2:, ……, …, /, -, —
_NUMBERING = re.compile(r"^指标\s*[0-9０-９lLIi]+\s*[:：]?")
_FILLER = re.compile(r"^[.。…/／\-－—_\s]*$")


def key(text: str) -> str:
    """A cell's key: :func:`label_key` without colons (``年度资金总额:`` → ``年度资金总额``)."""
    return label_key(text).replace(":", "").replace("：", "")


def _keys(*labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(key(lb) for group in labels for lb in group)


_INDICATOR_KEYS = {key(lb): f for f, labels in INDICATOR_HEADERS.items() for lb in labels}
_FUNDING_KEYS = {key(lb): f for f, labels in FUNDING_HEADERS.items() for lb in labels}
_PAIR_KEYS = {key(lb): f for f, labels in FUNDING_PAIRS.items() for lb in labels}
ALL_LABELS = _keys(
    tuple(_INDICATOR_KEYS), tuple(_FUNDING_KEYS), tuple(_PAIR_KEYS), UNIT_LABELS, PROJECT_NAME_LABELS, GOAL_EXPECTED, GOAL_ACTUAL,
    SECTION_LABELS, FUNDING_TOTAL_ROWS, FUNDING_PART_ROWS, FUNDING_RATES,
)  # fmt: skip
_SECTIONS = _keys(SECTION_LABELS)


def indicator_field(text: str) -> str | None:
    """The indicator column a header cell names, by its key or by a stem it starts with; else None."""
    k = key(text)
    if k in _INDICATOR_KEYS:
        return _INDICATOR_KEYS[k]
    return next((f for f, stems in INDICATOR_STEMS.items() if k.startswith(stems)), None)


def funding_field(text: str) -> str | None:
    """The funding column a header cell names; else None."""
    return _FUNDING_KEYS.get(key(text))


def is_label(text: str) -> bool:
    """Whether a cell is a label of a self-evaluation (and so never a value)."""
    return key(text) in ALL_LABELS or indicator_field(text) is not None


def is_header_cell(text: str) -> bool:
    """Whether a cell may stand in an indicator header row: a column label or a section label."""
    return indicator_field(text) is not None or key(text) in _SECTIONS


def is_closing(text: str) -> bool:
    """Whether a row starting with ``text`` ends the indicator rows."""
    written = "".join(fold_width_text(text).split()).replace("：", ":")
    bare = key(text)
    return bare in CLOSING_EXACT or written.startswith(CLOSING_STEMS) or any(part in bare for part in CLOSING_PARTS)


def is_filler(text: str) -> bool:
    """Whether a name cell is an empty template row (``指标2:``, ``……``, ``指标1:/``)."""
    return bool(_FILLER.match(_NUMBERING.sub("", "".join(text.split()))))
