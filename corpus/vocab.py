"""The Chinese vocabulary of the tables in one place: header aliases, labels, comparators, units."""

from __future__ import annotations

# Indicator table header -> field. Matched after removing white space; longest alias first.
INDICATOR_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "name": ("三级指标", "指标名称", "绩效指标名称"),
    "target": ("年度(/项目)指标值", "年度/项目指标值", "年度指标值", "全年指标值", "预期指标值", "指标值", "目标值", "计划值"),
    "actual": ("实际完成值", "全年实际值", "实际完成情况值", "实际值", "完成值", "实际完成"),
    "weight": ("分值", "权重", "分数", "权重分值", "满分"),
    "score": ("得分", "自评得分", "评分"),
    "note": (
        "偏差原因分析及改进措施",
        "未完成原因分析及改进措施",
        "偏差原因分析",
        "未完成原因分析",
        "偏差原因",
        "未完成原因",
        "原因分析",
        "备注",
    ),
    "unit": ("度量单位", "计量单位", "单位"),
}

# Budget block (self-evaluation) column headers -> field.
BUDGET_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "planned": ("年初预算数", "年初预算"),
    "adjusted": ("全年预算数", "调整后预算数", "全年预算"),
    "spent": ("全年执行数", "实际执行数", "执行数"),
    "weight": ("分数", "分值", "权重"),
    "rate": ("执行率",),
    "score": ("得分",),
}

BUDGET_LINE_LABELS: dict[str, str] = {
    "年度资金总额": "total",
    "资金总额": "total",
    "合计": "total",
    "当年财政拨款": "appropriation",
    "财政拨款": "appropriation",
    "上年结转资金": "carryover",
    "上年结转": "carryover",
    "其他资金": "other",
}

# Declaration funding labels -> field (其他资金 is resolved by side, see parse.py).
FUNDING_LABELS: dict[str, str] = {
    "项目资金总额": "total",
    "财政资金": "fiscal",
    "年度资金申请总额": "annual_request",
    "当年财政拨款": "appropriation",
    "上年结转资金": "carryover",
    "上年结转": "carryover",
}

HEADER_FIELDS: dict[str, str] = {
    "项目名称": "name",
    "主管部门": "department",
    "实施单位": "implementer",
    "项目性质": "nature",
    "项目类别": "category",
    "计划开始日期": "start_date",
    "计划完成日期": "end_date",
    "评分等级": "grade",
    "自评等级": "grade",
}

GOAL_HEADERS: dict[str, str] = {
    "预期目标": "expected",
    "实际完成情况": "achieved",
    "项目总目标": "overall",
    "年度总体目标": "annual",
    "年度目标": "annual",
}

# Cells that only name a section of the form; they carry no data of their own.
SECTION_LABELS: tuple[str, ...] = (
    "年度总体目标",
    "项目绩效目标",
    "绩效指标",
    "项目资金",
    "总体目标",
)

TITLE_SELF_EVALUATION = ("自评表", "自评")
TITLE_DECLARATION = ("申报表", "目标表", "汇总表")

# The standard template's indicator labels: used to complete labels broken across PDF lines.
LEVEL1_LABELS = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2_LABELS = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
)

# Comparator words -> symbol (longest first when matching).
COMPARATOR_WORDS: dict[str, str] = {
    "大于等于": "≥",
    "大于或等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "至少": "≥",
    "小于等于": "≤",
    "小于或等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "不多于": "≤",
    "不大于": "≤",
    "最多": "≤",
    "大于": ">",
    "高于": ">",
    "多于": ">",
    "超过": ">",
    "小于": "<",
    "低于": "<",
    "少于": "<",
    "等于": "=",
}

COMPARATOR_SYMBOLS: dict[str, str] = {
    ">=": "≥",
    "<=": "≤",
    "≧": "≥",
    "≦": "≤",
    "⩾": "≥",
    "⩽": "≤",
    "≥": "≥",
    "≤": "≤",
    "=": "=",
    "＝": "=",
    ">": ">",
    "<": "<",
    "﹥": ">",
    "﹤": "<",
}

