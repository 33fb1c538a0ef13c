"""The ``perfkit`` command line: thin wrappers over the package (see docs/contract.md).

Each command imports what it needs when it runs, so that no command waits for libraries it
does not use (the notebook kernel of ``perfkit run`` loads its own).

Bad input ends with one line on stderr naming the file and the place, and exit status 1; bad
usage exits with status 2 (argparse's convention).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from perfkit import __version__
from perfkit.errors import InputError


def _chunks(args: argparse.Namespace, sources: list[Path]) -> int | None:
    """Indicators per chunk when ``sources`` are too large to load at once (perfkit.run.chunked), else None."""
    from perfkit.run.chunked import CHUNK_INDICATORS, is_large

    return args.chunk_indicators or (CHUNK_INDICATORS if is_large(sources) else None)


def _extract(args: argparse.Namespace) -> int:
    from perfkit.load import load_targets
    from perfkit.output import write_tables_atomically
    from perfkit.run import chunked

    if size := _chunks(args, args.sources):
        with chunked.load_parts(args.sources, args.output, size, args.strict) as parts:
            chunked.extract(parts, args.output)
        projects = parts.projects
        print(
            f"已提取 {projects['unit_code'].n_unique()} 个单位、{projects.height} 个项目、{projects['_n'].sum()} 条指标"
            f"{_unreadable(projects)} → {args.output}"
        )
        return 0
    tables = load_targets(*args.sources, strict=args.strict)
    outputs = {
        "projects.csv": tables.projects,
        "indicators.csv": tables.indicators,
        "projects.parquet": tables.projects,
        "indicators.parquet": tables.indicators,
    }
    write_tables_atomically(outputs, args.output)
    units = tables.projects["unit_code"].n_unique()
    print(
        f"已提取 {units} 个单位、{tables.projects.height} 个项目、{tables.indicators.height} 条指标"
        f"{_unreadable(tables.projects)} → {args.output}",
    )
    return 0


def _unreadable(projects) -> str:
    """Each unreadable part as a warning on stderr, and their count for the summary line ("" when none)."""
    from perfkit.load.layout.problems import unreadable_parts

    for file, part in (parts := unreadable_parts(projects)):
        print(f"警告: {file}: {part}", file=sys.stderr)
    return f"，{len(parts)} 处无法读取（见 unreadable 列）" if parts else ""


def _check(args: argparse.Namespace) -> int:
    from perfkit.checks import run_checks
    from perfkit.load import load_targets
    from perfkit.output import write_table_atomically
    from perfkit.run.params import read_params
    from perfkit.run.profiles import rule_listing

    params = read_params(args.params, args.rules_profile)
    if args.list_rules:  # with the values of the rules profile and the params file's own settings
        print("\n".join(rule_listing(params, str(args.params))))
        return 0
    if not args.sources or args.output is None:
        args.parser.error("需要 SOURCE 和 -o FILE（或使用 --list-rules）")
    if args.output.suffix.lower() not in (".csv", ".parquet"):
        args.parser.error("-o 的后缀应为 .csv 或 .parquet")
    if size := _chunks(args, args.sources):
        from perfkit.run import chunked

        with chunked.load_parts(args.sources, args.output.parent, size, args.strict) as parts:
            counts = chunked.check(parts, params.get("checks"), str(args.params), args.output, size)
    else:
        findings = run_checks(load_targets(*args.sources, strict=args.strict), params.get("checks"), str(args.params))
        write_table_atomically(findings, args.output)
        counts = dict(findings.group_by("severity").len().iter_rows())
    summary = "，".join(
        f"{label} {counts.get(key, 0)}" for key, label in (("high", "高"), ("medium", "中"), ("low", "低"))
    )
    print(f"发现 {sum(counts.values())} 个问题（{summary}）→ {args.output}")
    return 0


def _score(args: argparse.Namespace) -> int:
    import polars as pl

    from perfkit.load import load_targets
    from perfkit.load.actuals import load_actuals
    from perfkit.output import write_tables_atomically
    from perfkit.run.params import read_params
    from perfkit.scoring import score
    from perfkit.scoring.params import scoring_params

    params = read_params(args.params)
    source = str(args.params)
    if args.targets and (size := _chunks(args, args.targets)):
        from perfkit.run import chunked

        with chunked.load_parts(
            args.targets, args.output, size, args.strict
        ) as parts:  # the actuals after the targets, as below
            actuals = load_actuals(*args.actuals)
            grades, findings, n_findings = chunked.score(
                parts, actuals, scoring_params(params.get("scoring"), source),
                params.get("rescoring"), source, args.output, size,
            )  # fmt: skip
    else:
        targets = load_targets(*args.targets, strict=args.strict) if args.targets else None
        actuals = load_actuals(*args.actuals)
        card = score(
            actuals,
            targets,
            scoring_params(params.get("scoring"), source),
            params.get("rescoring"),
            source,
        )
        outputs = {
            "indicator_scores.csv": card.indicator_scores,
            "project_scores.csv": card.project_scores,
            "findings.csv": card.findings,
        }
        write_tables_atomically(outputs, args.output)
        grades, findings, n_findings = card.project_scores["grade"], card.findings, card.findings.height
    for row in actuals.repeated.iter_rows(named=True):
        print(
            f"提示: {row['source_file']}: 与 {row['same_as']} 是同一份自评表（{row['projects']} 个项目内容相同），按一份计",
            file=sys.stderr,
        )
    for row in actuals.projects.select("source_file", "selfeval_unreadable").iter_rows(named=True):
        for part in row["selfeval_unreadable"] or []:  # a cell left empty, not guessed
            print(f"警告: {row['source_file']}: {part}", file=sys.stderr)
    for row in findings.filter(pl.col("rule_id") == "actual_unmatched").iter_rows(named=True):
        print(f"警告: {row['evidence']}: {row['message']}", file=sys.stderr)
    graded = grades.is_not_null().sum()
    print(f"已评分 {grades.len()} 个项目（{graded} 个有等级），复核发现 {n_findings} 个问题 → {args.output}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from perfkit.load import load_targets, source_files
    from perfkit.report.template import write_template

    if args.output.suffix.lower() != ".xlsx":
        args.parser.error("-o 的后缀应为 .xlsx")
    write_template(load_targets(*args.sources), args.output, source_files(args.sources))
    print(f"已生成填报表 → {args.output}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from perfkit.run import kernels

    kernels.prestart()  # the kernel starts and imports perfkit while this process imports papermill
    from perfkit.run.notebook import run_unit

    failed = 0
    for params_file in args.params_files:
        try:
            outputs = run_unit(params_file, args.output, warm=True)
        except InputError as exc:
            if len(args.params_files) == 1:
                raise
            print(f"错误: {exc.one_line()}", file=sys.stderr)  # the other units go on
            failed += 1
            continue
        print("已完成：" + "，".join(str(p) for p in outputs.values() if p.suffix != ".json"))
        root = outputs["summary"].parent.parent
    if len(args.params_files) > 1 and failed < len(args.params_files):
        from perfkit.run.portfolio import write_run_index

        print(f"索引 → {write_run_index(root)}")
    return 1 if failed else 0


def _discovered(plan, output: Path) -> None:
    """What discovery found: unassigned and removed files on stderr, then one summary line."""
    from perfkit.run.plan import notice_lines, summary_line

    for line in notice_lines(plan):
        print(line, file=sys.stderr)
    if plan.discovery is not None:
        print(summary_line(plan, output))


def _plan(args: argparse.Namespace) -> int:
    from perfkit.run.plan import plan_lines, prepare

    plan = prepare(args.sources, args.output, params_folder=args.output)
    if plan.discovery is None:
        raise InputError(
            "、".join(map(str, args.sources)), None, "只有参数文件，没有需要发现单位的文件；请直接运行 perfkit batch"
        )
    print("\n".join(plan_lines(plan)))
    _discovered(plan, args.output)
    print(
        f"参数文件 → {args.output}（{len(plan.written)} 个新写或更新）；审计：perfkit batch {args.output} -o build/units"
    )
    return 0


def _batch(args: argparse.Namespace) -> int:
    from perfkit.run.batch import run_batch
    from perfkit.run.plan import prepare

    plan = prepare(args.sources, args.output)
    _discovered(plan, args.output)
    manifest = run_batch(
        plan.params_files, args.output, args.jobs, args.scheduler, args.force, args.cell_timeout, sys.stderr.isatty(),
        args.fresh_kernels,
    )  # fmt: skip
    units = manifest["units"]
    failures = {name: r for name, r in units.items() if r.get("status") != "ok"}
    skipped = sum(1 for r in units.values() if r.get("skipped"))
    print(
        f"批量审计：{len(units)} 个单位，成功 {len(units) - len(failures)}（其中未变化跳过 {skipped}），失败 {len(failures)}"
    )
    for name, record in sorted(failures.items()):
        print(f"失败 {name}: {record.get('error')}", file=sys.stderr)
    if manifest.get("unchanged"):
        print("没有单位发生变化：跨单位汇总（portfolio）与索引沿用上次结果，未重建")
    portfolio_error = manifest.get("portfolio", {}).get("error")
    if portfolio_error:  # the units' outputs stand, but the run is not complete
        print(f"失败 跨单位汇总（portfolio）: {portfolio_error}", file=sys.stderr)
    print(f"索引 → {args.output / 'index.html'}；运行清单 → {args.output / 'manifest.json'}")
    return 1 if failures or portfolio_error else 0


def _bundle(args: argparse.Namespace) -> int:
    from perfkit.run.bundle import write_bundle

    if args.output.suffix.lower() != ".zip":
        args.parser.error("-o 的后缀应为 .zip")
    manifest = write_bundle(args.sources, args.output, ["perfkit", *sys.argv[1:]])
    codes = "、".join(u["unit_code"] for u in manifest["units"])
    print(f"已打包 {len(manifest['units'])} 个单位（{codes}），{len(manifest['files'])} 个文件 → {args.output}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from perfkit.run.verify import verify_bundle

    result = verify_bundle(args.bundle, args.cell_timeout)
    print("\n".join(result.lines()))
    print("复核结论：全部一致" if result.reproduced else "复核结论：未能重现，见上列差异")
    return 0 if result.reproduced else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed for tests and ``--help``."""
    parser = argparse.ArgumentParser(prog="perfkit", description="预算绩效目标审核与评分工具 (perfkit)")
    parser.add_argument("--version", action="version", version=f"perfkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="读取绩效目标表，输出 projects 与 indicators 表")
    extract.add_argument("sources", nargs="+", type=Path, metavar="SOURCE", help="文件或文件夹")
    extract.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="输出文件夹")
    extract.add_argument("--chunk-indicators", type=int, metavar="N", help=argparse.SUPPRESS)  # docs/contract.md
    extract.set_defaults(run=_extract)
    check = commands.add_parser("check", help="按审核规则检查绩效目标表，输出问题清单")
    check.add_argument("sources", nargs="*", type=Path, metavar="SOURCE", help="文件或文件夹")
    check.add_argument("-o", "--output", type=Path, metavar="FILE", help="问题清单（.csv 或 .parquet）")
    check.add_argument("--params", type=Path, metavar="YAML", help="参数文件：规则开关与阈值（checks: 段）")
    check.add_argument("--list-rules", action="store_true", help="列出全部审核与复核规则及所用参数")
    check.add_argument("--rules-profile", metavar="NAME", help="规则集（default、sichuan）：同参数文件的 rules_profile")
    check.add_argument("--chunk-indicators", type=int, metavar="N", help=argparse.SUPPRESS)  # docs/contract.md
    check.set_defaults(run=_check, parser=check)
    score_cmd = commands.add_parser("score", help="按财预〔2020〕10号评分，并复核单位自评")
    score_cmd.add_argument(
        "--targets", nargs="+", type=Path, metavar="SOURCE", help="绩效目标表（可省略：自评表自带年度指标值）"
    )
    score_cmd.add_argument("--actuals", nargs="+", type=Path, required=True, metavar="FILE", help="自评表或填报表")
    score_cmd.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="输出文件夹")
    score_cmd.add_argument("--params", type=Path, metavar="YAML", help="参数文件（scoring:、rescoring: 段）")
    score_cmd.add_argument("--chunk-indicators", type=int, metavar="N", help=argparse.SUPPRESS)  # docs/contract.md
    score_cmd.set_defaults(run=_score, parser=score_cmd)
    for sub in (extract, check, score_cmd):
        sub.add_argument("--strict", action="store_true", help="表格有无法读取的部分时拒绝整个文件（默认留空并说明）")
    template = commands.add_parser("template", help="由绩效目标表生成实际完成值填报表（.xlsx）")
    template.add_argument("sources", nargs="+", type=Path, metavar="SOURCE", help="文件或文件夹")
    template.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlsx", help="填报表")
    template.set_defaults(run=_template, parser=template)
    run = commands.add_parser("run", help="按单位参数运行审计笔记本，生成笔记本、工作底稿和 HTML 报告")
    run.add_argument(
        "params_files", nargs="+", type=Path, metavar="PARAMS.yaml", help="单位参数文件（params/<单位编码>.yaml）"
    )
    run.add_argument("-o", "--output", type=Path, metavar="DIR", help="输出文件夹（默认 build/units）")
    run.set_defaults(run=_run, parser=run)
    batch = commands.add_parser("batch", help="并行运行多个单位的审计笔记本（本机进程池或 Dask 集群）")
    batch.add_argument(
        "sources", nargs="+", type=Path, metavar="FOLDER", help="文件夹（绩效目标表、自评表，递归读取）或参数文件"
    )
    batch.add_argument(
        "-o", "--output", type=Path, default=Path("build/units"), metavar="DIR", help="输出文件夹（默认 build/units）"
    )
    batch.add_argument("--jobs", type=int, default=None, metavar="N", help="并行数（默认 = CPU 核数）")
    batch.add_argument("--scheduler", metavar="ADDRESS", help="Dask 调度器地址 tcp://HOST:PORT，或 local-dask")
    batch.add_argument("--force", action="store_true", help="重跑未变化的单位")
    batch.add_argument(
        "--fresh-kernels", action="store_true", help="每个单位启动新内核（默认各进程复用一个重置过的内核）"
    )
    batch.add_argument(
        "--cell-timeout", type=int, default=600, metavar="SECONDS", help="单个单元格超时（秒，默认 600）"
    )
    batch.set_defaults(run=_batch, parser=batch)
    plan = commands.add_parser("plan", help="只发现文件夹中的单位：每个单位写一个参数文件，列出未归属的文件")
    plan.add_argument("sources", nargs="+", type=Path, metavar="FOLDER", help="文件夹（递归读取）或文件")
    plan.add_argument("-o", "--output", type=Path, required=True, metavar="PARAMS_DIR", help="参数文件夹")
    plan.set_defaults(run=_plan, parser=plan)
    from perfkit.review.commands import add_review_commands

    add_review_commands(commands)
    _add_bundle(commands)
    return parser


