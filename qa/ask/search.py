"""The search intent: the passages nearest to a question no field answers, labelled 仅供参考."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from corpus.model import Answer
from qa.ask.cite import _cite, _snippet, _source_with_text
from qa.ask.context import _answer
from qa.ask.text import TEXT
from qa.ask.words import _compact

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry
    from qa.ask.context import Context




def _answer_search(ctx: Context, within: Sequence[Entry] | None = None) -> Answer:
    # Ask for more than are shown: some fall out of the scope, the named projects, or as repeats.
    hits = ctx.index.search(ctx.question, k=ctx.settings.answer_search_k * (8 if within else 3))
    # A hit's project by file and name (a project whose name was not read has the name "").
    scope = {(e.document.sha256, e.name): e for e in ctx.scoped(within)}
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for h in hits:
        key = (h.document.sha256, h.project.name, _compact(h.passage.text))
        if (h.document.sha256, h.project.name) in scope and key not in seen:
            seen.add(key)  # the same sentence in two goal blocks (项目总目标 = 年度总体目标) is shown once
            kept.append(h)
    hits = kept[: ctx.settings.answer_search_k]
    if not hits:
        return _answer(ctx, "search", TEXT["search_none"], projects=[])
    lines = [TEXT["search_intro"]]
    citations = []
    for n, h in enumerate(hits, 1):
        entry = scope[(h.document.sha256, h.project.name)]
        lines.append(f"{n}. 【{h.project.name}】{_snippet(h.passage.text)}")
        citations.append(_cite(entry, _source_with_text(h.source, h.passage.text)))
    return _answer(
        ctx, "search", "\n".join(lines), projects=[h.project.name for h in hits], citations=citations
    )
