"""The walk's cells as tokens (cell, whether from a stream, whether it ends its row) and the runs of values
after a label: a field's value, a money row's figures, a value in the row below."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from corpus.parse import labels as lb
from corpus.parse.draft import is_value
from corpus.parse.grid import Cell, GridRow
from corpus.parse.values import to_decimal


def split_inline(cell: Cell) -> list[Cell]:
    """`项目名称：XXX` / `年度资金总额:310.21` / `771,325,800.00 年度资金申请总额` -> label and value cells."""
    text = cell.text
    if cell.copy:
        return [cell]  # a merged cell's copy is skipped whole, as the cell it copies was read
    m = re.match(r"^([^:：]{2,16})[:：]\s*(.+)$", text)
    if m and lb.is_label(m.group(1)) and not lb.is_label(text):
        return [Cell(m.group(1), cell.row, cell.col, cell.line, cell.page), Cell(m.group(2), cell.row, cell.col, cell.line, cell.page)]
    m = re.match(r"^([-−]?\d[\d,]*(?:\.\d+)?\s*(?:万元|万|元)?)\s+(\S.{1,20})$", text)
    if m and lb.is_label(m.group(2)):
        return [Cell(m.group(1), cell.row, cell.col, cell.line, cell.page), Cell(m.group(2), cell.row, cell.col, cell.line, cell.page)]
    return [cell]


@dataclass
class Tok:
    cell: Cell
    stream: bool
    row_end: bool  # the last cell of its row

    @property
    def copy(self) -> bool:
        return self.cell.copy


def tokens(rows: list[GridRow]) -> list[Tok]:
    out: list[Tok] = []
    for r in rows:
        cells = [piece for c in r.cells for piece in split_inline(c)]
        for i, c in enumerate(cells):
            out.append(Tok(c, r.stream, i == len(cells) - 1))
    return out


def row_after(toks: list[Tok], i: int) -> int:
    """The position after the row that starts at position i."""
    j = i
    while j < len(toks) and not toks[j].row_end:
        j += 1
    return j + 1


def value_below(toks: list[Tok], i: int) -> Cell | None:
    """The value under the label at position i, where the label's row holds labels only (项目名称 | 主管部门 |
    实施单位) and the next row holds words in the label's column (a kept row, not a stream)."""
    if toks[i].stream:
        return None
    start = i
    while start and not toks[start - 1].row_end:
        start -= 1
    end = row_after(toks, i)
    if any(t.cell.text and not t.copy and not lb.is_label(t.cell.text) for t in toks[start:end]):
        return None
    nxt = toks[end:row_after(toks, end)] if end < len(toks) else []
    col = toks[i].cell.col
    for t in nxt:
        if t.stream:
            return None
        if t.cell.col == col and not t.copy:
            text = t.cell.text
            ok = text and not lb.is_label(text) and not lb.is_title(text)
            return t.cell if ok else None
    return None


def sum_row(toks: list[Tok], i: int, labels: tuple[lb.Label, ...]) -> bool:
    """Whether position i starts a row `合计 | … figures` (a money block's total label, every other cell of the
    row a figure or blank): under an indicator table that is the table's total, not an indicator."""
    if not any(x.kind == "money_row" and x.field == "total" for x in labels):
        return False
    if toks[i].stream or (i and not toks[i - 1].row_end):
        return False
    rest = [t.cell.text for t in toks[i + 1:row_after(toks, i)] if t.cell.text and not t.copy]
    return bool(rest) and all(to_decimal(x) is not None for x in rest)


def values_after(toks: list[Tok], i: int, count: int, stop_at_text: bool = False) -> list[Cell]:
    """Up to `count` value cells after position i (figures, blanks, dashes), within the row when rows hold."""
    out: list[Cell] = []
    k = i + 1
    row_mode = not toks[i].stream and not toks[i].row_end
    while k < len(toks) and len(out) < count + (1 if not stop_at_text else 0):
        t = toks[k]
        text = t.cell.text
        if t.copy and row_mode and not t.row_end:
            k += 1  # a merged cell's copy (the label's own, over two columns): not a value of its own
            continue
        if text and lb.is_label(text) and not is_value(text):
            break
        if text and not is_value(text):
            if stop_at_text and out:
                break
            if not stop_at_text:
                break
        out.append(t.cell)
        if (row_mode and t.row_end) or (not row_mode and not t.stream):
            break
        k += 1
        if stop_at_text and text:
            break
    return out[: max(count, 1)] if not row_mode else out


def assign_money(cols: list[str], values: list[str], stream: bool = False) -> dict[str, str]:
    """A money row's figures by the header's columns; {} when they cannot stand there (see _plausible), or, in a
    flattened page (`stream`, where the header may have lost columns it printed), when a rate is not confirmed
    by the row's own spent and budget figures."""
    vals = list(values)
    if len(vals) == 1 and len(cols) > 1 and re.fullmatch(r"[\d.,%万元]+", vals[0].replace(" ", "")):
        try:
            from corpus.parse import fused

            # The figures every possible cut agrees on; the others are left empty, never guessed.
            cut = fused.common_figures(vals[0], cols)
        except Exception:  # noqa: BLE001 - the fused-cell splitter is optional help, never a reason to fail
            cut = None
        if cut:
            vals = [v or "" for v in cut]
    got = {c: v for c, v in zip(cols, vals, strict=False)}
    return got if _plausible(got) and (not stream or _rate_confirmed(got)) else {}


def _rate_confirmed(got: dict[str, str]) -> bool:
    """No rate, or a rate that the row's spent ÷ budget × 100 gives (to a point): figures a flattened page printed
    under a header whose other columns (中央 | 省 | 本级 …) it ran into one word line up only so."""
    rate = to_decimal(got.get("rate") or "")
    if rate is None:
        return True
    spent = to_decimal(got.get("spent") or "")
    bases = [b for b in (to_decimal(got.get(c) or "") for c in ("adjusted", "planned")) if b]
    if spent is not None and any(abs(spent / b * 100 - rate) <= 1 for b in bases):
        return True
    weight, score = to_decimal(got.get("weight") or ""), to_decimal(got.get("score") or "")
    return weight is not None and score is not None and abs(weight * rate / 100 - score) <= Decimal("0.5")


def _plausible(got: dict[str, str]) -> bool:
    """Figures that can stand in the columns they were given by position: a rate of at most 200%, points of at
    most 100 and a score not above its weight. A row that fails printed its figures under columns the header
    did not name (中央 | 省 | 本级 … read as one word): which figure is which cannot be told."""
    num = {k: to_decimal(v) for k, v in got.items() if v}
    rate, weight, score = num.get("rate"), num.get("weight"), num.get("score")
    if rate is not None and not 0 <= rate <= 200:
        return False
    if any(x is not None and not 0 <= x <= 100 for x in (weight, score)):
        return False
    return not (weight is not None and score is not None and score > weight)
