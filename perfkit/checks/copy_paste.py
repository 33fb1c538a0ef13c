"""异常分析 (anomaly analysis): the same indicator text in different projects (copy-paste).

An indicator copied from another project — word for word, or with a few characters changed —
is either careless drafting or the same output claimed by two projects. Texts are compared by
the Jaccard similarity of their character pairs (bigrams), within one year, across all units.

Scale: identical texts are folded into one first; candidate pairs of distinct texts come from
prefix filtering (two bigram sets with Jaccard ≥ t must share one of the ``|A| − ⌈t·|A|⌉ + 1``
rarest bigrams of each), so only texts that share a rare bigram are ever compared — joins and
group-bys, no all-pairs loop. Each copy is reported once, on the later project (in load order),
naming the earliest project that holds the same or a similar text.
"""

from __future__ import annotations

import polars as pl

from perfkit.checks.registry import BASIS_RELATED, found, rule
from perfkit.load import TargetTables
from perfkit.text import squashed

_BASIS = f"{BASIS_RELATED}；指标应依据本项目实际设定，同一产出不应在多个项目重复申报"


def indicator_texts(tables: TargetTables, min_chars: int) -> pl.DataFrame:
    """One row per indicator with its comparable text (name, and the description if it says more).

    Satisfaction indicators and texts shorter than ``min_chars`` are left out.
    """
    name, description = pl.col("_name"), pl.col("_description")
    text = (
        pl.when((description == "") | (description == name))
        .then(name)
        .otherwise(pl.concat_str(name, description, separator="｜"))
    )
    order = tables.projects.select("project_id", "year", "project_name").with_row_index("order")
    return (
        # satisfaction indicators read alike everywhere (their values have a rule of their own)
        tables.indicators.filter(pl.col("level1") != "满意度指标")
        .select("project_id", "unit_code", "seq", "name", "description")
        .with_columns(_name=squashed("name"), _description=squashed("description"))  # once each
        .select("project_id", "unit_code", "seq", "name", "description", text.alias("text"))
        .filter(pl.col("text").str.replace("｜", "").str.len_chars() >= min_chars)
        .join(order, on="project_id")
    )


def _bigram_sets(texts: pl.DataFrame) -> pl.DataFrame:
    """``text_id, bigram`` (distinct pairs of characters)."""
    return (
        texts.with_columns(_i=pl.int_ranges(0, pl.col("text").str.len_chars().cast(pl.Int64) - 1))
        .explode("_i")
        .select("year", "text_id", pl.col("text").str.slice(pl.col("_i"), 2).alias("bigram"))
        .unique()
    )


