"""The words the rules read in the tables, in one place: verdicts, vague targets, units, generic terms."""

from __future__ import annotations

# 实际完成值 written as words: the template's three verdicts and their usual variants.
# Order matters when matching: 未达成 and 部分达成 both contain 达成.
VERDICT_UNMET: tuple[str, ...] = ("未达成", "未完成", "未达到", "未实现", "没有达成", "未达标")
VERDICT_PARTLY: tuple[str, ...] = (
    "部分达成",
    "基本达成",
    "部分完成",
    "基本完成",
    "部分实现",
    "基本实现",
    "基本达到",
)
VERDICT_MET: tuple[str, ...] = (
    "达成指标",
    "达成",
    "已完成",
    "完成",
    "达到",
    "已实现",
    "实现",
    "达标",
    "全部完成",
)

# A deviation note that says nothing.
EMPTY_NOTES: frozenset[str] = frozenset(
    {"", "无", "没有", "暂无", "无偏差", "无差异", "不适用", "/", "-", "—", "——", "null", "none", "na", "n/a"}
)

# Targets written as a direction or an effect, with nothing to measure at year end.
VAGUE_TARGET_WORDS: tuple[str, ...] = (
    "有一定促进作用",
    "有积极促进作用",
    "促进作用",
    "积极影响",
    "一定影响",
    "有所提高",
    "有所提升",
    "有所改善",
    "逐步提高",
    "逐步提升",
    "稳步提升",
    "不断提高",
    "不断提升",
    "明显提升",
    "显著提升",
    "提高",
    "提升",
    "降低",
    "下降",
    "减少",
    "改善",
    "增强",
    "加强",
    "优化",
    "促进",
    "推进",
    "达标",
    "满意",
    "良好",
    "较好",
    "有效",
)
# Words that give a vague target a baseline to compare with (较上年提高 can be checked).
BASELINE_WORDS: tuple[str, ...] = (
    "较上年",
    "比上年",
    "同比",
    "上年度",
    "基期",
    "基数",
    "基线",
    "不低于",
    "不少于",
)

# Words in a "unit" that make the number a date (2024年底前完成 is a deadline, not 2024 of something).
DATE_UNIT_WORDS: tuple[str, ...] = ("年", "月", "日", "前", "底", "季度")
# ... unless the unit is a duration or a count of periods (3 个月, 10 工作日, 2 季度).
PERIOD_UNITS: frozenset[str] = frozenset(
    {"年", "月", "日", "天", "个月", "工作日", "季度", "个季度", "人日", "人月"}
)
# Units that mean a share (率, 比例).
PERCENT_UNITS: frozenset[str] = frozenset({"%", "％", "百分比", "‰"})
# Indicator names ending like this are rates and want a percentage ...
RATE_NAME_ENDINGS: tuple[str, ...] = ("率", "比例", "比率", "占比", "覆盖面")
# ... except these, which are counted per period (拍摄频率 4 次/年).
RATE_NAME_EXCEPTIONS: tuple[str, ...] = ("频率", "频次", "效率", "利用率提高")
# Indicator names ending like this are counts and do not want a percentage.
COUNT_NAME_ENDINGS: tuple[str, ...] = (
    "数",
    "数量",
    "次数",
    "人数",
    "个数",
    "件数",
    "户数",
    "家数",
    "页数",
    "人次",
    "场次",
)
# ... except these, where 数 is part of a ratio-like word.
COUNT_NAME_EXCEPTIONS: tuple[str, ...] = ("指数", "系数", "分数", "倍数", "满意度指数", "达标天数比例")

# Units that count the same kind of thing: a note saying 3 份 speaks of an indicator counted in 个.
UNIT_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset(
        {"个", "份", "项", "篇", "本", "套", "册", "部", "件", "期", "批", "条", "张", "项次", "类", "种"}
    ),
    frozenset({"次", "场", "场次", "轮", "期", "批", "批次", "回"}),
    frozenset({"人", "名", "人次", "位", "户", "人数"}),
    frozenset({"家", "个", "户", "所", "座", "处", "单位"}),
    frozenset({"台", "套", "辆", "件", "个", "艘", "架", "部"}),
    frozenset({"页", "张"}),
    frozenset({"平方米", "㎡", "m2", "平米"}),
    frozenset({"公里", "千米", "km", "米"}),
    frozenset({"天", "日", "工作日"}),
)
# Words of an indicator name that say how it is counted, not what: they tie no clause to it.
MEASURE_WORDS: frozenset[str] = frozenset(
    {
        "人次",
        "次数",
        "数量",
        "人数",
        "个数",
        "件数",
        "页数",
        "户数",
        "家数",
        "场次",
        "完成数",
        "服务",
        "工作",
        "开展",
    }
)
# What may follow 个 when 个 is not the unit: 4 个季度, 1.1 个百分点, 3 个月.
NOT_A_COUNT_AFTER_GE: tuple[str, ...] = ("月", "季度", "百分点", "工作日", "小时", "年度", "星期")

