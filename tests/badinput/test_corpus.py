"""The bad-input corpus: every case is a file (or parameter file) and the outcome it must have.

A *refused* case must end with exit status 1 and exactly one line on stderr, ``错误: FILE: PLACE:
MESSAGE``, naming the file and (where there is one) the place, with no traceback and no output
files. An *accepted* case is input that looks odd but is legitimate (another encoding, full-width
digits, ``—`` for none); its expected outcome is the value read, worked out by hand.

Cases run the CLI in-process (``perfkit.cli.main``). Cases already covered by
``tests/test_cli.py`` (``BAD_INPUTS``), ``tests/run/test_params.py`` (``BAD``),
``tests/load/test_formats.py`` (GBK export) and ``tests/run/test_batch.py`` (a bad unit among good
ones) are not repeated here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from perfkit.cli import main
from perfkit.errors import MAX_MESSAGE
from tests.badinput import inputs as make
from tests.conftest import ROOT
from tests.scoring.test_scorecard import CLEAN_ROWS, selfeval_text

SEED_TARGETS = ROOT / "data" / "raw" / "targets"


@dataclass(frozen=True)
class Refused:
    """Exit 1 with one line naming ``file`` and ending in ``place_and_message``."""

    file: str
    place_and_message: str


@dataclass(frozen=True)
class Accepted:
    """Exit 0; ``check`` gets the tables written — (projects, indicators) from ``extract``,
    (project_scores, indicator_scores) from ``score`` — and asserts the values read."""

    check: Callable[[pl.DataFrame, pl.DataFrame], None]


@dataclass(frozen=True)
class Case:
    make: Callable[[Path], Path]
    expected: Refused | Accepted
    command: str = "extract"  # extract | score | run | check | check_targets | review
    known_gap: str | None = None  # the case fails today for this reason (a strict xfail)
    strict: bool = False  # run with --strict: an unreadable part refuses the file (without, it loads and is named)


def unreadable(total: float | None, parts: str) -> Callable[[pl.DataFrame, pl.DataFrame], None]:
    def check(projects: pl.DataFrame, indicators: pl.DataFrame) -> None:
        assert projects.select("budget_total", "unreadable").row(0) == (total, parts)
        assert indicators.height > 0

    return check


def budgets(total: float, fiscal: float, other: float) -> Callable[[pl.DataFrame, pl.DataFrame], None]:
    def check(projects: pl.DataFrame, indicators: pl.DataFrame) -> None:
        assert projects.select("budget_total", "budget_fiscal", "budget_other").row(0) == (total, fiscal, other)

    return check


def execution_score(expected: float) -> Callable[[pl.DataFrame, pl.DataFrame], None]:
    def check(project_scores: pl.DataFrame, indicator_scores: pl.DataFrame) -> None:
        assert project_scores["execution_score"].to_list() == [expected]

    return check


def unit_codes(*codes: str) -> Callable[[pl.DataFrame, pl.DataFrame], None]:
    def check(projects: pl.DataFrame, indicators: pl.DataFrame) -> None:
        assert projects["unit_code"].to_list() == list(codes)

    return check


def first_level1(level1: str, notes: str) -> Callable:
    def check(projects: pl.DataFrame, indicators: pl.DataFrame) -> None:
        assert indicators.select("level1", "notes").row(0) == (level1, notes)

    return check


def project_names(*names: str) -> Callable:
    def check(projects: pl.DataFrame, indicators: pl.DataFrame) -> None:
        assert projects["project_name"].to_list() == list(names)

    return check


def first_target(op: str | None, value: float | None, unit: str | None, kind: str) -> Callable:
    def check(projects: pl.DataFrame, indicators: pl.DataFrame) -> None:
        row = indicators.select("target_op", "target_value", "target_unit", "target_kind").row(0)
        assert row == (op, value, unit, kind)

    return check


# the clean self-evaluation of tests/scoring/test_scorecard.py, its satisfaction row written ≥𝟗𝟎% / ٩٥%
SELFEVAL_ROWS = [*CLEAN_ROWS[:3], ["满意度指标", "服务对象满意度指标", "参与者满意度", "≥𝟗𝟎%", "٩٥%", "10", "10", ""]]


def satisfaction_scored(expected: float) -> Callable[[pl.DataFrame, pl.DataFrame], None]:
    def check(project_scores: pl.DataFrame, indicator_scores: pl.DataFrame) -> None:
        # worked by hand: 95 ≥ 90, full marks of the 分值 10
        assert indicator_scores.filter(seq=4)["score"].to_list() == [expected]

    return check


def no_goal_mismatch(findings: pl.DataFrame, _: pl.DataFrame) -> None:
    assert "goal_target_mismatch" not in findings["rule_id"].to_list()


def goal_mismatch(promised: str) -> Callable[[pl.DataFrame, pl.DataFrame], None]:
    def check(findings: pl.DataFrame, _: pl.DataFrame) -> None:
        hits = findings.filter(rule_id="goal_target_mismatch")
        assert hits.height == 1 and f"不少于{promised}" in hits["message"][0] and "“≥2场”" in hits["message"][0]

    return check


def the_small_table(projects: pl.DataFrame, indicators: pl.DataFrame) -> None:
    """The table of ``inputs.WORD_TEXT`` read in full: one project of 5 万元 and its 4 indicators."""
    assert projects.select("unit_code", "unit_name", "year", "project_name", "budget_total").rows() == [
        ("100001", "示例单位", 2025, "2025年示例项目", 5.0)
    ]
    assert indicators["level1"].to_list() == ["产出指标", "产出指标", "效益指标", "满意度指标"]
    assert indicators["target_value"].to_list() == [2.0, 95.0, None, 90.0]


def one_flat_project(projects: pl.DataFrame, indicators: pl.DataFrame) -> None:
    """The two-row CSV (or four-row xlsx) read as one project with all its indicators."""
    assert projects.height == 1 and projects["budget_total"].to_list() == [5.0]
    assert indicators["target_raw"].to_list()[0] == "≥2场"


TEXT = make.word_text()
SELFEVAL_TEXT = next((ROOT / "data" / "raw" / "selfeval").glob("*.txt")).read_text(encoding="utf-8")
GBK_LINE_44 = TEXT.encode("utf-8").replace("明显提升".encode(), "明显提升".encode("gbk"))
SECRET_FILE = "secret.txt"  # written beside every case; an external entity that reads it must be refused


def unit_yaml(code: str) -> Callable[[Path], Path]:
    """A unit parameter file whose only fault is ``code``."""
    return make.text_file("p.yaml", f'unit_code: "{code}"\nyear: 2025\ntargets: [.]\n')


def xxe_to_secret(folder: Path) -> str:
    return make.external_entity(folder / SECRET_FILE)


CASES: dict[str, Case] = {
    # --- empty and whitespace-only ------------------------------------------------------------
    "empty .docx": Case(make.bytes_file("t.docx", b""), Refused("t.docx", "t.docx: 文件为空")),
    "only full-width spaces and tabs": Case(
        make.text_file("t.txt", "\u3000\n\t\n  \u3000\n"), Refused("t.txt", "文件为空")
    ),
    "only a UTF-8 BOM": Case(make.bytes_file("t.csv", b"\xef\xbb\xbf"), Refused("t.csv", "t.csv: 文件为空")),
    # two UTF-8 byte-order marks (a BOM written twice by a converter): was an IndexError while sniffing
    "only byte-order marks": Case(
        make.bytes_file("t.csv", b"\xef\xbb\xbf" * 2 + b"\n"), Refused("t.csv", "t.csv: 文件为空")
    ),
    "only a UTF-16 BOM": Case(make.bytes_file("t.txt", b"\xff\xfe"), Refused("t.txt", "t.txt: 文件为空")),
    "empty folder": Case(lambda d: (d / "in").mkdir() or d / "in", Refused("in", "in: 没有可读取的文件")),
    # --- encodings -------------------------------------------------------------------------------
    "UTF-8 with BOM": Case(make.text_file("t.txt", TEXT, "utf-8-sig"), Accepted(the_small_table)),
    "UTF-16 LE with BOM": Case(make.text_file("t.txt", TEXT, "utf-16"), Accepted(the_small_table)),
    "UTF-16 LE without BOM": Case(make.text_file("t.txt", TEXT, "utf-16-le"), Accepted(the_small_table)),
    "UTF-16 BE without BOM": Case(make.text_file("t.txt", TEXT, "utf-16-be"), Accepted(the_small_table)),
    "GBK csv": Case(make.text_file("t.csv", make.csv_text(), "gbk"), Accepted(one_flat_project)),
    "UTF-16 csv with BOM": Case(make.text_file("t.csv", make.csv_text(), "utf-16"), Accepted(one_flat_project)),
    "binary noise": Case(
        make.bytes_file("t.txt", make.noise(4096)), Refused("t.txt", "t.txt: 含二进制数据，不是文本文件")
    ),
    "UTF-8 then GBK from line 44": Case(
        make.bytes_file("t.txt", GBK_LINE_44),
        Refused("t.txt", "第44行: 前文是 UTF-8，此处起编码不同（文件混用了两种编码）"),
    ),
    "UTF-8 cut inside a character": Case(
        make.bytes_file("t.txt", TEXT.encode()[: TEXT.encode().index("满意度".encode()) + 2]),
        Refused("t.txt", "第46行: 文件在一个字符中间截断（文件不完整？）"),
    ),
    # --- truncated and scrambled tables (Word text export) ----------------------------------------
    "table cut after its header": Case(
        make.text_file("t.txt", make.lines(TEXT, stop=27)),
        Refused("t.txt", "第22行: 项目“2025年示例项目”的表头之后没有指标行，表格不完整"),
    ),
    "unit code line missing": Case(
        # a table without a six-digit code loads, its unit_code empty (issue 14)
        make.text_file("t.txt", make.lines(TEXT, drop=(2,))),
        Accepted(unit_codes("")),
    ),
    # the heading above names no project: nothing names it, so --strict refuses
    "project name row missing": Case(
        make.text_file("t.txt", make.lines(TEXT, drop=(5, 6), replace={1: "1.绩效目标表"})),
        Refused("t.txt", "第1行: 未找到项目名称"),
        strict=True,
    ),
    # the heading above names it (…示例项目绩效目标表): the name is read from there, without its year
    "project name only in the heading": Case(
        make.text_file("t.txt", make.lines(TEXT, drop=(5, 6))), Accepted(project_names("示例项目")), strict=True
    ),
    "header lacks 二级指标": Case(
        make.text_file("t.txt", make.lines(TEXT, drop=(23,))), Refused("t.txt", "第22行: 指标表头缺少列：二级指标")
    ),
    "indicator row with an extra cell": Case(
        make.text_file("t.txt", make.word_text(target="≥2场\n\t多出的一格")),
        Refused("t.txt", "第28行: 指标行有6个单元格，表头有5个"),
        strict=True,
    ),
    "indicator rows before the project part": Case(
        make.text_file("t.txt", make.lines(TEXT, drop=tuple(range(1, 21))) + make.lines(TEXT, drop=(1,), stop=19)),
        Refused("t.txt", "第1行: 未找到项目名称"),
        strict=True,
    ),
    "prose, not a table": Case(
        make.text_file("t.txt", "关于2025年项目绩效目标的说明\n请见附件。\n"),
        Refused("t.txt", "第1行: 无法识别的文件格式"),
    ),
    # --- merged cells in odd places ---------------------------------------------------------------
    "first indicator row continues a merged cell (text)": Case(
        # its level 2 (数量指标) names its group in the indicator system: read, and said in notes, even strictly
        make.text_file("t.txt", make.word_text(level1="")),
        Accepted(first_level1("产出指标", "一级指标未填写，按二级指标“数量指标”归入产出指标")),
        strict=True,
    ),
    "docx: 一级指标 merged up into the header": Case(
        # merged up into the header, the cell is no indicator's; its level 2 names its group (as above)
        make.docx_with_table(make.merge_level1_into_header),
        Accepted(first_level1("产出指标", "一级指标未填写，按二级指标“数量指标”归入产出指标")),
        strict=True,
    ),
    "docx: indicator cells merged across": Case(
        make.docx_with_table(make.merge_across_indicator_row),
        Refused("t.docx", "表1第8行第2格: “二级指标”与“三级指标”两列合并为一格，无法分开读取"),
        strict=True,
    ),
    "xlsx: project cells merged down": Case(make.xlsx_with_merged_project_cells, Accepted(the_small_table)),
    # --- flat tables ------------------------------------------------------------------------------
    "csv row with an extra cell": Case(
        make.text_file("t.csv", make.csv_text(make.CSV_ROWS[0], make.CSV_ROWS[1].rstrip("\n") + ",多余\n")),
        Refused("t.csv", "t.csv: 第3行: 有11列，表头有10列"),
    ),
    "csv without 项目名称": Case(
        make.text_file("t.csv", make.csv_text(header=make.CSV_HEADER.replace("项目名称", "名称"))),
        Refused("t.csv", "第1行: 缺少必需的列：项目名称"),
    ),
    "csv with no header at all": Case(
        make.text_file("t.csv", "a,b,c\n1,2,3\n"),
        Refused("t.csv", "t.csv: 未找到表头行（应含 项目名称、一级指标、指标值 等列）"),
    ),
    "csv with an unclosed quote": Case(
        make.text_file("t.csv", make.csv_text(make.CSV_ROWS[0], '100001,2025,"示例项目,5.00\n' + "x" * 140_000)),
        Refused("t.csv", "t.csv: 第3行: CSV 格式错误"),
    ),
    "two csv files pasted together": Case(
        make.text_file("t.csv", make.csv_text() + make.csv_text()), Refused("t.csv", "第4行: 预算数“预算数”不是数字")
    ),
    "csv budgets of one project disagree": Case(
        make.text_file("t.csv", make.csv_text(make.CSV_ROWS[0], make.CSV_ROWS[1].replace("5.00,5.00", "6.00,6.00"))),
        Refused("t.csv", "第2行: 同一项目的各行预算数不一致"),
    ),
    "csv unit code that lost its leading zero": Case(
        make.text_file("t.csv", make.csv_text(*[r.replace("100001,", "10001,") for r in make.CSV_ROWS])),
        Refused("t.csv", "第2行: 单位编码“10001”应为六位数字（Excel 可能去掉了前导零：请把该列设为文本）"),
    ),
    "csv year out of range": Case(
        make.text_file("t.csv", make.csv_text(*[r.replace(",2025,", ",20255,") for r in make.CSV_ROWS])),
        Refused("t.csv", "第2行: 年度“20255”应为1990至2100之间的整数"),
    ),
    "csv first row without a project name": Case(
        make.text_file("t.csv", make.csv_text(*[r.replace(",示例项目,", ",,") for r in make.CSV_ROWS])),
        Refused("t.csv", "第2行: 项目名称为空，且上方没有可延续的合并单元格"),
    ),
    # --- numbers ----------------------------------------------------------------------------------
    "text budget with thousands separators": Case(
        make.text_file("t.txt", make.word_text(budget="1,234.50", fiscal="1,234.50")),
        Accepted(budgets(1234.5, 1234.5, 0.0)),
    ),
    "text budget in full-width digits": Case(
        make.text_file("t.txt", make.word_text(budget="１２．５０", fiscal="１２．５０")),
        Accepted(budgets(12.5, 12.5, 0.0)),
    ),
    "text — and / for none": Case(
        make.text_file("t.txt", make.word_text(fiscal="/", other="—")), Accepted(budgets(5.0, 0.0, 0.0))
    ),
    "text budget — (none at all)": Case(
        make.text_file("t.txt", make.word_text(budget="—")), Refused("t.txt", "第10行: 预算数为空"), strict=True
    ),
    "text budget holding a terminal escape sequence": Case(
        make.text_file("t.txt", make.word_text(budget="\x1b[2J5.00")),
        Refused("t.txt", "第10行: 预算数“\\x1b[2J5.00”不是数字"),  # shown, not sent to the terminal
        strict=True,
    ),
    "csv budget of 100,000 characters": Case(
        make.text_file(
            "t.csv", make.csv_text(*[r.replace("5.00,5.00", "约" * 100_000 + ",5.00") for r in make.CSV_ROWS])
        ),
        Refused("t.csv", "第2行: 预算数“约约约"),  # and the line is shortened in the middle (see below)
    ),
    # a figure's own unit is read (it agrees with the table's 单位：万元): 5.00万元 → 5 万元
    "text budget with its unit": Case(
        make.text_file("t.txt", make.word_text(budget="5.00万元")), Accepted(budgets(5.0, 5.0, 0.0))
    ),
    "csv budget in full-width digits": Case(
        make.text_file("t.csv", make.csv_text(*[r.replace("5.00,5.00", "５．００,５．００") for r in make.CSV_ROWS])),
        Accepted(budgets(5.0, 5.0, 0.0)),
    ),
    "csv budget with thousands separator": Case(
        make.text_file("t.csv", make.csv_text(*[r.replace("5.00,5.00", '"1,234.5","1,234.5"') for r in make.CSV_ROWS])),
        Accepted(budgets(1234.5, 1234.5, 0.0)),
    ),
    "csv — and / for none": Case(
        make.text_file("t.csv", make.csv_text(*[r.replace("5.00,5.00,0", "5.00,—,/") for r in make.CSV_ROWS])),
        Accepted(budgets(5.0, 0.0, 0.0)),
    ),
    "csv budget — (none at all)": Case(
        make.text_file("t.csv", make.csv_text(*[r.replace("5.00,5.00", "—,5.00") for r in make.CSV_ROWS])),
        Refused("t.csv", "第2行: 预算数为空"),
    ),
    "csv negative budget": Case(
        make.text_file("t.csv", make.csv_text(*[r.replace("5.00,5.00", "-5.00,5.00") for r in make.CSV_ROWS])),
        Refused("t.csv", "第2行: 预算数“-5.00”不能为负数"),
    ),
    "text negative budget, not strict": Case(
        # the part is left empty and named; the indicators load (see tests/load/test_unreadable.py)
        make.text_file("t.txt", make.word_text(budget="-5.00")),
        Accepted(unreadable(None, "第10行：预算数“-5.00”不能为负数")),
    ),
    "text negative budget": Case(
        make.text_file("t.txt", make.word_text(budget="-5.00")),
        Refused("t.txt", "第10行: 预算数“-5.00”不能为负数"),
        strict=True,
    ),
    "text unit code in full-width digits": Case(
        make.text_file("t.txt", TEXT.replace("100001示例单位", "１０００１１示例单位")),
        Accepted(unit_codes("100011")),
    ),
    "csv budget as words": Case(
        make.text_file("t.csv", make.csv_text(*[r.replace("5.00,5.00", "五万元,5.00") for r in make.CSV_ROWS])),
        Refused("t.csv", "第2行: 预算数“五万元”不是数字"),
    ),
    "target in full-width digits": Case(
        make.text_file("t.txt", make.word_text(target="≥２场")), Accepted(first_target(">=", 2.0, "场", "quantitative"))
    ),
    "target with thousands separator": Case(
        make.text_file("t.txt", make.word_text(target="不少于1,200人次")),
        Accepted(first_target(">=", 1200.0, "人次", "quantitative")),
    ),
    "target written as —": Case(
        # a none mark is no target (no reading), and missing_target names it (tests/checks)
        make.text_file("t.txt", make.word_text(target="—")),
        Accepted(first_target(None, None, None, None)),
    ),
    # targets as written in real tables (docs/domain.md 3.3): (op, value, unit, kind) read from the cell
    **{
        f"target {label}": Case(make.text_file("t.txt", make.word_text(target=cell)), Accepted(first_target(*read)))
        for label, cell, read in [
            ("in Arabic-Indic digits", "≥٢场", (">=", 2.0, "场", "quantitative")),
            ("in mathematical bold digits", "≥𝟐场", (">=", 2.0, "场", "quantitative")),
            ("with a trailing note", "≥2场（含）", (">=", 2.0, "场", "quantitative")),
            ("as a range", "2～3场", (None, 2.0, "场", "range")),
            ("with a comparator contradicted by its suffix", "≥2场以下", (None, 2.0, "场", "contradictory")),
        ]
    },
    "target of a huge number": Case(
        make.text_file("t.txt", make.word_text(target="≥" + "9" * 400 + "场")),
        Accepted(first_target(None, None, None, "qualitative")),
    ),
    "target of control characters": Case(
        make.text_file("t.txt", make.word_text(target="≥2\x07\x1b场")),
        Accepted(first_target(None, None, None, "qualitative")),
    ),
    # --- split layouts: the comparator in a column of its own (指标性质 | 指标值 | 度量单位) --------
    "split csv with ≦": Case(
        make.text_file("t.csv", make.split_csv("≦", "10", "天")),
        Accepted(first_target("<=", 10.0, "天", "quantitative")),
    ),
    "split csv with 大于等于": Case(
        make.text_file("t.csv", make.split_csv("大于等于", "2", "场")),
        Accepted(first_target(">=", 2.0, "场", "quantitative")),
    ),
    "split csv with full-width ＝": Case(
        make.text_file("t.csv", make.split_csv("＝", "2", "场")), Accepted(first_target("=", 2.0, "场", "quantitative"))
    ),
    "split csv with ﹦ (U+FE66)": Case(
        make.text_file("t.csv", make.split_csv("﹦", "2", "场")), Accepted(first_target("=", 2.0, "场", "quantitative"))
    ),
    "split csv with an unknown comparator": Case(
        make.text_file("t.csv", make.split_csv("约等于", "2", "场")),
        Refused("t.csv", "第2行: 指标性质“约等于”不是可识别的比较符"),
    ),
    "target in Arabic-Indic digits, reviewed": Case(
        make.text_file("t.txt", make.word_text(target="≥٢场")), Accepted(no_goal_mismatch), "check_targets"
    ),
    "self-evaluation in other digits": Case(
        make.text_file("t.txt", selfeval_text(SELFEVAL_ROWS, "100")), Accepted(satisfaction_scored(10.0)), "score"
    ),
    # --- the goal text (绩效目标) through the review rules -------------------------------------------
    "goal text in full-width digits": Case(
        make.text_file("t.txt", TEXT.replace("不少于2场", "不少于２场")), Accepted(no_goal_mismatch), "check_targets"
    ),
    "goal text in Arabic-Indic digits that disagree": Case(
        make.text_file("t.txt", TEXT.replace("不少于2场", "不少于٣场")), Accepted(goal_mismatch("3场")), "check_targets"
    ),
    "goal text with thousands separators": Case(
        make.text_file("t.txt", TEXT.replace("不少于2场", "不少于2场，服务1,000人")),
        Accepted(no_goal_mismatch),
        "check_targets",
    ),
    # --- Office files that are not what they say --------------------------------------------------
    "xlsx that is text": Case(
        make.text_file("t.xlsx", "单位编码,项目名称\n"),
        Refused("t.xlsx", "t.xlsx: 不是有效的 .xlsx 文件（不是 zip 压缩包）"),
    ),
    "xlsx that is binary noise": Case(
        make.bytes_file("t.xlsx", make.noise(2048)),
        Refused("t.xlsx", "t.xlsx: 不是有效的 .xlsx 文件（不是 zip 压缩包）"),
    ),
    "docx with parts stored uncompressed": Case(make.stored_docx, Accepted(the_small_table)),
    "docx with a 1.5 MB document part": Case(make.big_docx, Accepted(the_small_table)),
    "docx cut in half": Case(
        make.cut_in_half(make.good_docx), Refused("t.docx", "t.docx: zip 压缩包已损坏（文件不完整？）")
    ),
    "xlsx cut in half": Case(
        make.cut_in_half(make.good_xlsx), Refused("t.xlsx", "t.xlsx: zip 压缩包已损坏（文件不完整？）")
    ),
    "password-protected docx": Case(
        make.encrypted_office("t.docx"), Refused("t.docx", "t.docx: 受密码保护（已加密），请在 Office 中去除密码后另存")
    ),
    "password-protected xlsx": Case(make.encrypted_office("t.xlsx"), Refused("t.xlsx", "t.xlsx: 受密码保护（已加密）")),
    "zip-encrypted docx": Case(make.encrypted_zip_flag, Refused("t.docx", "文件已加密，请去除密码后另存")),
    "zip bomb by declared size": Case(
        # 600 MB declared for the document part + 0.8 MB of the other parts
        make.declared_bomb,
        Refused("t.docx", "t.docx: 解压后共 601 MB，超过上限 512 MB（疑似压缩炸弹），拒绝读取"),
    ),
    "zip bomb by ratio": Case(make.ratio_bomb, Refused("t.xlsx", "压缩包内 xl/worksheets/sheet1.xml: 压缩比")),
    "zip part larger than declared": Case(
        make.lying_sizes,
        Refused("t.docx", "压缩包内 word/document.xml: 解压后大于声明的 1024 字节（疑似压缩炸弹），拒绝读取"),
    ),
    "zip directory pointing outside the file": Case(
        make.central_offset_outside, Refused("t.docx", "压缩包内 [Content_Types].xml: zip 压缩包已损坏（文件不完整？）")
    ),
    "zip directory asking for an unknown zip version": Case(
        make.unknown_zip_version, Refused("t.docx", "t.docx: zip 压缩包已损坏（文件不完整？）")
    ),
    "HTML saved as .xls": Case(
        make.text_file("t.xls", "<html><body><table><tr><td>项目名称</td></tr></table></body></html>"),
        Refused("t.xls", "t.xls: 表1: 表格“（无标题）”没有指标表头（一级指标…指标值），表格不完整"),
    ),
    "PDF": Case(
        make.bytes_file("t.pdf", b"%PDF-1.7\n" + make.noise(256)), Refused("t.pdf", "t.pdf: PDF 文件已损坏，无法读取")
    ),
    "docx without a target table": Case(make.docx_without_tables, Refused("t.docx", "t.docx: 未找到项目绩效目标表")),
    "docx with broken XML": Case(
        make.office_with(make.good_docx, "word/document.xml", lambda data: data[: len(data) // 2]),
        Refused("t.docx", "t.docx: 不是有效的 .docx 文件"),
    ),
    "xlsx with a broken sheet": Case(
        make.office_with(make.good_xlsx, "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2]),
        Refused("t.xlsx", "t.xlsx: 工作表“Sheet1”: 无法读取 Excel 文件"),
    ),
    "xlsx with only an empty sheet": Case(make.xlsx_of_rows([]), Refused("t.xlsx", "未找到表头行")),
    # --- XML with a DTD: external entities and entity expansion ------------------------------------
    "docx with an external entity": Case(
        lambda d: make.office_with(
            make.good_docx, "word/document.xml", make.with_doctype(xxe_to_secret(d), b"<w:t>", b"&e;")
        )(d),
        Refused(
            "t.docx", "压缩包内 word/document.xml: XML 含 DTD 声明（<!DOCTYPE），可用于外部实体或实体膨胀攻击，拒绝读取"
        ),
    ),
    "docx with billion laughs": Case(
        make.office_with(
            make.good_docx, "word/document.xml", make.with_doctype(make.BILLION_LAUGHS, b"<w:t>", b"&l9;")
        ),
        Refused("t.docx", "压缩包内 word/document.xml: XML 含 DTD 声明"),
    ),
    "xlsx with an external entity": Case(
        lambda d: make.office_with(
            make.good_xlsx, "xl/worksheets/sheet1.xml", make.with_doctype(xxe_to_secret(d), b"<t>", b"&e;")
        )(d),
        Refused("t.xlsx", "压缩包内 xl/worksheets/sheet1.xml: XML 含 DTD 声明"),
    ),
    "xlsx with billion laughs in the workbook part": Case(
        make.office_with(
            make.good_xlsx, "xl/workbook.xml", make.with_doctype(make.BILLION_LAUGHS, b"<sheets>", b"&l9;")
        ),
        Refused("t.xlsx", "压缩包内 xl/workbook.xml: XML 含 DTD 声明"),
    ),
    "docx with a DTD in UTF-16": Case(
        make.office_with(
            make.good_docx,
            "word/styles.xml",
            lambda data: ('<?xml version="1.0" encoding="UTF-16"?>' + make.BILLION_LAUGHS + "<w:styles/>").encode(
                "utf-16"
            ),
        ),
        Refused("t.docx", "压缩包内 word/styles.xml: XML 含 DTD 声明"),
    ),
    "output folder that is a file": Case(
        make.output_blocked_by_a_file,
        Refused("out", "out: 无法读写（File exists）"),
    ),
    # --- actuals (perfkit score) ------------------------------------------------------------------
    # the refusal names the header row it found instead (line 22 of the text: its row starts there)
    "actuals: a target table instead of a self-evaluation": Case(
        make.text_file("a.txt", TEXT),
        Refused(
            "a.txt",
            "a.txt: 未找到绩效自评表（应含“一级指标”“实际完成值”列；"
            "第22行的表头只有“一级指标”“二级指标”“三级指标”“绩效指标描述”“指标值”）",
        ),
        "score",
    ),
    "actuals: csv": Case(
        make.text_file("a.csv", make.csv_text()), Refused("a.csv", "a.csv: 实际完成值应为绩效自评表"), "score"
    ),
    "actuals: xlsx with an external entity": Case(
        lambda d: make.office_with(
            make.good_xlsx, "xl/worksheets/sheet1.xml", make.with_doctype(xxe_to_secret(d), b"<t>", b"&e;")
        )(d),
        Refused("t.xlsx", "XML 含 DTD 声明"),
        "score",
    ),
    "actuals template: 序号 too big for a float": Case(
        make.template_with({"序号": "1e400"}),
        Refused("a.xlsx", "a.xlsx: 工作表“指标完成情况”第2行: 序号“1e400”不是数字"),
        "score",
    ),
    "actuals template: 序号 not a whole number": Case(
        make.template_with({"序号": "2.5"}),
        Refused("a.xlsx", "工作表“指标完成情况”第2行: 序号“2.5”应为正整数"),
        "score",
    ),
    "actuals template: 自评得分 NaN": Case(
        make.template_with({"自评得分": "NaN"}),
        Refused("a.xlsx", "工作表“指标完成情况”第2行: 自评得分“NaN”不是数字"),
        "score",
    ),
    # figures that float() would take are not figures a document writes (worked by hand: line 26 of the
    # illustrative self-evaluation holds the first project's 全年执行数, 4.80)
    "self-evaluation: 全年执行数 inf": Case(
        make.text_file("a.txt", make.lines(SELFEVAL_TEXT, replace={26: "\tinf"})),
        Refused("a.txt", "a.txt: 第26行: 全年执行数“inf”不是数字"),
        "score",
    ),
    "self-evaluation: 全年执行数 nan": Case(
        make.text_file("a.txt", make.lines(SELFEVAL_TEXT, replace={26: "\tnan"})),
        Refused("a.txt", "a.txt: 第26行: 全年执行数“nan”不是数字"),
        "score",
    ),
    "self-evaluation: 全年执行数 1_000": Case(
        make.text_file("a.txt", make.lines(SELFEVAL_TEXT, replace={26: "\t1_000"})),
        Refused("a.txt", "a.txt: 第26行: 全年执行数“1_000”不是数字"),
        "score",
    ),
    "actuals template: 全年执行数 inf": Case(
        make.template_with({"全年预算数（万元）": "5", "全年执行数（万元）": "inf"}, sheet="项目执行情况"),
        Refused("a.xlsx", "工作表“项目执行情况”第2行: 全年执行数（万元）“inf”不是数字"),
        "score",
    ),
    "csv: budget 1_000": Case(
        make.text_file("t.csv", make.csv_text(make.CSV_ROWS[0].replace(",5.00,5.00,", ",1_000,5.00,"))),
        Refused("t.csv", "预算数“1_000”不是数字"),
    ),
    "actuals template: 全年执行数 in full-width digits": Case(
        make.template_with({"全年预算数（万元）": "５", "全年执行数（万元）": "４．５"}, sheet="项目执行情况"),
        Accepted(execution_score(9.0)),  # 10 × 4.5 / 5
        "score",
    ),
    "review import: a workbook with billion laughs": Case(
        make.office_with(
            make.good_xlsx, "xl/workbook.xml", make.with_doctype(make.BILLION_LAUGHS, b"<sheets>", b"&l9;")
        ),
        Refused("t.xlsx", "t.xlsx: 压缩包内 xl/workbook.xml: XML 含 DTD 声明"),
        "review",
    ),
    "review import: a zip bomb": Case(
        make.ratio_bomb, Refused("t.xlsx", "t.xlsx: 压缩包内 xl/worksheets/sheet1.xml: 压缩比"), "review"
    ),
    # --- parameter files (perfkit run / check / score) -------------------------------------------
    "params: unit code ../../x": Case(
        unit_yaml("../../x"),
        Refused("p.yaml", "p.yaml: unit_code: 单位编码“../../x”应为六位数字"),
        "run",
    ),
    "params: unit code in full-width digits": Case(
        unit_yaml("５６２３０１"),
        Refused("p.yaml", "unit_code: 单位编码“５６２３０１”应为六位数字"),
        "run",
    ),
    "params: unit code with a newline": Case(
        unit_yaml("562301\\n"),
        Refused("p.yaml", "unit_code: 单位编码“562301 ”应为六位数字"),
        "run",
    ),
    "params: a unit's rules section with an unknown rule": Case(
        make.text_file("p.yaml", 'unit_code: "100001"\nyear: 2025\ntargets: [.]\nchecks: {no_such_rule: {}}\n'),
        Refused("p.yaml", "p.yaml: checks.no_such_rule: 未知的规则编号"),
        "run",
    ),
    "params: empty file": Case(
        make.text_file("p.yaml", "# 空\n"), Refused("p.yaml", "p.yaml: 参数文件应是键值映射"), "run"
    ),
    "params: a folder": Case(
        lambda d: (d / "p.yaml").mkdir() or d / "p.yaml",
        Refused(
            "p.yaml", "p.yaml: 是文件夹，不是参数文件（从文件夹中的文件开始审计：perfkit batch 文件夹 -o 输出文件夹）"
        ),
        "run",
    ),
    "params: binary": Case(
        make.bytes_file("p.yaml", make.noise(512)), Refused("p.yaml", "p.yaml: 含二进制数据，不是文本文件"), "run"
    ),
    "params: a billion laughs of YAML aliases": Case(
        make.text_file(
            "p.yaml",
            'unit_code: "562301"\nyear: 2025\ntargets: [.]\nchecks:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n'
            + "".join(f"  {chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)),
        ),
        Refused("p.yaml", "p.yaml: 第6行: 参数文件不支持 YAML 别名（*引用），请直接写出值"),
        "run",
    ),
    "params: GBK with a Chinese comment": Case(
        make.text_file("p.yaml", "# 本省的规则参数\nchecks:\n  boilerplate_satisfaction: {min_projects: 4}\n", "gbk"),
        Accepted(lambda projects, indicators: None),
        "check",
    ),
    "params: unknown rule": Case(
        make.text_file("p.yaml", "checks:\n  no_such_rule: {enabled: false}\n"),
        Refused("p.yaml", "p.yaml: checks.no_such_rule: 未知的规则编号"),
        "check",
    ),
    "params: threshold of the wrong type": Case(
        make.text_file("p.yaml", "checks:\n  boilerplate_satisfaction: {min_projects: four}\n"),
        Refused("p.yaml", "p.yaml: checks.boilerplate_satisfaction.min_projects: 应为 int，得到 'four'"),
        "check",
    ),
    "params: a count given as 1e308": Case(
        make.text_file("p.yaml", "checks:\n  self_repeating_name: {min_repeat: 1.0e+308}\n"),
        Refused("p.yaml", "p.yaml: checks.self_repeating_name.min_repeat: 应为 int，得到 1e+308"),
        "check",
    ),
    "params: numbers where names are expected": Case(
        make.text_file("p.yaml", "checks:\n  vague_target: {groups: [1, 2]}\n"),
        Refused("p.yaml", "p.yaml: checks.vague_target.groups: 应为 list，得到 [1, 2]"),
        "check",
    ),
    "params: no qualitative bands": Case(
        make.text_file("p.yaml", "scoring:\n  qualitative_bands: {}\n"),
        Refused("p.yaml", "p.yaml: scoring.qualitative_bands: 格式应同默认值"),
        "score",
    ),
    "params: a group weight that is a list": Case(
        make.text_file("p.yaml", "scoring:\n  group_weights: {产出指标: [1, 2]}\n"),
        Refused(
            "p.yaml",
            "p.yaml: scoring.group_weights: 格式应同默认值 {'产出指标': 50.0, '效益指标': 30.0, '满意度指标': 10.0}，得到",
        ),
        "score",
    ),
    "params: scoring weight of the wrong type": Case(
        make.text_file("p.yaml", "scoring:\n  execution_weight: ten\n"),
        Refused("p.yaml", "p.yaml: scoring.execution_weight: 应为 float，得到 'ten'"),
        "score",
    ),
}


def command_line(case: Case, source: Path, out: Path) -> list[str]:
    return _command_line(case, source, out) + (["--strict"] if case.strict else [])


def _command_line(case: Case, source: Path, out: Path) -> list[str]:
    if case.command == "extract":
        return ["extract", str(source), "-o", str(out)]
    if case.command == "review":  # perfkit review import of a workbook returned by an auditor
        return ["review", "import", str(source), "--store", str(out / "review.sqlite")]
    if case.command == "run":
        return ["run", str(source), "-o", str(out)]
    if case.command == "check_targets":  # the odd file is the target table itself
        return ["check", str(source), "-o", str(out / "findings.csv")]
    if case.command == "check":  # the bad file is the parameter file; the targets are the seed
        return ["check", str(SEED_TARGETS), "-o", str(out / "findings.csv"), "--params", str(source)]
    if source.suffix == ".yaml":  # score with a bad parameter file
        return ["score", "--actuals", str(ROOT / "data" / "raw" / "selfeval"), "-o", str(out), "--params", str(source)]
    return ["score", "--actuals", str(source), "-o", str(out)]


def _params():
    for name, case in CASES.items():
        marks = [pytest.mark.xfail(reason=case.known_gap, strict=True)] if case.known_gap else []
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", list(_params()))
def test_bad_input(name, tmp_path, capsys):
    check_case(CASES[name], tmp_path, capsys)


def check_case(case: Case, tmp_path: Path, capsys) -> None:
    """Run ``case`` through the CLI in ``tmp_path`` and assert its outcome (the other corpus modules use it too)."""
    (tmp_path / SECRET_FILE).write_text(make.SECRET, encoding="utf-8")
    source = case.make(tmp_path)
    out = tmp_path / "out"
    status = main(command_line(case, source, out))
    captured = capsys.readouterr()
    if isinstance(case.expected, Refused):
        assert (status, captured.out) == (1, "")
        assert captured.err.startswith("错误: ") and captured.err.count("\n") == 1, captured.err
        assert f"{tmp_path / case.expected.file}: " in captured.err or captured.err.endswith(f"{case.expected.file}\n")
        assert case.expected.place_and_message in captured.err
        assert len(captured.err) < len(str(tmp_path)) + MAX_MESSAGE + 100, "a one-line message stays short"
        assert make.SECRET not in captured.err
        assert not out.exists() or not any(out.rglob("*")), "a refused input must leave no output"
    else:
        assert status == 0, captured.err
        if case.command == "extract":
            case.expected.check(pl.read_parquet(out / "projects.parquet"), pl.read_parquet(out / "indicators.parquet"))
        elif case.command == "check_targets":
            findings = pl.read_csv(out / "findings.csv")
            case.expected.check(findings, findings)
        elif case.command == "score":
            case.expected.check(pl.read_csv(out / "project_scores.csv"), pl.read_csv(out / "indicator_scores.csv"))


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40
