"""Print, for every corpus document and format, PASS or its first differences, then a summary.

    python -m tests.realworld.report                 # every document, first 5 differences each
    python -m tests.realworld.report -n 0 hn-        # documents whose id starts with hn-, no details
    python -m tests.realworld.report selfeval_10hao  # one family
    python -m tests.realworld.report --keep build/realworld   # keep the rendered files and outputs

Documents are compared in parallel (a process pool); every PDF is printed in one LibreOffice call.
The summary counts passes by family, the differences by kind and the commonest refusals, and
names the entries of known_differences.py that no longer hold.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tests.realworld.known_differences import CAUSES, KNOWN_DIFFERENCES
from tests.realworld.render import cases, load_source, print_all, render
from tests.realworld.truth import ROOT, Difference, compare, load_truth, refusal_gist

# PDFs printed earlier from the same source and renderer (LibreOffice takes half a minute to start)
PDF_CACHE = ROOT / "build" / "realworld-pdf"


def _writer_installed() -> bool:
    return Path("/usr/lib/libreoffice/program/libswlo.so").exists()


def _compare_one(job: tuple[str, str, str, str]) -> tuple[str, str, list[Difference] | str]:
    doc_id, fmt, path, workdir = job
    try:
        return doc_id, fmt, compare(doc_id, Path(path), Path(workdir) / doc_id / fmt)
    except Exception as exc:  # a bug of this instrument, shown and counted, not hidden
        return doc_id, fmt, f"比较失败：{type(exc).__name__}: {exc}"


def _selected(wanted: list[str]) -> list[tuple[str, str]]:
    every = cases()
    if not wanted:
        return every
    families = {doc_id: load_truth(doc_id)["family"] for doc_id, _ in every}
    return [(i, f) for i, f in every if any(i.startswith(w) or families[i] == w for w in wanted)]


def _reason(differences: list[Difference]) -> str:
    """A known difference's reason: its kinds with their counts, and the first one as an example."""
    kinds = Counter(d.kind for d in differences)
    first = re.sub(r"/\S*/rendered/\w+/", "", differences[0].text)
    example = first if len(first) <= 90 else first[:89] + "…"
    return f"{'、'.join(f'{k}×{n}' for k, n in kinds.most_common())}；例：{example}"


