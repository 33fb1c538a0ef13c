"""The labels of every layout perfkit reads, as data: one place to add a layout.

A label cell is compared by its *key* (:func:`perfkit.text.label_key`, the one normalisation):
widths folded; whitespace, marks, numbering, a ``其中`` prefix and colons dropped; a trailing note in
brackets taken apart — a money unit there (``项目资金（万元）``, ``预算数（单位：元）``) sets the table's
money scale, points (``产出指标(50分)``) are a group's weight. Labels belong to the field (财政部 templates and provincial forms), never to a
bundled document. See docs/architecture.md, "How a layout is added".
"""

from __future__ import annotations

import re

import polars as pl

from perfkit.text import MONEY_NOTE, MONEY_UNITS, label_key, label_key_expr, money_in_label, points_in_label

# --- the project part of a target table (rows above the indicator header) ---------------------

# field → labels; the value sits beside the label (the next cells up to the next label) or, when
# nothing is beside it, in the cell below
# a self-evaluation's goal: what was expected (the target table's goal) and what was done
GOAL_EXPECTED = ("预期目标", "项目年度目标", "年度目标", "年初设定目标")
GOAL_ACTUAL = ("实际完成情况", "年度目标完成情况", "实际完成", "全年实际完成情况", "年度总体目标完成情况综述")

# labels that name the unit and its department in one cell (实施(主管)单位): the cell is both
UNIT_AND_DEPARTMENT_LABELS = ("实施(主管)单位",)
# labels that name the unit and its project lead in one cell (实施单位/项目负责人 | 某中心/张三): the unit
# is the value's part before the slash
UNIT_WITH_LEAD_LABELS = ("实施单位/项目负责人",)
# the lead after the unit in such a value (某中心/张三 → 某中心)
LEAD_AFTER_UNIT = r"\s*[/／].*$"
# budget labels that call the money fiscal (本年度申请市财政预算资金): the figure is the budget total and,
# where no fiscal figure or part of one is written, the fiscal money too
FISCAL_TOTAL_LABELS = ("本年度申请市财政预算资金",)

