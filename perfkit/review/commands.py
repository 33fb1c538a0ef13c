"""The ``perfkit review`` commands: import the review decisions of filled-in workbooks into the
review store, and show its status and history. Wired into :mod:`perfkit.cli`, which stays thin."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _store_for(args: argparse.Namespace) -> Path:
    """The store named by ``--store`` (a file or the folder of a run), else the one beside the workbook's unit folder."""
    from perfkit.review import STORE_NAME

    if args.store is not None:
        return args.store / STORE_NAME if args.store.is_dir() else args.store
    if getattr(args, "workbooks", None):
        beside = args.workbooks[0].resolve().parent.parent / STORE_NAME
        if beside.is_file():
            return beside
    args.parser.error("找不到复核库：请用 --store 指定 review.sqlite 或运行输出文件夹")


def _review_import(args: argparse.Namespace) -> int:
    from perfkit.review.importer import import_workbooks

    store = _store_for(args)
    result = import_workbooks(args.workbooks, store, args.reviewer)
    print(
        f"已导入 {len(args.workbooks)} 个底稿：更新复核决定 {result.applied} 条，未改动 {result.unchanged} 条 → {store}"
    )
    if result.overrode:
        print(
            f"注意: {len(result.overrode)} 条决定覆盖了底稿生成之后他人导入的决定（历史中两者都保留）："
            + "、".join(result.overrode[:10]),
            file=sys.stderr,
        )
    print("重新运行 perfkit batch（或 perfkit run）以在底稿、笔记本和索引中显示新的决定")
    return 0


def _review_status(args: argparse.Namespace) -> int:
    from perfkit.review.status import status_lines, status_table

    print("\n".join(status_lines(status_table(_store_for(args), args.unit))))
    return 0


def _review_history(args: argparse.Namespace) -> int:
    from perfkit.labels import REVIEW_STATUS_LABELS as LABELS
    from perfkit.review import ReviewStore

    with ReviewStore(_store_for(args), create=False) as store:
        history = store.history(args.unit, args.finding)
    for row in history.iter_rows(named=True):
        change = f"{LABELS.get(row['old_status'], '—')} → {LABELS[row['new_status']]}"
        note = f"：{row['review_note']}" if row["review_note"] else ""
        print(f"{row['changed_at']}  {row['unit_code']} {row['finding_id']}  {row['reviewer'] or ''}  {change}{note}")
    return 0


def add_review_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``review import``, ``review status`` and ``review history`` to the CLI's ``commands``."""
    review = commands.add_parser("review", help="复核审核发现：导入底稿中的复核决定，查看复核进度与历史")
    actions = review.add_subparsers(dest="action", required=True)
    store_help = "复核库 review.sqlite 或运行输出文件夹（导入时默认：底稿所在单位文件夹旁的 review.sqlite）"
    imports = actions.add_parser("import", help="读取已填写的审计底稿，把复核决定按问题编号并入复核库")
    imports.add_argument("workbooks", nargs="+", type=Path, metavar="WORKBOOK.xlsx", help="审计底稿")
    imports.add_argument("--store", type=Path, metavar="PATH", help=store_help)
    imports.add_argument("--reviewer", metavar="NAME", help="底稿中未填写复核人时使用的复核人")
    imports.set_defaults(run=_review_import, parser=imports)
    status = actions.add_parser("status", help="按单位汇总待复核、已决定与已消除的问题")
    status.add_argument("--store", type=Path, required=True, metavar="PATH", help=store_help)
    status.add_argument("--unit", metavar="CODE", help="只看一个单位")
    status.set_defaults(run=_review_status, parser=status)
    history = actions.add_parser("history", help="列出复核库中的全部变更（谁、何时、原状态 → 新状态、意见）")
    history.add_argument("--store", type=Path, required=True, metavar="PATH", help=store_help)
    history.add_argument("--unit", metavar="CODE", help="只看一个单位")
    history.add_argument("--finding", metavar="ID", help="只看一个问题编号")
    history.set_defaults(run=_review_history, parser=history)
