"""outcome-copies-goal: 「实际完成情况与预期目标几乎逐字相同，等于没有报告完成了什么」."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, compact, make_finding
from qa.checks.terms import figures

SLUG = "outcome-copies-goal"
_NOT_CONTENT = re.compile(r"[\W_]+")


def similarity(a: str, b: str, at_least: float = 0.0) -> float:
    """Character-level similarity of two texts, punctuation and spacing ignored (0..1).

    Args:
        at_least: below this the exact figure does not matter: 0.0 is returned as soon as the cheap
            upper bounds (lengths, shared characters) fall under it.
    """
    a, b = _NOT_CONTENT.sub("", compact(a)), _NOT_CONTENT.sub("", compact(b))
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    return matcher.ratio()


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    expected, achieved = project.goals.expected, project.goals.achieved
    if expected is None or achieved is None:
        return
    goal = "".join(c.text for c in expected.clauses) or expected.text
    outcome = "".join(c.text for c in achieved.clauses) or achieved.text
    # An outcome that adds figures of its own (编制规范 7 个) reports something, however close its wording.
    if figures(outcome) - figures(goal):
        return
    score = similarity(goal, outcome, at_least=ctx.settings.copy_similarity)
    if score < ctx.settings.copy_similarity:
        return
    yield make_finding(
        SLUG,
        "warning",
        project,
        f"实际完成情况与预期目标的文字相似度为 {score:.0%}，基本照抄目标，未写明实际完成了什么、完成到什么程度。",
        evidence={
            "similarity": round(score, 3),
            "threshold": ctx.settings.copy_similarity,
            "expected": expected.text[:200],
            "achieved": achieved.text[:200],
        },
        source=achieved.source,
    )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="完成情况照抄预期目标")
