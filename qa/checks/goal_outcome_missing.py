"""goal-outcome-missing: 「预期目标要求“近海海域巡查”，实际完成情况只字未提」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, make_finding, show
from qa.checks.terms import Reference, describe_closest, pieces, texts_to_embed, unreported_by_clause

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
    refs = references(project)
    for clause, missing in unreported_by_clause(expected.clauses, refs, project, ctx):
        tasks = "、".join(f"“{unit.text}”" for unit, _ in missing)
        terms = list(dict.fromkeys(t for _, m in missing for t in m.missing))
        closest = min((m for _, m in missing), key=lambda m: m.coverage)
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"预期目标中的{tasks}在实际完成情况中没有对应的完成表述（未提及：{'、'.join(terms)}）；"
            f"{describe_closest(closest, '实际完成情况')}。",
            evidence={
                "goal_clause": clause.text,
                "unreported": [unit.text for unit, _ in missing],
                "missing_terms": terms,
                "closest": closest.reference.text if closest.reference else "",
                "term_coverage": round(closest.coverage, 3),
                "similarity": round(closest.similarity, 3) if closest.similarity is not None else None,
            },
            source=clause.source,
        )


def embeds(project: Project, ctx: Context) -> list[str]:
    expected = project.goals.expected
    if expected is None or project.goals.achieved is None:
        return []
    return texts_to_embed(expected.clauses, references(project), project, ctx)


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", embeds)
