"""cell rows -> Document with Projects.

The steps, one module each: `grid` (reader rows -> cells with their place, text streams cut into cells),
`labels` (what a cell is, by the forms' vocabulary), `forms` (a document cut into forms and each read by its
labels), `indicators` (indicator tables from their headers), `records` (drafts -> Project records with their
Coverage). `legacy` is the row reader of the samples' template family; `parse_loaded` runs both and keeps the
reading that explains more of the file, so a layout one of them knows is never read worse.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from corpus.errors import JixiaoError, NotAPerformanceTableError
from corpus.load import Loaded, load
from corpus.model import Coverage, Document, Indicator, ParseWarning, Project
from corpus.parse.values import clean_text, compact, parse_measure, split_clauses, to_decimal

__all__ = ["parse_loaded", "parse_file", "clean_text", "compact", "parse_measure", "split_clauses", "to_decimal"]


def parse_loaded(loaded: Loaded) -> Document:
    """Rows of one file -> Document.

    Raises:
        NotAPerformanceTableError: no form in the file; the message says what was found.
    """
    from corpus.parse import legacy, structure
    from corpus.parse.grid import is_text
    from corpus.readers.ocr import boxed  # an OCR'd row's page box into its records' Sources

    old: Document | None = None
    old_error: JixiaoError | None = None
    try:
        old = without_garbled_rows(with_coverage(legacy.parse_loaded(loaded)))
    except NotAPerformanceTableError as e:
        old_error = e
    if old is not None and _whole(old) and is_text(loaded):
        # The row reader read every form of this text whole (its own layout family): the structural reader
        # would read the same again, at twice the cost.
        return old
    try:
        new = without_garbled_rows(structure.parse_loaded(loaded))
    except NotAPerformanceTableError:
        if old is not None:
            return boxed(old, loaded)
        if old_error is not None:
            raise structure.refusal(loaded) from None
        raise
    return boxed(new if old is None or explained(new) > explained(old) else old, loaded)


def _whole(doc: Document) -> bool:
    """Every project read whole, and no line of the file left unread or in doubt."""
    quiet = {"no-unit"}
    return bool(doc.projects) and all(p.coverage is not None and p.coverage.complete for p in doc.projects) and all(
        (w.kind or "") in quiet for w in doc.warnings)


def parse_file(path: str | Path, max_mb: int = 50) -> Document:
    """Read and parse one document.

    Example:
        doc = parse_file("corpus/samples/2023_self_evaluation_shanghai_eeb.txt")
        doc.projects[0].indicators[0].target.value  # Decimal('2.00')
    """
    return parse_loaded(load(path, max_mb=max_mb))


# A cell that prints only a figure (2024, 35.5, ≥90, 12%): never an indicator's name or its level.
_FIGURE_ONLY = re.compile(r"^[≥≤><=＝]?[-−]?\d[\d,.]*\s*[%％]?$")


# Figures run together inside words (…完成率%901010010国家级…): values that never reached their columns.
_FIGURES_INSIDE = re.compile(r"(?:^|[\u4e00-\u9fff%％])[\d.]{5,}[\u4e00-\u9fff]")


def garbled(name: str, level2: str, has_values: bool = True, target: str = "") -> bool:
    """An indicator row whose name or 二级指标 is a bare figure, or a row without any value whose name holds a
    run of figures between words: its columns did not stand where the header says (figures shifted into the
    name), so none of it can be trusted. So is a footnote, a glossary entry or points alone ((40-50)分), a name
    that is a section label with its points (效益指标(40分)),
    a name with a level label inside it (several rows' words run together), and a target that opens with the
    bracketed end of the word before it (`(地区)受…` after a name ending 目的国: a wrapped cell cut apart)."""
    if any(_FIGURE_ONLY.match(compact(t)) for t in (name, level2) if t):
        return True
    if _fragment(compact(name)):
        return True
    if _section_or_rows(compact(name)) or _WRAPPED_START.match(compact(target)):
        return True
    return not has_values and bool(_FIGURES_INSIDE.search(compact(name)))


_WRAPPED_START = re.compile(r"^[(（][\u4e00-\u9fff]{1,6}[)）][\u4e00-\u9fff]")


# A footnote (注:…), a glossary entry (事业收入:指…) or a points label alone ((40-50)分, 20分): not a name.
_NOTE_OR_POINTS = re.compile(r"^(?:注[:：]|[^:：]{2,12}[:：]指|[(（]?[\d.]+(?:[-~–][\d.]+)?[)）]?分$)")


def _section_or_rows(name: str) -> bool:
    from corpus.parse import fused_vocab as fv

    if _NOTE_OR_POINTS.match(name):
        return True
    bare = re.sub(r"[(（]\d+(?:\.\d+)?分[)）]$", "", name)
    if bare != name and (bare in fv.LEVEL1_WORDS or bare in fv.LEVEL2_WORDS):
        return True
    return any(len(w) >= 5 and w.endswith("指标") and 0 < name.find(w) < len(name) - len(w)
               for w in (*fv.LEVEL1_WORDS, *fv.LEVEL2_WORDS))


def _fragment(name: str) -> bool:
    """A piece of a cell, not a name: a bracket closed before it opens or opened and never closed, or a
    clause's punctuation at its edge (`,四舍五入保留整`, `(15`, `个数)`, `资料;`): words of a wrapped cell that
    a flattened page printed apart. A name cut short at the end of a page (`截`) is still a name."""
    if not name:
        return False
    brackets = re.sub(r"[^()（）]", "", name)
    unopened = brackets[:1] in (")", "）")  # a closing bracket before any opening one
    unclosed = name[0] in "(（" and not re.search(r"[)）]", name)
    return unopened or unclosed or name[0] in ",，、;；。.:：" or name[-1] in ",，、;；"


def _has_values(i: Indicator) -> bool:
    return bool(i.target.text or (i.actual and i.actual.text) or i.weight is not None or i.score is not None)


def without_garbled_rows(doc: Document) -> Document:
    """Rows whose figures stand where the name stands are not indicators: each is dropped, counted among the
    table's unread rows (Coverage partial, or missing when none is left) and warned once per project."""
    projects: list[Project] = []
    warnings = list(doc.warnings)
    for p in doc.projects:
        bad = [i for i in p.indicators if garbled(i.name, i.level2, _has_values(i), i.target.text)]
        if not bad:
            projects.append(p)
            continue
        kept = tuple(i for i in p.indicators if i not in bad)
        cov = p.coverage or Coverage()
        state = "partial" if kept else "missing"
        note = f"绩效指标 {len(bad)} 行未能读取" if kept else "未读出绩效指标表"
        missing = tuple(m for m in cov.missing if not m.startswith("绩效指标 ") and m != "未读出绩效指标表")
        seen = max(cov.indicator_rows_seen, len(p.indicators))
        cov = replace(cov, indicators=state, indicator_rows_seen=seen, indicator_rows_read=len(kept),
                      missing=(*missing, note))
        projects.append(replace(p, indicators=kept, coverage=cov))
        first, last = bad[0].source, bad[-1].source
        lines = f"第{first.line}行" if first.line == last.line else f"第{first.line}–{last.line}行"
        warnings.append(ParseWarning(first.line, f"{lines}：{len(bad)} 行指标的名称处是数字（列错位或文字连在一起），未能读取",
                                     first.text, first.page, kind="unread-indicator-rows",
                                     end_line=last.line, end_page=last.page))
    if not any(p is not q for p, q in zip(projects, doc.projects, strict=True)):
        return doc
    return replace(doc, projects=tuple(projects), warnings=tuple(warnings))


def explained(doc: Document) -> int:
    """How many facts a reading holds: names, figures, indicators and their values (to choose a reading)."""
    n = 0
    for p in doc.projects:
        n += bool(p.name) + bool(p.department) + bool(p.implementer) + bool(p.code)
        for block in (p.budget, p.funding):
            if block is not None:
                n += sum(getattr(block, f) is not None for f in ("planned", "adjusted", "spent", "rate", "score",
                                                                 "weight", "total", "fiscal", "annual_request",
                                                                 "appropriation", "carryover", "other", "annual_other")
                         if hasattr(block, f))
        n += p.total_score is not None
        for i in p.indicators:
            n += 1 + bool(i.target.text) + bool(i.actual and i.actual.text) + (i.weight is not None) + (
                i.score is not None)
    return n


def with_coverage(doc: Document) -> Document:
    """Coverage for the row reader's projects, from what it read and the rows it warned it could not."""
    from corpus.parse import structure

    projects: list[Project] = []
    for p in doc.projects:
        end = p.source.end_line or p.source.line
        bad = [w for w in doc.warnings if w.message == "指标行无法识别" and p.source.line <= w.line <= end]
        missing: list[str] = [] if p.name else ["项目名称"]
        money = "read" if (p.budget or p.funding) else "missing"
        if money == "missing":
            missing.append("未读出项目资金表")
        if not p.indicators:
            ind = "missing"
            missing.append("未读出绩效指标表")
        elif bad:
            ind = "partial"
            missing.append(f"绩效指标 {len(bad)} 行未能读取")
        else:
            ind = "read"
        goals = "read" if any((p.goals.expected, p.goals.achieved, p.goals.overall, p.goals.annual)) else "missing"
        cov = Coverage(money=money, goals=goals, indicators=ind, indicator_rows_seen=len(p.indicators) + len(bad),
                       indicator_rows_read=len(p.indicators), missing=tuple(missing))
        projects.append(replace(p, coverage=cov))
    kinds = [(w, w.kind or _kind(w.message)) for w in doc.warnings]
    before = [w for w, k in kinds if k == "before-form"]
    warnings = (*structure.skipped([(w.line, w.page, w.text) for w in before]),
                *(ParseWarning(w.line, w.message, w.text, w.page, kind=k) for w, k in kinds if k != "before-form"))
    n = len(projects)
    return replace(doc, projects=tuple(projects), warnings=warnings, tables_seen=n, tables_read=n)


def _kind(message: str) -> str:
    if "指标行" in message:
        return "unread-indicator-rows"
    if "单位" in message:
        return "no-unit"
    if "表格之前" in message:
        return "before-form"
    if "未识别" in message:
        return "unread-rows"
    return "other"
