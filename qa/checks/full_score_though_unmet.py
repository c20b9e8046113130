"""full-score-though-unmet: 「目标未达成（或仅部分达成），却得了满分」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, fmt, make_finding, result, row_evidence, show

SLUG = "full-score-though-unmet"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    tol = ctx.settings.tolerance
    for ind in project.indicators:
        if ind.weight is None or ind.score is None or ind.score < ind.weight - tol:
            continue
        outcome = result(ind)
        if outcome not in ("unmet", "partly"):
            continue
        state = "未达成" if outcome == "unmet" else "仅部分达成"
        yield make_finding(
            SLUG,
            "error",
            project,
            f"「{ind.name}」年度指标值 {show(ind.target)}，实际完成值 {show(ind.actual)}，{state}，"
            f"却得满分 {fmt(ind.score)}（分值 {fmt(ind.weight)}）。",
            indicator=ind,
            evidence=row_evidence(ind),
        )


RULE = Rule(SLUG, "error", "project", SELF_EVALUATION, check, __doc__ or "", title="未达成却得满分")
