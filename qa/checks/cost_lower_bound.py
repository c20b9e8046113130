"""cost-lower-bound: 「成本指标“单位运行成本 ≥500 元”给成本设了下限，成本应写上限（≤）」."""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Indicator, Project
from qa.checks import vocab
from qa.checks.base import DECLARATION, Context, Rule, compact, contains_any, make_finding, show, unit_of

SLUG = "cost-lower-bound"


def is_cost_indicator(ind: Indicator) -> bool:
    """Filed under a category that names 成本 (成本指标, 经济成本指标, 社会成本指标, 生态环境成本指标)."""
    return vocab.COST_CATEGORY_WORD in compact(ind.level1) + compact(ind.level2)


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        target = ind.target
        if target.op not in ("≥", ">") or target.value is None or not is_cost_indicator(ind):
            continue
        # A saving (成本节约率 ≥5%) is bounded below on purpose, and a rate filed under 成本指标
        # (预算执行率 ≥95%) is not an amount of cost: only amounts of money or things are bounded above.
        if contains_any(compact(ind.name), vocab.COST_SAVING_WORDS) or unit_of(target) == "%":
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"成本指标「{ind.name}」指标值为 {show(target)}，用“{target.op}”给成本设了下限，"
            "成本应控制在上限以内，应写作“≤”或“<”。",
            indicator=ind,
            evidence={"target": show(target), "op": target.op, "level1": ind.level1, "level2": ind.level2},
        )


RULE = Rule(SLUG, "warning", "project", DECLARATION, check, __doc__ or "", title="成本指标设了下限")