PROJECT_LABELS: dict[str, tuple[str, ...]] = {
    "project_name": (
        "项目名称", "二级项目名称", "专项资金名称", "转移支付(项目)名称", "转移支付名称", "专项名称", "项目支出名称",
    ),
    "unit_code": ("单位编码", "预算单位编码", "单位代码", "预算单位代码"),
    "unit_name": (
        "实施单位", "预算单位", "项目单位", "单位名称", "预算单位名称", "申报单位", "项目执行单位", "项目实施单位",
        "组织实施单位", "部门(单位)名称", "部门名称", "单位(部门)名称", "预算部门", "部门", "一级预算单位名称",
        "资金使用单位", *UNIT_AND_DEPARTMENT_LABELS, *UNIT_WITH_LEAD_LABELS,
    ),
    "department": (
        "主管部门", "主管部门及代码", "主管单位", "项目主管部门", "县级主管部门", "中央主管部门", "地方主管部门", "省级主管部门",
        "主管部门及编码", "市县主管部门", "自治区主管部门",
    ),
    "project_kind": ("项目属性",),
    "budget_total": (
        "预算数", "预算金额", "资金总额", "年度资金总额", "总额", "年度预算数", "项目金额", "资金情况", "当年资金总额",
        "本年度申请市财政预算资金", "预算申报数",
    ),
    "budget_fiscal": (
        "财政资金", "财政拨款", "当年财政拨款", "本年财政拨款", "市财政资金", "财政拨款小计", "市级财政资金", "当年市级财政资金",
    ),
    # parts of the fiscal money (其中：上级资金 …): their sum where no 财政资金 is given, never added to it;
    # 年度本级预算金额 and 该项目支出上级资金 are the two parts a Hunan form writes, with no total
    "fiscal_part": ("上级资金", "中央补助", "地方资金", "年度本级预算金额", "该项目支出上级资金"),
    "budget_other": ("其他资金", "自有资金", "事业收入", "经营性收入", "其他", "当年其他资金", "自有资金小计"),
    "purpose": ("资金用途", "项目用途"),
    "goal_text": (
        "绩效目标", "年度绩效目标", "年度总体目标", "总体目标", "年度目标", "本年度目标", "本年度绩效目标", *GOAL_EXPECTED,
    ),
    "goal_long_term": ("长期目标", "总目标", "实施期目标", "长期绩效目标", "实施期绩效目标", "中期目标"),
}  # fmt: skip
# a cost build-up in the project part (项目预算成本构成 | 金额 | 测算依据 …, one row per item, then 合计):
# its 合计 under 金额 is the budget where no label gives one
COST_TABLE_LABELS = ("项目预算成本构成", "预算成本构成", "项目成本构成", "成本构成", "项目成本测算")
COST_AMOUNT_LABELS = ("金额", "预算金额", "预算数", "测算金额")
COST_TOTAL_LABELS = ("合计", "总计")
# the last word of an internal section of a unit (粮食调控储备与产业发展股): named as the 实施单位, it is
# no budget unit, and the unit is its 主管部门
INTERNAL_SECTIONS = ("股",)
# labels of a field that yield to any other label of the same field in the table: the organising
# body (组织实施单位) is the unit only where no 实施单位 / 项目实施单位 is named; a transfer payment's
# central or regional department (中央 / 自治区主管部门) is the department only where no local one (地方 /
# 省级 / 市县主管部门) is
SECONDARY_LABELS = ("组织实施单位", "中央主管部门", "自治区主管部门")
# fields whose value may run over several cells of the row (joined with newlines)
LONG_TEXT_FIELDS = ("goal_text", "goal_long_term", "purpose")
# the heading above a table that names its project (2019年度某县高中助学金项目绩效评价指标表): where no
# cell names the project, the words before one of these form names, ending in 项目, are its name
TITLE_FORM_NAMES = ("绩效目标表", "绩效评价指标表", "评价指标表", "绩效目标申报表", "绩效目标批复表", "绩效指标表")
# labels that head a part of the table: never a value, never a purpose
SECTION_LABELS = (
    "预算规模及资金用途", "预算规模", "项目基本情况", "绩效指标", "项目资金", "项目绩效目标", "项目资金情况", "年度绩效目标", "绩效目标表",
    "绩效指标表", "绩效项目指标表",
)  # fmt: skip
# labels a table may carry that perfkit knows and does not keep (no column of the contract)
KNOWN_UNKEPT_LABELS = (
    "主管部门编码", "项目负责人", "项目起止时间", "联系电话", "项目期限", "项目类别", "报表编号", "项目性质", "项目期",
    "项目来源", "项目类型", "项目分类", "立项依据", "资金性质", "联系人", "财政处室", "部门编码", "部门预算编码",
    "项目支出", "基本支出", "项目负责人及电话", "项目责任人", "项目支出实施期",
    # money carried over from last year: a line under the total, neither this year's 财政拨款 nor 其他资金
    "上年结转资金", "上年结转",
    # a self-evaluation's columns, read by load_targets too: labels, never values
    *GOAL_ACTUAL, "目标实际完成情况", "年度总体目标完成情况", "年初预算数", "全年预算数",
    "全年执行数", "执行率", "预算执行率", "分值", "得分",
)  # fmt: skip

# --- indicator blocks ----------------------------------------------------------------------

