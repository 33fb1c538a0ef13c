"""Run perfkit on a rendered corpus document, as auditors do, and list how it differs from the truth.

Every document goes through ``perfkit extract FILE -o DIR`` (projects and indicators); a
self-evaluation also through ``perfkit score --actuals FILE -o DIR``, scored against its own
年度指标值. Both are run as commands (``python -m perfkit.cli`` from the repository root, so that
this checkout's perfkit is the one run). :func:`compare` returns the differences as
:class:`Difference` objects whose text is the Chinese line people read; a refusal (exit 1) is one
difference carrying perfkit's one-line message.

How the truth's conventions map to perfkit's columns (docs/contract.md §4, docs/domain.md §3):

* texts are compared without leading and trailing spaces, and a line break inside a cell (with
  the spaces around it) counts as nothing: ``打造金安国际网球\\n公开赛`` = ``打造金安国际网球公开赛``;
  an empty text and a missing one are the same;
* ``level1`` / ``level2`` also pass as the document writes them (``level1_raw`` / ``level2_raw``
  without line breaks and without points such as ``(50分)``), since perfkit keeps labels as written;
* ``department`` passes with or without a bracketed code (``[042]某局`` → ``某局``, as perfkit
  writes it);
* a reading is op / value / unit / kind (and value_high for a range) against ``target_op`` /
  ``target_value`` / ``target_unit`` / ``target_kind`` / ``target_value_high``; the truth's unit
  also matches perfkit's unit followed by its counted noun (``个社区`` = ``个`` + ``社区``), or the
  noun alone where perfkit has no unit (``零事故``);
* ``accept`` alternatives pass, each key on its own (a reading as a whole); null in the truth
  means "not decided" and is skipped; a project with ``indicators_cut`` ignores rows perfkit emits
  after the last listed indicator;
* money to 1e-4 万元, scores and totals to 1e-3 (the truth rounds to 3 decimals);
* an indicator's ``met`` (true / false, where the truth can tell reached from missed but expects
  no score) against perfkit's ``status``: ``met`` / ``over`` against ``missed`` / ``equal_missed``;
* what perfkit must say where it cannot read: ``refuses`` (top level, command → words its one-line
  refusal must hold) and ``says`` (on a project or an indicator: the rule ids ``score`` must report
  there). A null the truth keeps for a damaged or missing part is then not a skip alone: perfkit
  must also say why the part is empty.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from perfkit.checks.registry import RULES as CHECK_RULES
from perfkit.scoring.rescoring import RESCORING_RULES
from tests.realworld.render import TRUTH

ROOT = Path(__file__).resolve().parents[2]
MONEY_TOLERANCE = 1e-4
SCORE_TOLERANCE = 1e-3 + 1e-9
READING_FIELDS = {"op": "比较符", "value": "数值", "unit": "计量单位", "kind": "类型", "value_high": "上限"}
_POINTS = re.compile(r"[（(]\s*[0-9.]+\s*分\s*[）)]?\s*$")
_CODE_PREFIX = re.compile(r"^\s*[\[【［]\s*[0-9A-Za-z]+\s*[\]】］]\s*")


@dataclass(frozen=True)
class Difference:
    """One way perfkit's output differs from the truth: ``kind`` groups differences in the summary."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


def load_truth(doc_id: str) -> dict[str, Any]:
    return json.loads((TRUTH / f"{doc_id}.json").read_text(encoding="utf-8"))


def is_selfeval(truth: dict[str, Any]) -> bool:
    return "selfeval" in truth["family"]


# --- running perfkit ---------------------------------------------------------------------------