LATEX_REPLACEMENTS: dict[str, str] = {
    r"\geqslant": "≥",
    r"\leqslant": "≤",
    r"\geq": "≥",
    r"\leq": "≤",
    r"\ge": "≥",
    r"\le": "≤",
    r"\gt": ">",
    r"\lt": "<",
    r"\%": "%",
    r"\times": "×",
    r"\sim": "~",
    r"\,": "",
    r"\;": "",
    r"\ ": "",
}

# Unit placeholders that mean "no unit".
UNIT_PLACEHOLDERS = ("null", "none", "无", "/", "-", "—")



# ---------------------------------------------------------------------------------------------
# The structural reader (corpus/parse/forms.py): labels as forms of any region print them. Matched on
# the compact cell text with ：/: stripped, 其中 removed and annotations in brackets dropped.

# Labelled fields: label -> field. A label may carry a suffix (及代码, (单位)) and stand anywhere on the form.
FIELD_LABELS: dict[str, str] = {
    "项目名称": "name",
    "项目支出名称": "name",
    "转移支付项目名称": "name",
    "转移支付名称": "name",
    "专项名称": "name",
    "专项资金名称": "name",
    "资金名称": "name",
    "项目全称": "name",
    "部门名称": "unit_name",
    "单位名称": "unit_name",
    "部门单位名称": "unit_name",
    "预算单位名称": "unit_name",
    "预算单位": "unit_name",
    "项目编码": "code",
    "项目代码": "code",
    "项目编号": "code",
    "主管部门": "department",
    "主管单位": "department",
    "所属部门": "department",
    # Text fields of a declaration no record holds: labels, so that a value never runs on into them.
    "专项立项依据": "basis",
    "实施进度计划": "schedule",
    "项目实施进度计划": "schedule",
    "专项实施进度计划": "schedule",
    "部门相应职能职责概述": "duties",
    "主管部门单位名称": "department",
    "主管部门及代码": "department",
    "项目主管部门": "department",
    "项目主管单位": "department",
    "预算部门": "department",
    "地方主管部门": "department",
    "实施单位": "implementer",
    "项目实施单位": "implementer",
    "资金使用单位": "implementer",
    "项目单位": "implementer",
    "项目属性": "nature",
    "项目性质": "nature",
    "专项属性": "nature",
    "项目类别": "category",
    "项目分类": "category",
    "项目类型": "category",
    "项目期限": "period",
    "项目期": "period",
    "项目支出实施期": "period",
    "建设周期": "period",
    "项目起止时间": "period",
    "项目实施期": "period",
    "实施期限": "period",
    "计划开始日期": "start_date",
    "计划完成日期": "end_date",
    "项目负责人": "manager",
    "项目负责人及电话": "manager",
    "评分等级": "grade",
    "自评等级": "grade",
    "中央主管部门": "central_department",
    "填报单位": "filler",
    "联系人": "contact",
    "联系电话": "phone",
    "部门编码": "unit_code",
    "部门预算编码": "unit_code",
    "单位编码": "unit_code",
    "预算编码": "unit_code",
    "财政资金预算分类": "budget_class",
    "财政资金科目代码": "subject_code",
    "项目审批": "approval",
    "立项依据": "basis",
    "项目立项依据": "basis",
    "项目总体概况": "summary",
    "部门职能职责概述": "duties",
    "部门职能概述": "duties",
    "部门职责": "duties",
    "业务主管部门": "department",
}

# Money blocks. Self-evaluation columns (header cell -> field); (A)/(B)/(10分) suffixes are dropped.
MONEY_HEADER_LABELS: dict[str, str] = {
    "年初预算数": "planned",
    "年初预算": "planned",
    "预算数": "planned",
    "全年预算数": "adjusted",
    "全年调整预算数": "adjusted",
    "调整后预算数": "adjusted",
    "全年预算": "adjusted",
    "全年执行数": "spent",
    "实际执行数": "spent",
    "执行数": "spent",
    "预算执行数": "spent",
    "实际支出数": "spent",
    "年度预算数": "planned",
    "分值": "weight",
    "分数": "weight",
    "权重": "weight",
    "执行率": "rate",
    "预算执行率": "rate",
    "执行率BA": "rate",
    "得分": "score",
    "执行率得分": "score",
    "执行率权重": "weight",
}

