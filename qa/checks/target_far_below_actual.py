"""target-far-below-actual: 「年度指标值 ≥20 家，实际完成 5412 家，目标设置明显偏低」."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from corpus.model import Finding, Project
from qa.checks.base import (
    SELF_EVALUATION,
    Context,
    Rule,
    effective_op,
    fmt,
    is_figure,
    make_finding,
    show,
    units_comparable,
)

SLUG = "target-far-below-actual"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    factor = ctx.settings.target_far_below_factor
    for ind in project.indicators:
        target, actual = ind.target, ind.actual
        if not (is_figure(target) and is_figure(actual)) or target.value is None or target.value <= 0:
            continue
        assert actual is not None and actual.value is not None
        if effective_op(ind) not in ("≥", ">", "=") or not units_comparable(target, actual):
            continue
        ratio = actual.value / target.value
        if ratio < factor:
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」实际完成值 {show(actual)} 是年度指标值 {show(target)} 的 {fmt(ratio, 1)} 倍，"
            "目标设置偏低。",
            indicator=ind,
            evidence={
                "target": show(target),
                "actual": show(actual),
                "ratio": ratio.quantize(Decimal("0.01")),
                "factor": factor,
            },
        )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="目标值设置明显偏低")
