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

from corpus.parse import fused
from corpus.parse import labels as lb
from corpus.parse.grid import Cell
from corpus.parse.values import compact, is_plain_number, normalise_number_text, parse_measure

_NUMERIC = {"weight", "score"}
# Two figures run together in one cell (`32.1公里2020`, `100%92%`, `210010` after a word).
_RUN_OF_FIGURES = re.compile(r"\d(?:%|％|[\u4e00-\u9fff]{1,2})?\d{2,}|\d%\d|\d[\u4e00-\u9fff]{1,2}\d")
_OP_WORDS = ("定量", "定性", "正向", "反向")
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
    positional: bool = False  # rows whose cells stand in the header's columns (sheets, PDF, DOCX)
    _current: list[Cell] = field(default_factory=list)
    _current_row: bool = False
    _named: set[int] = field(default_factory=set)
    _unsure: set[int] = field(default_factory=set)  # fused cells that hold indicators no cut reads for certain
    _loose: list[Cell] = field(default_factory=list)  # loose words since the last row (interleaved page)
    loose_runs: list[list[Cell]] = field(default_factory=list)  # runs of loose words that held figures

    def __post_init__(self) -> None:
        self.columns = _levels_before_name(self.columns)

    def add(self, cell: Cell, stream: bool, row_end: bool) -> None:
        if cell.loose:
            # A word of an interleaved page: its row is not known, so it is never read as a row's cell; a run
            # of such words that holds a figure is a row seen and not read.
            if cell.text and not lb.level_of(cell.text) and not lb.has(cell.text, "frame"):
                self._loose.append(cell)
            return
        self._end_loose()
        if stream:
            self._flush()
            self.groups.append(([cell], False))
            return
        self._current.append(cell)
        self._current_row = True
        if row_end:
            self._flush()

    def has_rows(self) -> bool:
        """Whether any cell under the header holds text other than a level label."""
        cells = [c for g, _ in self.groups for c in g] + self._current
        return any(c.text and not lb.level_of(c.text) and not lb.has(c.text, "frame") for c in cells)

    def _end_loose(self) -> None:
        if any(re.search(r"\d", c.text) for c in self._loose):
            self.loose_runs.append(self._loose)
        self._loose = []

    def _flush(self) -> None:
        self._end_loose()
        if self._current:
            self.groups.append((self._current, True))
        self._current = []

    def read(self) -> tuple[list[IndicatorRow], int, list[list[Cell]]]:
        """The indicator rows; how many rows with content were seen; the rows that could not be read."""
        self._flush()
        cols = [c for c in self.columns if c not in ("level1", "level2", "seq", "place")]
        if "name" not in cols:
            cols = ["name", *cols]
        after = cols[cols.index("name") + 1 :]
        # Long-term and annual sets side by side (指标值(长期) … 指标值(年度)): one column each.
        after = [c for k, c in enumerate(after) if (c not in after[:k] or c in ("note", "extra")) and c != "name"]
        state = _Levels()
        out: list[IndicatorRow] = []
        unread: list[list[Cell]] = list(self.loose_runs)
        seen = len(self.loose_runs)
        for cells in self._regroup(after):
            named = id(cells) in self._named
            if any(id(c) in self._unsure for c in cells):
                seen += 1
                unread.append(cells)  # indicators run together that no cut reads for certain: not guessed
                continue
            texts = [c.text for c in cells]
            if (out and len([t for t in texts if t]) == 1 and is_plain_number(texts[-1]) and "score" in after
                    and "score" not in out[-1].cells and not self.positional):
                out[-1].cells["score"] = texts[-1]  # a score printed on the line after its row
                out[-1].source.extend(cells)
                continue
            if self.positional and len(cells) > 1:
                for one in _line_pairs(cells):
                    row = self._by_position(one, state)
                    if row is not None:
                        seen += 1
                        out.append(row)
                if out and out[-1].source[0].row == cells[0].row:
                    continue
            if not self.positional:
                row = self._fused(cells, state, after, kept=not named)
                if row is not None:
                    seen += 1
                    out.append(row)
                    continue
            seen += self._read_cells(cells, named, state, after, out, unread)
        return out, seen, unread

    def _read_cells(self, cells: list[Cell], named: bool, state: _Levels, after: list[str],
                    out: list[IndicatorRow], unread: list[list[Cell]]) -> int:
        """One row of cells (levels, name, values by the header's columns) into `out`, or into `unread`;
        returns how many rows with content it counted."""
        seen = 0
        texts = [c.text for c in cells]
        if "seq" in self.columns and texts and is_plain_number(texts[0]) and len(cells) > 1:
            cells, texts = cells[1:], texts[1:]  # the row's 序号
        k = 0 if named else state.peel(texts)
        rest = cells[k:]
        while rest and not rest[0].text:
            rest = rest[1:]
        if not rest:
            return seen
        seen += 1
        if "op" in after and compact(rest[0].text) in _OP_WORDS and k:
            # The 三级指标 cell is empty and the row starts at its 指标性质: the label before names it.
            rest = [Cell(texts[k - 1], rest[0].row, rest[0].col, rest[0].line, rest[0].page), *rest]
        name = lb.strip_index(rest[0].text)
        if is_plain_number(name) or not name:
            unread.append(cells)
            return seen
        values = rest[1:]
        # Trailing empty cells carry nothing.
        while values and not values[-1].text:
            values = values[:-1]
        texts_ = [v.text for v in values]
        by_place = self._by_place(texts_, after)
        if by_place is not None:
            values, texts_ = values[: len(texts_) - self.columns.count("place")], texts_[: len(texts_) - self.columns.count("place")]
        width = len(after) + 1
        if after and len(texts_) > len(after) and (len(texts_) + 1) % width == 0 and not self.positional:
            # One kept row that holds several indicators (their rows were not ended in the text).
            chunks = [rest[n : n + width] for n in range(0, len(texts_) + 1, width)]
            for chunk in chunks:
                got = _assign([c.text for c in chunk[1:]], after)
                if got is None or is_plain_number(chunk[0].text):
                    unread.append(chunk)
                    continue
                out.append(IndicatorRow(state.level1, state.level2,
                                        {"name": lb.strip_index(chunk[0].text), **got}, list(chunk)))
            seen += len(chunks) - 1
            return seen
        if len(texts_) == len(after) + 1 and not (_NUMERIC & set(after)) and is_plain_number(texts_[-1]):
            # A header without 分值/得分 over rows that end in one more figure: that figure is the score.
            assigned = _assign(texts_[:-1], after)
            if assigned is not None:
                assigned["score"] = texts_[-1]
        else:
            assigned = _assign(texts_, after)
        if assigned is None:
            unread.append(cells)
            return seen
        if by_place:
            assigned["target"] = by_place
        out.append(IndicatorRow(state.level1, state.level2, {"name": name, **assigned}, list(cells)))
        return seen

    def _by_place(self, texts: list[str], after: list[str]) -> str | None:
        """A row's figures under one column per place (a header without a target column): the target when every
        place holds the same figure, '' when they differ (which is the target is not one figure); None when the
        table has no such columns or the row does not fill them."""
        m = self.columns.count("place")
        if not m or len(texts) < m or "target" in after:
            return None
        figures = texts[-m:]
        if not all(_MEASURE_LIKE.match(normalise_number_text(t)) for t in figures):
            return None
        return figures[0] if all(t == figures[0] for t in figures) else ""

    def _fused(self, cells: list[Cell], state: _Levels, after: list[str], kept: bool = True) -> IndicatorRow | None:
        """A row whose cells a preview ran together (`数量指标建设普通省道二级公路32.1公里2020`), cut by the
        header's columns where only one cut fits (cells two cuts allow are left empty, never guessed)."""
        texts = [c.text for c in cells if c.text]
        # A kept row cut out of one fused line is cut again by the header's columns (a stream's words are not
        # one row).
        if not texts or not (any(_figure_run(t) for t in texts) or (kept and any(c.fused for c in cells))):
            return None
        joined = "".join(texts)
        columns = [c for c in self.columns if c != "seq"]
        got = fused.split_row_partial(joined, columns)
        if not got:
            return None
        values = {c: v for c, v in zip(columns, got, strict=False) if v}
        for fld in ("level1", "level2"):
            if fld in values:
                state.set(fld, values.pop(fld))
        name = values.pop("name", "")
        if not name or is_plain_number(name):
            return None
        values = {k: v for k, v in values.items() if k in after or k in ("unit", "op", "extra", "note")}
        return IndicatorRow(state.level1, state.level2, {"name": lb.strip_index(name), **values}, list(cells))

    def _by_position(self, cells: list[Cell], state: _Levels) -> IndicatorRow | None:
        """A sheet/PDF/DOCX row read by the header's columns (a merged header covers the columns to its right)."""
        starts = sorted((c.col, f) for c, f in zip(self.header, self.columns, strict=False))
        got: dict[str, str] = {}
        for cell in cells:
            if not cell.text or (cell.copy and cell.col not in {c for c, _ in starts}):
                continue
            fld = None
            for col, f in starts:
                if col <= cell.col:
                    fld = f
            if fld is None or fld == "seq":
                continue
            if fld in got:
                if fld in ("note", "extra"):
                    got[fld] += cell.text
                continue
            got[fld] = cell.text
        if "name" not in got:
            for fld in ("level1", "level2"):
                if fld in got:
                    state.set(fld, got[fld])
            return None
        for fld in ("level1", "level2"):
            if fld in got:
                state.set(fld, got.pop(fld))
        name = lb.strip_index(got.pop("name"))
        if is_plain_number(name):
            return None
        return IndicatorRow(state.level1, state.level2, {"name": name, **got}, list(cells))

    def _rows_cut(self) -> list[tuple[list[Cell], bool]]:
        """The groups, a stream cell that holds several fused rows cut into one kept row each (a last piece cut
        short, without figures, is left unread)."""
        out: list[tuple[list[Cell], bool]] = []
        columns = [c for c in self.columns if c != "seq"]
        for cells, kept in self.groups:
            pieces = fused.split_rows(cells[0].text, columns) if not kept and len(cells) == 1 and cells[0].fused else None
            if not pieces:
                out.append((cells, kept))
                continue
            c = cells[0]
            for piece in pieces:
                one = Cell(piece, c.row, c.col, c.line, c.page, fused=True)
                if not re.search(r"\d", piece):
                    self._unsure.add(id(one))
                out.append(([one], True))
        return out

    def _regroup(self, after: list[str]) -> list[list[Cell]]:
        """Groups as read; a run of stream cells is cut into indicators by the header's width."""
        out: list[list[Cell]] = []
        self._named = set()
        pending: list[Cell] = []

        def flush_stream() -> None:
            _join_wrapped_labels(pending)
            if len(after) == 2 and after[0] in ("extra", "note") and after[1] == "target":
                pending[:] = [x for c in pending for x in _indicators_cut(c, self._unsure)]
            j = 0
            last = 0  # the level of the label just before (a label right after a 二级 label is a name)
            while j < len(pending):
                c = pending[j]
                lv = lb.level_of(c.text)
                if (lv and not _shallower(lv[0], last, c.text)) or not c.text or lb.has(c.text, "frame"):
                    out.append([c])
                    last = lv[0] if lv else last
                    j += 1
                    continue
                last = 0
                group = [c]
                j += 1
                while j < len(pending) and len(group) <= len(after):
                    nxt = pending[j].text
                    if lb.level_of(nxt) or lb.has(nxt, "frame"):
                        break
                    col = after[len(group) - 1]
                    cut = _run_cut(nxt, after[len(group) - 1 :])
                    if cut is not None:
                        # Figures of several columns run together: each column's figure where every cut
                        # agrees, an empty cell where two cuts differ.
                        c = pending[j]
                        group.extend(Cell(v or "", c.row, c.col, c.line, c.page) for v in cut)
                        j += 1
                        continue
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
                self._named.add(id(group))  # grouped from a stream: its first cell was taken as the name
            pending.clear()

        for cells, kept in self._rows_cut():
            if kept:
                flush_stream()
                out.append(cells)
            else:
                pending.extend(cells)
        flush_stream()
        return out


