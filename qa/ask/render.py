"""How answers write lists and names, and an Answer as JSON or as terminal text."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from corpus.model import Answer, to_jsonable
from qa.ask.text import TEXT

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry
    from qa.ask.context import Context
    from qa.ask.figures import Figure
    from qa.ask.question import Parsed


MAX_LISTED = 30  # items written out in an answer's text


def _listed(items: Iterable[str], sep: str) -> str:
    """Items joined for the answer's text; past MAX_LISTED the rest is counted (projects and citations keep all)."""
    items = list(items)
    if len(items) <= MAX_LISTED:
        return sep.join(items)
    return sep.join(items[:MAX_LISTED]) + TEXT["and_more"].format(n=len(items) - MAX_LISTED)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _scope_prefix(p: Parsed) -> str:
    words = p.scope_words()
    return f"{words}，" if words else ""


def _fig_label(fig: Figure) -> str:
    return f"{fig.entry.name}「{fig.indicator.name}」" if fig.indicator else fig.entry.name


def _with_year(ctx: Context, figures: Sequence[Figure]) -> Callable[[Figure], str]:
    """Name figures by project, adding the year where one name occurs in several documents."""
    counts: dict[str, int] = {}
    for f in figures:
        counts[f.entry.name] = counts.get(f.entry.name, 0) + (0 if f.indicator else 1)

    def name(f: Figure) -> str:
        base = _fig_label(f)
        if counts.get(f.entry.name, 0) > 1 and f.entry.project.year:
            return TEXT["year_tag"].format(name=base, year=f.entry.project.year)
        return base

    return name


def _tag(entry: Entry, among: Sequence[Entry]) -> str:
    """The project's name, with its year when the same name comes from several documents."""
    twins = sum(1 for e in among if e.key == entry.key and e.position != entry.position)
    return (
        TEXT["year_tag"].format(name=entry.name, year=entry.project.year)
        if twins and entry.project.year
        else entry.name
    )


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """The answer as a JSON object (numbers as JSON numbers): question, kind, text, projects, values,
    citations, suggestions."""
    return to_jsonable(answer)


def format_answer(answer: Answer) -> str:
    """The answer as a reviewer reads it in a terminal: the text, then the sources, then suggestions."""
    lines = [answer.text]
    if answer.citations:
        lines.append(TEXT["sources"])
        for c in answer.citations:
            where = TEXT["page"].format(page=c.page) if c.page else ""
            what = c.project + (f" / {c.indicator}" if c.indicator else "")
            lines.append(
                TEXT["source_line"].format(
                    document=c.document, where=where, line=c.line, what=what, snippet=c.snippet
                )
            )
    if answer.suggestions:
        lines.append(TEXT["suggestions"] + "、".join(answer.suggestions))
    return "\n".join(lines)
