"""完整性 (completeness): every group, target, comparator and unit that a table must have."""

from __future__ import annotations

import re

import polars as pl

from perfkit.checks.frames import is_cost
from perfkit.checks.registry import BASIS_COMPLETE, INDICATOR_SYSTEM, any_of, found, rule, target_evidence
from perfkit.text import NONE_MARKS, fold_width, squashed

_BASIS_TABLE = f"{BASIS_COMPLETE}；{INDICATOR_SYSTEM}"
_BASIS_REVIEW = BASIS_COMPLETE
_LEVEL1_ORDER = {"产出指标": 1, "成本指标": 2, "效益指标": 3, "满意度指标": 4}


@rule("unreadable_part", "表格部分内容无法读取", "high", "完整性", _BASIS_REVIEW)
def unreadable_part(tables, params):
    # the reader left the part empty rather than guess; each part is one finding, at its place
    parts = (
        tables.projects.select("project_id", part=pl.col("unreadable").str.split("\n"))
        .explode("part")
        .drop_nulls("part")
    )
    return found(
        parts,
        pl.format("无法读取：{}（该部分留空，未参与审核；请核对原文件）", "part"),
        pl.format("原文件位置及原因：{}", "part"),
        seq=pl.lit(None),
    )


@rule("unfilled_rows", "模板空行未填写", "low", "完整性", _BASIS_REVIEW)
def unfilled_rows(tables, params):
    # the reader skipped them (no indicator, no weight); one finding per project names them all
    rows = tables.projects.filter(pl.col("unfilled_rows").is_not_null())
    return found(
        rows,
        pl.format("绩效目标表中有未填写的模板行（{}），已跳过，未作为指标", "unfilled_rows"),
        pl.format("空行位置：{}", "unfilled_rows"),
        seq=pl.lit(None),
    )


@rule("unit_not_named", "未注明实施单位", "medium", "完整性", _BASIS_REVIEW)
def unit_not_named(tables, params):
    # the reader takes a unit only from a cell labelled as the unit's: a table without one names none,
    # and its project is attributed to no unit (a blank row in every workbook)
    blank = (pl.col("unit_name").fill_null("").str.strip_chars() == "") & (pl.col("unit_code").fill_null("") == "")
    department = pl.col("department").fill_null("").str.strip_chars()
    return found(
        tables.projects.filter(blank),
        pl.when(department != "")
        .then(
            pl.format(
                "表中未注明实施单位（单位名称、单位编码均为空，仅有主管部门“{}”），项目无法归属到单位", department
            )
        )
        .otherwise(pl.lit("表中未注明实施单位（单位名称、单位编码均为空），项目无法归属到单位")),
        pl.format("项目“{}”：单位名称、单位编码为空", "project_name"),
        seq=pl.lit(None),
    )


@rule(
    "missing_level1", "缺少一级指标", "high", "完整性", _BASIS_TABLE,
    required=["产出指标", "效益指标", "满意度指标"],
)  # fmt: skip
def missing_level1(tables, params):
    present = tables.indicators.group_by("project_id").agg(pl.col("level1").unique().alias("present"))
    required = pl.DataFrame({"required": params["required"]})
    missing = (
        tables.projects.select("project_id")
        .join(_without_levels(tables), on="project_id", how="anti")  # said once by indicators_without_levels
        .join(present, on="project_id", how="left")
        .join(required, how="cross")
        .filter(~pl.col("present").list.contains(pl.col("required")).fill_null(False))
    )
    return found(
        missing,
        pl.format("缺少一级指标“{}”：绩效目标表应包含{}", "required", pl.lit("、".join(params["required"]))),
        pl.format("已有一级指标：{}", pl.col("present").list.sort().list.join("、").fill_null("（无指标行）")),
        seq=pl.lit(None),
    )


@rule("indicators_without_levels", "指标未分一级、二级指标", "high", "完整性", _BASIS_TABLE)
def indicators_without_levels(tables, params):
    """A list of indicators without level columns (指标名称 | 年初指标值 …, its rows read with no level):
    one finding per project, not one per row. The level rules (missing_level1, rows_out_of_order …)
    cannot judge such rows and leave them to this one."""
    rows = _without_levels(tables).join(
        tables.indicators.filter(pl.col("level1").is_null())
        .group_by("project_id", maintain_order=True)
        .agg(n=pl.len(), first=pl.col("source_ref").first(), last=pl.col("source_ref").last()),
        on="project_id",
    )
    return found(
        rows,
        pl.format(
            "绩效指标表没有一级指标、二级指标列，{}条指标未分级：应按产出、效益、满意度指标及其二级指标分级设置，"
            "否则无法审核指标是否完整、分组是否得当",
            "n",
        ),
        pl.format("未分级指标{}条（{}至{}）", "n", "first", "last"),
        seq=pl.lit(None),
    )


