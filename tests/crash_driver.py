"""The process that ``tests/test_crash.py`` kills: ``python -m tests.crash_driver FOLDER``.

It warms up (the first load costs more than the next ones), prints ``ready``, then runs
:func:`commands` over and over until it is killed, so that the kill lands in the work. It imports
nothing but the CLI, which imports what each command needs when it runs.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from perfkit.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "raw"


def commands(out: Path) -> list[list[str]]:
    """extract, check, score and template on the bundled data, into ``out``."""
    targets, selfeval = str(DATA / "targets"), str(DATA / "selfeval")
    return [
        ["extract", targets, "-o", str(out / "extract")],
        ["check", targets, "-o", str(out / "findings.csv")],
        ["score", "--targets", targets, "--actuals", selfeval, "-o", str(out / "score")],
        ["template", targets, "-o", str(out / "actuals.xlsx")],
    ]


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    ready = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    with contextlib.redirect_stdout(open(os.devnull, "w")):
        assert main(commands(folder / "warm-up")[0]) == 0
        print("ready", file=ready, flush=True)
        while True:
            for argv in commands(folder / "out"):
                assert main(argv) == 0