def run_perfkit(args: list[str]) -> tuple[int, str]:
    """``perfkit ARGS``: (exit status, stderr). The console script's entry point
    (``perfkit.cli.main``) is called in this process, which saves starting Python and importing
    polars for every command; with ``REALWORLD_SUBPROCESS=1`` each command runs as
    ``python -m perfkit.cli`` from the repository root instead. An exception that escapes perfkit
    is a crash: its last line is returned with status 3 (the command line would show a traceback)."""
    if os.environ.get("REALWORLD_SUBPROCESS") == "1":
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "perfkit.cli", *args]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        return done.returncode, done.stderr
    from perfkit.cli import main

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(args)
        except SystemExit as exc:  # argparse's usage errors
            status = exc.code if isinstance(exc.code, int) else 2
        except Exception as exc:
            print(f"{type(exc).__name__}: {exc}".replace("\n", " "), file=sys.stderr)
            status = 3
    return status, stderr.getvalue()


def _failure(command: str, status: int, stderr: str) -> Difference:
    lines = [line for line in stderr.splitlines() if line.strip()]
    if status == 1:
        message = next((line for line in lines if line.startswith("错误")), lines[-1] if lines else "")
        return Difference("拒绝读取", f"perfkit {command} 拒绝读取：{message}")
    return Difference("程序异常", f"perfkit {command} 异常退出（退出码 {status}）：{lines[-1] if lines else ''}")


def refusal_gist(text: str) -> str:
    """A refusal without the file, the place and quoted names, so that alike refusals group together."""
    message = re.sub(r"“[^”]*”", "“…”", text.split("错误: ", 1)[-1])
    return message.split(": ")[-1]


# --- comparing ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    return re.sub(r"\s*\n\s*", "", str(value)).strip()


def _label(value: Any) -> str:
    return _POINTS.sub("", _text(value)).strip()


def _show(value: Any) -> str:
    if value is None or value == "":
        return "空"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("\n", "⏎")


def _alternatives(obj: dict[str, Any], key: str) -> list[Any]:
    return [obj.get(key), *((obj.get("accept") or {}).get(key) or [])]


def _number_equal(want: Any, got: Any, tolerance: float) -> bool:
    if want is None or got is None:
        return want is None and got is None
    try:
        return abs(float(want) - float(got)) <= tolerance
    except (TypeError, ValueError):
        return False


def _unit_matches(want: Any, unit: Any, noun: Any) -> bool:
    want = _text(want)
    unit, noun = _text(unit), _text(noun)
    return want in {unit, unit + noun} or (not unit and want == noun)


def _reading_problems(want: dict[str, Any], got: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, wanted, got) for every field of a reading that differs."""
    problems = []
    if (want.get("op") or None) != (got["target_op"] or None):
        problems.append(("op", want.get("op"), got["target_op"]))
    if not _number_equal(want.get("value"), got["target_value"], 1e-9 * max(1.0, abs(want.get("value") or 0))):
        problems.append(("value", want.get("value"), got["target_value"]))
    if not _unit_matches(want.get("unit"), got["target_unit"], got.get("target_noun")):
        problems.append(("unit", want.get("unit"), got["target_unit"]))
    if (want.get("kind") or None) != (got["target_kind"] or None):
        problems.append(("kind", want.get("kind"), got["target_kind"]))
    if want.get("kind") == "range" and not _number_equal(want.get("value_high"), got["target_value_high"], 1e-9):
        problems.append(("value_high", want.get("value_high"), got["target_value_high"]))
    return problems


def align(want: list[str], got: list[str]) -> list[tuple[int | None, int | None]]:
    """Pair the truth's rows with perfkit's by their names, in order: (truth index, perfkit index),
    with None where a row has no partner. Unequal runs between matches are paired by position."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
    for _tag, a0, a1, b0, b1 in matcher.get_opcodes():
        for offset in range(max(a1 - a0, b1 - b0)):
            a, b = a0 + offset, b0 + offset
            pairs.append((a if a < a1 else None, b if b < b1 else None))
    return pairs


def _indicator_key(indicator: dict[str, Any]) -> str:
    return _text(indicator.get("name"))


