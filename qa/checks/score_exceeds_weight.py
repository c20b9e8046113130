"""score-exceeds-weight: 「得分 12 分超过该项分值 10 分」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, fmt, make_finding

SLUG = "score-exceeds-weight"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    tol = ctx.settings.tolerance
    budget = project.budget
    if (
        budget
        and budget.weight is not None
        and budget.score is not None
        and budget.score > budget.weight + tol
    ):
        yield make_finding(
            SLUG,
            "error",
            project,
            f"预算执行率得分 {fmt(budget.score)} 超过其分值 {fmt(budget.weight)}。",
            evidence={"part": "预算执行率", "weight": budget.weight, "score": budget.score},
            source=budget.source,
        )
    for ind in project.indicators:
        if ind.weight is not None and ind.score is not None and ind.score > ind.weight + tol:
            yield make_finding(
                SLUG,
                "error",
                project,
                f"「{ind.name}」得分 {fmt(ind.score)} 超过分值 {fmt(ind.weight)}。",
                indicator=ind,
                evidence={"weight": ind.weight, "score": ind.score},
            )


RULE = Rule(SLUG, "error", "project", SELF_EVALUATION, check, __doc__ or "", title="得分超过分值")
