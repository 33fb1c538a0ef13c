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
        "indicators under 一级指标 / 二级指标 only and refuses the table, naming the columns it has; its "
        "actual-value header is OCR-damaged too (年成值全完值), and its budget amounts are lost"
    ),
    "hn-lingling-lyj-2021": (
        "the unit's label lost its first character in the stored copy (级预算单位名称 for 一级预算单位名称): "
        "perfkit does not read a damaged label, so the unit name stays empty"
    ),
    "nx-yinchuan-6z-2021": (
        "OCR-damaged labels: 实施第位 (实施单位) leaves the unit empty, 调整预算将,A、 (调整预算数(A)) the "
        "full-year budget and so the execution score (execution_unscored), 考值参分 (参考分值) the rows' own "
        "weights; its level-1 groups 项目决策 / 项目管理 / 顼目产出 / 项目效益 are not 产出 / 效益 / 满意度, so "
        "no row is scored (indicator_unscored), where the truth scores five with the form's weights"
    ),
    "nx-yuanzhou-njzx-2022": (
        "the executed amount is written only as the second of three lines inside a part's cell (300万元 / "
        "259.45万元 / 86.5%), the 全年执行数 cell beside its label is empty: perfkit leaves execution empty "
        "and says so (execution_unscored) rather than guess which line is which column"
    ),
    "sc-daying-sx-2020": (
        "no column of actual values: 实施进度 says 已完成100% on every row, progress rather than what was "
        "achieved, so score refuses the file, naming the header it found"
    ),
    "yn-lijiang-gczrj-2020": (
        "a content-farm mirror in traditional characters with pinyin glosses inside the words (一級指標(biāo), "
        "實(shí)際完成值, 項(xiàng)目名稱): perfkit reads simplified labels only and refuses the file as holding no "
        "target table and no self-evaluation, where the truth reads the form as published (simplified forms accepted)"
    ),
}


KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    (
        "cq-kxc-rmt-2021",
        "docx",
    ): "拒绝读取×2；例：perfkit extract 拒绝读取：错误: cq-kxc-rmt-2021.docx: 未找到项目绩效目标表（表1有“指标名称”“年初指标值”列，但没有一级指标、二级指标列）",
    (
        "cq-kxc-rmt-2021",
        "pdf",
    ): "拒绝读取×2；例：perfkit extract 拒绝读取：错误: cq-kxc-rmt-2021.pdf: 未找到项目绩效目标表（共2页，没有含“项目名称”或“一级指标”的表格；第1页表1有“指…",
    ("hn-lingling-lyj-2021", "html"): "单位名称×1；例：项目1 单位名称：应为「陵区林业局」，实为「空」",
    (
        "nx-yinchuan-6z-2021",
        "docx",
    ): "复核得分×5、单位名称×1、全年预算数（万元）×1、执行率得分×1；例：项目1 单位名称：应为「银川市第六中学」，实为「空」",
    (
        "nx-yinchuan-6z-2021",
        "pdf",
    ): "复核得分×5、单位名称×1、全年预算数（万元）×1、执行率得分×1；例：项目1 单位名称：应为「银川市第六中学」，实为「空」",
    ("nx-yuanzhou-njzx-2022", "pdf"): "全年执行数（万元）×1；例：项目1 全年执行数（万元）：应为 259.45，实为 空",
    (
        "sc-daying-sx-2020",
        "html",
    ): "拒绝读取×1；例：perfkit score 拒绝读取：错误: sc-daying-sx-2020.html: 未找到绩效自评表（应含“一级指标”“实际完成值”列；表1第1行的表头只有“绩效指标”…",
    (
        "yn-lijiang-gczrj-2020",
        "html",
    ): "拒绝读取×2；例：perfkit extract 拒绝读取：错误: yn-lijiang-gczrj-2020.html: 未找到项目绩效目标表",
}
