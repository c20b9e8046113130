"""Labels a reviewer reads, in one place: severities, form kinds, reviewer marks, rule names and descriptions."""

from __future__ import annotations

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


SEVERITY_ORDER = ("error", "warning", "info")


KIND_LABELS = {"self_evaluation": "绩效自评表", "declaration": "绩效目标申报表"}


MARK_STATUSES = ("已核实", "忽略")


# What each rule checks, in a reviewer's words (核查's detail panel); the rule's name is its `title`.
RULE_DESCRIPTIONS = {
    "section-unread": "表格的这一部分未能读出，其他规则无法核查这部分内容，需要人工查看原件。",
    "target-not-met": "实际完成值未达到年度指标值。",
    "deviation-unexplained": "指标未达成、部分达成或被扣分，却没有填写偏差原因分析及改进措施。",
    "score-deducted-though-met": "实际完成值显示指标已达成，得分却低于该项分值。",
    "full-score-though-unmet": "指标未达成或仅部分达成，却得了该项满分。",
    "score-out-of-band": "得分与指标的完成程度不相称（超出按完成比例或评分档次应得的范围）。",
    "score-exceeds-weight": "指标得分超过了该项分值。",
    "total-mismatch": "总分与各项得分之和不一致，或各项分值合计不是 100 分。",
    "grade-mismatch": "评分等级与自评总分所在的分数段不一致。",
    "execution-rate-mismatch": "表中填报的预算执行率与全年执行数除以全年预算数的结果不一致，或预算执行得分与执行率不相称。",
    "low-execution": "预算执行率低于设定的阈值；未说明原因时为错误。",
    "budget-cut": "全年预算数较年初预算数调减的比例超过设定的阈值。",
    "note-contradicts-value": "偏差原因分析或备注中写的完成数与实际完成值不一致。",
    "goal-outcome-missing": "预期目标中的某项内容在实际完成情况中没有提到。",
    "qualitative-actual-for-numeric-target": "年度指标值是数值，实际完成值却只写了“达成”等文字，没有实测数值。",
    "unit-mismatch": "年度指标值与实际完成值的计量单位不一致、缺失或为占位符，或比率以次数等单位计量。",
    "target-far-below-actual": "实际完成值远高于年度指标值，目标设置明显偏低。",
    "impossible-target": "指标值不可能实现，例如比率超过 100% 或数量为负数。",
    "percent-over-100": "以百分比计的实际完成值超过 100%。",
    "outcome-copies-goal": "实际完成情况与预期目标几乎逐字相同，没有说明实际完成了什么。",
    "actual-copies-target": "实际完成值照抄年度指标值（连比较符一起），没有填写实测结果。",
    "vague-target": "指标值是“有所提高”之类无法在年底衡量的描述，应给出数值或基线。",
    "output-upper-bound": "数量指标给产出设了上限（≤），产出指标通常应写下限（≥）或确数。",
    "cost-lower-bound": "成本指标给成本设了下限（≥），成本指标通常应写上限（≤）。",
    "missing-indicator-category": "申报表缺少模板要求设置的某类指标（如成本指标、时效指标）。",
    "funding-mismatch": "资金总额与各资金来源之和不一致。",
    "goal-without-indicator": "年度目标中的某项内容没有任何绩效指标衡量。",
    "markup-residue": "文本中残留 PDF 或识别导出的排版标记。",
    "placeholder-left": "表中还留着模板的占位内容（如 XX、……、请填写），提交前应填上实际内容。",
    "start-after-end": "计划开始日期晚于计划完成日期，日期可能填反了。",
    "dates-outside-year": "申报表中的日期不在申报年度之内。",
    "deadline-after-end": "时效指标要求的完成时间晚于项目的计划完成日期。",
    "target-below-last-actual": "今年的年度指标值低于同一项目上年的实际完成值。",
    "indicator-changed": "与上年同一项目相比，绩效指标有增加或删除。",
    "cost-indicator-missing": "申报表没有设置成本指标（项目目标应说明成本控制）。",
    "level-weights": "一级、二级指标的分值与表内印出的分值方案或其下各项分值合计不符。",
    "duplicate-indicator": "同一个三级指标在一张表中填了两次（如分别列在两个一级或二级指标下）。",
    "total-blank": "合计行为空或为 0 而其分项有数，或合计有数而分项全空。",
    "money-unit-scale": "金额的数量级与所标的单位（万元或元）不符，与表中其他金额（如成本指标、测算依据）对照可见。",
    "satisfaction-floor": "满意度指标的目标值低于设定的下限，是一个几乎不可能达不到的目标。",
    "project-attribute": "项目属性或项目类别的填写不在模板给出的选项之内。",
    "prose-figure-mismatch": "目标、完成情况或说明文字中的数量，与计量同一事项的指标所填数值不一致。",
}


def rule_title(slug: str) -> str:
    """The rule's Chinese name (its `title`), what every report and view shows in place of the slug; the slug
    itself for a rule that is not registered (a finding kept from an older run)."""
    from qa.checks import RULES  # qa.checks imports this module's neighbours; look up at call time

    rule = RULES.get(slug)
    return rule.title if rule is not None and rule.title else slug


def rule_description(slug: str) -> str:
    """What the rule checks, in a reviewer's words (RULE_DESCRIPTIONS), or "" for a rule not described."""
    return RULE_DESCRIPTIONS.get(slug, "")
