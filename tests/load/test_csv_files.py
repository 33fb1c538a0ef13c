"""CSV files read together in polars give the rows that flat.read_csv gives file by file, and the
files polars may not read go to flat.read_csv, whose messages stay as they are (illustrative data)."""

from __future__ import annotations

import polars as pl
import pytest

from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.formats import csv_files, word_text
from perfkit.load.layout import flat

HEADER = "项目名称,预算数,一级指标,三级指标,指标值"


def _one_by_one(texts: list[str]) -> pl.DataFrame:
    frames = [
        flat.read_csv(text, f"f{n}.csv").with_columns(_file=pl.lit(f"f{n}.csv"), _file_no=pl.lit(n, dtype=pl.Int32))
        for n, text in enumerate(texts)
    ]
    return pl.concat(frames, how="diagonal_relaxed")


def _together(texts: list[str]) -> tuple[pl.DataFrame, list[int]]:
    """The rows read as load_targets reads them, and the numbers of the files read one by one."""
    found = [csv_files.regular(text, text.encode(), f"f{n}.csv", n) for n, text in enumerate(texts)]
    rows, irregular = csv_files.read_regular([r for r in found if r is not None])
    by_flat = sorted([n for n, r in enumerate(found) if r is None] + [r.number for r in irregular])
    frames = [rows] if rows is not None else []
    frames += [
        flat.read_csv(texts[n], f"f{n}.csv").with_columns(_file=pl.lit(f"f{n}.csv"), _file_no=pl.lit(n, dtype=pl.Int32))
        for n in by_flat
    ]
    return pl.concat(frames, how="diagonal_relaxed").sort("_file_no", maintain_order=True), by_flat


def test_regular_files_read_together_give_the_same_rows_and_lines():
    texts = [
        # a line above the header, a quoted cell over two lines, CRLF line ends, blank lines at the end
        "单位：元\r\n"
        + HEADER
        + '\r\n甲项目,100,产出指标,"场次\r\n（全年）",≥2场\r\n甲项目,100,效益指标,满意度,≥90%\r\n\r\n\r\n',
        "\ufeff" + HEADER + '\n乙项目,5,产出指标,"说""明""",10\n',  # a BOM and doubled quotes
        "项目名称\t预算数\t一级指标\t三级指标\t指标值\n丙项目\t7\t产出指标\t户数\t3户",  # tabs, no final line break
    ]
    rows, by_flat = _together(texts)
    assert by_flat == []
    assert rows.equals(_one_by_one(texts))
    # worked by hand: file 0's records start on lines 3 and 5 (the quoted cell takes lines 3-4)
    assert rows.filter(pl.col("_file_no") == 0)["_line"].to_list() == [3, 5]
    assert rows.filter(pl.col("_file_no") == 0)["name"].to_list() == ["场次\r\n（全年）", "满意度"]
    assert rows.filter(pl.col("_file_no") == 1)["name"].to_list() == ['说"明"']
    assert rows.filter(pl.col("_file_no") == 2)[["_line", "target_raw"]].rows() == [(2, "3户")]
    # worked by hand: 单位：元 above the header gives budgets in 元, 10^-4 万元
    assert rows.filter(pl.col("_file_no") == 0)["_scale"].to_list() == [0.0001, 0.0001]


@pytest.mark.parametrize(
    "body",
    [
        "甲项目,1,产出指标,场次\n",  # a record narrower than the header
        "甲项目,1,产出指标,场次,2场\n\n甲项目,1,产出指标,户数,3户\n",  # a blank line inside
        '甲项目,1,产出指标,场"次,2场\n',  # a quote inside an unquoted cell
        '甲项目,1,产出指标,"场次"x,2场\n',  # text after a closing quote
        "甲项目,1,产出指标,场\x1f次,2场\n",  # the marker character
        "甲项目,1,产出指标,场次,2场\r甲项目,1,产出指标,户数,3户\n",  # a bare CR
    ],
    ids=["narrow record", "blank line", "stray quote", "after closing quote", "marker character", "bare CR"],
)
def test_irregular_bodies_are_read_by_flat_read_csv(body):
    texts = [HEADER + "\n乙项目,2,产出指标,场次,5场\n", HEADER + "\n" + body, HEADER + "\n丙项目,3,产出指标,户数,1户\n"]
    try:
        expected = _one_by_one(texts)
    except InputError as exc:
        with pytest.raises(InputError) as caught:
            _together(texts)
        assert str(caught.value) == str(exc)  # the same file, place and message
        return
    rows, by_flat = _together(texts)
    assert by_flat == [1]
    assert rows.equals(expected)


def test_first_problem_in_load_order_wins_over_a_later_file(tmp_path):
    # worked by hand: f1.csv's second record has 4 cells under a header of 5 (line 3); f2.csv is empty
    (tmp_path / "f1.csv").write_text(
        HEADER + "\n甲项目,1,产出指标,场次,2场\n甲项目,1,产出指标,户数\n", encoding="utf-8"
    )
    (tmp_path / "f2.csv").write_text("", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_targets(tmp_path)
    assert caught.value.file.endswith("f1.csv")
    assert str(caught.value).endswith("第3行: 有4列，表头有5列")


def test_word_exports_split_into_lines_as_splitlines_does():
    texts = pl.DataFrame(
        {"_file": ["a.txt", "b.txt"], "_file_no": [0, 1], "text": ["x\r\ny\rz\u2028w\n\nv\n", "\tone"]},
        schema={"_file": pl.String, "_file_no": pl.Int32, "text": pl.String},
    )
    lines = word_text.lines_of(texts)
    # worked by hand: CRLF, CR and U+2028 each end a line; the closing LF opens no empty line
    assert lines.filter(pl.col("_file_no") == 0)["text"].to_list() == ["x", "y", "z", "w", "", "v"]
    assert lines.filter(pl.col("_file_no") == 0)["line"].to_list() == [1, 2, 3, 4, 5, 6]
    assert lines.filter(pl.col("_file_no") == 1).rows() == [(1, "\tone", "b.txt", 1)]