# header label → indicator field (the first column of a field wins)
INDICATOR_HEADERS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "一级", "评价指标"),
    "level2": ("二级指标", "二级", "评价内容"),
    "name": ("三级指标", "指标内容", "指标名称", "三级"),
    "description": ("绩效指标描述", "指标描述", "指标说明"),
    "target_raw": (
        "指标值",
        "年度指标值",
        "目标值",
        "全年指标值",
        "年度目标值",
        "指标目标值",
        "指标值及单位",
        "当年预期实现值",
        "预期实现值",
        "年度数值",
        "预期指标值",
        "年初目标值",
        "年初指标值",
        "计划指标值",
    ),
    "target_op": ("指标性质", "计算符号", "运算符号", "比较符", "符号"),
    "target_unit": ("度量单位", "计量单位", "单位(文字描述)"),
    "weight": ("权重", "分值"),
    "notes": ("评（扣）分标准", "评(扣)分标准", "评分标准", "指标解释", "备注"),
}
# a header of indicators without level columns (指标名称 | 计量单位 | 指标性质 | 年初指标值 …, a 部门整体 list with no
# 一级指标 / 二级指标): its rows are indicators with no level, read only where ONE header row holds a name
# label AND a target label of these (exact keys: no year taken out, 2025年目标值 of a plan is not one) and no
# level label. The target labels all say 指标值: 目标值 alone heads plan tables (规划目标), 年度数值 statistics
LEVELLESS_NAMES = ("指标名称", "三级指标")
LEVELLESS_TARGETS = (
    "指标值", "年度指标值", "年初指标值", "全年指标值", "指标目标值", "预期指标值", "计划指标值", "指标值及单位",
)  # fmt: skip
# level labels of a 评价指标表 (评价指标 | 评价内容 | 指标名称 | 指标说明 | 目标值 | 分值): 评价指标 is a word
# too broad to head a header row alone, so it heads one only beside its level-2 label
LEVEL1_WITH_LEVEL2 = {"评价指标": "评价内容"}
# a year in a column label (预期2022年实现值, 2022年指标值): the label is read without it, so that the
# year's target column is known by its label (2021年实际实现值 is then a column perfkit does not know)
YEAR_IN_LABEL = r"(?:19|20)[0-9]{2}年度?"
# a block title above or beside its header → the period of the block's indicators
PERIOD_LABELS: dict[str, str] = {
    "年度绩效指标": "annual",
    "本年度绩效指标": "annual",
    "年度指标": "annual",
    "长期绩效指标": "long_term",
    "总目标绩效指标": "long_term",
    "实施期绩效指标": "long_term",
    "长期指标": "long_term",
}
# a period note on a header label (二级指标（长期） | … | 指标值（年度）): the two blocks side by side,
# stacked under these block titles before they are read
PERIOD_NOTES: dict[str, str] = {
    "长期": "long_term", "中期": "long_term", "实施期": "long_term", "年度": "annual", "本年度": "annual", "当年": "annual",
}  # fmt: skip
PERIOD_TITLES = {"long_term": "长期绩效指标", "annual": "年度绩效指标"}
# the first cell of a row that closes the indicator rows of a self-evaluation or a form
CLOSING_LABELS = ("合计", "总分", "评价结论", "存在问题", "改进措施", "总计")
# the first cell of a row that ends the indicator rows: totals, conclusions, opinions, signatures,
# notes. Exact keys …
CLOSING_EXACT = (*CLOSING_LABELS, "说明", "备注", "附件", "注", "总得分", "自评总分", "审核意见", "评价结论")
# … and stems a key starts with (财政部门审核意见（盖章）, 填报人：张三, 注：1.…)
CLOSING_STEMS = (
    "总分", "合计", "评价结论", "存在问题", "改进措施", "填报人", "填表人", "联系电话", "联系人", "单位负责人",
    "项目负责人", "财务负责人", "填表日期", "填报日期", "审核人", "其他需要说明", "需要说明的", "附件", "说明:",
    "备注:", "注:", "注1", "单位盖章", "填报单位",
)  # fmt: skip
# … and parts a key contains (主管部门审核意见, 财政部门绩效评价股审核意见, 财政资金管理科室（盖章）)
CLOSING_PARTS = ("审核意见", "初审意见", "复核意见", "评审意见", "盖章")
# every word of the three (a literal search finds the few cells the regex below need look at)
CLOSING_WORDS = tuple(sorted({x.rstrip(":") for x in (*CLOSING_EXACT, *CLOSING_STEMS, *CLOSING_PARTS)}))
# the first cell of a row (as written, whitespace removed) that closes a form's indicator rows
CLOSING_ROW = "|".join(
    [
        *(f"^{re.escape(x)}[:：]?$" for x in CLOSING_EXACT),
        *(f"^{re.escape(x).replace(':', '[:：]')}" for x in CLOSING_STEMS),
        *(re.escape(x) for x in CLOSING_PARTS),
    ]
)
CORE_MARK = "★"
# a department-wide (部门整体) table says so in its title or a cell; its task table's column labels
DEPARTMENT_WIDE = "部门整体"
TASK_LABELS = (
    "部门职能", "年度目标任务", "年度主要任务", "主要任务", "任务名称", "任务", "主要内容", "工作内容",
    "支出项目名称", "预算金额", "任务预算",
)  # fmt: skip
# the name cell of a template row left unfilled: 指标1:, 指标2： (OCR may read 1 as l or I)
TEMPLATE_NAME = r"^指标[0-9lLIi]+[:：]?$"
# the level-1 group of each level-2 kind (the 101号 indicator system), for a level-1 cell that is
# empty or whose words are lost (``////(50分)``): the level-2 kind names its group
LEVEL1_OF_LEVEL2 = {
    **dict.fromkeys(("数量指标", "质量指标", "时效指标", "成本指标"), "产出指标"),
    **dict.fromkeys(("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"), "效益指标"),
    "服务对象满意度指标": "满意度指标",
}
# a level-2 cell that writes its group too (产出数量指标 = 产出指标 + 数量指标) → (group, kind)
COMBINED_LEVELS = {group.removesuffix("指标") + kind: (group, kind) for kind, group in LEVEL1_OF_LEVEL2.items()}
# a level-1 cell that names a part of the form, not a group (项目年度绩效目标(定量指标) over 数量 / 质量 …
# rows): where the row's level-2 kind names its group, that group is the level 1
LEVEL1_NOT_GROUPS = ("项目年度绩效目标", "年度绩效目标", "项目绩效目标", "绩效目标", "绩效指标", "定量指标", "定性指标")
# the normalisation is perfkit.text's; layout readers import it from here beside the label families
__all__ = ["MONEY_NOTE", "label_key", "label_key_expr", "money_in_label", "points_in_label"]

