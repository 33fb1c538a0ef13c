"""The (document, format) pairs where perfkit's output differs from the truth today, with why.

Each is a strict xfail in test_realworld.py: when a reader change makes one pass, its test turns
red and its entry here must be removed. ``python -m tests.realworld.report`` lists the differences
in full and names the entries that no longer hold. A reason is the first refusal (with quoted names
elided) or the kinds of difference and their counts.
"""

KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("ah-tianchang-slj-2022", "html"): "缺少指标×1、缺少评分指标×1；例：项目1 缺少指标8「指标1:/」",
    (
        "cq-kxc-rmt-2021",
        "docx",
    ): "拒绝读取×2；例：perfkit extract 拒绝读取：错误: cq-kxc-rmt-2021.docx: 未找到项目绩效目标表",
    (
        "cq-kxc-rmt-2021",
        "pdf",
    ): "拒绝读取×2；例：perfkit extract 拒绝读取：错误: cq-kxc-rmt-2021.pdf: 未找到项目绩效目标表（共2页，没有含“项目名称”或“一级指标”的表格）",
    (
        "hb-huangshi-dx-2022",
        "html",
    ): "数值×13、类型×13、计量单位×12、财政资金（万元）×1、多出指标×1、比较符×1；例：项目1 财政资金（万元）：应为 132，实为 0",
    (
        "he-chengan-mzj-2020",
        "html",
    ): "比较符×4、数值×4、计量单位×4、类型×4、主管部门×1、多出指标×1、复核得分×1、复核总分×1、等级×1；例：项目1 主管部门：应为「成安县民政局」，实为「空」",
    (
        "he-ningjin-jyj-2019",
        "html",
    ): "拒绝读取×1；例：perfkit extract 拒绝读取：错误: he-ningjin-jyj-2019.html: 未找到项目绩效目标表",
    (
        "hn-lingling-lyj-2021",
        "html",
    ): "数值×2、计量单位×2、类型×2、复核得分×2、单位名称×1；例：项目1 单位名称：应为「陵区林业局」，实为「空」",
    (
        "hn-xiangtan-hwc-2023",
        "html",
    ): "项目名称×1、预算数（万元）×1、财政资金（万元）×1、比较符×1、数值×1、类型×1；例：项目1 项目名称：应为「雾炮车降尘抑尘服务」，实为「（未找到项目名称：表1）」",
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
        "sc-daying-sx-2020",
        "html",
    ): "项目名称×1、比较符×1、数值×1、计量单位×1、类型×1、拒绝读取×1；例：项目1 项目名称：应为「双心及文明城市创建专项资金」，实为「（未找到项目名称：表1）」",
    (
        "sx-jishan-zdwsy-2021",
        "xlsx",
    ): "二级指标×25、复核得分×25；例：项目1 指标1「指标1:居民健康档案」二级指标：应为「数量指标」，实为「空」",
}