def _levels_before_name(columns: list[str]) -> list[str]:
    """A header without 一级/二级 columns whose first two columns are word columns before the name (评价指标 |
    评价内容 | 指标名称 …): those columns hold the rows' level labels, so they are read as 一级 and 二级."""
    if "level1" in columns or "level2" in columns or "name" not in columns:
        return columns
    at = 1 if columns and columns[0] == "seq" else 0
    lead = columns[at : columns.index("name")]
    if len(lead) != 2 or any(c != "extra" for c in lead):
        return columns
    return [*columns[:at], "level1", "level2", *columns[at + 2 :]]


_POINTS_LABEL = re.compile(r"^[^\d()（）]{1,12}[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")


@dataclass
class _Levels:
    """The 一级/二级 labels in force, filled down from merged cells."""

    level1: str = ""
    level2: str = ""

    def set(self, fld: str, text: str) -> None:
        lv = lb.level_of(text)
        value = lv[1] if lv else compact(text)
        if fld == "level1":
            self.level1, self.level2 = value, ""
        else:
            self.level2 = value
            implied = _level1_for(value)
            if not self.level1 or (implied and implied != self.level1 and implied != "成本指标"):
                self.level1 = implied or self.level1

    def peel(self, texts: list[str]) -> int:
        """Read the level labels at the front of a row; return how many cells they took."""
        k = 0
        last = 0  # the level peeled last in this row: a label may only go deeper (满意度 after 二级 is a name)
        points = [t for t in texts if t and _POINTS_LABEL.match(compact(t))]
        while k < len(texts):
            t = texts[k]
            if not t or (k == 0 and lb.has(t, "frame")):
                k += 1
                continue
            lv = lb.level_of(t)
            if lv is not None and _shallower(lv[0], last, t):
                break
            if lv is not None:
                last = lv[0]
                self.set("level1" if lv[0] == 1 else "level2", t)
                k += 1
                continue
            if _POINTS_LABEL.match(compact(t)):
                # Scoring frameworks print points in their level labels: 规划(15分) / 基础信息(3分). A label
                # alone on its row, or the first of two, is 一级; one before a name is 二级.
                alone = len([x for x in texts if x]) == 1
                if alone or (len(points) >= 2 and t == points[0]):
                    self.level1, self.level2 = compact(t), ""
                else:
                    self.level2 = compact(t)
                k += 1
                continue
            break
        return k


