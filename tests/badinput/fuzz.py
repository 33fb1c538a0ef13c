"""``make fuzz``: random documents of every layout through extract, check and score, for a time limit.

Randomised (a new seed each run, printed so a run can be repeated) and not part of ``make test``;
the derandomised profile of the same documents runs in ``tests/test_properties.py``. Every
document that ends otherwise than in tables or one InputError is kept under ``--out`` with its
traceback, to become a corpus case in ``tests/badinput/test_corpus.py``.

    python -m tests.badinput.fuzz --seconds 600 --out build/fuzz
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.badinput.documents import layouts, random_value, run


def fuzz(seconds: float, seed: int, out: Path) -> tuple[Counter, Counter, list[Path]]:
    """Documents tried per layout, their outcomes, and the folders of those that failed."""
    rng = random.Random(seed)
    tried: Counter = Counter()
    outcomes: Counter = Counter()
    failed: list[Path] = []
    all_layouts = layouts()
    end = time.monotonic() + seconds
    with tempfile.TemporaryDirectory() as scratch:
        while time.monotonic() < end:
            layout = all_layouts[sum(tried.values()) % len(all_layouts)]
            index, value = rng.randrange(layout.cells), random_value(rng)
            folder = Path(scratch) / str(sum(tried.values()))
            folder.mkdir()
            problem = run(layout, folder, index, value, outcomes)
            tried[layout.name] += 1
            if problem:
                kept = out / f"crash-{len(failed) + 1}-{layout.name}"
                shutil.copytree(folder, kept, dirs_exist_ok=True)
                (kept / "case.txt").write_text(
                    f"layout={layout.name} cell={index} value={value!r}\n\n{problem}", "utf-8"
                )
                failed.append(kept)
            shutil.rmtree(folder)
    return tried, outcomes, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("build/fuzz"))
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    args.out.mkdir(parents=True, exist_ok=True)
    tried, outcomes, failed = fuzz(args.seconds, seed, args.out)
    print(f"fuzz seed {seed}: {sum(tried.values())} documents in {args.seconds:.0f} s; {len(failed)} failed")
    print(f"  per layout: {dict(tried)}")
    print(f"  outcomes: {dict(outcomes)}")
    for folder in failed:
        print(f"  {folder / 'case.txt'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
