"""The (document, format) pairs where perfkit's output differs from the truth today, with why.

Each is a strict xfail in test_realworld.py: when a reader change makes one pass, its test turns
red and its entry here must be removed. ``python -m tests.realworld.report`` lists the differences
in full and names the entries that no longer hold. A reason is the first refusal (with quoted names
elided) or the kinds of difference and their counts; ``--write-known`` rewrites the pairs and
their reasons from a run. Why each document differs is written by hand in ``CAUSES``, which the
rewrite keeps: every listed document has a cause, and every cause a listed document.
"""

# document → why perfkit does not read it as its truth, in one line (what the document does that
# perfkit does not read, and what perfkit says instead)
CAUSES: dict[str, str] = {
    "cq-kxc-rmt-2021": (
        "an indicator list with no level columns (指标名称 | 计量单位 | 指标性质 | 年初指标值 …): perfkit reads "
        "indicators under 一级指标 / 二级指标 only and extract refuses the table, naming the columns it has. "
        "score refuses it as the truth says it must: its actual-value header is OCR-damaged (年成值全完值)"
    ),
}


KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    (
        "cq-kxc-rmt-2021",
        "docx",
    ): "拒绝读取×1；例：perfkit extract 拒绝读取：错误: cq-kxc-rmt-2021.docx: 未找到项目绩效目标表（表1有“指标名称”“年初指标值”列，但没有一级指标、二级指标列）",
    (
        "cq-kxc-rmt-2021",
        "pdf",
    ): "拒绝读取×1；例：perfkit extract 拒绝读取：错误: cq-kxc-rmt-2021.pdf: 未找到项目绩效目标表（共2页，没有含“项目名称”或“一级指标”的表格；第1页表1有“指…",
}