# A figure the note presents as the indicator's own completed amount.
COMPLETED_MARKERS: tuple[str, ...] = (
    "实际完成",
    "实际开展",
    "实际形成",
    "实际提交",
    "实际举办",
    "实际",
    "共完成",
    "累计完成",
    "完成了",
    "完成",
    "共计",
    "共",
    "累计",
    "形成",
    "提交",
)

# Indicators where less is better: a target of =0 次 or 发生率 is not met by exceeding it.
LOWER_IS_BETTER: tuple[str, ...] = (
    "发生率",
    "错误率",
    "差错率",
    "故障率",
    "投诉率",
    "事故",
    "超标",
    "违法",
    "违规",
    "发生",
    "缺陷",
    "返工",
    "损失",
    "成本",
    "费用",
    "时长",
    "用时",
    "耗时",
    "浓度",
)
# Names where a share above 100% is normal (增长 120%).
GROWTH_WORDS: tuple[str, ...] = ("增长", "增幅", "增速", "同比", "环比", "比上年", "较上年", "倍")

# Indicator categories of the standard template (一级 / 二级指标).
LEVEL1_OUTPUT = "产出"
LEVEL1_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("产出", "产出指标"),
    ("效益", "效益指标"),
    ("满意度", "满意度指标"),
)
OUTPUT_SUBCATEGORIES: tuple[tuple[str, str], ...] = (
    ("数量", "数量指标"),
    ("质量", "质量指标"),
    ("时效", "时效指标"),
)
COST_CATEGORY: tuple[str, str] = ("成本", "成本指标")
QUANTITY_CATEGORY = "数量"

# Words of a budget-execution explanation (why money was not spent).
EXECUTION_REASON_WORDS: tuple[str, ...] = (
    "执行率",
    "预算执行",
    "资金执行",
    "结余",
    "节余",
    "未支付",
    "尚未支付",
    "未付",
    "支付进度",
    "采购",
    "招标",
    "延期",
    "延迟",
    "推迟",
    "暂缓",
    "结算",
    "尾款",
    "收回",
    "调减",
    "调整预算",
    "资金使用",
)

# Markup a PDF/OCR extraction leaves behind.
MARKUP_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"</?(?:p|br|div|span|table|tr|td|th|b|i|u|strong|em|sub|sup|font)\b[^<>]{0,200}>", "HTML 标签"),
    (r"&(?:nbsp|lt|gt|amp|quot|#\d+);", "HTML 实体"),
    (r"\\(?:geq?|leq?|geqslant|leqslant|times|sim|frac|mathrm|text|rm|left|right|%)", "LaTeX 命令"),
    (r"\$[^$\n]{1,80}\$", "LaTeX 公式"),
)