def _compare_text(where: str, label: str, obj: dict[str, Any], key: str, got: Any, extra: list[Any] = ()) -> list:
    wanted = _alternatives(obj, key)
    if wanted[0] is None:
        return []
    if _text(got) in {_text(w) for w in [*wanted, *extra]}:
        return []
    return [Difference(label, f"{where}{label}：应为「{_show(wanted[0])}」，实为「{_show(got)}」")]


def _compare_number(where: str, label: str, obj: dict[str, Any], key: str, got: Any, tolerance: float) -> list:
    wanted = _alternatives(obj, key)
    if wanted[0] is None or any(_number_equal(w, got, tolerance) for w in wanted if w is not None):
        return []
    return [Difference(label, f"{where}{label}：应为 {_show(wanted[0])}，实为 {_show(got)}")]


def compare_project(n: int, want: dict[str, Any], got: dict[str, Any]) -> list[Difference]:
    where = f"项目{n} "
    diffs = []
    diffs += _compare_text(where, "单位编码", want, "unit_code", got["unit_code"])
    diffs += _compare_text(where, "单位名称", want, "unit_name", got["unit_name"])
    stripped = [_CODE_PREFIX.sub("", w) for w in _alternatives(want, "department") if w]
    diffs += _compare_text(where, "主管部门", want, "department", got["department"], stripped)
    diffs += _compare_text(where, "项目名称", want, "project_name", got["project_name"])
    for key, label in (("budget_total", "预算数"), ("budget_fiscal", "财政资金"), ("budget_other", "其他资金")):
        diffs += _compare_number(where, f"{label}（万元）", want, key, got[key], MONEY_TOLERANCE)
    return diffs


def compare_indicator(where: str, want: dict[str, Any], got: dict[str, Any]) -> list[Difference]:
    diffs = []
    for key, label in (("level1", "一级指标"), ("level2", "二级指标")):
        raw = want.get(f"{key}_raw")
        written = [_label(raw)] if raw and _label(raw) else []
        diffs += _compare_text(where, label, want, key, _label(got[key]), written)
    diffs += _compare_text(where, "三级指标", want, "name", got["name"])
    if want.get("period"):
        diffs += _compare_text(where, "期间", want, "period", got["period"])
    readings = [r for r in _alternatives(want, "reading") if r is not None]
    if readings and all(_reading_problems(r, got) for r in readings):
        target = f"（指标值「{_show(want.get('target_raw'))}」）"
        for key, wanted, found in _reading_problems(readings[0], got):
            label = READING_FIELDS[key]
            diffs.append(Difference(label, f"{where}{label}：应为「{_show(wanted)}」，实为「{_show(found)}」{target}"))
    return diffs


def _rows_compared(
    n: int, want: list[dict[str, Any]], got: list[dict[str, Any]], cut: bool, what: str
) -> list[tuple[str, dict[str, Any], dict[str, Any]] | Difference]:
    """Aligned pairs (place, truth row, perfkit row), and a difference for every unpaired row. In a cut
    table a row after the last paired one of its period (a block of side-by-side periods is cut in each
    of them) is the cut row, not an extra one."""
    out: list[tuple[str, dict[str, Any], dict[str, Any]] | Difference] = []
    pairs = align([_indicator_key(w) for w in want], [_text(g["name"]) for g in got])
    last: dict[Any, int] = {}
    for a, b in pairs:
        if a is not None and b is not None:
            last[got[b].get("period")] = b
    for a, b in pairs:
        if a is not None and b is not None:
            out.append((f"项目{n} 指标{want[a]['seq']}「{_show(want[a].get('name'))}」", want[a], got[b]))
        elif a is not None:
            out.append(Difference(f"缺少{what}", f"项目{n} 缺少{what}{want[a]['seq']}「{_show(want[a].get('name'))}」"))
        elif not (cut and b > last.get(got[b].get("period"), -1)):
            out.append(
                Difference(f"多出{what}", f"项目{n} 多出{what}（序号{got[b]['seq']}「{_show(got[b]['name'])}」）")
            )
    return out