def _add_bundle(commands: argparse._SubParsersAction) -> None:
    bundle = commands.add_parser("bundle", help="把单位的审计输出、输入、参数与复核决定打成一个可复核的压缩包")
    bundle.add_argument(
        "sources", nargs="+", type=Path, metavar="RUN_OR_UNIT_DIR", help="单位输出文件夹或运行输出文件夹"
    )
    bundle.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.zip", help="复核包")
    bundle.set_defaults(run=_bundle, parser=bundle)
    verify = commands.add_parser("verify", help="复核人：校验复核包，重新运行其中的单位并比较结果")
    verify.add_argument("bundle", type=Path, metavar="FILE.zip", help="perfkit bundle 生成的复核包")
    verify.add_argument(
        "--cell-timeout", type=int, default=600, metavar="SECONDS", help="单个单元格超时（秒，默认 600）"
    )
    verify.set_defaults(run=_verify, parser=verify)


def _report_skipped(args: argparse.Namespace) -> None:
    """Name the files of the given folders that are not read, and why (on stderr)."""
    folders = [p for name in ("sources", "targets", "actuals") for p in (getattr(args, name, None) or [])]
    if args.run in (_batch, _plan) or not folders:  # discovery lists what it does not read (unassigned.csv)
        return
    from perfkit.load import skipped_files

    for path, reason in skipped_files(folders):
        print(f"跳过：{path}：{reason}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    # the command line lets LibreOffice convert .doc/.wps (perfkit.load.formats.doc.CONVERT_ENV; kernels inherit it)
    os.environ.setdefault("PERFKIT_CONVERT_DOC", "1")
    try:
        status = args.run(args)
        _report_skipped(args)  # after the run: a failed run's one error line stays the only line
        return status
    except InputError as exc:
        print(f"错误: {exc.one_line()}", file=sys.stderr)
        return 1
    except OSError as exc:  # an output folder that is a file, no permission, a workbook kept open by Excel
        failed = InputError(exc.filename or "", None, f"无法读写（{exc.strerror or exc}）")
        print(f"错误: {failed.one_line()}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
