"""score-deducted-though-met: 「实际完成值显示已达成，却扣了分（15 分只得 13 分）」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import (
    SELF_EVALUATION,
    Context,
    Rule,
    fmt,
    is_explained,
    make_finding,
    result,
    row_evidence,
    show,
)

SLUG = "score-deducted-though-met"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    tol = ctx.settings.tolerance
    for ind in project.indicators:
        if ind.weight is None or ind.score is None or ind.score >= ind.weight - tol:
            continue
        if result(ind) != "met":
            continue
        explained = is_explained(ind.note)
        tail = "偏差说明称：" + ind.note.strip()[:60].rstrip("。.；;，,") if explained else "且未说明扣分原因"
        yield make_finding(
            SLUG,
            "info" if explained else "warning",
            project,
            f"「{ind.name}」实际完成值 {show(ind.actual)}（年度指标值 {show(ind.target)}）已达成，"
            f"但得分 {fmt(ind.score)} 低于分值 {fmt(ind.weight)}，扣 {fmt(ind.weight - ind.score)} 分；{tail}。",
            indicator=ind,
            evidence=row_evidence(ind, deducted=ind.weight - ind.score, explained=explained),
        )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="已达成却扣分")