def _without_levels(tables) -> pl.DataFrame:
    """The projects (``project_id``) with indicator rows that have no level (level1 null: only a list
    without level columns gives such rows)."""
    return tables.indicators.filter(pl.col("level1").is_null()).select("project_id").unique(maintain_order=True)


@rule(
    "missing_output_level2", "产出指标缺少二级指标", "medium", "完整性", _BASIS_TABLE,
    required=["数量指标", "质量指标", "时效指标", "成本指标"],
)  # fmt: skip
def missing_output_level2(tables, params):
    # cost may sit under outputs or be a level-1 group of its own: both count
    # a kind written with a note (数量指标（必填硬性指标）) is that kind
    written = pl.col("level2").str.extract("(" + "|".join(re.escape(k) for k in params["required"]) + ")")
    kinds = (
        tables.indicators.select("project_id", "level1", "level2")
        .filter((pl.col("level1") == "产出指标") | is_cost())
        .with_columns(kind=pl.when(is_cost()).then(pl.lit("成本指标")).otherwise(pl.coalesce(written, "level2")))
    )
    present = kinds.group_by("project_id").agg(pl.col("kind").unique().alias("present"))
    missing = present.join(pl.DataFrame({"required": params["required"]}), how="cross").filter(
        ~pl.col("present").list.contains(pl.col("required"))
    )
    return found(
        missing,
        pl.format("产出指标缺少“{}”：应覆盖数量、质量、时效、成本", "required"),
        pl.format("已有：{}", pl.col("present").list.sort().list.join("、")),
        seq=pl.lit(None),
    )


@rule("missing_target", "指标值为空", "high", "完整性", _BASIS_REVIEW)
def missing_target(tables, params):
    # a none mark (—, -, /) written where the target goes is no target either
    marked = pl.col("target_raw").str.strip_chars().is_in(NONE_MARKS)
    rows = tables.indicators.filter(pl.col("target_raw").is_null() | marked)
    evidence = pl.when(marked).then(pl.format("指标值写作“{}”", "target_raw")).otherwise(pl.lit("指标值为空"))
    return found(rows, pl.format("指标“{}”没有指标值：应填写可衡量的目标值", "name"), evidence)


@rule("missing_comparator", "指标值缺少比较符", "medium", "完整性", _BASIS_TABLE)
def missing_comparator(tables, params):
    rows = tables.indicators.filter((pl.col("target_kind") == "quantitative") & pl.col("target_op").is_null())
    return found(
        rows,
        pl.format("指标值“{}”没有比较符：应写明≥、≤或=，否则无法判断是否完成", "target_raw"),
        target_evidence(),
    )


@rule("contradictory_target", "指标值比较方向自相矛盾", "medium", "完整性", _BASIS_TABLE)
def contradictory_target(tables, params):
    # ≥95%以下: the comparator says at least, the suffix at most; perfkit does not guess
    rows = tables.indicators.filter(pl.col("target_kind") == "contradictory")
    return found(
        rows,
        pl.format(
            "指标值“{}”的比较符与“以上/以下/以内”方向相反：应只写一个比较方向，否则无法判断是否完成", "target_raw"
        ),
        target_evidence(),
    )


@rule("missing_unit", "指标值缺少计量单位", "medium", "完整性", _BASIS_TABLE)
def missing_unit(tables, params):
    rows = tables.indicators.filter((pl.col("target_kind") == "quantitative") & pl.col("target_unit").is_null())
    return found(
        rows,
        pl.format("指标值“{}”没有计量单位：应写明单位（如场、人、%、万元）", "target_raw"),
        target_evidence(),
    )


