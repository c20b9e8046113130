"""note-contradicts-value: 「实际完成值填 2.00(个)，偏差说明却写“实际完成 3 份报告”」— two different figures for one result."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from corpus.model import Finding, Indicator, Project
from qa.checks import vocab
from qa.checks.base import (
    SELF_EVALUATION,
    Context,
    Rule,
    compact,
    fmt,
    make_finding,
    same_family,
    show,
    unit_of,
)
from qa.checks.terms import content_terms

SLUG = "note-contradicts-value"

_UNITS = sorted({u for family in vocab.UNIT_FAMILIES for u in family}, key=len, reverse=True)
_UNIT = "|".join(re.escape(u) for u in _UNITS)
_MARKERS = "|".join(re.escape(m) for m in sorted(vocab.COMPLETED_MARKERS, key=len, reverse=True))
# 实际完成 3 份: a completion marker right before the figure, the unit right after it.
_STATED = re.compile(rf"(?:{_MARKERS})了?(?P<num>\d+(?:\.\d+)?)(?P<unit>{_UNIT})(?P<after>.?)")
# In the outcome text the figure may stand anywhere in the clause: 开展 2 次计算机保密检查.
_FIGURE = re.compile(
    rf"(?<![\d.年月第])(?P<num>\d+(?:\.\d+)?)(?P<approx>余|多)?(?P<unit>{_UNIT})(?P<after>.?)"
)
_CLAUSE = re.compile(r"[，,；;。]")


@dataclass(frozen=True)
class Stated:
    value: Decimal
    unit: str
    where: str  # 偏差说明 / 实际完成情况
    text: str


def _unit_ok(unit: str, after: str, indicator_unit: str) -> bool:
    # 4 个季度, 1.1 个百分点: 个 is a classifier of the next word, not the unit.
    if unit == "个" and after and any(w.startswith(after) for w in vocab.NOT_A_COUNT_AFTER_GE):
        return False
    return same_family(unit, indicator_unit)


def stated_in_note(ind: Indicator, unit: str) -> list[Stated]:
    note = compact(ind.note)
    return [
        Stated(Decimal(m["num"]), m["unit"], "偏差原因分析", ind.note.strip())
        for m in _STATED.finditer(note)
        if _unit_ok(m["unit"], m["after"], unit)
    ]


def stated_in_outcome(ind: Indicator, unit: str, project: Project) -> list[Stated]:
    """Figures of an outcome clause that names this indicator (shares two of its terms) and no other figure."""
    achieved = project.goals.achieved
    if achieved is None:
        return []
    name_terms = set(content_terms(ind.name))
    found = []
    for clause in _CLAUSE.split(compact(achieved.text)):
        figures = [m for m in _FIGURE.finditer(clause) if _unit_ok(m["unit"], m["after"], unit)]
        if len(figures) != 1 or figures[0]["approx"]:
            continue
        shared = [t for t in name_terms if t in clause]
        if len(shared) >= 2:
            m = figures[0]
            found.append(Stated(Decimal(m["num"]), m["unit"], "实际完成情况", clause))
    return found


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        actual = ind.actual
        if actual is None or actual.value is None:
            continue
        unit = unit_of(actual) or unit_of(ind.target)
        if unit is None or unit == "%":
            continue
        stated = stated_in_note(ind, unit) + stated_in_outcome(ind, unit, project)
        if not stated or any(s.value == actual.value for s in stated):
            continue
        first = stated[0]
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」实际完成值为 {show(actual)}，但{first.where}写明“{first.text[:60]}”"
            f"（{fmt(first.value)} {first.unit}），两处数字不一致。",
            indicator=ind,
            evidence={
                "actual": show(actual),
                "actual_value": actual.value,
                "stated_value": first.value,
                "stated_unit": first.unit,
                "stated_in": first.where,
                "stated_text": first.text,
            },
        )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "")
