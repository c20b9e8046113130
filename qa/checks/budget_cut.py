"""budget-cut: 「全年预算数较年初预算数调减 50.68%，超过 20%」— the year's budget cut deep during the year."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from corpus.model import Finding, Project
from qa.checks.base import HUNDRED, SELF_EVALUATION, Context, Rule, fmt, make_finding

SLUG = "budget-cut"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    budget = project.budget
    if budget is None or budget.planned is None or budget.adjusted is None or budget.planned <= 0:
        return
    ratio = ctx.settings.budget_cut_ratio
    cut = (budget.planned - budget.adjusted) / budget.planned
    if cut <= ratio:
        return
    yield make_finding(
        SLUG,
        "warning",
        project,
        f"全年预算数 {fmt(budget.adjusted)} {budget.unit}较年初预算数 {fmt(budget.planned)} {budget.unit}"
        f"调减 {fmt(cut * HUNDRED, 2)}%，超过 {fmt(ratio * HUNDRED, 0)}%，需说明预算调整原因。",
        evidence={
            "planned": budget.planned,
            "adjusted": budget.adjusted,
            "unit": budget.unit,
            "cut_percent": (cut * HUNDRED).quantize(Decimal("0.01")),
            "threshold_percent": ratio * HUNDRED,
        },
        source=budget.source,
    )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="预算大幅调减")
