"""The money of target tables: the scale each table states, and every budget figure in 万元.

Every table of a load at once. A document states its money scale in several places, and all of them
count (:func:`table_scales`):

- a ``单位：元`` statement (also ``金额单位：人民币万元``, ``（单位：元）``) in a paragraph or the title
  above the table — it holds for every later table of the document until another is stated — or in
  a cell of the project part, however long the cell (``填报单位：某某局　金额单位：元``);
- a unit in a label's brackets (``项目资金（万元）``, ``预算数（单位：元）``).

Where two of them disagree the file is refused, naming both: a guess could make a budget 10,000 times
too large. A figure may carry its own unit (``5万元``, ``50000元``, or ``元`` in the cell after it):
an explicit unit on a value wins over the table's ``单位：…`` for that value, and is refused only where
it contradicts a label's brackets (``预算数（元）`` over ``5万元``). With no statement at all, 万元.
"""

from __future__ import annotations

import polars as pl

from perfkit.errors import InputError
from perfkit.frames import on_few
from perfkit.load.layout.labels import (
    COST_AMOUNT_LABELS,
    COST_TABLE_LABELS,
    COST_TOTAL_LABELS,
    FUNDING_PART,
    FUNDING_TEXT_PARTS,
)
from perfkit.text import MONEY_TO_WAN, MONEY_UNITS, drop_thousands, figure_expr, fold_width

TABLE_KEY = ["_file_no", "_key"]
_MONEY = "|".join(sorted(MONEY_UNITS, key=len, reverse=True))
# 单位：元 as a statement (group 1) of a unit (group 2); not 单位：元/人 (a rate) nor 单位：元旦
# (the same pattern for polars and Python's re: CJK as a range, not \p{Han})
SCALE_STATEMENT = rf"((?:金额)?单位\s*[:：]\s*(?:人民币)?\s*({_MONEY}))(?:$|[^/／每\u4e00-\u9fff0-9A-Za-z])"
# a figure with its own unit (whitespace removed, width folded): 10000万元, 人民币50000元, 1,205,000元
# … a budget cell may write 万 for 万元 (854万) and add its breakdown in brackets (854万(建设400万元,…))
VALUE_WITH_UNIT = (
    rf"^(?:人民币)?(?<number>[0-9][0-9,，]*(?:\.[0-9]+)?)(?:人民币)?(?<unit>{_MONEY}|万|亿)(?:[（(][^（）()]*[）)])?$"
)
# the same figure with its unit written twice in one cell (854万854万, copy-paste damage): read once,
# only where the figure carries its unit (``1111`` is no repeat of ``11``)
_NOTE_AT_END = r"[（(][^（）()]*[）)]$"
# a fund named before its figure: 中央衔接推进乡村振兴补助资金(少数民族发展任务)50 — the name has no
# digit and ends in a word of money (资金, 补助 …, then a note in brackets), the figure closes the cell
NAMED_FIGURE = (
    r"^[^0-9]*(?:资金|补助|拨款|经费|专款)(?:[（(][^（）()0-9]*[）)])?"
    rf"(?<figure>[0-9][0-9,，]*(?:\.[0-9]+)?(?:{_MONEY}|万|亿)?)$"
)
# a budget cell that is a plain number (most are): nothing in it to parse
_PLAIN_FIGURE = r"^[0-9]+(?:\.[0-9]+)?$"
# a cell that is only a money unit (the unit of the figure before it)
UNIT_ONLY = rf"^[（(]?(?:人民币)?({_MONEY})[）)]?$"
# a cell longer than this is text (a goal, a purpose), not a statement of scale
STATEMENT_CHARS = 64


def to_wan(unit: pl.Expr) -> pl.Expr:
    """万元 per ``unit`` (元 → 0.0001; 万 and 亿 as a budget cell writes them: 万元, 亿元), null for no unit."""
    return unit.replace_strict(MONEY_TO_WAN | {"万": 1.0, "亿": 1e4}, default=None, return_dtype=pl.Float64)


