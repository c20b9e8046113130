"""percent-over-100: 「实际完成值“合格率 105%”超过 100%，比率最多为 100%」.

impossible-target already reports a 年度指标值 above 100%; this rule reports the other measure, the 实际完成值,
in any kind of document, so no cell is reported twice. Growth and increase rates (增长 120%) may exceed 100%,
and so may thousandths (200‰ is 20%).
"""

from __future__ import annotations

from collections.abc import Iterator

from corpus.model import Finding, Indicator, Measure, Project
from qa.checks import vocab
from qa.checks.base import (
    ANY_KIND,
    HUNDRED,
    Context,
    Rule,
    compact,
    contains_any,
    is_figure,
    make_finding,
    show,
    unit_of,
)

SLUG = "percent-over-100"


def _permille(measure: Measure) -> bool:
    return contains_any(compact(measure.unit) + compact(measure.text), vocab.PERMILLE_UNITS)


def is_percent(measure: Measure, indicator: Indicator) -> bool:
    """A percentage: written with %, or with no unit where the target of the same row is in %."""
    if _permille(measure):
        return False
    unit = unit_of(measure)
    if unit == "%":
        return True
    target = indicator.target
    return unit is None and is_figure(target) and unit_of(target) == "%" and not _permille(target)


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        actual = ind.actual
        if actual is None or not is_figure(actual) or actual.value is None or actual.value <= HUNDRED:
            continue
        if not is_percent(actual, ind) or contains_any(ind.name, vocab.GROWTH_WORDS):
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」实际完成值 {show(actual)} 超过 100%：比率最多为 100%；"
            "若是超额完成，应按 100% 填报并在偏差原因中说明实际数量，或核对数值是否填错。",
            indicator=ind,
            evidence={"actual": show(actual), "value": actual.value, "target": show(ind.target)},
        )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title="实际完成比率超过100%")
