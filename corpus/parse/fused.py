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
from decimal import Decimal, InvalidOperation
from itertools import combinations

from corpus import vocab
from corpus.parse import fused_vocab as fv

# ---------------------------------------------------------------------------------------------
# Patterns

# Full-width forms -> ASCII, one character for one, so that offsets into the printed text stay valid.
_WIDTH = str.maketrans(
    "（）：％＜＞＝，；０１２３４５６７８９．",
    "():%<>=,;0123456789.",
)
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_COMPARATORS = sorted(
    {k.translate(_WIDTH) for k in (*vocab.COMPARATOR_SYMBOLS, *vocab.COMPARATOR_WORDS)}, key=len, reverse=True
)
_COMP = "|".join(re.escape(c) for c in _COMPARATORS)
_UNIT = "|".join(re.escape(u) for u in fv.UNITS)
_QUAL = "|".join(re.escape(q) for q in fv.QUALIFIERS)
# One figure as fused text prints it; a digit run may hold several numbers (`310.2154.74`), so dots repeat.
_ATOM = rf"(?:(?:{_COMP})\s?)?\d+(?:\.\d+)*(?:{_UNIT})?(?:{_QUAL})?"
_RUN = re.compile(rf"(?:{_ATOM})+")
# The whole-run test with possessive digit runs: a figure never ends inside a digit run it could extend, and a
# long run of digits that fails at its end fails at once instead of trying every split (catastrophic).
_RUN_FULL = re.compile(rf"(?:(?:(?:{_COMP})\s?)?\d++(?:\.\d++)*+(?:{_UNIT})?(?:{_QUAL})?)+$")
# One figure cell: no leading zeros, 0/1/2/4 decimals.
_PIECE = re.compile(
    rf"(?P<op>{_COMP})?(?P<num>0|[1-9]\d*)(?:\.(?P<dec>\d+))?(?P<unit>{_UNIT})?(?P<qual>{_QUAL})?$"
)
_DECIMALS = (1, 2, 4)

# Annotations printed after a label: (A) (B/A) (B/A×100%) (10分) (万元) (%) (分) (0-20)分 及代码.
_ANNOTATION = (
    r"(?:\((?:[A-Za-z](?:/[A-Za-z])?(?:[×xX*]100%)?|\d+(?:\.\d+)?分?|[万亿千]?元|%|分|单位:?[万亿千]?元)\)"
    r"|\(\d+[-~]\d+\)分?|及代码|及构成|及电话)"
)
_LABEL = re.compile(
    "(?P<label>"
    + "|".join(re.escape(lb.translate(_WIDTH)) for lb in fv.INLINE_LABELS)
    + rf")(?P<suffix>{_ANNOTATION}*)(?P<colon>:)?"
)
_NOT_INLINE = frozenset(lb.translate(_WIDTH) for lb in fv.NOT_INLINE)
_FIELD_NAMES = frozenset(lb.translate(_WIDTH) for lb in fv.FIELD_NAMES)
_SENTENCE_PUNCT = ",，。;；、"
# A cell may start after these (a sentence's comma is not one: 主管部门 after a comma is a subject).
_OPENING = "|:)】]》"

# Rate slack when a rate is compared with spent/planned: percentage points (project default, Settings).
RATE_TOLERANCE = Decimal("0.01")
_MAX_PERCENT = Decimal("200")
_MAX_POINTS = Decimal("100")


def _norm(text: str) -> str:
    return text.translate(_WIDTH)


def _is_cjk(ch: str) -> bool:
    return bool(re.match(f"[{_CJK}]", ch))


# ---------------------------------------------------------------------------------------------
# Cells of a fused line


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


@dataclass(frozen=True)
class _Fig:
    text: str
    value: Decimal
    decimals: int
    unit: str | None
    op: str | None
    qual: str | None


def _piece(text: str) -> _Fig | None:
    m = _PIECE.match(text)
    if not m:
        return None
    dec = m.group("dec")
    if dec is not None and len(dec) not in _DECIMALS:
        return None
    try:
        value = Decimal(m.group("num") + ("." + dec if dec else ""))
    except InvalidOperation:
        return None
    return _Fig(text, value, len(dec or ""), m.group("unit"), m.group("op"), m.group("qual"))


# Bounds on cutting a run of figures: a row prints a few figures of a few digits each; a run beyond these
# (a cell of 400 nines) is not a fused row, and trying every cut of it would never end.
_MAX_RUN = 80
_MAX_CUTS = 2000
_MAX_STEPS = 20000


