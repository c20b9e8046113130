"""target-below-last-actual / indicator-changed: 「今年目标 ≥5 份低于去年实际完成 10 份」, 「与去年相比指标有增删」."""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.model import Finding, Indicator, Project
from qa.checks.base import (
    DECLARATION,
    Context,
    Rule,
    compact,
    effective_op,
    is_figure,
    make_finding,
    show,
    units_comparable,
)

BELOW_SLUG = "target-below-last-actual"
CHANGED_SLUG = "indicator-changed"
_YEAR = re.compile(r"(?:19|20)\d{2}年度?")
_PUNCT = re.compile(r"[\W_]+")


def normalise_name(name: str) -> str:
    """Project or indicator names as the same thing from year to year: no years, spaces or punctuation."""
    return _PUNCT.sub("", _YEAR.sub("", compact(name)))


def _by_name(project: Project) -> dict[str, Indicator]:
    return {normalise_name(i.name): i for i in project.indicators}


def check_below(declaration: Project, earlier: Project, ctx: Context) -> Iterator[Finding]:
    before = _by_name(earlier)
    for ind in declaration.indicators:
        last = before.get(normalise_name(ind.name))
        if last is None or not is_figure(last.actual) or not is_figure(ind.target):
            continue
        assert last.actual is not None and last.actual.value is not None and ind.target.value is not None
        if not units_comparable(ind.target, last.actual):
            continue
        op = effective_op(ind)
        lower = op in ("≥", ">", "=") and ind.target.value < last.actual.value
        higher = op in ("≤", "<") and ind.target.value > last.actual.value
        if not (lower or higher):
            continue
        word = "低于" if lower else "高于"
        yield make_finding(
            BELOW_SLUG,
            "warning",
            declaration,
            f"「{ind.name}」{declaration.year} 年指标值 {show(ind.target)}{word}{earlier.year} 年实际完成值 "
            f"{show(last.actual)}（{earlier.document}），目标设置偏{'低' if lower else '松'}。",
            indicator=ind,
            evidence={
                "target": show(ind.target),
                "last_actual": show(last.actual),
                "last_year": earlier.year,
                "last_document": earlier.document,
            },
        )


def check_changed(declaration: Project, earlier: Project, ctx: Context) -> Iterator[Finding]:
    before, now = _by_name(earlier), _by_name(declaration)
    added = [now[k].name for k in now if k not in before]
    removed = [before[k].name for k in before if k not in now]
    if not added and not removed:
        return
    parts = []
    if added:
        parts.append(f"新增 {len(added)} 项（{'、'.join(added[:5])}{'等' if len(added) > 5 else ''}）")
    if removed:
        parts.append(f"取消 {len(removed)} 项（{'、'.join(removed[:5])}{'等' if len(removed) > 5 else ''}）")
    yield make_finding(
        CHANGED_SLUG,
        "info",
        declaration,
        f"与 {earlier.year} 年自评表（{earlier.document}）相比，绩效指标{'，'.join(parts)}，请核实调整理由。",
        evidence={
            "added": added,
            "removed": removed,
            "last_year": earlier.year,
            "last_document": earlier.document,
        },
    )


BELOW_RULE = Rule(
    BELOW_SLUG, "warning", "pair", DECLARATION, check_below, __doc__ or "", title="目标低于上年实际完成"
)
CHANGED_RULE = Rule(
    CHANGED_SLUG, "info", "pair", DECLARATION, check_changed, __doc__ or "", title="指标与上年相比有增删"
)
