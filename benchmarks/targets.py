"""Benchmark the 指标值 parser against a per-row Python baseline on the same synthetic cells.

Run as ``python -m benchmarks.targets --impl polars --size 100000`` (one measurement, printed as
JSON) or through ``python -m benchmarks``, which runs every size in fresh processes and prints
ratios. The cells are synthetic (illustrative only), drawn with a fixed seed from the spellings
seen in published tables.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import time

SPELLINGS = [
    "≥{n}场", "≤{n}万元", "≥{n}百分比", "不少于{n}次", "≤{n}月", "{n}人", "≥{n}%", "≧{n}个", "＞＝{n}期",
    "不超过{n}万", "≤{n}元/人", "至少{n}场", "＜{n}天", "{n}人次以上", "按时完成", "极大提升满意度", "2025年全年",
]  # fmt: skip


def synthetic_cells(size: int, seed: int = 20251128) -> list[str]:
    """``size`` target cells, reproducible for a given seed."""
    rng = random.Random(seed)
    return [rng.choice(SPELLINGS).format(n=rng.choice([1, 2, 4.1, 26, 95, 3200])) for _ in range(size)]


_FOLD = str.maketrans({"≥": ">=", "≤": "<=", "≧": ">=", "＞": ">", "＜": "<", "＝": "=", "％": "%"})
_WORDS = [(re.compile(r"^(?:不少于|至少)"), ">="), (re.compile(r"^(?:不超过)"), "<=")]
_CELL = re.compile(r"^(>=|<=|=|>|<)?(\d+(?:\.\d+)?)(.*?)(以上|以下)?$")


def baseline_parse(cells: list[str]) -> list[tuple]:
    """The obvious per-row Python implementation, for comparison only."""
    out = []
    for cell in cells:
        text = cell.translate(_FOLD).replace(" ", "")
        for pattern, symbol in _WORDS:
            text = pattern.sub(symbol, text)
        m = _CELL.match(text)
        out.append((m.group(1), float(m.group(2)), m.group(3)) if m else (None, None, None))
    return out


def measure(impl: str, size: int) -> dict:
    """Time one parse of ``size`` cells and report this process's peak memory."""
    cells = synthetic_cells(size)
    from perfkit.targets import parse_targets  # imported before the clock starts

    start = time.perf_counter()
    if impl == "polars":
        parse_targets(cells, money=False)
    else:
        baseline_parse(cells)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"impl": impl, "size": size, "seconds": round(seconds, 4), "peak_mb": round(peak_mb, 1)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", choices=["polars", "python"], required=True)
    parser.add_argument("--size", type=int, required=True)
    args = parser.parse_args()
    print(json.dumps(measure(args.impl, args.size)))