def _fits(fig: _Fig, column: str) -> bool:
    """What one column's figure must be, by itself."""
    if column in fv.MONEY_COLUMNS:
        return not fig.op and not fig.qual and (fig.unit is None or fig.unit in fv.MONEY_UNITS)
    if column in fv.PERCENT_COLUMNS:
        return not fig.op and not fig.qual and fig.unit in (None, "%") and fig.value <= _MAX_PERCENT
    if column in fv.POINT_COLUMNS:
        return not fig.op and not fig.qual and fig.unit in (None, "分") and fig.value <= _MAX_POINTS
    return True


def _cuts(run: str, n: int) -> list[list[str]]:
    """Every way to cut `run` into n figure pieces that each read as one number."""
    out: list[list[str]] = []
    budget = [_MAX_STEPS]

    def walk(pos: int, left: int, acc: list[str]) -> None:
        budget[0] -= 1
        if budget[0] < 0 or len(out) >= _MAX_CUTS:
            return  # too many ways to cut: the run is not a row of a few figures
        if left == 1:
            if _piece(run[pos:]):
                out.append([*acc, run[pos:]])
            return
        for end in range(pos + 1, len(run) - left + 2):
            if _piece(run[pos:end]):
                walk(end, left - 1, [*acc, run[pos:end]])

    if n >= 1 and run:
        walk(0, n, [])
    return out


def _close(printed: _Fig, computed: Decimal, rounded: bool) -> bool:
    """Does a computed figure agree with the printed one (to RATE_TOLERANCE, or to the printed digits)?"""
    slack = RATE_TOLERANCE
    if rounded:
        slack = max(slack, Decimal(1).scaleb(-printed.decimals) / 2)
    return abs(printed.value - computed) <= slack


def _constraints(figs: dict[str, _Fig], rounded: bool) -> tuple[bool, int]:
    """(the figures can stand together, how many arithmetic identities confirm them)."""
    weight, score = figs.get("weight"), figs.get("score")
    if weight and score and score.value > weight.value:
        return False, 0
    target, actual = figs.get("target"), figs.get("actual")
    if target and actual and target.unit != actual.unit and target.value != 0 and actual.value != 0:
        return False, 0
    # An identity between zeros (nothing spent, rate 0%) holds for any cut that ends in 0: it confirms nothing.
    confirmed = 0
    rate, spent = figs.get("rate"), figs.get("spent")
    if rate and spent and rate.value:
        bases = [figs[c].value for c in ("adjusted", "planned") if c in figs and figs[c].value]
        if any(_close(rate, spent.value / b * 100, rounded) for b in bases):
            confirmed += 1
    for share in ("rate", "coefficient"):
        pct = figs.get(share)
        if pct and weight and score and score.value and _close(score, weight.value * pct.value / 100, rounded):
            confirmed += 1
    return True, confirmed


def _ranked(readings: list[tuple[list[str], int]]) -> list[list[str]]:
    """Readings that an identity confirms beat the others; without confirmation all stay possible."""
    if not readings:
        return []
    best = max(c for _, c in readings)
    kept: list[list[str]] = []
    for cells, c in readings:
        if c == best and cells not in kept:
            kept.append(cells)
    return kept


def _figure_readings(run: str, columns: list[str], rounded: bool, allow_empty: bool) -> list[tuple[list[str], int]]:
    run = re.sub(r"\s+", "", _norm(run))
    if len(run) > _MAX_RUN:
        return []  # longer than a row's few figures can print together: not read as one
    n = len(columns)
    sizes = range(1, n + 1) if allow_empty else (n,)
    readings: list[tuple[list[str], int]] = []
    for k in sizes:
        cuts = _cuts(run, k)
        if not cuts:
            continue
        for chosen in combinations(range(n), k):
            for cut in cuts:
                figs: dict[str, _Fig] = {}
                ok = True
                for idx, text in zip(chosen, cut, strict=True):
                    fig = _piece(text)
                    if fig is None or not _fits(fig, columns[idx]):
                        ok = False
                        break
                    figs.setdefault(columns[idx], fig)
                if not ok:
                    continue
                fits, confirmed = _constraints(figs, rounded)
                if fits:
                    cells = [""] * n
                    for idx, text in zip(chosen, cut, strict=True):
                        cells[idx] = text
                    readings.append((cells, confirmed))
    return readings