@rule("duplicate_indicator", "重复设置指标", "medium", "完整性", _BASIS_REVIEW)
def duplicate_indicator(tables, params):
    columns = ["project_id", "seq", "level2", "name", "description", "target_raw"]
    keyed = tables.indicators.select(columns).with_columns(
        _key=pl.concat_str(squashed("level2"), pl.lit("/"), squashed("name"))
    )
    keyed = keyed.with_columns(first_seq=pl.col("seq").min().over("project_id", "_key"))
    rows = keyed.filter((pl.len().over("project_id", "_key") > 1) & (pl.col("seq") != pl.col("first_seq")))
    return found(
        rows,
        pl.format("{}“{}”在本项目中重复设置（与第{}条同名）：应合并或区分", "level2", "name", "first_seq"),
        pl.format(
            "三级指标：{}；描述：{}；指标值：{}",
            "name",
            pl.col("description").fill_null(""),
            pl.col("target_raw").fill_null(""),
        ),
    )


@rule("self_repeating_name", "指标名称自我重复", "low", "完整性", _BASIS_REVIEW, min_repeat=4)
def self_repeating_name(tables, params):
    names = tables.indicators.select(pl.col("name").drop_nulls().unique())  # names repeat across projects
    name = squashed("name")
    longest = int(names["name"].str.len_chars().max() or 0)
    # a name that starts with the same text twice (开展…培训开展…培训数量): copy-paste damage
    repeats = pl.any_horizontal(
        [
            (name.str.len_chars() >= 2 * k) & (name.str.slice(0, k) == name.str.slice(k, k))
            for k in range(params["min_repeat"], longest // 2 + 1)
        ]
        or [pl.lit(False)]
    )
    rows = tables.indicators.join(names.filter(repeats), on="name", maintain_order="left")
    return found(
        rows, pl.format("指标名称“{}”中同一段文字重复出现：疑似复制粘贴错误", "name"), pl.format("三级指标：{}", "name")
    )


@rule("description_repeats_name", "指标描述仅重复指标名称", "low", "完整性", _BASIS_REVIEW)
def description_repeats_name(tables, params):
    """One finding per project, naming its rows: a table filled in by copying the name column is
    one defect, not one per row (the real findings would drown)."""
    rows = (
        tables.indicators.select("project_id", "seq", "name", "description")
        .filter((squashed("description") == squashed("name")) & (squashed("name") != ""))
        .sort("project_id", "seq")
        .group_by("project_id", maintain_order=True)
        .agg(pl.col("seq"), pl.col("name"), pl.len().alias("n"))
        .join(tables.indicators.group_by("project_id").len("total"), on="project_id")
    )
    seqs = pl.col("seq").cast(pl.List(pl.String)).list.join("、")
    return found(
        rows,
        pl.format(
            "本项目{}条指标（共{}条）的绩效指标描述只重复了名称（第{}条）：应说明指标含义、口径或计算方法",
            "n",
            "total",
            seqs,
        ),
        pl.format("描述与名称相同的三级指标：{}", pl.col("name").list.join("；")),
        seq=pl.lit(None),
    )


@rule("rows_out_of_order", "指标行顺序混乱", "low", "完整性", _BASIS_TABLE)
def rows_out_of_order(tables, params):
    # rows without a level have no group to be out of (indicators_without_levels says so once)
    ind = tables.indicators.filter(pl.col("level1").is_not_null())
    ind = ind.select("project_id", "seq", "level1", "level2", "name").with_columns(
        group=pl.concat_str("level1", pl.col("level2").fill_null(""), separator="/"),
        rank1=pl.col("level1").replace_strict(_LEVEL1_ORDER, default=9, return_dtype=pl.Int8),
    )
    ind = ind.with_columns(
        run=(pl.col("group") != pl.col("group").shift(1)).fill_null(True).cum_sum().over("project_id")
    )
    ind = ind.with_columns(
        first_run=pl.col("run").min().over("project_id", "group"),
        earlier_max_rank=pl.col("rank1").cum_max().shift(1).over("project_id"),
        starts_run=pl.col("run") != pl.col("run").shift(1).over("project_id"),
    )
    rows = ind.filter(
        pl.col("starts_run").fill_null(True)
        & ((pl.col("run") > pl.col("first_run")) | (pl.col("rank1") < pl.col("earlier_max_rank")).fill_null(False))
    )
    return found(
        rows,
        pl.format("第{}条“{}”与同类指标不相邻或排在后续一级指标之后：应按一级、二级指标分组排列", "seq", "group"),
        pl.format("{}：{}", "group", "name"),
    )


@rule("bare_wan", "金额单位只写“万”", "low", "完整性", _BASIS_REVIEW)
def bare_wan(tables, params):
    rows = tables.indicators.filter(pl.col("target_unit").str.starts_with("万元").fill_null(False)).filter(
        fold_width(pl.col("target_raw")).str.contains(r"[0-9]\s*万\s*(?:/|$)")
    )
    return found(
        rows,
        pl.format("指标值“{}”的金额单位只写了“万”：应写“万元”", "target_raw"),
        target_evidence(),
    )


@rule(
    "unfilled_template_text", "模板占位符未替换", "high", "完整性", _BASIS_REVIEW,
    tokens=["**", "＊＊", "XX", "xx", "ＸＸ", "××", "xxx", "□□"],
)  # fmt: skip
def unfilled_template_text(tables, params):
    """A cell that still holds the template's sample marks (``≥**人次``, ``XX万元``, ``××``): the
    unit never wrote its own text there. A single ``*`` is a figure's operator (``7*24小时``)."""
    tokens = any_of(params["tokens"])
    cells = {"name": "三级指标", "description": "绩效指标描述", "target_raw": "指标值"}
    # literal tokens: a multi-pattern scan (Aho-Corasick) picks the few rows, the regex reads those only
    hits = [
        tables.indicators.filter(pl.col(column).str.contains_any(params["tokens"] or [""]).fill_null(False))
        .filter(pl.col(column).str.contains(tokens))
        .with_columns(_cell=pl.lit(label), _text=pl.col(column), _token=pl.col(column).str.extract(tokens))
        for column, label in cells.items()
    ]
    rows = pl.concat([h.select("project_id", "seq", "name", "_cell", "_text", "_token") for h in hits])
    return found(
        rows,
        pl.format("指标“{}”的{}“{}”仍是模板占位符（{}）：应填写实际内容", "name", "_cell", "_text", "_token"),
        pl.format("{}：{}", "_cell", "_text"),
    )


# The 101号 indicator system: each level-2 kind and the level-1 groups it may stand under (cost as
# a level-1 group of its own, or under outputs: both are accepted). Longer kinds first: 经济成本
# is a cost, not an 经济效益.
LEVEL2_HOMES = {
    "生态环境成本": ["成本指标", "产出指标"],
    "经济成本": ["成本指标", "产出指标"],
    "社会成本": ["成本指标", "产出指标"],
    "经济效益": ["效益指标"],
    "社会效益": ["效益指标"],
    "生态效益": ["效益指标"],
    "可持续影响": ["效益指标"],
    "满意度": ["满意度指标"],
    "数量": ["产出指标"],
    "质量": ["产出指标"],
    "时效": ["产出指标"],
    "成本": ["产出指标", "成本指标"],
}


@rule("level2_misplaced", "二级指标不属于所在一级指标", "medium", "完整性", _BASIS_TABLE)
def level2_misplaced(tables, params):
    """A level-2 kind under a level-1 group the 101号 system does not put it in (社会效益指标 under
    产出指标). Only the four known level-1 groups are judged; an unknown level 2 is left alone."""
    kinds = "|".join(LEVEL2_HOMES)  # dict order: longer kinds first
    homes = pl.DataFrame(
        {"_kind": list(LEVEL2_HOMES), "_homes": list(LEVEL2_HOMES.values())},
        schema={"_kind": pl.String, "_homes": pl.List(pl.String)},
    )
    # level 1 and 2 take a handful of values: judged once per pair, then the rows of the wrong pairs
    wrong = (
        tables.indicators.select("level1", "level2")
        .unique()
        .filter(pl.col("level1").is_in(["产出指标", "成本指标", "效益指标", "满意度指标"]))
        .with_columns(_kind=pl.col("level2").str.extract(f"({kinds})"))
        .drop_nulls("_kind")
        .join(homes, on="_kind")
        .filter(~pl.col("_homes").list.contains(pl.col("level1")))
    )
    rows = tables.indicators.join(wrong, on=["level1", "level2"], maintain_order="left")
    return found(
        rows,
        pl.format(
            "二级指标“{}”列在一级指标“{}”下：按指标体系应属于{}", "level2", "level1", pl.col("_homes").list.join("或")
        ),
        pl.format("{}/{}：{}", "level1", "level2", "name"),
    )