def similar_texts(texts: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Pairs ``text_id, other_id, similarity`` of distinct texts (same ``year``) with Jaccard ≥ ``threshold``.

    Both directions are listed. ``texts`` has one row per distinct (``year``, ``text``) with ``text_id``.
    """
    grams = _bigram_sets(texts)
    size = grams.group_by("text_id").len("size")
    grams = grams.join(size, on="text_id").with_columns(df=pl.len().over("year", "bigram"))
    prefix = grams.with_columns(
        rank=pl.struct("df", "bigram").rank("ordinal").over("text_id"),
        keep=pl.col("size") - (pl.col("size") * threshold).ceil() + 1,
    ).filter(pl.col("rank") <= pl.col("keep"))
    prefix = prefix.select("year", "text_id", "bigram", "size")
    candidates = (
        prefix.join(prefix, on=["year", "bigram"], suffix="_b")
        .filter(
            (pl.col("text_id") < pl.col("text_id_b"))
            & (pl.col("size_b") >= pl.col("size") * threshold)
            & (pl.col("size") >= pl.col("size_b") * threshold)
        )
        .select("text_id", "text_id_b", "size", "size_b")
        .unique(["text_id", "text_id_b"])
    )
    shared = (
        candidates.join(grams.select("text_id", "bigram"), on="text_id")
        .join(grams.select(pl.col("text_id").alias("text_id_b"), "bigram"), on=["text_id_b", "bigram"])
        .group_by("text_id", "text_id_b", "size", "size_b")
        .len("shared")
        .with_columns(similarity=pl.col("shared") / (pl.col("size") + pl.col("size_b") - pl.col("shared")))
        .filter(pl.col("similarity") >= threshold)
        .select("text_id", pl.col("text_id_b").alias("other_id"), "similarity")
    )
    return pl.concat(
        [shared, shared.select(pl.col("other_id").alias("text_id"), pl.col("text_id").alias("other_id"), "similarity")]
    )


def copies(tables: TargetTables, min_chars: int = 12, threshold: float = 0.8) -> pl.DataFrame:
    """Every indicator whose text an earlier project (same year) already has, with that earlier indicator.

    Columns: the indicator's ``project_id, unit_code, seq, name, text``, the source's
    ``source_project_id, source_unit_code, source_project_name, source_seq, source_name, source_text``,
    ``similarity`` (1.0 for the same text) and ``copies`` (indicators with the same or a similar text).
    """
    rows = indicator_texts(tables, min_chars)
    distinct = rows.select("year", "text").unique(maintain_order=True).with_row_index("text_id")
    rows = rows.join(distinct, on=["year", "text"])
    pairs = pl.concat(
        [distinct.select("text_id", pl.col("text_id").alias("other_id"), pl.lit(1.0).alias("similarity")),
         similar_texts(distinct, threshold)]
    )  # fmt: skip
    # per text, its two earliest projects: enough to find, for any project, the earliest *other* one
    firsts = (
        rows.sort("order", "seq")
        .unique(["text_id", "project_id"], keep="first", maintain_order=True)
        .group_by("text_id", maintain_order=True)
        .head(2)
    )
    source = firsts.select(
        pl.col("text_id").alias("other_id"),
        pl.col("order").alias("source_order"),
        pl.col("project_id").alias("source_project_id"),
        pl.col("unit_code").alias("source_unit_code"),
        pl.col("project_name").alias("source_project_name"),
        pl.col("seq").alias("source_seq"),
        pl.col("name").alias("source_name"),
        pl.col("text").alias("source_text"),
    )
    n_rows = rows.group_by("text_id").len("n")
    spread = (
        pairs.join(n_rows.rename({"text_id": "other_id"}), on="other_id")
        .group_by("text_id")
        .agg(pl.col("n").sum().alias("copies"))
    )
    candidates = rows.join(pairs, on="text_id").join(source, on="other_id")
    return (
        candidates.filter(pl.col("source_order") < pl.col("order"))
        .sort("source_order", "source_seq", pl.col("similarity"), descending=[False, False, True])
        .unique(["project_id", "seq"], keep="first")
        .join(spread, on="text_id")
        .sort("order", "seq")
        .drop("order", "source_order", "other_id", "text_id")
    )


@rule(
    "copy_paste_indicator", "指标文字与其他项目雷同（复制粘贴）", "low", "异常分析", _BASIS, scope="portfolio", min_chars=12, threshold=0.8,
)  # fmt: skip
def copy_paste_indicator(tables, params):
    rows = copies(tables, params["min_chars"], params["threshold"])
    same = (
        pl.when(pl.col("similarity") >= 1)
        .then(pl.lit("相同"))
        .otherwise(pl.format("高度相似（相似度{}）", pl.col("similarity").round(2)))
    )
    place = (
        pl.when(pl.col("source_unit_code") == pl.col("unit_code"))
        .then(pl.lit(""))
        .otherwise(pl.format("单位{}", "source_unit_code"))
    )
    return found(
        rows,
        pl.format(
            "指标“{}”与{}项目“{}”第{}条“{}”文字{}：可能从其他项目复制，或同一产出在多个项目重复申报（相同或相似文字共{}条指标）",
            "name",
            place,
            "source_project_name",
            "source_seq",
            "source_name",
            same,
            "copies",
        ),
        pl.format("本项目：{}；{}：{}", "text", "source_project_name", "source_text"),
    )
