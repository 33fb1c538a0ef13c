"""The (document, format) pairs where perfkit's output differs from the truth today, with why.

Each is a strict xfail in test_realworld.py: when a reader change makes one pass, its test turns
red and its entry here must be removed. ``python -m tests.realworld.report`` lists the differences
in full and names the entries that no longer hold. A reason is the first refusal (with quoted names
elided) or the kinds of difference and their counts.
"""

KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("ah-guichi-tangxi-2022", "docx"): "执行率得分×1（资金总额行全为0，应取本年财政拨款行）",
    ("ah-thx-cgj-2023", "html"): "extract 拒绝：项目“…”未找到预算数",
    ("ah-tianchang-slj-2022", "html"): "extract 拒绝：项目“…”未找到预算数；score 拒绝：资金表缺少“…”行",
    ("cq-kxc-rmt-2021", "docx"): "extract 拒绝：未找到项目绩效目标表；score 拒绝：未找到绩效自评表（应含“…”列）",
    ("cq-kxc-rmt-2021", "pdf"): "extract、score 拒绝：未找到项目绩效目标表（共2页，没有含“…”或“…”的表格）",
    ("fj-ningde-dsdfz-2019", "xlsx"): "extract 拒绝：缺少必需的列：项目名称、预算数",
    ("gs-jiayuguan-bwg-2023", "pdf"): "extract 拒绝：表格“…”没有指标表头（一级指标…指标值），表格不完整",
    ("hb-ezhou-jgsw-2022", "docx"): "extract 拒绝：表格“…”没有指标表头（一级指标…指标值），表格不完整",
    (
        "hb-huangshi-dx-2022",
        "html",
    ): "数值×13、类型×13、计量单位×12（指标值在第二个值列）、一级指标×4、财政资金×1、多出指标×1、比较符×1",
    (
        "hb-huangshi-zjj-2022",
        "html",
    ): "extract 拒绝：表格“…”没有指标表头（一级指标…指标值），表格不完整；全年预算数、全年执行数、执行率得分、复核得分×1",
    ("hb-qingshan-jyj-2020", "html"): "extract 拒绝：未找到指标行，表格不完整",
    ("he-chengan-mzj-2020", "html"): "extract 拒绝：表格“…”没有指标表头；score 拒绝：未找到绩效自评表（应含“…”列）",
    ("he-ningjin-jyj-2019", "html"): "extract 拒绝：未找到项目绩效目标表",
    ("hn-hengshan-swlsj-2020", "docx"): "extract 拒绝：未找到项目名称；score 拒绝：自评表中未找到项目名称",
    ("hn-lingling-lyj-2021", "html"): "extract 拒绝：未找到项目名称；score 拒绝：年初预算数“…”不是数字",
    ("hn-xiangtan-hwc-2023", "html"): "单位名称、项目名称、预算数、财政资金×1；服务周期 2023.07-2024.01 读作范围",
    ("hn-yueyang-gbzn-2022", "html"): "预算数、财政资金×1（854万854万(…)）",
    ("nm-wuchuan-mzw-2021", "html"): "extract 拒绝：项目“…”未找到预算数",
    ("nx-shizuishan-cdc-2020", "html"): "extract 拒绝：未找到项目绩效目标表",
    ("nx-yinchuan-6z-2021", "docx"): "score 拒绝：得分“…”不是数字；多出指标×7（模板空行）、单位名称×1、类型×1",
    ("nx-yinchuan-6z-2021", "pdf"): "score 拒绝：得分“…”不是数字；多出指标×7（模板空行）、单位名称×1、类型×1",
    ("sc-anju-scjg-2021", "html"): "score 拒绝：未找到绩效自评表（应含“…”列）；主管部门、项目名称×1",
    ("sc-daying-sx-2020", "html"): "extract 拒绝：未找到项目名称；score 拒绝：未找到绩效自评表（应含“…”列）",
    ("sc-jingyan-mata-2023", "html"): "extract 拒绝：项目名称为空，且上方没有可延续的合并单元格",
    ("sc-langzhong-jtj-2021", "html"): "score 拒绝：自评表中未找到项目名称；一级指标×6、单位名称、主管部门、项目名称×1",
    (
        "sd-licheng-whg-2019",
        "html",
    ): "score 拒绝：未找到绩效自评表（应含“…”列）；一级指标×5（只有分值）、多出指标×5（模板空行 -）",
    ("sd-linyi-sffx-2025", "html"): "extract 拒绝：表格“…”没有指标表头（一级指标…指标值），表格不完整",
    ("sx-jishan-zdwsy-2021", "xlsx"): "extract 拒绝：缺少必需的列：项目名称、预算数；复核得分×25（全部为空）",
}
