"""Indicator tables read from their header: columns mapped by the vocabulary, level labels filled down.

Rows that kept their cells (sheets, pipe and tab rows) are read one at a time: level labels peeled from the
front, the name next, the other cells assigned to the remaining columns in order, by what they look like.
Text whose cells lost their rows (one cell a line or a paragraph) is grouped first: a level label or a name
starts an indicator, and it takes as many cells as the header has columns after the name.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from corpus.parse import labels as lb
from corpus.parse.grid import Cell
from corpus.parse.values import compact, is_plain_number, normalise_number_text

_NUMERIC = {"weight", "score"}
_MEASURE_LIKE = re.compile(r"^(?:[≥≤><=＝]|大于|小于|不低于|不少于|不高于|不超过)?\s*[-−]?\d")


@dataclass
class IndicatorRow:
    level1: str
    level2: str
    cells: dict[str, str]
    source: list[Cell]


@dataclass
class IndicatorTable:
    columns: list[str]
    header: list[Cell]
    groups: list[tuple[list[Cell], bool]] = field(default_factory=list)  # (cells, from a kept row)
    _current: list[Cell] = field(default_factory=list)
    _current_row: bool = False

    def add(self, cell: Cell, stream: bool, row_end: bool) -> None:
        if stream:
            self._flush()
            self.groups.append(([cell], False))
            return
        self._current.append(cell)
        self._current_row = True
        if row_end:
            self._flush()

    def _flush(self) -> None:
        if self._current:
            self.groups.append((self._current, True))
        self._current = []

    def read(self) -> tuple[list[IndicatorRow], int, list[list[Cell]]]:
        """The indicator rows; how many rows with content were seen; the rows that could not be read."""
        self._flush()
        cols = [c for c in self.columns if c not in ("level1", "level2")]
        if "name" not in cols:
            cols = ["name", *cols]
        after = cols[cols.index("name") + 1 :]
        # Long-term and annual sets side by side (指标值(长期) … 指标值(年度)): one column each.
        after = [c for k, c in enumerate(after) if c not in after[:k] and c != "name"]
        level1 = level2 = ""
        out: list[IndicatorRow] = []
        unread: list[list[Cell]] = []
        seen = 0
        groups = self._regroup(after)
        for cells in groups:
            texts = [c.text for c in cells]
            # Level labels first (a row may repeat them or drop them to a merged cell above).
            k = 0
            while k < len(texts):
                t = texts[k]
                if not t:
                    k += 1
                    continue
                if lb.has(t, "frame") and k == 0:
                    k += 1
                    continue
                lv = lb.level_of(t)
                if lv is None:
                    break
                if lv[0] == 1:
                    level1, level2 = lv[1], ""
                else:
                    level2 = lv[1]
                    implied = _level1_for(lv[1])
                    if not level1 or (implied and implied != level1 and implied != "成本指标"):
                        level1 = implied or level1
                k += 1
            rest = cells[k:]
            while rest and not rest[0].text:
                rest = rest[1:]
            if not rest:
                continue
            seen += 1
            name = lb.strip_index(rest[0].text)
            if is_plain_number(name) or not name:
                unread.append(cells)
                continue
            values = rest[1:]
            # Trailing empty cells carry nothing.
            while values and not values[-1].text:
                values = values[:-1]
            texts_ = [v.text for v in values]
            if len(texts_) == len(after) + 1 and not (_NUMERIC & set(after)) and is_plain_number(texts_[-1]):
                # A header without 分值/得分 over rows that end in one more figure: that figure is the score.
                assigned = _assign(texts_[:-1], after)
                if assigned is not None:
                    assigned["score"] = texts_[-1]
            else:
                assigned = _assign(texts_, after)
            if assigned is None:
                unread.append(cells)
                continue
            out.append(IndicatorRow(level1, level2, {"name": name, **assigned}, list(cells)))
        return out, seen, unread

    def _regroup(self, after: list[str]) -> list[list[Cell]]:
        """Groups as read; a run of stream cells is cut into indicators by the header's width."""
        out: list[list[Cell]] = []
        pending: list[Cell] = []

        def flush_stream() -> None:
            _join_wrapped_labels(pending)
            j = 0
            while j < len(pending):
                c = pending[j]
                if lb.level_of(c.text) or not c.text or lb.has(c.text, "frame"):
                    out.append([c])
                    j += 1
                    continue
                group = [c]
                j += 1
                while j < len(pending) and len(group) <= len(after):
                    nxt = pending[j].text
                    if lb.level_of(nxt) or lb.has(nxt, "frame"):
                        break
                    col = after[len(group) - 1]
                    if col in _NUMERIC and nxt and not is_plain_number(nxt):
                        break
                    group.append(pending[j])
                    j += 1
                # A header without 分值/得分 over rows that each end in a figure: that figure is the score.
                if (j < len(pending) and len(group) == len(after) + 1 and not (_NUMERIC & set(after))
                        and is_plain_number(pending[j].text)):
                    group.append(pending[j])
                    j += 1
                out.append(group)
            pending.clear()

        for cells, kept in self.groups:
            if kept:
                flush_stream()
                out.append(cells)
            else:
                pending.extend(cells)
        flush_stream()
        return out


