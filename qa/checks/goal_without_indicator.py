"""goal-without-indicator: 「年度总体目标列了“值班保障”“执法服装”，却没有任何绩效指标衡量它们」.

Each task of the 年度总体目标 (else 总体目标, else the 预期目标 a declaration prints) is held against the
indicators, name and target: a task whose key objects no indicator mentions is not measured; the finding
names those objects and shows which indicators measure the clause's other tasks (qa/checks/goal_cover.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, GoalBlock, Project
from qa.checks.base import DECLARATION, Context, Rule
from qa.checks.goal_cover import goal_findings, texts_to_embed
from qa.checks.terms import Reference

SLUG = "goal-without-indicator"


def references(project: Project) -> list[Reference]:
    """Each indicator as a goal may name it: its name and its target (words, or figure and unit)."""
    return [
        Reference(f"指标「{ind.name}」", f"{ind.name} {ind.target.text}".strip())
        for ind in project.indicators
    ]


def goals(project: Project) -> GoalBlock | None:
    """The goals a declaration sets for the year: 年度总体目标, else 总体目标, else a 预期目标 block."""
    return project.goals.annual or project.goals.overall or project.goals.expected


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    block = goals(project)
    if block is None or not project.indicators:
        return
    yield from goal_findings(
        SLUG,
        project,
        block.clauses,
        references(project),
        ctx,
        block=block.label or "年度总体目标",
        gap="没有绩效指标衡量",
        against="绩效指标",
        gap_key="unmeasured",
        closest_key="closest_indicator",
    )


def embeds(project: Project, ctx: Context) -> list[str]:
    block = goals(project)
    if block is None or not project.indicators:
        return []
    return texts_to_embed(block.clauses, references(project), project, ctx)


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", embeds, title="目标没有指标衡量")
