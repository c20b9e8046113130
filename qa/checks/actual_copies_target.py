"""actual-copies-target: 「实际完成值照抄年度指标值“≥95%”，没有填写实测结果」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks.base import SELF_EVALUATION, Context, Rule, compact, make_finding, show

SLUG = "actual-copies-target"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        actual, target = ind.actual, ind.target
        # A measured value has no comparator; `≥95%` in the actual column is the target copied over.
        if actual is None or actual.op is None:
            continue
        what = "年度指标值原文" if compact(actual.text) == compact(target.text) else "带比较符的指标值"
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」实际完成值填的是{what}“{show(actual)}”（年度指标值 {show(target)}），"
            "应填写实际达到的数值或情况。",
            indicator=ind,
            evidence={"target": target.text, "actual": actual.text},
        )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="实际完成值照抄指标值")
