"""markup-residue: 「文本中残留 <p>、$\\geq$ 等排版标记」— left over from a PDF or OCR export."""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.model import Finding, Project, Source
from qa.checks import vocab
from qa.checks.base import DECLARATION, Context, Rule, goal_blocks, make_finding

SLUG = "markup-residue"
_PATTERNS = [(re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in vocab.MARKUP_PATTERNS]


def residue(text: str) -> list[str]:
    """The markup tokens in `text`, each once, in order."""
    found: dict[str, None] = {}
    for pattern, _ in _PATTERNS:
        for m in pattern.finditer(text):
            found.setdefault(m.group(0), None)
    return list(found)


def _places(project: Project) -> Iterator[tuple[str, Source, str | None]]:
    """(what, source, indicator name) for every raw text the project was read from."""
    for label, block in goal_blocks(project):
        yield label, block.source, None
    if project.funding is not None and project.funding.source is not None:
        yield "项目资金", project.funding.source, None
    for ind in project.indicators:
        yield "绩效指标", ind.source, ind.name


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[int, str | None]] = set()
    for what, source, indicator in _places(project):
        key = (source.line, indicator)
        if key in seen:
            continue
        seen.add(key)
        tokens = residue(source.text)
        if not tokens:
            continue
        ind = next((i for i in project.indicators if i.name == indicator), None)
        shown = "、".join(tokens[:5])
        yield make_finding(
            SLUG,
            "info",
            project,
            f"{what}{'「' + indicator + '」' if indicator else ''}的原文残留排版标记 {shown}，提交前应清理。",
            indicator=ind,
            evidence={"where": what, "tokens": tokens},
            source=source,
        )


RULE = Rule(SLUG, "info", "project", DECLARATION, check, __doc__ or "", title="残留排版标记")
