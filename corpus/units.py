"""Money units, in one place: how many 元 one unit is. Every figure a form prints in 万元, 千元 or 亿元 is
converted through this table (qa/ answers and reports, the ui/ figures)."""

from __future__ import annotations

from decimal import Decimal

YUAN_PER_UNIT: dict[str, Decimal] = {
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "亿元": Decimal(100000000),
}
WAN = YUAN_PER_UNIT["万元"]


def yuan_per(unit: str | None, default: Decimal | None = None) -> Decimal | None:
    """元 per `unit` (万元 -> 10000), or `default` for a unit that is not money (or none)."""
    return YUAN_PER_UNIT.get(unit or "", default)