def figure_cuts(run: str, columns: list[str], *, rounded_rates: bool = False) -> list[list[str]]:
    """Every cut of a fused figure run into len(columns) figures that the columns allow, best first.

    Readings confirmed by an identity (rate = spent/planned×100, score = weight×rate/100) are returned alone
    when there are any.
    """
    return _ranked(_figure_readings(run, columns, rounded_rates, allow_empty=False))


def split_figures(run: str, columns: list[str], *, rounded_rates: bool = False) -> list[str] | None:
    """Cut a run of fused figures into one figure per column, or None when the cut is not certain.

    What must hold: each figure reads as one number (no leading zeros, 0/1/2/4 decimals); money has no %;
    rates and 得分系数 are at most 200; 分值/得分 at most 100 and 得分 ≤ 分值; target and actual share a
    unit. Among the cuts left, one that an identity confirms wins: 执行率 = 执行数 ÷ 预算数 × 100 (年初 or
    全年/调整), 得分 = 分值 × 执行率 (or 得分系数) ÷ 100. Two cuts still possible -> None.

    Args:
        run: the printed figures, e.g. `40004000100%`, `310.2154.741050%5`, `2020`.
        columns: canonical field names in printed order: planned, adjusted, spent, weight, rate, score,
            target, actual, coefficient (得分系数) … ; other names take any figure.
        rounded_rates: accept a printed rate that agrees with the computed one only to its printed digits
            (50% for 49.88%). Off by default: an identity confirms a cut only to RATE_TOLERANCE.

    Returns:
        The figures as printed, one per column, or None.

    Example:
        split_figures("40004000100%", ["adjusted", "spent", "rate"])  # ['4000', '4000', '100%']
        split_figures("2020", ["target", "actual"])  # None: 20|20 or 202|0
    """
    cuts = figure_cuts(run, columns, rounded_rates=rounded_rates)
    return cuts[0] if len(cuts) == 1 else None


def is_figure_run(text: str) -> bool:
    """The whole text is figures printed back to back (`12.512.512.5`, `95%10`), not one figure."""
    run = re.sub(r"\s+", "", _norm(text))
    return bool(run) and len(run) <= _MAX_RUN and bool(_RUN_FULL.match(run)) and _piece(run) is None


def _common(readings: list[list[str]]) -> list[str | None] | None:
    if not readings:
        return None
    return [cells[0] if all(c == cells[0] for c in cells) else None for cells in zip(*readings, strict=True)]


def common_figures(run: str, columns: list[str], *, rounded_rates: bool = False) -> list[str | None] | None:
    """Like split_figures, but keeps each figure on which every possible cut agrees (None elsewhere).

    `310.2154.741050%5` under [planned, spent, weight, rate, score] -> [None, None, '10', '50%', '5']: 310.2 |
    154.74 and 310.21 | 54.74 both read, and 154.74/310.2 = 49.88% matches the printed 50% only when rounded.
    Returns None when no cut reads at all.
    """
    return _common(figure_cuts(run, columns, rounded_rates=rounded_rates))


# ---------------------------------------------------------------------------------------------
# Indicator rows

_LEVEL_WORD = (
    "(?:"
    + "|".join(re.escape(w) for w in sorted({*fv.LEVEL1_WORDS, *fv.LEVEL2_WORDS}, key=len, reverse=True) if len(w) >= 4)
    + r")(?:\((?:\d+(?:\.\d+)?分|[^()]{0,10})\))?"
)
_LEVEL_ONE = re.compile(rf"{fv.LEVEL1_ANNOTATED}|{_LEVEL_WORD}|{fv.LEVEL_GENERIC}")
_LEVEL_START = re.compile(rf"(?:{fv.LEVEL1_ANNOTATED}|[\u4e00-\u9fff]{{0,4}}?(?:{_LEVEL_WORD})|{fv.LEVEL_GENERIC})")
_LEVEL1_ONLY = frozenset(w for w in fv.LEVEL1_WORDS if w not in fv.LEVEL2_WORDS)


def _crosses_label(s: str, end: int) -> bool:
    """A label of the vocabulary starts inside s[:end] and runs past its end: the level word took the first
    characters of the next cell (评价内容|指标名称 read as 评价内容指标|名称), so it is not a level label."""
    return any((m := _LABEL.match(s, p)) and m.end("label") > end for p in range(1, end))


