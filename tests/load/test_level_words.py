"""Level labels written as words of the form, a project named only in the heading above its table,
a table with indicator columns but no levels, and a self-evaluation's damaged score cell."""

from __future__ import annotations

import pytest

from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.load.actuals import load_actuals
from perfkit.load.layout.labels import without_levels
from tests.load.layout_docs import write_docx


def _page(title: str, rows: list[str]) -> bytes:
    body = "".join(f"<tr>{r}</tr>" for r in rows)
    return f"<html><body><p>{title}</p><table>{body}</table></body></html>".encode()


# a 评价指标表: 评价指标 | 评价内容 | 指标名称 | 指标说明 | 目标值 | 分值, no 项目名称 cell, the project in the title
EVALUATION_TABLE = [
    "<td>评价指标</td><td>评价内容</td><td>指标名称</td><td>指标说明</td><td>目标值</td><td>分值</td>",
    "<td rowspan=4>项目年度绩效目标(定量指标)</td><td>制度指标</td><td>规章制度</td><td>建立与否</td><td></td><td>20</td>",
    "<td>产出数量指标</td><td>受助人数</td><td>达到预计值</td><td>2100人</td><td>10</td>",
    "<td>质量指标</td><td>覆盖率</td><td>全面覆盖</td><td>100%</td><td>10</td>",
    "<td>效益社会效益指标</td><td>就业带动</td><td>带动就业</td><td>≥30人</td><td>10</td>",
]


def test_an_evaluation_table_reads_its_levels_from_words_and_its_project_from_the_title(tmp_path):
    path = tmp_path / "t.html"
    path.write_bytes(_page("2019年度某县助学金项目绩效评价指标表", EVALUATION_TABLE))
    loaded = load_targets(path)
    # worked by hand: the year dropped from the heading, the words before 绩效评价指标表 ending in 项目
    assert loaded.projects["project_name"].to_list() == ["某县助学金项目"]
    rows = loaded.indicators.select("level1", "level2", "name", "description", "target_raw").rows()
    assert rows == [
        # 制度指标 names no group: the level-1 cell stays as written (its key, without the bracket note)
        ("项目年度绩效目标", "制度指标", "规章制度", "建立与否", None),
        # 产出数量指标 is 产出指标 + 数量指标; 效益社会效益指标 is 效益指标 + 社会效益指标
        ("产出指标", "数量指标", "受助人数", "达到预计值", "2100人"),
        # 质量指标 names its group 产出指标; the section label 项目年度绩效目标 is no group
        ("产出指标", "质量指标", "覆盖率", "全面覆盖", "100%"),
        ("效益指标", "社会效益指标", "就业带动", "带动就业", "≥30人"),
    ]
    notes = loaded.indicators["notes"].to_list()
    assert notes[0] is None
    assert (
        notes[1]
        == "二级指标“产出数量指标”按产出指标、数量指标读取；“项目年度绩效目标”不是一级指标，按二级指标归入产出指标"
    )
    assert notes[2] == "“项目年度绩效目标”不是一级指标，按二级指标归入产出指标"


def test_evaluation_words_alone_do_not_make_a_header(tmp_path):
    # 评价指标 without 评价内容 beside it is too broad a word to head a header row
    rows = [r.replace("评价内容", "类别") for r in EVALUATION_TABLE]
    path = tmp_path / "t.html"
    path.write_bytes(_page("某县助学金项目绩效评价指标表", rows))
    with pytest.raises(InputError, match="未找到项目绩效目标表"):
        load_targets(path)


def test_a_title_without_a_project_word_names_no_project(tmp_path):
    # worked by hand: 2025年度 then 项目 alone (nothing before it) is no name; the table's marker stays
    rows = [
        "<td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td>",
        "<td>产出指标</td><td>数量指标</td><td>培训场次</td><td>≥2场</td>",
    ]
    path = tmp_path / "t.html"
    path.write_bytes(_page("2025年度项目绩效目标表", rows))
    assert load_targets(path).projects["project_name"].to_list() == ["（未找到项目名称：表1）"]


def test_a_table_with_indicator_columns_but_no_levels_says_so():
    # worked by hand: 指标名称 (name) and 年初指标值 (target) are indicator columns; no 一级 / 二级 label
    texts = ["绩效指标", "指标名称", "计量单位", "年初指标值", "全年完成值", "预算完成率"]
    assert without_levels(texts) == "有“指标名称”“年初指标值”列，但没有一级指标、二级指标列"
    assert without_levels(["一级指标", "指标名称", "指标值"]) is None
    assert without_levels(["首页", "新闻"]) is None


SELF_EVALUATION = [
    "<td>项目名称</td><td colspan=7>某项目</td>",
    "<td>一级指标</td><td>二级指标</td><td>三级指标</td><td>年度指标值</td><td>实际完成值</td>"
    "<td>分值</td><td>得分</td><td>偏差原因分析及改进措施</td>",
    "<td rowspan=2>产出指标</td><td>数量指标</td><td>保障人数</td><td>2370人</td><td>2370人</td><td>10</td><td>IO</td><td></td>",
    "<td>质量指标</td><td>合格率</td><td>100%</td><td>100%</td><td>5</td><td>5</td><td></td>",
]