# Rows of the self-evaluation money block -> BudgetLine label.
MONEY_ROW_LABELS: dict[str, str] = {
    "年度资金总额": "total",
    "资金总额": "total",
    "合计": "total",
    "当年财政拨款": "appropriation",
    "本年一般公共预算拨款": "appropriation",
    "财政拨款": "appropriation",
    "中央补助": "appropriation",
    "中央财政资金": "appropriation",
    "上年结转资金": "carryover",
    "上年结转": "carryover",
    "地方资金": "local",
    "其他资金": "other",
}

# Declaration funding labels -> Funding field (the second 其他资金 of a two-block row is annual_other).
FUNDING_FIELD_LABELS: dict[str, str] = {
    "项目资金总额": "total",
    "项目总预算": "total",
    "资金总额": "total",
    "财政资金": "fiscal",
    "年度资金申请总额": "annual_request",
    "年度资金总额": "annual_request",
    "当年资金总额": "annual_request",
    "项目当年预算": "annual_request",
    "年度金额": "annual_request",
    "当年财政拨款": "appropriation",
    "财政拨款": "appropriation",
    "上年结转资金": "carryover",
    "上年结转": "carryover",
    "其他资金": "other",
    "其它资金": "other",
}

# Goal texts: label -> Goals field.
GOAL_LABELS: dict[str, str] = {
    "预期目标": "expected",
    "年初设定目标": "expected",
    "总体目标": "expected",
    "实际完成情况": "achieved",
    "全年实际完成情况": "achieved",
    "总体目标完成情况": "achieved",
    "项目总目标": "overall",
    "实施期绩效目标": "overall",
    "实施期目标": "overall",
    "长期目标": "overall",
    "长期绩效目标": "overall",
    "专项长期绩效目标": "overall",
    "中期目标": "overall",
    "年度总体目标": "annual",
    "年度目标": "annual",
    "本年度绩效目标": "annual",
    "本年度目标": "annual",
    "年度绩效目标": "annual",
    "专项年度绩效目标": "annual",
    "年度总体绩效目标": "annual",
    "年度绩效总目标": "annual",
    "部门年度总体目标": "annual",
}

# Indicator table header cell -> column field. Columns whose text a reviewer may need but no record field
# holds (指标解释, 绩效标准 …) map to "extra" and are kept in the indicator's note.
INDICATOR_COLUMNS: dict[str, str] = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "一级": "level1",  # a header cut short: 一级 | 二级 | 三级 | 指标值
    "二级": "level2",
    "三级": "name",
    "指标名称": "name",
    "绩效指标名称": "name",
    "指标内容": "name",
    "具体指标": "name",
    "年度指标值": "target",
    "年度项目指标值": "target",
    "指标值": "target",
    "目标值": "target",
    "全年指标值": "target",
    "年初指标值": "target",
    "年初目标值": "target",
    "年度目标值": "target",
    "预期指标值": "target",
    "当年预期实现值": "target",  # the year's expected value: the target column
    "预期实现值": "target",
    "计划值": "target",
    "指标值及单位": "target",
    "年度指标值A": "target",
    "实际完成值": "actual",
    "实际完成指标值": "actual",
    "全年实际值": "actual",
    "全年实际完成值": "actual",
    "全年完成值": "actual",
    "实际值": "actual",
    "完成值": "actual",
    "年终完成值": "actual",
    "实际完成值B": "actual",
    "全年实际值B": "actual",
    "分值": "weight",
    "权重": "weight",
    "指标权重": "weight",
    "指标分值": "weight",
    "得分": "score",
    "自评得分": "score",
    "自评分": "score",
    "指标得分": "score",
    "偏差原因分析及改进措施": "note",
    "未完成原因分析及改进措施": "note",
    "未完成原因和改进措施": "note",
    "偏差原因分析": "note",
    "未完成原因": "note",
    "偏差原因": "note",
    "备注": "note",
    "说明": "note",
    "度量单位": "unit",
    "计量单位": "unit",
    "单位": "unit",
    "指标性质": "op",
    "指标值类型": "op",
    "计算符号": "op",
    "指标解释": "extra",
    "指标说明": "extra",
    "绩效标准": "extra",
    "指标值设定依据": "extra",
    "评扣分标准": "extra",
    "评分标准": "extra",
    "得分计算方法": "extra",
    "指标方向性": "extra",
    "上年值": "extra",
    # Chongqing self-evaluations: an adjusted target (printed only where the target was adjusted), the share of
    # the weight a row earns (得分 = 分值 × 得分系数), and a 是/否 flag.
    "调整指标值": "adjusted_target",
    "得分系数": "coefficient",
    "是否核心指标": "core",
    "评价内容": "extra",
    "评价标准": "extra",
    "指标说明及评分标准": "extra",
    "评价指标": "extra",
    "序号": "seq",
}

