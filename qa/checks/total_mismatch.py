"""total-mismatch: 「预算得分与各指标得分之和为 96.80，总分却填 96.82」, or weights that do not add up to 100."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, fmt, make_finding

SLUG = "total-mismatch"
FULL_MARKS = Decimal(100)


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    tol = ctx.settings.tolerance
    budget = project.budget
    rows = project.indicators
    if not rows:
        return
    parts = "预算执行率得分与各指标得分之和" if budget and budget.score is not None else "各指标得分之和"
    scores = [i.score for i in rows]
    if project.total_score is not None and all(s is not None for s in scores):
        total = sum(scores, Decimal(0)) + (budget.score if budget and budget.score is not None else 0)
        if abs(total - project.total_score) > tol:
            yield make_finding(
                SLUG,
                "error",
                project,
                f"{parts}为 {fmt(total)}，总分却为 {fmt(project.total_score)}，相差 {fmt(project.total_score - total)}。",
                evidence={
                    "sum_of_scores": total,
                    "total_score": project.total_score,
                    "budget_score": budget.score if budget else None,
                },
            )
    weights = [i.weight for i in rows]
    if all(w is not None for w in weights):
        weight_sum = sum(weights, Decimal(0)) + (budget.weight if budget and budget.weight is not None else 0)
        expected = project.total_weight if project.total_weight is not None else FULL_MARKS
        if abs(weight_sum - expected) > tol:
            printed = "总分栏分值" if project.total_weight is not None else "满分"
            with_budget = budget is not None and budget.weight is not None
            weight_parts = "预算执行率分值与各指标分值之和" if with_budget else "各指标分值之和"
            yield make_finding(
                SLUG,
                "error",
                project,
                f"{weight_parts}为 {fmt(weight_sum)}，与{printed} {fmt(expected)} 不符。",
                evidence={
                    "sum_of_weights": weight_sum,
                    "expected_weight": expected,
                    "budget_weight": budget.weight if budget else None,
                },
            )
        elif project.total_weight is not None and abs(project.total_weight - FULL_MARKS) > tol:
            yield make_finding(
                SLUG,
                "warning",
                project,
                f"总分栏分值为 {fmt(project.total_weight)}，不是满分 100。",
                evidence={"total_weight": project.total_weight, "expected_weight": FULL_MARKS},
            )


RULE = Rule(SLUG, "error", "project", SELF_EVALUATION, check, __doc__ or "", title="合计数与明细不符")