def test_a_score_that_is_no_figure_is_an_unreadable_cell_not_a_refusal(tmp_path):
    path = tmp_path / "t.html"
    path.write_bytes(_page("某项目绩效自评表", SELF_EVALUATION))
    actuals = load_actuals(path)
    # worked by hand: the OCR'd IO (row 3, column 7) is left empty, the other score read; the form is read
    assert actuals.indicators.select("name", "self_score").rows() == [("保障人数", None), ("合格率", 5.0)]
    assert actuals.projects["selfeval_unreadable"].to_list() == [["表1第3行第7格：得分“IO”不是数字"]]


def test_a_table_without_an_actual_column_is_refused_naming_the_header_it_has(tmp_path):
    # a target table with a progress column (实施进度 says 已完成100%, not what was achieved): no column
    # of actual values, so no self-evaluation; worked by hand, the refusal quotes the header row's own
    # cells in order, the merged 绩效⏎指标 without its line break
    rows = [
        "<td rowspan=3>绩效<br>指标</td><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td>"
        "<td>实施进度</td>",
        "<td rowspan=2>产出指标</td><td>数量指标</td><td>宣传次数</td><td>≥2次</td><td>已完成100%</td>",
        "<td>质量指标</td><td>合格率</td><td>100%</td><td>已完成100%</td>",
    ]
    path = tmp_path / "t.html"
    path.write_bytes(_page("某项目绩效自评", rows))
    with pytest.raises(InputError) as refused:
        load_actuals(path)
    assert refused.value.message == (
        "未找到绩效自评表（应含“一级指标”“实际完成值”列；表1第1行的表头只有“绩效指标”“一级指标”“二级指标”“三级指标”“指标值”“实施进度”）"
    )


def test_a_file_with_no_indicator_header_is_refused_as_before(tmp_path):
    # (A), (万元), (%) and an English word in brackets are the page's own, not a mirror's pinyin
    # glosses: the plain refusals stay
    cells = "<td>首页</td><td>调整预算数(A)</td><td>金额(万元)</td><td>比例(%)</td><td>说明(note)</td>"
    path = tmp_path / "t.html"
    path.write_bytes(_page("通知", [cells]))
    with pytest.raises(InputError) as refused:
        load_actuals(path)
    assert refused.value.message == "未找到绩效自评表（应含“一级指标”“实际完成值”列）"
    with pytest.raises(InputError) as refused:
        load_targets(path)
    assert refused.value.message == "未找到项目绩效目标表"


# 指标名称 | 计量单位 | 全年完成值 with no 一级 / 二级 label and no target column (illustrative): a list
# without levels is read only with a target label beside its name (tests/load/test_levelless.py)
NO_LEVELS = [
    ["指标名称", "计量单位", "全年完成值", "指标得分"],
    ["预算完成率", "%", "76%", "2"],
]


def test_a_word_self_evaluation_without_levels_is_refused_as_extract_refuses_it(tmp_path):
    # no target-like table, so no self-evaluation either; worked by hand, score names the same table
    # and columns as extract
    path = write_docx(tmp_path / "t.docx", "部门整体绩效自评表", NO_LEVELS)
    with pytest.raises(InputError) as refused:
        load_actuals(path)
    assert refused.value.message == (
        "未找到绩效自评表（应含“一级指标”“实际完成值”列；表1有“指标名称”列，但没有一级指标、二级指标列）"
    )


def test_a_printed_self_evaluation_without_levels_is_refused_as_a_self_evaluation(tmp_path):
    # the same table printed to PDF: score refused it as a missing 项目绩效目标表, the PDF reader's own
    # words for targets; worked by hand, it names the self-evaluation it looked for, then what the
    # PDF holds (one page, the table's columns)
    import subprocess

    from tests.conftest import client

    soffice = client("writer", "soffice")
    word = write_docx(tmp_path / "t.docx", "部门整体绩效自评表", NO_LEVELS)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(word)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    with pytest.raises(InputError) as refused:
        load_actuals(tmp_path / "t.pdf")
    assert refused.value.message == (
        "未找到绩效自评表（应含“一级指标”“实际完成值”列；共1页，没有含“项目名称”或“一级指标”的表格；"
        "第1页表1有“指标名称”列，但没有一级指标、二级指标列）"
    )


def test_a_mirror_copy_with_pinyin_glosses_is_refused_naming_the_kind_of_copy(tmp_path):
    # a self-evaluation republished by a content farm in traditional characters, pinyin in brackets
    # inside the words (illustrative): no label is one perfkit knows; worked by hand, both commands
    # refuse and quote the first glossed word with up to four characters either side
    rows = [
        "<td>項(xiàng)目名稱</td><td colspan=4>某項(xiàng)目</td>",
        "<td>一級指標(biāo)</td><td>二級指標(biāo)</td><td>三級指標(biāo)</td><td>年度指標(biāo)值</td><td>實(shí)際完成值</td>",
        "<td>產(chǎn)出指標(biāo)</td><td>數(shù)量指標(biāo)</td><td>培訓(xùn)人數(shù)</td><td>≥100人</td><td>120人</td>",
    ]
    path = tmp_path / "t.html"
    path.write_bytes(_page("某項(xiàng)目績效自評表", rows))
    why = "文字中夹注拼音（如“項(xiàng)目名稱”），是转载网站改写过的副本，表头无法读取：请取得原件"
    with pytest.raises(InputError) as refused:
        load_targets(path)
    assert refused.value.message == f"未找到项目绩效目标表（{why}）"
    with pytest.raises(InputError) as refused:
        load_actuals(path)
    assert refused.value.message == f"未找到绩效自评表（应含“一级指标”“实际完成值”列；{why}）"
