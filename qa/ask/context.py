"""One question being answered (index, catalogue, settings, slots) and the Answer built from it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corpus.model import Answer, Citation
from corpus.settings import Settings
from qa.ask.catalogue import _embedder
from qa.ask.cite import _cite_figure, _dedupe
from qa.ask.words import MAX_SUGGESTIONS, _compact

if TYPE_CHECKING:
    from index.protocol import SearchIndex
    from qa.ask.catalogue import Catalogue, Entry
    from qa.ask.figures import Figure
    from qa.ask.question import Parsed


@dataclass
class Context:
    index: SearchIndex
    cat: Catalogue
    settings: Settings
    p: Parsed

    @property
    def question(self) -> str:
        return self.p.raw

    @property
    def unscoped(self) -> bool:
        """Whether the question names no year, document kind or organisation (its scope is everything)."""
        return not (self.p.years or self.p.kinds or self.p.org)

    def scoped(self, entries: Iterable[Entry] | None = None) -> list[Entry]:
        p = self.p
        if self.unscoped:
            return list(self.cat.entries if entries is None else entries)
        out = []
        if entries is None and p.years:  # the catalogue's entries of those years, not all of them
            entries = self.cat.in_years(p.years)
        for e in self.cat.entries if entries is None else entries:
            pr = e.project
            if p.years and pr.year not in p.years:
                continue
            if p.kinds and pr.kind not in p.kinds:
                continue
            if p.org and not any(p.org in _compact(o) for o in (pr.department, pr.implementer) if o):
                continue
            out.append(e)
        return out

    def entries_named(self, names: Iterable[str]) -> list[Entry]:
        found = [e for key in dict.fromkeys(_compact(n) for n in names) for e in self.cat.by_key.get(key, [])]
        return sorted(found, key=lambda e: e.position)

    def embedder(self) -> Any:
        return _embedder(self.index)


def _answer(ctx: Context, kind: str, text: str, figures: Sequence[Figure] = (), **kw: Any) -> Answer:
    projects = kw.pop("projects", None)
    if projects is None:
        projects = [f.entry.name for f in figures]
    citations = list(kw.pop("citations", ()))
    citations = [_cite_figure(f) for f in figures] + citations
    values = list(kw.pop("values", ())) or [f.to_value() for f in figures if f.value is not None]
    return Answer(
        question=ctx.question,
        kind=kind,
        text=text,
        projects=tuple(dict.fromkeys(projects)),
        values=tuple(values),
        citations=_dedupe(citations),
        suggestions=tuple(kw.pop("suggestions", ())),
    )


def _unknown(
    ctx: Context, text: str, suggestions: Sequence[str] = (), citations: Sequence[Citation] = ()
) -> Answer:
    return Answer(
        question=ctx.question,
        kind="unknown",
        text=text,
        citations=tuple(citations),
        suggestions=tuple(dict.fromkeys(suggestions)),
    )


def _names(entries: Iterable[Entry]) -> list[str]:
    return list(dict.fromkeys(e.name for e in entries))[: MAX_SUGGESTIONS * 2]


def _names_all(entries: Iterable[Entry]) -> list[str]:
    return list(dict.fromkeys(e.name for e in entries))