def _compare_says(where: str, want: dict[str, Any], said: set[str], rules: dict[str, Any]) -> list[Difference]:
    """The rule ids among ``rules`` (one command's) that the truth's ``says`` lists here and perfkit's
    findings at this place do not."""
    wanted = [rule for rule in want.get("says") or [] if rule in rules]
    return [Difference("未说明", f"{where}应报告“{rule}”，未报告") for rule in wanted if rule not in said]


def _rules_at(findings: pl.DataFrame, project_id: Any, seq: Any = None) -> set[str]:
    """The rule ids of the findings on a project (``seq`` None: the project's own, without a row)
    or on one of its rows."""
    here = findings.filter(pl.col("project_id") == project_id)
    here = here.filter(pl.col("seq").is_null() if seq is None else pl.col("seq") == seq)
    return set(here["rule_id"].to_list())


def compare_extract(
    truth: dict[str, Any],
    projects: pl.DataFrame,
    indicators: pl.DataFrame,
    findings: pl.DataFrame | None = None,
) -> list[Difference]:
    """The truth's projects and indicators against perfkit's ``projects`` and ``indicators``, in order;
    with ``findings`` (of ``perfkit check``), also what the review rules must say (``says``)."""
    findings = findings if findings is not None else pl.DataFrame(schema=FINDING_KEYS)
    diffs: list[Difference] = []
    want_projects = truth["projects"]
    got_projects = projects.to_dicts()
    if len(got_projects) != len(want_projects):
        diffs.append(Difference("项目数", f"项目数：应为 {len(want_projects)}，实为 {len(got_projects)}"))
    for n, (want, got) in enumerate(zip(want_projects, got_projects, strict=False), start=1):
        diffs += compare_project(n, want, got)
        diffs += _compare_says(f"项目{n} ", want, _rules_at(findings, got["project_id"]), CHECK_RULES)
        rows = indicators.filter(pl.col("project_id") == got["project_id"]).sort("seq").to_dicts()
        for item in _rows_compared(n, want.get("indicators") or [], rows, bool(want.get("indicators_cut")), "指标"):
            if isinstance(item, Difference):
                diffs.append(item)
                continue
            place, indicator, row = item
            diffs += compare_indicator(place, indicator, row)
            said = _rules_at(findings, got["project_id"], row["seq"])
            diffs += _compare_says(f"{place} ", indicator, said, CHECK_RULES)
    return diffs


# a truth's ``met`` (whether a row reached its target, given where no score can be expected) against
# perfkit's status (docs/domain.md §2.4): ``over`` is reached, ``equal_missed`` (an ``=`` target not
# hit exactly) is not
MET_STATUS = {True: {"met", "over"}, False: {"missed", "equal_missed"}}


def _compare_met(where: str, indicator: dict[str, Any], status: Any) -> list[Difference]:
    met = indicator.get("met")
    if met is None or status in MET_STATUS[met]:
        return []
    wanted = "达成" if met else "未达成"
    return [Difference("达成判断", f"{where}达成判断：应为「{wanted}」，实为「{_show(status)}」")]


