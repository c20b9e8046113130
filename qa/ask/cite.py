"""Citations: the document, project, line and a snippet of the source behind every figure and project."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from corpus.model import Citation, Source
from qa.ask.words import _compact

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry
    from qa.ask.figures import Figure


SNIPPET_CHARS = 160


def _snippet(text: str, around: str | None = None) -> str:
    flat = re.sub(r"\s+", " ", re.sub(r"<[^<>]{0,40}>", "", text.replace("\t", " | "))).strip(" |")
    if len(flat) <= SNIPPET_CHARS:
        return flat
    if around:
        at = flat.find(around)
        if at < 0:
            at = _compact(flat).find(_compact(around))
        if at >= 0:
            start = max(0, at - SNIPPET_CHARS // 3)
            return ("…" if start else "") + flat[start : start + SNIPPET_CHARS] + "…"
    return flat[:SNIPPET_CHARS] + "…"


def _cite(
    entry: Entry, source: Source | None, indicator: str | None = None, around: str | None = None
) -> Citation:
    src = source or entry.project.source
    return Citation(
        document=entry.document.name,
        project=entry.name,
        indicator=indicator,
        line=src.line,
        snippet=_snippet(src.text, around),
        page=src.page,
    )


def _cite_figure(fig: Figure) -> Citation:
    return _cite(fig.entry, fig.cited_source, fig.indicator.name if fig.indicator else None)


def _dedupe(citations: Iterable[Citation]) -> tuple[Citation, ...]:
    seen: dict[tuple[str, str, str | None, int], Citation] = {}
    for c in citations:
        seen.setdefault((c.document, c.project, c.indicator, c.line), c)
    return tuple(seen.values())


def _source_with_text(source: Source, text: str) -> Source:
    # A passage's own text (one clause) makes a better snippet than the whole row it came from.
    return Source(source.file, source.line, source.end_line, text, source.page, source.sha256)
