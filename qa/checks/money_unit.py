"""money-unit-scale: 「项目资金按万元填了 2,650,000，而成本指标写 265 万元：金额疑似按元填写」.

Source: the money block of the official templates prints its unit once (项目资金（万元） in the 项目支出绩效自评表 of
财预〔2020〕10号; 项目资金（元） or （万元） on the provincial 申报表), and every figure of the block is read in it.
A figure typed in 元 under a 万元 label is 10 000 times too large (and the reverse 10 000 times too small).

The size alone does not tell (a 2 亿元 project is 20 000 万元), so the block's figures are checked against the
form's other money figures, each read with its own unit (corpus/units.py): a 成本 or other indicator in 元 /
万元, and amounts written in the goals, 指标解释 or 测算依据 text (总投资 265 万元). A block figure is reported when
one of those equals it read in the other unit, and none equals it read in the block's own unit. Unit prices
(元/人, 每亩 500 元) are not amounts of the project and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from corpus.model import Finding, Project
from corpus.units import YUAN_PER_UNIT
from qa.checks.base import (
    ANY_KIND,
    Context,
    Rule,
    compact,
    fmt,
    goal_blocks,
    is_figure,
    make_finding,
    unit_of,
)

SLUG = "money-unit-scale"
TITLE = "金额单位与数量级不符"
SWAPPED = {"万元": "元", "元": "万元"}
CLOSE = Decimal("0.005")  # two amounts are one when they differ by at most this share
# The block figure must be of the size the swapped unit implies: ≥ 1 亿元 read in 万元 (an amount typed in
# 元), or < 10 万元 read in 元 (an amount typed in 万元).
LARGE_WAN = Decimal(10000)
SMALL_YUAN = Decimal(100000)
_AMOUNT = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(亿元|万元|千元|元)(?![/每])")
_PER_UNIT_BEFORE = ("每", "人均", "单价", "标准", "/")


def text_amounts(text: str) -> list[tuple[Decimal, str]]:
    """(amount in 元, as written) for each amount of money in `text`, unit prices left out."""
    flat = compact(text)
    found = []
    for m in _AMOUNT.finditer(flat):
        before = flat[max(0, m.start() - 4) : m.start()]
        if any(w in before for w in _PER_UNIT_BEFORE):
            continue
        try:
            value = Decimal(m[1].replace(",", ""))
        except InvalidOperation:
            continue
        if value > 0:
            found.append((value * YUAN_PER_UNIT[m[2]], m[0]))
    return found


def other_amounts(project: Project) -> list[tuple[Decimal, str]]:
    """The form's money figures outside the money block: (amount in 元, where and as written)."""
    found: list[tuple[Decimal, str]] = []
    for ind in project.indicators:
        for measure in (ind.target, ind.actual):
            unit = unit_of(measure)
            if measure is not None and is_figure(measure) and unit in YUAN_PER_UNIT and measure.value:
                found.append((measure.value * YUAN_PER_UNIT[unit], f"指标「{ind.name}」{measure.text}"))
        for text in (ind.explanation, ind.note):
            found += [(v, f"指标「{ind.name}」说明“{w}”") for v, w in text_amounts(text)]
    for label, block in goal_blocks(project):
        found += [(v, f"{label}“{w}”") for v, w in text_amounts(block.text)]
    return found


def block_amounts(project: Project) -> tuple[str | None, list[tuple[str, Decimal]]]:
    """The money block's unit and its main figures (name, value as printed)."""
    if project.budget is not None:
        b = project.budget
        figures = [("年初预算数", b.planned), ("全年预算数", b.adjusted), ("全年执行数", b.spent)]
        return b.unit, [(n, v) for n, v in figures if v]
    if project.funding is not None:
        f = project.funding
        figures = [("项目资金总额", f.total), ("财政资金", f.fiscal), ("年度资金申请总额", f.annual_request),
                   ("当年财政拨款", f.appropriation)]  # fmt: skip
        return f.unit, [(n, v) for n, v in figures if v]
    return None, []


def _close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= CLOSE * max(a, b)


def _sized(value: Decimal, unit: str) -> bool:
    return value >= LARGE_WAN if unit == "万元" else value < SMALL_YUAN


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    unit, figures = block_amounts(project)
    if unit not in SWAPPED or not figures:
        return
    others = other_amounts(project)
    if not others:
        return
    swapped = SWAPPED[unit]
    for name, value in figures:
        native = value * YUAN_PER_UNIT[unit]
        if not _sized(value, unit) or any(_close(x, native) for x, _ in others):
            continue
        match = next((where for x, where in others if _close(x, value * YUAN_PER_UNIT[swapped])), None)
        if match is None:
            continue
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"项目资金以{unit}为单位，{name} {fmt(value)} {unit}；而{match}与按{swapped}读的 {fmt(value)} {swapped} 相符，"
            f"与按{unit}读的金额不符：金额疑似按{swapped}填写，请核对单位。",
            evidence={
                "field": name,
                "value": value,
                "unit": unit,
                "stated_in": match,
                "stated_unit": swapped,
            },
            source=(project.budget or project.funding).source,  # type: ignore[union-attr]
        )
        return


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title=TITLE)
