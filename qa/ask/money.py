"""Figures as the answers write them: units, two decimals, 万元/元 conversion, Chinese numerals."""

from __future__ import annotations

from decimal import Decimal

from corpus.model import Measure
from qa.ask.text import TEXT
from qa.ask.words import vocabulary


def _unit(measure: Measure | None) -> str | None:
    from qa.checks.base import unit_of

    return unit_of(measure)


def _num(value: Decimal) -> str:
    """A figure without exponent or trailing zeros: 1200, 87.5, 0.25."""
    return format(value.normalize(), "f")


def _money(value: Decimal, unit: str) -> str:
    if value == value.quantize(Decimal("0.01")):
        return f"{value:,.2f}{unit}"
    return f"{value.normalize():,f}{unit}"


# Figures these forms print with two decimals (98.20, 87.50): shown the same way.
_TWO_PLACES = {"execution_rate", "total_score", "budget_weight", "budget_score", "weight", "score", "mean"}


def _show(value: Decimal | None, unit: str | None, field_name: str = "") -> str:
    if value is None:
        return TEXT["blank"]
    if unit in vocabulary()["money_units"]:
        return _money(value, unit)
    text = _num(value)
    if field_name in _TWO_PLACES and value == value.quantize(Decimal("0.01")):
        text = f"{value:.2f}"
    return f"{text}%" if unit == "%" else f"{text}{unit or ''}"


def _show_measure(m: Measure | None) -> str:
    if m is None:
        return TEXT["empty_cell"]
    if m.value is None:
        return m.qualitative or m.text or TEXT["empty_cell"]
    return f"{m.op or ''}{_show(m.value, _unit(m))}"


def _to_base(value: Decimal, unit: str | None) -> Decimal:
    scale = vocabulary()["money_units"].get(unit or "")
    return value * Decimal(scale) if scale else value


def _from_base(value: Decimal, unit: str) -> Decimal:
    scale = vocabulary()["money_units"].get(unit)
    return value / Decimal(scale) if scale else value


def _chinese_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    numerals = vocabulary()["chinese_numerals"]
    if text == "十":
        return 10
    if len(text) == 2 and text[0] == "十" and text[1] in numerals:
        return 10 + numerals[text[1]]
    if len(text) == 2 and text[1] == "十" and text[0] in numerals:
        return numerals[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return numerals.get(text[0], 0) * 10 + numerals.get(text[2], 0)
    return numerals.get(text)
