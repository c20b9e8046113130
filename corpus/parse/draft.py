"""What one form said, as the walk (corpus/parse/forms.py) read it: FormDraft, and the small tests on values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.parse import labels as lb
from corpus.parse.grid import Cell
from corpus.parse.indicators import IndicatorTable

_FIGURE = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?\s*(?:万元|万|元|%)?$")


EMPTY_VALUES = ("", "—", "-", "－", "/", "／", "无", "——")


@dataclass
class FormDraft:
    """What one form said, as read: fields, money, goals, indicator table, totals, and the cells behind them."""

    start: Cell
    title: str | None = None
    kind: str | None = None
    year: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    field_cells: dict[str, list[Cell]] = field(default_factory=dict)
    unit: str | None = None
    money_cols: list[str] | None = None
    money_rows: list[tuple[str, dict[str, str], list[Cell]]] = field(default_factory=list)
    money_seen: bool = False  # a money block label stood on the form
    money_weight: str | None = None  # the block's 分值 stated in its score header: 得分(20分*执行率)
    funding: dict[str, str] = field(default_factory=dict)
    funding_cells: list[Cell] = field(default_factory=list)
    goal_cols: list[str] = field(default_factory=list)
    goals: dict[str, list[tuple[str, Cell]]] = field(default_factory=dict)
    table: IndicatorTable | None = None
    tables: list[IndicatorTable] = field(default_factory=list)
    total_score: str | None = None
    total_weight: str | None = None
    total_cells: list[Cell] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    unread: list[Cell] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        return bool(self.money_rows or self.funding or self.tables or self.goals)


def is_value(text: str) -> bool:
    t = lb.key_of(text) if text else ""
    return text.strip() in EMPTY_VALUES or bool(_FIGURE.match(text.replace(" ", ""))) or (
        bool(t) and not lb.is_label(text) and bool(re.fullmatch(r"[\d.,%万元:：]+", t))
    )


def add_goal(form: FormDraft, cell: Cell, row_start: bool) -> None:
    cols = form.goal_cols
    filled = [c for c in cols if c in form.goals]
    if len(cols) == 1:
        key = cols[0]
    elif row_start or not filled:
        key = cols[0] if not filled else (cols[min(len(filled), len(cols) - 1)] if not row_start else cols[0])
    else:
        key = cols[min(len(filled), len(cols) - 1)]
    if len(cols) > 1 and filled and not row_start:
        last = filled[-1]
        idx = cols.index(last)
        key = cols[min(idx + 1, len(cols) - 1)]
    elif len(cols) > 1 and filled:
        key = cols[min(len(filled), len(cols) - 1)]
    form.goals.setdefault(key, []).append((cell.text, cell))
