"""The ``perfkit`` command line: thin wrappers over the package (see CONTRACT.md).

Bad input ends with one line on stderr naming the file and the place, and exit status 1; bad
usage exits with status 2 (argparse's convention).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from perfkit.errors import InputError
from perfkit.load import load_targets
from perfkit.output import write_tables_atomically


def _extract(args: argparse.Namespace) -> int:
    tables = load_targets(*args.sources)
    outputs = {
        "projects.csv": tables.projects,
        "indicators.csv": tables.indicators,
        "projects.parquet": tables.projects,
        "indicators.parquet": tables.indicators,
    }
    write_tables_atomically(outputs, args.output)
    units = tables.projects["unit_code"].n_unique()
    print(
        f"已提取 {units} 个单位、{tables.projects.height} 个项目、{tables.indicators.height} 条指标 → {args.output}",
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for tests and ``--help``."""
    parser = argparse.ArgumentParser(prog="perfkit", description="预算绩效目标审核与评分工具 (perfkit)")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="读取绩效目标表，输出 projects 与 indicators 表")
    extract.add_argument("sources", nargs="+", type=Path, metavar="SOURCE", help="文件或文件夹")
    extract.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="输出文件夹")
    extract.set_defaults(run=_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as exc:
        print(f"错误: {exc.one_line()}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
