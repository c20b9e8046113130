"""output-upper-bound: 「数量指标“维修工程量 ≤5000 平方米”给产出设了上限，应为 ≥ 或 =」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Project
from qa.checks import vocab
from qa.checks.base import DECLARATION, Context, Rule, compact, make_finding, show

SLUG = "output-upper-bound"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        if ind.target.op not in ("≤", "<"):
            continue
        if vocab.LEVEL1_OUTPUT not in compact(ind.level1) or vocab.QUANTITY_CATEGORY not in compact(
            ind.level2
        ):
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"产出数量指标「{ind.name}」指标值为 {show(ind.target)}，用“{ind.target.op}”给应交付的数量设了上限，"
            "数量指标应写下限（≥）或定值（=）。",
            indicator=ind,
            evidence={
                "target": show(ind.target),
                "op": ind.target.op,
                "level1": ind.level1,
                "level2": ind.level2,
            },
        )


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", title="产出指标设了上限")