# Goal text: words that carry no topic of their own (actions, hedges, places every project has).
GENERIC_GOAL_TERMS: frozenset[str] = frozenset(
    """保障 确保 持续 进一步 全面 有序 依法 提升 提高 强化 完善 组织 配合 实施 开展 做好 加强 推进 推动 落实
    完成 工作 情况 相关 各项 本市 我市 全市 全省 全区 全县 年度 每年 当年 不断 积极 深入 有效 切实 稳步 主要 重点
    管理 全面完成 全面落实 全面提升 全面提高 要求 提供 建设 能力 水平 继续 指导 支持 实现 形成 满足 需求 任务 各类
    领域 方面 定期 同时 及时 规范 坚持 按时 按期 顺利 良好 稳定 高效 有力 进行 目标 项目 内容 基本 整体 其他
    负责 我局 本局 单位 部门 服务 保证 通过 加大 力度 不断完善 持续推进 积极推进 有效开展 按照 根据 依据
    深化 体系 实力 素质 综合 整体 打造 不少 不低于 不少于 至少 确定 有关""".split()
)
# Goal phrases that open a purpose, a manner or a condition rather than a task (为…, 在…下, 按照…).
GOAL_MODIFIER_OPENINGS: tuple[str, ...] = (
    "为",
    "在",
    "按照",
    "按国家",
    "依据",
    "根据",
    "同时",
    "并向",
    "以",
    "围绕",
    "聚焦",
    "把握",
    "统筹",
    "例如",
    "比如",
    "包括",
    "其中",
)
# Goal phrases that end in what they conform to rather than what they deliver (…的要求, …工作部署).
GOAL_MODIFIER_ENDINGS: tuple[str, ...] = (
    "要求",
    "部署",
    "精神",
    "安排",
    "规定",
    "需要",
    "需求",
    "方式",
    "途径",
)
# Policy slogans and party-building formulas; no indicator or outcome figure is expected for them.
GOAL_SLOGAN_TERMS: tuple[str, ...] = (
    "两学一做",
    "三会一课",
    "主题教育",
    "不忘初心",
    "党史学习",
    "习近平",
    "思想",
    "理念",
    "精神",
    "总要求",
    "方针",
    "美丽中国",
    "氛围",
    "底线",
    "青春",
    "攻坚战",
    "新时代",
    "新征程",
    "新时期",
    "相适应",
    "金山银山",
    "中心工作",
    "决策部署",
)
# What comes before these words is the scope of a task (固废、土壤领域执法工作), not a deliverable.
GOAL_SCOPE_MARKERS: tuple[str, ...] = ("领域", "方面")
# A goal piece that states an effect (提高从业人员业务能力, 改善区域生态环境质量), not a deliverable:
# an effect verb, after any of the hedges, and an abstract noun at the end.
GOAL_EFFECT_HEDGES: tuple[str, ...] = (
    "进一步",
    "全面",
    "不断",
    "持续",
    "切实",
    "有效",
    "稳步",
    "逐步",
    "努力",
)
GOAL_EFFECT_VERBS: tuple[str, ...] = ("提高", "提升", "增强", "改善", "促进", "优化", "加强")
GOAL_EFFECT_HEADS: tuple[str, ...] = (
    "能力", "水平", "素质", "意识", "质量", "效率", "效能", "成效", "形象", "实力", "满意度", "获得感", "影响力",
)  # fmt: skip
# A goal piece that describes a problem to solve (…不清、…不实等问题), not a deliverable.
GOAL_PROBLEM_WORDS: tuple[str, ...] = ("问题", "不清", "不准", "不实", "不规范", "不到位", "难题", "短板")
# Near-synonyms a goal and an indicator use for the same thing.
SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"设备", "装备", "器材", "设施"}),
    frozenset({"培训", "练兵", "轮训"}),
    frozenset({"购置", "采购", "购买", "配备"}),
    frozenset({"报告", "报告书"}),
    frozenset({"科学研究", "科研", "研究"}),
    frozenset({"修缮", "维修", "大修", "修复", "改造"}),
    frozenset({"满意", "满意度", "满意率"}),
)

# ------------------------------------------------------------------------------------------ pre-submission
# Template residue a filler forgot to replace. Matched on NFKC text without white space, so （ is (, ： is :
# and …… is "......".
# A cell that is only one of these is a blank left in the form ( * and ** are checked by pattern).
PLACEHOLDER_CELLS: frozenset[str] = frozenset(
    {"待定", "待补充", "待填", "待填写", "待完善", "待确定", "待核实", "tbd", "todo"}
)
# Inside real text: a run of X (not part of a Latin word), ××, ○○, □□, 某某, a year like 202X, a blank ____.
PLACEHOLDER_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])", "XX"),
    (r"(?<![A-Za-z\d])\d{3}[Xx](?=年)", "XX"),
    (r"×{2,}|○{2,}|□{2,}|△{2,}", "××"),
    (r"某某", "某某"),
    (r"_{3,}", "____"),
)
# A template instruction anywhere in a cell: （填写说明：…）, （请填写…）, 请在此填写.
TEMPLATE_INSTRUCTION_WORDS: tuple[str, ...] = (
    "填写说明",
    "请填写",
    "请在此填写",
    "在此填写",
    "此处填写",
    "请输入",
    "请选择",
    "请据实填写",
    "按实际情况填写",
    "根据实际情况填写",
    "请根据实际",
    "请补充",
)
# A cell that opens with a template example (例：完成培训 3 次).
EXAMPLE_OPENINGS: tuple[str, ...] = ("例:", "例如:", "示例:", "举例:", "样例:", "范例:")
# Ellipses (…… becomes ...... in NFKC): a placeholder when the cell has nothing else, or when the ellipsis
# stands where a number goes (第……届, ……年……月, ……万元) ...
ELLIPSIS_PATTERN = r"\.{3,}|⋯+|。{3,}"
ELLIPSIS_SLOT_BEFORE: tuple[str, ...] = ("第",)
ELLIPSIS_SLOT_AFTER: tuple[str, ...] = ("年", "月", "日", "万元", "元", "%")
# ... but not in a sentence with real content (开展培训、宣传……等工作): at most this many characters of its own.
ELLIPSIS_MAX_CONTENT = 2

