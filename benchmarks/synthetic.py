"""Synthetic but realistic target tables and actuals at any size — ILLUSTRATIVE data for benchmarks.

Seeded, so the same size gives the same files. Units are written in rotating formats (inline
CSV, split-layout CSV, Word text export) with the spellings and defects seen in real tables:
comparators in symbols and words, 百分比, bare 万, missing comparators, slogans, boilerplate
satisfaction targets, costs that do or do not add up to the budget, goal texts that disagree
with their indicators. Actuals are written as Parquet (one row per indicator, self-scores
included) for the scoring step.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import polars as pl

TOPICS = ["妇女儿童公益", "社区服务", "职业技能培训", "家庭教育", "信息化系统运维", "场地维修", "文化宣传",
          "维权服务", "创业大赛", "健身推广", "干部培训", "志愿服务"]  # fmt: skip
OUTPUTS = [("数量指标", "{t}活动场次", "≥{n}场"), ("数量指标", "{t}培训人次", "不少于{n}人次"), ("数量指标", "{t}服务户数", "{n}户"),
           ("质量指标", "{t}完成率", "≥{p}百分比"), ("质量指标", "{t}合格率", "≥{p}%"), ("时效指标", "{t}完成时间", "≤{m}月"),
           ("时效指标", "{t}及时率", "按时完成")]  # fmt: skip
BENEFITS = [("社会效益指标", "{t}受益人数", "≥{n}人"), ("社会效益指标", "{t}社会影响力", "极大提升{t}社会影响力"),
            ("可持续影响指标", "{t}长效机制", "持续发挥作用")]  # fmt: skip
SPLIT_OPS = {"≥": "≥", "≤": "≤", "不少于": "≥"}


def _indicators(rng: random.Random, topic: str, budget: float) -> list[tuple[str, str, str, str]]:
    rows = []
    for _ in range(rng.randint(4, 24)):
        level2, name, target = rng.choice(OUTPUTS)
        rows.append(("产出指标", level2, name.format(t=topic), target.format(n=rng.choice([2, 5, 10, 26, 100, 3200]),
                                                                                 p=rng.choice([90, 95, 98]), m=rng.randint(3, 12))))  # fmt: skip
    parts = rng.randint(1, 4)
    shares = [rng.random() for _ in range(parts)]
    costs = [round(budget * s / sum(shares), 2) for s in shares]
    if rng.random() < 0.2:  # a defect: the parts do not add up
        costs[0] = round(costs[0] * 1.3, 2)
    for i, cost in enumerate(costs):
        unit = "万" if rng.random() < 0.1 else "万元"
        rows.append(("产出指标", "成本指标", f"{topic}经费{i + 1}", f"≤{cost:g}{unit}"))
    for _ in range(rng.randint(1, 4)):
        level2, name, target = rng.choice(BENEFITS)
        rows.append(("效益指标", level2, name.format(t=topic), target.format(t=topic, n=rng.choice([100, 500, 4000]))))
    rows.append(
        ("满意度指标", "服务对象满意度指标", f"{topic}服务对象满意度", rng.choice(["≥90%", "≥90百分比", "≥95%"]))
    )
    return rows


def _projects(rng: random.Random, unit_code: str, n_projects: int) -> list[dict]:
    projects = []
    for p in range(n_projects):
        topic = rng.choice(TOPICS)
        budget = round(rng.uniform(3, 300), 2)
        rows = _indicators(rng, topic, budget)
        first = next(t for _, _, _, t in rows if t[0] in "≥不")
        goal = f"1.开展{topic}活动，{first.replace('≥', '不少于')}。\n2.提升{topic}服务质量。"
        projects.append({"unit_code": unit_code, "unit_name": f"示例单位{unit_code}", "year": 2025,
                         "project_name": f"2025年{topic}项目{p + 1}", "budget_total": budget, "budget_fiscal": budget,
                         "budget_other": 0.0, "purpose": f"用于{topic}", "goal_text": goal, "rows": rows})  # fmt: skip
    return projects


def _write_inline_csv(path: Path, projects: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["单位编码", "单位名称", "年度", "项目名称", "预算数", "财政资金", "其他资金", "资金用途", "绩效目标",
                      "一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"])  # fmt: skip
        for p in projects:
            head = [p["unit_code"], p["unit_name"], p["year"], p["project_name"], p["budget_total"], p["budget_fiscal"],
                    "", p["purpose"], p["goal_text"]]  # fmt: skip
            out.writerows([*head, l1, l2, name, name, target] for l1, l2, name, target in p["rows"])


def _write_split_csv(path: Path, projects: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["unit_code", "unit_name", "year", "project_name", "budget_total", "budget_fiscal", "budget_other",
                      "purpose", "goal_text", "level1", "level2", "name", "description", "target_op", "target_value",
                      "target_unit"])  # fmt: skip
        for p in projects:
            head = [p["unit_code"], p["unit_name"], p["year"], p["project_name"], p["budget_total"], p["budget_fiscal"],
                    0, p["purpose"], p["goal_text"]]  # fmt: skip
            for l1, l2, name, target in p["rows"]:
                op = next((w for w in SPLIT_OPS if target.startswith(w)), "")
                rest = target[len(op) :]
                number = "".join(ch for ch in rest if ch.isdigit() or ch == ".")
                if number and rest.startswith(number):
                    out.writerow([*head, l1, l2, name, name, SPLIT_OPS.get(op, ""), number, rest[len(number) :]])
                else:
                    out.writerow([*head, l1, l2, name, name, "定性", target, ""])


def _write_word_text(path: Path, projects: list[dict]) -> None:
    lines = []
    for i, p in enumerate(projects, start=1):
        lines += [f"{i}.{p['project_name']}绩效目标表", f"\t{p['unit_code']}{p['unit_name']}", "\t单位：万元", "",
                  "\t项目名称", f"\t{p['project_name']}", "", "\t预算规模及资金用途", "\t预算数", f"\t{p['budget_total']:.2f}",
                  "\t其中：财政资金", f"\t{p['budget_fiscal']:.2f}", "\t其他资金", "\t", "", "\t", f"\t{p['purpose']}", "",
                  "\t绩效目标", "\t" + p["goal_text"].replace("\n", "\n"), "",
                  "\t一级指标", "\t二级指标", "\t三级指标", "\t绩效指标描述", "\t指标值", ""]  # fmt: skip
        previous = None
        for l1, l2, name, target in p["rows"]:
            lines += ["\t" + ("" if l1 == previous else l1), "\t" + l2, "\t" + name, "\t" + name, "\t" + target, ""]
            previous = l1
        lines += ["", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


WRITERS = [("csv", _write_inline_csv), ("csv", _write_split_csv), ("txt", _write_word_text)]


def _actual(rng: random.Random, target: str) -> str:
    digits = "".join(ch for ch in target if ch.isdigit() or ch == ".")
    if not digits or (not any(ch.isdigit() for ch in target[:4]) and not target.startswith(("≥", "≤", "不少于"))):
        return rng.choice(["达成年度指标", "部分达成", "达成"])
    unit = target[target.rfind(digits) + len(digits) :].replace("百分比", "%")
    unit = "万元" if unit == "万" else unit
    value = float(digits) * rng.uniform(0.8, 1.3)
    return f"{value:.2f}{unit}" if "万元" in unit else f"{round(value)}{unit}"


def _earlier_year(rng: random.Random, projects: list[dict], year: int) -> list[dict]:
    """The same unit's targets of an earlier ``year``: most projects and indicators carried over.

    Drawn from their own random stream, so adding years leaves the latest year's files unchanged.
    Budgets were 0.7–1.1 of this year's; about one project in eight is new this year (absent then);
    an earlier-year indicator is sometimes dropped this year (an extra row then) and a quantity
    target sometimes higher then (lowered since); the rest are identical.
    """
    earlier = []
    for p in projects:
        if rng.random() < 0.125:
            continue
        rows = []
        for l1, l2, name, target in p["rows"]:
            digits = "".join(ch for ch in target if ch.isdigit())
            if l2 == "数量指标" and digits and rng.random() < 0.15:
                target = target.replace(digits, str(int(digits) + max(1, int(digits) // 5)), 1)
            rows.append((l1, l2, name, target))
        if rng.random() < 0.2:
            rows.insert(
                0, ("产出指标", "数量指标", f"{p['purpose'].removeprefix('用于')}宣传次数", f"≥{rng.randint(2, 12)}次")
            )
        budget = round(p["budget_total"] * rng.uniform(0.7, 1.1), 2)
        earlier.append(p | {"year": year, "project_name": p["project_name"].replace("2025年", f"{year}年", 1),
                            "budget_total": budget, "budget_fiscal": budget, "rows": rows})  # fmt: skip
    return earlier


def generate(
    folder: Path, n_indicators: int, seed: int = 20251128, years: int = 1, units: int | None = None
) -> dict[str, int]:
    """Write about ``n_indicators`` indicators into ``folder/targets`` and actuals into ``folder/actuals.parquet``;
    with ``units``, exactly that many units instead, whatever their indicators add up to.

    With ``years`` > 1 each unit also gets its targets of the ``years - 1`` years before 2025
    (``unit-<code>-<year>.<suffix>``, see :func:`_earlier_year`); the 2025 files, the actuals and
    the counts returned (of 2025) are the same as with one year.
    """
    rng = random.Random(seed)
    history = random.Random(seed + 1)
    (folder / "targets").mkdir(parents=True, exist_ok=True)
    actual_rows: dict[str, list] = {"unit_code": [], "project_name": [], "name": [], "actual_raw": [], "self_score": []}
    budgets: dict[str, list] = {"unit_code": [], "project_name": [], "budget_full": [], "executed": []}
    total, unit = 0, 0
    while (unit < units) if units is not None else (total < n_indicators):
        unit += 1
        code = f"{100000 + unit:06d}"
        projects = _projects(rng, code, rng.randint(5, 20))
        suffix, writer = WRITERS[unit % len(WRITERS)]
        writer(folder / "targets" / f"unit-{code}.{suffix}", projects)
        for year in range(2024, 2025 - years, -1):
            writer(folder / "targets" / f"unit-{code}-{year}.{suffix}", _earlier_year(history, projects, year))
        for p in projects:
            total += len(p["rows"])
            budgets["unit_code"].append(code)
            budgets["project_name"].append(p["project_name"])
            budgets["budget_full"].append(p["budget_total"])
            budgets["executed"].append(round(p["budget_total"] * rng.uniform(0.85, 1.0), 2))
            for _, _, name, target in p["rows"]:
                actual_rows["unit_code"].append(code)
                actual_rows["project_name"].append(p["project_name"])
                actual_rows["name"].append(name)
                actual_rows["actual_raw"].append(_actual(rng, target))
                actual_rows["self_score"].append(None)
    pl.DataFrame(actual_rows, schema_overrides={"self_score": pl.Float64}).write_parquet(folder / "actuals.parquet")
    pl.DataFrame(budgets).write_parquet(folder / "budgets.parquet")
    return {"units": unit, "indicators": total}