def compare_scores(
    truth: dict[str, Any],
    indicator_scores: pl.DataFrame,
    project_scores: pl.DataFrame,
    findings: pl.DataFrame | None = None,
) -> list:
    """Each indicator's re-score, the execution score, the total and the grade against the truth;
    with ``findings``, also what perfkit must say (``says``) on the project and its rows."""
    findings = findings if findings is not None else pl.DataFrame(schema=FINDING_KEYS)
    diffs: list[Difference] = []
    got_projects = project_scores.to_dicts()
    if len(got_projects) != len(truth["projects"]):
        diffs.append(Difference("项目数", f"评分项目数：应为 {len(truth['projects'])}，实为 {len(got_projects)}"))
    for n, (want, got) in enumerate(zip(truth["projects"], got_projects, strict=False), start=1):
        where = f"项目{n} "
        budget = want.get("budget") or {}
        diffs += _compare_number(where, "全年预算数（万元）", budget, "full_year", got["budget_full"], MONEY_TOLERANCE)
        diffs += _compare_number(where, "全年执行数（万元）", budget, "executed", got["executed"], MONEY_TOLERANCE)
        execution = want.get("execution") or {}
        diffs += _compare_number(
            where, "执行率得分", execution, "expected_score", got["execution_score"], SCORE_TOLERANCE
        )
        diffs += _compare_says(where, want, _rules_at(findings, got["project_id"]), RESCORING_RULES)
        rows = indicator_scores.filter(pl.col("project_id") == got["project_id"]).sort("seq").to_dicts()
        cut = bool(want.get("indicators_cut"))
        for item in _rows_compared(n, want.get("indicators") or [], rows, cut, "评分指标"):
            if isinstance(item, Difference):
                diffs.append(item)
            else:
                place, indicator, row = item
                diffs += _compare_number(
                    f"{place} ", "复核得分", indicator, "expected_score", row["score"], SCORE_TOLERANCE
                )
                diffs += _compare_met(f"{place} ", indicator, row.get("status"))
                said = _rules_at(findings, got["project_id"], row["seq"])
                diffs += _compare_says(f"{place} ", indicator, said, RESCORING_RULES)
        diffs += _compare_number(where, "复核总分", want, "expected_total", got["total"], SCORE_TOLERANCE)
        diffs += _compare_text(where, "等级", want, "expected_grade", got["grade"])
    return diffs


FINDING_KEYS = {"rule_id": pl.String, "project_id": pl.String, "seq": pl.Int64}


def _refusal(command: str, status: int, stderr: str, words: str) -> list[Difference]:
    """The truth says ``command`` must refuse this document with a message holding ``words``."""
    if status == 1 and words in stderr:
        return []
    if status == 0:
        return [Difference("应拒绝", f"perfkit {command} 应拒绝读取（含“{words}”），实际读取了")]
    got = _failure(command, status, stderr)
    return [Difference("应拒绝", f"perfkit {command} 应拒绝读取（含“{words}”），实为：{got.text}")]


def _says(truth: dict[str, Any]) -> set[str]:
    """Every rule id the truth's ``says`` lists, on any project or indicator."""
    places = [p for project in truth["projects"] for p in [project, *(project.get("indicators") or [])]]
    return {rule for place in places for rule in place.get("says") or []}


def _check_findings(path: Path, out: Path) -> pl.DataFrame | Difference:
    """``perfkit check FILE -o findings.csv``: the review findings, or its failure as a difference."""
    out.mkdir(parents=True, exist_ok=True)
    status, stderr = run_perfkit(["check", str(path), "-o", str(out / "findings.csv")])
    if status != 0:
        return _failure("check", status, stderr)
    return _read_csv(out / "findings.csv").with_columns(pl.col("seq").cast(pl.Int64))


def _read_csv(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema=False)  # every column as text: nothing guessed
    numeric = {"seq", "score", "total", "execution_score", "budget_full", "executed"}
    return frame.with_columns(pl.col(c).cast(pl.Float64, strict=False) for c in frame.columns if c in numeric)