def _join_wrapped_labels(cells: list[Cell]) -> None:
    """A level label a PDF wrapped over lines (可持续影 / 响指标, 服务对象 / 满意度指 / 标) joined back, in place."""
    j = 0
    while j < len(cells):
        for width in (3, 2):
            part = cells[j : j + width]
            if len(part) < width or not all(c.text for c in part):
                continue
            joined = "".join(c.text for c in part)
            if compact(joined).endswith("指标") and lb.level_of(joined) and not (
                compact(part[0].text).endswith("指标") and lb.level_of(part[0].text)
            ):
                first = part[0]
                cells[j : j + width] = [Cell(joined, first.row, first.col, first.line, first.page)]
                break
        j += 1


def _level1_for(level2: str) -> str:
    if level2 in ("数量指标", "质量指标", "时效指标"):
        return "产出指标"
    if "成本" in level2:
        return "成本指标"
    if "效益" in level2 or "可持续" in level2:
        return "效益指标"
    if "满意" in level2:
        return "满意度指标"
    return ""


def _fit(col: str, text: str) -> float | None:
    """How well a cell fits a column; None when it cannot stand there."""
    if not text:
        return 0.0
    numeric = is_plain_number(text)
    if col in _NUMERIC:
        return 2.0 if numeric else None
    if col in ("target", "actual"):
        return 1.5 if _MEASURE_LIKE.match(normalise_number_text(text)) else 0.5
    if col == "unit":
        return 1.0 if len(compact(text)) <= 6 and not numeric else None
    if col == "op":
        return 1.0 if len(compact(text)) <= 4 else None
    if col in ("note", "extra"):
        return -0.5 if numeric else 0.3
    return 0.0


def _assign(values: list[str], cols: list[str]) -> dict[str, str] | None:
    """Order-preserving assignment of a row's cells to the columns after the name, by fit."""
    if not values:
        return {}
    if len(values) > len(cols):
        # More cells than columns: the extra ones are text that wrapped; keep them with the last text column.
        head, tail = values[: len(cols)], values[len(cols) :]
        got = _assign(head, cols)
        if got is not None and tail:
            last = next((c for c in reversed(cols) if c in ("note", "extra")), None)
            if last:
                got[last] = (got.get(last, "") + "".join(tail)).strip()
        return got
    best: tuple[float, dict[str, str]] | None = None
    for combo in itertools.combinations(range(len(cols)), len(values)):
        score = 0.0
        ok = True
        for text, j in zip(values, combo, strict=True):
            f = _fit(cols[j], text)
            if f is None:
                ok = False
                break
            score += f - 0.05 * j
        if ok and (best is None or score > best[0]):
            best = (score, {cols[j]: text for text, j in zip(values, combo, strict=True) if text})
    return best[1] if best else None