_DATE_LIKE = re.compile(r"\d{2,4}\s*[年./-]\s*\d{1,2}\s*(?:[月./-]\s*(?:\d{1,2}\s*日?)?)?")


def _figure_run(text: str) -> bool:
    """A cell holding two or more figures run together (not one figure, one measure or a date)."""
    t = normalise_number_text(text).replace(" ", "")
    if is_plain_number(t) or _DATE_LIKE.search(t) or parse_measure(t).value is not None:
        return False
    return bool(_RUN_OF_FIGURES.search(t))


def _indicators_cut(cell: Cell, unsure: set[int]) -> list[Cell]:
    """A fused cell that holds several indicators (name 反映… figure, …) as their name, 说明 and target cells;
    the cell itself when it does not cut with certainty (noted in `unsure` when it holds a 说明 opener after
    its first words: a name and its 说明 run together, maybe more than one indicator)."""
    got = fused.split_indicators(cell.text) if cell.fused else None
    if not got:
        if cell.fused and any(cell.text.find(w, 2) >= 2 for w in fused.NOTE_OPENERS):
            unsure.add(id(cell))
        return [cell]
    out: list[Cell] = []
    for name, note, target in got:
        out.append(Cell(name, cell.row, cell.col, cell.line, cell.page))
        out.append(Cell(note, cell.row, cell.col, cell.line, cell.page))
        if target:
            out.append(Cell(target, cell.row, cell.col, cell.line, cell.page))
    return out


