"""The numeric field a question compares or adds, its figures in scope, and the projects left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index import segment
from qa.ask.figures import _BUDGET_FIELDS, _indicator_figure
from qa.ask.question import _residual
from qa.ask.text import TEXT
from qa.ask.words import _CJK, _GENERIC_WORDS, _compact, _field_level, label, vocabulary
from qa.coverage import part_unread

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry
    from qa.ask.context import Context
    from qa.ask.figures import Figure
    from qa.ask.question import Parsed


_GOAL_FIELDS = {"expected", "achieved", "overall", "annual", "goals"}
# 总分 and 等级 stand at the foot of the indicator table.
_TABLE_FIELDS = {"total_score", "grade", "indicators"}


def _numeric_field(p: Parsed, level: str) -> str | None:
    """The first field of the question that has figures at this level (project or indicator)."""
    levels = _field_level()
    for f in p.fields():
        if levels.get(f) == level and f != "note":
            return f
    if level == "project":
        for f in p.fields():
            if f == "score":
                return "total_score"
            if f == "weight":
                return "budget_weight"
    return None


def _figures(
    ctx: Context, level: str, fld: str, entries: Sequence[Entry], descending: bool | None = None
) -> tuple[list[Figure], list[Entry]]:
    """The figures of `fld` for the entries (or their indicators), and the entries without that field;
    project figures in rank order when `descending` is given (taken from the catalogue's order)."""
    if level == "project":
        if descending is None:
            everything = ctx.cat.project_figures(fld)
        else:
            everything = ctx.cat.ranked(fld, descending)
        if len(entries) == len(ctx.cat.entries):  # the whole catalogue (a scope is a subset of it)
            return everything, ctx.cat.project_lacking(fld)
        wanted = {e.position for e in entries}
        figures = [f for f in everything if f.entry.position in wanted]
        have = {f.entry.position for f in figures}
        return figures, [e for e in entries if e.position not in have]
    terms = _residual_terms(ctx.p)
    figures = []
    for e in entries:
        for ind in e.project.indicators:
            if terms and not all(w in _compact(ind.name) for w in terms):
                continue
            fig = _indicator_figure(e, ind, fld)
            if fig is not None and fig.value is not None:
                figures.append(fig)
    return figures, []


@dataclass(frozen=True)
class NamedMeasure:
    """Indicators a question names by words of their name (满意度指标低于90% -> 名称含“满意度”的指标)."""

    terms: tuple[str, ...]
    field: str  # actual where those indicators have figures for it, else target
    count: int  # indicators in scope that carry every term and have a figure for `field`

    @property
    def words(self) -> str:
        """`名称含“满意度”的指标`."""
        return TEXT["measure_words"].format(terms="”“".join(self.terms))


def _named_measure(ctx: Context) -> NamedMeasure | None:
    """The indicators the question's free words name (满意度), compared on their actual value (or on their
    target where none of them has one); None when those words name no indicator in scope."""
    terms = _residual_terms(ctx.p)
    if not terms:
        return None
    base = ctx.entries_named(ctx.p.names) if ctx.p.names else None
    named = [
        (e, ind)
        for e in ctx.scoped(base)
        for ind in e.project.indicators
        if all(w in _compact(ind.name) for w in terms)
    ]
    if not named:
        return None
    counts = {
        f: sum(
            1
            for e, ind in named
            if (fig := _indicator_figure(e, ind, f)) is not None and fig.value is not None
        )
        for f in ("actual", "target")
    }
    chosen = "actual" if counts["actual"] else "target"
    return NamedMeasure(tuple(terms), chosen, counts[chosen])


def _residual_terms(p: Parsed) -> list[str]:
    rest = _residual(p)
    stop = segment.stopwords()
    v = vocabulary()
    generic = _GENERIC_WORDS | {_compact(w) for w in v["rank_desc"] + v["rank_asc"] + v["list_words"]}
    return [w for w in segment.terms("".join(rest)) if w not in stop and w not in generic and _CJK.search(w)]


def _why_lacking(entries: Sequence[Entry], fld: str) -> str:
    kinds = {e.project.kind for e in entries}
    if kinds == {"declaration"} and fld in _BUDGET_FIELDS | {"execution_rate", "total_score", "budget_score"}:
        return TEXT["declarations_lack"]
    if kinds == {"self_evaluation"} and fld in {"annual_request", "total", "fiscal"}:
        return TEXT["self_evaluations_lack"]
    return TEXT["blank_or_lacking"]


def _excluded_note(lacking: Sequence[Entry], fld: str, what: str) -> str:
    """`另有 3 个项目没有全年执行数（未填写或无此项，其中 2 个未能读取），未参与计算。`"""
    if not lacking:
        return ""
    part = "indicators" if fld in _TABLE_FIELDS else "money"
    unread = sum(1 for e in lacking if part_unread(e.project, part))
    if unread == len(lacking):
        why = TEXT["unread_why"]
    else:
        why = _why_lacking(lacking, fld) + (TEXT["some_unread"].format(n=unread) if unread else "")
    return TEXT["excluded"].format(n=len(lacking), label=label(fld), why=why, what=what)


def _question_units(ctx: Context) -> list[str]:
    t = ctx.p.without(["project"])
    units = [u for u in ctx.cat.units if _compact(u) in t]
    if "%" in t or "率" in t:
        units.append("%")
    return units


def _same_unit(figures: list[Figure], units: Sequence[str]) -> list[Figure]:
    """Indicator figures are compared only within one unit: the one asked for, else the most common."""
    if not figures or all(f.field in ("weight", "score") for f in figures):
        return figures
    if units:
        return [f for f in figures if f.unit in units]
    counts: dict[str | None, int] = {}
    for f in figures:
        counts[f.unit] = counts.get(f.unit, 0) + 1
    common = max(counts, key=lambda u: counts[u])
    return [f for f in figures if f.unit == common]
