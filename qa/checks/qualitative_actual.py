"""qualitative-actual-for-numeric-target: 「年度指标值 ≥85%，实际完成值只写“达成指标”，没有实测数值」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, is_figure, make_finding, show

SLUG = "qualitative-actual-for-numeric-target"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        actual = ind.actual
        if not is_figure(ind.target) or actual is None or actual.value is not None or not actual.qualitative:
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」年度指标值为数值 {show(ind.target)}，实际完成值却只填“{actual.qualitative}”，"
            "应填写实际完成的数值。",
            indicator=ind,
            evidence={"target": show(ind.target), "actual": actual.qualitative},
        )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="数值目标只填定性结果")
