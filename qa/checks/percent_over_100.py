"""percent-over-100: 「实际完成值“合格率 105%”超过 100%」, or 「执行率 104.20%：全年执行数超过全年预算数，未说明原因」.

impossible-target already reports a 年度指标值 above 100%; this rule reports the other measure, the 实际完成值,
in any kind of document, so no cell is reported twice. Growth and increase rates (增长 120%) may exceed 100%,
and so may thousandths (200‰ is 20%).

The budget block too (source: 项目支出绩效自评表 of 财预〔2020〕10号, 执行率 = 全年执行数 / 全年预算数, the
预算数 being the year's adjusted budget): money spent beyond the 全年预算数 (a 全年执行数 above the 全年预算数) is spending without a budget unless a note explains it (追加预算 not yet
entered, 垫付 …). The 年度资金总额 row is checked, and each 其中 row when the total is within budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from corpus.model import Finding, Indicator, Measure, Project
from qa.checks import vocab
from qa.checks.base import (
    ANY_KIND,
    HUNDRED,
    Context,
    Rule,
    compact,
    contains_any,
    fmt,
    is_figure,
    make_finding,
    show,
    unit_of,
)

SLUG = "percent-over-100"
LINE_NAMES = {
    "total": "年度资金总额",
    "appropriation": "当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}


def _permille(measure: Measure) -> bool:
    return contains_any(compact(measure.unit) + compact(measure.text), vocab.PERMILLE_UNITS)


def is_percent(measure: Measure, indicator: Indicator) -> bool:
    """A percentage: written with %, or with no unit where the target of the same row is in %."""
    if _permille(measure):
        return False
    unit = unit_of(measure)
    if unit == "%":
        return True
    target = indicator.target
    return unit is None and is_figure(target) and unit_of(target) == "%" and not _permille(target)


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    yield from _overspent(project, ctx)
    for ind in project.indicators:
        actual = ind.actual
        if actual is None or not is_figure(actual) or actual.value is None or actual.value <= HUNDRED:
            continue
        if not is_percent(actual, ind) or contains_any(ind.name, vocab.GROWTH_WORDS):
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」实际完成值 {show(actual)} 超过 100%：比率最多为 100%；"
            "若是超额完成，应按 100% 填报并在偏差原因中说明实际数量，或核对数值是否填错。",
            indicator=ind,
            evidence={"actual": show(actual), "value": actual.value, "target": show(ind.target)},
        )


def _over_budget(adjusted: Decimal | None, spent: Decimal | None, ctx: Context) -> bool:
    """全年执行数 above 全年预算数, both printed: a 执行率 above 100% printed alone is execution-rate-mismatch's
    to compare (a flattened row can put any figure in that cell)."""
    return (
        adjusted is not None
        and spent is not None
        and adjusted > 0
        and spent > adjusted + ctx.settings.tolerance
    )


def _reason(project: Project) -> str | None:
    """The first note or outcome sentence that speaks of money beyond the budget (追加, 垫付 …), if any."""
    texts = [i.note for i in project.indicators if i.note]
    if project.goals.achieved is not None:
        texts += [c.text for c in project.goals.achieved.clauses]
    # Not the words of an unspent budget (执行率, 采购): an outcome that prints 执行率 104% explains nothing.
    return next((t.strip() for t in texts if contains_any(compact(t), vocab.OVERSPEND_REASON_WORDS)), None)


def _overspent(project: Project, ctx: Context) -> Iterator[Finding]:
    budget = project.budget
    if budget is None:
        return
    rows = [(LINE_NAMES["total"], budget.adjusted, budget.spent, budget.rate, budget.source)]
    rows += [
        (
            LINE_NAMES.get(line.label, line.label),
            line.adjusted,
            line.spent,
            line.rate,
            line.source or budget.source,
        )
        for line in budget.lines
    ]
    over = [row for row in rows if _over_budget(row[1], row[2], ctx)]
    if not over:
        return
    reason = _reason(project)
    # The total over budget says it all; its 其中 rows are reported only when the total is not over.
    for name, adjusted, spent, rate, source in over[:1] if over[0] is rows[0] else over:
        shown = fmt(spent / adjusted * HUNDRED, 2)  # type: ignore[operator]
        tail = f"表中相关说明：{reason[:80]}" if reason else "表中未说明原因（如追加预算未调整、垫付等）"
        yield make_finding(
            SLUG,
            "info" if reason else "warning",
            project,
            f"{name}执行率 {shown}% 超过 100%（全年执行数 {fmt(spent)} / 全年预算数 {fmt(adjusted)} {budget.unit}），"
            f"支出超出预算，{tail}。",
            evidence={
                "part": name,
                "adjusted": adjusted,
                "spent": spent,
                "printed_rate": rate,
                "unit": budget.unit,
                "reason": reason or "",
            },
            source=source,
        )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title="执行率或实际完成比率超过100%")
