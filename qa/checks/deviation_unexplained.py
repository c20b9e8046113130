"""deviation-unexplained: 「未达成（或部分达成、扣分）却未填写偏差原因分析及改进措施」."""

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

SLUG = "deviation-unexplained"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    tol = ctx.settings.tolerance
    for ind in project.indicators:
        if is_explained(ind.note):
            continue
        outcome = result(ind)
        deducted = ind.weight is not None and ind.score is not None and ind.score < ind.weight - tol
        if outcome == "unmet":
            why = "未达成目标"
        elif outcome == "partly":
            why = "仅部分达成"
        elif deducted:
            why = f"得分 {fmt(ind.score)} 低于分值 {fmt(ind.weight)}"
        else:
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」{why}（年度指标值 {show(ind.target)}，实际完成值 {show(ind.actual)}），"
            "但偏差原因分析及改进措施为空。",
            indicator=ind,
            evidence=row_evidence(ind, note=ind.note),
        )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="未说明偏差原因")
