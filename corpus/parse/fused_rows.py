"""Indicator rows printed together (`资金支出率达到目标值95%10`) cut into the header's columns."""

from __future__ import annotations

import re

from corpus.parse import fused_vocab as fv
from corpus.parse.fused_base import _COMP, _COMPARATORS, _LABEL, _QUAL, _RUN_FULL, _UNIT, _is_cjk, _norm
from corpus.parse.fused_figures import _MAX_RUN, _common, _figure_readings, _piece, _ranked

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
