"""unit-mismatch: 「年度指标值以“份”计、实际完成值以“个”计」, a missing or (null) unit, or a 率 counted in 次."""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.model import Finding, Indicator, Project
from qa.checks import vocab
from qa.checks.base import (
    ANY_KIND,
    Context,
    Rule,
    compact,
    contains_any,
    is_figure,
    make_finding,
    show,
    unit_of,
)

SLUG = "unit-mismatch"
_TRAILING_BRACKET = re.compile(r"[(（][^()（）]*[)）]$")


def bare_name(name: str) -> str:
    """The indicator name without a trailing bracket: 影像数据拍摄频率(次/年) -> 影像数据拍摄频率."""
    return _TRAILING_BRACKET.sub("", compact(name))


def is_rate_name(name: str) -> bool:
    bare = bare_name(name)
    return bare.endswith(vocab.RATE_NAME_ENDINGS) and not contains_any(bare, vocab.RATE_NAME_EXCEPTIONS)


def is_count_name(name: str) -> bool:
    bare = bare_name(name)
    return bare.endswith(vocab.COUNT_NAME_ENDINGS) and not bare.endswith(vocab.COUNT_NAME_EXCEPTIONS)


def problems(ind: Indicator) -> list[str]:
    target, actual = ind.target, ind.actual
    if not is_figure(target):
        return []
    found: list[str] = []
    tu = unit_of(target)
    au = unit_of(actual) if actual is not None and actual.value is not None else None
    placeholder = "null" in ind.source.text.lower()
    if tu is None and (actual is None or actual.value is None or au is None):
        found.append("计量单位为占位符“(null)”" if placeholder else "缺少计量单位")
    elif tu is None:
        found.append("年度指标值缺少计量单位")
    elif actual is not None and actual.value is not None and au is None:
        found.append("实际完成值缺少计量单位")
    elif au is not None and au != tu:
        found.append(f"年度指标值单位“{tu}”与实际完成值单位“{au}”不一致")
    unit = tu or au
    if unit is not None and unit != "%" and is_rate_name(ind.name):
        found.append(f"指标名称是比率，单位却是“{unit}”而非 %")
    if unit == "%" and is_count_name(ind.name):
        found.append("指标名称是数量，单位却是 %")
    return found


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    for ind in project.indicators:
        found = problems(ind)
        if not found:
            continue
        actual = (
            f"，实际完成值 {show(ind.actual)}"
            if ind.actual is not None and ind.actual.value is not None
            else ""
        )
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"「{ind.name}」年度指标值 {show(ind.target)}{actual}：{'；'.join(found)}。",
            indicator=ind,
            evidence={
                "target": ind.target.text,
                "actual": ind.actual.text if ind.actual else None,
                "target_unit": unit_of(ind.target),
                "actual_unit": unit_of(ind.actual),
                "problems": found,
            },
        )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title="计量单位不一致或缺失")