FIELD_OF_PROJECT_LABEL = {label: name for name, labels in PROJECT_LABELS.items() for label in labels}
FIELD_OF_HEADER = {label_key(lb): name for name, labels in INDICATOR_HEADERS.items() for lb in labels}
_LEVELLESS_NAMES = frozenset(map(label_key, LEVELLESS_NAMES))
_LEVELLESS_TARGETS = frozenset(map(label_key, LEVELLESS_TARGETS))

# --- 项目属性 checkboxes and funding written as text -----------------------------------------

_CHECKED = "[√☑■✓✔]"
PROJECT_KINDS = {"新增": r"新增(?:项目)?\s*" + _CHECKED, "延续": r"延续(?:项目)?\s*" + _CHECKED}


def project_kind(text: pl.Expr) -> pl.Expr:
    """新增 or 延续 from a 项目属性 cell (``新增项目□延续项目√`` → 延续; a plain word as written)."""
    folded = text.str.replace_all(r"\s", "")
    checked = pl.when(folded.str.contains(PROJECT_KINDS["新增"])).then(pl.lit("新增"))
    checked = checked.when(folded.str.contains(PROJECT_KINDS["延续"])).then(pl.lit("延续"))
    plain = pl.when(folded.str.contains(r"^新增(?:项目)?$")).then(pl.lit("新增"))
    plain = plain.when(folded.str.contains(r"^延续(?:项目)?$")).then(pl.lit("延续"))
    return pl.coalesce(checked, plain.otherwise(pl.when(folded != "").then(folded)))


