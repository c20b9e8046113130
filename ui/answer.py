"""The 问答 tab's answer: text, projects, values and citations with their rows (escaped HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from corpus.model import Answer, Citation, Document, Project, Source
from corpus.parse import clean_text
from qa.ask import label as field_label
from ui.format import _table, esc, fmt_number
from ui.ocr_view import source_crop


def _sources(project: Project) -> list[Source]:
    """Every Source of the project's records: itself, budget, funding, goals, indicators."""
    sources: list[Source] = [project.source]
    if project.budget is not None:
        sources += [bl.source for bl in project.budget.lines if bl.source is not None]
        sources.append(project.budget.source)
    if project.funding is not None and project.funding.source is not None:
        sources.append(project.funding.source)
    for block in (project.goals.expected, project.goals.achieved, project.goals.overall, project.goals.annual):
        if block is not None:
            sources.append(block.source)
    sources += [i.source for i in project.indicators]
    return sources


def _source_rows(project: Project) -> list[tuple[int | None, int, str]]:
    """(page, line, row text) of every row the project's records were read from, in file order."""
    sources = _sources(project)
    rows: dict[tuple[int, int], tuple[int | None, int, str]] = {}
    for s in sources:
        texts = s.text.split("\n") if s.text else []
        span = (s.end_line or s.line) - s.line + 1
        if len(texts) == span:
            for i, t in enumerate(texts):
                rows.setdefault((s.page or 0, s.line + i), (s.page, s.line + i, t))
        elif texts:
            rows.setdefault((s.page or 0, s.line), (s.page, s.line, "\n".join(texts)))
    return [rows[k] for k in sorted(rows)]


def _cells(text: str, limit: int | None) -> str:
    cells = [clean_text(c) for c in text.split("\t")]
    cells = [c for c in cells if c]
    if limit is not None:
        cells = [c if len(c) <= limit else c[: limit - 1] + "…" for c in cells]
    return " │ ".join(esc(c) for c in cells)


def highlight(text: str, snippet: str, window: int = 160) -> str:
    """Escaped `text` with `snippet` marked; a long text is cut to a window around the mark."""
    needle = snippet.strip().rstrip("…").strip()
    at = text.find(needle) if needle else -1
    if at < 0 and len(needle) > 24:
        needle = needle[:24]
        at = text.find(needle)
    if at < 0:
        return esc(text if len(text) <= 3 * window else text[: 3 * window] + "…")
    end = at + len(needle)
    start, stop = max(0, at - window), min(len(text), end + window)
    return (
        ("…" if start else "")
        + esc(text[start:at])
        + f"<mark>{esc(text[at:end])}</mark>"
        + esc(text[end:stop])
        + ("…" if stop < len(text) else "")
    )


def _cited_cells(text: str, snippet: str) -> str:
    cells = [c for c in (clean_text(c) for c in text.split("\t")) if c]
    marked = [highlight(c, snippet) for c in cells]
    if any("<mark>" in m for m in marked):
        # Only the cells that hold the cited words, and the row's label, stay in full.
        marked = [m for i, m in enumerate(marked) if "<mark>" in m or i == 0 or len(cells[i]) <= 40]
    return " │ ".join(marked)


def citation_html(citation: Citation, documents: Sequence[Document], context: int = 1) -> str:
    """A citation with its rows around it from the records; the cited row is highlighted, the cited words marked."""
    project = next(
        (p for d in documents if d.name == citation.document for p in d.projects if p.name == citation.project), None
    )
    where = f"{citation.document} {'第' + str(citation.page) + '页 ' if citation.page else ''}第{citation.line}行"
    head = (
        f"<div class='jx-cite-head'>{esc(where)} · {esc(citation.project)}"
        f"{' · ' + esc(citation.indicator) if citation.indicator else ''}</div>"
    )
    rows = _source_rows(project) if project is not None else []
    head += _cited_crop(citation, project, documents)
    at = next(
        (i for i, (page, line, _) in enumerate(rows) if line == citation.line and (citation.page in (None, page))), None
    )
    if at is None:
        return f"<div class='jx-cite'>{head}<div class='jx-cited'>{esc(citation.snippet)}</div></div>"
    body = []
    for i in range(max(0, at - context), min(len(rows), at + context + 1)):
        _, line, text = rows[i]
        if i == at:
            body.append(
                f"<div class='jx-cited'><span class='jx-line'>{line}</span> {_cited_cells(text, citation.snippet)}</div>"
            )
        else:
            body.append(f"<div class='jx-context'><span class='jx-line'>{line}</span> {_cells(text, 60)}</div>")
    return f"<div class='jx-cite'>{head}{''.join(body)}</div>"


def _cited_crop(citation: Citation, project: Project | None, documents: Sequence[Document]) -> str:
    """The crop of the page image a cited OCR'd row was read from (the narrowest record holding the line)."""
    if project is None or not citation.page:
        return ""
    held = [
        s
        for s in _sources(project)
        if s.box is not None and s.page == citation.page and s.line <= citation.line <= (s.end_line or s.line)
    ]
    if not held:
        return ""
    narrowest = min(held, key=lambda s: (s.end_line or s.line) - s.line)
    return source_crop(narrowest, [d for d in documents if d.name == citation.document])


def mention_counts(answer: Answer) -> list[tuple[str, str, int]]:
    """(project, document, citations) for every project of the answer, in answer order."""
    counts: dict[str, int] = {}
    docs: dict[str, str] = {}
    for c in answer.citations:
        counts[c.project] = counts.get(c.project, 0) + 1
        docs.setdefault(c.project, c.document)
    return [(p, docs.get(p, ""), counts.get(p, 0)) for p in answer.projects]


def answer_html(answer: Answer, documents: Sequence[Document]) -> str:
    """The answer text, its projects (all of them for 提到/涉及), values and citations — escaped."""
    parts = [f"<div class='jx-answer'>{esc(answer.text)}</div>"]
    if answer.kind == "mentions":
        rows = [[esc(n), esc(p), esc(d), esc(c)] for n, (p, d, c) in enumerate(mention_counts(answer), 1)]
        parts.append(f"<h4>涉及的项目：共 {len(rows)} 个</h4>")
        if rows:
            parts.append(_table(["序号", "项目", "文件", "依据条数"], rows))
    elif answer.projects:
        chips = "".join(f"<span class='jx-chip'>{esc(p)}</span>" for p in answer.projects)
        parts.append(f"<h4>项目（{len(answer.projects)} 个）</h4><div>{chips}</div>")
    if answer.values:
        rows = [
            [esc(v.project), esc(v.indicator or ""), esc(field_label(v.field)),
             esc(fmt_number(v.value)), esc(v.unit or "")]
            for v in answer.values
        ]
        parts.append(f"<h4>数值（{len(rows)} 项）</h4>" + _table(["项目", "指标", "字段", "数值", "单位"], rows))
    if answer.suggestions:
        chips = "".join(f"<span class='jx-chip'>{esc(s)}</span>" for s in answer.suggestions)
        parts.append(f"<h4>可以试试</h4><div>{chips}</div>")
    if answer.citations:
        parts.append(f"<h4>出处（{len(answer.citations)} 条）</h4>")
        parts.extend(citation_html(c, documents) for c in answer.citations)
    return "\n".join(parts)
