"""The (document, format) pairs where perfkit's output differs from the truth today, with why.

Each is a strict xfail in test_realworld.py: when a reader change makes one pass, its test turns
red and its entry here must be removed. ``python -m tests.realworld.report`` lists the differences
in full and names the entries that no longer hold. A reason is the first refusal (with quoted names
elided) or the kinds of difference and their counts.
"""

KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("ah-guichi-tangxi-2022", "docx"): "执行率得分×1；例：项目1 执行率得分：应为 10，实为 空",
    (
        "cq-kxc-rmt-2021",
        "docx",
    ): "拒绝读取×2；例：perfkit extract 拒绝读取：错误: cq-kxc-rmt-2021.docx: 未找到项目绩效目标表",
    (
        "cq-kxc-rmt-2021",
        "pdf",
    ): "拒绝读取×2；例：perfkit extract 拒绝读取：错误: cq-kxc-rmt-2021.pdf: 未找到项目绩效目标表（共2页，没有含“项目名称”或“一级指标”的表格）",
    (
        "fj-ningde-dsdfz-2019",
        "xlsx",
    ): "单位名称×1、预算数（万元）×1；例：项目1 单位名称：应为「中共宁德市委党史和地方志研究室」，实为「空」",
    ("gs-jiayuguan-bwg-2023", "pdf"): "预算数（万元）×1；例：项目1 预算数（万元）：应为 20，实为 空",
    ("hb-ezhou-jgsw-2022", "docx"): "预算数（万元）×1；例：项目1 预算数（万元）：应为 814，实为 空",
    (
        "hb-huangshi-zjj-2022",
        "html",
    ): "计量单位×1、全年预算数（万元）×1、全年执行数（万元）×1、执行率得分×1、复核得分×1；例：项目1 指标4「省级宣传片制作费、申报文本编制费、自评估报告编制费」计量单位：应为「万」，实为「万元」（指标值「200万」）",
    (
        "hb-qingshan-jyj-2020",
        "html",
    ): "拒绝读取×1；例：perfkit extract 拒绝读取：错误: hb-qingshan-jyj-2020.html: 表1: 未找到指标行，表格不完整",
    (
        "he-ningjin-jyj-2019",
        "html",
    ): "拒绝读取×1；例：perfkit extract 拒绝读取：错误: he-ningjin-jyj-2019.html: 未找到项目绩效目标表",
    (
        "hn-hengshan-swlsj-2020",
        "docx",
    ): "单位名称×1；例：项目1 单位名称：应为「衡山县商务和粮食局」，实为「粮食调控储备与产业发展股」",
    (
        "hn-lingling-lyj-2021",
        "html",
    ): "复核得分×4、数值×2、计量单位×2、类型×2、单位名称×1；例：项目1 单位名称：应为「陵区林业局」，实为「空」",
    ("hn-yueyang-gbzn-2022", "html"): "财政资金（万元）×1；例：项目1 财政资金（万元）：应为 854，实为 空",
    (
        "nm-wuchuan-mzw-2021",
        "html",
    ): "一级指标×4、二级指标×4、财政资金（万元）×1；例：项目1 财政资金（万元）：应为 50，实为 空",
    (
        "nx-shizuishan-cdc-2020",
        "html",
    ): "拒绝读取×1；例：perfkit extract 拒绝读取：错误: nx-shizuishan-cdc-2020.html: 未找到项目绩效目标表",
    (
        "nx-yinchuan-6z-2021",
        "docx",
    ): "单位名称×1、类型×1、拒绝读取×1；例：项目1 单位名称：应为「银川市第六中学」，实为「空」",
    (
        "nx-yinchuan-6z-2021",
        "pdf",
    ): "单位名称×1、类型×1、拒绝读取×1；例：项目1 单位名称：应为「银川市第六中学」，实为「空」",
    (
        "sc-anju-scjg-2021",
        "html",
    ): "主管部门×1、项目名称×1、拒绝读取×1；例：项目1 主管部门：应为「四川省市场监管局」，实为「市场监管总局」",
    (
        "sc-daying-sx-2020",
        "html",
    ): "项目名称×1、比较符×1、数值×1、计量单位×1、类型×1、拒绝读取×1；例：项目1 项目名称：应为「双心及文明城市创建专项资金」，实为「（未找到项目名称：表1）」",
    (
        "sc-jingyan-mata-2023",
        "html",
    ): "拒绝读取×1；例：perfkit extract 拒绝读取：错误: sc-jingyan-mata-2023.html: 表1第2行: 项目名称为空，且上方没有可延续的合并单元格",
    (
        "sc-langzhong-jtj-2021",
        "html",
    ): "单位名称×1、主管部门×1、拒绝读取×1；例：项目1 单位名称：应为「阆中市交通运输局」，实为「空」",
    (
        "sd-licheng-whg-2019",
        "html",
    ): "全年执行数（万元）×1、执行率得分×1；例：项目1 全年执行数（万元）：应为 45，实为 空",
    (
        "sd-linyi-sffx-2025",
        "html",
    ): "拒绝读取×1；例：perfkit extract 拒绝读取：错误: sd-linyi-sffx-2025.html: 表1第7行: 指标表头缺少列：二级指标、三级指标",
}