def _write_known(failing: dict[tuple[str, str], list[Difference]]) -> None:
    """Rewrite known_differences.py: its docstring, then every failing (document, format) with its reason."""
    path = Path(__file__).with_name("known_differences.py")
    head = path.read_text(encoding="utf-8").split("\nKNOWN_DIFFERENCES:", 1)[0] + "\n"
    lines = [f"    {key!r}: {_reason(diffs)!r}," for key, diffs in sorted(failing.items())]
    body = "KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {\n" + "\n".join(lines) + "\n}\n"
    path.write_text(head + body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.realworld.report", description=__doc__.splitlines()[0])
    parser.add_argument("select", nargs="*", help="文档编号前缀或文档类别（family），默认全部")
    parser.add_argument("-n", type=int, default=5, help="每个文档列出的差异条数（默认 5）")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="并行进程数")
    parser.add_argument("--keep", type=Path, help="把渲染的文件和 perfkit 的输出留在此目录")
    parser.add_argument("--no-cache", action="store_true", help=f"不使用 {PDF_CACHE} 中已打印的 PDF")
    parser.add_argument(
        "--write-known", action="store_true", help="按本次结果重写 known_differences.py（每项附差异种类与一例）"
    )
    args = parser.parse_args(argv)

    selected = _selected(args.select)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="realworld-"))
    folder.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") if _writer_installed() else None
    try:
        rendered: dict[tuple[str, str], Path | str] = {}
        to_print = {}
        for doc_id, fmt in selected:
            path = render(load_source(doc_id), fmt, folder / "rendered")
            (to_print if fmt == "pdf" else rendered)[doc_id, fmt] = path
        with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            # the other formats are compared while LibreOffice prints the PDFs
            futures = [pool.submit(_compare_one, (i, f, str(p), str(folder / "out"))) for (i, f), p in rendered.items()]
            printed = print_all(to_print, folder / "rendered", soffice, None if args.no_cache else PDF_CACHE)
            rendered.update(printed)
            futures += [
                pool.submit(_compare_one, (i, f, str(p), str(folder / "out")))
                for (i, f), p in printed.items()
                if isinstance(p, Path)
            ]
            results: dict[tuple[str, str], list[Difference] | str] = {}
            for future in futures:
                doc_id, fmt, result = future.result()
                results[doc_id, fmt] = result
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    for key, path in rendered.items():
        if isinstance(path, str):
            results[key] = path  # not rendered: why

    by_family: dict[str, Counter] = {}
    documents: dict[str, dict[str, bool]] = {}
    kinds: Counter = Counter()
    refusals: Counter = Counter()
    stale, unlisted = [], []
    for doc_id, fmt in selected:
        result = results[doc_id, fmt]
        family = load_truth(doc_id)["family"]
        counts = by_family.setdefault(family, Counter())
        counts["total"] += 1
        documents.setdefault(family, {}).setdefault(doc_id, True)
        if result:  # a difference, or not rendered
            documents[family][doc_id] = False
        if isinstance(result, str):
            counts["skipped"] += 1
            print(f"SKIP {doc_id} [{fmt}]: {result}")
            continue
        if not result:
            counts["pass"] += 1
            print(f"PASS {doc_id} [{fmt}]")
            if (doc_id, fmt) in KNOWN_DIFFERENCES:
                stale.append(f"{doc_id} [{fmt}]")
            continue
        print(f"FAIL {doc_id} [{fmt}]：{len(result)} 处差异")
        if (doc_id, fmt) in KNOWN_DIFFERENCES and doc_id in CAUSES:
            print(f"     已知：{CAUSES[doc_id]}")
        for diff in result[: max(args.n, 0)]:
            print(f"     {diff}")
        if len(result) > args.n > 0:
            print(f"     …… 另有 {len(result) - args.n} 处")
        kinds.update(d.kind for d in result)
        refusals.update(refusal_gist(d.text) for d in result if d.kind in {"拒绝读取", "程序异常"})
        if (doc_id, fmt) not in KNOWN_DIFFERENCES:
            unlisted.append(f"{doc_id} [{fmt}]")

    if args.write_known and not args.select:
        _write_known({key: result for key, result in results.items() if result and not isinstance(result, str)})
    print("\n== 按文档类别统计：通过的文档（每种格式都通过）/ 文档数；通过的（文档, 格式）/ 共计，其中跳过")
    for family, counts in sorted(by_family.items()):
        docs = documents[family]
        print(
            f"  {family:24} 文档 {sum(docs.values()):2} / {len(docs):<2}  "
            f"格式 {counts['pass']:2} / {counts['total']:<2} 跳过 {counts['skipped']}"
        )
    total = sum(by_family.values(), Counter())
    passed = sum(sum(d.values()) for d in documents.values())
    print(
        f"  {'合计':22} 文档 {passed:2} / {sum(map(len, documents.values())):<2}  "
        f"格式 {total['pass']:2} / {total['total']:<2} 跳过 {total['skipped']}"
    )
    print("\n== 差异种类（出现次数）")
    for kind, count in kinds.most_common():
        print(f"  {count:4}  {kind}")
    if refusals:
        print("\n== 拒绝读取的原因（出现次数）")
        for gist, count in refusals.most_common():
            print(f"  {count:4}  {gist}")
    if stale:
        print("\n已通过，请从 known_differences.py 删除：" + "，".join(stale))
    if unlisted:
        print("\n有差异但未列入 known_differences.py：" + "，".join(unlisted))
    return 1 if stale or unlisted else 0


if __name__ == "__main__":
    sys.exit(main())
