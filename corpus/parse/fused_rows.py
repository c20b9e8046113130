"""Indicator rows printed together (`资金支出率达到目标值95%10`) cut into the header's columns."""

from __future__ import annotations

import re

from corpus import vocab
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


def _nature_at_end(head: str) -> tuple[str, str]:
    """The 指标性质 word that ends `head` (定量指标), also when a preview printed its characters out of order
    (性标定指); (the word as the vocabulary spells it, what it took of head)."""
    word = next((w for w in fv.NATURE_WORDS if head.endswith(w)), "")
    if word:
        return word, word
    tail = head[-4:]
    found = [w for w in fv.NATURE_WORDS if len(w) == 4 and len(head) > 4 and sorted(w) == sorted(tail)]
    return (found[0], tail) if len(found) == 1 else ("", "")


def _grades_at_end(head: str) -> tuple[str, str, str] | None:
    """Two grade words that end `head` (名称高高, 名称好好): a qualitative target and its result printed
    before the figures; (head without them, target, actual)."""
    for a in fv.GRADE_WORDS:
        if not head.endswith(a):
            continue
        rest = head[: len(head) - len(a)]
        for t in fv.GRADE_WORDS:
            if rest.endswith(t) and len(rest) - len(t) >= 2:
                return rest[: len(rest) - len(t)], t, a
    return None


def _split_head(head: str, middle: list[str]) -> dict[str, str] | None:
    """Name and the word columns printed between it and the figures (unit, 指标性质, 指标说明 …)."""
    out: dict[str, str] = {}
    for col in reversed(middle):
        if col == "op":
            word, printed = _nature_at_end(head)
            out[col], head = word, head[: len(head) - len(printed)]
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
        words, cols = _grade_columns(s[:p], fig_cols)
        head = _split_head(words.pop("", s[:p]), middle)
        if head is None:
            continue
        scored: list[tuple[list[str], int]] = []
        for figs, confirmed in _figure_readings(s[p:], cols, rounded, allow_empty=True):
            by_col = {**levels, **head, **tail, **words, **dict(zip(cols, figs, strict=True))}
            scored.append(([by_col.get(c, "") for c in columns], confirmed))
        if scored:
            return _ranked(scored)
    return []


def _grade_columns(head: str, fig_cols: list[str]) -> tuple[dict[str, str], list[str]]:
    """Target and actual printed as grade words before the figures (…性高高100%33): those two columns
    read from the words ('' -> the head left), the figures cut into the other columns."""
    at = [c for c in ("target", "actual") if c in fig_cols]
    if len(at) < 2 or fig_cols.index("target") > fig_cols.index("actual") or fig_cols.index("target"):
        return {}, fig_cols  # the words must stand first of the figure columns, target before actual
    between = fig_cols[fig_cols.index("target") + 1 : fig_cols.index("actual")]
    got = _grades_at_end(head) if all(c in fv.OPTIONAL_COLUMNS for c in between) else None
    if got is None:
        return {}, fig_cols
    rest, target, actual = got
    return {"": rest, "target": target, "actual": actual}, [c for c in fig_cols if c not in at]


def split_rows(text: str, columns: list[str]) -> list[str] | None:
    """Indicator rows a preview ran together in one cell (`率%100%92%100%22否基础信息完善%100%…`), cut into one
    text per row, or None when the cell holds one row or no cut is clear.

    A row ends after its figures: where a table's last column is a 是/否 flag, at the flag that follows a
    figure; otherwise where a figure is followed by the next row's words (a unit printed after the figure
    stays with it, unless the header has a unit column of its own, which then starts the next row). A frame
    word fused in front of a row (绩效指标, a merged first column) is dropped. The last piece may be a row
    cut short (no figures): it is returned too, for the caller to leave unread.
    """
    s = _norm(text)
    if len(s) != len(text) or "name" not in columns:
        return None
    texts = [c for c in columns[columns.index("name") + 1 :] if c in fv.TEXT_COLUMNS]
    flagged = bool(texts) and texts[-1] == "core" and columns[-1] == "core"
    cuts: list[int] = []
    for m in re.finditer(r"(?<=[\d%])[\u4e00-\u9fff]", s):
        p = m.start()
        if flagged:
            if s[p] in fv.FLAG_WORDS and p + 1 < len(s):
                cuts.append(p + 1)
            continue
        if s[p - 1] == "%" and not s[p - 2 : p - 1].isdigit():
            continue  # a unit cell before the figures (控制率%90), not a figure's end
        if any(s.startswith(q, p) for q in fv.QUALIFIERS):
            continue  # 98%以上: the figure's qualifier
        unit = next((u for u in fv.UNITS if s.startswith(u, p)), "")
        after = s[p + len(unit) : p + len(unit) + 1]
        if unit and (not after or not _is_cjk(after)):
            continue  # the figure's unit, followed by the next figure
        cuts.append(p if not unit or "unit" in columns else p + len(unit))
    if not cuts:
        return None
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    out: list[str] = []
    for piece in pieces:
        frame = next((f for f in sorted(vocab.FRAME_LABELS, key=len, reverse=True)
                      if piece.startswith(f) and len(piece) > len(f) + 2), "")
        out.append(piece[len(frame) :])
    # Every row but a last one cut short holds a name before its figures.
    named = all(re.match(r"\D*[\u4e00-\u9fff]\D*\d", x) for x in out[:-1])
    return out if len(out) >= 2 and named and re.match(r"\D*[\u4e00-\u9fff]", out[-1]) else None


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
