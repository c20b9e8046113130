"""goal-outcome-missing: 「预期目标要求“组建船舶力量，开展近海海域海上巡查”，实际完成情况只字未提」.

Each task of a 预期目标 clause is held against the 实际完成情况 and the indicators with an actual: a
task whose key objects (船舶、巡查) none of them mentions is not reported; the finding names those
objects and shows where the clause's other tasks are reported (qa/checks/goal_cover.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, show
from qa.checks.goal_cover import goal_findings, texts_to_embed
from qa.checks.terms import Reference, pieces

SLUG = "goal-outcome-missing"


def references(project: Project) -> list[Reference]:
    """What reports an outcome: each piece of 实际完成情况, and each indicator row with its actual."""
    refs = []
    if project.goals.achieved is not None:
        for clause in project.goals.achieved.clauses:
            refs += [Reference(f"实际完成情况“{piece[:40]}”", piece) for piece in pieces(clause.text)]
    for ind in project.indicators:
        if ind.actual is not None and ind.actual.text:
            refs.append(Reference(f"指标「{ind.name}」（{show(ind.actual)}）", ind.name))
    return refs


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    expected = project.goals.expected
    if expected is None or project.goals.achieved is None:
        return
    yield from goal_findings(
        SLUG,
        project,
        expected.clauses,
        references(project),
        ctx,
        block="预期目标",
        gap="在实际完成情况中没有对应的完成表述",
        against="实际完成情况",
        gap_key="unreported",
        closest_key="closest",
    )


def embeds(project: Project, ctx: Context) -> list[str]:
    expected = project.goals.expected
    if expected is None or project.goals.achieved is None:
        return []
    return texts_to_embed(expected.clauses, references(project), project, ctx)


RULE = Rule(
    SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", embeds, title="目标未报告完成情况"
)