# parts of a funding text (``总额…万元财政拨款:…(其中:上级财政资金:…;本级财政:…) 二、自有资金:…``):
# part label → field; the parts of the fiscal money are named so that they are not read twice
FUNDING_TEXT_PARTS: dict[str, str] = {
    "上级财政资金": "fiscal_part",
    "本级财政资金": "fiscal_part",
    "上级财政": "fiscal_part",
    "本级财政": "fiscal_part",
    "资金总额": "budget_total",
    "总额": "budget_total",
    "财政拨款": "budget_fiscal",
    "财政资金": "budget_fiscal",
    "自有资金": "budget_other",
    "事业收入": "budget_other",
    "经营性收入": "budget_other",
    "其他资金": "budget_other",
    "其他": "budget_other",
}
_MONEY = "|".join(sorted(MONEY_UNITS, key=len, reverse=True))
_PART_NAMES = "|".join(sorted(FUNDING_TEXT_PARTS, key=len, reverse=True))
FUNDING_PART = rf"({_PART_NAMES})[:：]?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*({_MONEY})?"
# a funding text: a 总额 with a figure, and at least one more part
FUNDING_TEXT = rf"总额[:：]?\s*[0-9].*(?:{_PART_NAMES})[:：]?\s*[0-9]"


def is_target_table(rows: list[list[str]]) -> bool:
    """Whether a table's cell texts, row by row, make it a target table or self-evaluation (项目名称 or
    一级指标, or a row that heads indicators without levels: :func:`heads_levelless`)."""
    row_keys = [{label_key(t) for t in row} for row in rows]
    keys = set().union(*row_keys)
    return "项目名称" in keys or "一级指标" in keys or names_paired_levels(keys) or any(map(heads_levelless, row_keys))


_LEVEL_KEYS = frozenset(label_key(lb) for f in ("level1", "level2") for lb in INDICATOR_HEADERS[f])


# the three label sets of such a header row, for readers that test a row's cells at once
LEVELLESS_ROW = {"name": tuple(_LEVELLESS_NAMES), "target": tuple(_LEVELLESS_TARGETS), "level": tuple(_LEVEL_KEYS)}


def heads_levelless(keys: set[str]) -> bool:
    """Whether the label keys of one row head indicators without levels: a name label of
    :data:`LEVELLESS_NAMES` and a target label of :data:`LEVELLESS_TARGETS`, and no level label.

    >>> heads_levelless({"指标名称", "计量单位", "年初指标值"}), heads_levelless({"指标名称", "2025年目标值"})
    (True, False)
    """
    return bool(keys & _LEVELLESS_NAMES and keys & _LEVELLESS_TARGETS and not keys & _LEVEL_KEYS)


def names_paired_levels(keys: set[str]) -> bool:
    """Whether label keys hold a level-1 label of :data:`LEVEL1_WITH_LEVEL2` with its level-2 label."""
    return any(level1 in keys and level2 in keys for level1, level2 in LEVEL1_WITH_LEVEL2.items())


def without_levels(texts: list[str]) -> str | None:
    """Why a table that is not one of ours still looks like one: it has indicator columns (指标名称,
    年初指标值 …) but no level columns, which every target table and self-evaluation has; None otherwise."""
    keys = [label_key(t) for t in texts]
    if _LEVEL_KEYS & set(keys):
        return None
    found = list(dict.fromkeys(k for k in keys if FIELD_OF_HEADER.get(k) in ("name", "target_raw")))
    return f"有“{'”“'.join(found)}”列，但没有一级指标、二级指标列" if found else None


# a tree export's header (项目 | 指标值 | 绩效金额, see perfkit.load.layout.tree): item, target and money
TREE_COLUMNS = (("项目",), ("指标值",), ("绩效金额", "金额"))
