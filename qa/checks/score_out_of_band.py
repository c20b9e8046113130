"""score-out-of-band: 「部分达成应得分值的 60%–80%，自评给了 95%」/「按完成比例应得 1.25 分，自评 3 分」."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from corpus.model import Finding, Indicator, Project
from corpus.settings import Settings
from qa.checks.base import (
    SELF_EVALUATION,
    Context,
    Rule,
    effective_op,
    fmt,
    make_finding,
    numeric_met,
    printed_matches,
    show,
    verdict,
)

SLUG = "score-out-of-band"
VERDICT_NAMES = {"met": "达成", "partly": "部分达成", "unmet": "未达成"}


def formula_score(ind: Indicator) -> Decimal | None:
    """The score the quantitative formula gives a result short of its target, or None.

    More-is-better targets score weight × actual/target; less-is-better targets score full up to the
    target, then (1 − (actual − target)/target) × weight, reaching 0 at twice the target.
    """
    t, a, w = ind.target.value, ind.actual.value if ind.actual else None, ind.weight
    if t is None or a is None or w is None or t <= 0:
        return None
    if effective_op(ind) in ("≤", "<"):
        return max(Decimal(0), (1 - (a - t) / t) * w)
    return min(w, max(Decimal(0), w * a / t))


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    s: Settings = ctx.settings
    for ind in project.indicators:
        if ind.weight is None or ind.score is None or ind.weight <= 0:
            continue
        finding = _qualitative(project, ind, s) or _quantitative(project, ind, s)
        if finding is not None:
            yield finding


def _qualitative(project: Project, ind: Indicator, s: Settings) -> Finding | None:
    v = verdict(ind.actual)
    if v is None:
        return None
    low_share, high_share = {"met": s.band_met, "partly": s.band_partly, "unmet": s.band_unmet}[v]
    w, score = ind.weight, ind.score
    assert w is not None and score is not None
    low, high = w * low_share, w * high_share
    if low - s.tolerance <= score <= high + s.tolerance:
        return None
    side = "高于" if score > high else "低于"
    return make_finding(
        SLUG,
        "warning" if score > high else "info",
        project,
        f"「{ind.name}」实际完成值为“{show(ind.actual)}”，按{VERDICT_NAMES[v]}应得分值的 "
        f"{fmt(low_share * 100, 0)}%–{fmt(high_share * 100, 0)}%（{fmt(low, 2)}–{fmt(high, 2)} 分），"
        f"自评得分 {fmt(score)} {side}该区间。",
        indicator=ind,
        evidence={
            "actual": show(ind.actual),
            "verdict": v,
            "weight": w,
            "score": score,
            "allowed_low": low,
            "allowed_high": high,
        },
    )


def _quantitative(project: Project, ind: Indicator, s: Settings) -> Finding | None:
    if s.scoring_formula != "proportional" or numeric_met(ind) is not False:
        return None
    expected = formula_score(ind)
    score = ind.score
    if expected is None or score is None or printed_matches(score, expected, s.tolerance):
        return None
    above = score > expected
    return make_finding(
        SLUG,
        "warning" if above else "info",
        project,
        f"「{ind.name}」年度指标值 {show(ind.target)}，实际完成值 {show(ind.actual)}，按完成比例应得 "
        f"{fmt(expected, 2)} 分（分值 {fmt(ind.weight)}），自评得分 {fmt(score)} "
        f"{'高于' if above else '低于'}按计分规则应得的分数。",
        indicator=ind,
        evidence={
            "target": show(ind.target),
            "actual": show(ind.actual),
            "weight": ind.weight,
            "score": score,
            "expected_score": expected.quantize(Decimal("0.01")),
        },
    )


RULE = Rule(SLUG, "warning", "project", SELF_EVALUATION, check, __doc__ or "", title="得分与完成程度不符")
