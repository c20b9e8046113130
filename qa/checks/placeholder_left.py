"""placeholder-left: 「表中还留着 XX、**、……、（请填写…）等模板占位内容，提交前应填上实际内容」."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from corpus.model import Finding, Indicator, Project, Source
from qa.checks import vocab
from qa.checks.base import ANY_KIND, Context, Rule, compact, goal_blocks, make_finding

SLUG = "placeholder-left"
_PATTERNS = [re.compile(p) for p, _ in vocab.PLACEHOLDER_PATTERNS]
_INSTRUCTIONS = tuple(compact(w) for w in vocab.TEMPLATE_INSTRUCTION_WORDS)
_EXAMPLES = tuple(compact(w) for w in vocab.EXAMPLE_OPENINGS)
_CELLS = frozenset(compact(w).lower() for w in vocab.PLACEHOLDER_CELLS)
_ELLIPSIS = re.compile(vocab.ELLIPSIS_PATTERN)
_STARS = re.compile(r"\*+")
_BOLD = re.compile(r"\*\*[^*]+\*\*")  # markdown bold is markup (markup-residue), not a blank
_BRACKETS = "()[]【】〔〕<>《》\"'“”‘’"
_CONTENT = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
# A character every placeholder above has, as written or in a form NFKC maps to it (Ｘ, ＊, …, Ⅹ): a cheap
# first look at a whole row, before any normalising; most rows have none of them.
_MAYBE = re.compile(r"[Xx×○□△_*⋯某待请填例ＸｘⅩⅹ＊＿…．TtＴｔ]|\.\s*\.\s*\.|。\s*。\s*。")
_CELL_BREAK = re.compile(r"[\t\n]")
_SHOWN = 20  # characters of a placeholder shown (a run of 20,000 x is one placeholder)


def _ellipsis_blank(text: str) -> tuple[int, int] | None:
    """Where an ellipsis stands for missing content, not for 等 in a sentence of real content."""
    found = _ELLIPSIS.search(text)
    if found is None:
        return None
    rest = _ELLIPSIS.sub("", text)
    if len(_CONTENT.findall(rest)) <= vocab.ELLIPSIS_MAX_CONTENT:
        return found.span()
    for m in _ELLIPSIS.finditer(text):
        before, after = text[: m.start()], text[m.end() :]
        if before.endswith(vocab.ELLIPSIS_SLOT_BEFORE) or after.startswith(vocab.ELLIPSIS_SLOT_AFTER):
            return m.span()
    return None


def _normalise(cell: str) -> tuple[str, list[int]]:
    """The cell as `compact` writes it, and for each of its characters the index of the one it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(cell):
        for n in compact(c):
            chars.append(n)
            origin.append(i)
    return "".join(chars), origin


def _spans(text: str) -> list[tuple[int, int]]:
    """Where the placeholders are in a cell written as `compact` writes it."""
    spans: list[tuple[int, int]] = []
    core = text.strip(_BRACKETS + "。.,，;；:：!！")
    if core.lower() in _CELLS or (core and set(core) == {"*"}):
        at = text.index(core)
        spans.append((at, at + len(core)))
    for word in _INSTRUCTIONS:
        at = text.find(word)
        if at >= 0:
            spans.append((at, at + len(word)))
    opening = text.lstrip(_BRACKETS)
    example = next((w for w in _EXAMPLES if opening.startswith(w)), None)
    if example is not None:
        at = len(text) - len(opening)
        spans.append((at, at + len(example)))
    for pattern in _PATTERNS:
        spans += [m.span() for m in pattern.finditer(text)]
    if "**" in text:
        unbolded = _BOLD.sub(lambda b: " " * len(b.group(0)), text)
        spans += [m.span() for m in _STARS.finditer(unbolded) if len(m.group(0)) >= 2]
    blank = _ellipsis_blank(text)
    if blank is not None:
        spans.append(blank)
    return spans


@lru_cache(maxsize=65_536)  # the same 一级/二级指标 and labels repeat in every project
def placeholders(cell: str | None) -> tuple[str, ...]:
    """The placeholders and template instructions in one cell, as written, each once.

    `*` alone, `**`, `XX`, `××`, `待定`, `……` make a cell a blank; inside real text a run of X (not in a
    Latin word), 某某, `____`, `**` (not markdown bold), an ellipsis where a number goes and a template
    instruction are residue; one `*` inside text is a footnote or a multiplication (7*24 小时) and is left alone.
    """
    if not cell or not _spans(compact(cell)):
        return ()
    # Found: read again character by character, to know which characters as written each match is made of.
    text, origin = _normalise(cell)
    spans = _spans(text)
    found: dict[str, None] = {}
    for start, end in spans:
        # The characters the match was made of, as written (……, not NFKC's ......), without the white
        # space or control characters between them.
        token = "".join(cell[i] for i in dict.fromkeys(origin[start:end]))
        found.setdefault(token if len(token) <= _SHOWN else token[:_SHOWN] + "…", None)
    return tuple(found)


def _places(project: Project) -> Iterator[tuple[str, Source, Indicator | None, list[str], str]]:
    """(what, source, indicator, cells as parsed, raw row text) for every part of the form the project has."""
    parts = [c for c in (project.name, project.department, project.implementer) if c]
    yield "项目名称、主管部门、实施单位", project.source, None, parts, project.source.text
    for label, block in goal_blocks(project):
        yield label, block.source, None, [block.text], ""
    f = project.funding
    if f is not None:
        fields = [v for v in (f.nature, f.category, f.start_date, f.end_date) if v]
        yield (
            "项目资金",
            f.source or project.source,
            None,
            fields,
            f.source.text if f.source is not None else "",
        )
    b = project.budget
    if b is not None:
        yield "预算执行", b.source, None, [], b.source.text
    for ind in project.indicators:
        parsed = [ind.level1, ind.level2, ind.name, ind.target.text, ind.note]
        if ind.actual is not None:
            parsed.append(ind.actual.text)
        yield "绩效指标", ind.source, ind, parsed, ind.source.text


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[int, str | None]] = set()
    for what, source, ind, parsed, raw in _places(project):
        key = (source.line, ind.name if ind is not None else what)
        if key in seen:
            continue
        seen.add(key)
        if not any(_MAYBE.search(text) for text in (*parsed, raw)):
            continue
        found: dict[str, None] = {}
        for cell in [*parsed, *_CELL_BREAK.split(raw)]:
            found.update(dict.fromkeys(placeholders(cell)))
        if not found:
            continue
        tokens = list(found)
        shown = "、".join(f"“{t}”" for t in tokens[:5])
        yield make_finding(
            SLUG,
            "warning",
            project,
            f"{what}{'「' + ind.name + '」' if ind is not None else ''}中留有模板占位内容或填写说明 {shown}，"
            "提交前应填写实际内容并删去说明文字。",
            indicator=ind,
            evidence={"where": what, "placeholders": tokens},
            source=source,
        )


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "", title="残留模板占位内容")
