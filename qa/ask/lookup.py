"""The lookup intent: a named project's fields, goals, indicators or overview."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from corpus.model import Answer, Citation, GoalBlock, Indicator, Project, Source
from qa.ask.cite import _cite
from qa.ask.context import _answer, _unknown
from qa.ask.figures import _indicator_figure, _project_figure
from qa.ask.indicator import _choose_indicator, _choose_is_ambiguous, _indicator_fields
from qa.ask.money import _show, _show_measure
from qa.ask.question import _residual
from qa.ask.render import _tag, _unique
from qa.ask.search import _answer_search
from qa.ask.text import TEXT
from qa.ask.words import _compact, _field_level, label
from qa.labels import KIND_LABELS

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry
    from qa.ask.context import Context
    from qa.ask.figures import Figure


def _answer_lookup(ctx: Context) -> Answer:
    p = ctx.p
    entries = ctx.scoped(ctx.entries_named(p.names))
    fields = p.fields()
    levels = _field_level()
    text_fields = [f for f in fields if levels.get(f) == "text" and f != "indicators"]
    project_fields = [f for f in fields if levels.get(f) == "project"]
    text_only = p.without(["project"])
    named_indicator = any(
        len(_compact(i.name)) >= 3 and _compact(i.name) in text_only
        for e in entries
        for i in e.project.indicators
    )
    if text_fields and not named_indicator:
        return _answer_text_fields(ctx, entries, text_fields)
    if project_fields and not named_indicator:
        return _answer_project_fields(ctx, entries, project_fields)
    if "indicators" in fields and not _residual(p) and not named_indicator:
        return _answer_indicator_list(ctx, entries)
    chosen, near, words = _choose_indicator(ctx, entries)
    if chosen:
        return _answer_indicator(ctx, chosen)
    if "score" in fields or "weight" in fields:
        return _answer_project_fields(ctx, entries, ["total_score" if "score" in fields else "budget_weight"])
    if near and words:
        name = "、".join(_unique(e.name for e in entries))
        if len(near) > 1 and _choose_is_ambiguous(near, words):
            text = TEXT["ambiguous_indicator"].format(name=name, names="、".join(near[:3]))
        else:
            text = TEXT["no_indicator"].format(name=name, words=words)
        return _unknown(ctx, text, suggestions=near)
    if not words and any(levels.get(f) == "indicator" for f in fields):
        return _answer_indicator_list(ctx, entries, _indicator_fields(p, entries[0].project.kind))
    if not words:
        return _answer_overview(ctx, entries)
    return _answer_search(ctx, entries)


def _answer_text_fields(ctx: Context, entries: Sequence[Entry], fields: Sequence[str]) -> Answer:
    lines, citations = [], []
    for e in entries:
        pr = e.project
        for f in fields:
            value, source = _text_value(pr, f)
            tag = _tag(e, entries)
            if value is None:
                lines.append(TEXT["no_field"].format(name=tag, kind=KIND_LABELS[pr.kind], label=label(f)))
                continue
            lines.append(TEXT["field_value"].format(name=tag, label=label(f), value=value))
            citations.append(_cite(e, source, around=value[:10]))
    return _answer(ctx, "lookup", "\n".join(lines), projects=[e.name for e in entries], citations=citations)


def _text_value(pr: Project, f: str) -> tuple[str | None, Source | None]:
    if f in ("department", "implementer"):
        return getattr(pr, f), pr.source
    if f == "grade":
        return pr.grade, pr.source
    if f in ("nature", "category", "start_date", "end_date"):
        if pr.funding is None:
            return None, None
        return getattr(pr.funding, f), pr.funding.source
    if f == "goals":
        f = "expected" if pr.kind == "self_evaluation" else "annual" if pr.goals.annual else "overall"
    block: GoalBlock | None = getattr(pr.goals, f, None)
    if block is None:
        return None, None
    return block.text, block.source


def _answer_project_fields(ctx: Context, entries: Sequence[Entry], fields: Sequence[str]) -> Answer:
    figures: list[Figure] = []
    lines: list[str] = []
    missing: list[str] = []
    for e in entries:
        tag = _tag(e, entries)
        for f in dict.fromkeys(fields):
            if f == "money":
                wanted = (
                    ["planned", "adjusted", "spent", "execution_rate"]
                    if e.project.budget
                    else ["annual_request", "total"]
                )
            else:
                wanted = [f]
            for w in wanted:
                fig = _project_figure(e, w)
                if fig is None:
                    if f != "money":
                        lines.append(
                            TEXT["no_field"].format(
                                name=tag, kind=KIND_LABELS[e.project.kind], label=label(w)
                            )
                        )
                        missing.append(w)
                    continue
                if fig.value is None:
                    if f != "money" or w != "total":
                        lines.append(TEXT["not_filled"].format(name=tag, label=label(w)))
                    continue
                figures.append(fig)
                lines.append(
                    TEXT["field_value"].format(
                        name=tag, label=label(w), value=_show(fig.value, fig.unit, fig.field)
                    )
                )
    if not figures and missing:
        available = [label(f) for f in _available_fields(entries)]
        return _unknown(
            ctx, "\n".join(lines), suggestions=available, citations=[_cite(e, None) for e in entries]
        )
    return _answer(ctx, "lookup", "\n".join(lines), figures, projects=[e.name for e in entries])


def _available_fields(entries: Sequence[Entry]) -> list[str]:
    out = []
    for f in _field_level():
        if _field_level()[f] != "project" or f == "money":
            continue
        if any((fig := _project_figure(e, f)) is not None and fig.value is not None for e in entries):
            out.append(f)
    return out


def _answer_indicator(ctx: Context, chosen: Sequence[tuple[Entry, Indicator]]) -> Answer:
    from qa.checks.base import result

    p = ctx.p
    figures: list[Figure] = []
    lines: list[str] = []
    citations: list[Citation] = []
    for e, ind in chosen:
        tag = _tag(e, [c for c, _i in chosen])
        parts = []
        for f in _indicator_fields(p, e.project.kind):
            if f == "note":
                parts.append(f"{label(f)}：{ind.note or TEXT['empty_cell']}")
                continue
            fig = _indicator_figure(e, ind, f)
            if fig is None:
                continue
            measure = ind.target if f == "target" else ind.actual if f == "actual" else None
            shown = _show_measure(measure) if measure is not None else _show(fig.value, fig.unit, fig.field)
            parts.append(f"{label(f)} {shown}")
            if fig.value is not None:
                figures.append(fig)
        if e.project.kind == "self_evaluation" and ind.actual is not None:
            v = result(ind)
            if v is not None and any(f in ("actual",) for f in _indicator_fields(p, e.project.kind)):
                parts[-1] += f"（{TEXT[f'verdict_{v}']}）"
        tail = ""
        if e.project.kind != "self_evaluation" and "actual" in _indicator_fields(p, "self_evaluation"):
            tail = TEXT["declaration_has_no_actual"]
        lines.append(f"{tag}「{ind.name}」：{'，'.join(parts)}{tail}。")
        citations.append(_cite(e, ind.source, ind.name))
    return _answer(
        ctx, "lookup", "\n".join(lines), figures, projects=[e.name for e, _i in chosen], citations=citations
    )


def _answer_indicator_list(ctx: Context, entries: Sequence[Entry], fields: Sequence[str] = ()) -> Answer:
    """A project's indicators, with the fields asked for; asked for notes, only the rows that have one."""
    lines, figures, citations = [], [], []
    notes = "note" in fields
    for e in entries:
        rows = [i for i in e.project.indicators if not notes or i.note.strip()]
        head = "note_list" if notes else "indicator_list"
        lines.append(TEXT[head].format(name=e.name, n=len(rows)))
        for n, ind in enumerate(rows, 1):
            shown = [f"{label('note')}：{ind.note}"] if notes else []
            for f in fields:
                fig = _indicator_figure(e, ind, f)
                if fig is None:
                    continue
                measure = ind.target if f == "target" else ind.actual if f == "actual" else None
                shown.append(
                    f"{label(f)} {_show_measure(measure) if measure else _show(fig.value, fig.unit, fig.field)}"
                )
                if fig.value is not None:
                    figures.append(fig)
            lines.append(f"{n}. {ind.name}" + (f"（{'，'.join(shown)}）" if shown else ""))
            citations.append(_cite(e, ind.source, ind.name))
    return _answer(
        ctx, "lookup", "\n".join(lines), figures, projects=[e.name for e in entries], citations=citations
    )


def _answer_overview(ctx: Context, entries: Sequence[Entry]) -> Answer:
    figures, lines = [], []
    for e in entries:
        pr = e.project
        wanted = ["adjusted", "spent", "execution_rate", "total_score"] if pr.budget else ["annual_request"]
        parts = []
        for w in wanted:
            fig = _project_figure(e, w)
            if fig is not None and fig.value is not None:
                figures.append(fig)
                parts.append(f"{label(w)} {_show(fig.value, fig.unit, fig.field)}")
        head = TEXT["overview"].format(
            name=e.name, year=pr.year or "", kind=KIND_LABELS[pr.kind], n=len(pr.indicators)
        )
        lines.append(head + ("：" + "，".join(parts) if parts else "") + "。")
    return _answer(
        ctx,
        "lookup",
        "\n".join(lines),
        figures,
        projects=[e.name for e in entries],
        citations=[_cite(e, None) for e in entries],
    )
