"""goal-without-indicator: 「年度总体目标列了“值班保障”“业务培训”，却没有任何绩效指标衡量它们」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import DECLARATION, Context, Rule, make_finding
from qa.checks.terms import Reference, describe_closest, texts_to_embed, unreported_by_clause

SLUG = "goal-without-indicator"


def references(project: Project) -> list[Reference]:
    """Each indicator as a goal may name it: its name and its target (words, or figure and unit)."""
    return [
        Reference(f"指标「{ind.name}」", f"{ind.name} {ind.target.text}".strip())
        for ind in project.indicators
    ]


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    goals = project.goals.annual or project.goals.overall
    if goals is None or not project.indicators:
        return
    for clause, missing in unreported_by_clause(goals.clauses, references(project), project, ctx):
        tasks = "、".join(f"“{unit.text}”" for unit, _ in missing)
        terms = list(dict.fromkeys(t for _, m in missing for t in m.missing))
        closest = min((m for _, m in missing), key=lambda m: m.coverage)
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"年度总体目标中的{tasks}没有绩效指标衡量（指标未涉及：{'、'.join(terms)}）；"
            f"{describe_closest(closest, '绩效指标')}。",
            evidence={
                "goal_clause": clause.text,
                "unmeasured": [unit.text for unit, _ in missing],
                "missing_terms": terms,
                "closest_indicator": closest.reference.text if closest.reference else "",
                "term_coverage": round(closest.coverage, 3),
                "similarity": round(closest.similarity, 3) if closest.similarity is not None else None,
            },
            source=clause.source,
        )


def embeds(project: Project, ctx: Context) -> list[str]:
    goals = project.goals.annual or project.goals.overall
    if goals is None or not project.indicators:
        return []
    return texts_to_embed(goals.clauses, references(project), project, ctx)


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", embeds)