def compare(doc_id: str, path: Path, workdir: Path) -> list[Difference]:
    """Run perfkit on the rendered document ``path`` (outputs under ``workdir``) and compare."""
    truth = load_truth(doc_id)
    refuses = truth.get("refuses") or {}
    diffs: list[Difference] = []
    out = workdir / "extract"
    status, stderr = run_perfkit(["extract", str(path), "-o", str(out)])
    if "extract" in refuses:
        diffs += _refusal("extract", status, stderr, refuses["extract"])
    elif status != 0:
        diffs.append(_failure("extract", status, stderr))
    else:
        findings = _check_findings(path, workdir / "check") if _says(truth) & set(CHECK_RULES) else None
        if isinstance(findings, Difference):
            diffs, findings = [*diffs, findings], None
        diffs += compare_extract(
            truth, pl.read_parquet(out / "projects.parquet"), pl.read_parquet(out / "indicators.parquet"), findings
        )
    if is_selfeval(truth):
        out = workdir / "score"
        status, stderr = run_perfkit(["score", "--actuals", str(path), "-o", str(out)])
        if "score" in refuses:
            diffs += _refusal("score", status, stderr, refuses["score"])
        elif status != 0:
            diffs.append(_failure("score", status, stderr))
        else:
            scores = _read_csv(out / "indicator_scores.csv").with_columns(pl.col("seq").cast(pl.Int64))
            findings = _read_csv(out / "findings.csv").with_columns(pl.col("seq").cast(pl.Int64))
            diffs += compare_scores(truth, scores, _read_csv(out / "project_scores.csv"), findings)
    return diffs


# --- the truth files themselves ----------------------------------------------------------------

PROJECT_KEYS = ("unit_name", "unit_code", "department", "project_name", "indicators")
TARGET_KEYS = ("budget_total", "budget_fiscal", "budget_other")
SELFEVAL_KEYS = ("budget", "execution", "expected_total", "expected_grade")
INDICATOR_KEYS = ("seq", "level1", "level2", "name", "target_raw", "reading")
OPS = {">=", "<=", "=", ">", "<", None}
KINDS = {"quantitative", "qualitative", "deadline", "range", None}
FAMILIES = {
    "project_target",
    "application_form",
    "transfer_target",
    "dept_overall_target",
    "selfeval_10hao",
    "selfeval_provincial",
    "transfer_selfeval",
    "dept_overall_selfeval",
}
FLAGS = {"over", "equal_missed"}  # perfkit's statuses (docs/domain.md §2.4) that a reviewer flags


def reading_problems(reading: Any, primary: bool = True) -> list[str]:
    """Why ``reading`` is not a valid reading (empty when it is). An accepted alternative
    (``primary`` false) may be numeric without a number: a bound whose amount is masked."""
    if not isinstance(reading, dict):
        return [f"解读不是对象：{reading!r}"]
    problems = [f"缺少“{k}”" for k in ("op", "value", "unit", "kind") if k not in reading]
    if reading.get("op") not in OPS:
        problems.append(f"比较符“{reading.get('op')}”无效")
    if reading.get("kind") not in KINDS:
        problems.append(f"类型“{reading.get('kind')}”无效")
    value = reading.get("value")
    if value is not None and not isinstance(value, int | float):
        problems.append(f"数值“{value}”不是数字")
    if primary and reading.get("kind") in {"quantitative", "deadline", "range"} and value is None:
        problems.append(f"{reading.get('kind')} 没有数值")
    if reading.get("kind") == "deadline" and reading.get("op") not in {"<=", "<"}:
        problems.append("期限的比较符应为 <= 或 <")
    if reading.get("kind") == "range" and not isinstance(reading.get("value_high"), int | float):
        problems.append("范围缺少 value_high")
    if reading.get("kind") in {"qualitative", None} and value is not None:
        problems.append("定性或空指标不应有数值")
    if reading.get("unit") == "百分比":
        problems.append("百分比应写作 %")
    return problems


