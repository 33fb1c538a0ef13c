"""The (document, format) pairs where perfkit's output differs from the truth today, with why.

Each is a strict xfail in test_realworld.py: when a reader change makes one pass, its test turns
red and its entry here must be removed. ``python -m tests.realworld.report`` lists the differences
in full and names the entries that no longer hold. A reason is the first refusal (with quoted names
elided) or the kinds of difference and their counts.
"""

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
    ): "项目名称×1、拒绝读取×1；例：项目1 项目名称：应为「双心及文明城市创建专项资金」，实为「（未找到项目名称：表1）」",
}