def figure_cell(flat: pl.Expr) -> pl.Expr:
    """A budget cell (``flat``: width-folded, whitespace removed) as one figure with its unit where it is
    written so: a figure with its unit written twice (``854万854万(…)`` → ``854万(…)``), a fund's name
    before its figure (``某补助资金(某任务)50`` → ``50``); else the cell as it is."""
    bare = flat.str.replace(_NOTE_AT_END, "")
    half = bare.str.slice(0, bare.str.len_chars() // 2)
    doubled = (bare.str.len_chars() % 2 == 0) & (half + half == bare) & half.str.contains(VALUE_WITH_UNIT)
    return pl.when(doubled).then(half).otherwise(pl.coalesce(flat.str.extract(NAMED_FIGURE, 1), flat))


def cell_statement(folded: pl.Expr) -> pl.Expr:
    """The unit a cell's ``单位：…`` statement names (``folded``: width-folded, whitespace kept), else null."""
    short = folded.str.replace_all(r"\s", "").str.len_chars() <= STATEMENT_CHARS
    return pl.when(short).then(folded.str.extract(SCALE_STATEMENT, 2))


def table_scales(c: pl.DataFrame, tables: pl.DataFrame) -> pl.DataFrame:
    """Per table (``TABLE_KEY``): ``_scale`` (万元 per unit of a figure without a unit of its own,
    null where nothing is stated), ``_file`` and the first label statement (``_label_unit``, ``_label_said``,
    ``_label_place``). ``c`` holds the project part's cells with ``_statement`` (a cell's
    ``单位：…``), ``_money`` (a label's bracket unit) and ``_stop``; ``tables`` the title, context
    and place of every table. Raises where two statements of a table disagree."""
    above = (
        tables.sort(TABLE_KEY)
        .select(
            *TABLE_KEY,
            "_file",
            "table_ref",
            _found=pl.concat_str("title", "context", separator="\n").str.extract_all(SCALE_STATEMENT),
        )
        .explode("_found")
        .with_columns(
            _unit=pl.col("_found").str.extract(SCALE_STATEMENT, 2),
            _said=pl.col("_found").str.extract(SCALE_STATEMENT, 1),
            _place=pl.format("{}上方", "table_ref"),
        )
    )
    # a statement above a table holds for the later tables of its document until another is stated
    last = above.drop_nulls("_unit").unique(TABLE_KEY, keep="last", maintain_order=True)
    carried = (
        tables.select(*TABLE_KEY)
        .sort(TABLE_KEY)
        .join(last.select(*TABLE_KEY, "_unit", "_said", "_place"), on=TABLE_KEY, how="left")
        .with_columns(pl.col("_unit", "_said", "_place").forward_fill().over("_file_no"))
    )
    own = above.drop_nulls("_unit").select(*TABLE_KEY, "_unit", "_said", "_place")
    carried = carried.join(own.select(*TABLE_KEY).unique(), on=TABLE_KEY, how="anti").drop_nulls("_unit")
    origin = c.filter(~pl.col("continued"))
    said = pl.col("_s").str.strip_chars()
    cells = origin.filter(pl.col("_statement").is_not_null()).select(
        *TABLE_KEY, _unit="_statement", _said=said, _place="ref"
    )
    labels = origin.filter(pl.col("_stop"), pl.col("_money").is_not_null()).select(
        *TABLE_KEY, _unit="_money", _said=said, _place="ref"
    )
    statements = pl.concat([own, carried, cells, labels], how="vertical_relaxed").with_columns(
        _first=pl.col("_unit").first().over(TABLE_KEY)
    )
    firsts = statements.unique(TABLE_KEY, keep="first", maintain_order=True)
    clash = statements.filter(pl.col("_unit") != pl.col("_first")).unique(TABLE_KEY, keep="first", maintain_order=True)
    if clash.height:
        row = (
            clash.join(firsts, on=TABLE_KEY, suffix="_1")
            .join(tables.select(*TABLE_KEY, "_file", "table_ref"), on=TABLE_KEY)
            .sort(TABLE_KEY)
            .row(0, named=True)
        )
        raise InputError(
            row["_file"],
            row["table_ref"],
            f"金额单位不一致：{row['_place_1']}写“{row['_said_1']}”，{row['_place']}写“{row['_said']}”，"
            "无法确定预算数的单位，请改为一致后再读取",
        )
    first_label = labels.unique(TABLE_KEY, keep="first", maintain_order=True).select(
        *TABLE_KEY, _label_unit="_unit", _label_said="_said", _label_place="_place"
    )
    return (
        tables.select(*TABLE_KEY, "_file")
        .join(firsts.select(*TABLE_KEY, _scale=to_wan(pl.col("_unit"))), on=TABLE_KEY, how="left")
        .join(first_label, on=TABLE_KEY, how="left")
    )


def budget_figures(written: pl.DataFrame, scales: pl.DataFrame, fields: dict[str, str]) -> pl.DataFrame:
    """Per table, each budget field of ``fields`` (field → its Chinese name) in 万元, from the labelled
    values of ``written`` (``_field``, ``_value``, ``_next``: the cell after the value, ``_value_ref``),
    in their order: the first total and fiscal figure, else the sum of the fiscal parts (上级资金 …), and
    the sum of the other money. NaN where a figure is not a number. Raises where a figure's own unit
    contradicts a label's brackets."""
    flat = fold_width(pl.col("_value")).str.replace_all(r"\s", "")
    cell = figure_cell(flat)
    own = cell.str.extract_groups(VALUE_WITH_UNIT)
    # a figure with a unit or a name (50万元, 某补助资金50): only cells that are not a plain number
    # (most are) are parsed; a named figure without a unit is the cell's number at the table's scale
    money = written.filter(pl.col("_field").is_in([*fields, "fiscal_part"])).join(scales, on=TABLE_KEY, how="left")
    parsing = ~pl.col("_value").fill_null("").str.contains(_PLAIN_FIGURE)
    unit = on_few(money, parsing, own.struct.field("unit").replace({"万": "万元", "亿": "亿元"}), "_unit")
    named = pl.when(flat.str.contains(NAMED_FIGURE)).then(cell)
    number = on_few(money, parsing, pl.coalesce(own.struct.field("number"), named), "_parsed")
    money = money.with_columns(
        _own=pl.coalesce(
            unit, fold_width(pl.col("_next").fill_null("")).str.replace_all(r"\s", "").str.extract(UNIT_ONLY, 1)
        ),
        _number=pl.coalesce(number, "_value"),
    )
    _refuse_contradicting_units(money.filter(pl.col("_own").is_not_null()), "_value", "_value_ref")
    money = money.with_columns(
        _wan=figure_expr(pl.col("_number")) * pl.coalesce(to_wan(pl.col("_own")), "_scale", pl.lit(1.0))
    )
    # a form with two money columns side by side (中期资金总额 | … | 年度资金总额 | …): a breakdown label
    # written in both is read under the total's own label column
    total_col = (
        money.filter(pl.col("_field") == "budget_total").group_by(TABLE_KEY).agg(_total_col=pl.col("col").first())
    )
    money = money.join(total_col, on=TABLE_KEY, how="left").with_columns(
        _aligned=(pl.col("col") == pl.col("_total_col")).fill_null(True)
    )
    money = money.filter(
        pl.col("_aligned") | ~(pl.col("_aligned").any().over(*TABLE_KEY, "_k")) | (pl.col("_field") == "budget_total")
    )
    of = pl.col("_wan").filter
    return money.group_by(TABLE_KEY).agg(
        budget_total=of(pl.col("_field") == "budget_total").first(),
        budget_fiscal=pl.coalesce(
            of(pl.col("_field") == "budget_fiscal").first(),
            pl.when((pl.col("_field") == "fiscal_part").any()).then(of(pl.col("_field") == "fiscal_part").sum()),
        ),
        budget_other=pl.when((pl.col("_field") == "budget_other").any()).then(
            of(pl.col("_field") == "budget_other").sum()
        ),
    )


def funding_texts(c: pl.DataFrame, scales: pl.DataFrame) -> pl.DataFrame:
    """Budgets (万元) from a funding text cell, per table: 总额, 财政拨款 (else the sum of its parts),
    and the sum of the other money (自有资金, 其他 …). Each figure's own unit counts, else the
    table's scale, else 万元; thousands separators (``1，205，000``) are read as such."""
    parts = (
        c.filter("_funding", ~pl.col("continued"))
        .unique(TABLE_KEY, keep="first", maintain_order=True)
        .select(
            *TABLE_KEY,
            "_s",
            "ref",
            _part=drop_thousands(pl.col("_flat")).str.extract_all(FUNDING_PART),
        )
        .explode("_part")
        .drop_nulls("_part")
        .join(scales, on=TABLE_KEY, how="left")
        .with_columns(_p=pl.col("_part").str.extract_groups(FUNDING_PART))
        .with_columns(_own=pl.col("_p").struct.field("3"), _value=pl.col("_part"))
    )
    _refuse_contradicting_units(parts.filter(pl.col("_own").is_not_null()), "_value", "ref")
    parts = parts.select(
        *TABLE_KEY,
        _what=pl.col("_p").struct.field("1").replace_strict(FUNDING_TEXT_PARTS, default=None),
        _wan=pl.col("_p").struct.field("2").str.replace_all(",", "").cast(pl.Float64)
        * pl.coalesce(to_wan(pl.col("_own")), "_scale", pl.lit(1.0)),
    )
    of = pl.col("_wan").filter
    return parts.group_by(TABLE_KEY).agg(
        _text_budget_total=of(pl.col("_what") == "budget_total").first(),
        _text_budget_fiscal=pl.coalesce(
            of(pl.col("_what") == "budget_fiscal").first(),
            pl.when((pl.col("_what") == "fiscal_part").any()).then(of(pl.col("_what") == "fiscal_part").sum()),
        ),
        _text_budget_other=of(pl.col("_what") == "budget_other").sum(),
    )


def _refuse_contradicting_units(values: pl.DataFrame, text: str, ref: str) -> None:
    """Raise for the first value (``_own`` unit) whose table's label states another unit in brackets."""
    bad = values.filter(pl.col("_label_unit").is_not_null() & (pl.col("_own") != pl.col("_label_unit")))
    if bad.height:
        row = bad.sort(TABLE_KEY, maintain_order=True).row(0, named=True)
        raise InputError(
            row["_file"],
            row[ref],
            f"“{row[text]}”自带的金额单位（{row['_own']}）与{row['_label_place']}“{row['_label_said']}”"
            f"所写的单位（{row['_label_unit']}）不一致，无法确定预算数的单位",
        )


def cost_totals(c: pl.DataFrame) -> pl.DataFrame:
    """Per table with a cost build-up (项目预算成本构成 | 金额 | …, then a 合计 row): the 合计 cell under
    金额 as a labelled budget total (``_field``, ``_k``, ``col``, ``_value``, ``_value_ref``), for the
    tables that name no total of their own. The items are not added up: only a written 合计 counts."""
    origin = c.filter(~pl.col("continued"))
    heads = (
        origin.filter(pl.col("_k").is_in(COST_TABLE_LABELS))
        .unique(TABLE_KEY, keep="first", maintain_order=True)
        .select(*TABLE_KEY, _head="row_no")
    )
    if not heads.height:
        return pl.DataFrame()
    below = origin.join(heads, on=TABLE_KEY)
    amount = (
        below.filter(pl.col("row_no") == pl.col("_head"), pl.col("_k").is_in(COST_AMOUNT_LABELS))
        .group_by(TABLE_KEY)
        .agg(_amount_col=pl.col("col").first())
    )
    totals = (
        below.filter(pl.col("row_no") > pl.col("_head"), pl.col("_k").is_in(COST_TOTAL_LABELS))
        .group_by(TABLE_KEY)
        .agg(_total_row=pl.col("row_no").min(), _label_col=pl.col("col").first())
    )
    return (
        origin.join(amount, on=TABLE_KEY)
        .join(totals, on=TABLE_KEY)
        .filter(pl.col("row_no") == pl.col("_total_row"), pl.col("col") == pl.col("_amount_col"), pl.col("_s") != "")
        .select(
            *TABLE_KEY,
            "row_no",
            col="_label_col",
            _field=pl.lit("budget_total"),
            _k=pl.lit(COST_TOTAL_LABELS[0]),
            _value=pl.col("_s"),
            _next=pl.lit(None, dtype=pl.String),
            _value_ref="ref",
        )
    )
