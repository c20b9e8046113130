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
from qa.checks.terms import content_terms, subject_terms

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


def _counted_unit(ind: Indicator) -> str | None:
    """The unit an indicator counts in, when it counts (not a percentage)."""
    unit = unit_of(ind.actual) or unit_of(ind.target)
    return None if unit is None or unit == "%" else unit


def stated_in_outcome(project: Project) -> dict[str, list[Stated]]:
    """Figures of 实际完成情况, each given to the one indicator its clause names best.

    A figure that is some indicator's actual is that indicator's (扫描档案12000页 is the 扫描页数
    row's 12000, whatever else the clause mentions). Any other figure goes to the indicator with a
    compatible unit that shares the most topic words with its clause: two at least, ties give none.
    Approximate figures (13200余人次) give nothing.
    """
    achieved = project.goals.achieved
    counted = [(ind, unit) for ind in project.indicators if (unit := _counted_unit(ind))]
    if achieved is None or not counted:
        return {}
    subject = subject_terms(project.name)
    accounted = {ind.actual.value for ind, _ in counted if ind.actual is not None}
    found: dict[str, list[Stated]] = {}
    for clause in _CLAUSE.split(compact(achieved.text)):
        for m in _FIGURE.finditer(clause):
            if m["approx"] or Decimal(m["num"]) in accounted:
                continue
            candidates = []
            for ind, unit in counted:
                if not _unit_ok(m["unit"], m["after"], unit):
                    continue
                topic = [
                    t for t in content_terms(ind.name) if t not in subject and t not in vocab.MEASURE_WORDS
                ]
                candidates.append((sum(t in clause for t in topic), ind))
            candidates.sort(key=lambda c: c[0], reverse=True)
            if not candidates or candidates[0][0] < 2:
                continue
            if len(candidates) > 1 and candidates[1][0] == candidates[0][0]:
                continue
            ind = candidates[0][1]
            found.setdefault(ind.name, []).append(
                Stated(Decimal(m["num"]), m["unit"], "实际完成情况", clause)
            )
    return found


def confirmed(ind: Indicator, unit: str, project: Project) -> bool:
    """Whether some outcome clause that shares a word with the indicator states its actual figure.

    Agreement needs less evidence than contradiction: 对全市18家…开展实地评估 confirms 履职评估 18 家
    even where the clause also speaks of 19 家被评估单位.
    """
    achieved = project.goals.achieved
    if achieved is None or ind.actual is None:
        return False
    for clause in _CLAUSE.split(compact(achieved.text)):
        if not any(t in clause for t in content_terms(ind.name)):
            continue
        for m in _FIGURE.finditer(clause):
            if Decimal(m["num"]) == ind.actual.value and _unit_ok(m["unit"], m["after"], unit):
                return True
    return False


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    in_outcome = stated_in_outcome(project)
    for ind in project.indicators:
        actual = ind.actual
        unit = _counted_unit(ind)
        if actual is None or actual.value is None or unit is None:
            continue
        in_note = stated_in_note(ind, unit)
        # The note speaks of this row alone; an outcome clause may also speak of a neighbour, so the
        # outcome's figure counts only when no clause naming the indicator confirms the actual.
        outcome = [] if confirmed(ind, unit, project) else in_outcome.get(ind.name, [])
        stated = in_note + outcome
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


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="偏差说明与完成值矛盾")
