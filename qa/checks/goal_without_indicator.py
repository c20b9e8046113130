"""goal-without-indicator: 「年度总体目标列了“值班保障”“业务培训”，却没有任何绩效指标衡量它们」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import DECLARATION, Context, Rule
from qa.checks.terms import Reference, gap_findings, texts_to_embed

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
    yield from gap_findings(
        SLUG,
        project,
        goals.clauses,
        references(project),
        ctx,
        block="年度总体目标",
        gap="没有绩效指标衡量",
        absent="指标未涉及",
        against="绩效指标",
        gap_key="unmeasured",
        closest_key="closest_indicator",
    )


def embeds(project: Project, ctx: Context) -> list[str]:
    goals = project.goals.annual or project.goals.overall
    if goals is None or not project.indicators:
        return []
    return texts_to_embed(goals.clauses, references(project), project, ctx)


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", embeds)