# 成本指标 whose figure is a saving or a reduction: bounded below on purpose (成本节约率 ≥5%).
COST_SAVING_WORDS: tuple[str, ...] = (
    "节约",
    "节省",
    "节支",
    "节余",
    "降低",
    "下降",
    "减少",
    "压减",
    "压降",
    "降幅",
)
COST_CATEGORY_WORD = "成本"

# Dates in a 时效指标 cell: a half year and the quarters, as written.
HALF_YEARS: dict[str, tuple[int, int]] = {"上半年": (1, 6), "下半年": (7, 12)}
QUARTER_NUMERALS: dict[str, int] = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
TIMELINESS_CATEGORY = "时效"
# Units that are thousandths, not hundredths: 200‰ is 20%.
PERMILLE_UNITS: tuple[str, ...] = ("‰",)

# ------------------------------------------------------------------------------------------ official templates
# 满意度 targets (satisfaction-floor): the name says satisfaction; 不满意率 and complaint rates do not.
# The name must end in one of these (满意度调查覆盖率 counts surveys, not satisfaction); 满意度提升率 is a change.
SATISFACTION_WORDS: tuple[str, ...] = (
    "满意度",
    "满意率",
    "满意比例",
    "满意程度",
    "认可度",
    "认可率",
    "好评率",
)
SATISFACTION_NEGATIONS: tuple[str, ...] = (
    "不满意",
    "投诉",
    "差评",
    "提升",
    "提高",
    "增长",
    "增幅",
    "下降",
    "降低",
)
# 三级指标 names that are template fillers or category labels, not indicators (duplicate-indicator).
FILLER_INDICATOR_NAMES: frozenset[str] = frozenset(
    {"其他", "其他指标", "暂无", "无", "略", "具体指标", "指标名称"}
)

# 项目属性 / 项目性质 / 专项属性 (Funding.nature) and 项目类别 (Funding.category), compared after NFKC without
# white space and without a trailing 项目. Each list is the union of the templates' printed options:
#   项目属性 新增项目/延续项目 — the national 项目支出绩效目标申报表 (财预〔2015〕88号) and most provinces;
#   新增专项/延续专项 — Hunan 专项资金绩效目标表; 常年性/延续性/一次性/新增性/持续性 — Hubei county 自评表;
#   经常性/阶段性/其他一次性 — Shanghai 财政项目支出绩效目标申报表 项目性质;
#   项目类别 人员类/运转类/特定目标类 — 预算管理一体化规范 (财办〔2020〕13号) project classes.
# Regional lists differ (武汉 项目属性 基础建设、修缮类, 宁夏 新建): a value in neither list is left alone; only a
# value of the *other* field's list (项目性质 “特定目标类”) is reported as misplaced.
NATURE_VALUES: frozenset[str] = frozenset(
    {
        "新增", "延续", "新增性", "延续性", "持续性", "常年性", "经常性", "一次性", "其他一次性", "阶段性",
        "跨年度", "新增专项", "延续专项",
    }
)  # fmt: skip
CATEGORY_VALUES: frozenset[str] = frozenset(
    {"人员类", "运转类", "公用经费", "其他运转类", "特定目标类", "人员经费", "日常公用经费"}
)
# Marks of a ticked and of an empty check box in a printed option list (新增项目□ 延续项目√).
TICK_MARKS: str = "√✓✔☑■▇●☒"
EMPTY_BOX_MARKS: str = "□☐○"
# Words of an explanation of spending beyond the 全年预算数 (percent-over-100 on the budget block).
OVERSPEND_REASON_WORDS: tuple[str, ...] = (
    "追加", "调增", "超支", "超出预算", "超预算", "垫付", "垫支", "提前支付", "预付", "以前年度", "结转", "上年结余",
    "调整预算", "预算调整",
)  # fmt: skip
