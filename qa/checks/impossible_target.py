"""impossible-target: 「指标值 ≥100% 只能等于 100%」, a share above 100% or a negative count."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks import vocab
from qa.checks.base import (
    ANY_KIND,
    HUNDRED,
    Context,
    Rule,
    contains_any,
    is_figure,
    make_finding,
    show,
    unit_of,
)

SLUG = "impossible-target"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        target = ind.target
        if target.value is None or not is_figure(target):
            continue
        unit = unit_of(target)
        percent = unit == "%" and not contains_any(ind.name, vocab.GROWTH_WORDS)
        if target.value < 0:
            problem, severity = "指标值为负数", "error"
        elif percent and target.value > HUNDRED:
            problem, severity = "百分比超过 100%", "error"
        elif percent and target.value == HUNDRED and target.op == ">":
            problem, severity = "比率不可能超过 100%", "error"
        elif percent and target.value == HUNDRED and target.op == "≥":
            problem, severity = "比率最多为 100%，“≥100%”实际只能等于 100%，应写作“=100%”", "warning"
        else:
            continue
        yield make_finding(
            SLUG,
            severity,
            project,
            f"「{ind.name}」年度指标值 {show(target)}：{problem}。",
            indicator=ind,
            evidence={"target": show(target), "op": target.op, "value": target.value, "unit": unit},
        )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title="指标值不可能实现")
