"""Vocabulary for cutting fused cells (corpus/parse/fused.py): labels, units, figure columns, note openers."""

from __future__ import annotations

from corpus import vocab

# Labels the shared vocabulary does not list but fused forms print between their cells.
EXTRA_LABELS: tuple[str, ...] = (
    "其中",
    "评价指标",
    "评价内容",
    "指标说明",
    "指标解释",
    "得分计算方法",
    "未完成原因分析",
    "未完成原因和改进措施",
    "联系电话",
    "部门联系人",
    "主管部门编码",
    "资金总额及构成",
    "项目总预算",
    "项目当年预算",
    "项目资金来源情况",
    "年初绩效目标",
    "全年(调整)绩效目标",
    "全年目标实际完成情况",
    "全年(调整)预算数",
    "全年执行数",
    "执行率权重",
    "执行率得分",
    "预算执行率",
    "全年预算数",
    "年初预算数",
    "一级指标",
    "二级指标",
    "三级指标",
    "自评总分",
    "指标性质",
    "是否核心指标",
    "得分系数",
    "指标权重",
    "指标得分",
    "全年完成值",
)

# Label forms too short or too common in prose to be cut out of running text; they still count as labels
# when they are a whole cell.
NOT_INLINE: frozenset[str] = frozenset(
    {
        "产出", "效益", "满意度", "数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益",
        "可持续影响", "服务对象满意度", "单位", "说明", "合计", "全年预算", "年初预算", "预算数", "执行数",
        "完成值", "实际值", "实际完成", "分数", "评分", "满分", "权重", "计划值", "项目期", "预算单位",
        "项目单位", "绩效目标", "总体目标", "年度目标", "项目资金", "资金情况", "绩效指标", "实际完成情况",
        "预期目标", "评价标准",
    }
)

# Sources of label text in corpus.vocab: dicts contribute their keys (or alias tuples), tuples their items.
# The structural reader's tables are read when present, so this file follows the shared vocabulary.
_VOCAB_TABLES: tuple[str, ...] = (
    "HEADER_FIELDS", "BUDGET_HEADER_ALIASES", "BUDGET_LINE_LABELS", "FUNDING_LABELS", "GOAL_HEADERS",
    "INDICATOR_HEADER_ALIASES", "SECTION_LABELS", "LEVEL1_LABELS", "LEVEL2_LABELS", "FIELD_LABELS",
    "MONEY_HEADER_LABELS", "MONEY_ROW_LABELS", "FUNDING_FIELD_LABELS", "GOAL_LABELS", "INDICATOR_COLUMNS",
    "LEVEL1_FORMS", "LEVEL2_FORMS", "TOTAL_LABELS", "FRAME_LABELS",
)


def _vocab_labels() -> set[str]:
    out: set[str] = set()
    for name in _VOCAB_TABLES:
        table = getattr(vocab, name, ())
        items = table.items() if isinstance(table, dict) else ((t, None) for t in table)
        for key, value in items:
            out.add(key)
            if isinstance(value, tuple):
                out.update(value)
    return out


# Every label that may be cut out of running text, longest first (the regex alternation takes the first);
# those in NOT_INLINE only with an annotation, a colon or inside a run of labels.
INLINE_LABELS: tuple[str, ...] = tuple(
    sorted(
        {lb for lb in _vocab_labels() | set(EXTRA_LABELS) | NOT_INLINE if len(lb) >= 2},
        key=lambda s: (-len(s), s),
    )
)

# Level labels: the shared forms plus the shapes fused tables print (产出数量指标, 制度指标 …).
LEVEL1_WORDS: tuple[str, ...] = tuple(
    sorted(set(getattr(vocab, "LEVEL1_FORMS", {})) | set(vocab.LEVEL1_LABELS), key=len, reverse=True)
)
LEVEL2_WORDS: tuple[str, ...] = tuple(
    sorted(set(getattr(vocab, "LEVEL2_FORMS", {})) | set(vocab.LEVEL2_LABELS), key=len, reverse=True)
)
# A section label with a (定量指标)/(定性指标) annotation stands in the 一级 column of scoring tables.
LEVEL1_ANNOTATED = r"[\u4e00-\u9fff]{2,12}[(（](?:定量|定性)指标[)）]"
# Any short word ending in 指标 at the start of a row is a level label (制度指标, 产出数量指标 …).
LEVEL_GENERIC = r"[\u4e00-\u9fff]{1,6}指标"

