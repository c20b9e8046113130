"""placeholder-left: 「表中还留着 XX、**、……、（请填写…）等模板占位内容，提交前应填上实际内容」."""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.model import Finding, Indicator, Project, Source
from qa.checks import vocab
from qa.checks.base import ANY_KIND, Context, Rule, compact, make_finding

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


def placeholders(cell: str | None) -> list[str]:
    """The placeholders and template instructions in one cell, as written, each once.

    `*` alone, `**`, `XX`, `××`, `待定`, `……` make a cell a blank; inside real text a run of X (not in a
    Latin word), 某某, `____`, `**` (not markdown bold), an ellipsis where a number goes and a template
    instruction are residue; one `*` inside text is a footnote or a multiplication (7*24 小时) and is left alone.
    """
    if not cell:
        return []
    text, origin = _normalise(cell)
    if not text:
        return []
    found: dict[str, None] = {}

    def add(start: int, end: int) -> None:
        # The characters the match was made of, as written (……, not NFKC's ......), without the white
        # space or control characters between them.
        token = "".join(cell[i] for i in dict.fromkeys(origin[start:end]))
        found.setdefault(token if len(token) <= _SHOWN else token[:_SHOWN] + "…", None)

    core = text.strip(_BRACKETS + "。.,，;；:：!！")
    if core.lower() in _CELLS or (core and set(core) == {"*"}):
        start = text.index(core)
        add(start, start + len(core))
    for word in _INSTRUCTIONS:
        at = text.find(word)
        if at >= 0:
            add(at, at + len(word))
    opening = text.lstrip(_BRACKETS)
    example = next((w for w in _EXAMPLES if opening.startswith(w)), None)
    if example is not None:
        start = len(text) - len(opening)
        add(start, start + len(example))
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            add(m.start(), m.end())
    for m in _STARS.finditer(_BOLD.sub(lambda b: " " * len(b.group(0)), text)):
        if len(m.group(0)) >= 2:
            add(m.start(), m.end())
    blank = _ellipsis_blank(text)
    if blank is not None:
        add(*blank)
    return list(found)


def _cells(text: str) -> list[str]:
    return [c for c in re.split(r"[\t\n]", text) if c.strip()]


def _places(project: Project) -> Iterator[tuple[str, Source, Indicator | None, list[str]]]:
    """(what, source, indicator, cells) for every part of the form the project was read from."""
    yield (
        "项目名称、主管部门、实施单位",
        project.source,
        None,
        [c for c in (project.name, project.department, project.implementer) if c]
        + _cells(project.source.text),
    )
    goals = project.goals
    for label, block in (
        ("项目总目标", goals.overall),
        ("年度总体目标", goals.annual),
        ("预期目标", goals.expected),
        ("实际完成情况", goals.achieved),
    ):
        if block is not None:
            yield label, block.source, None, [block.text]
    f = project.funding
    if f is not None:
        fields = [v for v in (f.nature, f.category, f.start_date, f.end_date) if v]
        raw = _cells(f.source.text) if f.source is not None else []
        yield "项目资金", f.source or project.source, None, fields + raw
    b = project.budget
    if b is not None:
        yield "预算执行", b.source, None, _cells(b.source.text)
    for ind in project.indicators:
        parsed = [ind.level1, ind.level2, ind.name, ind.target.text, ind.note]
        if ind.actual is not None:
            parsed.append(ind.actual.text)
        yield "绩效指标", ind.source, ind, parsed + _cells(ind.source.text)


def check(project: Project, ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[int, str | None]] = set()
    for what, source, ind, cells in _places(project):
        key = (source.line, ind.name if ind is not None else what)
        if key in seen:
            continue
        seen.add(key)
        found: dict[str, None] = {}
        for cell in cells:
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


RULE = Rule(SLUG, "warning", "project", ANY_KIND, check, __doc__ or "")