def says_problems(truth: dict[str, Any], obj: dict[str, Any]) -> list[str]:
    """Why ``says`` on ``obj`` (a project or an indicator) could pass without being checked, or why a
    ``*_by_person`` reading there has nothing that makes perfkit say why its field is empty."""
    says, refuses = obj.get("says", []), truth.get("refuses") or {}
    if not isinstance(says, list) or not all(rule in RESCORING_RULES or rule in CHECK_RULES for rule in says):
        return ["says 应为审核或复核规则编号的列表"]
    problems = []
    scored = is_selfeval(truth) and "score" not in refuses
    if any(rule in RESCORING_RULES for rule in says) and not scored:
        problems.append("says 中的复核规则不会被检查（不是自评表，或 score 应拒绝读取）")
    if any(rule in CHECK_RULES for rule in says) and "extract" in refuses:
        problems.append("says 中的审核规则不会被检查（extract 应拒绝读取）")
    # a person's reading of a field the truth leaves empty (a damaged target read as stored keeps its
    # stored reading, and needs no finding)
    parts = [("", obj), ("budget.", obj.get("budget") or {}), ("execution.", obj.get("execution") or {})]
    person = [
        f"{where}{key}"
        for where, part in parts
        for key in part
        if key.endswith("_by_person") and part.get(key.removesuffix("_by_person")) in (None, "")
    ]
    if person and not says and not refuses:
        problems.append(f"{'、'.join(person)} 缺少 says：留空之处须有 perfkit 说明原因")
    return problems


def truth_problems(doc_id: str) -> list[str]:
    """Why the truth file of ``doc_id`` is not well-formed (empty when it is)."""
    truth = load_truth(doc_id)
    problems = [f"缺少“{k}”" for k in ("id", "family", "money_scale", "projects") if k not in truth]
    if truth.get("id") != doc_id:
        problems.append(f"id 为“{truth.get('id')}”，与文件名不符")
    if truth.get("family") not in FAMILIES:
        problems.append(f"文档类别“{truth.get('family')}”未知")
    refuses = truth.get("refuses") or {}
    if set(refuses) - {"extract", "score"} or not all(isinstance(w, str) and w for w in refuses.values()):
        problems.append("refuses 应为“extract 或 score → 拒绝信息中的文字”")
    for n, project in enumerate(truth.get("projects") or [], start=1):
        keys = PROJECT_KEYS + (SELFEVAL_KEYS if is_selfeval(truth) else TARGET_KEYS)
        problems += [f"项目{n} 缺少“{k}”" for k in keys if k not in project]
        for part, obj in (("", project), (" budget", project.get("budget")), (" execution", project.get("execution"))):
            accept = obj.get("accept", {}) if isinstance(obj, dict) else {}
            if not isinstance(accept, dict) or not all(isinstance(v, list) for v in accept.values()):
                problems.append(f"项目{n}{part} accept 应为“键 → 候选值列表”")
        places = [(f"项目{n}", project)] + [(f"项目{n} 指标{i.get('seq')}", i) for i in project.get("indicators") or []]
        for where, obj in places:
            problems += [f"{where} {p}" for p in says_problems(truth, obj)]
        seqs = [i.get("seq") for i in project.get("indicators") or []]
        if len(set(seqs)) != len(seqs):
            problems.append(f"项目{n} 指标序号重复")
        for indicator in project.get("indicators") or []:
            where = f"项目{n} 指标{indicator.get('seq')}"
            problems += [f"{where} 缺少“{k}”" for k in INDICATOR_KEYS if k not in indicator]
            if is_selfeval(truth):
                problems += [f"{where} 缺少“{k}”" for k in ("expected_score", "actual_raw") if k not in indicator]
            accept = indicator.get("accept", {})
            if not isinstance(accept, dict) or not all(isinstance(v, list) for v in accept.values()):
                problems.append(f"{where} accept 应为“键 → 候选值列表”")
                accept = {}
            problems += [f"{where} {p}" for p in reading_problems(indicator.get("reading"))]
            if not isinstance(indicator.get("flags", []), list) or set(indicator.get("flags", [])) - FLAGS:
                problems.append(f"{where} flags 应为 {sorted(FLAGS)} 中的值的列表")
            if indicator.get("met") not in {True, False, None}:
                problems.append(f"{where} met 应为 true、false 或 null")
            for reading in accept.get("reading", []):
                problems += [f"{where} 候选解读：{p}" for p in reading_problems(reading, primary=False)]
    return problems