# Units a figure may carry, longest first.
UNITS: tuple[str, ...] = tuple(
    sorted(
        {
            "%", "‰", "万元", "亿元", "千元", "元", "万", "个", "次", "人次", "人", "户", "家", "所", "项", "篇",
            "份", "期", "条", "处", "座", "台", "套", "辆", "公里", "千米", "km", "米", "平方米", "平米", "㎡",
            "m²", "万亩", "亩", "公顷", "万平方米", "吨", "天", "日", "小时", "个月", "月", "年", "分钟", "分",
            "株", "头", "只", "羽", "批", "场", "册", "本", "间", "张", "件", "名", "位", "部", "栋", "批次",
            "万人", "万册", "立方米", "方", "kg", "千克", "盏", "块", "棵", "课时", "学时", "门", "类", "点",
        },
        key=len,
        reverse=True,
    )
)
MONEY_UNITS: tuple[str, ...] = ("万元", "亿元", "千元", "元", "万")
QUALIFIERS: tuple[str, ...] = ("及以上", "及以下", "以上", "以下", "以内", "之内")

# Column names (the caller's canonical fields) and what holds for their figures.
MONEY_COLUMNS: frozenset[str] = frozenset({"planned", "adjusted", "spent", "total", "amount"})
PERCENT_COLUMNS: frozenset[str] = frozenset({"rate", "coefficient"})  # at most ~200
POINT_COLUMNS: frozenset[str] = frozenset({"weight", "score"})  # 0..100, no unit
MEASURE_COLUMNS: frozenset[str] = frozenset({"target", "actual", "adjusted_target", "last_year"})
LEVEL_COLUMNS: tuple[str, ...] = ("level1", "level2")
# Columns of an indicator row that hold words, not figures.
TEXT_COLUMNS: frozenset[str] = frozenset(
    {"name", "note", "extra", "explanation", "standard", "method", "reason", "unit", "op", "core", "basis"}
)
FIGURE_COLUMNS: frozenset[str] = MONEY_COLUMNS | PERCENT_COLUMNS | POINT_COLUMNS | MEASURE_COLUMNS

# Words that open a 指标说明 / 绩效标准 cell fused after the indicator name.
NOTE_OPENERS: tuple[str, ...] = ("反映", "达到")
# 指标性质 cells of the Chongqing forms.
NATURE_WORDS: tuple[str, ...] = ("定量指标", "定性指标", "定量", "定性")
# Grades a qualitative target and its result are printed as (高 / 好 / 优 …), longest first.
GRADE_WORDS: tuple[str, ...] = ("优秀", "良好", "较好", "较高", "合格", "达标", "高", "好", "优", "良", "中", "低")
# Figure columns a row may leave empty while the others are filled: 调整指标值 is printed only where the
# target was adjusted, while 年初指标值 and 全年完成值 are printed on every row of a self-evaluation.
OPTIONAL_COLUMNS: frozenset[str] = frozenset({"adjusted_target"})
# 是否核心指标 cells.
FLAG_WORDS: tuple[str, ...] = ("是", "否")

# A figure directly after one of these characters belongs to the sentence (在2021年, 的20条 …).
PROSE_BEFORE = "的在由经对为与和及将把向按从被使让给至于共约近达超该此各每"
# A label directly before one of these is a word of a sentence or a formula (主管部门和财政部门, 执行率*分值).
PROSE_AFTER = "的和与及或等*×/÷+="
# Names of form fields (a line that starts with one is a form row; its other field names are cells too).
FIELD_NAMES: frozenset[str] = frozenset(
    {
        *getattr(vocab, "FIELD_LABELS", {}), *vocab.HEADER_FIELDS, *vocab.FUNDING_LABELS, *vocab.BUDGET_LINE_LABELS,
        *getattr(vocab, "FUNDING_FIELD_LABELS", {}), *getattr(vocab, "MONEY_ROW_LABELS", {}),
    }
)
