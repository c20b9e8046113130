"""low-execution: 「预算执行率仅 62.64%，低于 90%，表中未说明原因」 (error when no reason is given)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from corpus.model import Finding, Project
from qa.checks import vocab
from qa.checks.base import HUNDRED, SELF_EVALUATION, Context, Rule, compact, fmt, make_finding

SLUG = "low-execution"


def execution_rate(project: Project) -> Decimal | None:
    """The printed 执行率, or 全年执行数/全年预算数 when none is printed."""
    budget = project.budget
    if budget is None:
        return None
    if budget.rate is not None:
        return budget.rate
    if budget.spent is not None and budget.adjusted:
        return budget.spent / budget.adjusted * HUNDRED
    return None


def reason_given(project: Project) -> str | None:
    """The first note or outcome sentence that speaks of spending, if any."""
    texts = [i.note for i in project.indicators if i.note]
    if project.goals.achieved is not None:
        texts += [c.text for c in project.goals.achieved.clauses]
    for text in texts:
        if any(word in compact(text) for word in vocab.EXECUTION_REASON_WORDS):
            return text.strip()
    return None


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    rate = execution_rate(project)
    floor = ctx.settings.low_execution_rate
    if rate is None or rate >= floor:
        return
    budget = project.budget
    assert budget is not None
    reason = reason_given(project)
    tail = f"表中相关说明：{reason[:80]}" if reason else "表中未说明原因"
    # Unspent money with no word on why is what a reviewer sends back; an explained gap is a warning.
    yield make_finding(
        SLUG,
        "warning" if reason else "error",
        project,
        f"预算执行率 {fmt(rate, 2)}%（全年执行数 {fmt(budget.spent)} / 全年预算数 {fmt(budget.adjusted)} {budget.unit}）"
        f"低于 {fmt(floor, 0)}%，{tail}。",
        evidence={
            "rate": rate,
            "threshold": floor,
            "adjusted": budget.adjusted,
            "spent": budget.spent,
            "unit": budget.unit,
            "reason": reason or "",
        },
        source=budget.source,
    )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="预算执行率偏低")
