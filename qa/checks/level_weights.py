"""level-weights: 「产出指标印为 50 分，其下各三级指标分值合计 45 分」— weights that contradict the form's printed scheme.

Source: the form's own template, never an assumed scheme. The 项目支出绩效自评表 of 财预〔2020〕10号 weighs
预算执行率 10 and the indicators 90 (产出 50 / 效益 30 / 满意度 10 as its usual split); other regions print
20 / 40 / 40, score ranges such as 成本指标(0-20)分 (Chongqing 绩效目标审批表) or points on every 二级指标
(Anhui 部门整体 自评表 规划(15分)). A form that prints points on its 一级 / 二级指标 labels is checked against
them:
- the weights of the indicators under a label with points must add up to those points (or fall in the range);
- the points of the 二级指标 labels under a 一级指标 must add up to the 一级指标's points;
- the printed 一级指标 points plus the 预算执行率 分值 must add up to the 总分 row's 分值 (100 when it prints none);
- the 预算执行率 分值 cannot be the whole 总分 while the indicators carry points too.
A form that prints no points is left alone, and so is a table that was not read whole down to its 总分 row
(a cut excerpt lacks rows, not points).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from corpus.model import Finding, Indicator, Project
from qa.checks.base import ANY_KIND, Context, Rule, compact, fmt, make_finding
from qa.coverage import part_unread

SLUG = "level-weights"
TITLE = "指标分值与表内印出的分值不符"
FULL_MARKS = Decimal(100)
_NUM = r"(\d+(?:\.\d+)?)"
_BAND = re.compile(r"[(（]?" + _NUM + r"[-~～－—至]" + _NUM + r"[)）]?分")
_POINTS = re.compile(r"[(（]" + _NUM + r"分[)）]|" + _NUM + r"分$")
Points = tuple[Decimal, Decimal]  # (low, high); low == high for a single figure


def points(label: str) -> tuple[str, Points | None]:
    """`产出指标(50分)` -> ('产出指标', (50, 50)); `成本指标(0-20)分` -> ('成本指标', (0, 20)); no points -> None."""
    text = compact(label)
    band = _BAND.search(text)
    if band:
        low, high = Decimal(band[1]), Decimal(band[2])
        return (text[: band.start()] + text[band.end() :]).strip(), (min(low, high), max(low, high))
    found = _POINTS.search(text)
    if found:
        value = Decimal(found[1] or found[2])
        return (text[: found.start()] + text[found.end() :]).strip(), (value, value)
    return text, None


def _in(value: Decimal, band: Points, tol: Decimal) -> bool:
    return band[0] - tol <= value <= band[1] + tol


def _show(band: Points) -> str:
    return f"{fmt(band[0])} 分" if band[0] == band[1] else f"{fmt(band[0])}–{fmt(band[1])} 分"


def _whole(project: Project) -> bool:
    """The indicator table read whole down to its 总分 row: every label and row of the scheme was seen."""
    printed_total = project.total_source is not None or project.total_weight is not None
    return printed_total and bool(project.indicators) and not part_unread(project, "indicators")


def _groups(
    project: Project,
) -> tuple[dict[str, list[Indicator]], dict[str, Points], dict[tuple[str, str], Points]]:
    rows: dict[str, list[Indicator]] = {}
    level1_points: dict[str, Points] = {}
    level2_points: dict[tuple[str, str], Points] = {}
    for ind in project.indicators:
        name1, p1 = points(ind.level1)
        name2, p2 = points(ind.level2)
        rows.setdefault(name1, []).append(ind)
        if p1 is not None:
            level1_points.setdefault(name1, p1)
        if p2 is not None:
            level2_points.setdefault((name1, name2), p2)
            rows.setdefault(f"{name1}/{name2}", []).append(ind)
    return rows, level1_points, level2_points


def _finding(project: Project, message: str, **evidence: object) -> Finding:
    return make_finding(SLUG, "error", project, message, evidence=evidence, source=project.total_source)


def _budget_takes_all(project: Project, tol: Decimal) -> Iterator[Finding]:
    """The 项目资金 row's 分值 already the whole 总分 while the indicators carry points of their own: the row
    holds another figure (the 总分 itself), whatever the form's split. Needs no whole table: one row with
    points is enough to contradict."""
    budget = project.budget
    if budget is None or budget.weight is None:
        return
    full = project.total_weight if project.total_weight is not None else FULL_MARKS
    weights = [i.weight for i in project.indicators if i.weight]
    if budget.weight + tol < full or not weights:
        return
    added = sum(weights, Decimal(0))
    yield make_finding(
        SLUG,
        "error",
        project,
        f"项目资金（预算执行率）一栏分值为 {fmt(budget.weight)}，已等于总分 {fmt(full)}，"
        f"而 {len(weights)} 项绩效指标另有分值合计 {fmt(added)}：预算执行率只应占总分的一部分，"
        "该栏疑似填了总分，请按表内分值核对。",
        evidence={
            "part": "预算执行率",
            "weight": budget.weight,
            "expected_weight": full,
            "sum_of_weights": added,
        },
        source=budget.source,
    )


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    yield from _budget_takes_all(project, ctx.settings.tolerance)
    if not _whole(project):
        return
    tol = ctx.settings.tolerance
    rows, level1_points, level2_points = _groups(project)
    labelled = [(name, band) for name, band in level1_points.items()]
    labelled += [(f"{a}/{b}", band) for (a, b), band in level2_points.items()]
    for name, band in labelled:
        weights = [i.weight for i in rows.get(name, [])]
        if not weights or any(w is None for w in weights):
            continue
        added = sum(weights, Decimal(0))  # type: ignore[arg-type]
        if not _in(added, band, tol):
            yield _finding(
                project,
                f"{name}在表中印为 {_show(band)}，其下 {len(weights)} 项三级指标分值合计 {fmt(added)} 分，与之不符。",
                level1=name,
                sum_of_weights=added,
                expected_weight=_show(band),
            )
    for level1, band in level1_points.items():
        below = [b for (a, _), b in level2_points.items() if a == level1]
        names2 = {points(i.level2)[0] for i in rows[level1]} - {""}
        if not below or len(below) < len(names2) or any(b[0] != b[1] for b in below + [band]):
            continue  # some 二级指标 print no points, or ranges: nothing exact to add up
        added = sum((b[0] for b in below), Decimal(0))
        if abs(added - band[0]) > tol:
            yield _finding(
                project,
                f"{level1}在表中印为 {_show(band)}，其下各二级指标印出的分值合计 {fmt(added)} 分，与之不符。",
                level1=level1,
                sum_of_weights=added,
                expected_weight=band[0],
            )
    yield from _scheme(project, level1_points, tol)


def _scheme(project: Project, level1_points: dict[str, Points], tol: Decimal) -> Iterator[Finding]:
    """The printed 一级指标 points and the 预算执行率 分值 against the 总分 row's 分值."""
    level1_names = {points(i.level1)[0] for i in project.indicators} - {""}
    if not level1_points or set(level1_points) != level1_names:
        return
    bands = list(level1_points.values())
    budget_weight = project.budget.weight if project.budget is not None else None
    low = sum((b[0] for b in bands), budget_weight or Decimal(0))
    high = sum((b[1] for b in bands), budget_weight or Decimal(0))
    expected = project.total_weight if project.total_weight is not None else FULL_MARKS
    if low - tol <= expected <= high + tol:
        return
    parts = " + ".join(f"{name} {_show(b)}" for name, b in level1_points.items())
    if budget_weight is not None:
        parts = f"预算执行率 {fmt(budget_weight)} 分 + {parts}"
    yield _finding(
        project,
        f"表中印出的分值 {parts} 合计 {_show((low, high))}，与总分 {fmt(expected)} 分不符。",
        sum_of_weights=_show((low, high)),
        expected_weight=expected,
    )


RULE = Rule(SLUG, "error", "project", ANY_KIND, check, __doc__ or "", title=TITLE)
