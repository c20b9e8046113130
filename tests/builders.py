"""Small builders of hand-made records for the rule tests: a figure as printed, a decimal, a cited line."""

from __future__ import annotations

import re
from decimal import Decimal

from corpus.model import Measure, Source

_MEASURE = re.compile(r"(?P<op>[≥≤=<>])?(?P<num>-?\d+(?:\.\d+)?)(?:\((?P<unit>[^)]*)\)|(?P<pct>%))?")
_lines = iter(range(10, 100_000))


def m(text: str | None) -> Measure | None:
    """`≥20.00(份)` -> Measure(op ≥, 20.00, 份); `90%` -> unit %; words -> qualitative."""
    if text is None:
        return None
    found = _MEASURE.fullmatch(text)
    if found is None:
        return Measure(text=text, qualitative=text)
    unit = "%" if found["pct"] else found["unit"]
    unit = None if unit in (None, "", "null") else unit
    return Measure(text=text, op=found["op"], value=Decimal(found["num"]), unit=unit)


def d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def src(text: str = "") -> Source:
    """A source line of the hand-made file t.txt; each call a new line."""
    return Source(file="t.txt", line=next(_lines), text=text)
