"""execution-rate-mismatch: 「全年执行数/全年预算数 = 62.64%，表中执行率却为 72.64%」, or a budget score off the rate."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from corpus.model import Finding, Project
from qa.checks.base import HUNDRED, SELF_EVALUATION, Context, Rule, fmt, make_finding, printed_matches

SLUG = "execution-rate-mismatch"
LINE_NAMES = {
    "total": "年度资金总额",
    "appropriation": "当年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    budget = project.budget
    if budget is None:
        return
    s = ctx.settings
    lines = [("total", budget.adjusted, budget.spent, budget.rate, budget.source)]
    lines += [
        (line.label, line.adjusted, line.spent, line.rate, line.source or budget.source)
        for line in budget.lines
    ]
    for label, adjusted, spent, rate, source in lines:
        if adjusted is None or spent is None or rate is None or adjusted <= 0:
            continue
        exact = spent / adjusted * HUNDRED
        if not printed_matches(rate, exact, s.rate_tolerance):
            name = LINE_NAMES.get(label, label)
            yield make_finding(
                SLUG,
                "error",
                project,
                f"{name}执行率应为 全年执行数 {fmt(spent)} / 全年预算数 {fmt(adjusted)} = {fmt(exact, 2)}%，"
                f"表中却为 {fmt(rate)}%。",
                evidence={
                    "line": name,
                    "adjusted": adjusted,
                    "spent": spent,
                    "printed_rate": rate,
                    "computed_rate": exact.quantize(Decimal("0.0001")),
                    "unit": budget.unit,
                },
                source=source,
            )
    if budget.weight is None or budget.score is None:
        return
    exact_rate = (
        budget.spent / budget.adjusted * HUNDRED if budget.spent is not None and budget.adjusted else None
    )
    candidates = [r for r in (exact_rate, budget.rate) if r is not None]
    if not candidates:
        return
    # The score may be computed from the exact rate or from the printed (truncated) one; either is right.
    expected = [min(budget.weight, budget.weight * r / HUNDRED) for r in candidates]
    if any(printed_matches(budget.score, e, s.tolerance) for e in expected):
        return
    yield make_finding(
        SLUG,
        "error",
        project,
        f"预算执行率得分应为 分值 {fmt(budget.weight)} × 执行率 {fmt(candidates[-1])}% = {fmt(expected[-1], 2)}，"
        f"表中得分却为 {fmt(budget.score)}。",
        evidence={
            "weight": budget.weight,
            "rate": candidates[-1],
            "printed_score": budget.score,
            "expected_score": expected[-1].quantize(Decimal("0.01")),
        },
        source=budget.source,
    )


RULE = Rule(SLUG, "error", "project", SELF_EVALUATION, check, __doc__ or "", title="执行率与预算数不符")