def _peel_levels(s: str) -> tuple[list[str], str]:
    found: list[str] = []
    while len(found) < 2:
        m = _LEVEL_ONE.match(s)
        if not m or m.end() >= len(s) or _crosses_label(s, m.end()):
            break
        found.append(s[: m.end()])
        s = s[m.end() :]
    return found, s


def _is_level1(label: str) -> bool:
    bare = re.sub(r"\(.*$", "", label)
    return bare in _LEVEL1_ONLY or bool(re.fullmatch(fv.LEVEL1_ANNOTATED, label))


def _assign_levels(found: list[str], level_cols: list[str]) -> dict[str, str] | None:
    if not found:
        return {}
    if not level_cols:
        return None
    if len(level_cols) == 1:
        return {level_cols[0]: found[-1]}
    if len(found) == 2:
        return {"level1": found[0], "level2": found[1]}
    return {"level1" if _is_level1(found[0]) else "level2": found[0]}


def _split_head(head: str, middle: list[str]) -> dict[str, str] | None:
    """Name and the word columns printed between it and the figures (unit, 指标性质, 指标说明 …)."""
    out: dict[str, str] = {}
    for col in reversed(middle):
        if col == "op":
            word = next((w for w in fv.NATURE_WORDS if head.endswith(w)), "")
            out[col], head = word, head[: len(head) - len(word)]
        elif col == "unit":
            unit = next((u for u in fv.UNITS if head.endswith(u) and len(head) > len(u)), "")
            out[col], head = unit, head[: len(head) - len(unit)]
    notes = [c for c in middle if c not in ("op", "unit")]
    if notes:
        at = min((i for i in (head.find(w, 2) for w in fv.NOTE_OPENERS) if i >= 2), default=-1)
        out[notes[0]] = head[at:] if at >= 0 else ""
        for c in notes[1:]:
            out[c] = ""
        if at >= 0:
            head = head[:at]
    if not head:
        return None
    out["name"] = head
    return out


def _row_readings(text: str, columns: list[str], rounded: bool) -> list[list[str]] | None:
    s = re.sub(r"\s+", "", _norm(text))
    level_cols = [c for c in columns if c in fv.LEVEL_COLUMNS]
    found, s = _peel_levels(s) if level_cols else ([], s)
    levels = _assign_levels(found, level_cols)
    if levels is None or "name" not in columns:
        return None
    figure_idx = [i for i, c in enumerate(columns) if c not in fv.TEXT_COLUMNS and c not in fv.LEVEL_COLUMNS]
    if not figure_idx:
        return None
    first, last = figure_idx[0], figure_idx[-1]
    if any(columns[i] in fv.TEXT_COLUMNS for i in range(first, last + 1)):
        return None  # words between figures (得分计算方法 in a row): not cut here
    name_at = columns.index("name")
    middle = [c for c in columns[name_at + 1 : first] if c in fv.TEXT_COLUMNS]
    trailing = [c for c in columns[last + 1 :] if c in fv.TEXT_COLUMNS]
    fig_cols = [columns[i] for i in figure_idx]

    # Words after the figures: a 是/否 flag, then any note.
    tail: dict[str, str] = {}
    for col in reversed(trailing):
        if col == "core":
            flag = next((f for f in fv.FLAG_WORDS if s.endswith(f)), "")
            tail[col], s = flag, s[: len(s) - len(flag)]
    notes = [c for c in trailing if c != "core"]
    m = re.search(r"(?:\d|%)([^\d%]*)$", s)
    rest = m.group(1) if m else ""
    if rest and not re.fullmatch(f"(?:{_UNIT}|{_QUAL})+", rest):
        if not notes:
            return None
        tail[notes[0]], s = rest, s[: len(s) - len(rest)]
    for c in notes:
        tail.setdefault(c, "")

    # The name ends where the figures begin: the first place from which the rest reads as figures.
    for p in range(1, len(s)):
        # Not inside a figure; a % ends a figure only after a digit (else it is a unit cell: `控制率%100%`).
        if s[p - 1] in "0123456789." or s[p - 2 : p] in {f"{d}%" for d in "0123456789."}:
            continue
        if len(s) - p > _MAX_RUN or not _RUN_FULL.match(s, p):
            continue
        if any(s.endswith(c, 0, p) for c in _COMPARATORS):
            continue  # the comparator belongs to the figure
        head = _split_head(s[:p], middle)
        if head is None:
            continue
        scored: list[tuple[list[str], int]] = []
        for figs, confirmed in _figure_readings(s[p:], fig_cols, rounded, allow_empty=True):
            by_col = {**levels, **head, **tail, **dict(zip(fig_cols, figs, strict=True))}
            scored.append(([by_col.get(c, "") for c in columns], confirmed))
        if scored:
            return _ranked(scored)
    return []


