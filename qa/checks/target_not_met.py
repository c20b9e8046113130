"""target-not-met: 「年度指标值 ≥20.00(份)，实际完成 5.00(份)，未达成目标」— a figure short of its target."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, is_explained, make_finding, numeric_met, show

SLUG = "target-not-met"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        if numeric_met(ind) is not False:
            continue
        explained = is_explained(ind.note)
        tail = "已说明偏差原因" if explained else "且未说明偏差原因"
        yield make_finding(
            SLUG,
            "warning" if explained else "error",
            project,
            f"「{ind.name}」年度指标值 {show(ind.target)}，实际完成值 {show(ind.actual)}，未达成目标，{tail}。",
            indicator=ind,
            evidence={
                "target": show(ind.target),
                "actual": show(ind.actual),
                "op": ind.target.op,
                "target_value": ind.target.value,
                "actual_value": ind.actual.value if ind.actual else None,
                "explained": explained,
            },
        )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="指标未达成目标")
