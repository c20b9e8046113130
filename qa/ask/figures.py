"""One figure of a record (a project's money or score, an indicator's target or actual) with where it was read."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import TYPE_CHECKING

from corpus.model import Indicator, Source, Value
from qa.ask.money import _to_base, _unit
from qa.ask.words import SCORE_UNIT, _compact, label

if TYPE_CHECKING:
    from qa.ask.catalogue import Entry


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure read from a record, with where it was read. Slotted: a served index keeps every project's
    figure of every project-level field (1.4M at 100k projects) for rankings and filters."""

    entry: Entry
    field: str  # the concrete field (money resolves to adjusted or annual_request)
    value: Decimal | None
    unit: str | None
    source: Source | None
    indicator: Indicator | None = None
    # The label of the row of a multi-row source that holds the figure ("" the first row; None: all of it).
    row: str | None = None
    # The value in the field's base unit (元 for money, the figure itself otherwise): read by every
    # comparison of a ranking or filter, so converted once.
    base: Decimal | None = dataclass_field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", None if self.value is None else _to_base(self.value, self.unit))

    @property
    def cited_source(self) -> Source | None:
        """The source narrowed to the figure's own row (done only when cited: rank and filter read many)."""
        if self.row is None:
            return self.source
        return _row_of(self.source, self.row) if self.row else _first_line(self.source)

    def to_value(self) -> Value:
        return Value(
            self.entry.name,
            self.indicator.name if self.indicator else None,
            self.field,
            self.value,
            self.unit,
        )


_BUDGET_FIELDS = {"planned", "adjusted", "spent"}
_FUNDING_FIELDS = {"annual_request", "total", "fiscal", "appropriation", "carryover", "other"}
_LINE_FIELDS = {"appropriation", "carryover", "other"}


def _project_figure(entry: Entry, field_name: str) -> Figure | None:
    """A project-level figure, or None when the project's kind has no such field."""
    p = entry.project
    if field_name == "money":
        field_name = "adjusted" if p.budget is not None else "annual_request"
    b, f = p.budget, p.funding
    if field_name in _BUDGET_FIELDS or field_name in {"execution_rate", "budget_weight", "budget_score"}:
        if b is None:
            return None
        attr = {"execution_rate": "rate", "budget_weight": "weight", "budget_score": "score"}.get(
            field_name, field_name
        )
        unit = (
            "%"
            if field_name == "execution_rate"
            else SCORE_UNIT
            if field_name.startswith("budget_")
            else b.unit
        )
        return Figure(entry, field_name, getattr(b, attr), unit, b.source, row="")
    if field_name == "total_score":
        if p.kind != "self_evaluation":
            return None
        return Figure(entry, field_name, p.total_score, SCORE_UNIT, p.total_source or p.source)
    if field_name in _FUNDING_FIELDS:
        if f is not None:
            value = getattr(f, field_name)
            if field_name == "other" and value is None:
                value = f.annual_other
            return Figure(entry, field_name, value, f.unit, f.source, row=label(field_name))
        if b is not None and field_name in _LINE_FIELDS:
            line = next((bl for bl in b.lines if bl.label == field_name), None)
            if line is None:
                return None
            return Figure(entry, field_name, line.adjusted, b.unit, line.source)
        return None
    return None


def _first_line(source: Source | None) -> Source | None:
    if source is None or not source.text:
        return source
    first = source.text.split("\n", 1)[0]
    return Source(source.file, source.line, source.line, first, source.page, source.sha256)


def _row_of(source: Source | None, words: str) -> Source | None:
    """The row of a multi-row source that holds `words`, when the rows are consecutive lines."""
    if source is None or not source.text:
        return source
    rows = source.text.split("\n")
    key = _compact(words)
    consecutive = source.end_line is not None and source.end_line - source.line + 1 == len(rows)
    for i, row in enumerate(rows):
        if key and key in _compact(row):
            line = source.line + i if consecutive else source.line
            return Source(source.file, line, line, row, source.page, source.sha256)
    return _first_line(source)


def _indicator_figure(entry: Entry, ind: Indicator, field_name: str) -> Figure | None:
    if field_name == "target":
        m = ind.target
        return Figure(entry, "target", m.value, _unit(m), ind.source, ind)
    if field_name == "actual":
        if ind.actual is None:
            return None
        return Figure(entry, "actual", ind.actual.value, _unit(ind.actual), ind.source, ind)
    if field_name in ("weight", "score"):
        if entry.project.kind != "self_evaluation" and getattr(ind, field_name) is None:
            return None
        return Figure(entry, field_name, getattr(ind, field_name), SCORE_UNIT, ind.source, ind)
    return None