def _run_cut(text: str, columns: list[str]) -> list[str | None] | None:
    """A cell of figures run together cut over the figure columns that start at columns[0] (two or more),
    keeping the figures every cut agrees on; None when the cell is not such a run or no cut reads."""
    span: list[str] = []
    for c in columns:
        if c not in ("weight", "score", "target", "actual"):
            break
        span.append(c)
    if len(span) < 2 or not text or not fused.is_figure_run(text):
        return None
    return fused.common_figures(text, span)


def _line_pairs(cells: list[Cell]) -> list[list[Cell]]:
    """A row whose name cell holds several indicators on separate lines, paired line by line with the cells
    that hold as many lines (`培训场次 / 培训人次` beside `≥4场 / ≥300人次`); other cells are shared."""
    counts = {len(c.parts) for c in cells if len(c.parts) > 1}
    if len(counts) != 1:
        return [cells]
    (k,) = counts
    paired = [c for c in cells if len(c.parts) == k]
    # Wrapped text gives lines too: pair only when some cell's every line is a figure of its own.
    if len(paired) < 2 or not any(all(_MEASURE_LIKE.match(normalise_number_text(x)) for x in c.parts)
                                  for c in paired[1:]):
        return [cells]
    rows = []
    for n in range(k):
        rows.append([Cell(c.parts[n], c.row, c.col, c.line, c.page, c.copy) if len(c.parts) == k else c
                     for c in cells])
    return rows


def _shallower(level: int, last: int, text: str) -> bool:
    """A short level word (满意度, 质量) right after a deeper label is an indicator's name, not a label."""
    return bool(last) and level < last and not compact(text).endswith("指标")


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
        t = compact(text)
        return (1.0 if len(t) <= 2 else 0.2) if len(t) <= 6 and not numeric else None
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
            got: dict[str, str] = {}
            for text, j in zip(values, combo, strict=True):
                if text:
                    got[cols[j]] = got[cols[j]] + " " + text if cols[j] in got else text
            best = (score, got)
    return best[1] if best else None
