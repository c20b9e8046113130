"""How answers write lists and names, and an Answer as JSON or as terminal text."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from corpus.model import Answer, to_jsonable
from qa.ask.text import TEXT

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry
    from qa.ask.context import Context
    from qa.ask.figures import Figure
    from qa.ask.question import Parsed


MAX_LISTED = 30  # items written out in an answer's text
# What a person is shown of a long list at once: the count, this many items, and the rest on demand
# (the CLI's --all, the app's next page); JSON and `ask(..., page_size=None)` hold every item.
PAGE_SIZE = 20
PAGE_NOTE = "（共 {total} {unit}，此处列出第 {first}–{last} {unit}；{rest}）"
PAGE_REST = "其余 {n} {unit}可翻页查看，或用 --all / --json 列出全部"
PAGE_LAST = "已是最后一页"

T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    """Which items of a long answer are written out: page `number` (from 1) of `size` items, or every
    item where `size` is None."""

    size: int | None = None
    number: int = 1

    def window(self, total: int) -> tuple[int, int]:
        """(start, end) of the page among `total` items; a page past the end shows the last one."""
        if self.size is None or total <= self.size:
            return 0, total
        pages = -(-total // self.size)
        start = (min(max(self.number, 1), pages) - 1) * self.size
        return start, min(start + self.size, total)

    def page(self, items: Sequence[T], unit: str = "项") -> tuple[Sequence[T], str]:
        """The items of the page and the note that says which they are ("" when every item is shown)."""
        start, end = self.window(len(items))
        if start == 0 and end == len(items):
            return items, ""
        return items[start:end], page_note(len(items), start, end, unit)


_paging: ContextVar[Paging | None] = ContextVar("paging", default=None)


def paging() -> Paging:
    """The paging of the answer being built (every item unless `ask` was given a page size)."""
    return _paging.get() or Paging()


@contextmanager
def paged(p: Paging) -> Iterator[None]:
    token = _paging.set(p)
    try:
        yield
    finally:
        _paging.reset(token)


def page_note(total: int, start: int, end: int, unit: str = "项") -> str:
    rest = PAGE_REST.format(n=total - end, unit=unit) if end < total else PAGE_LAST
    return PAGE_NOTE.format(total=f"{total:,}", unit=unit, first=start + 1, last=end, rest=rest)


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
