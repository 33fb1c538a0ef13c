"""Chinese labels for the English column names of perfkit's tables (workbooks, notebooks)."""

from __future__ import annotations

import polars as pl

COLUMN_LABELS = {
    "unit_code": "单位编码", "unit_name": "单位名称", "year": "年度", "project_id": "项目编号",
    "project_name": "项目名称", "budget_total": "预算数（万元）", "budget_fiscal": "财政资金（万元）",
    "budget_other": "其他资金（万元）", "purpose": "资金用途", "goal_text": "绩效目标", "source_file": "来源文件",
    "source_ref": "来源位置", "seq": "序号", "level1": "一级指标", "level2": "二级指标", "name": "三级指标",
    "description": "绩效指标描述", "target_raw": "指标值", "target_op": "比较符", "target_value": "目标数值",
    "target_unit": "计量单位", "target_kind": "指标类型", "finding_id": "问题编号", "rule_id": "规则编号",
    "rule_title": "规则", "severity": "严重程度", "message": "问题说明", "evidence": "证据", "basis": "依据",
    "weight": "分值", "actual_raw": "实际完成值", "actual_value": "完成数值", "achievement": "完成程度",
    "score": "复核得分", "self_score": "自评得分", "score_diff": "自评−复核", "note": "评分说明",
    "output_score": "产出得分", "benefit_score": "效益得分", "satisfaction_score": "满意度得分",
    "execution_score": "预算执行得分", "total": "复核总分", "grade": "等级", "self_total": "自评总分",
    "total_diff": "自评−复核（总分）", "unscored": "未评分指标数", "budget_full": "全年预算数（万元）",
    "executed": "全年执行数（万元）", "execution_rate": "预算执行率", "status": "完成状态",
    "projects": "项目数", "mean_total": "平均复核得分", "grades": "等级分布", "findings_high": "问题：高",
    "findings_medium": "问题：中", "findings_low": "问题：低", "report": "报告", "workbook": "底稿",
    "review_status": "复核状态", "reviewer": "复核人", "review_note": "复核意见", "reviewed_on": "复核日期",
    "decision_version": "复核版本", "first_seen": "首次发现", "last_seen": "最近出现", "resolved_at": "消除时间",
    "review_open": "待复核", "review_confirmed": "已确认", "review_dismissed": "已排除",
    "review_false_positive": "误报", "review_resolved": "已消除",
    "department": "主管部门", "project_kind": "项目属性", "goal_long_term": "长期绩效目标",
    "target_value_high": "目标上限", "target_noun": "计量对象", "target_note": "指标值附注",
    "target_approx": "约数", "period": "期间", "core": "核心指标", "notes": "备注", "band": "定性档次",
    "group_weight": "一级指标分值", "weight_given_sum": "自评表分值合计", "findings_cross_unit": "跨单位异常",
    "unreadable": "无法读取的部分", "unfilled_rows": "未填写的模板行", "tasks": "年度主要任务",
}  # fmt: skip
SEVERITY_LABELS = {"high": "高", "medium": "中", "low": "低"}
# how columns are shown: 万元 to two decimals, a fraction as a percentage, a score to two decimals
MONEY_COLUMNS = {"budget_total", "budget_fiscal", "budget_other", "budget_full", "executed"}
PERCENT_COLUMNS = {"achievement"}
SCORE_COLUMNS = {"weight", "score", "self_score", "score_diff", "output_score", "benefit_score",
                 "satisfaction_score", "execution_score", "total", "self_total", "total_diff", "mean_total"}  # fmt: skip
KIND_LABELS = {
    "quantitative": "定量",
    "qualitative": "定性",
    "range": "区间",
    "deadline": "时限",
    "contradictory": "自相矛盾",
}
PERIOD_LABELS = {"annual": "年度", "long_term": "长期"}
REVIEW_STATUS_LABELS = {"open": "待复核", "confirmed": "已确认", "dismissed": "已排除", "false_positive": "误报"}
STATUS_LABELS = {
    "met": "达成",
    "missed": "未达成",
    "over": "超额（需复核）",
    "equal_missed": "偏离定值",
    "unjudged": "无法评分",
}


# the coded columns and the Chinese label of each code
CODE_LABELS = {"severity": SEVERITY_LABELS, "target_kind": KIND_LABELS, "status": STATUS_LABELS,
               "review_status": REVIEW_STATUS_LABELS, "period": PERIOD_LABELS}  # fmt: skip


def severity_order(column: str) -> pl.Expr:
    """A sort key for ``column``: high 0, medium 1, low 2 (English codes or Chinese labels)."""
    rank = {code: i for i, code in enumerate(SEVERITY_LABELS)} | {
        label: i for i, label in enumerate(SEVERITY_LABELS.values())
    }
    return pl.col(column).replace_strict(rank, default=len(rank), return_dtype=pl.Int8)


def for_people(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with Chinese headers and Chinese codes for severity, kind and status (a copy)."""
    frame = frame.with_columns(
        [pl.col(c).replace_strict(m, default=pl.col(c)) for c, m in CODE_LABELS.items() if c in frame.columns]
    )
    return frame.rename({c: COLUMN_LABELS[c] for c in frame.columns if c in COLUMN_LABELS})
