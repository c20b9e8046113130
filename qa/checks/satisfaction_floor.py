"""satisfaction-floor: 「满意度指标值 ≥60% 低于 80%，是一个不可能达不到的目标」.

Source: 财预〔2021〕101号 附件1 on setting target values: a value is set from the plan, the trade standard
or past years' levels, so that it can be checked and is worth pursuing. No national document prints a
minimum satisfaction figure: the floor is `Settings.satisfaction_floor` (80% by default), a reviewer's
setting, never a figure read from a form.

A 满意度 / 满意率 / 认可度 indicator (its name ends so) whose target is a percentage bounded below
(≥, >, =) under the floor. 不满意率 and complaint rates (lower is better) are not satisfaction targets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.model import Finding, Indicator, Project
from qa.checks import vocab
from qa.checks.base import (
    ANY_KIND,
    HUNDRED,
    Context,
    Rule,
    compact,
    contains_any,
    fmt,
    is_figure,
    make_finding,
    row_evidence,
    show,
    unit_of,
)

SLUG = "satisfaction-floor"
_NOTE = re.compile(r"[(（][^()（）]*[)）]$")
TITLE = "满意度目标过低"


def is_satisfaction(ind: Indicator) -> bool:
    """A name that ends in 满意度 / 满意率 / 认可度 … (after a bracketed note such as (≥**%)), not a change of it."""
    name = _NOTE.sub("", compact(ind.name)).rstrip("。.;；:：")
    return name.endswith(vocab.SATISFACTION_WORDS) and not contains_any(name, vocab.SATISFACTION_NEGATIONS)


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    floor = ctx.settings.satisfaction_floor
    for ind in project.indicators:
        target = ind.target
        if not is_figure(target) or target.value is None or target.op not in ("≥", ">", "="):
            continue
        unit = unit_of(target)
        if unit not in ("%", None) or target.value > HUNDRED or not is_satisfaction(ind):
            continue
        if unit is None and target.value <= 1:
            continue  # 1 or 0.9 without a unit may be a fraction, a score or a grade: not read as a percent
        if target.value >= floor:
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」年度指标值 {show(target)} 低于满意度目标下限 {fmt(floor, 0)}%："
            "这样的目标几乎不可能达不到，起不到考核作用，应按历史水平或同类标准设定。",
            indicator=ind,
            evidence=row_evidence(ind, threshold_percent=floor),
        )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title=TITLE)
