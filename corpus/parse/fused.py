"""Cells run together without separators (doc-site previews, PDF text) cut back into cells by the forms' vocabulary.

Four steps, each usable alone:
    looks_fused(line)            does the line hold several cells run together?
    split_fused(line)            labels, values and figure runs as separate cells
    split_figures(run, columns)  `40004000100%` -> ['4000', '4000', '100%'] when only one cut fits
    split_row(text, columns)     `资金支出率达到目标值95%10` -> ['资金支出率', '达到目标值', '95%', '10']

Nothing here guesses: when two readings remain possible the answer is None (`common_figures` and
`split_row_partial` keep the cells on which every reading agrees).
"""


from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.parse import fused_vocab as fv
from corpus.parse.fused_base import (
    _COMP,
    _FIELD_NAMES,
    _LABEL,
    _NOT_INLINE,
    _OPENING,
    _QUAL,
    _RUN,
    _RUN_FULL,
    _SENTENCE_PUNCT,
    _UNIT,
    _is_cjk,
    _norm,
)
from corpus.parse.fused_figures import common_figures, figure_cuts, is_figure_run, split_figures
from corpus.parse.fused_rows import (
    _LEVEL_START,
    NOTE_OPENERS,
    _peel_levels,
    split_indicators,
    split_row,
    split_row_partial,
    split_rows,
)

__all__ = ["NOTE_OPENERS", "common_figures", "figure_cuts", "is_figure_run", "looks_fused", "split_figures",
           "split_fused", "split_indicators", "split_row", "split_row_partial", "split_rows"]

@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str  # label | figure
    strong: bool = False
    name: str = ""


def _label_spans(norm: str) -> list[_Span]:
    out: list[_Span] = []
    for m in _LABEL.finditer(norm):
        strong = bool(m.group("suffix") or m.group("colon"))
        out.append(_Span(m.start(), m.end(), "label", strong, m.group("label")))
    return out


def _boundary_before(norm: str, i: int) -> bool:
    return i == 0 or norm[i - 1].isspace() or norm[i - 1] in _OPENING or not norm[:i].strip()


def _accepted_labels(norm: str, spans: list[_Span]) -> list[_Span]:
    """The label matches that stand as cells, not as words of a sentence or a value."""
    accepted: set[int] = set()
    # Chains of labels printed back to back (a fused header row) stand as cells.
    chains: list[list[int]] = []
    for i, s in enumerate(spans):
        if chains and spans[chains[-1][-1]].end == s.start:
            chains[-1].append(i)
        else:
            chains.append([i])
    for chain in chains:
        members = [spans[i] for i in chain]
        plain = [s for s in members if s.name not in _NOT_INLINE or s.strong]
        if len(chain) >= 3 and len(plain) >= 2:
            accepted.update(chain)
        elif any(s.strong for s in members):
            accepted.update(chain)
        elif len(chain) == 2 and len(plain) == 2 and _boundary_before(norm, members[0].start):
            accepted.update(chain)
    # A label alone: where a cell may start (line start, after a space or a figure) and not a prose word.
    def prose(s: _Span) -> bool:
        prev = norm[s.start - 1] if s.start else ""
        after = norm[s.end : s.end + 1]
        return bool(prev and prev in fv.PROSE_BEFORE or after and after in fv.PROSE_AFTER + _SENTENCE_PUNCT)

    for i, s in enumerate(spans):
        if i in accepted or s.name in _NOT_INLINE or prose(s):
            continue
        prev = norm[s.start - 1] if s.start else ""
        after = norm[s.end : s.end + 1]
        if (_boundary_before(norm, s.start) or prev.isdigit() or prev == "%") and after and not after.isspace():
            accepted.add(i)
    # A field label whose value is a row of ticked choices (专项属性延续专项√新增专项□) stands as a cell
    # wherever it is.
    for i, s in enumerate(spans):
        if i not in accepted and s.name in _FIELD_NAMES and _CHOICE.match(norm, s.end):
            accepted.add(i)
    # A line that names several form fields, or starts with one, is a fused form row: its other long
    # labels are cells too.
    names = {spans[i].name for i in accepted}
    starts_with_field = any(spans[i].name in _FIELD_NAMES and _boundary_before(norm, spans[i].start) for i in accepted)
    if len(names) >= 2 or starts_with_field:
        for i, s in enumerate(spans):
            if i in accepted or s.name in _NOT_INLINE or len(s.name) < 4 or prose(s):
                continue
            if len(names) >= 2 or s.name in _FIELD_NAMES:
                accepted.add(i)
    return [spans[i] for i in sorted(accepted)]


