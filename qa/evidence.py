"""A finding's evidence in words, the one renderer for the app, the Excel and text reports and the CLI:
`{"target": "≥20", "actual": "5"}` -> `年度指标值：≥20；实际完成值：5`, `{"rate": 71.5}` -> `执行率：71.5%`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from qa.ask import label as field_label

# Evidence keys (qa/checks) the field vocabulary of qa.ask does not name.
EVIDENCE_LABELS = {
    "rate": "执行率",
    "op": "比较符",
    "target_value": "目标数值",
    "actual_value": "实际数值",
    "explained": "已说明偏差原因",
    "unit": "单位",
    "value": "数值",
    "deducted": "扣分",
    "expected_score": "按规则应得分",
    "expected_grade": "按总分应得等级",
    "expected_weight": "应有分值",
    "allowed_low": "允许最低分",
    "allowed_high": "允许最高分",
    "stated_value": "说明中的数值",
    "stated_unit": "说明中的单位",
    "stated_in": "出现于",
    "stated_text": "说明原文",
    "goal_clause": "目标条目",
    "unreported": "未报告完成情况的目标",
    "missing_terms": "未出现的关键词",
    "closest": "最接近的完成情况",
    "closest_indicator": "最接近的指标",
    "term_coverage": "关键词覆盖率",
    "similarity": "相似度",
    "threshold": "阈值",
    "threshold_percent": "阈值",
    "cut_percent": "调减比例",
    "computed_rate": "计算执行率",
    "printed_rate": "填报执行率",
    "printed_score": "填报得分",
    "sum_of_scores": "各项得分合计",
    "sum_of_weights": "各项分值合计",
    "target_unit": "目标单位",
    "actual_unit": "实际单位",
    "problems": "问题",
    "ratio": "实际/目标",
    "factor": "倍数阈值",
    "vague_word": "模糊用语",
    "missing": "缺少",
    "present": "已有",
    "unmeasured": "没有对应指标的目标",
    "where": "位置",
    "tokens": "残留标记",
    "reason": "原因说明",
    "last_year": "上年",
    "last_actual": "上年实际完成值",
    "last_document": "上年文件",
    "added": "新增",
    "removed": "删除",
    "verdict": "判断",
    "met": "达成",
    "partly": "部分达成",
    "unmet": "未达成",
    "date": "日期",
    "year": "年度",
    "part": "部分",
    "parts": "各部分",
    "sum": "合计",
    "line": "行",
    "field": "字段",
    "total_name": "合计项",
    "placeholders": "占位内容",
    "project_end": "项目结束日期",
    "end_from": "结束日期依据",
    "level1": "一级指标",
    "level2": "二级指标",
    "tables_seen": "表格数",
    "tables_read": "读出的表格数",
}

# Evidence figures that are percentages as printed (71.5 means 71.5%), and shares kept as fractions (0.85).
_PERCENT_KEYS = frozenset(
    {"rate", "computed_rate", "printed_rate", "cut_percent", "threshold_percent", "ratio"}
)
_FRACTION_KEYS = frozenset({"term_coverage", "similarity"})
# A `threshold` is the bar of the figure beside it: a share when a fraction is beside it, else a percentage.
_THRESHOLD = "threshold"
_UNITS = {
    "factor": " 倍",
    "weight": " 分",
    "score": " 分",
    "deducted": " 分",
    "expected_score": " 分",
    "allowed_low": " 分",
    "allowed_high": " 分",
}

# Evidence values that are codes, in words.
VALUE_LABELS = {"verdict": {"met": "达成", "partly": "部分达成", "unmet": "未达成"}}


def evidence_label(key: str) -> str:
    """The words a reviewer reads for an evidence key (目标数值, 年度指标值 …)."""
    return EVIDENCE_LABELS.get(key) or field_label(key)


def evidence_value(key: str, value: Any, fractions: bool = False) -> str:
    """One evidence value as a reviewer reads it: 71.5% for a rate, 85% for a share of 0.85, 是/否, a list
    joined with 、; `fractions` says a `threshold` is a share (a similarity beside it)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{evidence_label(k)} {v}" for k, v in value.items())
    if isinstance(value, str):
        return VALUE_LABELS.get(key, {}).get(value, value)
    if not isinstance(value, (int, float, Decimal)):
        return str(value)
    if key in _FRACTION_KEYS or (key == _THRESHOLD and fractions):
        return f"{_figure(Decimal(str(value)) * 100)}%"
    if key in _PERCENT_KEYS or key == _THRESHOLD:
        return f"{_figure(value)}%"
    return f"{_figure(value)}{_UNITS.get(key, '')}"


def _figure(value: int | float | Decimal) -> str:
    """A figure without exponent or float noise: 90, 71.5, 85.5."""
    d = Decimal(str(value))
    if not d.is_finite():
        return str(value)
    try:
        d = d.quantize(Decimal("0.01")).normalize()
    except InvalidOperation:  # more digits than the context holds (a hostile cell): print them as read
        pass
    return format(d, "f")


def evidence_text(evidence: dict[str, Any]) -> str:
    """`{"target": "≥20", "actual": "5"}` -> `年度指标值：≥20；实际完成值：5`; `{"rate": 71.5, "threshold": 90}`
    -> `执行率：71.5%；阈值：90%`."""
    fractions = any(k in evidence for k in _FRACTION_KEYS)
    parts = []
    for key, value in evidence.items():
        if value is None or value == "" or value == []:
            continue
        parts.append(f"{evidence_label(key)}：{evidence_value(key, value, fractions)}")
    return "；".join(parts)
