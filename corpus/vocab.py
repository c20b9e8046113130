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

MONEY_UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