_CHOICE = re.compile(r":?[\u4e00-\u9fff]{0,8}[□■☑☐√✓✔]")


def _figure_spans(norm: str, labels: list[_Span], all_labels: list[_Span]) -> list[_Span]:
    """Figure runs that stand as cells: between labels, at the end, before a space; not inside words."""
    taken = [(s.start, s.end) for s in all_labels if s in labels or s.strong]
    label_starts = {s.start for s in all_labels}
    label_ends = {s.end for s in labels}
    out: list[_Span] = []
    pos = 0
    while True:
        m = _RUN.search(norm, pos)
        if not m:
            break
        start, end = m.start(), m.end()
        pos = end
        if any(a < end and start < b for a, b in taken):
            continue
        prev = norm[start - 1] if start else ""
        nxt = norm[end] if end < len(norm) else ""
        if prev and (prev.isascii() and prev.isalpha() or prev in "第.") or prev in fv.PROSE_BEFORE and prev:
            continue
        if nxt and (nxt.isascii() and nxt.isalpha() or nxt in "、.-/~"):
            continue
        after_label = start in label_ends
        if nxt and _is_cjk(nxt) and end not in label_starts:
            continue
        if nxt and nxt in _SENTENCE_PUNCT and not after_label:
            continue
        out.append(_Span(start, end, "figure"))
    return out


def _leading_levels(norm: str) -> list[_Span]:
    """Level labels that open a row (产出数量指标, 项目年度绩效目标(定量指标)制度指标 …), not in a sentence."""
    if any(p in norm for p in "，。；;"):
        return []
    start = len(norm) - len(norm.lstrip())
    found, rest = _peel_levels(norm[start:])
    out: list[_Span] = []
    for label in found:
        out.append(_Span(start, start + len(label), "label", True, label))
        start += len(label)
    return out


def _cells(text: str) -> tuple[list[str], int, int]:
    """Cells of a line, and how many of them are labels and figures."""
    norm = _norm(text)
    levels = _leading_levels(norm)
    level_end = levels[-1].end if levels else 0
    all_labels = levels + [s for s in _label_spans(norm) if s.start >= level_end]
    labels = _accepted_labels(norm, all_labels)
    figures = _figure_spans(norm, labels, all_labels)
    marks = sorted(labels + figures, key=lambda s: s.start)
    cells: list[str] = []
    pos = 0
    for s in marks:
        cells.extend(text[pos : s.start].split())
        cells.append(text[s.start : s.end].strip())
        pos = s.end
    cells.extend(text[pos:].split())
    return [c for c in cells if c], len(labels), len(figures)


def split_fused(text: str) -> list[str]:
    """Cut a line whose table cells were run together into cells.

    Labels (项目名称, 主管部门及代码, 年初预算数(A), 分值(10分), 数量指标 …) and figure runs become cells of
    their own; the text between them, cut at white space, makes the value cells. A run of digits that may
    hold several figures (`310.2154.741050%5`) stays one cell: `split_figures` cuts it once the columns
    are known. Words of a sentence are left in their sentence.

    Args:
        text: one line as printed.

    Returns:
        The cells in order, as printed (a label keeps its colon: `年度资金总额:`).
    """
    return _cells(text)[0]


_FUSED_FIGURES = re.compile(rf"(?:%|{_UNIT}|{_QUAL})\d|\d%(?:{_COMP})")


def looks_fused(text: str) -> bool:
    """True for a line holding several cells run together: two labels, or a label with its value/figures.

    A sentence that mentions a label (确保预算执行率达到95%以上) is not fused; nor is a single cell.
    """
    norm = _norm(text).strip()
    if not norm:
        return False
    cells, n_labels, n_figures = _cells(norm)
    if len(cells) < 2:
        return False
    if n_labels >= 2:
        return True
    if n_labels == 1 and (n_figures or len(cells) >= 2):
        return True
    # A level label and the rest of its row: 数量指标建设普通省道二级公路32.1公里2020.
    level = _LEVEL_START.match(norm)
    if level and level.end() < len(norm) and not any(p in norm for p in "，。；;"):
        return True
    # Figures printed back to back (95%10, 100%92%, 32.1公里2020) at the end of a row.
    return n_figures > 0 and any(_FUSED_FIGURES.search(_norm(c)) for c in cells if _RUN_FULL.match(_norm(c)))


# ---------------------------------------------------------------------------------------------
# Figures
