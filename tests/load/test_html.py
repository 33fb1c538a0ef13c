"""The web-page reader: tables with rowspan/colspan on their grid, encodings, and what is never kept."""

from __future__ import annotations

import base64
import quopri

import pytest

from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.formats import html
from perfkit.load.formats.sniff import detect_format
from tests.badinput.inputs import INDICATORS as SMALL_INDICATORS
from tests.badinput.inputs import PROJECT as SMALL_PROJECT
from tests.builders import write_docx, write_flat
from tests.load.html_docs import disclosure_page, project_table
from tests.load.test_formats import assert_same_tables
from tests.seed_expected import INDICATORS, PROJECTS


def page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_the_seed_as_a_gbk_page_gives_the_seed_tables(tmp_path, seed_tables):
    path = tmp_path / "disclosure.html"
    path.write_bytes(disclosure_page(PROJECTS, INDICATORS, charset="gbk").encode("gbk"))
    loaded = load_targets(path)
    assert (loaded.projects.height, loaded.indicators.height) == (7, 109)
    assert_same_tables(loaded, seed_tables)
    # worked by hand: the page's innermost tables are the navigation (表1), the 收支总表 (表2),
    # then the seven target tables; the footer comes last; row 8 holds the first indicator
    assert loaded.projects["source_ref"].to_list()[:2] == ["表3", "表4"]
    assert loaded.indicators["source_ref"][0] == "表3第8行"


def test_rowspan_and_colspan_read_as_the_docx_reader_reads_merged_cells(tmp_path):
    body = project_table(SMALL_PROJECT, SMALL_INDICATORS)
    (table,) = html.split_tables(page(body), "t.html")
    # worked by hand from tests/builders.write_docx's layout, on the grid: a merged cell's text
    # stands at every position it covers (the unit cell over 3 columns, 单位：万元 over 2, the
    # project name, purpose and goal over 4, 预算规模及资金用途 down 3 rows, 产出指标 down 2)
    unit, name, purpose, goal = "100001示例单位", "2025年示例项目", "用于开展示例活动", "1.开展培训不少于2场"
    assert [row.cells for row in table.rows] == [
        [unit, unit, unit, "单位：万元", "单位：万元"],
        ["项目名称", name, name, name, name],
        ["预算规模及资金用途", "预算数", "5.00", "其中：财政资金", "5.00"],
        ["预算规模及资金用途", "其他资金", "", "", ""],
        ["预算规模及资金用途", purpose, purpose, purpose, purpose],
        ["绩效目标", goal, goal, goal, goal],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"],
        ["产出指标", "数量指标", "培训场次", "培训场次", "≥2场"],
        ["产出指标", "质量指标", "参训率", "参训率", "≥95%"],
        ["效益指标", "社会效益指标", "妇女参与度", "参与度", "明显提升"],
        ["满意度指标", "服务对象满意度指标", "满意度", "满意度", "≥90%"],
    ]
    assert table.rows[3].cell_ref(1) == "表1第4行第2格"
    # and exactly as the .docx reader reads the same table
    from perfkit.load.formats import docx

    (word,) = docx.split_tables(
        write_docx(tmp_path / "t.docx", [SMALL_PROJECT], SMALL_INDICATORS).read_bytes(), "t.docx"
    )
    assert [row.cells for row in word.rows] == [row.cells for row in table.rows]


def test_scripts_styles_and_event_attributes_are_never_kept():
    cell = '<td onclick="x()">培训<script>document.write("场次")</script><style>p{}</style>场次<br>第二段</td>'
    body = f"<table><tr><td>项目名称</td>{cell}</tr></table>"
    (table,) = html.split_tables(page(body), "t.html")
    assert table.rows[0].cells == ["项目名称", "培训场次\n第二段"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeff<html>项目".encode("utf-8"), "<html>项目"),  # BOM first
        ("<html>项目".encode("utf-16"), "<html>项目"),
        ('<meta charset="gb2312"><html>项目'.encode("gbk"), '<meta charset="gb2312"><html>项目'),
        (
            '<meta content="text/html; charset=GBK"><p>项目'.encode("gbk"),
            '<meta content="text/html; charset=GBK"><p>项目',
        ),
        ("<html>项目".encode("gbk"), "<html>项目"),  # no declaration, not UTF-8: GB18030
        ("<html>项目".encode(), "<html>项目"),
    ],
)
def test_the_encoding_comes_from_bom_then_meta_then_a_check(data, expected):
    assert html.decode_page(data, "t.html") == expected


def test_a_wrong_declared_charset_is_refused():
    with pytest.raises(InputError, match="网页声明编码为 utf-8，但内容不是该编码"):
        html.decode_page('<meta charset="utf-8"><html>项目'.encode("gbk"), "t.html")


def test_a_saved_mhtml_page_is_read(tmp_path, seed_tables):
    body = quopri.encodestring(disclosure_page(PROJECTS, INDICATORS, charset="gbk").encode("gbk")).decode("ascii")
    image = base64.b64encode(b"\x89PNG not really").decode("ascii")
    mhtml = (
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"\r\n\r\n--b1\r\n'
        "Content-Type: text/html; charset=gbk\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        f"{body}\r\n--b1\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n{image}\r\n--b1--\r\n"
    )
    path = tmp_path / "saved.mhtml"
    path.write_text(mhtml, encoding="ascii")
    assert_same_tables(load_targets(path), seed_tables)


def test_a_flat_table_in_a_page_is_read_as_a_flat_table(tmp_path):
    # systems export "Excel" files that are web pages holding one row per indicator
    csv_path = write_flat(tmp_path / "flat.csv", [SMALL_PROJECT], SMALL_INDICATORS)
    rows = [line.split(",") for line in csv_path.read_text(encoding="utf-8-sig").splitlines()]
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    path = tmp_path / "export.xls"  # the suffix lies: the content decides
    path.write_bytes(page(f"<table>{cells}</table>"))
    assert detect_format(path.read_bytes(), path) == "html"
    loaded = load_targets(path)
    assert loaded.projects.select("unit_code", "budget_total").row(0) == ("100001", 5.0)
    assert loaded.indicators["target_raw"].to_list() == ["≥2场", "≥95%", "明显提升", "≥90%"]
    assert loaded.indicators["source_ref"][0] == "表1第2行"


def test_a_page_without_a_target_table_is_refused(tmp_path):
    path = tmp_path / "news.html"
    path.write_bytes(page("<table><tr><td>首页</td><td>新闻</td></tr></table>"))
    with pytest.raises(InputError) as error:
        load_targets(path)
    assert error.value.one_line() == f"{path}: 未找到项目绩效目标表"


def test_a_grid_past_the_limit_is_refused(tmp_path):
    # worked by hand: 2001 rows of one cell, one of them 100 columns wide: 200,100 grid positions
    rows = "<tr><td colspan=100>项目名称</td></tr>" + "<tr><td>x</td></tr>" * 2000
    path = tmp_path / "huge.html"
    path.write_bytes(page(f"<table>{rows}</table>"))
    with pytest.raises(InputError) as error:
        load_targets(path)
    assert error.value.one_line() == f"{path}: 表1: 表格超过 200000 个单元格，拒绝读取"
