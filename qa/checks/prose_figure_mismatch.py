"""prose-figure-mismatch: 「实际完成情况写“开展了62个项目的综合绩效评价”，指标表“综合绩效评价完成数量”却填 55 项」—
a count or amount written in the goal, outcome or note text differs from the indicator that counts the same thing.

Outcome text (实际完成情况) and notes are read against each indicator's 实际完成值; goal text (年度总体目标,
预期目标) against its 年度指标值. A figure is compared only with the one indicator whose name's key object
stands next to it with a unit of the same kind (3 份报告 is not 问卷 200 份). Estimates (约, 余), parts
(其中), rates per something, multi-year figures (累计, 2021-2025年) against annual ones, and figures some
indicator of the form already states are left alone; a range or bound (不少于17人, 15-20人) agrees with
any value it includes. A note's figures about its own row are note-contradicts-value's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from corpus.model import Finding, Indicator, Measure, Project, Source
from qa.checks import note_contradicts_value
from qa.checks.base import ANY_KIND, Context, Rule, compact, make_finding, show
from qa.checks.prose_figures import Counted, ProseFigure, comparable, counted, figures, head, match, row_unit
from qa.coverage import part_unread

SLUG = "prose-figure-mismatch"
TITLE = "文字所述数量与指标表不符"


@dataclass(frozen=True)
class Prose:
    """A text a figure may be read from, and what it is compared with there."""

    label: str  # 实际完成情况 / 年度总体目标 / 「某指标」偏差原因分析
    text: str
    source: Source
    field: str  # "actual" (outcome, notes of a self-evaluation) or "target" (goals, notes of a declaration)
    own: Indicator | None = None  # the row whose note this is


def proses(project: Project) -> list[Prose]:
    """The texts of the project a reviewer reads figures in, each with the column it speaks for."""
    goals = project.goals
    found: list[Prose] = []
    if goals.achieved is not None:
        found += _clauses(
            "实际完成情况", goals.achieved.text, goals.achieved.clauses, goals.achieved.source, "actual"
        )
    # 项目总目标 spans the whole project period: only the year's goals speak for 年度指标值.
    for block in (goals.annual, goals.expected):
        if block is not None:
            found += _clauses(
                block.label or "年度总体目标", block.text, block.clauses, block.source, "target"
            )
    field = "actual" if project.kind == "self_evaluation" else "target"
    for ind in project.indicators:
        if ind.note.strip():
            found.append(Prose(f"「{ind.name}」偏差原因分析", ind.note, ind.source, field, own=ind))
    return found


def _clauses(label: str, text: str, clauses: tuple, source: Source, field: str) -> list[Prose]:
    # Cite the clause's own line where the parser kept one.
    if clauses:
        return [Prose(label, c.text, c.source, field) for c in clauses]
    return [Prose(label, text, source, field)]


@dataclass(frozen=True)
class Candidate:
    ind: Indicator
    what: Counted
    value: Decimal  # the indicator's figure in the base unit


def _candidates(project: Project, field: str) -> list[Candidate]:
    out = []
    for ind in project.indicators:
        measure: Measure | None = ind.actual if field == "actual" else ind.target
        what = counted(ind, measure)
        if what is not None and measure is not None and measure.value is not None:
            out.append(Candidate(ind, what, measure.value * what.per))
    return out


def _assign(figure: ProseFigure, candidates: list[Candidate]) -> Candidate | None:
    """The one indicator the figure speaks of: the best match, unique; None when another row states it."""
    if any(comparable(c.what.unit, figure.unit) and figure.agrees(c.value) for c in candidates):
        return None  # 扫描纸质档案356000页 is the 扫描页数 row's figure, whatever else its clause names
    scored = sorted(((match(c.what, figure), c) for c in candidates), key=lambda s: s[0], reverse=True)
    if not scored or scored[0][0] == 0:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


Stated = dict[tuple[str, str], list[tuple[Prose, ProseFigure]]]


def _stated(project: Project) -> tuple[Stated, set[tuple[str, str]]]:
    """(indicator row, column) -> the prose figures that speak of it; and the rows some clause confirms.

    Agreement needs less evidence than contradiction: 对全市18家…开展实地评估 confirms 履职评估 18 家
    even where the clause goes on to 19家被评估单位.
    """
    by_field = {f: _candidates(project, f) for f in ("actual", "target")}
    stated: Stated = {}
    confirmed: set[tuple[str, str]] = set()
    for prose in proses(project):
        own_unit = row_unit(prose.own) if prose.own else None
        for figure in figures(prose.text):
            if figure.planned and prose.field == "actual":
                continue  # 原计划5份，实际完成3份: the 5 is the plan
            for c in by_field[prose.field]:
                if (
                    comparable(c.what.unit, figure.unit)
                    and figure.agrees(c.value)
                    and head(c.what) in figure.clause
                ):
                    confirmed.add((_row(c.ind), prose.field))
            # A note's figure in its own row's unit is about its own row (note-contradicts-value).
            if own_unit is not None and comparable(own_unit, figure.unit):
                continue
            candidate = _assign(figure, by_field[prose.field])
            if candidate is not None:
                stated.setdefault((_row(candidate.ind), prose.field), []).append((prose, figure))
    return stated, confirmed


def _row(ind: Indicator) -> str:
    return f"{ind.source.line}:{ind.name}"


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    # A figure of the prose may be a row the parser did not read: nothing is sure then.
    if part_unread(project, "indicators"):
        return
    stated, confirmed = _stated(project)
    if not stated:
        return
    already = {f.indicator for f in note_contradicts_value.check(project, ctx)}
    for field in ("actual", "target"):
        for c in _candidates(project, field):
            said = stated.get((_row(c.ind), field), [])
            if not said or (_row(c.ind), field) in confirmed or (field == "actual" and c.ind.name in already):
                continue
            # Two different figures for one row (a list of parts, a subtotal): which one is meant is unsure.
            if len({(f.low, f.high) for _, f in said}) > 1 or any(f.agrees(c.value) for _, f in said):
                continue
            yield _finding(project, c, field, *said[0])


def _finding(project: Project, c: Candidate, field: str, prose: Prose, figure: ProseFigure) -> Finding:
    ind = c.ind
    column = "实际完成值" if field == "actual" else "年度指标值"
    measure = ind.actual if field == "actual" else ind.target
    clause = figure.clause if len(figure.clause) <= 80 else figure.clause[:80] + "…"
    return make_finding(
        SLUG,
        "warning",
        project,
        f"{prose.label}（{prose.source.cite()}）写明“{clause}”（{figure.printed}），"
        f"而「{ind.name}」（{ind.source.cite()}）{column}为 {show(measure)}，两处数字不一致。",
        indicator=ind,
        evidence={
            field: show(measure),
            "stated_value": figure.printed,
            "stated_in": prose.label,
            "stated_text": compact(prose.text)[:200],
            "where": prose.source.cite(),
            "line": ind.source.cite(),
        },
    )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title=TITLE)