# Level labels as forms print them (short forms included); their canonical 一级/二级 name.
LEVEL1_FORMS: dict[str, str] = {
    "产出指标": "产出指标",
    "产出": "产出指标",
    "效益指标": "效益指标",
    "效益": "效益指标",
    "满意度指标": "满意度指标",
    "满意度": "满意度指标",
    "成本指标": "成本指标",
    "项目完成指标": "产出指标",
    "项目效益指标": "效益指标",
}
LEVEL2_FORMS: dict[str, str] = {
    "数量指标": "数量指标",
    "数量": "数量指标",
    "质量指标": "质量指标",
    "质量": "质量指标",
    "时效指标": "时效指标",
    "时效": "时效指标",
    "成本指标": "成本指标",
    "成本": "成本指标",
    "经济成本指标": "经济成本指标",
    "经济成本": "经济成本指标",
    "社会成本指标": "社会成本指标",
    "社会成本": "社会成本指标",
    "生态环境成本指标": "生态环境成本指标",
    "生态环境成本": "生态环境成本指标",
    "生态成本": "生态环境成本指标",
    "经济效益指标": "经济效益指标",
    "经济效益": "经济效益指标",
    "社会效益指标": "社会效益指标",
    "社会效益": "社会效益指标",
    "生态效益指标": "生态效益指标",
    "生态效益": "生态效益指标",
    "可持续影响指标": "可持续影响指标",
    "可持续影响": "可持续影响指标",
    "服务对象满意度指标": "服务对象满意度指标",
    "服务对象满意度": "服务对象满意度指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "满意度指标": "满意度指标",
}

# Cells that end a form's tables (signatures, approvals) and cells that only frame a block.
FORM_END_LABELS: tuple[str, ...] = (
    "财政部门审核意见", "主管部门审核意见", "填表人", "填报人", "单位负责人签字", "扫一扫在手机打开当前页",
    "其他需说明的问题", "其他说明的问题",
)
FRAME_LABELS: tuple[str, ...] = (
    "绩效指标", "年度绩效指标", "本年度绩效指标", "项目绩效目标", "项目资金", "资金情况", "项目资金申请",
    "总体目标", "年度总体目标", "绩效目标", "项目绩效指标", "项目具体目标表", "年度绩效目标",
)
TOTAL_LABELS: tuple[str, ...] = ("总分", "合计总分", "总得分", "自评总分", "评价总分")

# Every alias the row reader knows is a column of the structural reader too.
for _field, _aliases in INDICATOR_HEADER_ALIASES.items():
    for _alias in _aliases:
        INDICATOR_COLUMNS.setdefault(_alias.replace("(", "").replace(")", "").replace("/", ""), _field)