def split_row(text: str, columns: list[str], *, rounded_rates: bool = False) -> list[str] | None:
    """Cut an indicator row fused after a known header into one cell per column, or None.

    Leading level labels are peeled by vocabulary (产出指标, 数量指标, 产出数量指标, 项目年度绩效目标(定量
    指标) …); a unit or 指标性质 column after the name by its words; a 指标说明/绩效标准 column at
    反映…/达到…; the trailing figures are cut as in split_figures, where a figure column may also be empty;
    and the name ends where the figures begin. Every place the figures could begin is tried: when two
    readings remain the row is not attributable and the answer is None. A row without a name is None.

    Args:
        text: the fused row, e.g. `产出数量指标享受资助人数达到预计值210010`.
        columns: canonical names in printed order, e.g. ["level2", "name", "note", "target", "weight"] or
            ["level1", "level2", "name", "target", "actual", "weight", "score"]. Word columns: name, note,
            extra, unit, op (指标性质), core (是否核心指标) …; all others hold figures.

    Returns:
        One string per column ('' where the row prints nothing), or None.

    Example:
        split_row("资金支出率达到目标值95%10", ["level2", "name", "note", "target", "weight"])
        # ['', '资金支出率', '达到目标值', '95%', '10']
    """
    readings = _row_readings(text, columns, rounded_rates)
    return readings[0] if readings and len(readings) == 1 else None


def split_row_partial(text: str, columns: list[str], *, rounded_rates: bool = False) -> list[str | None] | None:
    """Like split_row, but keeps the cells on which every reading agrees (None elsewhere).

    `数量指标建设普通省道二级公路32.1公里2020` under [level2, name, target, actual] ->
    ['数量指标', '建设普通省道二级公路32.1公里', None, None]: 2020 reads 20|20 or 202|0. None when no reading.
    """
    return _common(_row_readings(text, columns, rounded_rates) or [])


# ---------------------------------------------------------------------------------------------
# Several indicators in one cell

# One figure that ends an indicator inside a fused cell: an optional comparator, digits, a unit, a qualifier.
NOTE_OPENERS = fv.NOTE_OPENERS
_END_FIGURE = re.compile(rf"(?:{_COMP})?\d+(?:\.\d+)?(?:{_UNIT})?(?:{_QUAL})?")


def split_indicators(text: str) -> list[tuple[str, str, str]] | None:
    """Indicators a preview ran together in one cell, each `name 反映… figure` (name, 指标说明, target), or None.

    `大楼安检次数反映保卫巡检情况200次设备验收合格率反映维保质量情况` -> [('大楼安检次数', '反映保卫巡检情况',
    '200次'), ('设备验收合格率', '反映维保质量情况', '')]: the last indicator's figure may stand in the next cell.
    Every piece between two figures must hold a name and one 说明 opener (反映/达到) after it, and every figure
    must read as one number; otherwise the cut is not certain and the answer is None. A cell with one
    indicator is None too (nothing to cut apart).
    """
    norm = _norm(text)
    if len(norm) != len(text):
        return None
    out: list[tuple[str, str, str]] = []
    pos = 0
    figures = [m for m in _END_FIGURE.finditer(norm) if m.end() == len(norm) or _is_cjk(norm[m.end()])]
    for m in [*figures, None]:
        end = m.start() if m else len(norm)
        piece = text[pos:end]
        if m is None and not piece:
            break
        if re.search(r"\d", piece):
            return None  # a figure inside a name or 说明: not a row this reading knows
        openers = [i for w in fv.NOTE_OPENERS for i in [piece.find(w, 2)] if i >= 2]
        if len(openers) != 1 or any(piece.count(w) > 1 for w in fv.NOTE_OPENERS):
            return None
        at = openers[0]
        figure = text[m.start() : m.end()] if m else ""
        if m and _piece(re.sub(rf"^(?:{_COMP})", "", figure)) is None:
            return None
        out.append((piece[:at], piece[at:], figure))
        pos = m.end() if m else len(norm)
    return out if len(out) >= 2 else None
